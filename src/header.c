/* RFC 5322 section 2.2 (header fields), 2.2.3 (folding), 3.6 (fields). */
#include "header.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "bounds.h"

/* field-name = 1*ftext, ftext = %d33-57 / %d59-126 (no colon, no space). */
static size_t field_name_len(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && p[i] > 32 && p[i] < 127 && p[i] != ':')
		i++;
	if (i == 0 || i >= n)
		return 0;
	/* Obsolete syntax allows white space before the colon. */
	{
		size_t j = i;
		while (j < n && (p[j] == ' ' || p[j] == '\t'))
			j++;
		return j < n && p[j] == ':' ? i : 0;
	}
}

/* Reads the spool from its start up to the blank line that ends the header
 * section (or HEADER_SECTION_MAX + 1 bytes, or the end): a big message's
 * body is never held in memory. */
static int read_section(struct headers *h, int fd, off_t size, struct err *e)
{
	size_t want = size > HEADER_SECTION_MAX ? HEADER_SECTION_MAX + 1 : (size_t)size;
	char piece[16384];

	buf_init(&h->raw, HEADER_SECTION_MAX + 2);
	if (want > 0 && buf_append(&h->raw, "", 0) < 0)
		return err_set(e, ERR_OS, "header: out of memory");
	while (h->raw.len < want) {
		size_t n = want - h->raw.len < sizeof piece ? want - h->raw.len : sizeof piece;
		size_t from = h->raw.len > 3 ? h->raw.len - 3 : 0;
		ssize_t r = pread(fd, piece, n, (off_t)h->raw.len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return err_set(e, ERR_IO, "header: reading the spool: %s", strerror(errno));
		if (r == 0)
			break;
		if (buf_append(&h->raw, piece, (size_t)r) < 0)
			return err_set(e, ERR_OS, "header: out of memory");
		if ((h->raw.len >= 2 && memcmp(h->raw.data, "\r\n", 2) == 0) ||
		    memmem(h->raw.data + from, h->raw.len - from, "\r\n\r\n", 4))
			break;
	}
	return 0;
}

static int add_field(struct headers *h, size_t off, size_t len, size_t name_len, struct err *e)
{
	struct header_field *f;

	if (h->n >= HEADER_FIELDS_MAX)
		return err_set(e, ERR_DATA, "header: more than %d header fields", HEADER_FIELDS_MAX);
	f = realloc(h->f, (size_t)(h->n + 1) * sizeof *f);
	if (!f)
		return err_set(e, ERR_OS, "header: out of memory");
	h->f = f;
	f[h->n] = (struct header_field){.off = off, .len = len, .name_len = name_len};
	h->n++;
	return 0;
}

/* Leading mbox "From " lines (or quoted ">From "), which `git
 * format-patch` and mailbox tools write before the header: not fields,
 * never sent, as Postfix's sendmail drops them. Only when a header field
 * follows, so a message without a header keeps its first line of text. */
static size_t skip_mbox_from(const char *s, size_t n)
{
	size_t pos = 0;

	for (;;) {
		size_t q = pos;
		const char *eol = memchr(s + pos, '\n', n - pos);
		size_t line = eol ? (size_t)(eol - s) + 1 - pos : n - pos;
		if (field_name_len(s + pos, line) != 0)   /* also "From : x", an obsolete From field */
			return pos;
		while (q < n && s[q] == '>')
			q++;
		if (!eol || n - q < 5 || memcmp(s + q, "From ", 5) != 0)
			return 0;
		pos = (size_t)(eol - s) + 1;
	}
}

/* Splits raw into fields; stops at the empty line or a non-field line. */
static int split_fields(struct headers *h, struct err *e)
{
	const char *s = h->raw.data;
	size_t pos = skip_mbox_from(s, h->raw.len), n = h->raw.len;

	h->body_off = (off_t)pos;
	while (pos < n) {
		size_t start = pos, name_len;
		const char *eol = memchr(s + pos, '\n', n - pos);
		size_t line_end = eol ? (size_t)(eol - s) + 1 : n;

		if (line_end - pos == 2 && s[pos] == '\r') {      /* the empty line */
			h->body_off = (off_t)line_end;
			break;
		}
		name_len = field_name_len(s + pos, line_end - pos);
		if (name_len == 0) {                               /* body begins here */
			h->body_off = (off_t)pos;
			break;
		}
		pos = line_end;
		while (pos < n && (s[pos] == ' ' || s[pos] == '\t')) {  /* folded lines */
			eol = memchr(s + pos, '\n', n - pos);
			pos = eol ? (size_t)(eol - s) + 1 : n;
		}
		if (add_field(h, start, pos - start, name_len, e) < 0)
			return -1;
		h->body_off = (off_t)pos;
		if (pos > HEADER_SECTION_MAX)
			return err_set(e, ERR_DATA, "header: the header section is larger than %d bytes",
				       HEADER_SECTION_MAX);
	}
	return 0;
}

int header_parse(struct headers *h, int fd, off_t size, struct err *e)
{
	memset(h, 0, sizeof *h);
	buf_init(&h->added, HEADER_SECTION_MAX);
	if (read_section(h, fd, size, e) < 0)
		return -1;
	h->body_off = 0;
	return h->raw.len ? split_fields(h, e) : 0;
}

int header_find(const struct headers *h, const char *name, int from)
{
	size_t nl = strlen(name);

	for (int i = from < 0 ? 0 : from; i < h->n; i++)
		if (!h->f[i].removed && h->f[i].name_len == nl &&
		    strncasecmp(h->raw.data + h->f[i].off, name, nl) == 0)
			return i;
	return -1;
}

char *header_value(const struct headers *h, int i)
{
	const char *p = h->raw.data + h->f[i].off;
	const char *colon = memchr(p, ':', h->f[i].len);
	size_t n = h->f[i].len - (size_t)(colon + 1 - p), k = 0;
	char *out = malloc(n + 1);

	if (!out)
		return NULL;
	for (size_t j = 0; j < n; j++) {
		char c = colon[1 + j];
		if (c != '\r' && c != '\n')
			out[k++] = c;
	}
	out[k] = '\0';
	return out;
}

void header_name(const struct headers *h, int i, char *out, size_t outsz)
{
	size_t n = h->f[i].name_len < outsz - 1 ? h->f[i].name_len : outsz - 1;

	memcpy(out, h->raw.data + h->f[i].off, n);
	out[n] = '\0';
}

void header_remove(struct headers *h, int i)
{
	h->f[i].removed = 1;
}

int header_replace(struct headers *h, int i, const char *value)
{
	struct buf b;
	char name[128];

	header_name(h, i, name, sizeof name);
	buf_init(&b, HEADER_SECTION_MAX);
	if (buf_appendf(&b, "%s: %s\r\n", name, value) < 0) {
		buf_free(&b);
		return -1;
	}
	free(h->f[i].replacement);
	h->f[i].replacement = buf_steal(&b);
	return 0;
}

int header_add(struct headers *h, const char *name, const char *value)
{
	return buf_appendf(&h->added, "%s: %s\r\n", name, value);
}

int header_write(const struct headers *h, struct buf *out)
{
	for (int i = 0; i < h->n; i++) {
		const struct header_field *f = &h->f[i];
		if (f->removed)
			continue;
		if (f->replacement ? buf_appends(out, f->replacement) < 0
				   : buf_append(out, h->raw.data + f->off, f->len) < 0)
			return -1;
	}
	if (buf_append(out, h->added.data, h->added.len) < 0)
		return -1;
	return buf_append(out, "\r\n", 2);
}

/* Where to fold line[0..n): the last blank at or before 998 octets that
 * leaves something other than blanks after it; 0 when there is none. */
static size_t fold_point(const char *line, size_t n)
{
	size_t end = n - 1 < HEADER_LINE_MAX ? n - 1 : HEADER_LINE_MAX;

	for (size_t i = end; i > 0; i--)
		if ((line[i] == ' ' || line[i] == '\t') && strspn(line + i, " \t") < n - i)
			return i;
	return 0;
}

int header_fold_long_lines(struct buf *block, struct err *e)
{
	struct buf out;
	const char *p = block->data ? block->data : "", *end = p + block->len;

	buf_init(&out, block->limit + block->len / HEADER_LINE_MAX * 2 + 2);
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n = eol ? (size_t)(eol - p) + 1 : (size_t)(end - p), body = n;
		const char *line = p;   /* names the field in an error, even after a fold */
		if (body >= 2 && p[body - 2] == '\r')
			body -= 2;
		while (body > HEADER_LINE_MAX) {
			size_t at = fold_point(p, body);
			if (at == 0) {
				size_t name = strcspn(line, ":\r\n");
				buf_free(&out);
				return err_set(e, ERR_DATA, "header %.*s: a line over %d octets with no blank to "
					       "fold it at (RFC 5322 section 2.1.1)", (int)(name < 60 ? name : 60),
					       line, HEADER_LINE_MAX);
			}
			if (buf_append(&out, p, at) < 0 || buf_append(&out, "\r\n", 2) < 0)
				goto too_large;
			p += at, n -= at, body -= at;
		}
		if (buf_append(&out, p, n) < 0)
			goto too_large;
		p += n;
	}
	buf_free(block);
	*block = out;
	return 0;
too_large:
	buf_free(&out);
	return err_set(e, ERR_DATA, "header section too large once folded");
}

void header_free(struct headers *h)
{
	for (int i = 0; i < h->n; i++)
		free(h->f[i].replacement);
	free(h->f);
	buf_free(&h->raw);
	buf_free(&h->added);
	memset(h, 0, sizeof *h);
}
