/* RFC 5321 4.1.1.1 (EHLO), RFC 2920 (PIPELINING), RFC 1870 (SIZE), RFC 6152
 * (8BITMIME), RFC 3207 (STARTTLS), RFC 4954 (AUTH), RFC 6531 (SMTPUTF8),
 * RFC 3461 (DSN), RFC 3030 (CHUNKING, BINARYMIME), RFC 2034 (ENHANCEDSTATUSCODES),
 * RFC 8689 (REQUIRETLS). */
#include "caps.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sasl.h"

static const struct {
	const char *keyword;
	unsigned flag;
} keywords[] = {
	{"STARTTLS", CAP_STARTTLS}, {"PIPELINING", CAP_PIPELINING}, {"SIZE", CAP_SIZE},
	{"8BITMIME", CAP_8BITMIME}, {"SMTPUTF8", CAP_SMTPUTF8}, {"DSN", CAP_DSN},
	{"CHUNKING", CAP_CHUNKING}, {"ENHANCEDSTATUSCODES", CAP_ENHANCEDSTATUSCODES},
	{"AUTH", CAP_AUTH}, {"BINARYMIME", CAP_BINARYMIME},
	{"REQUIRETLS", CAP_REQUIRETLS}, {"LIMITS", CAP_LIMITS},
};

/* "AUTH PLAIN LOGIN" and the old "AUTH=PLAIN LOGIN" both list mechanisms. */
static void parse_auth(struct caps *c, const char *p, const char *end)
{
	while (p < end) {
		const char *w;
		while (p < end && (*p == ' ' || *p == '='))
			p++;
		w = p;
		while (p < end && *p != ' ')
			p++;
		c->auth_mechs |= sasl_mech_bit(w, (size_t)(p - w));
	}
	c->flags |= CAP_AUTH;
}

/* "SIZE 35882577": digits only, up to the end of this line (RFC 1870
 * section 4); anything else, or an overflow, means no announced limit. */
static unsigned long long parse_size(const char *p, const char *end)
{
	unsigned long long v = 0;

	if (p >= end || *p != ' ')
		return 0;
	for (p++; p < end; p++) {
		if (*p < '0' || *p > '9' || v > (ULLONG_MAX - 9) / 10)
			return 0;
		v = v * 10 + (unsigned long long)(*p - '0');
	}
	return v;
}

/* "LIMITS RCPTMAX=50 MAILMAX=1000 RCPTDOMAINMAX=1" (RFC 9422 section 4):
 * a value that is not a positive number of at most 9 digits is ignored. */
static void parse_limits(struct caps *c, const char *p, const char *end)
{
	static const char *const names[] = {"RCPTMAX=", "MAILMAX=", "RCPTDOMAINMAX="};
	unsigned *slots[] = {&c->rcptmax, &c->mailmax, &c->rcptdomainmax};

	while (p < end) {
		const char *w;
		while (p < end && *p == ' ')
			p++;
		w = p;
		while (p < end && *p != ' ')
			p++;
		for (size_t i = 0; i < 3; i++) {
			size_t kl = strlen(names[i]), digits = 0;
			unsigned v = 0;
			if ((size_t)(p - w) <= kl || strncasecmp(w, names[i], kl) != 0)
				continue;
			for (const char *d = w + kl; d < p && *d >= '0' && *d <= '9' && digits < 9; d++)
				v = v * 10 + (unsigned)(*d - '0'), digits++;
			if (digits == (size_t)(p - w) - kl && v > 0)
				*slots[i] = v;
		}
	}
}

static void parse_line(struct caps *c, const char *p, const char *end)
{
	size_t kw = 0;

	while (p + kw < end && p[kw] != ' ' && p[kw] != '=')
		kw++;
	for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++) {
		if (strlen(keywords[i].keyword) != kw || strncasecmp(keywords[i].keyword, p, kw) != 0)
			continue;
		if (keywords[i].flag == CAP_AUTH)
			parse_auth(c, p + kw, end);
		else if (keywords[i].flag == CAP_LIMITS)
			c->flags |= CAP_LIMITS, parse_limits(c, p + kw, end);
		else
			c->flags |= keywords[i].flag;
		if (keywords[i].flag == CAP_SIZE)
			c->size_limit = parse_size(p + kw, end);
	}
}

void caps_parse(struct caps *c, const struct reply *r)
{
	const char *p = r->text.data, *end;

	memset(c, 0, sizeof *c);
	if (!p)
		return;
	end = p + r->text.len;
	p = memchr(p, '\n', (size_t)(end - p));   /* the first line is the greeting */
	while (p && p < end) {
		const char *nl;
		p++;
		nl = memchr(p, '\n', (size_t)(end - p));
		parse_line(c, p, nl ? nl : end);
		p = nl;
	}
}
