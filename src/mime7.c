/*
 * RFC 6152 section 3 (8-bit content to a server without 8BITMIME);
 * RFC 2045 sections 5.2 (defaults), 6.4 (what a multipart may declare),
 * 6.7 and 6.8 (quoted-printable, base64); RFC 2046 sections 5.1.1
 * (boundaries), 5.1.5 (digest defaults), 5.2 (message/...); RFC 2047
 * (encoded-words); RFC 6532 section 3.7 (message/global); RFC 1428
 * (unknown-8bit); RFC 5322 section 2.1.1 (998 octets a line).
 *
 * The body is read with pread, so each entity is a range [a, b) of the
 * file and can be read twice: once to learn whether it is clean (7-bit,
 * short lines), once to copy or encode it. A clean range is copied whole,
 * whatever it holds; only a dirty multipart is walked into.
 */
#include "mime7.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "buf.h"
#include "mimeaddr.h"
#include "mimeenc.h"
#include "mimehdr.h"
#include "mimerange.h"

#define PATH_LEN 400   /* "1.2.3..." for MIME_DEPTH_MAX levels */
#define CTE_FIELD "Content-Transfer-Encoding: %s\r\n"

/* The output stream; every byte is checked on its way out. */
struct out {
	int fd;
	struct buf b;
	off_t total;
	size_t col;   /* octets on the current output line */
	int bad;      /* an 8-bit byte or an over-long line was about to go out */
};

struct walk {
	int fd;
	struct out o;
	struct buf enc;   /* one chunk's encoded form */
	char *chunk;      /* MIME_CHUNK bytes of input */
	struct err *e;
};

/* What a section's header and body become. */
struct plan {
	enum { BODY_COPY, BODY_WALK, BODY_QP, BODY_B64 } body;
	const char *cte;      /* the new Content-Transfer-Encoding, or NULL */
	const char *add_ct;   /* a Content-Type to add, or NULL */
	int add_version;
};

/* What the header section says. */
struct hinfo {
	struct mimehdr_ct ct;
	int has_ct, has_version, rewrite;
	enum mimehdr_cte cte;
};

static int section(struct walk *w, const char *hdr, size_t hlen, off_t a, off_t b, int depth,
		   const char *path, int digest);

/* Refuses with ERR_DATA, saying where: "MIME part 1.2: ...", or at the top
 * "message body: ..." for a body and nothing for a header field. */
__attribute__((format(printf, 4, 5))) static int refuse(struct err *e, const char *path, int body,
							const char *fmt, ...)
{
	char msg[ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (*path)
		return err_set(e, ERR_DATA, "MIME part %s: %s", path, msg);
	return err_set(e, ERR_DATA, "%s%s", body ? "message body: " : "", msg);
}

static int write_all(struct walk *w, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t r = write(w->o.fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return err_set(w->e, ERR_IO, "7-bit downgrade: writing the message: %s",
				       strerror(errno));
		p += r;
		n -= (size_t)r;
		w->o.total += r;
	}
	return 0;
}

/* The promise of the module, checked on every byte: a bug here must not
 * put 8-bit data on a 7-bit channel. */
static void out_check(struct out *o, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c >= 0x80)
			o->bad = 1;
		o->col = c == '\n' ? 0 : o->col + 1;
		if (o->col > MIME_LINE_MAX + 1)   /* the CR before the LF counts here */
			o->bad = 1;
	}
}

static int out_flush(struct walk *w)
{
	int rc = write_all(w, w->o.b.data, w->o.b.len);

	buf_reset(&w->o.b);
	return rc;
}

static int out_put(struct walk *w, const char *p, size_t n)
{
	out_check(&w->o, p, n);
	if (w->o.bad)
		return err_set(w->e, ERR_SOFTWARE, "7-bit downgrade: the output would hold 8-bit "
			       "data or a line over %d octets", MIME_LINE_MAX);
	if (w->o.b.len + n > MIME_CHUNK && out_flush(w) < 0)
		return -1;
	if (n >= MIME_CHUNK)
		return write_all(w, p, n);
	if (buf_append(&w->o.b, p, n) < 0)
		return err_set(w->e, ERR_SOFTWARE, "7-bit downgrade: output buffer full");
	return 0;
}

static int out_copy(struct walk *w, off_t a, off_t b)
{
	while (a < b) {
		size_t k = b - a < MIME_CHUNK ? (size_t)(b - a) : MIME_CHUNK;
		if (mimerange_read(w->fd, w->chunk, k, a, w->e) < 0 || out_put(w, w->chunk, k) < 0)
			return -1;
		a += (off_t)k;
	}
	return 0;
}

/* "--" boundary, "--" more for the close delimiter, then only transport
 * padding (RFC 2046 5.1.1): 1 a delimiter, 2 the close one, 0 neither. */
static int delimiter(const struct mimerange_line *l, const struct mimehdr_ct *ct)
{
	size_t bl = ct->boundary_len, i = bl + 2;
	int close = 0;

	if (l->len > MIME_LINE_MAX || l->len < i || l->head[0] != '-' || l->head[1] != '-' ||
	    memcmp(l->head + 2, ct->boundary, bl) != 0)
		return 0;
	if (i + 2 <= l->len && l->head[i] == '-' && l->head[i + 1] == '-') {
		close = 1;
		i += 2;
	}
	while (i < l->len && (l->head[i] == ' ' || l->head[i] == '\t'))
		i++;
	return i == l->len ? 1 + close : 0;
}

static const char *dirt(const struct mimerange_scan *s)
{
	return s->high ? "8-bit data" : "lines over 998 octets";
}

static int inspect_field(struct walk *w, const char *h, const struct mimehdr_field *f,
			 const char *path)
{
	int nl = f->name_len > 80 ? 80 : (int)f->name_len;

	if (f->longest > MIME_LINE_MAX && nl)
		return refuse(w->e, path, 0, "header %.*s: a line over %d octets cannot be downgraded",
			      nl, h + f->off, MIME_LINE_MAX);
	if (f->longest > MIME_LINE_MAX || (f->high && !nl))
		return refuse(w->e, path, 0, "a header line that is not a field holds 8-bit text "
			      "or over %d octets, which cannot be downgraded", MIME_LINE_MAX);
	if (f->high && mimeaddr_is(h + f->off, f->name_len)) {
		const char *why = mimeaddr_problem(h + f->value_off, f->off + f->len - f->value_off);
		if (why)
			return refuse(w->e, path, 0, "header %.*s: %s cannot be downgraded to 7 bit", nl,
				      h + f->off, why);
	} else if (f->high && !mimehdr_unstructured(h, f)) {
		return refuse(w->e, path, 0, "header %.*s: 8-bit text in a structured field cannot "
			      "be downgraded to 7 bit", nl, h + f->off);
	}
	return 0;
}

/* Checks every field of a header section and learns what it declares
 * (the first Content-Type and Content-Transfer-Encoding count). */
static int inspect(struct walk *w, const char *h, size_t n, const char *path, struct hinfo *hi)
{
	struct mimehdr_field f;
	size_t pos = 0;
	int has_cte = 0;

	memset(hi, 0, sizeof *hi);
	while (mimehdr_next(h, n, &pos, &f) == MIMEHDR_UNIT) {
		const char *v = h + f.value_off;
		size_t vlen = f.off + f.len - f.value_off;
		if (inspect_field(w, h, &f, path) < 0)
			return -1;
		hi->rewrite |= f.high;
		if (!hi->has_ct && mimehdr_is(h, &f, "Content-Type")) {
			hi->has_ct = 1;
			mimehdr_content_type(v, vlen, &hi->ct);
		} else if (!has_cte && mimehdr_is(h, &f, "Content-Transfer-Encoding")) {
			has_cte = 1;
			hi->cte = mimehdr_cte(v, vlen);
		} else if (mimehdr_is(h, &f, "MIME-Version")) {
			hi->has_version = 1;
		}
	}
	return 0;
}

/* RFC 2045 5.2: no Content-Type, or an invalid one, means text/plain;
 * inside multipart/digest no Content-Type means message/rfc822 (2046 5.1.5). */
static void effective_type(const struct hinfo *hi, int digest, const char **type, const char **sub)
{
	*type = "text";
	*sub = "plain";
	if (!hi->has_ct && digest) {
		*type = "message";
		*sub = "rfc822";
	} else if (hi->has_ct && hi->ct.type[0]) {
		*type = hi->ct.type;
		*sub = hi->ct.subtype;
	}
}

/* A dirty multipart is walked part by part; what it declares must allow
 * that (RFC 2045 6.4: a multipart is 7bit, 8bit or binary). */
static int plan_multipart(struct walk *w, const struct hinfo *hi, const struct mimerange_scan *s,
			  int depth, const char *path, struct plan *p)
{
	if (hi->cte == MIMEHDR_CTE_ENCODED || hi->cte == MIMEHDR_CTE_UNKNOWN)
		return refuse(w->e, path, 1, "a multipart declaring an encoding other than 7bit, 8bit "
			      "or binary holds %s (malformed)", dirt(s));
	/* Without a boundary no part can be found: nothing sensible to
	 * encode, since a multipart itself may not be encoded. */
	if (!hi->ct.boundary_len)
		return refuse(w->e, path, 1, "a multipart/%s without a usable boundary parameter "
			      "holds %s, which cannot be downgraded to 7 bit", hi->ct.subtype, dirt(s));
	if (depth >= MIME_DEPTH_MAX)
		return refuse(w->e, path, 1, "multiparts nested more than %d deep", MIME_DEPTH_MAX);
	p->body = BODY_WALK;
	p->cte = hi->cte == MIMEHDR_CTE_8BIT ? "7bit" : NULL;
	return 0;
}

static int plan_section(struct walk *w, const struct hinfo *hi, const struct mimerange_scan *s,
			int depth, const char *path, int digest, struct plan *p)
{
	const char *type, *sub;

	memset(p, 0, sizeof *p);
	p->body = BODY_COPY;
	if (!s->high && !s->longl)
		return 0;
	p->add_version = depth == 0 && !hi->has_version;
	effective_type(hi, digest, &type, &sub);
	if (strcmp(type, "multipart") == 0)
		return plan_multipart(w, hi, s, depth, path, p);
	if (hi->cte == MIMEHDR_CTE_ENCODED)
		return refuse(w->e, path, 1, "a %s/%s part declared quoted-printable or base64 holds "
			      "%s (malformed)", type, sub, dirt(s));
	if (hi->cte == MIMEHDR_CTE_UNKNOWN)
		return refuse(w->e, path, 1, "a %s/%s part with an unknown Content-Transfer-Encoding "
			      "holds %s, which cannot be downgraded to 7 bit", type, sub, dirt(s));
	/* message/rfc822 and the others must stay 7bit, 8bit or binary (RFC
	 * 2046 5.2); message/global may take any encoding (RFC 6532 3.7). */
	if (strcmp(type, "message") == 0 && strcmp(sub, "global") != 0)
		return refuse(w->e, path, 1, "a message/%s part holds %s, which cannot be downgraded "
			      "to 7 bit", sub, dirt(s));
	p->body = strcmp(type, "text") == 0 ? BODY_QP : BODY_B64;
	p->cte = p->body == BODY_QP ? "quoted-printable" : "base64";
	/* Once encoded, the default charset us-ascii would be wrong (RFC 1428). */
	if (!hi->has_ct && !digest && s->high)
		p->add_ct = s->utf8 ? "text/plain; charset=utf-8" : "text/plain; charset=unknown-8bit";
	return 0;
}

static int write_fields(const char *h, size_t n, const struct plan *p, struct buf *out)
{
	struct mimehdr_field f;
	size_t pos = 0;
	int cte_done = 0;

	while (mimehdr_next(h, n, &pos, &f) == MIMEHDR_UNIT) {
		const char *raw = h + f.off;
		int rc;
		if (p->cte && mimehdr_is(h, &f, "Content-Transfer-Encoding")) {
			if (!cte_done && buf_appendf(out, CTE_FIELD, p->cte) < 0)
				return -1;
			cte_done = 1;   /* and any second one is dropped */
			continue;
		}
		if (f.high && mimeaddr_is(raw, f.name_len))
			rc = mimeaddr_field(out, raw, f.name_len, h + f.value_off,
					    f.off + f.len - f.value_off);
		else if (f.high)
			rc = mimeenc_field(out, raw, f.name_len, h + f.value_off,
					   f.off + f.len - f.value_off);
		else if (f.len >= 2 && raw[f.len - 2] == '\r' && raw[f.len - 1] == '\n')
			rc = buf_append(out, raw, f.len);
		else   /* the last line of a part cut by its delimiter's CRLF */
			rc = buf_append(out, raw, f.len) < 0 ? -1 : buf_append(out, "\r\n", 2);
		if (rc < 0)
			return -1;
	}
	return cte_done;
}

/* The header section, verbatim when nothing in it changes; else the fields
 * rewritten, the new ones at the end, and the empty line. */
static int write_header(struct walk *w, const char *h, size_t n, const struct hinfo *hi,
			const struct plan *p, const char *path)
{
	struct buf out;
	int rc, cte_done;

	if (!hi->rewrite && !p->cte && !p->add_ct && !p->add_version)
		return out_put(w, h, n);
	buf_init(&out, 2 * HEADER_SECTION_MAX);
	cte_done = write_fields(h, n, p, &out);
	rc = cte_done < 0 ||
	     (p->add_version && buf_appends(&out, "MIME-Version: 1.0\r\n") < 0) ||
	     (p->add_ct && buf_appendf(&out, "Content-Type: %s\r\n", p->add_ct) < 0) ||
	     (p->cte && !cte_done && buf_appendf(&out, CTE_FIELD, p->cte) < 0) ||
	     buf_append(&out, "\r\n", 2) < 0;
	rc = rc ? refuse(w->e, path, 0, "the header section grows past %d bytes when encoded",
			 2 * HEADER_SECTION_MAX)
		: out_put(w, out.data, out.len);
	buf_free(&out);
	return rc;
}

static int encode_range(struct walk *w, off_t a, off_t b, int qp)
{
	struct mimeenc_qp q;
	struct mimeenc_b64 b64;

	mimeenc_qp_init(&q);
	mimeenc_b64_init(&b64);
	for (;;) {
		size_t k = b - a < MIME_CHUNK ? (size_t)(b - a) : MIME_CHUNK;
		int rc;
		buf_reset(&w->enc);
		if (k && mimerange_read(w->fd, w->chunk, k, a, w->e) < 0)
			return -1;
		if (k)
			rc = qp ? mimeenc_qp_feed(&q, w->chunk, k, &w->enc)
				: mimeenc_b64_feed(&b64, w->chunk, k, &w->enc);
		else
			rc = qp ? mimeenc_qp_finish(&q, &w->enc) : mimeenc_b64_finish(&b64, &w->enc);
		if (rc < 0)
			return err_set(w->e, ERR_SOFTWARE, "7-bit downgrade: encoding buffer full");
		if (out_put(w, w->enc.data, w->enc.len) < 0)
			return -1;
		if (!k)
			return 0;
		a += (off_t)k;
	}
}

/* A multipart being walked. */
struct mp {
	struct walk *w;
	const struct mimehdr_ct *ct;
	int depth, digest, n, closed;
	const char *path;
	const char *pre_dirt;   /* what is wrong with the preamble, or NULL */
	off_t copied;           /* everything before this is written */
	off_t part;             /* where the current part starts; -1 in the preamble */
};

/* Reads a part's header section: its lines up to the empty line, or up to
 * the first line that is not a header line (the body then starts there). */
static int part_header(struct walk *w, off_t a, off_t b, const char *path, struct buf *h,
		       off_t *body)
{
	struct mimerange_reader *r = mimerange_open(w->fd, a, b, w->e);
	struct mimerange_line l;
	int rc, first = 1;

	if (!r)
		return -1;
	*body = b;
	while ((rc = mimerange_line(r, &l, w->e)) == 1) {
		size_t keep = l.len < sizeof l.head ? l.len : sizeof l.head;
		enum mimehdr_line kind = mimehdr_line_kind(l.head, keep);
		if (kind == MIMEHDR_OTHER || (kind == MIMEHDR_CONT && first)) {
			*body = l.start;
			break;
		}
		if (l.len > MIME_LINE_MAX) {
			rc = refuse(w->e, path, 0, "a header line over %d octets cannot be downgraded",
				    MIME_LINE_MAX);
			break;
		}
		if (buf_append(h, l.head, l.len) < 0 ||
		    (l.end - l.start > (off_t)l.len && buf_append(h, "\r\n", 2) < 0)) {
			rc = refuse(w->e, path, 0, "header section larger than %d bytes",
				    HEADER_SECTION_MAX);
			break;
		}
		if (kind == MIMEHDR_BLANK) {
			*body = l.end;
			break;
		}
		first = 0;
	}
	mimerange_close(r);
	return rc < 0 ? -1 : 0;
}

static int mp_part(struct mp *m, off_t a, off_t b)
{
	char sub[PATH_LEN];
	struct buf h;
	off_t body;
	int rc;

	snprintf(sub, sizeof sub, "%s%s%d", m->path, *m->path ? "." : "", ++m->n);
	buf_init(&h, HEADER_SECTION_MAX);
	rc = part_header(m->w, a, b, sub, &h, &body);
	if (rc == 0)
		rc = section(m->w, h.data ? h.data : "", h.len, body, b, m->depth + 1, sub, m->digest);
	buf_free(&h);
	return rc;
}

/* A delimiter line: the part before it ends where the CRLF in front of
 * the delimiter begins (that CRLF belongs to the delimiter, RFC 2046
 * 5.1.1); the delimiter line is copied as it is. */
static int mp_delimiter(struct mp *m, const struct mimerange_line *l, int kind)
{
	if (m->part < 0 && m->pre_dirt)
		return refuse(m->w->e, m->path, 1, "the preamble of a multipart holds %s, which "
			      "cannot be downgraded to 7 bit", m->pre_dirt);
	if (m->part >= 0) {
		off_t end = l->start - 2 > m->part ? l->start - 2 : m->part;
		if (mp_part(m, m->part, end) < 0)
			return -1;
		m->copied = end;
	}
	if (out_copy(m->w, m->copied, l->end) < 0)
		return -1;
	m->copied = m->part = l->end;
	m->closed = kind == 2;
	return 0;
}

static int mp_finish(struct mp *m, off_t b)
{
	struct mimerange_scan s;

	if (m->part < 0)
		return refuse(m->w->e, m->path, 1, "a multipart/%s holds %s but no line with its "
			      "boundary, so it cannot be downgraded to 7 bit", m->ct->subtype,
			      m->pre_dirt ? m->pre_dirt : "8-bit data");
	if (!m->closed)   /* as mail readers do, the last part runs to the end */
		return mp_part(m, m->part, b);
	if (mimerange_scan(m->w->fd, m->copied, b, m->w->chunk, &s, m->w->e) < 0)
		return -1;
	if (s.high || s.longl)
		return refuse(m->w->e, m->path, 1, "the epilogue of a multipart holds %s, which "
			      "cannot be downgraded to 7 bit", dirt(&s));
	return out_copy(m->w, m->copied, b);
}

/* A missing close delimiter is taken as the end of the body (the last
 * part runs to the end); no delimiter at all is refused, as is a
 * preamble or epilogue holding 8-bit data: they cannot be encoded. */
static int walk_multipart(struct walk *w, const struct mimehdr_ct *ct, off_t a, off_t b, int depth,
			  const char *path)
{
	struct mp m = {.w = w, .ct = ct, .depth = depth, .path = path, .copied = a, .part = -1,
		       .digest = strcmp(ct->subtype, "digest") == 0};
	struct mimerange_reader *r = mimerange_open(w->fd, a, b, w->e);
	struct mimerange_line l;
	int rc = 0;

	if (!r)
		return -1;
	while (!m.closed && (rc = mimerange_line(r, &l, w->e)) == 1) {
		int kind = delimiter(&l, ct);
		if (kind && (rc = mp_delimiter(&m, &l, kind)) < 0)
			break;
		if (!kind && m.part < 0 && !m.pre_dirt && (l.high || l.len > MIME_LINE_MAX))
			m.pre_dirt = l.high ? "8-bit data" : "lines over 998 octets";
	}
	mimerange_close(r);
	if (rc < 0)
		return -1;
	return mp_finish(&m, b);
}

static int section(struct walk *w, const char *hdr, size_t hlen, off_t a, off_t b, int depth,
		   const char *path, int digest)
{
	struct hinfo hi;
	struct mimerange_scan s;
	struct plan p;

	if (inspect(w, hdr, hlen, path, &hi) < 0 ||
	    mimerange_scan(w->fd, a, b, w->chunk, &s, w->e) < 0 ||
	    plan_section(w, &hi, &s, depth, path, digest, &p) < 0 ||
	    write_header(w, hdr, hlen, &hi, &p, path) < 0)
		return -1;
	switch (p.body) {
	case BODY_COPY:
		return out_copy(w, a, b);
	case BODY_WALK:
		return walk_multipart(w, &hi.ct, a, b, depth, path);
	case BODY_QP:
	case BODY_B64:
		return encode_range(w, a, b, p.body == BODY_QP);
	}
	return err_set(w->e, ERR_SOFTWARE, "7-bit downgrade: unknown plan %d", (int)p.body);
}

int mime7_downgrade(const char *hdr, size_t hdr_len, int fd, off_t body_off, off_t body_end,
		    int out_fd, off_t *out_size, struct err *e)
{
	struct walk w = {.fd = fd, .o = {.fd = out_fd}, .e = e};
	int rc = -1;

	buf_init(&w.o.b, MIME_CHUNK);
	buf_init(&w.enc, 4 * MIME_CHUNK);
	w.chunk = malloc(MIME_CHUNK);
	if (!w.chunk) {
		err_set(e, ERR_OS, "7-bit downgrade: out of memory");
		goto done;
	}
	if (section(&w, hdr, hdr_len, body_off, body_end, 0, "", 0) < 0)
		goto done;
	/* SMTP needs the last line ended: a base64 body, or a last part run
	 * to the end for want of a close delimiter, may not be. */
	if (w.o.col != 0 && out_put(&w, "\r\n", 2) < 0)
		goto done;
	if (out_flush(&w) < 0)
		goto done;
	*out_size = w.o.total;
	rc = 0;
done:
	free(w.chunk);
	buf_free(&w.enc);
	buf_free(&w.o.b);
	return rc;
}
