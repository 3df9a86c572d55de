/*
 * Reads the message from standard input into a private temporary file
 * (mode 0600, already unlinked), in bounded chunks, so memory stays
 * constant whatever the message size. On the way every line ending (CRLF,
 * bare LF, bare CR) becomes CRLF, the last line gets its CRLF, and (unless
 * -i) a line holding only "." ends the input. NUL bytes are refused.
 * Dot-stuffing is not done here: the file holds the message as written.
 */
#ifndef POSTERN_SPOOL_H
#define POSTERN_SPOOL_H

#include <sys/types.h>

#include "errors.h"

struct spool {
	int fd;             /* owned; positioned anywhere, read with pread */
	off_t size;         /* bytes in the normalised file */
	off_t header_end;   /* offset just past the first empty line, or -1 */
	long lines;
	int has_8bit;       /* any byte >= 0x80 */
	int long_lines;     /* a line longer than 998 octets (RFC 5321 4.5.3.1.6) */
	off_t last_long_end;   /* just past the last such line: none in the body if <= its start */
};

/* Reads in_fd to EOF (or the lone-dot line); ERR_DATA for a NUL byte
 * (naming the line), ERR_IO / ERR_CANTCREAT for local failures. */
int spool_read(int in_fd, int dot_ends_input, struct spool *s, struct err *e);

/* The same from bytes in memory (unit tests, fuzzing). */
int spool_from_memory(const char *p, size_t n, int dot_ends_input, struct spool *s, struct err *e);

void spool_close(struct spool *s);

/* A private temporary file (mode 0600, already unlinked) in $TMPDIR or
 * /tmp: its fd, or -1 with ERR_CANTCREAT. */
int spool_tempfile(struct err *e);

#endif
