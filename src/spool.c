#include "spool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "buf.h"
#include "queue.h"

/* The normaliser's state between input chunks. */
struct norm {
	struct spool *s;
	int dot_ends;
	int pending_cr;   /* last byte was CR: is it CRLF or a bare CR? */
	int pending_dot;  /* the line so far is exactly "." (not yet written) */
	long line_len;    /* bytes on the current line so far */
	int done;         /* the lone-dot line was seen */
	char out[SPOOL_CHUNK];
	size_t outlen;
	struct err *e;
};

static int norm_flush(struct norm *n)
{
	size_t off = 0;

	while (off < n->outlen) {
		ssize_t w = write(n->s->fd, n->out + off, n->outlen - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return err_set(n->e, ERR_IO, "spool: write to the temporary file: %s", strerror(errno));
		off += (size_t)w;
	}
	n->s->size += (off_t)n->outlen;
	n->outlen = 0;
	return 0;
}

static int norm_put(struct norm *n, char c)
{
	if (n->outlen == sizeof n->out && norm_flush(n) < 0)
		return -1;
	n->out[n->outlen++] = c;
	return 0;
}

static int norm_end_line(struct norm *n)
{
	if (n->pending_dot) {
		n->pending_dot = 0;
		if (n->dot_ends) {
			n->done = 1;
			return 0;
		}
		if (norm_put(n, '.') < 0)
			return -1;
	}
	if (norm_put(n, '\r') < 0 || norm_put(n, '\n') < 0)
		return -1;
	n->s->lines++;
	if (n->line_len > 998) {
		n->s->long_lines = 1;
		n->s->last_long_end = n->s->size + (off_t)n->outlen;
	}
	if (n->line_len == 0 && n->s->header_end < 0)
		n->s->header_end = n->s->size + (off_t)n->outlen;
	n->line_len = 0;
	return 0;
}

static int norm_char(struct norm *n, unsigned char c)
{
	if (c == '\0')
		return err_set(n->e, ERR_DATA, "message: line %ld contains a NUL byte, which SMTP "
			       "cannot carry", n->s->lines + 1);
	if (c >= 0x80)
		n->s->has_8bit = 1;
	if (n->pending_dot) {
		n->pending_dot = 0;
		if (norm_put(n, '.') < 0)
			return -1;
	} else if (c == '.' && n->line_len == 0) {
		n->pending_dot = 1;
		n->line_len++;
		return 0;
	}
	n->line_len++;
	return norm_put(n, (char)c);
}

/* A CR without LF in the header section: a web form that strips only LF
 * would let "To: a@x\rBcc: b@y" add a field, so it is refused. The field
 * is named when its line is still in the buffer. */
static int bare_cr_in_header(struct norm *n)
{
	const char *line = (size_t)n->line_len <= n->outlen ? n->out + n->outlen - n->line_len : "";
	size_t len = (size_t)n->line_len <= n->outlen ? (size_t)n->line_len : 0;
	const char *colon = memchr(line, ':', len);
	int name = colon && colon > line && colon - line <= 64 ? (int)(colon - line) : 0;

	for (int i = 0; i < name; i++)
		if ((unsigned char)line[i] <= ' ' || (unsigned char)line[i] >= 0x7f)
			name = 0;
	if (name)
		return err_set(n->e, ERR_DATA, "message: header field %.*s (line %ld) holds a carriage "
			       "return without a line feed, which could split it into another field; "
			       "refused", name, line, n->s->lines + 1);
	return err_set(n->e, ERR_DATA, "message: line %ld of the header section holds a carriage "
		       "return without a line feed, which could split it into another field; refused",
		       n->s->lines + 1);
}

/* Feeds one byte; bare LF and CRLF end a line, and so does a bare CR in the
 * body (it reaches the server as CRLF); in the header section a bare CR is
 * refused. */
static int norm_byte(struct norm *n, unsigned char c)
{
	if (n->pending_cr) {
		n->pending_cr = 0;
		if (c != '\n' && n->s->header_end < 0)
			return bare_cr_in_header(n);
		if (norm_end_line(n) < 0)
			return -1;
		if (c == '\n' || n->done)
			return 0;
	}
	if (c == '\r') {
		n->pending_cr = 1;
		return 0;
	}
	if (c == '\n')
		return norm_end_line(n);
	return norm_char(n, c);
}

/* Copies a run of ordinary bytes (no CR, LF or NUL) in the middle of a
 * line at once; returns how many were taken (0: take the slow path). */
static size_t norm_run(struct norm *n, const char *p, size_t len)
{
	size_t i = 0;
	unsigned char high = 0;

	if (n->pending_cr || n->pending_dot || n->line_len == 0)
		return 0;
	while (i < len && p[i] != '\r' && p[i] != '\n' && p[i] != '\0' &&
	       i < sizeof n->out - n->outlen) {
		high |= (unsigned char)p[i];
		i++;
	}
	memcpy(n->out + n->outlen, p, i);
	n->outlen += i;
	n->line_len += (long)i;
	if (high & 0x80)
		n->s->has_8bit = 1;
	return i;
}

static int norm_feed(struct norm *n, const char *p, size_t len)
{
	size_t i = 0;

	while (i < len && !n->done) {
		size_t run = norm_run(n, p + i, len - i);
		if (run) {
			i += run;
			continue;
		}
		if (norm_byte(n, (unsigned char)p[i++]) < 0)
			return -1;
	}
	return 0;
}

/* The last line may lack its line ending; SMTP needs one. */
static int norm_finish(struct norm *n)
{
	if (!n->done && (n->pending_cr || n->line_len > 0)) {
		n->pending_cr = 0;
		if (norm_end_line(n) < 0)
			return -1;
	}
	return norm_flush(n);
}

/* A nameless file in `dir` (O_TMPFILE, so a kill leaves nothing behind),
 * else one removed at once; -1 with errno. */
static int nameless_file(const char *dir)
{
	char path[4096];
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
		return fd;
	if (snprintf(path, sizeof path, "%s/postern.XXXXXX", dir) >= (int)sizeof path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);   /* private from now on, and gone when we exit */
	return fd;
}

/* The queue's own tmp/ folder, where only the user writes (a shared /tmp
 * that another user fills cannot stop the mail); else $TMPDIR, or /tmp. */
int spool_tempfile(struct err *e)
{
	const char *dir = getenv("TMPDIR");
	struct buf q;
	struct err ignored;
	int fd = -1;

	buf_init(&q, 4096);
	if (queue_dir(&q, &ignored) == 0 && buf_appends(&q, "/tmp") == 0)
		fd = nameless_file(q.data);
	buf_free(&q);
	if (fd >= 0)
		return fd;
	if (!dir || *dir != '/' || strlen(dir) > 4000)
		dir = "/tmp";
	fd = nameless_file(dir);
	if (fd < 0)
		return err_set(e, ERR_CANTCREAT, "spool: cannot create a temporary file in the queue "
			       "folder or in %s: %s", dir, strerror(errno));
	return fd;
}

static int spool_open(struct spool *s, struct err *e)
{
	memset(s, 0, sizeof *s);
	s->header_end = -1;
	s->fd = spool_tempfile(e);
	return s->fd < 0 ? -1 : 0;
}

static int spool_run(struct norm *n, int in_fd, const char *mem, size_t memlen)
{
	char chunk[SPOOL_CHUNK];

	if (mem)
		return norm_feed(n, mem, memlen) < 0 ? -1 : norm_finish(n);
	while (!n->done) {
		ssize_t r = read(in_fd, chunk, sizeof chunk);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return err_set(n->e, ERR_IO, "message: reading standard input: %s", strerror(errno));
		if (r == 0)
			break;
		if (norm_feed(n, chunk, (size_t)r) < 0)
			return -1;
	}
	return norm_finish(n);
}

static int spool_do(int in_fd, const char *mem, size_t memlen, int dot_ends,
		    struct spool *s, struct err *e)
{
	struct norm *n;
	int rc;

	if (spool_open(s, e) < 0)
		return -1;
	n = calloc(1, sizeof *n);
	if (!n) {
		spool_close(s);
		return err_set(e, ERR_OS, "spool: out of memory");
	}
	n->s = s;
	n->dot_ends = dot_ends;
	n->e = e;
	rc = spool_run(n, in_fd, mem, memlen);
	free(n);
	if (rc < 0)
		spool_close(s);
	return rc;
}

int spool_read(int in_fd, int dot_ends_input, struct spool *s, struct err *e)
{
	return spool_do(in_fd, NULL, 0, dot_ends_input, s, e);
}

int spool_from_memory(const char *p, size_t n, int dot_ends_input, struct spool *s, struct err *e)
{
	return spool_do(-1, p, n, dot_ends_input, s, e);
}

void spool_close(struct spool *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}
