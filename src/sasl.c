/* RFC 4954 (SMTP AUTH), RFC 4616 (PLAIN), draft-murchison-sasl-login (LOGIN),
 * RFC 7628 (OAUTHBEARER), Google's XOAUTH2. */
#include "sasl.h"

#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "b64.h"
#include "compat.h"
#include "jsonlib.h"

static const struct {
	const char *name;
	int strength;            /* auto picks the highest both sides have */
	enum auth_choice choice;
	int oauth;               /* takes a token, not a password */
} mechs[SASL_MECH_COUNT] = {
	[SASL_OAUTHBEARER] = {"OAUTHBEARER", 2, AUTH_OAUTHBEARER, 1},
	[SASL_XOAUTH2] = {"XOAUTH2", 1, AUTH_XOAUTH2, 1},
	[SASL_SCRAM_SHA256] = {"SCRAM-SHA-256", 4, AUTH_SCRAM, 0},
	[SASL_PLAIN] = {"PLAIN", 3, AUTH_PLAIN, 0},
	[SASL_CRAM_MD5] = {"CRAM-MD5", 2, AUTH_CRAM, 0},
	[SASL_LOGIN] = {"LOGIN", 1, AUTH_LOGIN, 0},
};

unsigned sasl_mech_bit(const char *name, size_t len)
{
	for (int i = 0; i < SASL_MECH_COUNT; i++)
		if (strlen(mechs[i].name) == len && strncasecmp(mechs[i].name, name, len) == 0)
			return 1u << i;
	return 0;
}

const char *sasl_mech_name(enum sasl_mech_id m)
{
	return mechs[m].name;
}

int sasl_is_oauth(enum sasl_mech_id m)
{
	return mechs[m].oauth;
}

int sasl_choose(enum auth_choice choice, unsigned offered, int oauth, enum sasl_mech_id *out,
		struct err *e)
{
	int best = -1;

	for (int i = 0; i < SASL_MECH_COUNT; i++) {
		if (!(offered & (1u << i)) || mechs[i].oauth != !!oauth)
			continue;
		if (choice == mechs[i].choice) {
			*out = (enum sasl_mech_id)i;
			return 0;
		}
		if (choice == AUTH_AUTO && (best < 0 || mechs[i].strength > mechs[best].strength))
			best = i;
	}
	if (best >= 0) {
		*out = (enum sasl_mech_id)best;
		return 0;
	}
	if (choice != AUTH_AUTO)
		for (int i = 0; i < SASL_MECH_COUNT; i++)
			if (choice == mechs[i].choice)
				return err_set(e, ERR_UNAVAILABLE, "AUTH: the server does not offer %s, "
					       "which auth = %s asks for", mechs[i].name, mechs[i].name);
	if (oauth)
		return err_set(e, ERR_UNAVAILABLE, "AUTH: the server offers neither OAUTHBEARER nor "
			       "XOAUTH2, and the account authenticates with OAuth2");
	return err_set(e, ERR_UNAVAILABLE, "AUTH: the server offers no mechanism postern supports "
		       "(SCRAM-SHA-256, PLAIN, CRAM-MD5, LOGIN)");
}

/* OAUTHBEARER's GS2 header names the user as a saslname: ',' and '='
 * escaped (RFC 5801 section 4). */
static int append_saslname(struct buf *b, const char *user)
{
	int rc = 0;

	for (const char *p = user; *p && rc == 0; p++)
		rc = *p == ',' ? buf_appends(b, "=2C") : *p == '=' ? buf_appends(b, "=3D")
			       : buf_append(b, p, 1);
	return rc;
}

/* XOAUTH2: "user=" U ^A "auth=Bearer " T ^A ^A.
 * OAUTHBEARER: "n,a=" U "," ^A "host=" H ^A "port=" P ^A "auth=Bearer " T ^A ^A. */
static int oauth_message(enum sasl_mech_id m, const struct sasl_creds *c, struct buf *out)
{
	struct buf raw;
	int rc;

	buf_init(&raw, CMD_LINE_MAX);
	if (m == SASL_XOAUTH2)
		rc = buf_appendf(&raw, "user=%s\001auth=Bearer %s\001\001", c->user, c->token);
	else
		rc = buf_appends(&raw, "n,a=") < 0 || append_saslname(&raw, c->user) < 0 ||
		     buf_appendf(&raw, ",\001host=%s\001port=%ld\001auth=Bearer %s\001\001",
				 c->host ? c->host : "", c->port, c->token) < 0 ? -1 : 0;
	if (rc == 0)
		rc = b64_encode(out, raw.data, raw.len);
	buf_free(&raw);   /* wipes the token copy */
	return rc;
}

/* A 334 after the token is the server's error report (RFC 7628 section
 * 3.2.2, and Gmail's XOAUTH2): keep its status for the message, answer
 * with the dummy response, and the server's final 5xx follows. */
static int oauth_error(struct sasl_session *ss, const struct buf *challenge, struct buf *out)
{
	struct err ignored = {0};
	const struct jsonlib *J = jsonlib_load(&ignored);
	/* Without jansson the status is only unknown: the server's 5xx follows all the same. */
	json_t *j = J ? J->json_loadb(challenge->data ? challenge->data : "", challenge->len, 0, NULL)
		    : NULL;
	const char *status = jsonlib_str(j, "status");

	snprintf(ss->oauth_status, sizeof ss->oauth_status, "%s", status ? status : "?");
	jsonlib_decref(j);
	return ss->mech == SASL_OAUTHBEARER ? buf_appends(out, "AQ==") : 0;   /* base64 of ^A */
}

/* PLAIN: authzid NUL authcid NUL passwd, authzid empty. */
static int plain_message(const struct sasl_creds *c, struct buf *out)
{
	struct buf raw;
	int rc;

	buf_init(&raw, 4096);
	rc = buf_append(&raw, "", 1) < 0 || buf_appends(&raw, c->user) < 0 ||
	     buf_append(&raw, "", 1) < 0 || buf_appends(&raw, c->password) < 0 ||
	     b64_encode(out, raw.data, raw.len) < 0 ? -1 : 0;
	buf_free(&raw);   /* wipes the password copy */
	return rc;
}

int sasl_initial(enum sasl_mech_id m, const struct sasl_creds *c, struct buf *out)
{
	if (m == SASL_PLAIN)
		return plain_message(c, out);
	return 0;
}

int sasl_respond(enum sasl_mech_id m, int step, const struct sasl_creds *c, struct buf *out,
		 struct err *e)
{
	if (m == SASL_PLAIN && step == 0)       /* initial response withheld: send it now */
		return plain_message(c, out) < 0 ? err_set(e, ERR_DATA, "AUTH: credentials too long") : 0;
	if (m == SASL_LOGIN && step == 0)
		return b64_encode(out, c->user, strlen(c->user)) < 0 ?
		       err_set(e, ERR_DATA, "AUTH: user name too long") : 0;
	if (m == SASL_LOGIN && step == 1)
		return b64_encode(out, c->password, strlen(c->password)) < 0 ?
		       err_set(e, ERR_DATA, "AUTH: password too long") : 0;
	return err_set(e, ERR_PROTOCOL, "AUTH %s: the server sent an unexpected challenge (334)",
		       mechs[m].name);
}

int sasl_begin(struct sasl_session *ss, enum sasl_mech_id m, const struct sasl_creds *c,
	       struct buf *initial, struct err *e)
{
	struct buf raw;
	int rc = 0;

	memset(ss, 0, sizeof *ss);
	ss->mech = m;
	if (mechs[m].oauth) {
		ss->step = 1;   /* the token is all; a challenge after it reports an error */
		return !c->token || oauth_message(m, c, initial) < 0 ?
		       err_set(e, ERR_DATA, "AUTH %s: token too long", mechs[m].name) : 0;
	}
	if (m == SASL_PLAIN) {
		ss->step = 1;   /* all PLAIN says is in its initial response */
		return plain_message(c, initial) < 0 ? err_set(e, ERR_DATA, "AUTH: credentials too long") : 0;
	}
	if (m != SASL_SCRAM_SHA256)
		return 0;
	buf_init(&raw, 4096);
	ss->scram_started = 1;
	if (scram_first(&ss->scram, c->user, &raw, e) < 0 || b64_encode(initial, raw.data, raw.len) < 0)
		rc = e->kind ? -1 : err_set(e, ERR_DATA, "AUTH: user name too long");
	buf_free(&raw);
	return rc;
}

/* CRAM-MD5: user, a space, and HMAC-MD5(password, challenge) in hex. */
static int cram_response(const struct sasl_creds *c, const struct buf *challenge, struct buf *out,
			 struct err *e)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	struct buf raw;
	int rc;

	if (!HMAC(EVP_md5(), c->password, (int)strlen(c->password),
		  (const unsigned char *)(challenge->data ? challenge->data : ""), challenge->len, md, &len))
		return err_set(e, ERR_SOFTWARE, "AUTH CRAM-MD5: OpenSSL failed");
	buf_init(&raw, 2048);
	rc = buf_appendf(&raw, "%s ", c->user);
	for (unsigned i = 0; rc == 0 && i < len; i++)
		rc = buf_appendf(&raw, "%02x", md[i]);
	if (rc == 0)
		rc = b64_encode(out, raw.data, raw.len);
	buf_free(&raw);
	explicit_bzero(md, sizeof md);
	return rc < 0 ? err_set(e, ERR_DATA, "AUTH CRAM-MD5: user name too long") : 0;
}

static int scram_step(struct sasl_session *ss, const struct buf *challenge,
		      const struct sasl_creds *c, struct buf *out, struct err *e)
{
	struct buf raw;
	int rc;

	if (ss->step == 1)   /* the server-final message: check it, answer empty */
		return scram_verify(&ss->scram, challenge->data ? challenge->data : "", challenge->len, e);
	buf_init(&raw, 4096);
	rc = scram_final(&ss->scram, c->password, challenge->data ? challenge->data : "",
			 challenge->len, &raw, e);
	if (rc == 0 && b64_encode(out, raw.data, raw.len) < 0)
		rc = err_set(e, ERR_DATA, "AUTH SCRAM-SHA-256: response too long");
	buf_free(&raw);
	return rc;
}

int sasl_next(struct sasl_session *ss, const char *challenge, size_t len,
	      const struct sasl_creds *c, struct buf *out, struct err *e)
{
	struct buf decoded;
	int rc;

	buf_init(&decoded, 8192);
	if (b64_decode(&decoded, challenge, len) < 0 || buf_append(&decoded, "", 0) < 0) {
		buf_free(&decoded);
		return err_set(e, ERR_PROTOCOL, "AUTH %s: the server's challenge is not base64",
			       mechs[ss->mech].name);
	}
	if (ss->mech == SASL_SCRAM_SHA256 && ss->step < 2)
		rc = scram_step(ss, &decoded, c, out, e);
	else if (mechs[ss->mech].oauth && ss->step == 1)
		rc = oauth_error(ss, &decoded, out) < 0 ? err_set(e, ERR_SOFTWARE, "AUTH: no memory") : 0;
	else if (ss->mech == SASL_CRAM_MD5 && ss->step == 0)
		rc = cram_response(c, &decoded, out, e);
	else
		rc = sasl_respond(ss->mech, ss->step, c, out, e);
	buf_free(&decoded);
	ss->step++;
	return rc;
}

int sasl_done(const struct sasl_session *ss, struct err *e)
{
	if (ss->mech == SASL_SCRAM_SHA256 && !ss->scram.server_verified)
		return err_set(e, ERR_PROTOCOL, "AUTH SCRAM-SHA-256: the server accepted us without "
			       "proving it knows the password (an impostor?)");
	return 0;
}

void sasl_end(struct sasl_session *ss)
{
	if (ss->scram_started)
		scram_free(&ss->scram);
	ss->scram_started = 0;
}
