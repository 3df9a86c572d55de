/* Unit tests for header.c: the header section of a spooled message (RFC
 * 5322 section 2.2): fields, folding, where the body starts, lookups,
 * rewriting and the block written before the body. Messages go through
 * spool_from_memory first, as in postern, so LF endings become CRLF. */
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "header.h"
#include "spool.h"
#include "tap.h"

#define FIELDS_MAX 4

struct want_field {
	const char *name;
	const char *value;     /* header_value: unfolded, leading space kept */
};

static const struct {
	const char *name;
	const char *in;
	int n;
	struct want_field f[FIELDS_MAX];
	const char *body;      /* what follows body_off (LF endings here) */
} cases[] = {
	{"two fields, a blank line, a body", "Subject: hi\nTo: a@b.c\n\nbody\n", 2,
	 {{"Subject", " hi"}, {"To", " a@b.c"}}, "body\n"},
	{"a folded field is one field, unfolded by header_value",
	 "Subject: a\n b\n\tc\nX: y\n\nbody\n", 2, {{"Subject", " a b\tc"}, {"X", " y"}}, "body\n"},
	{"a folded To list", "To: a@b.c,\n  d@e.f\n\n", 1, {{"To", " a@b.c,  d@e.f"}}, ""},
	{"no blank line: the body starts at the first non-field line",
	 "Subject: x\nhello world\n", 1, {{"Subject", " x"}}, "hello world\n"},
	{"the first line is not a header: no fields, all body", "hello world\nSubject: x\n\n", 0,
	 {{NULL, NULL}}, "hello world\nSubject: x\n\n"},
	{"an empty message", "", 0, {{NULL, NULL}}, ""},
	{"only a blank line and a body", "\nbody\n", 0, {{NULL, NULL}}, "body\n"},
	{"headers without a body or a blank line", "Subject: x\nTo: a@b.c\n", 2,
	 {{"Subject", " x"}, {"To", " a@b.c"}}, ""},
	{"obsolete white space before the colon", "Subject : x\n\n", 1, {{"Subject", " x"}}, ""},
	{"an empty value", "X-Empty:\nY: z\n\n", 2, {{"X-Empty", ""}, {"Y", " z"}}, ""},
	{"a value without a space after the colon", "X:y\n\n", 1, {{"X", "y"}}, ""},
	{"a line starting with a colon is body", "A: b\n:x\n\n", 1, {{"A", " b"}}, ":x\n\n"},
	{"a folded first line is body", " x: y\nA: b\n\n", 0, {{NULL, NULL}}, " x: y\nA: b\n\n"},
	{"a field name with an 8-bit byte is body", "S\xc3\xbc: x\n\n", 0,
	 {{NULL, NULL}}, "S\xc3\xbc: x\n\n"},
	{"a field value with 8-bit bytes is kept", "Subject: caf\xc3\xa9\n\n", 1,
	 {{"Subject", " caf\xc3\xa9"}}, ""},
	{"a From: field is a field", "From: a@b.c\n\n", 1, {{"From", " a@b.c"}}, ""},
	{"an mbox \"From \" line before the header is dropped",
	 "From me@example.com Mon Jan  1 00:00:00 2024\nSubject: x\nTo: a@b.c\n\nbody\n", 2,
	 {{"Subject", " x"}, {"To", " a@b.c"}}, "body\n"},
	{"git format-patch's \"From <sha>\" line is dropped",
	 "From 8f1d2b3c Mon Sep 17 00:00:00 2001\nFrom: A <a@b.c>\nSubject: [PATCH] x\n\n---\n", 2,
	 {{"From", " A <a@b.c>"}, {"Subject", " [PATCH] x"}}, "---\n"},
	{"a quoted \">From \" line before the header is dropped",
	 ">From me@example.com Mon Jan  1 00:00:00 2024\nSubject: x\n\n", 1, {{"Subject", " x"}},
	 ""},
	{"\"From : x\" (obsolete From field) is a field, not an mbox line", "From : a@b.c\n\n", 1,
	 {{"From", " a@b.c"}}, ""},
	{"a \"From \" line not followed by a header field is kept as body",
	 "From what I hear,\nit works.\n", 0, {{NULL, NULL}}, "From what I hear,\nit works.\n"},
	{"two mbox lines, then a header", "From a Mon\n>From b Tue\nX: y\n\n", 1, {{"X", " y"}}, ""},
	{"an mbox line alone is kept", "From a Mon\n", 0, {{NULL, NULL}}, "From a Mon\n"},
	{"a \"From \" line after the first field is body", "Subject: x\nFrom me Mon\n\n", 1,
	 {{"Subject", " x"}}, "From me Mon\n\n"},
};

/* The length of str once its LFs are CRLFs. */
static long long crlf_len(const char *str)
{
	long long n = 0;

	for (; *str; str++)
		n += *str == '\n' ? 2 : 1;
	return n;
}

static int parse(const char *in, size_t n, struct headers *h, struct spool *s, struct err *e)
{
	if (spool_from_memory(in, n, 0, s, e) < 0)
		return -2;
	return header_parse(h, s->fd, s->size, e);
}

static void test_cases(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct headers h;
		struct spool s;
		struct err e = {0};
		if (!ok(parse(cases[i].in, strlen(cases[i].in), &h, &s, &e) == 0, "%s: parsed",
			cases[i].name)) {
			diag("%s", e.msg);
			continue;
		}
		is_int(h.n, cases[i].n, "%s: field count", cases[i].name);
		for (int k = 0; k < h.n && k < cases[i].n; k++) {
			char name[64];
			char *v = header_value(&h, k);
			header_name(&h, k, name, sizeof name);
			is_str(name, cases[i].f[k].name, "%s: field %d name", cases[i].name, k);
			is_str(v, cases[i].f[k].value, "%s: field %d value", cases[i].name, k);
			free(v);
		}
		is_int(h.body_off, s.size - crlf_len(cases[i].body), "%s: body_off", cases[i].name);
		header_free(&h);
		spool_close(&s);
	}
}

static void test_find(void)
{
	static const char msg[] = "To: a@b.c\nSubject: x\nto: d@e.f\nX-To: no\nTO : g@h.i\n\n";
	struct headers h;
	struct spool s;
	struct err e = {0};

	if (!ok(parse(msg, sizeof msg - 1, &h, &s, &e) == 0, "find: parsed"))
		return;
	is_int(header_find(&h, "To", 0), 0, "header_find: the first To");
	is_int(header_find(&h, "to", 1), 2, "header_find: case-insensitive, from an index");
	is_int(header_find(&h, "TO", 3), 4, "header_find: white space before the colon");
	is_int(header_find(&h, "To", 5), -1, "header_find: none after the last");
	is_int(header_find(&h, "T", 0), -1, "header_find: a prefix is not a match");
	is_int(header_find(&h, "X-To", 0), 3, "header_find: X-To");
	is_int(header_find(&h, "Cc", 0), -1, "header_find: a missing field");
	is_int(header_find(&h, "To", -5), 0, "header_find: a negative start is 0");
	header_remove(&h, 0);
	is_int(header_find(&h, "To", 0), 2, "header_find skips removed fields");
	header_free(&h);
	spool_close(&s);
}

static void test_rewrite(void)
{
	static const char msg[] = "From: root\nTo: a@b.c,\n d@e.f\nBcc: secret@x.y\nSubject: hi\n\nbody\n";
	struct headers h;
	struct spool s;
	struct err e = {0};
	struct buf out;
	char name[4];

	if (!ok(parse(msg, sizeof msg - 1, &h, &s, &e) == 0, "rewrite: parsed"))
		return;
	buf_init(&out, 4096);
	ok(header_write(&h, &out) == 0, "header_write unchanged");
	is_str(out.data, "From: root\r\nTo: a@b.c,\r\n d@e.f\r\nBcc: secret@x.y\r\nSubject: hi\r\n\r\n",
	       "header_write keeps fields as written, folds included, and ends with the blank line");

	header_remove(&h, header_find(&h, "Bcc", 0));
	ok(header_replace(&h, header_find(&h, "From", 0), "Root <root@example.com>") == 0,
	   "header_replace");
	ok(header_add(&h, "Date", "Mon, 1 Jan 2024 00:00:00 +0000") == 0, "header_add Date");
	ok(header_add(&h, "Message-ID", "<1@example.com>") == 0, "header_add Message-ID");
	buf_reset(&out);
	ok(header_write(&h, &out) == 0, "header_write rewritten");
	is_str(out.data,
	       "From: Root <root@example.com>\r\nTo: a@b.c,\r\n d@e.f\r\nSubject: hi\r\n"
	       "Date: Mon, 1 Jan 2024 00:00:00 +0000\r\nMessage-ID: <1@example.com>\r\n\r\n",
	       "removed fields are gone, replaced ones in place, added ones at the end");
	ok(header_replace(&h, 0, "second@example.com") == 0, "replacing twice");
	buf_reset(&out);
	ok(header_write(&h, &out) == 0 && strncmp(out.data, "From: second@example.com\r\n", 26) == 0,
	   "the second replacement wins");
	is_int(h.body_off, s.size - crlf_len("body\n"), "rewrite: body_off is unchanged");
	header_name(&h, 3, name, sizeof name);
	is_str(name, "Sub", "header_name cuts to the buffer");
	buf_free(&out);
	header_free(&h);
	spool_close(&s);

	/* A message whose header section is empty still gets its blank line. */
	if (!ok(parse("body\n", 5, &h, &s, &e) == 0, "rewrite: a message without fields"))
		return;
	buf_init(&out, 4096);
	ok(header_add(&h, "From", "a@b.c") == 0 && header_write(&h, &out) == 0,
	   "header_write with only added fields");
	is_str(out.data, "From: a@b.c\r\n\r\n", "added fields, then the blank line");
	buf_free(&out);
	header_free(&h);
	spool_close(&s);
}

/* Builds "X-Big: a" plus `lines` continuation lines of `width` bytes, a
 * blank line and a body. */
static char *big_header(size_t lines, size_t width, size_t *n)
{
	size_t cap = 16 + lines * (width + 2) + 16, k = 0;
	char *p = malloc(cap);

	if (!p)
		return NULL;
	k += (size_t)snprintf(p, cap, "X-Big: a\n");
	for (size_t i = 0; i < lines; i++) {
		p[k++] = ' ';
		memset(p + k, 'b', width - 1);
		k += width - 1;
		p[k++] = '\n';
	}
	memcpy(p + k, "\nbody\n", 6);
	*n = k + 6;
	return p;
}

static void test_limits(void)
{
	struct headers h;
	struct spool s;
	struct err e = {0};
	size_t n;
	char *p = big_header(HEADER_SECTION_MAX / 1000 + 10, 1000, &n);
	int rc;

	rc = p ? parse(p, n, &h, &s, &e) : -2;
	is_int(rc, -1, "a header section over HEADER_SECTION_MAX is refused");
	is_int(e.kind, ERR_DATA, "a header section over HEADER_SECTION_MAX is ERR_DATA");
	like(e.msg, "header section", "the message says the header section is too large");
	if (rc != -2) {
		header_free(&h);
		spool_close(&s);
	}
	free(p);

	p = big_header(HEADER_SECTION_MAX / 1000 - 10, 1000, &n);
	rc = p ? parse(p, n, &h, &s, &e) : -2;
	is_int(rc, 0, "a header section just under HEADER_SECTION_MAX is accepted");
	is_int(h.n, 1, "it is one folded field");
	if (rc != -2) {
		header_free(&h);
		spool_close(&s);
	}
	free(p);

	/* A small header before a body larger than HEADER_SECTION_MAX. */
	n = HEADER_SECTION_MAX * 2;
	p = malloc(n);
	if (p) {
		memset(p, 'x', n);
		memcpy(p, "Subject: x\n\n", 12);
		for (size_t i = 100; i < n; i += 100)
			p[i] = '\n';
	}
	rc = p ? parse(p, n, &h, &s, &e) : -2;
	is_int(rc, 0, "a small header before a large body is accepted");
	is_int(h.n, 1, "a small header before a large body: one field");
	is_int(h.body_off, 14, "a small header before a large body: body_off");
	if (rc != -2) {
		header_free(&h);
		spool_close(&s);
	}
	free(p);

	/* More than HEADER_FIELDS_MAX fields. */
	n = (size_t)(HEADER_FIELDS_MAX + 1) * 5 + 1;
	p = malloc(n);
	if (p) {
		for (size_t i = 0; i + 5 < n; i += 5)
			memcpy(p + i, "X: y\n", 5);
		p[n - 1] = '\n';
	}
	rc = p ? parse(p, n, &h, &s, &e) : -2;
	is_int(rc, -1, "more than HEADER_FIELDS_MAX fields are refused");
	is_int(e.kind, ERR_DATA, "too many fields is ERR_DATA");
	if (rc != -2) {
		header_free(&h);
		spool_close(&s);
	}
	free(p);
}

/* The longest line of a block, CRLF apart. */
static size_t longest_line(const struct buf *b)
{
	size_t max = 0, cur = 0;

	for (size_t i = 0; i < b->len; i++) {
		if (b->data[i] == '\n') {
			max = cur - (cur && b->data[i - 1] == '\r') > max ? cur - (cur && b->data[i - 1] == '\r') : max;
			cur = 0;
		} else {
			cur++;
		}
	}
	return max;
}

/* A block of one field: `start` and 1200 octets without a blank. */
static void long_token(struct buf *b, const char *start)
{
	buf_init(b, 2 * HEADER_SECTION_MAX);
	if (buf_appends(b, start) < 0)
		diag("cannot build the block");
	for (int i = 0; i < 1200; i++)
		if (buf_append(b, "x", 1) < 0)
			diag("cannot build the block");
	if (buf_appends(b, "\r\n\r\n") < 0)
		diag("cannot build the block");
}

/* RFC 5322 section 2.1.1: lines over 998 octets folded at a blank. */
static void test_fold(void)
{
	struct buf b, unfolded;
	struct err e = {0};
	size_t i;

	buf_init(&b, 2 * HEADER_SECTION_MAX);
	buf_init(&unfolded, 2 * HEADER_SECTION_MAX);
	if (buf_appends(&b, "Subject: short\r\nReferences:") < 0)
		diag("cannot build the block");
	for (i = 0; i < 300; i++)
		if (buf_appendf(&b, " <%zu@example.test>", i) < 0)
			diag("cannot build the block");
	if (buf_appends(&b, "\r\nTo: a@example.test\r\n\r\n") < 0)
		diag("cannot build the block");
	if (buf_append(&unfolded, b.data, b.len) < 0)   /* the block as it was */
		diag("cannot copy");
	is_int(header_fold_long_lines(&b, &e), 0, "a 5000-octet References line is folded");
	ok(longest_line(&b) <= 998, "no line over 998 octets after folding (longest %zu)", longest_line(&b));
	like(b.data, "Subject: short\r\nReferences: <0@example.test>", "the lines before stay as they were");
	like(b.data, "\r\nTo: a@example.test\r\n\r\n", "the lines after stay as they were, the block ends");
	ok(strstr(b.data, ">\r\n <") != NULL, "folded before a blank, which starts the continuation");
	{
		struct buf back;
		buf_init(&back, 2 * HEADER_SECTION_MAX);
		for (i = 0; i < b.len; i++)   /* unfold: drop each CRLF before a blank */
			if (!(b.data[i] == '\r' && i + 2 < b.len && b.data[i + 1] == '\n' &&
			      (b.data[i + 2] == ' ' || b.data[i + 2] == '\t')) &&
			    !(b.data[i] == '\n' && i && b.data[i - 1] == '\r' && i + 1 < b.len &&
			      (b.data[i + 1] == ' ' || b.data[i + 1] == '\t')))
				if (buf_append(&back, b.data + i, 1) < 0)
					diag("cannot copy");
		is_mem(back.data, back.len, unfolded.data, unfolded.len,
		       "unfolding gives back the block exactly (only CRLFs were added, before blanks)");
		buf_free(&back);
	}
	buf_free(&b);

	long_token(&b, "X-Token: ");
	is_int(header_fold_long_lines(&b, &e), -1, "1200 octets after the only blank: refused (the "
	       "continuation would still be too long)");
	buf_free(&b);

	long_token(&b, "X-Token:");
	is_int(header_fold_long_lines(&b, &e), -1, "1200 octets with no blank at all: refused");
	is_int(e.kind, ERR_DATA, "no blank: ERR_DATA");
	like(e.msg, "header X-Token: a line over 998 octets", "no blank: the message names the field");
	buf_free(&b);
	buf_free(&unfolded);
}

int main(void)
{
	test_fold();
	test_cases();
	test_find();
	test_rewrite();
	test_limits();
	return done_testing();
}
