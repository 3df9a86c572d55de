#include "redirect.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "compat.h"
#include "net.h"

#define REQUEST_MAX 8192      /* a browser's request line and headers */
#define CLIENTS_MAX 16        /* connections served at once */
#define CLIENT_MS 10000       /* how long one may take to send its request */

struct client {
	int fd;
	long long deadline;
	struct buf req;
};

int redirect_listen(int *port, struct err *e)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
	socklen_t len = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 16) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		err_set(e, ERR_OS, "--authorize: cannot listen on 127.0.0.1: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*port = ntohs(sa.sin_port);
	return fd;
}

static void respond(int fd, const char *status, const char *text)
{
	char page[512];
	int n = snprintf(page, sizeof page, "HTTP/1.1 %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
			 "Connection: close\r\nContent-Length: %zu\r\n\r\n%s", status, strlen(text), text);

	if (n > 0)
		(void)!write(fd, page, (size_t)n < sizeof page ? (size_t)n : sizeof page - 1);
}

static void drop(struct client *c, int *n, int i)
{
	close(c[i].fd);
	buf_wipe(&c[i].req);
	buf_free(&c[i].req);
	c[i] = c[--*n];
}

static void take(int listener, struct client *c, int *n)
{
	int fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0) {
		if (errno != EINTR && errno != ECONNABORTED && errno != EAGAIN) {
			struct timespec ts = {0, 100000000L};   /* out of descriptors: do not spin */
			nanosleep(&ts, NULL);
		}
		return;
	}
	if (*n == CLIENTS_MAX)   /* full: the one that waited longest goes */
		drop(c, n, 0);
	c[*n] = (struct client){.fd = fd, .deadline = net_now_ms() + CLIENT_MS};
	buf_init(&c[*n].req, REQUEST_MAX);
	(*n)++;
}

/* More of client i's request: 1 once its request line is whole, 0 for
 * more to come, -1 when it closed, failed or sent too much. */
static int feed(struct client *c)
{
	char chunk[1024];
	ssize_t n = read(c->fd, chunk, sizeof chunk);
	int rc = 0;

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0 || buf_append(&c->req, chunk, (size_t)n) < 0)
		rc = -1;
	else if (memmem(c->req.data, c->req.len, "\r\n", 2))
		rc = 1;
	explicit_bzero(chunk, sizeof chunk);
	return rc;
}

/* The query of "GET /?QUERY HTTP/1.1" into `query`: 1, or 0 for another
 * request (a favicon). */
static int request_query(const struct buf *req, struct buf *query)
{
	const char *sp, *q;

	if (req->len < 5 || strncmp(req->data, "GET /", 5) != 0 || !(sp = strchr(req->data + 4, ' ')))
		return 0;
	q = memchr(req->data + 4, '?', (size_t)(sp - req->data - 4));
	return q && buf_append(query, q + 1, (size_t)(sp - q - 1)) == 0;
}

/* Serves client i's whole request line: 1 when it is our answer. */
static int serve(struct client *c, redirect_check ours, void *ctx, struct buf *query)
{
	int got = request_query(&c->req, query);

	/* Only an answer to this sign-in (our state) ends the wait: a forged or
	 * stray request to the port is turned away. */
	if (got && ours(query->data ? query->data : "", ctx)) {
		respond(c->fd, "200 OK", "postern: the answer has arrived; you may close this page.\n");
		return 1;
	}
	buf_wipe(query);
	respond(c->fd, got ? "400 Bad Request" : "404 Not Found",
		"postern is waiting for the sign-in to finish.\n");
	return 0;
}

static long long next_deadline(const struct client *c, int n, long long deadline)
{
	for (int i = 0; i < n; i++)
		if (c[i].deadline < deadline)
			deadline = c[i].deadline;
	return deadline;
}

int redirect_wait(int listener, int also, long long deadline, redirect_check ours, void *ctx,
		  struct buf *query, struct err *e)
{
	struct client c[CLIENTS_MAX];
	struct pollfd p[2 + CLIENTS_MAX];
	int n = 0, rc = 0;

	memset(c, 0, sizeof c);

	while (rc == 0) {
		int i, r, polled = n;
		p[0] = (struct pollfd){.fd = listener, .events = POLLIN};
		p[1] = (struct pollfd){.fd = also, .events = POLLIN};
		for (i = 0; i < n; i++)
			p[2 + i] = (struct pollfd){.fd = c[i].fd, .events = POLLIN};
		r = poll(p, 2 + (nfds_t)n, net_ms_left(next_deadline(c, n, deadline)));
		if (r < 0 && errno != EINTR)
			rc = err_set(e, ERR_OS, "--authorize: poll: %s", strerror(errno));
		else if (net_ms_left(deadline) == 0)
			rc = err_set(e, ERR_TEMP, "--authorize: no answer from the browser in time");
		else if (r > 0 && also >= 0 && p[1].revents)
			rc = 2;
		for (i = polled - 1; rc == 0 && r > 0 && i >= 0; i--) {   /* from the end: drop moves the last */
			int f = p[2 + i].revents ? feed(&c[i]) : 0;
			if (f == 1 && serve(&c[i], ours, ctx, query))
				rc = 1;
			else if (f != 0)
				drop(c, &n, i);
		}
		for (i = n - 1; rc == 0 && i >= 0; i--)
			if (net_ms_left(c[i].deadline) == 0)
				drop(c, &n, i);
		if (rc == 0 && r > 0 && p[0].revents)
			take(listener, c, &n);
	}
	while (n > 0)
		drop(c, &n, n - 1);
	return rc;
}

static int hexdigit(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

int redirect_param(const char *q, const char *name, struct buf *out)
{
	size_t nl = strlen(name);

	buf_wipe(out);
	while (q && *q) {
		const char *end = q + strcspn(q, "&# \r\n");
		if ((size_t)(end - q) > nl && strncmp(q, name, nl) == 0 && q[nl] == '=') {
			for (const char *p = q + nl + 1; p < end; p++) {
				char ch = *p == '+' ? ' ' : *p;
				if (*p == '%') {
					int hi = end - p > 2 ? hexdigit(p[1]) : -1;
					int lo = hi >= 0 ? hexdigit(p[2]) : -1;
					if (lo < 0)
						return -1;
					ch = (char)(hi << 4 | lo);
					p += 2;
				}
				if (ch == '\0' || buf_append(out, &ch, 1) < 0)
					return -1;
			}
			return 1;
		}
		if (*end != '&')
			break;
		q = end + 1;
	}
	return 0;
}
