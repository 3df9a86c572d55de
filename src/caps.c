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
	{"REQUIRETLS", CAP_REQUIRETLS},
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
