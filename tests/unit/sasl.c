/* Unit tests for sasl.c: PLAIN (RFC 4616) and LOGIN responses, and the
 * choice of mechanism for auth = auto | plain | login (RFC 4954). */
#include <string.h>

#include "b64.h"
#include "sasl.h"
#include "tap.h"

#define PLAIN (1u << SASL_PLAIN)
#define LOGIN (1u << SASL_LOGIN)
#define UNKNOWN_BITS (1u << 20)
#define S(lit) lit, sizeof(lit) - 1

static const struct {
	const char *name;
	enum auth_choice choice;
	unsigned offered;
	int rc;
	enum sasl_mech_id want;
	const char *msg;
} choose[] = {
	{"auto picks PLAIN over LOGIN", AUTH_AUTO, PLAIN | LOGIN, 0, SASL_PLAIN, NULL},
	{"auto takes PLAIN alone", AUTH_AUTO, PLAIN, 0, SASL_PLAIN, NULL},
	{"auto takes LOGIN alone", AUTH_AUTO, LOGIN, 0, SASL_LOGIN, NULL},
	{"plain forced and offered", AUTH_PLAIN, PLAIN | LOGIN, 0, SASL_PLAIN, NULL},
	{"login forced and offered (even when PLAIN is too)", AUTH_LOGIN, PLAIN | LOGIN, 0,
	 SASL_LOGIN, NULL},
	{"plain forced, only LOGIN offered: error", AUTH_PLAIN, LOGIN, -1, 0,
	 "does not offer PLAIN"},
	{"login forced, only PLAIN offered: error", AUTH_LOGIN, PLAIN, -1, 0,
	 "does not offer LOGIN"},
	{"auto, nothing offered: error", AUTH_AUTO, 0, -1, 0, "no mechanism postern supports"},
	{"auto, only unknown mechanisms: error", AUTH_AUTO, UNKNOWN_BITS, -1, 0,
	 "no mechanism postern supports"},
	{"plain forced, nothing offered: error", AUTH_PLAIN, 0, -1, 0, "does not offer PLAIN"},
};

static void test_choose(void)
{
	for (size_t i = 0; i < sizeof choose / sizeof choose[0]; i++) {
		struct err e = {0};
		enum sasl_mech_id m = SASL_MECH_COUNT;
		int rc = sasl_choose(choose[i].choice, choose[i].offered, 0, &m, &e);
		is_int(rc, choose[i].rc, "sasl_choose: %s", choose[i].name);
		if (choose[i].rc == 0) {
			is_int(m, choose[i].want, "sasl_choose: %s: mechanism", choose[i].name);
		} else {
			is_int(e.kind, ERR_UNAVAILABLE, "sasl_choose: %s: ERR_UNAVAILABLE", choose[i].name);
			like(e.msg, choose[i].msg, "sasl_choose: %s: message", choose[i].name);
		}
	}
}

/* Decodes a base64 response for comparison. */
static int decoded_is(const struct buf *b, const char *want, size_t wlen, const char *what)
{
	struct buf d;
	int pass;

	buf_init(&d, 4096);
	pass = b->data && b64_decode(&d, b->data, b->len) == 0;
	pass = is_mem(pass ? d.data : NULL, d.len, want, wlen, "%s", what);
	buf_free(&d);
	return pass;
}

static void test_plain(void)
{
	struct sasl_creds c = {.user = "user", .password = "pass"};
	struct sasl_creds utf = {.user = "j\xc3\xb6rg@example.com", .password = "p\xc3\xa4ss word"};
	struct buf out;
	struct err e = {0};

	is_str(sasl_mech_name(SASL_PLAIN), "PLAIN", "PLAIN's name");
	is_str(sasl_mech_name(SASL_LOGIN), "LOGIN", "LOGIN's name");

	buf_init(&out, 4096);
	is_int(sasl_initial(SASL_PLAIN, &c, &out), 0, "PLAIN has an initial response");
	is_str(out.data, "AHVzZXIAcGFzcw==", "PLAIN initial response is base64(\"\\0user\\0pass\")");
	decoded_is(&out, S("\0user\0pass"), "PLAIN initial response decodes to \\0user\\0pass");

	buf_reset(&out);
	is_int(sasl_initial(SASL_PLAIN, &utf, &out), 0, "PLAIN with UTF-8 credentials");
	decoded_is(&out, S("\0j\xc3\xb6rg@example.com\0p\xc3\xa4ss word"),
		   "PLAIN keeps UTF-8 bytes and spaces as they are");

	buf_reset(&out);
	is_int(sasl_respond(SASL_PLAIN, 0, &c, &out, &e), 0,
	       "PLAIN answers a first empty challenge (initial response withheld)");
	is_str(out.data, "AHVzZXIAcGFzcw==", "PLAIN's answer to the first 334 is the same message");

	buf_reset(&out);
	is_int(sasl_respond(SASL_PLAIN, 1, &c, &out, &e), -1, "PLAIN refuses a second challenge");
	is_int(e.kind, ERR_PROTOCOL, "a second challenge to PLAIN is ERR_PROTOCOL");
	like(e.msg, "AUTH PLAIN", "the message names the mechanism");
	buf_free(&out);

	buf_init(&out, 8);
	is_int(sasl_initial(SASL_PLAIN, &c, &out), -1, "PLAIN past the buffer's limit fails");
	buf_free(&out);
}

static void test_login(void)
{
	struct sasl_creds c = {.user = "user@example.com", .password = "s3cret"};
	struct buf out;
	struct err e = {0};

	buf_init(&out, 4096);
	is_int(sasl_initial(SASL_LOGIN, &c, &out), 0, "LOGIN: sasl_initial succeeds");
	is_int(out.len, 0, "LOGIN has no initial response");

	is_int(sasl_respond(SASL_LOGIN, 0, &c, &out, &e), 0, "LOGIN step 0 (Username:)");
	is_str(out.data, "dXNlckBleGFtcGxlLmNvbQ==", "LOGIN step 0 sends base64(user)");

	buf_reset(&out);
	is_int(sasl_respond(SASL_LOGIN, 1, &c, &out, &e), 0, "LOGIN step 1 (Password:)");
	is_str(out.data, "czNjcmV0", "LOGIN step 1 sends base64(password)");

	buf_reset(&out);
	is_int(sasl_respond(SASL_LOGIN, 2, &c, &out, &e), -1, "LOGIN refuses a third challenge");
	is_int(e.kind, ERR_PROTOCOL, "a third challenge to LOGIN is ERR_PROTOCOL");
	like(e.msg, "AUTH LOGIN", "the message names the mechanism");
	buf_free(&out);
}

#define XO (1u << SASL_XOAUTH2)
#define OB (1u << SASL_OAUTHBEARER)

/* OAuth accounts only ever use OAuth mechanisms, and password accounts
 * never do: a password is not a bearer token. */
static void test_choose_oauth(void)
{
	static const struct {
		const char *name;
		enum auth_choice choice;
		unsigned offered;
		int oauth, rc;
		enum sasl_mech_id want;
	} t[] = {
		{"auto with OAuth prefers OAUTHBEARER", AUTH_AUTO, PLAIN | XO | OB, 1, 0, SASL_OAUTHBEARER},
		{"auto with OAuth takes XOAUTH2 alone", AUTH_AUTO, PLAIN | LOGIN | XO, 1, 0, SASL_XOAUTH2},
		{"xoauth2 forced though OAUTHBEARER is offered", AUTH_XOAUTH2, XO | OB, 1, 0, SASL_XOAUTH2},
		{"auto with OAuth never falls back to PLAIN", AUTH_AUTO, PLAIN | LOGIN, 1, -1, 0},
		{"auto with a password never picks XOAUTH2", AUTH_AUTO, XO | OB, 0, -1, 0},
		{"auto with a password skips the OAuth ones", AUTH_AUTO, XO | OB | LOGIN, 0, 0, SASL_LOGIN},
	};

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct err e = {0};
		enum sasl_mech_id m = SASL_MECH_COUNT;
		is_int(sasl_choose(t[i].choice, t[i].offered, t[i].oauth, &m, &e), t[i].rc,
		       "sasl_choose: %s", t[i].name);
		if (t[i].rc == 0)
			is_int(m, t[i].want, "sasl_choose: %s: mechanism", t[i].name);
	}
	is_int(sasl_mech_bit(S("xoauth2")), XO, "XOAUTH2 is known (any case)");
	is_int(sasl_mech_bit(S("OAUTHBEARER")), OB, "OAUTHBEARER is known");
}

/* The exact wire formats: Google's XOAUTH2 and RFC 7628 section 3.1 (with
 * the GS2 saslname escaping of RFC 5801). */
static void test_oauth_messages(void)
{
	struct sasl_creds c = {.user = "me@example.com", .token = "ya29.tok", .host = "smtp.test",
			       .port = 587};
	struct sasl_creds odd = {.user = "a,b=c", .token = "T", .host = "h", .port = 465};
	struct sasl_session ss;
	struct buf out;
	struct err e = {0};

	buf_init(&out, 8192);
	is_int(sasl_begin(&ss, SASL_XOAUTH2, &c, &out, &e), 0, "XOAUTH2: begin");
	decoded_is(&out, S("user=me@example.com\001auth=Bearer ya29.tok\001\001"), "XOAUTH2 message");
	sasl_end(&ss);
	buf_reset(&out);
	is_int(sasl_begin(&ss, SASL_OAUTHBEARER, &c, &out, &e), 0, "OAUTHBEARER: begin");
	decoded_is(&out, S("n,a=me@example.com,\001host=smtp.test\001port=587\001auth=Bearer "
			   "ya29.tok\001\001"), "OAUTHBEARER message");
	/* The error challenge: keep the status, answer ^A, then the 5xx comes. */
	buf_reset(&out);
	is_int(sasl_next(&ss, S("eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIn0="), &c, &out, &e), 0,
	       "OAUTHBEARER: the error challenge is answered");
	is_str(out.data, "AQ==", "OAUTHBEARER: the answer is base64 of ^A");
	is_str(ss.oauth_status, "401", "OAUTHBEARER: the error's status is kept");
	buf_reset(&out);
	is_int(sasl_next(&ss, S(""), &c, &out, &e), -1, "OAUTHBEARER: a second challenge is an error");
	is_int(e.kind, ERR_PROTOCOL, "... ERR_PROTOCOL");
	sasl_end(&ss);

	buf_reset(&out);
	is_int(sasl_begin(&ss, SASL_XOAUTH2, &c, &out, &e), 0, "XOAUTH2: begin again");
	buf_reset(&out);
	is_int(sasl_next(&ss, S("bm90IGpzb24="), &c, &out, &e), 0,
	       "XOAUTH2: an error challenge that is not JSON is still answered");
	is_int(out.len, 0, "XOAUTH2: the answer to the error challenge is an empty line");
	is_str(ss.oauth_status, "?", "XOAUTH2: an unknown status shows as ?");
	sasl_end(&ss);

	buf_reset(&out);
	is_int(sasl_begin(&ss, SASL_OAUTHBEARER, &odd, &out, &e), 0, "OAUTHBEARER: odd user");
	decoded_is(&out, S("n,a=a=2Cb=3Dc,\001host=h\001port=465\001auth=Bearer T\001\001"),
		   "OAUTHBEARER escapes ',' and '=' in the user");
	sasl_end(&ss);
	buf_free(&out);
}

int main(void)
{
	test_choose();
	test_choose_oauth();
	test_oauth_messages();
	test_plain();
	test_login();
	return done_testing();
}
