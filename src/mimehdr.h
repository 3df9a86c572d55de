/*
 * The header section of a MIME entity, for the 7-bit downgrade (mime7.c):
 * split into fields with their folded lines (RFC 5322 section 2.2), and
 * the Content-Type and Content-Transfer-Encoding values parsed (RFC 2045
 * sections 5.1 and 6.1). Pure functions over (pointer, length) text the
 * caller owns; nothing is allocated.
 */
#ifndef POSTERN_MIMEHDR_H
#define POSTERN_MIMEHDR_H

#include <stddef.h>

#include "bounds.h"

enum mimehdr_line {
	MIMEHDR_FIELD,   /* "Name:" starts a field */
	MIMEHDR_CONT,    /* starts with white space: continues the field above */
	MIMEHDR_BLANK,   /* the empty line that ends the section */
	MIMEHDR_OTHER,   /* anything else: not a header line */
};

/* The kind of the header line p[0..n), its CRLF excluded. */
enum mimehdr_line mimehdr_line_kind(const char *p, size_t n);

struct mimehdr_field {
	size_t off, len;    /* in the section: every line of the field, CRLFs included */
	size_t name_len;    /* the name at off; 0 for a line that is not a field */
	size_t value_off;   /* just after the colon */
	size_t longest;     /* the longest line, CRLF excluded */
	int high;           /* holds a byte >= 0x80 */
};

enum mimehdr_next {
	MIMEHDR_UNIT,       /* *f is a field, or one line that is not a field */
	MIMEHDR_END_BLANK,  /* the empty line (now behind *pos) ends the section */
	MIMEHDR_END,        /* the section ends without an empty line */
};

/* Reads the unit at *pos in the section p[0..n) and moves *pos past it. */
enum mimehdr_next mimehdr_next(const char *p, size_t n, size_t *pos, struct mimehdr_field *f);

/* True when field f of the section p is named `name` (case-insensitive). */
int mimehdr_is(const char *p, const struct mimehdr_field *f, const char *name);

/* True for the fields whose text RFC 2047 section 5(1) lets encoded-words
 * replace: Subject, Comments, Content-Description and X-*. */
int mimehdr_unstructured(const char *p, const struct mimehdr_field *f);

struct mimehdr_ct {
	char type[32];        /* lower case; "" when absent or not valid */
	char subtype[64];
	char boundary[MIME_BOUNDARY_MAX + 1];
	size_t boundary_len;  /* 0: no boundary parameter, or an empty or too long one */
	int has_charset;
};

/* Parses a Content-Type value v[0..n) (folded text after the colon):
 * type/subtype and the boundary and charset parameters; comments are
 * skipped. An invalid type leaves ct->type empty. */
void mimehdr_content_type(const char *v, size_t n, struct mimehdr_ct *ct);

enum mimehdr_cte {
	MIMEHDR_CTE_NONE,     /* 7bit, or no field (RFC 2045 section 6.1) */
	MIMEHDR_CTE_8BIT,     /* 8bit or binary */
	MIMEHDR_CTE_ENCODED,  /* quoted-printable or base64 */
	MIMEHDR_CTE_UNKNOWN,  /* x-token or anything else */
};

enum mimehdr_cte mimehdr_cte(const char *v, size_t n);

#endif
