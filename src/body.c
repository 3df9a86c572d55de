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

/* Length of the run of bytes before the next CR or LF. */
static size_t run_length(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && p[i] != '\r' && p[i] != '\n')
		i++;
	return i;
}

int body_stuff(struct body_stuffer *b, const char *in, size_t n, struct buf *out)
{
	size_t i = 0;

	while (i < n) {
		char c = in[i];
		size_t run;
		if (b->pending_cr) {
			b->pending_cr = 0;
			if (end_line(b, out) < 0)
				return -1;
			if (c == '\n') {
				i++;
				continue;
			}
		}
		if (c == '\r' || c == '\n') {
			b->pending_cr = c == '\r';
			if (c == '\n' && end_line(b, out) < 0)
				return -1;
			i++;
			continue;
		}
		if (b->at_line_start && c == '.' && put(out, ".", 1) < 0)
			return -1;
		b->at_line_start = 0;
		run = run_length(in + i, n - i);   /* copy whole runs, not bytes */
		if (put(out, in + i, run) < 0)
			return -1;
		i += run;
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
