/*
 * Strict UTF-8 validation (RFC 3629 section 4) for the text that SMTPUTF8
 * (RFC 6531) and internationalised headers (RFC 6532) let through: shortest
 * form only, no surrogates, nothing above U+10FFFF, and no control
 * characters (C0, DEL, C1), which have no place in an address or a header.
 * Pure functions over borrowed bytes; nothing is allocated.
 */
#ifndef POSTERN_UTF8_H
#define POSTERN_UTF8_H

#include <stddef.h>

enum { UTF8_ALLOW_TAB = 1 };   /* headers may hold HTAB; addresses may not */

/* NULL when p[0..n) is valid UTF-8 with no control characters, else a
 * short static reason ("truncated sequence", "overlong encoding",
 * "surrogate code point", "code point above U+10FFFF", "unexpected
 * continuation byte", "invalid byte 0xF5" .. "invalid byte 0xFF", "C0
 * control character", "C1 control character", "DEL") and, when bad_off is
 * not NULL, *bad_off the offset of the first byte of the offending
 * character. CR and LF are C0 controls: callers check lines, not blocks. */
const char *utf8_problem(const char *p, size_t n, unsigned flags, size_t *bad_off);

/* 1 when any byte of p[0..n) is >= 0x80, else 0. */
int utf8_has_nonascii(const char *p, size_t n);

#endif
