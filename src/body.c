#include "body.h"

void body_init(struct body_stuffer *b)
{
	b->at_line_start = 1;
	b->pending_cr = 0;
}

static int put(struct buf *out, const char *s, size_t n)
{
	return buf_append(out, s, n);
}

static int end_line(struct body_stuffer *b, struct buf *out)
{
	b->at_line_start = 1;
	return put(out, "\r\n", 2);
}

int body_stuff(struct body_stuffer *b, const char *in, size_t n, struct buf *out)
{
	for (size_t i = 0; i < n; i++) {
		char c = in[i];
		if (b->pending_cr) {
			b->pending_cr = 0;
			if (end_line(b, out) < 0)
				return -1;
			if (c == '\n')
				continue;
		}
		if (c == '\r') {
			b->pending_cr = 1;
			continue;
		}
		if (c == '\n') {
			if (end_line(b, out) < 0)
				return -1;
			continue;
		}
		if (b->at_line_start && c == '.' && put(out, ".", 1) < 0)
			return -1;
		b->at_line_start = 0;
		if (put(out, &c, 1) < 0)
			return -1;
	}
	return 0;
}

int body_finish(struct body_stuffer *b, struct buf *out)
{
	if ((b->pending_cr || !b->at_line_start) && end_line(b, out) < 0)
		return -1;
	b->pending_cr = 0;
	return put(out, ".\r\n", 3);
}
