/* RFC 5322 section 3.4 (address specification), section 4.4 (obsolete
 * addressing), RFC 5321 section 4.1.2 (the envelope's Mailbox syntax). */
#include "addr.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"

enum tok_kind { T_END, T_WORD, T_QUOTED, T_DOMLIT, T_SPECIAL };

struct tok {
	enum tok_kind kind;
	const char *p;      /* start in the source (quotes included) */
	size_t len;
	int space_before;   /* white space or a comment preceded it */
	const char *comment; /* the comment just before it, if any */
	size_t comment_len;
};

struct lexer {
	const char *s, *end;
	const char *comment;   /* text of the last comment seen */
	size_t comment_len;
	struct err *e;
};

/* strchr() finds the terminating NUL too, so c must be checked first. */
static int is_atext(unsigned char c)
{
	return isalnum(c) || (c && strchr("!#$%&'*+-/=?^_`{|}~", c)) || c >= 0x80;
}

/* Skips white space, folds and (nested) comments. */
static int lex_cfws(struct lexer *x, int *skipped)
{
	while (x->s < x->end) {
		if (*x->s == ' ' || *x->s == '\t' || *x->s == '\r' || *x->s == '\n') {
			x->s++, *skipped = 1;
		} else if (*x->s == '(') {
			int depth = 0;
			const char *start = x->s + 1;
			do {
				if (*x->s == '\\' && x->s + 1 < x->end)
					x->s++;
				else if (*x->s == '(')
					depth++;
				else if (*x->s == ')')
					depth--;
				x->s++;
			} while (depth > 0 && x->s < x->end);
			if (depth > 0)
				return err_set(x->e, ERR_DATA, "unterminated comment");
			x->comment = start;
			x->comment_len = (size_t)(x->s - 1 - start);
			*skipped = 1;
		} else {
			break;
		}
	}
	return 0;
}

static int lex_delimited(struct lexer *x, struct tok *t, char close, enum tok_kind kind)
{
	const char *start = x->s++;

	while (x->s < x->end && *x->s != close) {
		if (*x->s == '\\' && x->s + 1 < x->end)
			x->s++;
		x->s++;
	}
	if (x->s >= x->end)
		return err_set(x->e, ERR_DATA, "unterminated %s",
			       kind == T_QUOTED ? "quoted string" : "domain literal");
	x->s++;
	t->kind = kind;
	t->p = start;
	t->len = (size_t)(x->s - start);
	return 0;
}

static int lex_next(struct lexer *x, struct tok *t)
{
	int skipped = 0;
	unsigned char c;

	x->comment = NULL;
	x->comment_len = 0;
	if (lex_cfws(x, &skipped) < 0)
		return -1;
	t->space_before = skipped;
	t->comment = x->comment;
	t->comment_len = x->comment_len;
	if (x->s >= x->end) {
		t->kind = T_END;
		t->len = 0;
		return 0;
	}
	c = (unsigned char)*x->s;
	if (c == '"')
		return lex_delimited(x, t, '"', T_QUOTED);
	if (c == '[')
		return lex_delimited(x, t, ']', T_DOMLIT);
	if (c && strchr("<>,:;@.", c)) {
		t->kind = T_SPECIAL;
		t->p = x->s++;
		t->len = 1;
		return 0;
	}
	if (!is_atext(c))
		return err_set(x->e, ERR_DATA, "unexpected character '%c'", isprint(c) ? c : '?');
	t->kind = T_WORD;
	t->p = x->s;
	while (x->s < x->end && is_atext((unsigned char)*x->s))
		x->s++;
	t->len = (size_t)(x->s - t->p);
	return 0;
}

static int is_special(const struct tok *t, char c)
{
	return t->kind == T_SPECIAL && *t->p == c;
}

#define TOKS_MAX 4096

struct parser {
	struct tok *t;
	int n;
	int i;
	struct addr_list *out;
	struct err *e;
};

/* An '@' inside a quoted local part ("a@b") is not the domain separator. */
static int spec_has_domain(const char *spec)
{
	int quoted = 0;

	for (const char *p = spec; *p; p++) {
		if (*p == '\\' && quoted && p[1])
			p++;
		else if (*p == '"')
			quoted = !quoted;
		else if (*p == '@' && !quoted)
			return 1;
	}
	return 0;
}

int addr_list_add(struct addr_list *l, const char *display, const char *spec)
{
	struct addr *v;

	if (l->n >= ADDRS_MAX)
		return -1;
	v = realloc(l->v, (size_t)(l->n + 1) * sizeof *v);
	if (!v)
		return -1;
	l->v = v;
	v[l->n].display = display ? strdup(display) : NULL;
	v[l->n].spec = strdup(spec);
	v[l->n].has_domain = spec_has_domain(spec);
	if (!v[l->n].spec)
		return -1;
	l->n++;
	return 0;
}

void addr_list_free(struct addr_list *l)
{
	for (int i = 0; i < l->n; i++) {
		free(l->v[i].display);
		free(l->v[i].spec);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Joins tokens [a, b) into an addr-spec: dot-separated words, then an
 * optional "@" and a dot-separated domain (or a domain literal). */
static int parse_spec(struct parser *ps, int a, int b, struct buf *spec)
{
	int want_word = 1, seen_at = 0;

	for (int k = a; k < b; k++) {
		const struct tok *t = &ps->t[k];
		int word = t->kind == T_WORD || (t->kind == T_QUOTED && !seen_at) ||
			   (t->kind == T_DOMLIT && seen_at);
		if (want_word && !word)
			return err_set(ps->e, ERR_DATA, "'%.*s' is not an address", (int)(ps->t[b - 1].p +
				       ps->t[b - 1].len - ps->t[a].p), ps->t[a].p);
		if (!want_word && !(is_special(t, '.') || (is_special(t, '@') && !seen_at)))
			return err_set(ps->e, ERR_DATA, "'%.*s' is not an address (a name needs <address>)",
				       (int)(ps->t[b - 1].p + ps->t[b - 1].len - ps->t[a].p), ps->t[a].p);
		if (is_special(t, '@'))
			seen_at = 1;
		want_word = !want_word;
		if (buf_append(spec, t->p, t->len) < 0)
			return err_set(ps->e, ERR_DATA, "address longer than %d bytes", ADDR_MAX);
	}
	if (want_word)
		return err_set(ps->e, ERR_DATA, "incomplete address '%s'", spec->len ? spec->data : "");
	return 0;
}

/* A phrase as written, unfolded (RFC 5322 3.2.2: a fold is a CRLF before
 * white space; removing the CR and LF leaves the white space). */
static char *dup_unfolded(const char *p, size_t n)
{
	char *s = malloc(n + 1);
	size_t k = 0;

	if (!s)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (p[i] != '\r' && p[i] != '\n')
			s[k++] = p[i];
	s[k] = '\0';
	return s;
}

/* A comment's text used as a display name must still be a phrase when
 * addr_format writes it back: quote it when it holds specials (3.2.3),
 * keeping its quoted-pairs and escaping bare '"'. */
static char *comment_display(const char *p, size_t n)
{
	struct buf b;
	int special = 0;

	for (size_t i = 0; i < n; i++)
		special |= strchr("()<>[]:;@\\,.\"", p[i]) != NULL;
	if (!special)
		return dup_unfolded(p, n);
	buf_init(&b, 2 * n + 3);
	if (buf_append(&b, "\"", 1) < 0)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		int rc;
		if (p[i] == '\r' || p[i] == '\n')
			continue;
		if (p[i] == '\\' && i + 1 < n)
			rc = buf_append(&b, p + i++, 2);
		else if (p[i] == '"')
			rc = buf_append(&b, "\\\"", 2);
		else
			rc = buf_append(&b, p + i, 1);
		if (rc < 0) {
			buf_free(&b);
			return NULL;
		}
	}
	if (buf_append(&b, "\"", 1) < 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

/* The display name: the phrase's own text, or failing that the text of a
 * comment inside or right after the mailbox ("root (Cron Daemon)"). */
static char *mailbox_display(struct parser *ps, int a, int b, int end)
{
	if (b > a)
		return dup_unfolded(ps->t[a].p, (size_t)(ps->t[b - 1].p + ps->t[b - 1].len - ps->t[a].p));
	for (int k = a + 1; k <= end && k < ps->n; k++)
		if (ps->t[k].comment && ps->t[k].comment_len)
			return comment_display(ps->t[k].comment, ps->t[k].comment_len);
	return NULL;
}

static int add_mailbox(struct parser *ps, int da, int db, int sa, int sb, int end)
{
	struct buf spec;
	char *display;
	int rc;

	buf_init(&spec, ADDR_MAX);
	if (sb > sa && parse_spec(ps, sa, sb, &spec) < 0) {
		buf_free(&spec);
		return -1;
	}
	display = mailbox_display(ps, da, db, end);
	rc = addr_list_add(ps->out, display, spec.len ? spec.data : "");
	free(display);
	buf_free(&spec);
	return rc < 0 ? err_set(ps->e, ERR_DATA, "more than %d addresses", ADDRS_MAX) : 0;
}

/* name-addr: phrase "<" [route ":"] addr-spec ">" ; starts at '<' = ps->i */
static int parse_angle(struct parser *ps, int phrase_start)
{
	int open = ps->i, k = open + 1, close;

	if (k < ps->n && is_special(&ps->t[k], '@')) {   /* obs-route: @a,@b: */
		while (k < ps->n && !is_special(&ps->t[k], ':') && !is_special(&ps->t[k], '>'))
			k++;
		if (k >= ps->n || !is_special(&ps->t[k], ':'))
			return err_set(ps->e, ERR_DATA, "malformed source route in <...>");
		k++;
	}
	for (close = k; close < ps->n && !is_special(&ps->t[close], '>'); close++)
		if (ps->t[close].kind == T_END || is_special(&ps->t[close], '<'))
			break;
	if (close >= ps->n || !is_special(&ps->t[close], '>'))
		return err_set(ps->e, ERR_DATA, "'<' without matching '>'");
	ps->i = close + 1;
	return add_mailbox(ps, phrase_start, open, k, close, close + 1);
}

/* One mailbox; `in_group` makes ';' end it as well as ','. */
static int parse_mailbox(struct parser *ps, int in_group)
{
	int start = ps->i, k;

	for (k = start; ps->t[k].kind != T_END; k++) {
		const struct tok *t = &ps->t[k];
		if (is_special(t, ',') || (in_group && is_special(t, ';')))
			break;
		if (is_special(t, '<')) {
			ps->i = k;
			return parse_angle(ps, start);
		}
		if (is_special(t, '>'))
			return err_set(ps->e, ERR_DATA, "'>' without matching '<'");
		if (is_special(t, ':') || is_special(t, ';'))
			return err_set(ps->e, ERR_DATA, "unexpected '%c'", *t->p);
	}
	ps->i = k;
	return add_mailbox(ps, start, start, start, k, k);
}

static int parse_group(struct parser *ps, int colon)
{
	if (colon == ps->i)
		return err_set(ps->e, ERR_DATA, "group without a name before ':'");
	ps->i = colon + 1;
	while (ps->t[ps->i].kind != T_END && !is_special(&ps->t[ps->i], ';')) {
		if (is_special(&ps->t[ps->i], ',')) {
			ps->i++;
			continue;
		}
		if (parse_mailbox(ps, 1) < 0)
			return -1;
	}
	if (!is_special(&ps->t[ps->i], ';'))
		return err_set(ps->e, ERR_DATA, "group without its closing ';'");
	ps->i++;
	return 0;
}

/* address = mailbox / group: look ahead for ':' before '<', ',' or the end. */
static int parse_address(struct parser *ps)
{
	for (int k = ps->i; ps->t[k].kind != T_END; k++) {
		const struct tok *t = &ps->t[k];
		if (is_special(t, ':'))
			return parse_group(ps, k);
		if (is_special(t, '<') || is_special(t, ','))
			break;
	}
	return parse_mailbox(ps, 0);
}

static int tokenize(const char *s, size_t len, struct tok *toks, int *n, struct err *e)
{
	struct lexer x = {.s = s, .end = s + len, .e = e};

	*n = 0;
	do {
		if (*n == TOKS_MAX)
			return err_set(e, ERR_DATA, "address list too long");
		if (lex_next(&x, &toks[*n]) < 0)
			return -1;
	} while (toks[(*n)++].kind != T_END);
	return 0;
}

/* Drops the entries from index n on, so a failed parse leaves the list as
 * it found it and callers need not free a half-filled list. */
static void list_truncate(struct addr_list *l, int n)
{
	while (l->n > n) {
		l->n--;
		free(l->v[l->n].display);
		free(l->v[l->n].spec);
	}
	if (l->n == 0) {
		free(l->v);
		l->v = NULL;
	}
}

int addr_parse_list(const char *s, size_t len, struct addr_list *out, struct err *e)
{
	struct parser ps = {.out = out, .e = e};
	int rc = 0, n0 = out->n;

	/* A NUL would silently cut the strings made from the tokens. */
	if (memchr(s, '\0', len))
		return err_set(e, ERR_DATA, "address list contains a NUL byte");
	ps.t = malloc(TOKS_MAX * sizeof *ps.t);
	if (!ps.t)
		return err_set(e, ERR_OS, "out of memory");
	if (tokenize(s, len, ps.t, &ps.n, e) < 0) {
		free(ps.t);
		return -1;
	}
	while (rc == 0 && ps.t[ps.i].kind != T_END) {
		if (is_special(&ps.t[ps.i], ',')) {
			ps.i++;
			continue;
		}
		rc = parse_address(&ps);
		if (rc == 0 && ps.t[ps.i].kind != T_END && !is_special(&ps.t[ps.i], ','))
			rc = err_set(e, ERR_DATA, "expected ',' between addresses, found '%.*s'",
				     (int)ps.t[ps.i].len, ps.t[ps.i].p);
	}
	free(ps.t);
	if (rc < 0)
		list_truncate(out, n0);
	return rc;
}

static int check_domain(const char *d, struct err *e)
{
	size_t label = 0, total = strlen(d);

	if (*d == '[') {
		/* RFC 5321 4.1.3: an IPv4, "IPv6:" or tagged address literal;
		 * never white space, brackets, '<', '>' or backslashes. */
		size_t k = 1;
		while (k + 1 < total && (isalnum((unsigned char)d[k]) || strchr(".:-", d[k])))
			k++;
		return total > 2 && k + 1 == total && d[k] == ']' ? 0 :
		       err_set(e, ERR_DATA, "malformed domain literal '%s'", d);
	}
	if (total == 0 || total > 253)
		return err_set(e, ERR_DATA, "domain '%s' is empty or too long", d);
	for (const char *p = d; ; p++) {
		if (*p == '.' || *p == '\0') {
			if (label == 0 || label > 63 || p[-1] == '-')
				return err_set(e, ERR_DATA, "domain '%s' has an invalid label", d);
			if (*p == '\0')
				return 0;
			label = 0;
			continue;
		}
		if (!(isalnum((unsigned char)*p) || (*p == '-' && label > 0)))
			return err_set(e, ERR_DATA, "domain '%s' contains '%c'", d,
				       isprint((unsigned char)*p) ? *p : '?');
		label++;
	}
}

static int check_spec(const char *spec, int utf8_local, struct err *e)
{
	struct addr_list l = {0};
	const char *at = strrchr(spec, '@');
	size_t n = strlen(spec);
	int has_domain;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)spec[i];
		if (c < 0x20 || c == 0x7f)
			return err_set(e, ERR_DATA, "address contains a control character");
		if (c >= 0x80 && !(utf8_local && at && spec + i < at))
			return err_set(e, ERR_DATA, "address '%s' is not ASCII", spec);
	}
	if (n > 256)
		return err_set(e, ERR_DATA, "address longer than 256 bytes");

	if (addr_parse_list(spec, n, &l, e) < 0)
		return err_prefix(e, "address '%s'", spec);
	if (l.n != 1 || l.v[0].display || strcmp(l.v[0].spec, spec) != 0) {
		addr_list_free(&l);
		return err_set(e, ERR_DATA, "'%s' is not a plain address (local@domain)", spec);
	}
	has_domain = l.v[0].has_domain;
	addr_list_free(&l);
	if (!has_domain || !at)
		return err_set(e, ERR_DATA, "address '%s' has no domain", spec);
	if (at == spec || at - spec > 64)
		return err_set(e, ERR_DATA, "address '%s': local part is empty or longer than 64 bytes", spec);
	if (check_domain(at + 1, e) < 0)
		return err_prefix(e, "address '%s'", spec);
	/* Legal inside quotes, but a server or filter that stops at the first
	 * '>' would read the rest as command parameters. */
	if (strpbrk(spec, "<>"))
		return err_set(e, ERR_DATA, "address '%s' contains '<' or '>'", spec);
	return 0;
}

int addr_check_spec(const char *spec, struct err *e)
{
	return check_spec(spec, 0, e);
}

int addr_check_spec_utf8(const char *spec, struct err *e)
{
	return check_spec(spec, 1, e);
}

int addr_format(struct buf *out, const struct addr *a)
{
	if (a->display && *a->display)
		return buf_appendf(out, "%s <%s>", a->display, a->spec);
	return buf_appends(out, a->spec);
}
