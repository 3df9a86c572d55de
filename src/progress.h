/*
 * One line on a terminal while a big message goes out: bytes sent and the
 * rate, rewritten in place, gone when done. Nothing when stderr is not a
 * terminal or the message is small (cron and scripts see nothing new).
 */
#ifndef POSTERN_PROGRESS_H
#define POSTERN_PROGRESS_H

#include <sys/types.h>

#define PROGRESS_MIN (1024 * 1024)   /* smaller messages show nothing */

/* A message of `total` bytes starts going out. */
void progress_start(off_t total);
/* `sent` of them are out (shown at most a few times a second). */
void progress_update(off_t sent);
/* Done (or failed): the line is erased. */
void progress_end(void);

#endif
