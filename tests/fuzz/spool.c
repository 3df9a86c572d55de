/* Fuzzes spool.c and body.c: the message as postern reads it from
 * standard input, normalised into the spool (both with and without -i),
 * then dot-stuffed in uneven chunks as session.c streams it. Properties:
 *  - the spool holds CRLF lines only, no NUL, and its counters (lines,
 *    8-bit, long lines, end of header) agree with what it holds; without
 *    -i no line is a lone ".";
 *  - the stuffed text is CRLF lines only, its only end of data is the
 *    final ".\r\n", and un-stuffing it gives the spool's text back;
 *  - the raw input stuffed directly (body.c's own defence against bare CR
 *    and LF) also has one end of data, and un-stuffs to the spool's text
 *    made with -i. */
#include "body.h"
#include "bounds.h"
#include "fuzz.h"
#include "spool.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_tmpdir_in_memory();
	return 0;
}

/* The spool file's bytes. */
static void read_spool(const struct spool *s, struct buf *out)
{
	char chunk[SPOOL_CHUNK];
	off_t off = 0;

	buf_init(out, (size_t)s->size + 1);
	while (off < s->size) {
		ssize_t r = pread(s->fd, chunk, sizeof chunk, off);
		FUZZ_CHECK(r > 0, "the spool reads back");
		FUZZ_CHECK(buf_append(out, chunk, (size_t)r) == 0, "the spool holds its size");
		off += r;
	}
	FUZZ_CHECK(out->len == (size_t)s->size, "the spool holds exactly its size");
}

static void check_spool(const struct spool *s, const struct buf *t, int dot_ends)
{
	const char *p = t->data ? t->data : "", *end = p + t->len;
	long lines = 0;
	int high = 0, long_lines = 0;
	off_t header_end = -1, last_long_end = 0;

	while (p < end) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		size_t n;
		FUZZ_CHECK(lf && lf > p && lf[-1] == '\r', "every spool line ends with CRLF");
		n = (size_t)(lf - 1 - p);
		FUZZ_CHECK(!memchr(p, '\r', n) && !memchr(p, '\0', n), "no bare CR or NUL in the spool");
		FUZZ_CHECK(!dot_ends || n != 1 || *p != '.', "without -i no line is a lone dot");
		for (size_t i = 0; i < n; i++)
			high |= (unsigned char)p[i] >= 0x80;
		if (n > 998)
			long_lines = 1, last_long_end = (off_t)(lf + 1 - t->data);
		if (n == 0 && header_end < 0)
			header_end = (off_t)(lf + 1 - t->data);
		lines++;
		p = lf + 1;
	}
	FUZZ_CHECK(s->lines == lines, "the line count is right");
	FUZZ_CHECK(s->has_8bit == high, "the 8-bit flag is right");
	FUZZ_CHECK(s->long_lines == long_lines, "the long-line flag is right");
	FUZZ_CHECK(!long_lines || s->last_long_end == last_long_end, "the last long line is right");
	FUZZ_CHECK(s->header_end == header_end, "the end of the header is right");
}

/* Stuffs in[0..n) in chunks of uneven sizes (a chunk boundary may fall
 * between CR and LF, or before a dot). */
static void stuff(const char *in, size_t n, struct buf *out)
{
	struct body_stuffer b;
	size_t off = 0, step = 1;

	body_init(&b);
	buf_init(out, 2 * n + 8);
	while (off < n) {
		size_t take = n - off < step ? n - off : step;
		FUZZ_CHECK(body_stuff(&b, in + off, take, out) == 0, "stuffing fits twice the input");
		off += take;
		step = step * 7 % 23 + 1;
	}
	FUZZ_CHECK(body_finish(&b, out) == 0, "the terminator fits");
}

/* The stuffed text is legal and ends once; un-stuffed into `plain`. */
static void unstuff(const struct buf *st, struct buf *plain)
{
	const char *p = st->data, *end = p + st->len;

	FUZZ_CHECK(st->len >= 3 && memcmp(end - 3, ".\r\n", 3) == 0, "the text ends with .CRLF");
	FUZZ_CHECK(st->len == 3 || (st->len >= 5 && end[-5] == '\r' && end[-4] == '\n'),
		   "the final dot is alone on its line");
	buf_init(plain, st->len + 1);
	FUZZ_CHECK(buf_append(plain, "", 0) == 0, "room");
	while (p < end - 3) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		size_t n;
		FUZZ_CHECK(lf && lf > p && lf[-1] == '\r', "every stuffed line ends with CRLF");
		n = (size_t)(lf - 1 - p);
		FUZZ_CHECK(!memchr(p, '\r', n), "no bare CR in the stuffed text");
		FUZZ_CHECK(n != 1 || *p != '.', "no end of data before the real one");
		if (n && *p == '.') {
			FUZZ_CHECK(n >= 2 && p[1] == '.', "a line that starts with a dot was stuffed");
			p++, n--;
		}
		FUZZ_CHECK(buf_append(plain, p, n) == 0 && buf_append(plain, "\r\n", 2) == 0, "room");
		p = lf + 1;
	}
	FUZZ_CHECK(p == end - 3, "the terminator is the last line");
}

static void round_trip(const struct buf *spooled, const char *in, size_t n)
{
	struct buf st, plain;

	stuff(in, n, &st);
	unstuff(&st, &plain);
	FUZZ_CHECK(plain.len == spooled->len && memcmp(plain.data, spooled->data ? spooled->data : "",
							plain.len) == 0,
		   "un-stuffing gives the spool's text");
	buf_free(&st);
	buf_free(&plain);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	struct buf text[2];

	for (int dot_ends = 0; dot_ends < 2; dot_ends++) {
		struct spool s;
		struct err e = {0};
		if (spool_from_memory(in, size, dot_ends, &s, &e) < 0) {
			FUZZ_CHECK(e.kind == ERR_DATA && (memchr(in, '\0', size) || memchr(in, '\r', size)),
				   "only a NUL, or a bare CR in the header section, is refused");
			FUZZ_CHECK(memchr(in, '\0', size) || strstr(e.msg, "carriage return"),
				   "a refusal without a NUL names the carriage return");
			return 0;
		}
		read_spool(&s, &text[dot_ends]);
		check_spool(&s, &text[dot_ends], dot_ends);
		spool_close(&s);
		round_trip(&text[dot_ends], text[dot_ends].data ? text[dot_ends].data : "",
			   text[dot_ends].len);
	}
	/* The raw bytes, bare CR and LF included: body.c alone must make them safe. */
	round_trip(&text[0], in, size);
	buf_free(&text[0]);
	buf_free(&text[1]);
	return 0;
}
