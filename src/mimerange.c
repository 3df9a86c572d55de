/* RFC 5322 section 2.1.1 (998 octets a line); RFC 3629 (UTF-8). */
#include "mimerange.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mimeenc.h"

int mimerange_read(int fd, char *p, size_t n, off_t at, struct err *e)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = pread(fd, p + got, n - got, at + (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return err_set(e, ERR_IO, "7-bit downgrade: reading the message: %s",
				       strerror(errno));
		if (r == 0)
			return err_set(e, ERR_IO, "7-bit downgrade: the message file ends early");
		got += (size_t)r;
	}
	return 0;
}

int mimerange_scan(int fd, off_t a, off_t b, char *chunk, struct mimerange_scan *s, struct err *e)
{
	struct mimeenc_utf8 u;
	size_t len = 0;   /* the current line's octets, its CR included */

	memset(s, 0, sizeof *s);
	mimeenc_utf8_init(&u);
	while (a < b) {
		size_t k = b - a < MIME_CHUNK ? (size_t)(b - a) : MIME_CHUNK;
		if (mimerange_read(fd, chunk, k, a, e) < 0)
			return -1;
		for (size_t i = 0; i < k; i++) {
			unsigned char c = (unsigned char)chunk[i];
			s->high |= c >= 0x80;
			len = c == '\n' ? 0 : len + 1;
			s->longl |= len > MIME_LINE_MAX + 1;
		}
		mimeenc_utf8_feed(&u, chunk, k);
		a += (off_t)k;
	}
	s->longl |= len > MIME_LINE_MAX;   /* a last line without its CRLF */
	s->utf8 = mimeenc_utf8_valid(&u);
	return 0;
}

struct mimerange_reader *mimerange_open(int fd, off_t a, off_t b, struct err *e)
{
	struct mimerange_reader *r = malloc(sizeof *r);

	if (!r) {
		err_set(e, ERR_OS, "7-bit downgrade: out of memory");
		return NULL;
	}
	r->fd = fd;
	r->pos = a;
	r->end = b;
	r->off = r->len = 0;
	return r;
}

void mimerange_close(struct mimerange_reader *r)
{
	free(r);
}

/* Refills an emptied buffer: 1, 0 at the end of the range, -1. */
static int fill(struct mimerange_reader *r, struct err *e)
{
	size_t k;

	r->pos += (off_t)r->len;
	r->off = r->len = 0;
	k = r->end - r->pos < MIME_CHUNK ? (size_t)(r->end - r->pos) : MIME_CHUNK;
	if (k && mimerange_read(r->fd, r->buf, k, r->pos, e) < 0)
		return -1;
	r->len = k;
	return k > 0;
}

int mimerange_line(struct mimerange_reader *r, struct mimerange_line *l, struct err *e)
{
	int prev_cr = 0;

	l->start = r->pos + (off_t)r->off;
	l->len = 0;
	l->high = 0;
	for (;;) {
		char c;
		if (r->off == r->len) {
			int k = fill(r, e);
			if (k < 0)
				return -1;
			if (k == 0)
				break;
		}
		c = r->buf[r->off++];
		if (c == '\n' && prev_cr) {
			l->len--;
			l->end = r->pos + (off_t)r->off;
			return 1;
		}
		prev_cr = c == '\r';
		l->high |= (unsigned char)c >= 0x80;
		if (l->len < sizeof l->head)
			l->head[l->len] = c;
		l->len++;
	}
	l->end = r->pos + (off_t)r->off;
	return l->end > l->start;
}
