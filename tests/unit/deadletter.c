/* dead.letter is mboxrd: every line that reads ">*From " gets one more ">",
 * wherever the line falls in the chunks the file is read in, and the
 * failure reason is one header line. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deadletter.h"
#include "tap.h"

static char home[] = "/tmp/postern-dltest.XXXXXX";

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = calloc(1, (size_t)n + 1);
	if (s && fread(s, 1, (size_t)n, f) != (size_t)n)
		s[0] = '\0';
	fclose(f);
	return s;
}

int main(void)
{
	char path[256], body[256], *got;
	struct buf hdr;
	struct err e = {0};
	int fd;
	size_t pad = 65536 - 3;   /* "From " straddles the first 64 KiB chunk */
	char *text;

	if (!mkdtemp(home))
		return 1;
	setenv("HOME", home, 1);
	snprintf(body, sizeof body, "%s/body", home);
	text = malloc(pad + 64);
	memset(text, 'x', pad - 1);
	text[pad - 1] = '\n';
	memcpy(text + pad, "From me\r\n>From you\r\nFromage\r\n", 30);
	fd = open(body, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, text, pad + 30) != (ssize_t)(pad + 30))
		return 1;
	buf_init(&hdr, 1024);
	(void)!buf_appends(&hdr, "Subject: x\r\nFrom: a@b.c\r\n\r\n");
	ok(deadletter_append("a@b.c", "RCPT: refused\nsecond line", &hdr, fd, 0, (off_t)(pad + 30), &e) == 0,
	   "appended (%s)", e.msg);
	snprintf(path, sizeof path, "%s/dead.letter", home);
	got = slurp(path);
	ok(got && strncmp(got, "From a@b.c ", 11) == 0, "starts with an mbox From line");
	like(got ? got : "", "\nX-Postern-Failure: RCPT: refused second line\nSubject: x\n", "reason on one line, then the message");
	like(got ? got : "", "\n>From me\n", "a From line split across chunks is escaped");
	like(got ? got : "", "\n>>From you\n", "a >From line gets one more >");
	like(got ? got : "", "\nFromage\n", "Fromage is left alone");
	ok(got && !strstr(got, "\r"), "no CR left");
	ok(got && !strstr(got, "\nFrom me"), "no unescaped From line inside the message");
	free(got);
	unlink(path);
	unlink(body);
	rmdir(home);
	free(text);
	buf_free(&hdr);
	close(fd);
	return done_testing();
}
