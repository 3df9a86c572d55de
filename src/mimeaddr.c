/* RFC 2047 section 5(3) (encoded words in phrases), RFC 5322 section 3.4
 * (address lists), RFC 5891 (A-labels), RFC 6152 section 3 (downgrade). */
#include "mimeaddr.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "b64.h"
#include "bounds.h"
#include "idn.h"
#include "utf8.h"

int mimeaddr_is(const char *name, size_t nlen)
{
	static const char *const names[] = {
		"From", "To", "Cc", "Bcc", "Reply-To", "Sender", "Resent-From", "Resent-To",
		"Resent-Cc", "Resent-Bcc", "Resent-Sender", "Mail-Followup-To", "Mail-Reply-To",
		"Disposition-Notification-To",
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strlen(names[i]) == nlen && strncasecmp(names[i], name, nlen) == 0)
			return 1;
	return 0;
}

/* The value unfolded (CR and LF dropped) and parsed; NULL and *why set
 * when it cannot be rewritten. */
static int parse(const char *value, size_t vlen, struct addr_list *l, const char **why)
{
	struct buf v;
	struct err e;
	int rc = 0;

	buf_init(&v, vlen + 1);
	for (size_t i = 0; i < vlen && rc == 0; i++)
		if (value[i] != '\r' && value[i] != '\n')
			rc = buf_append(&v, value + i, 1);
	*why = NULL;
	if (rc < 0 || addr_parse_list(v.data ? v.data : "", v.len, l, &e) < 0)
		*why = "not an address list";
	else if (memchr(v.data ? v.data : "", ';', v.len))   /* a group: its name would be lost */
		*why = "a group of addresses";
	else if (l->n == 0)
		*why = "no address";
	for (int i = 0; !*why && i < l->n; i++)
		if (idn_local_is_utf8(l->v[i].spec))
			*why = "an address with a non-ASCII local part (that needs SMTPUTF8)";
	buf_free(&v);
	return *why ? -1 : 0;
}

const char *mimeaddr_problem(const char *value, size_t vlen)
{
	struct addr_list l = {0};
	const char *why;

	parse(value, vlen, &l, &why);
	addr_list_free(&l);
	return why;
}

/* The text a phrase stands for: quotes dropped, quoted-pairs undone. */
static int phrase_text(struct buf *out, const char *p)
{
	int quoted = 0;

	for (; *p; p++) {
		if (*p == '"') {
			quoted = !quoted;
			continue;
		}
		if (*p == '\\' && quoted && p[1])
			p++;
		if (buf_append(out, p, 1) < 0)
			return -1;
	}
	return 0;
}

/* One mailbox in 7-bit form: "display <spec>" or "spec". */
static int mailbox(struct buf *out, const struct addr *a)
{
	struct err e;
	char *spec = idn_spec_to_ascii(a->spec, &e);
	struct buf text;
	int rc;

	if (!spec)
		return -1;
	buf_init(&text, HEADER_SECTION_MAX);
	if (!a->display || !*a->display)
		rc = buf_appends(out, spec);
	else if (!utf8_has_nonascii(a->display, strlen(a->display)))
		rc = buf_appendf(out, "%s <%s>", a->display, spec);
	else
		rc = phrase_text(&text, a->display) < 0 ||
		     b64_encoded_words(out, text.data ? text.data : "", text.len) < 0 ||
		     buf_appendf(out, " <%s>", spec) < 0 ? -1 : 0;
	buf_free(&text);
	free(spec);
	return rc;
}

/* Appends one mailbox's text, folding before a blank (RFC 5322 2.2.3)
 * where the line would pass 78 columns: a long display name, or the
 * encoded words of one, then keeps every line short (RFC 5322 2.1.1, RFC
 * 2047 section 2). */
static int put_folded(struct buf *out, const char *p, size_t n, size_t *col)
{
	size_t i = 0;

	while (i < n) {
		size_t w = i + 1;   /* p[i] starts the first word, or is the blank before one */
		while (w < n && p[w] != ' ' && p[w] != '\t')
			w++;
		if ((p[i] == ' ' || p[i] == '\t') && *col > 1 && *col + (w - i) > 78) {
			if (buf_append(out, "\r\n", 2) < 0)
				return -1;
			*col = 0;
		}
		if (buf_append(out, p + i, w - i) < 0)
			return -1;
		*col += w - i;
		i = w;
	}
	return 0;
}

int mimeaddr_field(struct buf *out, const char *name, size_t nlen, const char *value, size_t vlen)
{
	struct addr_list l = {0};
	struct buf one;
	const char *why;
	size_t col = nlen + 1;
	int rc = parse(value, vlen, &l, &why);

	buf_init(&one, HEADER_SECTION_MAX);
	if (rc == 0)
		rc = buf_append(out, name, nlen) < 0 || buf_appends(out, ":") < 0 ? -1 : 0;
	for (int i = 0; rc == 0 && i < l.n; i++) {
		buf_reset(&one);
		rc = mailbox(&one, &l.v[i]);
		/* Fold before an address that would pass 78 columns (RFC 5322 2.1.1). */
		if (rc == 0 && i && col + 2 + one.len > 78)
			rc = buf_appends(out, ",\r\n "), col = 1;
		else if (rc == 0)
			rc = buf_appends(out, i ? ", " : " "), col += i ? 2 : 1;
		if (rc == 0)
			rc = put_folded(out, one.data ? one.data : "", one.len, &col);
	}
	if (rc == 0)
		rc = buf_appends(out, "\r\n");
	buf_free(&one);
	addr_list_free(&l);
	return rc < 0 ? -1 : 0;
}
