/*
 * The message text as it goes after DATA (RFC 5321 section 4.5.2): a line
 * starting with "." gets another "." in front. As a last line of defence
 * against SMTP smuggling, every bare CR and bare LF also becomes CRLF here,
 * whatever the caller already did, so no end-of-data can be forged.
 * Pure transformation, no I/O; state carries across chunks.
 */
#ifndef POSTERN_BODY_H
#define POSTERN_BODY_H

#include "buf.h"

struct body_stuffer {
	int at_line_start;
	int pending_cr;
};

void body_init(struct body_stuffer *b);

/* Appends the stuffed form of in[0..n) to out; -1 past out's limit. */
int body_stuff(struct body_stuffer *b, const char *in, size_t n, struct buf *out)
	__attribute__((warn_unused_result));

/* Ends the text: a missing final CRLF, then ".\r\n". */
int body_finish(struct body_stuffer *b, struct buf *out) __attribute__((warn_unused_result));

#endif
