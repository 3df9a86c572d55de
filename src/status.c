/*
 * RFC 3463 (enhanced mail system status codes, the X.0.0 .. X.7.7 set),
 * RFC 4954 section 6 (AUTH: X.5.6, X.7.8, X.7.9, X.7.11, X.7.12, 4.7.0),
 * RFC 5248 (the IANA registry: X.7.10, X.7.13, X.7.14), RFC 3886 (X.1.9),
 * RFC 6531 (X.6.7 .. X.6.10), RFC 6710 (X.7.15, X.7.16), RFC 7372 (X.7.20
 * .. X.7.26), RFC 7505 (X.1.10, X.7.27), RFC 8689 (X.7.30).
 * The words are short and lower-case so they read well after a server's
 * reply: "535 5.7.8 Error: authentication failed (authentication
 * credentials invalid)".
 */
#include "status.h"

#include <stddef.h>

enum { ANY_CLASS = 0 };

static const struct {
	int cls;             /* 2, 4 or 5; ANY_CLASS for "X." */
	int subject, detail;
	const char *words;
} table[] = {
	{ANY_CLASS, 0, 0, "other or undefined status"},

	{ANY_CLASS, 1, 0, "address problem"},
	{ANY_CLASS, 1, 1, "bad destination mailbox (no such user)"},
	{ANY_CLASS, 1, 2, "bad destination domain"},
	{ANY_CLASS, 1, 3, "bad destination address syntax"},
	{ANY_CLASS, 1, 4, "ambiguous destination address"},
	{ANY_CLASS, 1, 5, "destination address valid"},
	{ANY_CLASS, 1, 6, "mailbox has moved, no forwarding address"},
	{ANY_CLASS, 1, 7, "bad sender address syntax"},
	{ANY_CLASS, 1, 8, "bad sender domain"},
	{ANY_CLASS, 1, 9, "message relayed to a non-compliant mailer"},
	{ANY_CLASS, 1, 10, "recipient domain takes no mail (null MX)"},

	{ANY_CLASS, 2, 0, "mailbox problem"},
	{ANY_CLASS, 2, 1, "mailbox disabled"},
	{ANY_CLASS, 2, 2, "mailbox full"},
	{ANY_CLASS, 2, 3, "message longer than the mailbox accepts"},
	{ANY_CLASS, 2, 4, "mailing list expansion problem"},

	{ANY_CLASS, 3, 0, "mail system problem"},
	{ANY_CLASS, 3, 1, "mail system full"},
	{ANY_CLASS, 3, 2, "system not accepting messages"},
	{ANY_CLASS, 3, 3, "system lacks a feature the message needs"},
	{ANY_CLASS, 3, 4, "message too big for the system"},
	{ANY_CLASS, 3, 5, "system incorrectly configured"},

	{ANY_CLASS, 4, 0, "network or routing problem"},
	{ANY_CLASS, 4, 1, "no answer from host"},
	{ANY_CLASS, 4, 2, "connection dropped"},
	{ANY_CLASS, 4, 3, "directory server (DNS) failure"},
	{ANY_CLASS, 4, 4, "unable to route"},
	{ANY_CLASS, 4, 5, "mail system congestion"},
	{ANY_CLASS, 4, 6, "routing loop"},
	{ANY_CLASS, 4, 7, "message expired"},

	{ANY_CLASS, 5, 0, "protocol problem"},
	{ANY_CLASS, 5, 1, "invalid command"},
	{ANY_CLASS, 5, 2, "syntax error"},
	{ANY_CLASS, 5, 3, "too many recipients"},
	{ANY_CLASS, 5, 4, "invalid command arguments"},
	{ANY_CLASS, 5, 5, "wrong protocol version"},
	{ANY_CLASS, 5, 6, "authentication exchange line too long"},

	{ANY_CLASS, 6, 0, "message content problem"},
	{ANY_CLASS, 6, 1, "media not supported"},
	{ANY_CLASS, 6, 2, "conversion required but prohibited"},
	{ANY_CLASS, 6, 3, "conversion required but not supported"},
	{ANY_CLASS, 6, 4, "conversion with loss performed"},
	{ANY_CLASS, 6, 5, "conversion failed"},
	{ANY_CLASS, 6, 6, "message content not available"},
	{ANY_CLASS, 6, 7, "non-ASCII address needs SMTPUTF8"},
	{ANY_CLASS, 6, 8, "UTF-8 reply required but not permitted"},
	{ANY_CLASS, 6, 9, "UTF-8 header cannot be delivered"},
	/* The registry marks X.6.10 a deprecated duplicate of X.6.8. */
	{ANY_CLASS, 6, 10, "UTF-8 reply required but not permitted"},

	{ANY_CLASS, 7, 0, "other security or policy problem"},
	/* 454 4.7.0: a temporary AUTH failure (RFC 4954 section 6), TLS not
	 * available (RFC 3207 section 4) or a rate limit or greylisting. */
	{4, 7, 0, "temporary security or policy refusal"},
	{ANY_CLASS, 7, 1, "delivery not authorized (relay or sender refused)"},
	{ANY_CLASS, 7, 2, "mailing list expansion prohibited"},
	{ANY_CLASS, 7, 3, "security conversion not possible"},
	{ANY_CLASS, 7, 4, "security features not supported"},
	{ANY_CLASS, 7, 5, "cryptographic failure"},
	{ANY_CLASS, 7, 6, "cryptographic algorithm not supported"},
	{ANY_CLASS, 7, 7, "message integrity failure"},
	{ANY_CLASS, 7, 8, "authentication credentials invalid"},
	{ANY_CLASS, 7, 9, "authentication mechanism too weak"},
	{ANY_CLASS, 7, 10, "encryption needed"},
	{ANY_CLASS, 7, 11, "encryption required for the authentication mechanism"},
	{ANY_CLASS, 7, 12, "a password transition is needed"},
	{ANY_CLASS, 7, 13, "user account disabled"},
	{ANY_CLASS, 7, 14, "trust relationship required"},
	{ANY_CLASS, 7, 15, "priority too low"},
	{ANY_CLASS, 7, 16, "message too big for its priority"},
	{ANY_CLASS, 7, 20, "no passing DKIM signature"},
	{ANY_CLASS, 7, 21, "no acceptable DKIM signature"},
	{ANY_CLASS, 7, 22, "no DKIM signature matching the author"},
	{ANY_CLASS, 7, 23, "SPF validation failed"},
	{ANY_CLASS, 7, 24, "SPF validation error"},
	{ANY_CLASS, 7, 25, "reverse DNS validation failed"},
	{ANY_CLASS, 7, 26, "multiple authentication checks failed"},
	{ANY_CLASS, 7, 27, "sender domain takes no mail (null MX)"},
	{ANY_CLASS, 7, 30, "REQUIRETLS support required"},
	/* Not registered: Microsoft 365 refuses AUTH with 535 5.7.139 when
	 * SMTP AUTH or basic authentication is turned off for the tenant or
	 * the mailbox (or security defaults block it). */
	{5, 7, 139, "SMTP AUTH (basic authentication) disabled for the tenant or mailbox"},
};

/* 1 to 3 digits at *p, then `end`; advances *p past `end`. RFC 3463
 * section 2: subject and detail are 1*3digit. */
static int parse_number(const char **p, char end, int *v)
{
	const char *s = *p;
	int n = 0, digits = 0;

	while (*s >= '0' && *s <= '9' && digits < 3) {
		n = n * 10 + (*s++ - '0');
		digits++;
	}
	if (digits == 0 || *s != end)
		return -1;
	*v = n;
	*p = s + (end != '\0');
	return 0;
}

/* class "." subject "." detail, the whole string (RFC 3463 section 2). */
static int parse_code(const char *s, int *cls, int *subject, int *detail)
{
	if (!s || (s[0] != '2' && s[0] != '4' && s[0] != '5') || s[1] != '.')
		return -1;
	*cls = s[0] - '0';
	s += 2;
	if (parse_number(&s, '.', subject) < 0 || parse_number(&s, '\0', detail) < 0)
		return -1;
	return 0;
}

static const char *lookup(int cls, int subject, int detail)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].cls == cls && table[i].subject == subject &&
		    table[i].detail == detail)
			return table[i].words;
	return NULL;
}

const char *status_words(const char *enhanced)
{
	int cls, subject, detail;
	const char *w;

	if (parse_code(enhanced, &cls, &subject, &detail) < 0)
		return NULL;
	w = lookup(cls, subject, detail);
	return w ? w : lookup(ANY_CLASS, subject, detail);
}
