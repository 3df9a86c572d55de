/* Unit tests for caps.c: EHLO replies as real servers write them
 * (RFC 5321 section 4.1.1.1), fed through reply.c. */
#include <string.h>

#include "caps.h"
#include "reply.h"
#include "sasl.h"
#include "tap.h"

#define PLAIN (1u << SASL_PLAIN)
#define LOGIN (1u << SASL_LOGIN)
#define XOAUTH2 (1u << SASL_XOAUTH2)
#define OAUTHBEARER (1u << SASL_OAUTHBEARER)
#define LINES_MAX 16

static const struct {
	const char *name;
	const char *lines[LINES_MAX];
	unsigned flags;
	unsigned long long size_limit;
	unsigned auth_mechs;
} cases[] = {
	{"Postfix before STARTTLS",
	 {"250-mail.example.com", "250-PIPELINING", "250-SIZE 10240000", "250-VRFY", "250-ETRN",
	  "250-STARTTLS", "250-ENHANCEDSTATUSCODES", "250-8BITMIME", "250-DSN", "250-SMTPUTF8",
	  "250 CHUNKING"},
	 CAP_PIPELINING | CAP_SIZE | CAP_STARTTLS | CAP_ENHANCEDSTATUSCODES | CAP_8BITMIME | CAP_DSN |
	 CAP_SMTPUTF8 | CAP_CHUNKING, 10240000, 0},
	{"Postfix after STARTTLS, with AUTH and the old AUTH= line",
	 {"250-mail.example.com", "250-PIPELINING", "250-SIZE 10240000", "250-VRFY", "250-ETRN",
	  "250-AUTH PLAIN LOGIN", "250-AUTH=PLAIN LOGIN", "250-ENHANCEDSTATUSCODES", "250-8BITMIME",
	  "250-DSN", "250-SMTPUTF8", "250 CHUNKING"},
	 CAP_PIPELINING | CAP_SIZE | CAP_AUTH | CAP_ENHANCEDSTATUSCODES | CAP_8BITMIME | CAP_DSN |
	 CAP_SMTPUTF8 | CAP_CHUNKING, 10240000, PLAIN | LOGIN},
	{"Gmail-like before STARTTLS",
	 {"250-smtp.gmail.com at your service, [192.0.2.1]", "250-SIZE 35882577", "250-8BITMIME",
	  "250-STARTTLS", "250-ENHANCEDSTATUSCODES", "250-PIPELINING", "250-CHUNKING",
	  "250 SMTPUTF8"},
	 CAP_SIZE | CAP_8BITMIME | CAP_STARTTLS | CAP_ENHANCEDSTATUSCODES | CAP_PIPELINING |
	 CAP_CHUNKING | CAP_SMTPUTF8, 35882577, 0},
	{"Gmail-like after STARTTLS (unknown mechanisms ignored, PLAIN-CLIENTTOKEN is not PLAIN)",
	 {"250-smtp.gmail.com at your service, [192.0.2.1]", "250-SIZE 35882577", "250-8BITMIME",
	  "250-AUTH LOGIN PLAIN XOAUTH2 PLAIN-CLIENTTOKEN OAUTHBEARER XOAUTH",
	  "250-ENHANCEDSTATUSCODES", "250-PIPELINING", "250-CHUNKING", "250 SMTPUTF8"},
	 CAP_SIZE | CAP_8BITMIME | CAP_AUTH | CAP_ENHANCEDSTATUSCODES | CAP_PIPELINING |
	 CAP_CHUNKING | CAP_SMTPUTF8, 35882577, PLAIN | LOGIN | XOAUTH2 | OAUTHBEARER},
	{"Gmail-like: of PLAIN-CLIENTTOKEN and XOAUTH2, only XOAUTH2 is known",
	 {"250-smtp.gmail.com", "250 AUTH PLAIN-CLIENTTOKEN XOAUTH2"}, CAP_AUTH, 0, XOAUTH2},
	{"Exchange-like with AUTH=LOGIN and vendor keywords",
	 {"250-EX01.example.local Hello [192.0.2.1]", "250-SIZE 37748736", "250-PIPELINING",
	  "250-DSN", "250-ENHANCEDSTATUSCODES", "250-STARTTLS", "250-X-ANONYMOUSTLS",
	  "250-AUTH NTLM", "250-X-EXPS GSSAPI NTLM", "250-8BITMIME", "250-BINARYMIME",
	  "250-CHUNKING", "250-XEXCH50", "250-XRDST", "250 XSHADOWREQUEST"},
	 CAP_SIZE | CAP_PIPELINING | CAP_DSN | CAP_ENHANCEDSTATUSCODES | CAP_STARTTLS | CAP_AUTH |
	 CAP_8BITMIME | CAP_BINARYMIME | CAP_CHUNKING, 37748736, 0},
	{"Exchange-like after STARTTLS: AUTH=LOGIN alone",
	 {"250-EX01.example.local Hello [192.0.2.1]", "250-SIZE 37748736", "250-AUTH=LOGIN",
	  "250 8BITMIME"},
	 CAP_SIZE | CAP_AUTH | CAP_8BITMIME, 37748736, LOGIN},
	{"Office 365-like after STARTTLS",
	 {"250-XX0P123CA0001.outlook.office365.com Hello [192.0.2.1]", "250-SIZE 157286400",
	  "250-PIPELINING", "250-DSN", "250-ENHANCEDSTATUSCODES", "250-AUTH LOGIN XOAUTH2",
	  "250-8BITMIME", "250-BINARYMIME", "250-CHUNKING", "250 SMTPUTF8"},
	 CAP_SIZE | CAP_PIPELINING | CAP_DSN | CAP_ENHANCEDSTATUSCODES | CAP_AUTH | CAP_8BITMIME |
	 CAP_BINARYMIME | CAP_CHUNKING | CAP_SMTPUTF8, 157286400, LOGIN | XOAUTH2},
	{"REQUIRETLS offered (RFC 8689)", {"250-host", "250 REQUIRETLS"}, CAP_REQUIRETLS, 0, 0},
	{"SIZE without a number: offered, no limit", {"250-host", "250 SIZE"}, CAP_SIZE, 0, 0},
	{"SIZE 0: offered, no limit (RFC 1870)", {"250-host", "250 SIZE 0"}, CAP_SIZE, 0, 0},
	{"SIZE with a number", {"250-host", "250 SIZE 1000"}, CAP_SIZE, 1000, 0},
	{"lowercase keywords", {"250-host", "250-starttls", "250-pipelining", "250-size 52428800",
				"250-8bitmime", "250 auth plain login"},
	 CAP_STARTTLS | CAP_PIPELINING | CAP_SIZE | CAP_8BITMIME | CAP_AUTH, 52428800, PLAIN | LOGIN},
	{"mixed-case keywords", {"250-host", "250-StartTLS", "250 Auth Login"},
	 CAP_STARTTLS | CAP_AUTH, 0, LOGIN},
	{"AUTH with extra spaces", {"250-host", "250 AUTH  PLAIN   LOGIN"}, CAP_AUTH, 0, PLAIN | LOGIN},
	{"AUTH with no mechanism", {"250-host", "250 AUTH"}, CAP_AUTH, 0, 0},
	{"a keyword that only starts like a known one is not it",
	 {"250-host", "250-STARTTLSX", "250-PIPELININGS", "250 SIZES 10"}, 0, 0, 0},
	{"the greeting line is not a keyword", {"250 STARTTLS"}, 0, 0, 0},
	{"the greeting line is not a keyword in a multi-line reply",
	 {"250-STARTTLS PIPELINING", "250 8BITMIME"}, CAP_8BITMIME, 0, 0},
	{"an empty greeting line does not make the first keyword a greeting",
	 {"250-", "250-STARTTLS", "250 PIPELINING"}, CAP_STARTTLS | CAP_PIPELINING, 0, 0},
	{"a plain one-line EHLO reply offers nothing", {"250 host"}, 0, 0, 0},
	{"an unknown keyword with a value is ignored", {"250-host", "250 X-FOO=bar baz"}, 0, 0, 0},
};

static void test_cases(void)
{
	struct reply r;
	struct err e = {0};

	reply_init(&r);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct caps c;
		int rc = 0;
		reply_reset(&r);
		for (int n = 0; n < LINES_MAX && cases[i].lines[n] && rc == 0; n++)
			rc = reply_feed(&r, cases[i].lines[n], strlen(cases[i].lines[n]), &e);
		if (!ok(rc == 1, "%s: the reply parses", cases[i].name))
			diag("%s", e.msg);
		memset(&c, 0xff, sizeof c);   /* caps_parse must set every field */
		caps_parse(&c, &r);
		is_int(c.flags, cases[i].flags, "%s: flags", cases[i].name);
		is_int((long long)c.size_limit, (long long)cases[i].size_limit, "%s: size limit",
		       cases[i].name);
		is_int(c.auth_mechs, cases[i].auth_mechs, "%s: AUTH mechanisms", cases[i].name);
	}
	reply_free(&r);
}

/* LIMITS (RFC 9422 section 4): RCPTMAX, MAILMAX, RCPTDOMAINMAX. */
static const struct {
	const char *line;
	unsigned rcptmax, mailmax, rcptdomainmax;
} limits[] = {
	{"250 LIMITS RCPTMAX=2 MAILMAX=10 RCPTDOMAINMAX=1", 2, 10, 1},
	{"250 LIMITS rcptmax=50", 50, 0, 0},
	{"250 LIMITS MAILMAX=1000", 0, 1000, 0},
	{"250 LIMITS RCPTMAX=0 MAILMAX=-1 RCPTDOMAINMAX=x", 0, 0, 0},
	{"250 LIMITS RCPTMAX=1234567890", 0, 0, 0},
	{"250 LIMITS FUTURE=3 RCPTMAX=7", 7, 0, 0},
	{"250 LIMITS", 0, 0, 0},
};

static void test_limits(void)
{
	struct reply r;
	struct err e = {0};

	reply_init(&r);
	for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
		struct caps c;
		reply_reset(&r);
		if (reply_feed(&r, "250-host", 8, &e) != 0 ||
		    reply_feed(&r, limits[i].line, strlen(limits[i].line), &e) != 1)
			diag("bad reply %s", limits[i].line);
		memset(&c, 0xff, sizeof c);
		caps_parse(&c, &r);
		ok(c.flags & CAP_LIMITS, "'%s': LIMITS offered", limits[i].line);
		is_int(c.rcptmax, limits[i].rcptmax, "'%s': RCPTMAX", limits[i].line);
		is_int(c.mailmax, limits[i].mailmax, "'%s': MAILMAX", limits[i].line);
		is_int(c.rcptdomainmax, limits[i].rcptdomainmax, "'%s': RCPTDOMAINMAX", limits[i].line);
	}
	reply_free(&r);
}

static void test_empty_reply(void)
{
	struct reply r;
	struct caps c;

	reply_init(&r);
	memset(&c, 0xff, sizeof c);
	caps_parse(&c, &r);
	ok(c.flags == 0 && c.size_limit == 0 && c.auth_mechs == 0,
	   "a reply with no text offers nothing");
	reply_free(&r);
}

static void test_mech_bits(void)
{
	is_int(sasl_mech_bit("PLAIN", 5), PLAIN, "sasl_mech_bit: PLAIN");
	is_int(sasl_mech_bit("login", 5), LOGIN, "sasl_mech_bit: login (case-insensitive)");
	is_int(sasl_mech_bit("PLAI", 4), 0, "sasl_mech_bit: a prefix is not a mechanism");
	is_int(sasl_mech_bit("GSSAPI", 6), 0, "sasl_mech_bit: unknown mechanism");
	ok(sasl_mech_bit("CRAM-MD5", 8) && sasl_mech_bit("scram-sha-256", 13), "sasl_mech_bit: CRAM-MD5 and SCRAM-SHA-256 known");
	is_int(sasl_mech_bit("", 0), 0, "sasl_mech_bit: empty name");
}

int main(void)
{
	test_cases();
	test_empty_reply();
	test_limits();
	test_mech_bits();
	return done_testing();
}
