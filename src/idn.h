/*
 * Internationalised addresses: domains per IDNA2008 (RFC 5891, libidn2),
 * local parts per RFC 6531. An envelope address is kept in one canonical
 * form, valid UTF-8 in Unicode NFC (RFC 6532 section 3.1), and sent either
 * as it is (the server offers SMTPUTF8) or with its domain as A-labels
 * ("xn--"), which every server accepts; a non-ASCII local part has no
 * ASCII form at all.
 */
#ifndef POSTERN_IDN_H
#define POSTERN_IDN_H

#include "errors.h"

/* The canonical form of `spec` (owned): checked to be valid UTF-8 without
 * control characters, normalised to NFC, its domain a valid IDN. ERR_DATA
 * naming the address and the problem. */
char *idn_spec_canonical(const char *spec, struct err *e);

/* Returns an owned copy of `spec` with its domain in ASCII form.
 * ERR_DATA when the domain is not a valid IDN or the local part is not
 * ASCII (that needs SMTPUTF8). */
char *idn_spec_to_ascii(const char *spec, struct err *e);

/* The same with only the domain converted: the local part stays as it is. */
char *idn_spec_ascii_domain(const char *spec, struct err *e);

/* 1 when the local part (before the last '@') has a non-ASCII byte. */
int idn_local_is_utf8(const char *spec);

#endif
