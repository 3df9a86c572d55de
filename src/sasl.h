/*
 * SASL mechanisms for SMTP AUTH (RFC 4954): PLAIN (RFC 4616) and LOGIN.
 * One table names each mechanism, its strength (for auth = auto) and its
 * steps. Responses are built into a caller's buffer, which the caller wipes.
 */
#ifndef POSTERN_SASL_H
#define POSTERN_SASL_H

#include "buf.h"
#include "config.h"
#include "errors.h"

enum sasl_mech_id { SASL_PLAIN, SASL_LOGIN, SASL_MECH_COUNT };

struct sasl_creds {
	const char *user;
	const char *password;
};

/* The bit for a mechanism name as the server writes it, 0 if unknown. */
unsigned sasl_mech_bit(const char *name, size_t len);

/* Picks the mechanism: the configured one if offered, or for AUTH_AUTO
 * the strongest both sides support. ERR_UNAVAILABLE when none fits. */
int sasl_choose(enum auth_choice choice, unsigned offered, enum sasl_mech_id *out,
		struct err *e);

const char *sasl_mech_name(enum sasl_mech_id m);

/* The initial response (RFC 4954 section 4), base64, or "" when the
 * mechanism sends none (LOGIN). */
int sasl_initial(enum sasl_mech_id m, const struct sasl_creds *c, struct buf *out);

/* The response to challenge number `step` (0 = first 334), base64.
 * ERR_PROTOCOL when the mechanism expects no further challenge. */
int sasl_respond(enum sasl_mech_id m, int step, const struct sasl_creds *c, struct buf *out,
		 struct err *e);

#endif
