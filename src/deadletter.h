/*
 * ~/dead.letter: where a message goes when it can never be delivered
 * (a permanent refusal, or too long in the queue), so its text is not
 * lost. mbox format (mboxrd: ">From " escaping), LF line endings, one
 * X-Postern-Failure header on top naming why, appended under flock.
 */
#ifndef POSTERN_DEADLETTER_H
#define POSTERN_DEADLETTER_H

#include <sys/types.h>

#include "buf.h"
#include "errors.h"

/* The path: $HOME/dead.letter. Owned, or NULL. */
char *deadletter_path(void);

/* Appends the message (header block, then [off, end) of fd) with
 * `reason`. ERR_CANTCREAT / ERR_IO when it cannot be written. */
int deadletter_append(const char *sender, const char *reason, const struct buf *header_block,
		      int fd, off_t off, off_t end, struct err *e);

#endif
