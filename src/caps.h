/*
 * What the server offers, from its EHLO reply (RFC 5321 section 4.1.1.1):
 * one keyword per line after the first. Forgotten entirely after STARTTLS
 * (RFC 3207 section 4.2).
 */
#ifndef POSTERN_CAPS_H
#define POSTERN_CAPS_H

#include "reply.h"

enum cap_flag {
	CAP_STARTTLS = 1 << 0,
	CAP_PIPELINING = 1 << 1,
	CAP_SIZE = 1 << 2,
	CAP_8BITMIME = 1 << 3,
	CAP_SMTPUTF8 = 1 << 4,
	CAP_DSN = 1 << 5,
	CAP_CHUNKING = 1 << 6,
	CAP_ENHANCEDSTATUSCODES = 1 << 7,
	CAP_AUTH = 1 << 8,
	CAP_BINARYMIME = 1 << 9,
	CAP_REQUIRETLS = 1 << 10,
	CAP_LIMITS = 1 << 11,
};

struct caps {
	unsigned flags;
	unsigned rcptmax, mailmax, rcptdomainmax;   /* LIMITS (RFC 9422); 0: none */
	unsigned long long size_limit;  /* 0: none announced */
	unsigned auth_mechs;            /* bits from sasl.h */
};

/* Fills c from an EHLO reply (250). */
void caps_parse(struct caps *c, const struct reply *r);

#endif
