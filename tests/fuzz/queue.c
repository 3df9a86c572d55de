/* Fuzzes the queue entry reader (queue.c) and what `postern -bp` and
 * `postern -q` do with an entry: the input is a corrupt or odd ID.env, a
 * NUL, and its ID.msg, written into a private queue folder
 * ($XDG_STATE_HOME and $HOME point into a temporary folder). Then:
 *  - cmd_mailq lists the queue (-bp; its output goes to /dev/null);
 *  - outbox_flush runs the queue (-q) for an account whose server refuses
 *    the connection (a loopback port bound here and never listened on), so
 *    the entry is taken, locked, re-read and deferred: queue_update writes
 *    it back, and reading it again must give the same entry;
 *  - the message file goes through what a session does with it: the 7-bit
 *    downgrade (a server without 8BITMIME) and dot-stuffing, whose output
 *    must have one end of data whatever the file holds.
 * Nothing may crash, leak or hang. */
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "body.h"
#include "bounds.h"
#include "cmd_queue.h"
#include "downgrade.h"
#include "fuzz.h"
#include "outbox.h"
#include "queue.h"

#define ID "20250101120000_000000001-0a1b2c3d4e5f"

static char top[256];
static char qdir[256];
static long refused_port;

static void rm_dir(const char *path, int keep_dir)
{
	char sub[512];
	DIR *d = opendir(path);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		struct stat st;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
		if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			rm_dir(sub, 0);
		else
			unlink(sub);
	}
	if (d)
		closedir(d);
	if (!keep_dir)
		rmdir(path);
}

static void remove_top(void)
{
	rm_dir(top, 0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof sa;
	struct buf b;
	struct err e = {0};
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	(void)argc, (void)argv;
	fuzz_tmpdir_in_memory();
	if (!fuzz_mkdtemp("queue", top, sizeof top))
		abort();
	atexit(remove_top);
	setenv("HOME", top, 1);               /* dead.letter */
	setenv("XDG_STATE_HOME", top, 1);     /* the queue */
	buf_init(&b, sizeof qdir);
	if (queue_dir(&b, &e) < 0 || b.len >= sizeof qdir)
		abort();
	memcpy(qdir, b.data, b.len + 1);
	buf_free(&b);
	/* Bound and never listened on: every connection to it is refused. */
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    getsockname(s, (struct sockaddr *)&sa, &len) < 0)
		abort();
	refused_port = ntohs(sa.sin_port);
	if (!freopen("/dev/null", "w", stdout))   /* -bp's listing */
		abort();
	return 0;
}

/* The next input finds an empty queue and no dead.letter. */
static void clean(void)
{
	char path[512];

	rm_dir(qdir, 1);
	snprintf(path, sizeof path, "%s/tmp", qdir);
	if (mkdir(path, 0700) < 0)
		abort();
	snprintf(path, sizeof path, "%s/dead.letter", top);
	unlink(path);
}

static int put(const char *ext, const char *p, size_t n)
{
	char path[512];
	int fd, rc;

	snprintf(path, sizeof path, "%s/%s.%s", qdir, ID, ext);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	rc = fuzz_rewrite(fd, p, n);
	close(fd);
	return rc;
}

static void same_entry(const struct queue_entry *a, const struct queue_entry *b)
{
	FUZZ_CHECK(strcmp(a->account, b->account) == 0 && strcmp(a->sender, b->sender) == 0,
		   "account and sender read back");
	FUZZ_CHECK(a->first == b->first && a->next == b->next && a->attempts == b->attempts,
		   "times and attempts read back");
	FUZZ_CHECK(!a->error == !b->error && (!a->error || strcmp(a->error, b->error) == 0),
		   "the error reads back");
	FUZZ_CHECK(a->o.has_8bit == b->o.has_8bit && a->o.long_lines == b->o.long_lines &&
		   a->o.utf8_headers == b->o.utf8_headers && a->o.body_type == b->o.body_type &&
		   a->o.dsn_notify == b->o.dsn_notify && a->o.dsn_ret == b->o.dsn_ret &&
		   a->o.requiretls == b->o.requiretls && strcmp(a->o.envid, b->o.envid) == 0,
		   "the options read back");
	FUZZ_CHECK(a->rcpts.n == b->rcpts.n, "the recipients read back");
	for (int i = 0; i < a->rcpts.n; i++)
		FUZZ_CHECK(strcmp(a->rcpts.v[i].spec, b->rcpts.v[i].spec) == 0, "each recipient reads back");
}

/* What queue_update wrote reads back as the entry it was given. */
static void update_reads_back(void)
{
	struct queue_entry qe, again;
	struct err e = {0};

	if (queue_read(qdir, ID, &qe, &e) <= 0)
		return;
	qe.attempts++;
	qe.next += 60;
	free(qe.error);
	qe.error = strdup("421 4.3.2 try again\r\nlater");
	FUZZ_CHECK(queue_update(qdir, &qe, &e) == 0, "an entry read can be written back");
	FUZZ_CHECK(queue_read(qdir, ID, &again, &e) == 1, "an entry written reads back");
	free(qe.error);
	qe.error = strdup("421 4.3.2 try again  later");   /* one line, as env_text makes it */
	same_entry(&qe, &again);
	queue_entry_free(&qe);
	queue_entry_free(&again);
}

/* -q with a server that refuses the connection: the entry is deferred. */
static void flush(void)
{
	struct account a = {.name = "fuzz", .host = "127.0.0.1", .port = refused_port,
			    .user = "me", .password = "pw", .timeout = 2, .tls = TLS_STARTTLS,
			    .auth = AUTH_AUTO, .queue = QUEUE_AUTO, .tls_resume = 0};
	/* Entries first queued before 2000 have expired, later ones not. */
	struct config cfg = {.path = "fuzz.ini", .queue_lifetime = (long long)time(NULL) - 946684800,
			     .accounts = &a, .naccounts = 1};
	struct outbox_stats st = {0};
	struct err e = {0};

	(void)outbox_flush(&cfg, 1, &st, &e);
}

/* The message file as a session sends it: downgraded, then stuffed. */
static void send_file(void)
{
	struct addr_list rcpts = {0};
	struct smtp_message m = {.sender = "", .rcpts = &rcpts};
	struct buf none, out;
	struct body_stuffer bs;
	struct downgrade d;
	struct err e = {0};
	char path[512], chunk[SPOOL_CHUNK];
	int fd;
	off_t off = 0;
	ssize_t r;

	snprintf(path, sizeof path, "%s/%s.msg", qdir, ID);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	buf_init(&none, 1);
	buf_init(&out, 4 * sizeof chunk + 8);
	downgrade_init(&d);
	(void)downgrade_make(&d, &m, &(struct message_source){.header_block = &none, .fd = fd,
			     .body_off = 0, .body_end = lseek(fd, 0, SEEK_END)}, &e);
	body_init(&bs);
	while ((r = pread(fd, chunk, sizeof chunk, off)) > 0) {
		FUZZ_CHECK(body_stuff(&bs, chunk, (size_t)r, &out) == 0, "stuffing fits");
		off += r;
	}
	FUZZ_CHECK(body_finish(&bs, &out) == 0, "the terminator fits");
	FUZZ_CHECK(!memmem(out.data, out.len - 3, "\r\n.\r\n", 5) &&
		   (out.len == 3 || memcmp(out.data + out.len - 5, "\r\n.\r\n", 5) == 0),
		   "one end of data, at the end");
	downgrade_free(&d);
	buf_free(&out);
	buf_free(&none);
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *nul = memchr(p, '\0', size);
	size_t env_len = nul ? (size_t)(nul - p) : size;
	struct options o = {.mode = MODE_MAILQ};
	struct err e = {0};

	if (put("env", p, env_len) < 0 || put("msg", nul ? nul + 1 : "", nul ? size - env_len - 1 : 0) < 0)
		abort();
	(void)cmd_mailq(&o, &e);
	update_reads_back();
	send_file();
	flush();
	clean();
	return 0;
}
