/*
 * The delivery status notification options of RFC 3461: NOTIFY (-N),
 * RET (-R) and ENVID (-V) checked as the user gives them, and written back
 * in the form MAIL and RCPT carry, which is also the form kept with a
 * queued message: dsn_notify_format() output reads back with
 * dsn_parse_notify(), dsn_ret_name() with dsn_parse_ret().
 * Pure functions; strings are borrowed, output goes to the caller's buf.
 */
#ifndef POSTERN_DSN_H
#define POSTERN_DSN_H

#include <stddef.h>

#include "buf.h"
#include "errors.h"

enum dsn_notify {
	DSN_NOTIFY_NEVER = 1,
	DSN_NOTIFY_SUCCESS = 2,
	DSN_NOTIFY_FAILURE = 4,
	DSN_NOTIFY_DELAY = 8,
};

enum dsn_ret { DSN_RET_NONE = 0, DSN_RET_FULL, DSN_RET_HDRS };

/* "never" or a comma list of success, failure, delay (any case, spaces
 * and tabs around the words allowed, a word given twice counts once);
 * NEVER may not be combined (RFC 3461 section 4.1). Sets *flags and
 * returns 0; -1 with ERR_USAGE naming `what` (e.g. "option -N" or
 * "dsn_notify") and the bad word, *flags untouched. */
int dsn_parse_notify(const char *s, const char *what, unsigned *flags, struct err *e);

/* "full" or "hdrs" (any case): sets *ret and returns 0; -1 with ERR_USAGE
 * naming `what`, *ret untouched. */
int dsn_parse_ret(const char *s, const char *what, enum dsn_ret *ret, struct err *e);

/* ENVID: 1..DSN_ENVID_MAX (100) characters of printable ASCII, space
 * included, before xtext encoding (RFC 3461 section 4.4). 0, or -1 with
 * ERR_USAGE naming `what`. */
int dsn_check_envid(const char *s, const char *what, struct err *e);

/* Appends the NOTIFY value, "NEVER" or "SUCCESS,FAILURE,DELAY" (the words
 * set, in that order). -1, out unchanged, past the buffer's limit or when
 * flags is not a valid set (0, unknown bits, NEVER with another). */
int dsn_notify_format(struct buf *out, unsigned flags) __attribute__((warn_unused_result));

/* "FULL" or "HDRS"; NULL for DSN_RET_NONE (no RET parameter is sent)
 * and for values outside the enum. */
const char *dsn_ret_name(enum dsn_ret r);

/* Appends s[0..n) as xtext (RFC 3461 section 4): "+", "=" and bytes
 * outside 33..126 become "+XX" in upper-case hex. -1 past the buffer's
 * limit, with part of the encoding appended. */
int dsn_xtext(struct buf *out, const char *s, size_t n) __attribute__((warn_unused_result));

#endif
