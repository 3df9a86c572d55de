/* Unit tests for body.c: dot-stuffing (RFC 5321 section 4.5.2) and the
 * CRLF enforcement that keeps any input from forging an end of data
 * (SMTP smuggling), whatever the chunk boundaries. */
#include <stdlib.h>
#include <string.h>

#include "body.h"
#include "tap.h"

#define S(lit) lit, sizeof(lit) - 1
#define OUT_LIMIT (1024 * 1024)

static const struct {
	const char *name;
	const char *in;
	size_t inlen;
	const char *out;   /* after body_finish */
	size_t outlen;
} cases[] = {
	{"plain lines pass unchanged", S("a\r\nb\r\n"), S("a\r\nb\r\n.\r\n")},
	{"a dot at the start of the text is doubled", S(".x\r\n"), S("..x\r\n.\r\n")},
	{"a dot at a line start is doubled", S("a\r\n.x\r\n"), S("a\r\n..x\r\n.\r\n")},
	{"a lone dot line is doubled", S("a\r\n.\r\nb\r\n"), S("a\r\n..\r\nb\r\n.\r\n")},
	{"a lone dot as the first line is doubled", S(".\r\n"), S("..\r\n.\r\n")},
	{"two dots become three", S("..\r\n"), S("...\r\n.\r\n")},
	{"a dot inside a line is kept", S("a.b\r\nc.\r\n"), S("a.b\r\nc.\r\n.\r\n")},
	{"a dot after a space is kept", S(" .\r\n"), S(" .\r\n.\r\n")},
	{"every line's dot is doubled", S(".a\r\n.b\r\n.c\r\n"), S("..a\r\n..b\r\n..c\r\n.\r\n")},
	{"a bare LF becomes CRLF", S("a\nb\n"), S("a\r\nb\r\n.\r\n")},
	{"a bare CR becomes CRLF", S("a\rb\r"), S("a\r\nb\r\n.\r\n")},
	{"CR CR LF is a bare CR then CRLF", S("a\r\r\nb"), S("a\r\n\r\nb\r\n.\r\n")},
	{"LF CR is two line endings", S("a\n\rb"), S("a\r\n\r\nb\r\n.\r\n")},
	{"\"\\n.\\n\" cannot end the data", S("a\n.\nb"), S("a\r\n..\r\nb\r\n.\r\n")},
	{"\"\\r.\\r\" cannot end the data", S("a\r.\rb"), S("a\r\n..\r\nb\r\n.\r\n")},
	{"\"\\r\\n.\\r\\n\" inside the text cannot end the data", S("a\r\n.\r\nRSET\r\n"),
	 S("a\r\n..\r\nRSET\r\n.\r\n")},
	{"\"\\n.\\r\\n\" cannot end the data", S("a\n.\r\nb\r\n"), S("a\r\n..\r\nb\r\n.\r\n")},
	{"\"\\r\\n.\\n\" cannot end the data", S("a\r\n.\nb\r\n"), S("a\r\n..\r\nb\r\n.\r\n")},
	{"\"\\r\\n.\\r\" cannot end the data", S("a\r\n.\rb\r\n"), S("a\r\n..\r\nb\r\n.\r\n")},
	{"a dot after a bare CR is doubled", S("a\r.b"), S("a\r\n..b\r\n.\r\n")},
	{"a missing final CRLF is added before the dot", S("a\r\nb"), S("a\r\nb\r\n.\r\n")},
	{"a final bare CR becomes one CRLF", S("a\r"), S("a\r\n.\r\n")},
	{"a final bare LF becomes one CRLF", S("a\n"), S("a\r\n.\r\n")},
	{"empty text is only the final dot", S(""), S(".\r\n")},
	{"empty lines are kept", S("\r\n\r\n"), S("\r\n\r\n.\r\n")},
	{"8-bit and control bytes pass", S("\x01\x7f\xff\r\n"), S("\x01\x7f\xff\r\n.\r\n")},
};

/* Feeds in[0..n) in chunks of `step` bytes (0: all at once) and finishes. */
static int run(const char *in, size_t n, size_t step, struct buf *out)
{
	struct body_stuffer b;
	size_t off = 0;

	body_init(&b);
	buf_reset(out);
	if (step == 0)
		step = n ? n : 1;
	while (off < n) {
		size_t k = n - off < step ? n - off : step;
		if (body_stuff(&b, in + off, k, out) < 0)
			return -1;
		off += k;
	}
	return body_finish(&b, out);
}

static void test_cases(void)
{
	struct buf out;

	buf_init(&out, OUT_LIMIT);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int all_same = 1;
		is_int(run(cases[i].in, cases[i].inlen, 0, &out), 0, "%s: ok", cases[i].name);
		is_mem(out.data, out.len, cases[i].out, cases[i].outlen, "%s", cases[i].name);
		/* One byte at a time must give the same bytes. */
		for (size_t step = 1; step <= cases[i].inlen; step++) {
			if (run(cases[i].in, cases[i].inlen, step, &out) < 0 || out.len != cases[i].outlen ||
			    memcmp(out.data, cases[i].out, out.len) != 0)
				all_same = 0;
		}
		ok(all_same, "%s: the same for every chunk size", cases[i].name);
	}
	buf_free(&out);
}

/* "x\r\n.y" split into two chunks at every position: the dot is always
 * stuffed. The same for a bare LF and a bare CR before the dot. */
static void test_split_everywhere(void)
{
	static const struct {
		const char *name;
		const char *in;
		const char *out;
	} splits[] = {
		{"CRLF then dot", "x\r\n.y\r\n", "x\r\n..y\r\n.\r\n"},
		{"LF then dot", "x\n.y\n", "x\r\n..y\r\n.\r\n"},
		{"CR then dot", "x\r.y\r", "x\r\n..y\r\n.\r\n"},
		{"CRLF dot CRLF (smuggling)", "x\r\n.\r\ny\r\n", "x\r\n..\r\ny\r\n.\r\n"},
		{"LF dot LF (smuggling)", "x\n.\ny", "x\r\n..\r\ny\r\n.\r\n"},
		{"LF dot CRLF (smuggling)", "x\n.\r\ny", "x\r\n..\r\ny\r\n.\r\n"},
	};
	struct buf out;

	buf_init(&out, OUT_LIMIT);
	for (size_t i = 0; i < sizeof splits / sizeof splits[0]; i++) {
		size_t n = strlen(splits[i].in);
		for (size_t cut = 0; cut <= n; cut++) {
			struct body_stuffer b;
			int rc;
			body_init(&b);
			buf_reset(&out);
			rc = body_stuff(&b, splits[i].in, cut, &out) < 0 ||
			     body_stuff(&b, splits[i].in + cut, n - cut, &out) < 0 || body_finish(&b, &out) < 0;
			ok(rc == 0, "%s split at %zu: ok", splits[i].name, cut);
			is_str(out.data, splits[i].out, "%s split at %zu", splits[i].name, cut);
		}
	}
	buf_free(&out);
}

/* The output is SMTP-clean: every CR is followed by LF and every LF
 * preceded by CR; no "\r\n.\r\n" before the final terminator; no line
 * starting with a single "." except the terminator. Returns a reason or
 * NULL. */
static const char *check_clean(const char *p, size_t n)
{
	if (n < 3 || memcmp(p + n - 3, ".\r\n", 3) != 0)
		return "does not end with .CRLF";
	if (n > 3 && (n < 5 || memcmp(p + n - 5, "\r\n", 2) != 0))
		return "the final dot is not at a line start";
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\r' && (i + 1 >= n || p[i + 1] != '\n'))
			return "bare CR";
		if (p[i] == '\n' && (i == 0 || p[i - 1] != '\r'))
			return "bare LF";
	}
	for (size_t i = 0; i + 3 < n; i++) {
		int line_start = i == 0 || p[i - 1] == '\n';
		if (line_start && p[i] == '.' && p[i + 1] != '.')
			return "a line starts with an unstuffed dot";
		if (line_start && p[i] == '.')
			i++;   /* skip the stuffed dot's twin */
	}
	for (size_t i = 0; i + 5 < n; i++)
		if (memcmp(p + i, "\r\n.\r\n", 5) == 0)
			return "an end of data before the end";
	if (n >= 3 && memcmp(p, ".\r\n", 3) == 0 && n != 3)
		return "starts with an end of data";
	return NULL;
}

/* Random byte strings (no NUL, rich in CR, LF and dots), fed in random
 * chunk sizes, give the same output as one chunk, and that output is
 * clean. */
static void test_property(void)
{
	static const char alphabet[] = "\r\n..\r\n.ab \xff";
	struct buf one, many;
	int same = 1, clean = 1;
	const char *why = NULL;
	unsigned seed = 20240601;

	buf_init(&one, OUT_LIMIT);
	buf_init(&many, OUT_LIMIT);
	srand(seed);
	for (int iter = 0; iter < 5000; iter++) {
		char in[300];
		size_t n = (size_t)rand() % sizeof in;
		struct body_stuffer b;
		size_t off = 0;
		for (size_t i = 0; i < n; i++)
			in[i] = rand() % 4 ? alphabet[rand() % (sizeof alphabet - 1)]
					   : (char)(1 + rand() % 255);
		if (run(in, n, 0, &one) < 0) {
			same = 0;
			break;
		}
		body_init(&b);
		buf_reset(&many);
		while (off < n) {
			size_t k = 1 + (size_t)rand() % 7;
			if (k > n - off)
				k = n - off;
			if (body_stuff(&b, in + off, k, &many) < 0)
				break;
			off += k;
		}
		if (body_finish(&b, &many) < 0 || many.len != one.len ||
		    memcmp(many.data, one.data, one.len) != 0) {
			if (same)
				diag("differs for input %d (%zu bytes)", iter, n);
			same = 0;
		}
		if (clean && (why = check_clean(one.data, one.len)) != NULL) {
			diag("input %d: %s", iter, why);
			clean = 0;
		}
	}
	ok(same, "property: random chunk sizes give the same output as one chunk");
	ok(clean, "property: no bare CR or LF, no unstuffed dot, no early end of data");
	buf_free(&one);
	buf_free(&many);
}

static void test_check_clean_catches(void)
{
	ok(check_clean(S("a\r\n.\r\nb\r\n.\r\n")) != NULL, "the checker sees an early end of data");
	ok(check_clean(S("a\nb\r\n.\r\n")) != NULL, "the checker sees a bare LF");
	ok(check_clean(S("a\rb\r\n.\r\n")) != NULL, "the checker sees a bare CR");
	ok(check_clean(S("a\r\n..b\r\n.\r\n")) == NULL, "the checker accepts a stuffed dot");
}

static void test_limit(void)
{
	struct body_stuffer b;
	struct buf out;

	buf_init(&out, 4);
	body_init(&b);
	is_int(body_stuff(&b, S("abcdef"), &out), -1, "output past its limit is refused");
	ok(out.len <= 4, "the output stays within its limit");
	buf_free(&out);
	buf_init(&out, 3);
	body_init(&b);
	is_int(body_stuff(&b, S("ab"), &out), 0, "two bytes fit");
	is_int(body_finish(&b, &out), -1, "the final CRLF and dot past the limit are refused");
	buf_free(&out);
}

int main(void)
{
	test_cases();
	test_split_everywhere();
	test_property();
	test_check_clean_catches();
	test_limit();
	return done_testing();
}
