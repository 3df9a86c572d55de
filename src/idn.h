/*
 * Internationalised domain names (RFC 5891, IDNA2008 via libidn2): an
 * envelope address whose domain is written in Unicode is sent with its
 * ASCII (A-label, "xn--") form, which every server accepts without
 * SMTPUTF8. A non-ASCII local part cannot be converted.
 */
#ifndef POSTERN_IDN_H
#define POSTERN_IDN_H

#include "errors.h"

/* Returns an owned copy of `spec` with its domain in ASCII form.
 * ERR_DATA when the domain is not a valid IDN or the local part is not
 * ASCII (that needs SMTPUTF8). */
char *idn_spec_to_ascii(const char *spec, struct err *e);

#endif
