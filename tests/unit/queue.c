/* Unit tests for queue.c's entry reader: an ID.env as queue_add writes it
 * reads back whole, and one that is not (a repeated key, no magic line, a
 * value out of range, an address that could end its command) is reported
 * damaged, never half read. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "queue.h"
#include "tap.h"

#define ID "20250101120000_000000001-0a1b2c3d4e5f"
#define HEAD "postern-queue 1\naccount work\nsender me@example.com\nfirst 1735732800\nnext 0\n" \
	     "attempts 0\n"

static char dir[256];

static void put(const char *ext, const char *text)
{
	char path[512];
	int fd;

	snprintf(path, sizeof path, "%s/%s.%s", dir, ID, ext);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	close(fd);
}

static void remove_entry(void)
{
	char path[512];

	snprintf(path, sizeof path, "%s/%s.env", dir, ID);
	unlink(path);
	snprintf(path, sizeof path, "%s/%s.msg", dir, ID);
	unlink(path);
}

static const struct {
	const char *name;
	const char *env;
	int rc;
} entries[] = {
	{"an entry as queue_add writes it reads", HEAD "rcpt you@example.org\n", 1},
	{"an entry with an error line reads", HEAD "rcpt you@example.org\nerror 451 4.7.1 later\n", 1},
	{"an unknown key (a newer postern's) is kept harmless", HEAD "rcpt a@example.org\nnew 1\n", 1},
	{"a repeated account is damage", HEAD "account other\nrcpt you@example.org\n", -1},
	{"a repeated sender is damage", HEAD "sender other@example.com\nrcpt you@example.org\n", -1},
	{"a repeated error is damage", HEAD "rcpt a@example.org\nerror one\nerror two\n", -1},
	{"no recipient is damage", HEAD, -1},
	{"another magic line is damage", "postern-queue 2\naccount work\n", -1},
	{"attempts out of range is damage", HEAD "attempts -1\nrcpt a@example.org\n", -1},
	/* Addresses go into MAIL and RCPT as written: one edited by hand to
	 * carry a parameter or a second command is damage. */
	{"a recipient with '>' is damage", HEAD "rcpt a@example.org> NOTIFY=NEVER\n", -1},
	{"a recipient with a CR is damage", HEAD "rcpt a@example.org\rRCPT TO:<b@example.org\n", -1},
	{"a sender with '<' is damage", "postern-queue 1\naccount work\nsender <me@example.com\n"
	 "first 1735732800\nnext 0\nattempts 0\nrcpt a@example.org\n", -1},
	{"an empty sender (<>) reads", "postern-queue 1\naccount work\nsender \nfirst 1735732800\n"
	 "next 0\nattempts 0\nrcpt a@example.org\n", 1},
	{"a UTF-8 recipient reads", HEAD "rcpt j\xc3\xb6rg@b\xc3\xbc" "cher.example\n", 1},
};

int main(void)
{
	const char *tmp = getenv("TEST_TMP") ? getenv("TEST_TMP") : getenv("TMPDIR");

	snprintf(dir, sizeof dir, "%s/queue-test.XXXXXX", tmp && *tmp == '/' ? tmp : "/tmp");
	if (!mkdtemp(dir))
		abort();
	put("msg", "Subject: x\r\n\r\nbody\r\n");
	for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++) {
		struct queue_entry qe;
		struct err e = {0};
		int rc;
		put("env", entries[i].env);
		rc = queue_read(dir, ID, &qe, &e);
		is_int(rc, entries[i].rc, "%s", entries[i].name);
		if (rc < 0)
			like(e.msg, "is damaged", "%s: said so", entries[i].name);
		else if (rc > 0)
			queue_entry_free(&qe);
	}
	remove_entry();
	rmdir(dir);
	return done_testing();
}
