/* Unit tests for spool.c: line endings normalised to CRLF, the lone-dot
 * rule, NUL refused, and what the spool records (size, header_end, lines,
 * has_8bit). The spool file is read back with pread. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spool.h"
#include "tap.h"

#define S(lit) lit, sizeof(lit) - 1

static const struct {
	const char *name;
	const char *in;
	size_t inlen;
	int dot_ends;
	const char *out;
	size_t outlen;
	long header_end;
	long lines;
	int has_8bit;
} cases[] = {
	{"LF becomes CRLF", S("A: b\n\nbody\n"), 1, S("A: b\r\n\r\nbody\r\n"), 8, 3, 0},
	{"CRLF stays CRLF", S("A: b\r\n\r\nbody\r\n"), 1, S("A: b\r\n\r\nbody\r\n"), 8, 3, 0},
	{"a bare CR in the body becomes CRLF", S("A: b\n\nbody\rmore\r"), 1,
	 S("A: b\r\n\r\nbody\r\nmore\r\n"), 8, 4, 0},
	{"mixed endings all become CRLF", S("A: b\r\n\nbody\rmore\n"), 1,
	 S("A: b\r\n\r\nbody\r\nmore\r\n"), 8, 4, 0},
	{"CR CR LF in the body is a bare CR, then CRLF", S("A: b\n\na\r\r\nb\n"), 1,
	 S("A: b\r\n\r\na\r\n\r\nb\r\n"), 8, 5, 0},
	{"LF CR in the body is two line endings", S("A: b\n\na\n\rb\n"), 1,
	 S("A: b\r\n\r\na\r\n\r\nb\r\n"), 8, 5, 0},
	{"a missing final newline gets CRLF", S("A: b\n\nbody"), 1, S("A: b\r\n\r\nbody\r\n"), 8, 3, 0},
	{"a final bare CR becomes CRLF", S("A: b\r"), 1, S("A: b\r\n"), -1, 1, 0},
	{"empty input", S(""), 1, S(""), -1, 0, 0},
	{"only an empty line", S("\n"), 1, S("\r\n"), 2, 1, 0},
	{"headers without a blank line have no header_end", S("A: b\nC: d\n"), 1, S("A: b\r\nC: d\r\n"), -1, 2, 0},
	{"header_end is just past the first empty line only", S("A: b\n\nx\n\ny\n"), 1,
	 S("A: b\r\n\r\nx\r\n\r\ny\r\n"), 8, 5, 0},
	{"a folded header keeps its fold", S("A: b\n c\n\nx\n"), 1, S("A: b\r\n c\r\n\r\nx\r\n"), 12, 4, 0},
	{"a lone dot ends the input", S("A: b\n\nbody\n.\nafter\n"), 1, S("A: b\r\n\r\nbody\r\n"), 8, 3, 0},
	{"without dot_ends_input a lone dot is kept", S("A: b\n\nbody\n.\nafter\n"), 0,
	 S("A: b\r\n\r\nbody\r\n.\r\nafter\r\n"), 8, 5, 0},
	{"\".\\r\\n\" ends the input", S("x\r\n.\r\ny\r\n"), 1, S("x\r\n"), -1, 1, 0},
	{"\".\\r\" (bare CR) ends the input", S("A: b\n\nx\r.\ry\r"), 1, S("A: b\r\n\r\nx\r\n"), 8, 3, 0},
	{"\". \\n\" is not a lone dot", S("x\n. \ny\n"), 1, S("x\r\n. \r\ny\r\n"), -1, 3, 0},
	{"\"\\t.\\n\" is not a lone dot", S("x\n\t.\ny\n"), 1, S("x\r\n\t.\r\ny\r\n"), -1, 3, 0},
	{"\".x\" is kept", S("x\n.x\ny\n"), 1, S("x\r\n.x\r\ny\r\n"), -1, 3, 0},
	{"\"..x\" is kept as is (no stuffing in the spool)", S("x\n..x\n"), 1, S("x\r\n..x\r\n"), -1, 2, 0},
	{"\"..\" is kept as is and does not end the input", S("x\n..\ny\n"), 1, S("x\r\n..\r\ny\r\n"), -1, 3, 0},
	{"\"x.\" is kept", S("x.\ny\n"), 1, S("x.\r\ny\r\n"), -1, 2, 0},
	{"a lone dot on the first line leaves nothing", S(".\nx\n"), 1, S(""), -1, 0, 0},
	{"a lone dot at EOF without a newline ends the input", S("x\n."), 1, S("x\r\n"), -1, 1, 0},
	{"without dot_ends_input a dot at EOF gets its CRLF", S("x\n."), 0, S("x\r\n.\r\n"), -1, 2, 0},
	{"a lone dot right after the blank line", S("A: b\n\n.\n"), 1, S("A: b\r\n\r\n"), 8, 2, 0},
	{"8-bit bytes are noted", S("Subject: caf\xc3\xa9\n\nx\n"), 1, S("Subject: caf\xc3\xa9\r\n\r\nx\r\n"), 18, 3, 1},
	{"8-bit bytes after the lone dot are not", S("x\n.\n\xff\n"), 1, S("x\r\n"), -1, 1, 0},
	{"a NUL after the lone dot is never read", S("x\n.\n\0\n"), 1, S("x\r\n"), -1, 1, 0},
	{"control characters other than NUL pass", S("a\x01\x7f\tb\n"), 1, S("a\x01\x7f\tb\r\n"), -1, 1, 0},
};

/* Reads the whole spool file back. */
static char *read_back(const struct spool *s, size_t *n)
{
	char *p = malloc((size_t)s->size + 1);
	ssize_t r = 0;

	*n = 0;
	if (!p)
		return NULL;
	if (s->size > 0)
		r = pread(s->fd, p, (size_t)s->size, 0);
	*n = r > 0 ? (size_t)r : 0;
	p[*n] = '\0';
	return p;
}

static void test_cases(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct spool s;
		struct err e = {0};
		char *got;
		size_t n;
		struct stat st;

		if (!ok(spool_from_memory(cases[i].in, cases[i].inlen, cases[i].dot_ends, &s, &e) == 0,
			"%s: spooled", cases[i].name)) {
			diag("error: %s", e.msg);
			continue;
		}
		got = read_back(&s, &n);
		is_mem(got, n, cases[i].out, cases[i].outlen, "%s: content", cases[i].name);
		is_int(s.size, (long long)cases[i].outlen, "%s: size", cases[i].name);
		ok(fstat(s.fd, &st) == 0 && st.st_size == s.size, "%s: the file's size is size", cases[i].name);
		is_int(s.header_end, cases[i].header_end, "%s: header_end", cases[i].name);
		is_int(s.lines, cases[i].lines, "%s: lines", cases[i].name);
		is_int(s.has_8bit, cases[i].has_8bit, "%s: has_8bit", cases[i].name);
		free(got);
		spool_close(&s);
	}
}

static const struct {
	const char *name;
	const char *in;
	size_t inlen;
	int dot_ends;
	const char *msg;
} nuls[] = {
	{"a NUL on the first line", S("\0"), 1, "line 1 contains a NUL byte"},
	{"a NUL on line 3", S("A: b\n\nline\0three\n"), 1, "line 3 contains a NUL byte"},
	{"a NUL on line 3 with -i", S("A: b\n\nline\0three\n"), 0, "line 3 contains a NUL byte"},
	{"a NUL after CRLF endings", S("a\r\nb\r\n\0"), 1, "line 3 contains a NUL byte"},
	{"a NUL after a bare CR in the body", S("A: b\n\na\r\0"), 1, "line 4 contains a NUL byte"},
	/* A bare CR in the header section could split a field: refused. */
	{"To: with a bare CR before Bcc:", S("To: a@x.test\rBcc: evil@x.test\n\nbody\n"), 1,
	 "header field To (line 1) holds a carriage return without a line feed"},
	{"Subject: with a bare CR before Resent-To:",
	 S("From: a@x.test\nSubject: report\rResent-To: thief@x.test\n\nbody\n"), 1,
	 "header field Subject (line 2) holds a carriage return"},
	{"CR CR LF in the header section", S("a\r\r\nb\n"), 1,
	 "line 1 of the header section holds a carriage return"},
	{"LF CR in the header section", S("A: b\n\rC: d\n"), 1,
	 "line 2 of the header section holds a carriage return"},
	{"a NUL after a lone dot when -i keeps it", S("x\n.\n\0\n"), 0, "line 3 contains a NUL byte"},
	{"a NUL right after a leading dot", S(".\0\n"), 1, "line 1 contains a NUL byte"},
};

static void test_nul(void)
{
	for (size_t i = 0; i < sizeof nuls / sizeof nuls[0]; i++) {
		struct spool s;
		struct err e = {0};

		is_int(spool_from_memory(nuls[i].in, nuls[i].inlen, nuls[i].dot_ends, &s, &e), -1,
		       "refuse %s", nuls[i].name);
		is_int(e.kind, ERR_DATA, "%s: ERR_DATA (exit 65)", nuls[i].name);
		like(e.msg, nuls[i].msg, "%s: the message names the line", nuls[i].name);
		is_int(s.fd, -1, "%s: the spool is closed", nuls[i].name);
	}
}

/* Writes data to an unlinked temporary file and spools it with spool_read,
 * which reads SPOOL_CHUNK bytes at a time. */
static int spool_via_fd(const char *data, size_t n, int dot_ends, struct spool *s, struct err *e)
{
	char path[] = "/tmp/postern-spooltest.XXXXXX";
	int fd = mkstemp(path), rc;

	if (fd < 0)
		return -2;
	unlink(path);
	if (write(fd, data, n) != (ssize_t)n || lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return -2;
	}
	rc = spool_read(fd, dot_ends, s, e);
	close(fd);
	return rc;
}

static void test_chunks(void)
{
	size_t n = SPOOL_CHUNK + 100;
	char *in = malloc(n), *got;
	struct spool s;
	struct err e = {0};
	size_t glen;

	if (!in)
		return;
	/* CR as the last byte of the first read, LF as the first of the next. */
	memset(in, 'x', n);
	in[SPOOL_CHUNK - 1] = '\r';
	in[SPOOL_CHUNK] = '\n';
	in[n - 1] = '\n';
	ok(spool_via_fd(in, n, 1, &s, &e) == 0, "CRLF split across two reads: spooled");
	got = read_back(&s, &glen);
	ok(glen == n + 1 && got && memcmp(got + SPOOL_CHUNK - 1, "\r\nx", 3) == 0,
	   "CRLF split across two reads is one line ending");
	is_int(s.lines, 2, "CRLF split across two reads: 2 lines");
	free(got);
	spool_close(&s);

	/* The lone dot's CR and LF on both sides of the boundary. */
	memset(in, 'x', n);
	in[SPOOL_CHUNK - 4] = '\n';
	in[SPOOL_CHUNK - 3] = '.';
	in[SPOOL_CHUNK - 2] = '.';
	in[SPOOL_CHUNK - 1] = '\r';
	in[SPOOL_CHUNK] = '\n';
	in[SPOOL_CHUNK + 1] = '.';
	in[SPOOL_CHUNK + 2] = '\r';
	in[SPOOL_CHUNK + 3] = '\n';
	ok(spool_via_fd(in, n, 1, &s, &e) == 0, "a split CRLF, then a lone dot: spooled");
	is_int(s.size, SPOOL_CHUNK - 4 + 2 + 4, "the input ends at the lone dot after \"..\"");
	spool_close(&s);

	free(in);
}

static void test_large(void)
{
	const char line[] = "0123456789abcdef\n";
	size_t nlines = 20000, n = nlines * (sizeof line - 1), glen;
	char *in = malloc(n), *got;
	struct spool s;
	struct err e = {0};
	int same = 1;

	if (!in)
		return;
	for (size_t i = 0; i < nlines; i++)
		memcpy(in + i * (sizeof line - 1), line, sizeof line - 1);
	ok(spool_from_memory(in, n, 1, &s, &e) == 0, "a message of %zu bytes (several output chunks)", n);
	is_int(s.size, (long long)(nlines * (sizeof line)), "size counts every CRLF");
	is_int(s.lines, (long long)nlines, "every line counted");
	got = read_back(&s, &glen);
	for (size_t i = 0; got && i < nlines && same; i++)
		same = memcmp(got + i * sizeof line, "0123456789abcdef\r\n", sizeof line) == 0;
	ok(got && glen == nlines * sizeof line && same, "the file holds every line with CRLF");
	free(got);
	spool_close(&s);

	ok(spool_via_fd(in, n, 1, &s, &e) == 0 && s.size == (off_t)(nlines * sizeof line),
	   "the same through spool_read from a file descriptor");
	spool_close(&s);
	free(in);
}

static void test_file(void)
{
	struct spool s;
	struct err e = {0};
	struct stat st;
	int flags;

	ok(spool_from_memory(S("x\n"), 1, &s, &e) == 0, "spool a line");
	ok(fstat(s.fd, &st) == 0, "fstat the spool");
	is_int(st.st_nlink, 0, "the spool file is already unlinked");
	is_int(st.st_mode & 0777, 0600, "the spool file is private (0600)");
	flags = fcntl(s.fd, F_GETFD);
	ok(flags >= 0 && (flags & FD_CLOEXEC), "the spool fd is close-on-exec");
	spool_close(&s);
	is_int(s.fd, -1, "spool_close sets fd to -1");
	spool_close(&s);
	ok(1, "spool_close twice is harmless");
}

int main(void)
{
	test_cases();
	test_nul();
	test_chunks();
	test_large();
	test_file();
	return done_testing();
}
