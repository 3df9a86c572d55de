#include "deadletter.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "log.h"
#include "private.h"

char *deadletter_path(void)
{
	const char *home = home_dir();
	struct buf b;

	if (!home)
		return NULL;
	buf_init(&b, 8192);
	if (buf_appendf(&b, "%s/dead.letter", home) < 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

/* mboxrd writer: CRLF -> LF, and a ">" before any line that is ">*From ".
 * The start of each line is held back until it is clear whether it needs
 * the ">", so a line split across two chunks is judged whole. */
struct mbox {
	struct buf out;
	int at_line_start;
	int deciding;
	char head[16];
	size_t headlen;
};

static int mbox_release(struct mbox *m, int escape)
{
	int rc = (escape && buf_append(&m->out, ">", 1) < 0) ||
		 buf_append(&m->out, m->head, m->headlen) < 0 ? -1 : 0;

	m->at_line_start = m->headlen && m->head[m->headlen - 1] == '\n';
	m->headlen = 0;
	m->deciding = 0;
	return rc;
}

static int mbox_byte(struct mbox *m, char c)
{
	size_t k = 0, got;

	if (c == '\r')
		return 0;
	if (m->at_line_start) {
		m->at_line_start = 0;
		m->deciding = 1;
		m->headlen = 0;
	}
	if (!m->deciding) {
		m->at_line_start = c == '\n';
		return buf_append(&m->out, &c, 1);
	}
	m->head[m->headlen++] = c;
	while (k < m->headlen && m->head[k] == '>')
		k++;
	got = m->headlen - k;
	if (c != '\n' && got < 5 && memcmp(m->head + k, "From ", got) == 0 &&
	    m->headlen < sizeof m->head)
		return 0;   /* could still become ">*From ": wait for more */
	return mbox_release(m, got >= 5 && memcmp(m->head + k, "From ", 5) == 0);
}

static int mbox_text(struct mbox *m, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (mbox_byte(m, p[i]) < 0)
			return -1;
	return 0;
}

/* The end of the message: whatever start of a line is still held back. */
static int mbox_finish(struct mbox *m)
{
	return m->deciding ? mbox_release(m, 0) : 0;
}

static int write_out(int fd, struct buf *b)
{
	size_t off = 0;

	while (off < b->len) {
		ssize_t w = write(fd, b->data + off, b->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		off += (size_t)w;
	}
	buf_reset(b);
	return 0;
}

static int append_body(int out, struct mbox *m, int fd, off_t off, off_t end)
{
	char chunk[SPOOL_CHUNK];

	while (off < end) {
		size_t want = (size_t)(end - off) < sizeof chunk ? (size_t)(end - off) : sizeof chunk;
		ssize_t r = pread(fd, chunk, want, off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		off += r;
		if (mbox_text(m, chunk, (size_t)r) < 0 || write_out(out, &m->out) < 0)
			return -1;
	}
	return 0;
}

int deadletter_append(const char *sender, const char *reason, const struct buf *header_block,
		      int fd, off_t off, off_t end, struct err *e)
{
	char *path = deadletter_path(), stamp[64];
	struct mbox m = {0};
	time_t now = time(NULL);
	struct tm tm;
	int out, rc;
	off_t start;

	if (!path)
		return err_set(e, ERR_CANTCREAT, "dead.letter: $HOME is not set");
	out = private_open(path, O_WRONLY | O_APPEND | O_CREAT, 0600);
	if (out < 0) {
		rc = err_set(e, ERR_CANTCREAT, "dead.letter %s: %s", path, errno == EPERM || errno == ELOOP
			     ? "not a file of your own (a link, or another user's): refusing to write to it"
			     : strerror(errno));
		free(path);
		return rc;
	}
	flock(out, LOCK_EX);
	start = lseek(out, 0, SEEK_END);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%a %b %e %H:%M:%S %Y", &tm);
	buf_init(&m.out, 2 * (HEADER_SECTION_MAX + SPOOL_CHUNK));
	rc = buf_appendf(&m.out, "From %s %s\nX-Postern-Failure: ", *sender ? sender : "MAILER-DAEMON",
			 stamp) < 0 ? -1 : 0;
	for (const char *r = reason; rc == 0 && *r; r++)   /* one header line, whatever it says */
		rc = buf_append(&m.out, (*r == '\n' || *r == '\r') ? " " : r, 1);
	m.at_line_start = 1;
	rc = rc < 0 || buf_append(&m.out, "\n", 1) < 0 ||
	     mbox_text(&m, header_block->data ? header_block->data : "", header_block->len) < 0 ||
	     write_out(out, &m.out) < 0 || append_body(out, &m, fd, off, end) < 0 ||
	     mbox_finish(&m) < 0 ||
	     (!m.at_line_start && buf_append(&m.out, "\n", 1) < 0) || buf_append(&m.out, "\n", 1) < 0 ||
	     write_out(out, &m.out) < 0 || fsync(out) < 0 ? -1 : 0;
	if (rc < 0) {
		err_set(e, ERR_IO, "dead.letter %s: cannot write: %s", path, strerror(errno));
		if (start >= 0 && ftruncate(out, start) < 0)   /* no half entry left behind */
			log_warn("dead.letter %s: a partial entry remains", path);
	}
	close(out);
	buf_free(&m.out);
	free(path);
	return rc;
}
