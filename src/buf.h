/*
 * A growable byte buffer with a mandatory limit. The data is always
 * NUL-terminated (the NUL is not counted in len) so text can be passed to
 * C string functions, but binary content is allowed.
 * Growth past the limit fails (returns -1) and leaves the buffer unchanged.
 */
#ifndef POSTERN_BUF_H
#define POSTERN_BUF_H

#include <stddef.h>

#include "errors.h"

struct buf {
	char *data;
	size_t len;
	size_t cap;
	size_t limit;
};

/* An empty buffer that may grow to at most `limit` bytes. */
void buf_init(struct buf *b, size_t limit);

/* Appends; 0 on success, -1 past the limit or out of memory. */
int buf_append(struct buf *b, const void *p, size_t n)
	__attribute__((warn_unused_result));
int buf_appends(struct buf *b, const char *s)
	__attribute__((warn_unused_result));
int buf_appendf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), warn_unused_result));

/* Drops the first n bytes. */
void buf_consume(struct buf *b, size_t n);

/* Empties the buffer, keeping its memory. */
void buf_reset(struct buf *b);

/* Overwrites the contents with zeros, then empties it (for secrets). */
void buf_wipe(struct buf *b);

/* Frees the memory (wiping it first). */
void buf_free(struct buf *b);

/* Reads a whole regular text file into b (within its limit), and its
 * status into st when st is not NULL. On failure sets `kind` with a message
 * naming the path (cannot open, not a regular file, larger than the limit,
 * contains a NUL byte). */
struct stat;
/* Appends everything read from fd up to its end (and a NUL after it); -1
 * with errno (EFBIG past the limit). The stack copy is wiped. */
int buf_read_fd(struct buf *b, int fd) __attribute__((warn_unused_result));
int buf_read_file(struct buf *b, const char *path, struct stat *st, enum err_kind kind,
		  struct err *e) __attribute__((warn_unused_result));

/* Takes ownership of the data as a NUL-terminated string; the buffer is
 * left empty. Returns NULL when the buffer never held anything. */
char *buf_steal(struct buf *b);

#endif
