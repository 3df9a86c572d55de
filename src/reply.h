/*
 * SMTP replies (RFC 5321 section 4.2): lines "ddd-text" continue, "ddd text"
 * or "ddd" end the reply; every line carries the same code. RFC 3463
 * enhanced status codes are picked out. Pure parsing, no I/O: feed lines
 * one at a time.
 */
#ifndef POSTERN_REPLY_H
#define POSTERN_REPLY_H

#include "buf.h"
#include "errors.h"

struct reply {
	int code;            /* 200..599 */
	char enhanced[16];   /* "5.1.1" or "" */
	struct buf text;     /* the lines' text without codes, joined by '\n' */
	int nlines;
};

void reply_init(struct reply *r);
void reply_reset(struct reply *r);
void reply_free(struct reply *r);

/* Adds one line (without CRLF). Returns 1 when the reply is complete, 0
 * when more lines follow, -1 with ERR_PROTOCOL for a malformed line, a code
 * that changes between lines, or more than REPLY_LINES_MAX lines. */
int reply_feed(struct reply *r, const char *line, size_t len, struct err *e);

/* "550 5.1.1 text [bad destination mailbox]" on one line, bounded, for
 * error messages: a 4xx or 5xx with a known enhanced code ends with it
 * in words. */
const char *reply_summary(const struct reply *r, char *out, size_t outsz);

/* The class digit: 2, 3, 4 or 5. */
static inline int reply_class(const struct reply *r) { return r->code / 100; }

#endif
