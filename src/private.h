/*
 * postern's private state (the queue, kept TLS sessions, lock files,
 * dead.letter, the log) lives where only the user writes. Folders are
 * created 0700 and then checked: a real folder, not a link, the user's own,
 * writable by nobody else; and the folder holding postern's own must not
 * let another user swap it. Files are opened without following a link and
 * must be the user's own regular files. Otherwise another user could plant
 * queue entries that the victim's `postern -q` sends with the victim's
 * credentials, or point a write at a file of theirs.
 */
#ifndef POSTERN_PRIVATE_H
#define POSTERN_PRIVATE_H

#include <sys/types.h>

#include "errors.h"

/* The user's home: $HOME when it is set (NULL when it is not an absolute
 * path), else the password file's entry for the real user (Debian's cron
 * runs the mail program with no HOME at all); NULL when neither is known. */
const char *home_dir(void);

/* Creates `path` (mode 0700, with its parents) and checks it and each of
 * its parents up to the one named "postern", and that one's parent.
 * ERR_CANTCREAT naming the folder and what is wrong. `path` is restored. */
int private_dirs(char *path, struct err *e);

/* open(2) with O_NOFOLLOW | O_CLOEXEC, then refused (closed, errno
 * EPERM) unless a regular file of the user's own. -1 with errno set. */
int private_open(const char *path, int flags, mode_t mode);

#endif
