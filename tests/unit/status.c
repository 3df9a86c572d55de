/* Unit tests for status.c: RFC 3463 enhanced status codes in words, the
 * class-specific entries and the fallback to any class, and input that is
 * not a code. */
#include <stddef.h>

#include "status.h"
#include "tap.h"

static const struct {
	const char *code;
	const char *words;   /* NULL: not in the table */
} cases[] = {
	/* Addressing (RFC 3463 section 3.2). */
	{"5.1.1", "bad destination mailbox (no such user)"},
	{"5.1.0", "address problem"},
	{"5.1.2", "bad destination domain"},
	{"5.1.3", "bad destination address syntax"},
	{"5.1.6", "mailbox has moved, no forwarding address"},
	{"5.1.7", "bad sender address syntax"},
	{"5.1.8", "bad sender domain"},
	{"4.1.8", "bad sender domain"},
	{"5.1.10", "recipient domain takes no mail (null MX)"},
	/* Mailbox (section 3.3). */
	{"5.2.1", "mailbox disabled"},
	{"4.2.2", "mailbox full"},
	{"5.2.2", "mailbox full"},
	{"5.2.3", "message longer than the mailbox accepts"},
	/* Mail system (section 3.4). */
	{"5.3.4", "message too big for the system"},
	{"4.3.1", "mail system full"},
	/* Network and routing (section 3.5). */
	{"4.4.1", "no answer from host"},
	{"4.4.2", "connection dropped"},
	{"4.4.5", "mail system congestion"},
	{"4.4.7", "message expired"},
	/* Protocol (section 3.6; X.5.6 from RFC 4954 section 6). */
	{"5.5.1", "invalid command"},
	{"5.5.2", "syntax error"},
	{"4.5.3", "too many recipients"},
	{"5.5.3", "too many recipients"},
	{"5.5.4", "invalid command arguments"},
	{"5.5.6", "authentication exchange line too long"},
	/* Media (section 3.7; X.6.7 .. X.6.10 from RFC 6531). */
	{"5.6.3", "conversion required but not supported"},
	{"5.6.7", "non-ASCII address needs SMTPUTF8"},
	{"5.6.8", "UTF-8 reply required but not permitted"},
	{"5.6.9", "UTF-8 header cannot be delivered"},
	{"5.6.10", "UTF-8 reply required but not permitted"},
	/* Security or policy (section 3.8, RFC 4954 section 6, RFC 5248, RFC 8689). */
	{"5.7.0", "other security or policy problem"},
	{"4.7.0", "temporary security or policy refusal"},
	{"5.7.1", "delivery not authorized (relay or sender refused)"},
	{"4.7.1", "delivery not authorized (relay or sender refused)"},
	{"4.7.5", "cryptographic failure"},
	{"5.7.5", "cryptographic failure"},
	{"5.7.8", "authentication credentials invalid"},
	{"5.7.9", "authentication mechanism too weak"},
	{"5.7.10", "encryption needed"},
	{"5.7.11", "encryption required for the authentication mechanism"},
	{"4.7.12", "a password transition is needed"},
	{"5.7.13", "user account disabled"},
	{"5.7.14", "trust relationship required"},
	{"5.7.30", "REQUIRETLS support required"},
	{"5.7.139", "SMTP AUTH (basic authentication) disabled for the tenant or mailbox"},
	/* Leading zeros are digits like any other (1*3digit). */
	{"5.07.008", "authentication credentials invalid"},
	/* Success codes read the same table. */
	{"2.0.0", "other or undefined status"},
	/* Not in the table. */
	{"4.7.139", NULL},
	{"5.7.999", NULL},
	{"5.9.0", NULL},
	{"5.1.99", NULL},
	{"5.7.17", NULL},
	/* Not a code. */
	{"", NULL},
	{"5", NULL},
	{"5.", NULL},
	{"5.7", NULL},
	{"5.7.", NULL},
	{"5..8", NULL},
	{".7.8", NULL},
	{"3.7.8", NULL},
	{"1.1.1", NULL},
	{"X.7.8", NULL},
	{"x.2.2", NULL},
	{"55.7.8", NULL},
	{"5.7.8 ", NULL},
	{" 5.7.8", NULL},
	{"5.7.8x", NULL},
	{"5.7.8.1", NULL},
	{"5.7.1000", NULL},
	{"5.1000.1", NULL},
	{"5.7.-8", NULL},
	{"5.7.+8", NULL},
	{"5:7:8", NULL},
};

static void test_cases(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		is_str(status_words(cases[i].code), cases[i].words, "\"%s\" -> %s", cases[i].code,
		       cases[i].words ? cases[i].words : "NULL");
}

/* A class-specific entry wins; other classes fall back to "X." words. */
static void test_fallback(void)
{
	const char *t = status_words("4.7.0");
	const char *p = status_words("5.7.0");

	ok(t && p && t != p, "4.7.0 has its own words, 5.7.0 the subject's");
	is_str(status_words("2.7.0"), p, "2.7.0 falls back to the X.7.0 words");
	ok(status_words("4.2.2") == status_words("5.2.2"), "4.2.2 and 5.2.2 share one string");
	is_str(status_words("4.7.139"), NULL, "a class-specific entry gives no fallback to others");
	is_str(status_words(NULL), NULL, "NULL gives NULL");
}

int main(void)
{
	test_cases();
	test_fallback();
	return done_testing();
}
