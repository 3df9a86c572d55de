/*
 * A range [a, b) of the message file, for the 7-bit downgrade (mime7.c):
 * read exactly with pread (so a range can be read twice), scanned for what
 * forces a downgrade (8-bit bytes, lines over MIME_LINE_MAX octets), or
 * read line by line keeping a bounded copy of each line. The file
 * descriptor stays the caller's; read failures are ERR_IO.
 */
#ifndef POSTERN_MIMERANGE_H
#define POSTERN_MIMERANGE_H

#include <stddef.h>
#include <sys/types.h>

#include "bounds.h"
#include "errors.h"

/* Reads exactly n bytes at offset `at`; a file that ends early is ERR_IO. */
int mimerange_read(int fd, char *p, size_t n, off_t at, struct err *e)
	__attribute__((warn_unused_result));

struct mimerange_scan {
	int high;    /* a byte >= 0x80 */
	int longl;   /* a line over MIME_LINE_MAX octets, CRLF excluded */
	int utf8;    /* the whole range is well-formed UTF-8 */
};

/* Scans [a, b) through the caller's MIME_CHUNK-byte `chunk`. */
int mimerange_scan(int fd, off_t a, off_t b, char *chunk, struct mimerange_scan *s, struct err *e)
	__attribute__((warn_unused_result));

struct mimerange_reader {
	int fd;
	off_t pos, end;   /* pos: the file offset of buf[0] */
	size_t off, len;
	char buf[MIME_CHUNK];
};

struct mimerange_line {
	off_t start, end;   /* end: past the CRLF, or the range's end */
	size_t len;         /* octets before the CRLF */
	int high;           /* holds a byte >= 0x80 */
	char head[MIME_LINE_MAX + 2];   /* the first octets: all of a line that is not too long */
};

/* A reader over [a, b), owned by the caller (mimerange_close); NULL with
 * ERR_OS when out of memory. */
struct mimerange_reader *mimerange_open(int fd, off_t a, off_t b, struct err *e);

/* The next line ending in CRLF, or the rest of the range: 1, 0 at the
 * end of the range, -1 on a read error. */
int mimerange_line(struct mimerange_reader *r, struct mimerange_line *l, struct err *e)
	__attribute__((warn_unused_result));

void mimerange_close(struct mimerange_reader *r);

#endif
