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
		int rc = sasl_choose(choose[i].choice, choose[i].offered, &m, &e);
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
	struct sasl_creds c = {"user", "pass"};
	struct sasl_creds utf = {"j\xc3\xb6rg@example.com", "p\xc3\xa4ss word"};
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
	struct sasl_creds c = {"user@example.com", "s3cret"};
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

int main(void)
{
	test_choose();
	test_plain();
	test_login();
	return done_testing();
}
