/*
 * RFC 3461 (SMTP DSN extension): section 4 (xtext), 4.1 (NOTIFY), 4.3
 * (RET), 4.4 (ENVID). The keywords are case-insensitive on input, like
 * every ESMTP keyword (RFC 5321 section 2.4), and written in upper case.
 */
#include "dsn.h"

#include <string.h>
#include <strings.h>

/* In the order dsn_notify_format() writes them. */
static const struct {
	const char *word;
	unsigned flag;
} notify_words[] = {
	{"SUCCESS", DSN_NOTIFY_SUCCESS},
	{"FAILURE", DSN_NOTIFY_FAILURE},
	{"DELAY", DSN_NOTIFY_DELAY},
	{"NEVER", DSN_NOTIFY_NEVER},
};

static const char *const ret_names[] = {
	[DSN_RET_NONE] = NULL,
	[DSN_RET_FULL] = "FULL",
	[DSN_RET_HDRS] = "HDRS",
};

enum {
	NOTIFY_ALL = DSN_NOTIFY_NEVER | DSN_NOTIFY_SUCCESS | DSN_NOTIFY_FAILURE | DSN_NOTIFY_DELAY,
	QUOTE_MAX = 40,   /* bytes of a bad word quoted in a message */
};

/* A bad word goes into the message only when it is printable ASCII, so
 * an error never carries control characters to the user's terminal. */
static int quotable(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 || (unsigned char)p[i] > 0x7e)
			return 0;
	return 1;
}

/* The flag for the word p[0..n), or 0. */
static unsigned notify_flag(const char *p, size_t n)
{
	for (size_t i = 0; i < sizeof notify_words / sizeof notify_words[0]; i++)
		if (strlen(notify_words[i].word) == n && strncasecmp(notify_words[i].word, p, n) == 0)
			return notify_words[i].flag;
	return 0;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* One word of the list, s[0..n) with the blanks around it; adds its flag. */
static int notify_word(const char *p, size_t n, const char *what, unsigned *acc, struct err *e)
{
	unsigned f;

	while (n && is_blank(*p))
		p++, n--;
	while (n && is_blank(p[n - 1]))
		n--;
	if (n == 0)
		return err_set(e, ERR_USAGE, "%s: empty word in the DSN notify list "
			       "(use never, or success, failure, delay separated by commas)", what);
	f = notify_flag(p, n);
	if (f == 0 && quotable(p, n))
		return err_set(e, ERR_USAGE, "%s: unknown DSN notify word '%.*s' "
			       "(use never, or success, failure, delay)", what,
			       (int)(n < QUOTE_MAX ? n : QUOTE_MAX), p);
	if (f == 0)
		return err_set(e, ERR_USAGE, "%s: DSN notify word with a control or non-ASCII "
			       "character", what);
	*acc |= f;
	return 0;
}

int dsn_parse_notify(const char *s, const char *what, unsigned *flags, struct err *e)
{
	unsigned acc = 0;
	const char *p = s ? s : "";

	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		if (notify_word(p, n, what, &acc, e) < 0)
			return -1;
		if (!comma)
			break;
		p = comma + 1;
	}
	/* RFC 3461 section 4.1: NEVER "MUST NOT" appear with the others. */
	if ((acc & DSN_NOTIFY_NEVER) && acc != DSN_NOTIFY_NEVER)
		return err_set(e, ERR_USAGE, "%s: DSN notify 'never' cannot be combined with "
			       "success, failure or delay", what);
	*flags = acc;
	return 0;
}

int dsn_parse_ret(const char *s, const char *what, enum dsn_ret *ret, struct err *e)
{
	const char *v = s ? s : "";

	for (int r = DSN_RET_FULL; r <= DSN_RET_HDRS; r++)
		if (strcasecmp(v, ret_names[r]) == 0) {
			*ret = (enum dsn_ret)r;
			return 0;
		}
	if (quotable(v, strlen(v)))
		return err_set(e, ERR_USAGE, "%s: DSN return '%.*s' is not full or hdrs", what,
			       QUOTE_MAX, v);
	return err_set(e, ERR_USAGE, "%s: DSN return is not full or hdrs", what);
}

int dsn_check_envid(const char *s, const char *what, struct err *e)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0)
		return err_set(e, ERR_USAGE, "%s: empty DSN envelope ID", what);
	if (n > DSN_ENVID_MAX)
		return err_set(e, ERR_USAGE, "%s: DSN envelope ID of %zu characters, more than %d",
			       what, n, DSN_ENVID_MAX);
	/* Section 4.4: "printable (graphic and white space) characters from
	 * the US-ASCII repertoire", because the ID is copied into the DSN. */
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return err_set(e, ERR_USAGE, "%s: DSN envelope ID has a control or non-ASCII "
				       "character at position %zu", what, i + 1);
	return 0;
}

int dsn_notify_format(struct buf *out, unsigned flags)
{
	char v[32];
	size_t len = 0;

	if (flags == 0 || (flags & ~(unsigned)NOTIFY_ALL) ||
	    ((flags & DSN_NOTIFY_NEVER) && flags != DSN_NOTIFY_NEVER))
		return -1;
	/* Built whole, then appended once, so a failure appends nothing. */
	for (size_t i = 0; i < sizeof notify_words / sizeof notify_words[0]; i++) {
		size_t w = strlen(notify_words[i].word);
		if (!(flags & notify_words[i].flag))
			continue;
		if (len)
			v[len++] = ',';
		memcpy(v + len, notify_words[i].word, w);
		len += w;
	}
	return buf_append(out, v, len);
}

const char *dsn_ret_name(enum dsn_ret r)
{
	if ((int)r < 0 || (size_t)r >= sizeof ret_names / sizeof ret_names[0])
		return NULL;
	return ret_names[r];
}

int dsn_xtext(struct buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char enc[3] = {'+', hex[c >> 4], hex[c & 15]};
		int plain = c >= 33 && c <= 126 && c != '+' && c != '=';
		if (buf_append(out, plain ? (const char *)&s[i] : enc, plain ? 1 : 3) < 0)
			return -1;
	}
	return 0;
}
