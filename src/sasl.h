/*
 * SASL mechanisms for SMTP AUTH (RFC 4954): SCRAM-SHA-256 (RFC 7677),
 * PLAIN (RFC 4616), CRAM-MD5 (RFC 2195) and LOGIN with a password;
 * OAUTHBEARER (RFC 7628) and Google's XOAUTH2 with an OAuth2 token.
 * One table names each mechanism, its strength (for auth = auto) and its
 * steps. Responses are built into a caller's buffer, which the caller wipes.
 */
#ifndef POSTERN_SASL_H
#define POSTERN_SASL_H

#include "buf.h"
#include "config.h"
#include "errors.h"
#include "scram.h"

enum sasl_mech_id { SASL_PLAIN, SASL_LOGIN, SASL_SCRAM_SHA256, SASL_CRAM_MD5, SASL_XOAUTH2,
		   SASL_OAUTHBEARER, SASL_MECH_COUNT };

struct sasl_creds {
	const char *user;
	const char *password;        /* password mechanisms */
	const char *token;           /* non-NULL: an OAuth2 access token, OAuth mechanisms only */
	const char *host;            /* OAUTHBEARER names the server it talks to */
	long port;
};

/* The bit for a mechanism name as the server writes it, 0 if unknown. */
unsigned sasl_mech_bit(const char *name, size_t len);

/* Picks the mechanism: the configured one if offered, or for AUTH_AUTO
 * the strongest both sides support, among the OAuth mechanisms when
 * `oauth`, else among the password ones. ERR_UNAVAILABLE when none fits. */
int sasl_choose(enum auth_choice choice, unsigned offered, int oauth, enum sasl_mech_id *out,
		struct err *e);

/* An OAuth mechanism (its 334 after the response is an error report). */
int sasl_is_oauth(enum sasl_mech_id m);

const char *sasl_mech_name(enum sasl_mech_id m);

/* The initial response (RFC 4954 section 4), base64, or "" when the
 * mechanism sends none (LOGIN). */
int sasl_initial(enum sasl_mech_id m, const struct sasl_creds *c, struct buf *out);

/* The response to challenge number `step` (0 = first 334), base64.
 * ERR_PROTOCOL when the mechanism expects no further challenge. */
int sasl_respond(enum sasl_mech_id m, int step, const struct sasl_creds *c, struct buf *out,
		 struct err *e);

/* One exchange, for every mechanism (challenges are base64 as sent). */
struct sasl_session {
	enum sasl_mech_id mech;
	int step;
	struct scram scram;
	int scram_started;
	char oauth_status[64];       /* the "status" of an OAuth error challenge, if any */
};

/* Starts mechanism m: its initial response, base64, into `initial` ("" when
 * it has none). */
int sasl_begin(struct sasl_session *ss, enum sasl_mech_id m, const struct sasl_creds *c,
	       struct buf *initial, struct err *e);

/* Answers one 334 challenge (base64 text) into out (base64). */
int sasl_next(struct sasl_session *ss, const char *challenge, size_t len,
	      const struct sasl_creds *c, struct buf *out, struct err *e);

/* At 235: did the server prove itself where the mechanism can (SCRAM)? */
int sasl_done(const struct sasl_session *ss, struct err *e);

void sasl_end(struct sasl_session *ss);

#endif
