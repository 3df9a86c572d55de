/* RFC 5322 section 2.2 (fields, folding); RFC 2045 sections 5.1
 * (Content-Type syntax), 6.1 (Content-Transfer-Encoding); RFC 2047
 * section 5 (where encoded-words may stand). */
#include "mimehdr.h"

#include <string.h>
#include <strings.h>

/* field-name = 1*ftext (RFC 5322 3.6.8), white space before the colon
 * being obsolete syntax (4.5.8). Returns the name's length or 0. */
static size_t field_name_len(const char *p, size_t n)
{
	size_t i = 0, j;

	while (i < n && p[i] > 32 && p[i] < 127 && p[i] != ':')
		i++;
	if (i == 0)
		return 0;
	j = i;
	while (j < n && (p[j] == ' ' || p[j] == '\t'))
		j++;
	return j < n && p[j] == ':' ? i : 0;
}

enum mimehdr_line mimehdr_line_kind(const char *p, size_t n)
{
	if (n == 0)
		return MIMEHDR_BLANK;
	if (p[0] == ' ' || p[0] == '\t')
		return MIMEHDR_CONT;
	return field_name_len(p, n) ? MIMEHDR_FIELD : MIMEHDR_OTHER;
}

/* The line at `at`: its length without the CRLF, and where the next starts. */
static size_t line_end(const char *p, size_t n, size_t at, size_t *next)
{
	size_t i = at;

	while (i < n && !(p[i] == '\r' && i + 1 < n && p[i + 1] == '\n'))
		i++;
	*next = i < n ? i + 2 : n;
	return i - at;
}

static void take_line(const char *p, size_t at, size_t len, struct mimehdr_field *f)
{
	if (len > f->longest)
		f->longest = len;
	for (size_t i = at; i < at + len; i++)
		if ((unsigned char)p[i] >= 0x80)
			f->high = 1;
}

enum mimehdr_next mimehdr_next(const char *p, size_t n, size_t *pos, struct mimehdr_field *f)
{
	size_t at = *pos, next, len;
	enum mimehdr_line kind;

	if (at >= n)
		return MIMEHDR_END;
	len = line_end(p, n, at, &next);
	kind = mimehdr_line_kind(p + at, len);
	if (kind == MIMEHDR_BLANK) {
		*pos = next;
		return MIMEHDR_END_BLANK;
	}
	memset(f, 0, sizeof *f);
	f->off = at;
	take_line(p, at, len, f);
	if (kind == MIMEHDR_FIELD) {
		f->name_len = field_name_len(p + at, len);
		f->value_off = (size_t)((const char *)memchr(p + at, ':', len) - p) + 1;
		/* Continuation lines belong to the field (RFC 5322 2.2.3). */
		while (next < n && (p[next] == ' ' || p[next] == '\t')) {
			size_t cont = next;
			len = line_end(p, n, cont, &next);
			take_line(p, cont, len, f);
		}
	}
	f->len = next - at;
	*pos = next;
	return MIMEHDR_UNIT;
}

int mimehdr_is(const char *p, const struct mimehdr_field *f, const char *name)
{
	size_t n = strlen(name);

	return f->name_len == n && strncasecmp(p + f->off, name, n) == 0;
}

int mimehdr_unstructured(const char *p, const struct mimehdr_field *f)
{
	/* Free text (RFC 5322 3.6.5, RFC 2045 8), the phrase lists of Keywords
	 * (encoded words may stand for phrases, RFC 2047 section 5(3)), and the
	 * common free-text fields of mail programs. */
	static const char *const names[] = {"Subject", "Comments", "Content-Description", "Keywords",
					    "Organization", "User-Agent", "Thread-Topic", "Summary"};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (mimehdr_is(p, f, names[i]))
			return 1;
	return f->name_len > 2 && strncasecmp(p + f->off, "X-", 2) == 0;
}

/* A cursor over a folded header value. */
struct cur {
	const char *p;
	size_t n, i;
};

/* Skips white space, line breaks and (nested) comments (RFC 5322 3.2.2). */
static void skip_cfws(struct cur *c)
{
	int depth = 0;

	while (c->i < c->n) {
		char ch = c->p[c->i];
		if (depth && ch == '\\' && c->i + 1 < c->n) {
			c->i += 2;
			continue;
		}
		if (ch == '(')
			depth++;
		else if (ch == ')' && depth)
			depth--;
		else if (!depth && ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n')
			return;
		c->i++;
	}
}

/* token = 1*<any CHAR except SPACE, CTLs, or tspecials> (RFC 2045 5.1). */
static int token_char(char ch)
{
	return ch > 32 && ch < 127 && !strchr("()<>@,;:\\\"/[]?=", ch);
}

/* Copies a token in lower case (at most outsz - 1 bytes); returns its
 * full length, 0 when there is none. */
static size_t token(struct cur *c, char *out, size_t outsz)
{
	size_t len = 0;

	while (c->i < c->n && token_char(c->p[c->i])) {
		char ch = c->p[c->i++];
		if (len + 1 < outsz)
			out[len] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
		len++;
	}
	if (outsz)
		out[len < outsz ? len : outsz - 1] = '\0';
	return len;
}

/* A parameter value: token or quoted-string, copied as is (case kept),
 * quoted pairs resolved, folding removed. Returns its full length. */
static size_t param_value(struct cur *c, char *out, size_t outsz)
{
	size_t len = 0;

	if (c->i >= c->n || c->p[c->i] != '"') {
		size_t start = c->i;
		while (c->i < c->n && token_char(c->p[c->i]))
			c->i++;
		len = c->i - start;
		memcpy(out, c->p + start, len < outsz ? len : outsz - 1);
		out[len < outsz ? len : outsz - 1] = '\0';
		return len;
	}
	for (c->i++; c->i < c->n && c->p[c->i] != '"'; c->i++) {
		char ch = c->p[c->i];
		if (ch == '\\' && c->i + 1 < c->n)
			ch = c->p[++c->i];
		else if (ch == '\r' || ch == '\n')
			continue;
		if (len + 1 < outsz)
			out[len] = ch;
		len++;
	}
	c->i++;   /* the closing quote */
	out[len < outsz ? len : outsz - 1] = '\0';
	return len;
}

/* ";" attribute "=" value, as long as they parse (RFC 2045 5.1). */
static void params(struct cur *c, struct mimehdr_ct *ct)
{
	char attr[32], value[MIME_BOUNDARY_MAX + 1];

	for (;;) {
		size_t vlen;
		skip_cfws(c);
		if (c->i >= c->n || c->p[c->i] != ';')
			return;
		c->i++;
		skip_cfws(c);
		if (token(c, attr, sizeof attr) == 0)
			return;
		skip_cfws(c);
		if (c->i >= c->n || c->p[c->i] != '=')
			return;
		c->i++;
		skip_cfws(c);
		vlen = param_value(c, value, sizeof value);
		if (strcmp(attr, "boundary") == 0 && vlen <= MIME_BOUNDARY_MAX) {
			memcpy(ct->boundary, value, vlen + 1);
			ct->boundary_len = vlen;
		} else if (strcmp(attr, "charset") == 0) {
			ct->has_charset = 1;
		}
	}
}

void mimehdr_content_type(const char *v, size_t n, struct mimehdr_ct *ct)
{
	struct cur c = {v, n, 0};
	size_t tl, sl;

	memset(ct, 0, sizeof *ct);
	skip_cfws(&c);
	tl = token(&c, ct->type, sizeof ct->type);
	skip_cfws(&c);
	if (tl == 0 || tl >= sizeof ct->type || c.i >= n || v[c.i] != '/') {
		ct->type[0] = '\0';
		return;
	}
	c.i++;
	skip_cfws(&c);
	sl = token(&c, ct->subtype, sizeof ct->subtype);
	if (sl == 0 || sl >= sizeof ct->subtype) {
		ct->type[0] = '\0';
		return;
	}
	params(&c, ct);
}

enum mimehdr_cte mimehdr_cte(const char *v, size_t n)
{
	static const struct {
		const char *name;
		enum mimehdr_cte cte;
	} table[] = {
		{"7bit", MIMEHDR_CTE_NONE},
		{"8bit", MIMEHDR_CTE_8BIT},
		{"binary", MIMEHDR_CTE_8BIT},
		{"quoted-printable", MIMEHDR_CTE_ENCODED},
		{"base64", MIMEHDR_CTE_ENCODED},
	};
	struct cur c = {v, n, 0};
	char name[32];
	size_t len;

	skip_cfws(&c);
	len = token(&c, name, sizeof name);
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (len < sizeof name && strcmp(name, table[i].name) == 0)
			return table[i].cte;
	return MIMEHDR_CTE_UNKNOWN;
}
