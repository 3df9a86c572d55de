/*
 * Address fields (From, To, Cc ...) made 7-bit for the downgrade of
 * mime7.c (RFC 6152 section 3): display names with 8-bit text become RFC
 * 2047 encoded words (a phrase, section 5(3)), domains in Unicode their
 * A-labels (IDNA2008); a non-ASCII local part, or a group, cannot be
 * rewritten. Pure text work, no I/O.
 */
#ifndef POSTERN_MIMEADDR_H
#define POSTERN_MIMEADDR_H

#include <stddef.h>

#include "buf.h"

/* 1 when name[0..nlen) is a field holding addresses. */
int mimeaddr_is(const char *name, size_t nlen);

/* NULL when value[0..vlen) (the raw text after the colon) can be made
 * 7-bit, else the reason it cannot, in words. */
const char *mimeaddr_problem(const char *value, size_t vlen);

/* Appends "name: addresses\r\n" in 7-bit form, folded before 78 columns
 * where it can be. -1 at out's limit, or when mimeaddr_problem() has a
 * reason. */
int mimeaddr_field(struct buf *out, const char *name, size_t nlen, const char *value, size_t vlen)
	__attribute__((warn_unused_result));

#endif
