/*
 * The encoders of the 7-bit downgrade (mime7.c): quoted-printable (RFC 2045
 * section 6.7) and base64 (RFC 2045 section 6.8) as streams whose state
 * carries across input chunks, RFC 2047 encoded-words for an unstructured
 * header field, and a streaming UTF-8 check (RFC 3629 section 4).
 * Pure transformations, no I/O: each appends to the caller's struct buf
 * and returns -1 only when that buffer's limit is reached. Output is
 * 7-bit, in CRLF lines of at most 76 characters (encoded-word lines at
 * most 78 where a field allows it).
 */
#ifndef POSTERN_MIMEENC_H
#define POSTERN_MIMEENC_H

#include <stddef.h>

#include "buf.h"

struct mimeenc_qp {
	size_t col;       /* characters on the current output line */
	int pending_ws;   /* a space or tab not yet written: literal or =20? */
	int pending_cr;   /* a CR not yet written: CRLF or a bare CR? */
	int soft;         /* the current output line began after a soft break */
};

void mimeenc_qp_init(struct mimeenc_qp *q);

/* Appends the quoted-printable form of p[0..n). CRLF stays a hard line
 * break; any other byte outside 33..126, and "=", becomes =XX. */
int mimeenc_qp_feed(struct mimeenc_qp *q, const char *p, size_t n, struct buf *out)
	__attribute__((warn_unused_result));

/* Writes what is pending at the end of the data (no line break added). */
int mimeenc_qp_finish(struct mimeenc_qp *q, struct buf *out) __attribute__((warn_unused_result));

struct mimeenc_b64 {
	unsigned char rest[3];
	size_t nrest;
	size_t col;
};

void mimeenc_b64_init(struct mimeenc_b64 *b);

/* Appends base64 in lines of 76 characters, CRLF between lines. */
int mimeenc_b64_feed(struct mimeenc_b64 *b, const char *p, size_t n, struct buf *out)
	__attribute__((warn_unused_result));

/* Writes the last group with its padding (no line break after it). */
int mimeenc_b64_finish(struct mimeenc_b64 *b, struct buf *out) __attribute__((warn_unused_result));

struct mimeenc_utf8 {
	int need;                 /* continuation bytes still expected */
	unsigned char lo, hi;     /* the range allowed for the next one */
	int bad;
};

void mimeenc_utf8_init(struct mimeenc_utf8 *u);
void mimeenc_utf8_feed(struct mimeenc_utf8 *u, const char *p, size_t n);

/* True when everything fed so far is complete, well-formed UTF-8. */
int mimeenc_utf8_valid(const struct mimeenc_utf8 *u);

/* Appends the field "name: value" (name[0..nlen)), value[0..vlen) being
 * the raw text after the colon, possibly folded, with or without its
 * final CRLF. The words holding 8-bit bytes (and the ASCII between them)
 * become RFC 2047 encoded-words of at most 75 characters, charset UTF-8
 * (UNKNOWN-8BIT when the text is not UTF-8), Q or B encoding whichever is
 * shorter, never splitting a UTF-8 sequence; the rest of the text is kept.
 * The field is folded before 78 columns where white space allows, and
 * ends with CRLF. Only for unstructured fields (RFC 2047 section 5(1)). */
int mimeenc_field(struct buf *out, const char *name, size_t nlen, const char *value, size_t vlen)
	__attribute__((warn_unused_result));

#endif
