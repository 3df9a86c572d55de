/* RFC 2045 section 6.7 (quoted-printable), 6.8 (base64); RFC 2047
 * (encoded-words); RFC 5322 section 2.2.3 (folding); RFC 3629 (UTF-8). */
#include "mimeenc.h"

#include <string.h>

#include "b64.h"
#include "bounds.h"

#define QP_COLS     76   /* RFC 2045 6.7 rule 5: encoded lines at most 76 */
#define B64_COLS    76   /* RFC 2045 6.8: at most 76 characters a line */
#define FOLD_COLS   78   /* RFC 5322 2.1.1: lines SHOULD stay within 78 */
#define EW_MAX      75   /* RFC 2047 section 2: an encoded-word is at most 75 */
#define EW_MIN      32   /* room an encoded-word needs: prefix, one 4-byte character, "?=" */

static const char hex[] = "0123456789ABCDEF";

void mimeenc_qp_init(struct mimeenc_qp *q)
{
	memset(q, 0, sizeof *q);
}

/* Writes one token (a literal byte or =XX) with a soft line break before
 * it when the line would pass 75 characters: with the "=" the line then
 * holds at most 76. */
static int qp_token(struct mimeenc_qp *q, unsigned char c, int literal, struct buf *out)
{
	char enc[3] = {'=', hex[c >> 4], hex[c & 15]};
	size_t t = literal ? 1 : 3;

	if (q->col + t > QP_COLS - 1) {
		if (buf_append(out, "=\r\n", 3) < 0)
			return -1;
		q->col = 0;
		q->soft = 1;
	}
	/* A line made by a soft break must not start like a multipart
	 * delimiter of an enclosing part (RFC 2046 section 5.1.1). */
	if (literal && c == '-' && q->col == 0 && q->soft)
		literal = 0, t = 3;
	q->soft = 0;
	q->col += t;
	return literal ? buf_append(out, &c, 1) : buf_append(out, enc, 3);
}

static int qp_byte(struct mimeenc_qp *q, unsigned char c, struct buf *out)
{
	return qp_token(q, c, c >= 33 && c <= 126 && c != '=', out);
}

/* White space is literal unless a line break or the end follows it
 * (RFC 2045 6.7 rule 3: transports may strip trailing white space). */
static int qp_flush_ws(struct mimeenc_qp *q, int trailing, struct buf *out)
{
	unsigned char c = (unsigned char)q->pending_ws;

	if (!q->pending_ws)
		return 0;
	q->pending_ws = 0;
	return qp_token(q, c, !trailing, out);
}

static int qp_hard_break(struct mimeenc_qp *q, struct buf *out)
{
	if (qp_flush_ws(q, 1, out) < 0 || buf_append(out, "\r\n", 2) < 0)
		return -1;
	q->col = 0;
	q->soft = 0;
	return 0;
}

int mimeenc_qp_feed(struct mimeenc_qp *q, const char *p, size_t n, struct buf *out)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (q->pending_cr) {
			q->pending_cr = 0;
			if (c == '\n') {
				if (qp_hard_break(q, out) < 0)
					return -1;
				continue;
			}
			/* A bare CR is data, not a line break. */
			if (qp_flush_ws(q, 0, out) < 0 || qp_byte(q, '\r', out) < 0)
				return -1;
		}
		if (c == '\r') {
			q->pending_cr = 1;
			continue;
		}
		if (qp_flush_ws(q, 0, out) < 0)
			return -1;
		if (c == ' ' || c == '\t')
			q->pending_ws = c;
		else if (qp_byte(q, c, out) < 0)
			return -1;
	}
	return 0;
}

int mimeenc_qp_finish(struct mimeenc_qp *q, struct buf *out)
{
	if (q->pending_cr) {
		q->pending_cr = 0;
		if (qp_flush_ws(q, 0, out) < 0 || qp_byte(q, '\r', out) < 0)
			return -1;
	}
	return qp_flush_ws(q, 1, out);
}

void mimeenc_b64_init(struct mimeenc_b64 *b)
{
	memset(b, 0, sizeof *b);
}

static int b64_group(struct mimeenc_b64 *b, struct buf *out)
{
	if (b->col + 4 > B64_COLS) {
		if (buf_append(out, "\r\n", 2) < 0)
			return -1;
		b->col = 0;
	}
	b->col += 4;
	if (b64_encode(out, b->rest, b->nrest) < 0)
		return -1;
	b->nrest = 0;
	return 0;
}

int mimeenc_b64_feed(struct mimeenc_b64 *b, const char *p, size_t n, struct buf *out)
{
	for (size_t i = 0; i < n; i++) {
		b->rest[b->nrest++] = (unsigned char)p[i];
		if (b->nrest == 3 && b64_group(b, out) < 0)
			return -1;
	}
	return 0;
}

int mimeenc_b64_finish(struct mimeenc_b64 *b, struct buf *out)
{
	return b->nrest ? b64_group(b, out) : 0;
}

void mimeenc_utf8_init(struct mimeenc_utf8 *u)
{
	memset(u, 0, sizeof *u);
}

/* The continuation bytes a lead byte needs and the range of the first
 * one, excluding overlong forms and surrogates (RFC 3629 section 4). */
static int utf8_lead(struct mimeenc_utf8 *u, unsigned char c)
{
	u->lo = 0x80;
	u->hi = 0xBF;
	if (c >= 0xC2 && c <= 0xDF)
		return u->need = 1;
	if (c >= 0xE0 && c <= 0xEF) {
		u->lo = c == 0xE0 ? 0xA0 : 0x80;
		u->hi = c == 0xED ? 0x9F : 0xBF;
		return u->need = 2;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		u->lo = c == 0xF0 ? 0x90 : 0x80;
		u->hi = c == 0xF4 ? 0x8F : 0xBF;
		return u->need = 3;
	}
	return -1;
}

void mimeenc_utf8_feed(struct mimeenc_utf8 *u, const char *p, size_t n)
{
	for (size_t i = 0; i < n && !u->bad; i++) {
		unsigned char c = (unsigned char)p[i];
		if (u->need) {
			if (c < u->lo || c > u->hi)
				u->bad = 1;
			u->need--;
			u->lo = 0x80;
			u->hi = 0xBF;
		} else if (c >= 0x80 && utf8_lead(u, c) < 0) {
			u->bad = 1;
		}
	}
}

int mimeenc_utf8_valid(const struct mimeenc_utf8 *u)
{
	return !u->bad && u->need == 0;
}

/* The field being written and its current column. */
struct fold {
	struct buf *out;
	size_t col;
	int utf8;         /* the text is UTF-8: never split a sequence */
	int b;            /* B encoding rather than Q */
	const char *cs;   /* the charset label */
};

/* Appends white space and a word, folding before the white space when the
 * line would pass 78 columns (RFC 5322 2.2.3: fold only at white space). */
static int fold_put(struct fold *f, const char *ws, size_t wslen, const char *w, size_t wlen)
{
	if (wslen > 0 && f->col > 0 && f->col + wslen + wlen > FOLD_COLS) {
		if (buf_append(f->out, "\r\n", 2) < 0)
			return -1;
		f->col = 0;
	}
	if (buf_append(f->out, ws, wslen) < 0 || buf_append(f->out, w, wlen) < 0)
		return -1;
	f->col += wslen + wlen;
	return 0;
}

/* Q encoding inside an unstructured field: letters, digits and "!*+-/"
 * stay, space is "_" (RFC 2047 section 4.2, 5(3) is the safe subset). */
static int q_literal(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!*+-/", c));
}

static size_t q_cost(unsigned char c)
{
	return q_literal(c) || c == ' ' ? 1 : 3;
}

static size_t b_cost(size_t nbytes)
{
	return 4 * ((nbytes + 2) / 3);
}

static size_t char_len(const struct fold *f, const char *p, size_t n)
{
	unsigned char c = (unsigned char)p[0];
	size_t k = 1;

	if (f->utf8)
		k = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
	return k < n ? k : n;
}

/* How many bytes of p[0..n) fit in `room` encoded characters, whole
 * characters only (RFC 2047 section 5: never split a multi-byte one). */
static size_t ew_take(const struct fold *f, const char *p, size_t n, size_t room)
{
	size_t i = 0, cost = 0;

	while (i < n) {
		size_t k = char_len(f, p + i, n - i), c = 0;
		for (size_t j = 0; j < k; j++)
			c += q_cost((unsigned char)p[i + j]);
		if (f->b ? b_cost(i + k) > room : cost + c > room)
			break;
		cost += c;
		i += k;
	}
	return i ? i : char_len(f, p, n);
}

static int ew_text(struct fold *f, const char *p, size_t n)
{
	if (f->b)
		return b64_encode(f->out, p, n);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		char enc[3] = {'=', hex[c >> 4], hex[c & 15]};
		int rc = q_literal(c) ? buf_append(f->out, p + i, 1)
			 : c == ' '   ? buf_append(f->out, "_", 1)
				      : buf_append(f->out, enc, 3);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* Writes p[0..n) as encoded-words, the first after `ws`, the others after
 * one space (white space between encoded-words is not text: 2047 sec. 6.2). */
static int ew_run(struct fold *f, const char *ws, size_t wslen, const char *p, size_t n)
{
	size_t over = strlen(f->cs) + 7, i = 0;

	while (i < n) {
		size_t room, k, before = f->out->len;
		if (f->col > 0 && f->col + wslen + EW_MIN > FOLD_COLS) {
			if (buf_append(f->out, "\r\n", 2) < 0)
				return -1;
			f->col = 0;
		}
		room = f->col + wslen + EW_MIN > FOLD_COLS ? EW_MIN : FOLD_COLS - f->col - wslen;
		room = (room > EW_MAX ? EW_MAX : room) - over;
		k = ew_take(f, p + i, n - i, room);
		if (buf_append(f->out, ws, wslen) < 0 || buf_appendf(f->out, "=?%s?%c?", f->cs,
								     f->b ? 'B' : 'Q') < 0 ||
		    ew_text(f, p + i, k) < 0 || buf_append(f->out, "?=", 2) < 0)
			return -1;
		f->col += f->out->len - before;
		i += k;
		ws = " ";
		wslen = 1;
	}
	return 0;
}

static size_t skip_ws(const char *p, size_t n, size_t i)
{
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return i;
}

static size_t skip_word(const char *p, size_t n, size_t i)
{
	while (i < n && p[i] != ' ' && p[i] != '\t')
		i++;
	return i;
}

/* Writes the (white space, word) pairs of p[from..to) unchanged; returns
 * where the white space before `to` begins through *ws_at. */
static int plain_words(struct fold *f, const char *p, size_t from, size_t to, size_t *ws_at)
{
	size_t i = from;

	for (;;) {
		size_t a = skip_ws(p, to, i), b = skip_word(p, to, a);
		if (a == b) {
			*ws_at = i;
			return 0;
		}
		if (fold_put(f, p + i, a - i, p + a, b - a) < 0)
			return -1;
		i = b;
	}
}

/* The span from the first to the last word holding an 8-bit byte; the
 * whole text when "=?" appears outside it, so that no plain word is
 * mistaken for an encoded one. Returns 0 when no byte is 8-bit. */
static int find_run(const char *p, size_t n, size_t *r0, size_t *r1)
{
	size_t i = 0, first = n, last = 0;
	int any = 0;

	while ((i = skip_ws(p, n, i)) < n) {
		size_t e = skip_word(p, n, i);
		for (size_t j = i; j < e; j++)
			if ((unsigned char)p[j] >= 0x80) {
				first = any ? first : i;
				last = e;
				any = 1;
				break;
			}
		i = e;
	}
	if (!any)
		return 0;
	for (size_t j = 0; j + 1 < n; j++)
		if (p[j] == '=' && p[j + 1] == '?' && (j < first || j >= last)) {
			first = skip_ws(p, n, 0);
			last = n;
			while (last > first && (p[last - 1] == ' ' || p[last - 1] == '\t'))
				last--;
			break;
		}
	*r0 = first;
	*r1 = last;
	return 1;
}

static void choose_encoding(struct fold *f, const char *p, size_t n)
{
	struct mimeenc_utf8 u;
	size_t q = 0;

	mimeenc_utf8_init(&u);
	mimeenc_utf8_feed(&u, p, n);
	f->utf8 = mimeenc_utf8_valid(&u);
	f->cs = f->utf8 ? "UTF-8" : "UNKNOWN-8BIT";
	for (size_t i = 0; i < n; i++)
		q += q_cost((unsigned char)p[i]);
	f->b = b_cost(n) < q;
}

static int field_encode(struct fold *f, const char *v, size_t n)
{
	size_t r0, r1, ws, end;

	if (!find_run(v, n, &r0, &r1))
		return fold_put(f, "", 0, v, n);
	choose_encoding(f, v + r0, r1 - r0);
	if (plain_words(f, v, 0, r0, &ws) < 0)
		return -1;
	/* "Subject:=?...": an encoded-word must stand apart (2047 sec. 5(1)). */
	if (ew_run(f, ws == r0 ? " " : v + ws, ws == r0 ? 1 : r0 - ws, v + r0, r1 - r0) < 0)
		return -1;
	/* Trailing white space is dropped: a folded line of only white space
	 * is not allowed (RFC 5322 section 3.2.2). */
	return plain_words(f, v, r1, n, &end);
}

int mimeenc_field(struct buf *out, const char *name, size_t nlen, const char *value, size_t vlen)
{
	struct fold f = {.out = out, .col = nlen + 1};
	struct buf v;
	int rc = -1;

	buf_init(&v, HEADER_SECTION_MAX);
	/* Unfolding: drop the CRLFs, keep the white space (RFC 5322 2.2.3). */
	for (size_t i = 0; i < vlen; i++)
		if (value[i] != '\r' && value[i] != '\n' && buf_append(&v, value + i, 1) < 0)
			goto done;
	if (buf_append(out, name, nlen) < 0 || buf_append(out, ":", 1) < 0 ||
	    field_encode(&f, v.data ? v.data : "", v.len) < 0 || buf_append(out, "\r\n", 2) < 0)
		goto done;
	rc = 0;
done:
	buf_free(&v);
	return rc;
}
