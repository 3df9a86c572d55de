/* Unit tests for mime7.c (and the encoders in mimeenc.c, the parser in
 * mimehdr.c): the 7-bit downgrade for servers without 8BITMIME (RFC 6152
 * section 3). Every converted message is checked to be 7-bit with short
 * CRLF lines, and every converted part is decoded back and compared with
 * the original bytes. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "b64.h"
#include "bounds.h"
#include "buf.h"
#include "mime7.h"
#include "mimeenc.h"
#include "mimehdr.h"
#include "tap.h"

#define S(lit) lit, sizeof(lit) - 1
#define BIG (8 * 1024 * 1024)

static const char skip[] = "JUNK\r\n\r\n";   /* in front of the message in the file */
static const char trail[] = "\xff\xfe TRAILER";  /* after body_end: must be ignored */

struct result {
	int rc;
	struct err e;
	struct buf out;   /* what was written */
	off_t size;       /* what mime7_downgrade said it wrote */
};

static int tmp_fd(void)
{
	const char *dir = getenv("TMPDIR");
	char path[512];
	int fd;

	snprintf(path, sizeof path, "%s/mime7-test.XXXXXX", dir && *dir == '/' ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd >= 0)
		unlink(path);
	return fd;
}

static void put(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w <= 0)
			abort();
		p += w;
		n -= (size_t)w;
	}
}

/* Runs the downgrade on msg[0..n): the header up to and including the
 * first empty line in memory, the whole message in a file between junk;
 * `prefix` is written to the output file first. */
static void run_prefixed(const char *msg, size_t n, const char *prefix, struct result *r)
{
	const char *sep = memmem(msg, n, "\r\n\r\n", 4);
	size_t hlen = sep ? (size_t)(sep - msg) + 4 : n;
	int in = tmp_fd(), out = tmp_fd();
	off_t base = (off_t)strlen(skip);
	char chunk[65536];
	ssize_t k;

	if (in < 0 || out < 0)
		abort();
	put(in, skip, strlen(skip));
	put(in, msg, n);
	put(in, trail, strlen(trail));
	put(out, prefix, strlen(prefix));
	memset(&r->e, 0, sizeof r->e);
	r->size = -1;
	r->rc = mime7_downgrade(msg, hlen, in, base + (off_t)hlen, base + (off_t)n, out, &r->size, &r->e);
	buf_init(&r->out, BIG);
	lseek(out, (off_t)strlen(prefix), SEEK_SET);
	while ((k = read(out, chunk, sizeof chunk)) > 0)
		if (buf_append(&r->out, chunk, (size_t)k) < 0)
			abort();
	if (buf_append(&r->out, "", 0) < 0)
		abort();
	close(in);
	close(out);
}

static void run(const char *msg, size_t n, struct result *r)
{
	run_prefixed(msg, n, "", r);
}

/* NULL when p[0..n) is 7-bit, in CRLF lines of at most `max` octets. */
static const char *clean(const char *p, size_t n, size_t max)
{
	size_t col = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c >= 0x80)
			return "an 8-bit byte";
		if (c == '\r' && (i + 1 >= n || p[i + 1] != '\n'))
			return "a bare CR";
		if (c == '\n' && (i == 0 || p[i - 1] != '\r'))
			return "a bare LF";
		if (c == '\r' || c == '\n') {
			col = 0;
			continue;
		}
		if (++col > max)
			return "a line too long";
	}
	return NULL;
}

static int hexval(char c)
{
	const char *d = "0123456789ABCDEF", *p = c ? strchr(d, c) : NULL;
	return p ? (int)(p - d) : -1;
}

/* Quoted-printable decoding (RFC 2045 6.7), strict: upper-case hex only. */
static int qp_decode(const char *p, size_t n, struct buf *out)
{
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (c != '=') {
			if (buf_append(out, &c, 1) < 0)
				return -1;
			continue;
		}
		if (i + 2 < n + 0 && p[i + 1] == '\r' && p[i + 2] == '\n') {
			i += 2;
			continue;
		}
		if (i + 2 >= n || hexval(p[i + 1]) < 0 || hexval(p[i + 2]) < 0)
			return -1;
		c = (char)(hexval(p[i + 1]) * 16 + hexval(p[i + 2]));
		if (buf_append(out, &c, 1) < 0)
			return -1;
		i += 2;
	}
	return 0;
}

static int b64_lines_decode(const char *p, size_t n, struct buf *out)
{
	struct buf flat;
	int rc;

	buf_init(&flat, BIG);
	for (size_t i = 0; i < n; i++)
		if (p[i] != '\r' && p[i] != '\n' && buf_append(&flat, p + i, 1) < 0)
			return -1;
	rc = b64_decode(out, flat.data ? flat.data : "", flat.len);
	buf_free(&flat);
	return rc;
}

/* An entity's header (up to its empty line) and body. */
struct ent {
	const char *h, *b;
	size_t hlen, blen;
};

static int split(const char *p, size_t n, struct ent *e)
{
	const char *sep = memmem(p, n, "\r\n\r\n", 4);

	if (!sep)
		return -1;
	e->h = p;
	e->hlen = (size_t)(sep - p) + 2;
	e->b = sep + 4;
	e->blen = n - (size_t)(e->b - p);
	return 0;
}

/* Part `idx` (from 1) between the delimiter lines of `boundary` in p. */
static int part(const char *p, size_t n, const char *boundary, int idx, struct ent *e)
{
	char delim[256];
	const char *at = p, *start = NULL;
	int seen = 0;

	snprintf(delim, sizeof delim, "--%s", boundary);
	while ((at = memmem(at, n - (size_t)(at - p), delim, strlen(delim))) != NULL) {
		int line_start = at == p || at[-1] == '\n';
		if (line_start && start)
			return split(start, (size_t)(at - 2 - start), e);
		if (line_start && ++seen == idx) {
			const char *eol = memmem(at, n - (size_t)(at - p), "\r\n", 2);
			start = eol + 2;
		}
		at += strlen(delim);
	}
	return -1;
}

/* Decodes the body as its Content-Transfer-Encoding says. */
static int decode(const struct ent *e, struct buf *out)
{
	buf_reset(out);
	if (memmem(e->h, e->hlen, "Content-Transfer-Encoding: quoted-printable", 43))
		return qp_decode(e->b, e->blen, out);
	if (memmem(e->h, e->hlen, "Content-Transfer-Encoding: base64", 33))
		return b64_lines_decode(e->b, e->blen, out);
	return buf_append(out, e->b, e->blen);
}

static int count(const char *p, size_t n, const char *needle)
{
	int c = 0;
	const char *at = p;

	while ((at = memmem(at, n - (size_t)(at - p), needle, strlen(needle))) != NULL) {
		c++;
		at++;
	}
	return c;
}

/* A UTF-8 encoded-word must hold whole characters (RFC 2047 section 5:
 * each is decoded alone): -1 when the one just decoded does not. */
static int whole_chars(const char *ew, const struct buf *out, size_t start)
{
	struct mimeenc_utf8 u;

	if (strncmp(ew, "=?UTF-8?", 8) != 0)
		return 0;
	mimeenc_utf8_init(&u);
	mimeenc_utf8_feed(&u, out->data + start, out->len - start);
	return mimeenc_utf8_valid(&u) ? 0 : -1;
}

static int ew_decode(const char *p, size_t n, size_t *used, struct buf *out, size_t *longest)
{
	const char *q1 = memchr(p + 2, '?', n - 2), *q2, *end;
	size_t start = out->len;
	char enc;

	if (!q1 || (size_t)(q1 - p) + 3 >= n || q1[2] != '?')
		return -1;
	enc = q1[1];
	q2 = q1 + 3;
	end = memmem(q2, n - (size_t)(q2 - p), "?=", 2);
	if (!end)
		return -1;
	*used = (size_t)(end + 2 - p);
	if (*used > *longest)
		*longest = *used;
	if (enc == 'B')
		return b64_decode(out, q2, (size_t)(end - q2)) < 0 ? -1 : whole_chars(p, out, start);
	for (const char *c = q2; c < end; c++) {
		char ch = *c == '_' ? ' ' : *c;
		if (*c == '=') {
			if (end - c < 3 || hexval(c[1]) < 0 || hexval(c[2]) < 0)
				return -1;
			ch = (char)(hexval(c[1]) * 16 + hexval(c[2]));
			c += 2;
		}
		if (buf_append(out, &ch, 1) < 0)
			return -1;
	}
	return whole_chars(p, out, start);
}

/* Field `name` of header h: unfolded, encoded-words decoded, white space
 * between two encoded-words dropped (RFC 2047 section 6.2). */
static int field_decoded(const char *h, size_t n, const char *name, struct buf *out,
			 size_t *longest)
{
	char pat[128];
	const char *f, *e;
	struct buf v;
	size_t i = 0;
	int last_ew = 0;

	snprintf(pat, sizeof pat, "\r\n%s:", name);
	f = memmem(h, n, pat + 2, strlen(pat) - 2) == h ? h - 2 : memmem(h, n, pat, strlen(pat));
	if (!f)
		return -1;
	f += strlen(pat);
	for (e = f; (e = memmem(e, n - (size_t)(e - h), "\r\n", 2)) && (e[2] == ' ' || e[2] == '\t'); e += 2)
		;
	buf_init(&v, BIG);
	for (const char *c = f; c < e; c++)
		if (*c != '\r' && *c != '\n' && buf_append(&v, c, 1) < 0)
			return -1;
	buf_reset(out);
	*longest = 0;
	while (i < v.len && (v.data[i] == ' ' || v.data[i] == '\t'))
		i++;
	while (i < v.len) {
		size_t ws = i, used;
		while (ws < v.len && (v.data[ws] == ' ' || v.data[ws] == '\t'))
			ws++;
		if (ws > i && !(last_ew && ws + 1 < v.len && v.data[ws] == '=' && v.data[ws + 1] == '?')) {
			if (buf_append(out, v.data + i, ws - i) < 0)
				return -1;
		}
		i = ws;
		if (i + 1 < v.len && v.data[i] == '=' && v.data[i + 1] == '?') {
			if (ew_decode(v.data + i, v.len - i, &used, out, longest) < 0)
				return -1;
			i += used;
			last_ew = 1;
			continue;
		}
		while (i < v.len && v.data[i] != ' ' && v.data[i] != '\t')
			if (buf_append(out, v.data + i++, 1) < 0)
				return -1;
		last_ew = 0;
	}
	buf_free(&v);
	return buf_append(out, "", 0);
}

static void check_clean(const struct result *r, const char *name)
{
	const char *why = clean(r->out.data, r->out.len, MIME_LINE_MAX);

	ok(why == NULL, "%s: the output is 7-bit in CRLF lines of at most 998 octets%s%s", name,
	   why ? ": " : "", why ? why : "");
	is_int(r->size, (long long)r->out.len, "%s: *out_size is the bytes written", name);
}

static const char utf8_text[] =
	"Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln, \xe2\x82\xac 5 und \xf0\x9f\x98\x80.\r\n"
	"Zweite Zeile mit = Zeichen und Leerzeichen am Ende   \r\n"
	"Tab am Ende\t\r\n"
	"\r\n"
	"-- \r\n"
	"Signatur \xc3\xa9\r\n";

static void test_plain_utf8(void)
{
	struct buf msg, dec;
	struct result r;
	struct ent e;

	buf_init(&msg, BIG);
	buf_init(&dec, BIG);
	if (buf_appends(&msg, "From: a@example.com\r\nTo: b@example.com\r\nSubject: hi\r\n\r\n") < 0 ||
	    buf_appends(&msg, utf8_text) < 0)
		abort();
	run(msg.data, msg.len, &r);
	is_int(r.rc, 0, "UTF-8 text without MIME headers: converted");
	check_clean(&r, "UTF-8 text");
	ok(clean(r.out.data, r.out.len, 76) == NULL, "UTF-8 text: quoted-printable lines are at most 76");
	ok(split(r.out.data, r.out.len, &e) == 0, "UTF-8 text: header and body");
	like(r.out.data, "MIME-Version: 1.0\r\n", "UTF-8 text: MIME-Version added");
	like(r.out.data, "Content-Type: text/plain; charset=utf-8\r\n",
	     "UTF-8 text: Content-Type with charset=utf-8 added");
	like(r.out.data, "Content-Transfer-Encoding: quoted-printable\r\n\r\n",
	     "UTF-8 text: Content-Transfer-Encoding added last");
	ok(strncmp(r.out.data, "From: a@example.com\r\nTo: b@example.com\r\nSubject: hi\r\n", 52) == 0,
	   "UTF-8 text: the existing fields are kept in order");
	ok(decode(&e, &dec) == 0, "UTF-8 text: the body decodes");
	is_mem(dec.data, dec.len, utf8_text, strlen(utf8_text), "UTF-8 text: decodes to the original body");
	like(r.out.data, "Leerzeichen am Ende  =20\r\n", "trailing spaces: the last one is encoded");
	like(r.out.data, "Tab am Ende=09\r\n", "a trailing tab is encoded");
	like(r.out.data, "mit =3D Zeichen", "\"=\" is encoded as =3D");
	like(r.out.data, "\r\n--=20\r\n", "a signature separator keeps its dashes, its space encoded");
	buf_free(&r.out);
	buf_free(&msg);
	buf_free(&dec);
}

static void test_latin1(void)
{
	static const char msg[] = "Subject: x\r\n\r\nCaf\xe9 cr\xe8me\r\n";
	struct buf dec;
	struct result r;
	struct ent e;

	buf_init(&dec, BIG);
	run(S(msg), &r);
	is_int(r.rc, 0, "Latin-1 text: converted");
	like(r.out.data, "Content-Type: text/plain; charset=unknown-8bit\r\n",
	     "text that is not UTF-8 is labelled unknown-8bit (RFC 1428)");
	ok(split(r.out.data, r.out.len, &e) == 0 && decode(&e, &dec) == 0 &&
	   dec.len == 12 && memcmp(dec.data, "Caf\xe9 cr\xe8me\r\n", 12) == 0,
	   "Latin-1 text: decodes to the original bytes");
	buf_free(&r.out);
	buf_free(&dec);
}

static void test_long_line(void)
{
	struct buf msg, body, dec;
	struct result r;
	struct ent e;
	int after_soft_dash = 0;

	buf_init(&msg, BIG);
	buf_init(&body, BIG);
	buf_init(&dec, BIG);
	for (int i = 0; i < 5000; i++)
		if (buf_append(&body, &"abcdefghij-- xyz="[i % 17], 1) < 0)
			abort();
	if (buf_appends(&body, "\r\nshort\r\n") < 0 ||
	    buf_appends(&msg, "Subject: long\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n") < 0 ||
	    buf_append(&msg, body.data, body.len) < 0)
		abort();
	run(msg.data, msg.len, &r);
	is_int(r.rc, 0, "a 5000-octet ASCII line: converted");
	check_clean(&r, "5000-octet line");
	ok(clean(r.out.data, r.out.len, 76) == NULL, "5000-octet line: every line at most 76");
	ok(count(r.out.data, r.out.len, "=\r\n") >= 5000 / 76, "5000-octet line: soft line breaks");
	ok(strstr(r.out.data, "charset") == NULL, "7-bit text with a long line: no charset added");
	is_int(count(r.out.data, r.out.len, "MIME-Version"), 1, "an existing MIME-Version is not added again");
	ok(split(r.out.data, r.out.len, &e) == 0 && decode(&e, &dec) == 0,
	   "5000-octet line: the body decodes");
	is_mem(dec.data, dec.len, body.data, body.len, "5000-octet line: decodes to the original");
	for (const char *p = r.out.data; (p = strstr(p, "=\r\n")) != NULL; p += 3)
		after_soft_dash |= p[3] == '-';
	ok(!after_soft_dash, "no line after a soft break starts with \"-\" (a delimiter look-alike)");
	buf_free(&r.out);
	buf_free(&msg);
	buf_free(&body);
	buf_free(&dec);
}

static void test_already_7bit(void)
{
	static const char msg[] =
		"From: a@example.com\r\nSubject: plain\r\nMIME-Version: 1.0\r\n"
		"Content-Type: multipart/mixed; boundary=\"b1\"\r\n"
		"Content-Transfer-Encoding: 8bit\r\n\r\n"
		"preamble\r\n--b1\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b1--\r\nepilogue\r\n";
	static const char msg2[] = "Subject: x\r\n\r\nline one\r\n.\r\nline three\r\n";
	struct result r;

	run(S(msg), &r);
	is_int(r.rc, 0, "an already 7-bit multipart: ok");
	is_mem(r.out.data, r.out.len, msg, sizeof msg - 1, "an already 7-bit multipart is byte-identical");
	buf_free(&r.out);
	run(S(msg2), &r);
	is_mem(r.out.data, r.out.len, msg2, sizeof msg2 - 1, "an already 7-bit plain message is byte-identical");
	is_int(r.size, (long long)sizeof msg2 - 1, "an already 7-bit message: *out_size is its size");
	buf_free(&r.out);
}

static void test_out_position(void)
{
	static const char msg[] = "Subject: x\r\n\r\n\xc3\xa9t\xc3\xa9\r\n";
	struct result r;

	run_prefixed(S(msg), "ENVELOPE LINE\r\n", &r);
	is_int(r.rc, 0, "output at the file's current position: ok");
	ok(strncmp(r.out.data, "Subject: x\r\n", 12) == 0,
	   "the output starts at out_fd's position, after what was there");
	is_int(r.size, (long long)r.out.len, "*out_size does not count what was there before");
	buf_free(&r.out);
}

/* Bytes 1..255 without CR and LF (the body holds no bare ones), 8-bit. */
static void binary_bytes(struct buf *b, size_t n, unsigned seed)
{
	srand(seed);
	for (size_t i = 0; i < n; i++) {
		char c;
		do
			c = (char)(1 + rand() % 255);
		while (c == '\r' || c == '\n');
		if (buf_append(b, &c, 1) < 0)
			abort();
	}
}

static void test_multipart_mixed(void)
{
	static const char clean_part[] = "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
					 "Already 7-bit.\r\n=41 stays as it is\r\n";
	struct buf msg, bin, dec;
	struct result r;
	struct ent e;

	buf_init(&msg, BIG);
	buf_init(&bin, BIG);
	buf_init(&dec, BIG);
	binary_bytes(&bin, 3000, 7);
	if (buf_appends(&msg, "From: a@example.com\r\nMIME-Version: 1.0\r\n"
			      "Content-Type: Multipart/Mixed;\r\n boundary=\"=_outer (x)\"\r\n"
			      "Content-Transfer-Encoding: 8bit\r\n\r\n"
			      "This is a multi-part message in MIME format.\r\n"
			      "--=_outer (x)\r\n"
			      "Content-Type: text/plain; charset=utf-8\r\n"
			      "Content-Transfer-Encoding: 8bit\r\n\r\n") < 0 ||
	    buf_appends(&msg, utf8_text) < 0 ||
	    buf_appends(&msg, "\r\n--=_outer (x)  \r\n"
			      "Content-Type: application/octet-stream\r\n"
			      "Content-Disposition: attachment; filename=\"a.bin\"\r\n\r\n") < 0 ||
	    buf_append(&msg, bin.data, bin.len) < 0 ||
	    buf_appends(&msg, "\r\n--=_outer (x)\r\n") < 0 || buf_appends(&msg, clean_part) < 0 ||
	    buf_appends(&msg, "\r\n--=_outer (x)--\r\nepilogue\r\n") < 0)
		abort();
	run(msg.data, msg.len, &r);
	is_int(r.rc, 0, "multipart/mixed: converted");
	check_clean(&r, "multipart/mixed");
	like(r.out.data, "boundary=\"=_outer (x)\"\r\nContent-Transfer-Encoding: 7bit\r\n\r\n"
			 "This is a multi-part message in MIME format.\r\n--=_outer (x)\r\n",
	     "multipart/mixed: 8bit becomes 7bit, the preamble is kept");
	is_int(count(r.out.data, r.out.len, "MIME-Version"), 1, "multipart/mixed: one MIME-Version");
	ok(part(r.out.data, r.out.len, "=_outer (x)", 1, &e) == 0, "multipart/mixed: part 1 found");
	ok(memmem(e.h, e.hlen, "Content-Transfer-Encoding: quoted-printable\r\n", 45) != NULL &&
	   !memmem(e.h, e.hlen, "8bit", 4), "part 1 (text/plain): 8bit replaced by quoted-printable");
	ok(decode(&e, &dec) == 0 && dec.len == strlen(utf8_text) &&
	   memcmp(dec.data, utf8_text, dec.len) == 0, "part 1 decodes to the original text");
	ok(part(r.out.data, r.out.len, "=_outer (x)", 2, &e) == 0, "multipart/mixed: part 2 found");
	ok(memmem(e.h, e.hlen, "Content-Transfer-Encoding: base64\r\n", 35) != NULL,
	   "part 2 (application/octet-stream): base64 added");
	ok(memmem(e.h, e.hlen, "filename=\"a.bin\"\r\n", 18) != NULL, "part 2: its other fields are kept");
	ok(clean(e.b, e.blen, 76) == NULL, "part 2: base64 lines of at most 76");
	ok(decode(&e, &dec) == 0, "part 2: the base64 decodes");
	is_mem(dec.data, dec.len, bin.data, bin.len, "part 2 decodes to the original bytes");
	like(r.out.data, "\r\n--=_outer (x)  \r\n", "a delimiter's transport padding is kept");
	like(r.out.data, clean_part, "part 3 (already 7-bit) is copied byte for byte");
	ok(r.out.len > 29 && strcmp(r.out.data + r.out.len - 29, "\r\n--=_outer (x)--\r\nepilogue\r\n") == 0,
	   "the close delimiter and the epilogue are kept");
	buf_free(&r.out);
	buf_free(&msg);
	buf_free(&bin);
	buf_free(&dec);
}

static void test_nested(void)
{
	struct buf msg, dec;
	struct result r;
	struct ent outer, inner;
	static const char html[] = "<p>Gr\xc3\xbc\xc3\x9f" "e</p>\r\n";

	buf_init(&msg, BIG);
	buf_init(&dec, BIG);
	if (buf_appends(&msg, "Subject: nested\r\nMIME-Version: 1.0\r\n"
			      "Content-Type: multipart/mixed; boundary=outer\r\n\r\n"
			      "--outer\r\n"
			      "Content-Type: multipart/alternative; boundary=\"inner\"\r\n\r\n"
			      "--inner\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n") < 0 ||
	    buf_appends(&msg, utf8_text) < 0 ||
	    buf_appends(&msg, "--inner\r\nContent-Type: TEXT/HTML; charset=utf-8\r\n\r\n") < 0 ||
	    buf_appends(&msg, html) < 0 ||
	    buf_appends(&msg, "--inner--\r\n\r\n--outer\r\nContent-Type: text/plain\r\n\r\nplain\r\n"
			      "--outer--\r\n") < 0)
		abort();
	run(msg.data, msg.len, &r);
	is_int(r.rc, 0, "multipart/alternative in multipart/mixed: converted");
	check_clean(&r, "nested multiparts");
	ok(part(r.out.data, r.out.len, "outer", 1, &outer) == 0 &&
	   memmem(outer.h, outer.hlen, "multipart/alternative", 21) != NULL,
	   "nested: the outer part 1 is the alternative");
	ok(!memmem(outer.h, outer.hlen, "Content-Transfer-Encoding", 25),
	   "nested: no encoding is given to a multipart");
	ok(part(outer.b, outer.blen, "inner", 1, &inner) == 0 && decode(&inner, &dec) == 0,
	   "nested: the text alternative decodes");
	/* The CRLF before "--inner" belongs to the delimiter: the part's text
	 * is utf8_text without its last CRLF. */
	is_mem(dec.data, dec.len, utf8_text, strlen(utf8_text) - 2, "nested: the text alternative round-trips");
	ok(part(outer.b, outer.blen, "inner", 2, &inner) == 0 && decode(&inner, &dec) == 0,
	   "nested: the html alternative decodes");
	is_mem(dec.data, dec.len, html, strlen(html) - 2, "nested: the html alternative round-trips");
	ok(memmem(inner.h, inner.hlen, "quoted-printable", 16) != NULL,
	   "nested: TEXT/HTML (any case) is text: quoted-printable");
	like(r.out.data, "--outer\r\nContent-Type: text/plain\r\n\r\nplain\r\n--outer--\r\n",
	     "nested: the clean part after the nested multipart is unchanged");
	buf_free(&r.out);
	buf_free(&msg);
	buf_free(&dec);
}

static const struct {
	const char *name;
	const char *msg;
	const char *want;   /* the whole error message */
} refusals[] = {
	{"a non-ASCII local part in From is refused",
	 "From: J\xc3\xb6rg <j\xc3\xb6rg@example.com>\r\nSubject: x\r\n\r\nbody\r\n",
	 "header From: an address with a non-ASCII local part (that needs SMTPUTF8) cannot be "
	 "downgraded to 7 bit"},
	{"8-bit in a group name in To is refused",
	 "To: Gr\xc3\xbcppe: a@example.com;\r\n\r\nbody \xc3\xa9\r\n",
	 "header To: a group of addresses cannot be downgraded to 7 bit"},
	{"8-bit in a structured field that is not an address list is refused",
	 "Message-ID: <\xc3\xa9@example.com>\r\n\r\nbody\r\n",
	 "header Message-ID: 8-bit text in a structured field cannot be downgraded to 7 bit"},
	{"a message/rfc822 part holding 8-bit data is refused",
	 "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
	 "--b\r\nContent-Type: text/plain\r\n\r\nhi \xc3\xa9\r\n"
	 "--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\nJ\xc3\xb6rg\r\n--b--\r\n",
	 "MIME part 2: a message/rfc822 part holds 8-bit data, which cannot be downgraded to 7 bit"},
	{"a top-level message/rfc822 holding 8-bit data is refused",
	 "MIME-Version: 1.0\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\n\xc3\xa9\r\n",
	 "message body: a message/rfc822 part holds 8-bit data, which cannot be downgraded to 7 bit"},
	{"a part without Content-Type in a digest is message/rfc822 (RFC 2046 5.1.5)",
	 "Content-Type: multipart/digest; boundary=d\r\n\r\n"
	 "--d\r\n\r\nSubject: inner\r\n\r\n\xc3\xa9\r\n--d--\r\n",
	 "MIME part 1: a message/rfc822 part holds 8-bit data, which cannot be downgraded to 7 bit"},
	{"a part declaring base64 but holding 8-bit data is refused",
	 "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
	 "--b\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n\x89PNG\r\n--b--\r\n",
	 "MIME part 1: a image/png part declared quoted-printable or base64 holds 8-bit data (malformed)"},
	{"a body declaring quoted-printable but holding 8-bit data is refused",
	 "Content-Transfer-Encoding: Quoted-Printable\r\n\r\ncaf\xc3\xa9\r\n",
	 "message body: a text/plain part declared quoted-printable or base64 holds 8-bit data (malformed)"},
	{"an unknown encoding holding 8-bit data is refused",
	 "Content-Transfer-Encoding: x-uuencode\r\n\r\ncaf\xc3\xa9\r\n",
	 "message body: a text/plain part with an unknown Content-Transfer-Encoding holds 8-bit data, "
	 "which cannot be downgraded to 7 bit"},
	{"8-bit data in a preamble is refused",
	 "Content-Type: multipart/mixed; boundary=b\r\n\r\nPr\xc3\xa4" "ambel\r\n"
	 "--b\r\n\r\nx\r\n--b--\r\n",
	 "message body: the preamble of a multipart holds 8-bit data, which cannot be downgraded to 7 bit"},
	{"8-bit data in an epilogue is refused",
	 "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b--\r\n\xc3\xa9\r\n",
	 "message body: the epilogue of a multipart holds 8-bit data, which cannot be downgraded to 7 bit"},
	{"a multipart without a boundary parameter is refused",
	 "Content-Type: multipart/mixed\r\n\r\n--b\r\n\r\n\xc3\xa9\r\n--b--\r\n",
	 "message body: a multipart/mixed without a usable boundary parameter holds 8-bit data, which "
	 "cannot be downgraded to 7 bit"},
	{"a multipart whose boundary never appears is refused",
	 "Content-Type: multipart/mixed; boundary=zz\r\n\r\n--b\r\n\r\n\xc3\xa9\r\n--b--\r\n",
	 "message body: a multipart/mixed holds 8-bit data but no line with its boundary, so it cannot "
	 "be downgraded to 7 bit"},
	{"a multipart declaring base64 is refused (RFC 2045 6.4)",
	 "Content-Type: multipart/mixed; boundary=b\r\nContent-Transfer-Encoding: base64\r\n\r\n"
	 "--b\r\n\r\n\xc3\xa9\r\n--b--\r\n",
	 "message body: a multipart declaring an encoding other than 7bit, 8bit or binary holds 8-bit "
	 "data (malformed)"},
	{"8-bit in a part's Content-Disposition is refused",
	 "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
	 "Content-Disposition: attachment; filename=\"\xc3\xa9.txt\"\r\n\r\nx\r\n--b--\r\n",
	 "MIME part 1: header Content-Disposition: 8-bit text in a structured field cannot be "
	 "downgraded to 7 bit"},
	{"a nested part is named by its path",
	 "Content-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\n\r\nx\r\n--o\r\n"
	 "Content-Type: multipart/mixed; boundary=i\r\n\r\n--i\r\n\r\ny\r\n--i\r\n"
	 "Content-Type: message/global\r\n\r\nok\r\n--i\r\n"
	 "Content-Type: message/partial; id=x\r\n\r\n\xc3\xa9\r\n--i--\r\n--o--\r\n",
	 "MIME part 2.3: a message/partial part holds 8-bit data, which cannot be downgraded to 7 bit"},
};

/* Address fields: display names as encoded words, domains as A-labels
 * (RFC 2047 section 5(3), RFC 5891). */
static void test_address_fields(void)
{
	static const char msg[] = "From: J\xc3\xb6rg M\xc3\xbcller <j@example.com>\r\n"
		"To: a@example.com,\r\n \"Z\xc3\xb6" "e, Q.\" <z@b\xc3\xbc" "cher.example>, plain <p@example.com>\r\n"
		"Subject: x\r\n\r\nbody \xc3\xa9\r\n";
	struct result r;

	run(msg, sizeof msg - 1, &r);
	is_int(r.rc, 0, "8-bit display names and an IDN domain: downgraded");
	ok(clean(r.out.data, r.out.len, 998) == NULL, "address fields: all 7-bit");
	like(r.out.data, "From: =?UTF-8?B?SsO2cmcgTcO8bGxlcg==?= <j@example.com>\r\n",
	     "From: the display name as an encoded word, the address kept");
	like(r.out.data, "=?UTF-8?B?WsO2ZSwgUS4=?= <z@xn--bcher-kva.example>",
	     "To: a quoted display name unquoted and encoded, the domain as A-labels");
	like(r.out.data, "To: a@example.com, ", "To: the plain address first, as it was");
	like(r.out.data, "plain <p@example.com>\r\n", "To: an ASCII display name kept as written");
	buf_free(&r.out);
}

/* The longest line of field `name` in p (its first line and its folds). */
static size_t field_longest(const char *p, const char *name)
{
	const char *at = strstr(p, name), *eol;
	size_t longest = 0;

	for (; at; at = eol[2] == ' ' || eol[2] == '\t' ? eol + 2 : NULL) {
		if (!(eol = strstr(at, "\r\n")))
			return (size_t)-1;
		if ((size_t)(eol - at) > longest)
			longest = (size_t)(eol - at);
	}
	return longest;
}

/* A long 8-bit display name becomes many encoded words: they are folded,
 * not left on one line over 998 octets (found by tests/fuzz/mime.c). */
static void test_long_display_names(void)
{
	struct buf msg;
	struct result r;

	buf_init(&msg, BIG);
	if (buf_appends(&msg, "From: ") < 0)
		abort();
	for (int i = 0; i < 12; i++)   /* 12 lines of 50 characters, folded */
		if (buf_appends(&msg, i ? "\r\n \xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9" : "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9") < 0 ||
		    buf_appends(&msg, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
				"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
				"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
				"\xc3\xa9\xc3\xa9") < 0)
			abort();
	if (buf_appends(&msg, " <j@example.com>\r\nSubject: x\r\n\r\nbody\r\n") < 0)
		abort();
	run(msg.data, msg.len, &r);
	is_int(r.rc, 0, "a From display name of 600 8-bit characters: downgraded");
	ok(r.rc == 0 && clean(r.out.data, r.out.len, 998) == NULL, "long display name: all 7-bit, short lines");
	ok(r.rc == 0 && field_longest(r.out.data, "From:") <= 78,
	   "long display name: the encoded words are folded, no From line over 78 octets");
	like(r.out.data, "?=\r\n =?UTF-8?B?", "long display name: folded between encoded words");
	buf_free(&r.out);

	/* As the fuzzer found it: a run of bytes that are not UTF-8 (which
	 * once made one short encoded word each). */
	buf_reset(&msg);
	if (buf_appends(&msg, "From:J\xc3\xb6rg") < 0)
		abort();
	for (int i = 0; i < 100; i++)
		if (buf_append(&msg, "\x8c", 1) < 0)
			abort();
	if (buf_appends(&msg, "<j@example.com>\r\n\r\n") < 0)
		abort();
	run(msg.data, msg.len, &r);
	is_int(r.rc, 0, "a display name of 100 stray UTF-8 continuation bytes: downgraded");
	ok(r.rc == 0 && field_longest(r.out.data, "From:") <= 78,
	   "stray continuation bytes: no From line over 78 octets");
	buf_free(&r.out);
	buf_free(&msg);
}

static void test_refusals(void)
{
	for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
		struct result r;
		run(refusals[i].msg, strlen(refusals[i].msg), &r);
		ok(r.rc == -1 && r.e.kind == ERR_DATA, "%s: ERR_DATA", refusals[i].name);
		is_str(r.e.msg, refusals[i].want, "%s: the reason", refusals[i].name);
		buf_free(&r.out);
	}
}

/* Lines over 998 octets where they cannot be encoded. */
static void test_long_refused(void)
{
	struct buf msg;
	struct result r;

	buf_init(&msg, BIG);
	if (buf_appends(&msg, "Subject: ") < 0)
		abort();
	for (int i = 0; i < 1000; i++)
		if (buf_append(&msg, "x", 1) < 0)
			abort();
	if (buf_appends(&msg, "\r\n\r\nbody \xc3\xa9\r\n") < 0)
		abort();
	run(msg.data, msg.len, &r);
	ok(r.rc == -1 && r.e.kind == ERR_DATA, "a header line over 998 octets: ERR_DATA");
	is_str(r.e.msg, "header Subject: a line over 998 octets cannot be downgraded",
	       "a header line over 998 octets: the reason");
	buf_free(&r.out);
	buf_reset(&msg);
	if (buf_appends(&msg, "Content-Type: message/rfc822\r\n\r\nSubject: x\r\n\r\n") < 0)
		abort();
	for (int i = 0; i < 1200; i++)
		if (buf_append(&msg, "y", 1) < 0)
			abort();
	if (buf_appends(&msg, "\r\n") < 0)
		abort();
	run(msg.data, msg.len, &r);
	is_str(r.e.msg, "message body: a message/rfc822 part holds lines over 998 octets, which cannot "
			"be downgraded to 7 bit", "a message/rfc822 with a long line is refused");
	buf_free(&r.out);
	buf_free(&msg);
}

static void test_depth(void)
{
	struct buf msg;
	struct result r;

	for (int depth = MIME_DEPTH_MAX; depth <= MIME_DEPTH_MAX + 1; depth++) {
		buf_init(&msg, BIG);
		for (int i = 0; i < depth; i++)
			if (buf_appendf(&msg, "Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n",
					i, i) < 0)
				abort();
		if (buf_appends(&msg, "\r\n\xc3\xa9\r\n") < 0)
			abort();
		for (int i = depth - 1; i >= 0; i--)
			if (buf_appendf(&msg, "--b%d--\r\n", i) < 0)
				abort();
		run(msg.data, msg.len, &r);
		if (depth == MIME_DEPTH_MAX) {
			is_int(r.rc, 0, "multiparts nested %d deep: converted", depth);
			check_clean(&r, "deep nesting");
		} else {
			ok(r.rc == -1 && r.e.kind == ERR_DATA, "multiparts nested %d deep: refused", depth);
			like(r.e.msg, "nested more than 32 deep", "nesting: the reason");
		}
		buf_free(&r.out);
		buf_free(&msg);
	}
}

static void check_subject(const char *subject, const char *name)
{
	struct buf msg, dec;
	struct result r;
	struct ent e;
	size_t longest = 0;

	buf_init(&msg, BIG);
	buf_init(&dec, BIG);
	if (buf_appendf(&msg, "From: a@example.com\r\nSubject: %s\r\nTo: b@example.com\r\n\r\nbody\r\n",
			subject) < 0)
		abort();
	run(msg.data, msg.len, &r);
	is_int(r.rc, 0, "%s: converted", name);
	check_clean(&r, name);
	ok(split(r.out.data, r.out.len, &e) == 0 && clean(e.h, e.hlen, 78) == NULL,
	   "%s: header lines of at most 78", name);
	ok(field_decoded(e.h, e.hlen, "Subject", &dec, &longest) == 0, "%s: the field decodes, each encoded-word to whole characters", name);
	is_str(dec.data, subject, "%s: decodes to the original text", name);
	ok(longest > 0 && longest <= 75, "%s: encoded-words of at most 75 characters (%zu)", name, longest);
	ok(strstr(r.out.data, "MIME-Version") == NULL && strstr(r.out.data, "\r\n\r\nbody\r\n") != NULL,
	   "%s: a 7-bit body is left alone", name);
	buf_free(&r.out);
	buf_free(&msg);
	buf_free(&dec);
}

static void test_subjects(void)
{
	struct buf big;
	struct result r;
	static const char folded[] = "Subject: Re: [list] Gr\xc3\xbc\xc3\x9f" "e\r\n aus K\xc3\xb6ln\r\n\r\nx\r\n";

	check_subject("Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln", "a UTF-8 Subject");
	check_subject("Re: [list] \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe4\xbb\xb6\xe5\x90\x8d "
		      "and ASCII after", "a CJK Subject with ASCII around");
	check_subject("caf\xe9 (Latin-1, not UTF-8)", "a Latin-1 Subject");
	check_subject("=?not-an-encoded-word?= \xc3\xa9t\xc3\xa9", "a Subject with a literal \"=?\"");
	buf_init(&big, BIG);
	for (int i = 0; i < 61; i++)   /* no white space at either end */
		if (buf_appends(&big, i % 7 != 3 ? "\xc3\xa9\xe2\x82\xac" : " m\xf0\x9f\x98\x80 ") < 0)
			abort();
	check_subject(big.data, "a long Subject of many multi-byte characters");
	buf_free(&big);
	run(S(folded), &r);
	like(r.out.data, "Subject: Re: [list] =?UTF-8?", "a folded Subject: the ASCII before stays");
	buf_free(&r.out);
	{
		static const char xh[] = "X-Mailer: M\xc3\xbctt 2.0\r\nComments: \xc3\xa9\r\n\r\nx\r\n";
		run(S(xh), &r);
		is_int(r.rc, 0, "X-* and Comments fields with 8-bit text: converted");
		like(r.out.data, "X-Mailer: =?UTF-8?", "an X-* field is encoded");
		like(r.out.data, "Comments: =?UTF-8?", "Comments is encoded");
		buf_free(&r.out);
	}
}

/* A 300 KB body: multi-byte characters across every read-chunk boundary
 * must come back whole. */
static void test_big(const char *ct, const char *name, int binary)
{
	struct buf msg, body, dec;
	struct result r;
	struct ent e;
	size_t size = 300 * 1024;

	buf_init(&msg, BIG);
	buf_init(&body, BIG);
	buf_init(&dec, BIG);
	if (binary) {
		binary_bytes(&body, size, 42);
	} else {
		for (size_t i = 0; body.len < size; i++) {
			/* A 3-byte character from 2 bytes before each chunk boundary. */
			size_t at = body.len % MIME_CHUNK;
			const char *piece = at == MIME_CHUNK - 2 ? "\xe2\x82\xac" : i % 50 == 49 ? "\r\n"
					    : i % 13 == 0 ? "\xc3\xa4" : i % 31 == 0 ? " =\t" : "abc ";
			if (buf_appends(&body, piece) < 0)
				abort();
		}
		if (buf_appends(&body, "\r\n") < 0)
			abort();
	}
	if (buf_appendf(&msg, "Subject: big\r\nMIME-Version: 1.0\r\nContent-Type: %s\r\n\r\n", ct) < 0 ||
	    buf_append(&msg, body.data, body.len) < 0)
		abort();
	run(msg.data, msg.len, &r);
	is_int(r.rc, 0, "%s: converted", name);
	check_clean(&r, name);
	ok(split(r.out.data, r.out.len, &e) == 0 && decode(&e, &dec) == 0, "%s: decodes", name);
	/* A base64 body gets a final CRLF so the message ends a line. */
	ok(dec.len == body.len && memcmp(dec.data, body.data, body.len) == 0,
	   "%s: decodes to the original %zu bytes", name, body.len);
	buf_free(&r.out);
	buf_free(&msg);
	buf_free(&body);
	buf_free(&dec);
}

static void test_missing_close(void)
{
	static const char msg[] = "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
				  "--b\r\nContent-Type: application/pdf\r\n\r\n%PDF\xe2\xe3\r\n";
	struct buf dec;
	struct result r;
	struct ent e;

	buf_init(&dec, BIG);
	run(S(msg), &r);
	is_int(r.rc, 0, "a multipart without its close delimiter: converted");
	check_clean(&r, "no close delimiter");
	ok(r.out.len >= 2 && memcmp(r.out.data + r.out.len - 2, "\r\n", 2) == 0,
	   "no close delimiter: the output still ends with CRLF");
	ok(split(r.out.data, r.out.len, &e) == 0 && split(e.b + 5, e.blen - 5, &e) == 0 &&
	   decode(&e, &dec) == 0 && dec.len == 8 && memcmp(dec.data, "%PDF\xe2\xe3\r\n", 8) == 0,
	   "no close delimiter: the last part runs to the end of the body");
	buf_free(&r.out);
	buf_free(&dec);
}

static void test_part_fields(void)
{
	static const char msg[] =
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n"
		"--b\r\nContent-Description: R\xc3\xa9sum\xc3\xa9\r\nContent-Type: application/x-thing\r\n"
		"Content-Transfer-Encoding: binary\r\n\r\n\xff\xfe\r\n"
		"--b\r\nContent-Type: message/global\r\n\r\nSubject: \xc3\xa9\r\n\r\n\xc3\xa9\r\n"
		"--b\r\n\r\nno header, \xc3\xa9\r\n--b--\r\n";
	struct buf dec;
	struct result r;
	struct ent e;
	size_t longest;

	buf_init(&dec, BIG);
	run(S(msg), &r);
	is_int(r.rc, 0, "part fields: converted");
	check_clean(&r, "part fields");
	ok(part(r.out.data, r.out.len, "b", 1, &e) == 0 &&
	   field_decoded(e.h, e.hlen, "Content-Description", &dec, &longest) == 0,
	   "a part's 8-bit Content-Description is encoded");
	is_str(dec.data, "R\xc3\xa9sum\xc3\xa9", "Content-Description decodes back");
	is_int(count(e.h, e.hlen, "Content-Transfer-Encoding"), 1, "binary is replaced, not repeated");
	ok(memmem(e.h, e.hlen, "Content-Transfer-Encoding: base64", 33) != NULL, "binary becomes base64");
	ok(part(r.out.data, r.out.len, "b", 2, &e) == 0 && decode(&e, &dec) == 0 &&
	   memmem(e.h, e.hlen, "base64", 6) != NULL && dec.len == 17 &&
	   memcmp(dec.data, "Subject: \xc3\xa9\r\n\r\n\xc3\xa9", 17) == 0,
	   "message/global may be encoded (RFC 6532 3.7): base64, round-trips");
	ok(part(r.out.data, r.out.len, "b", 3, &e) == 0 &&
	   memmem(e.h, e.hlen, "Content-Type: text/plain; charset=utf-8\r\n", 41) != NULL &&
	   decode(&e, &dec) == 0 && dec.len == 13 && memcmp(dec.data, "no header, \xc3\xa9", 13) == 0,
	   "a part without a header gets text/plain; charset=utf-8 and quoted-printable");
	buf_free(&r.out);
	buf_free(&dec);
}

/* The encoders give the same bytes whatever the input chunk sizes. */
static void test_encoder_chunks(void)
{
	static const char alphabet[] = "ab =\t\r\n\r\n-.\xc3\xa9\xff";
	struct buf one, many, dec;
	int same = 1, round = 1;

	buf_init(&one, BIG);
	buf_init(&many, BIG);
	buf_init(&dec, BIG);
	srand(99);
	for (int iter = 0; iter < 2000 && same && round; iter++) {
		char in[400];
		size_t n = (size_t)rand() % sizeof in, off = 0;
		struct mimeenc_qp q1, q2;
		int b = iter % 2;
		struct mimeenc_b64 b1, b2;
		for (size_t i = 0; i < n; i++)
			in[i] = alphabet[rand() % (int)(sizeof alphabet - 1)];
		buf_reset(&one);
		buf_reset(&many);
		mimeenc_qp_init(&q1);
		mimeenc_qp_init(&q2);
		mimeenc_b64_init(&b1);
		mimeenc_b64_init(&b2);
		if (b ? mimeenc_b64_feed(&b1, in, n, &one) < 0 || mimeenc_b64_finish(&b1, &one) < 0
		      : mimeenc_qp_feed(&q1, in, n, &one) < 0 || mimeenc_qp_finish(&q1, &one) < 0)
			abort();
		while (off < n) {
			size_t k = 1 + (size_t)rand() % 5;
			k = k > n - off ? n - off : k;
			if (b ? mimeenc_b64_feed(&b2, in + off, k, &many) < 0
			      : mimeenc_qp_feed(&q2, in + off, k, &many) < 0)
				abort();
			off += k;
		}
		if (b ? mimeenc_b64_finish(&b2, &many) < 0 : mimeenc_qp_finish(&q2, &many) < 0)
			abort();
		same = one.len == many.len && memcmp(one.data, many.data, one.len) == 0;
		buf_reset(&dec);
		round = clean(one.data, one.len, 76) == NULL &&
			(b ? b64_lines_decode(one.data, one.len, &dec) : qp_decode(one.data, one.len, &dec)) == 0 &&
			dec.len == n && memcmp(dec.data, in, n) == 0;
		if (!same || !round)
			diag("input %d (%s, %zu bytes) fails", iter, b ? "base64" : "qp", n);
	}
	ok(same, "encoders: any chunking gives the same output as one chunk");
	ok(round, "encoders: random input round-trips in 76-character lines (bare CR and LF too)");
	buf_free(&one);
	buf_free(&many);
	buf_free(&dec);
}

static void test_utf8(void)
{
	static const struct {
		const char *s;
		int valid;
	} cases[] = {
		{"plain", 1}, {"\xc3\xa9", 1}, {"\xe2\x82\xac", 1}, {"\xf0\x9f\x98\x80", 1},
		{"\xc3", 0}, {"\xc0\xaf", 0}, {"\xe0\x80\xaf", 0}, {"\xed\xa0\x80", 0},
		{"\xf4\x90\x80\x80", 0}, {"\xff", 0}, {"\x80", 0}, {"\xc3\xa9\xc3", 0},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct mimeenc_utf8 u;
		mimeenc_utf8_init(&u);
		for (const char *p = cases[i].s; *p; p++)   /* one byte at a time */
			mimeenc_utf8_feed(&u, p, 1);
		is_int(mimeenc_utf8_valid(&u), cases[i].valid, "UTF-8 check of case %zu", i);
	}
}

static void test_content_type(void)
{
	static const struct {
		const char *v;
		const char *type, *subtype, *boundary;
	} cases[] = {
		{" text/plain; charset=utf-8", "text", "plain", ""},
		{" Multipart/Mixed; Boundary=\"a b;c\"", "multipart", "mixed", "a b;c"},
		{" multipart/mixed;\r\n\tboundary=simple-1", "multipart", "mixed", "simple-1"},
		{" (comment) multipart (x) / alternative ; (y) boundary = \"q\\\"x\"", "multipart",
		 "alternative", "q\"x"},
		{" multipart/mixed; charset=x; boundary=\"\"", "multipart", "mixed", ""},
		{" text", "", "", ""},
		{" /plain", "", "", ""},
		{" image/png; name=\"a;b.png\"; boundary=after", "image", "png", "after"},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct mimehdr_ct ct;
		mimehdr_content_type(cases[i].v, strlen(cases[i].v), &ct);
		ok(strcmp(ct.type, cases[i].type) == 0 && strcmp(ct.subtype, cases[i].type[0] ?
		   cases[i].subtype : ct.subtype) == 0 && strcmp(ct.boundary, cases[i].boundary) == 0 &&
		   ct.boundary_len == strlen(cases[i].boundary),
		   "Content-Type case %zu: %s/%s boundary \"%s\"", i, cases[i].type,
		   cases[i].subtype, cases[i].boundary);
	}
	is_int(mimehdr_cte(S(" 8BIT (comment)")), MIMEHDR_CTE_8BIT, "Content-Transfer-Encoding 8BIT");
	is_int(mimehdr_cte(S(" Base64")), MIMEHDR_CTE_ENCODED, "Content-Transfer-Encoding Base64");
	is_int(mimehdr_cte(S(" x-uue")), MIMEHDR_CTE_UNKNOWN, "Content-Transfer-Encoding x-uue");
}

static void test_odd_headers(void)
{
	static const char bad_ct[] = "Content-Type: text\r\n\r\ncaf\xc3\xa9\r\n";
	static const char no_blank[] = "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
				       "--b\r\nContent-Type: text/plain\r\nh\xc3\xa9llo\r\n--b--\r\n";
	struct result r;

	run(S(bad_ct), &r);
	is_int(r.rc, 0, "an invalid Content-Type is text/plain (RFC 2045 5.2): converted");
	like(r.out.data, "Content-Type: text\r\nMIME-Version: 1.0\r\n"
			 "Content-Transfer-Encoding: quoted-printable\r\n\r\ncaf=C3=A9\r\n",
	     "an invalid Content-Type: quoted-printable, no second Content-Type");
	buf_free(&r.out);
	run(S(no_blank), &r);
	is_int(r.rc, 0, "a part whose header runs into its body: converted");
	like(r.out.data, "--b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: "
			 "quoted-printable\r\n\r\nh=C3=A9llo\r\n--b--\r\n",
	     "the first line that is not a field starts the body; the empty line is added");
	buf_free(&r.out);
}

static void test_io_errors(void)
{
	static const char hdr[] = "Subject: x\r\n\r\n";
	struct err e = {0};
	off_t size = -1;
	int in = tmp_fd(), out = tmp_fd(), ro;

	put(in, S("caf\xc3\xa9\r\n"));
	is_int(mime7_downgrade(S(hdr), in, 0, 100, out, &size, &e), -1, "a body past the file's end fails");
	is_int(e.kind, ERR_IO, "a body past the file's end: ERR_IO");
	like(e.msg, "ends early", "a body past the file's end: the reason");
	ro = open("/dev/null", O_RDONLY);
	memset(&e, 0, sizeof e);
	is_int(mime7_downgrade(S(hdr), in, 0, 7, ro, &size, &e), -1, "an output that cannot be written fails");
	is_int(e.kind, ERR_IO, "an output that cannot be written: ERR_IO");
	close(ro);
	close(in);
	close(out);
}

int main(void)
{
	test_plain_utf8();
	test_latin1();
	test_long_line();
	test_already_7bit();
	test_out_position();
	test_multipart_mixed();
	test_nested();
	test_address_fields();
	test_long_display_names();
	test_refusals();
	test_long_refused();
	test_depth();
	test_subjects();
	test_big("text/plain; charset=utf-8", "a 300 KB UTF-8 text body", 0);
	test_big("application/octet-stream", "a 300 KB binary body", 1);
	test_missing_close();
	test_part_fields();
	test_encoder_chunks();
	test_utf8();
	test_content_type();
	test_odd_headers();
	test_io_errors();
	return done_testing();
}
