/* Base64 (RFC 4648) for SASL. */
#ifndef POSTERN_B64_H
#define POSTERN_B64_H

#include "buf.h"

/* Appends the encoding of p[0..n) to out; -1 when out's limit is reached. */
int b64_encode(struct buf *out, const void *p, size_t n) __attribute__((warn_unused_result));

/* Appends the decoding of s[0..n) to out; -1 on invalid input or limit. */
int b64_decode(struct buf *out, const char *s, size_t n) __attribute__((warn_unused_result));

/* Appends text[0..n) as RFC 2047 encoded words ("=?UTF-8?B?...?=",
 * separated by spaces), each at most 75 characters, never splitting a
 * UTF-8 sequence; fit for a phrase (section 5(3)). -1 at out's limit. */
int b64_encoded_words(struct buf *out, const char *text, size_t n)
	__attribute__((warn_unused_result));

#endif
