#include "buf.h"
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void buf_init(struct buf *b, size_t limit)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->limit = limit;
}

static int buf_reserve(struct buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > b->limit || b->len > b->limit - extra)
		return -1;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	/* Not realloc: the old block may hold a secret and must be wiped
	 * before it is freed. */
	p = malloc(cap);
	if (!p)
		return -1;
	if (b->data) {
		memcpy(p, b->data, b->len + 1);
		explicit_bzero(b->data, b->cap);
		free(b->data);
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

int buf_append(struct buf *b, const void *p, size_t n)
{
	if (buf_reserve(b, n) < 0)
		return -1;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int buf_appends(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int buf_appendf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || buf_reserve(b, (size_t)n) < 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void buf_consume(struct buf *b, size_t n)
{
	if (n >= b->len) {
		buf_reset(b);
		return;
	}
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
	b->data[b->len] = '\0';
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void buf_wipe(struct buf *b)
{
	if (b->data)
		explicit_bzero(b->data, b->cap);
	b->len = 0;
}

void buf_free(struct buf *b)
{
	buf_wipe(b);
	free(b->data);
	b->data = NULL;
	b->cap = 0;
}

char *buf_steal(struct buf *b)
{
	char *p = b->data;

	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return p;
}

int buf_read_fd(struct buf *b, int fd)
{
	char chunk[4096];
	ssize_t n;
	int rc = 0;

	while (rc == 0 && (n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			rc = -1;
		else if (buf_append(b, chunk, (size_t)n) < 0)
			rc = (errno = EFBIG, -1);
	}
	explicit_bzero(chunk, sizeof chunk);   /* it may have held a password */
	if (rc == 0 && buf_append(b, "", 0) < 0)
		rc = (errno = EFBIG, -1);
	return rc;
}

int buf_read_file(struct buf *b, const char *path, struct stat *st, enum err_kind kind,
		  struct err *e)
{
	struct stat local;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc, saved;

	if (!st)
		st = &local;
	if (fd < 0)
		return err_set(e, kind, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return err_set(e, kind, "%s: not a regular file", path);
	}
	rc = buf_read_fd(b, fd);
	saved = errno;
	close(fd);
	if (rc < 0)
		return saved == EFBIG ? err_set(e, kind, "%s: larger than %zu bytes", path, b->limit)
				      : err_set(e, kind, "%s: read: %s", path, strerror(saved));
	if (memchr(b->data, '\0', b->len))
		return err_set(e, kind, "%s: contains a NUL byte", path);
	return 0;
}
