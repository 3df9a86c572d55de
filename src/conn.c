#include "conn.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <poll.h>
#include <sys/socket.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "net.h"
#include "proxy.h"

int conn_open(struct conn *c, const char *proxy, const struct proxy_login *login,
	      const char *host, long port, long timeout_s, struct net_meanwhile *later,
	      struct err *e)
{
	memset(c, 0, sizeof *c);
	c->fd = -1;
	c->host = host;
	c->timeout_s = timeout_s;
	conn_step(c);
	c->fd = proxy ? proxy_connect(proxy, login, host, port, timeout_s, later, e)
		      : net_connect(host, port, timeout_s, later, e);
	return c->fd < 0 ? -1 : 0;
}

void conn_prepare_tls(struct conn *c, const struct tls_policy *p)
{
	struct err ignored = {0};

	if (!c->prepared)
		c->prepared = tls_session_new(p, -1, &ignored);
	ERR_clear_error();
}

void conn_step(struct conn *c)
{
	c->deadline_ms = net_now_ms() + c->timeout_s * 1000;
}

/* Waits until the socket is ready for `events` or the step's deadline.
 * Before waiting to read, asks for prompt ACKs (Linux clears the flag by
 * itself): a server whose Nagle holds its next reply until our ACK of the
 * last one (a TLS session ticket before the EHLO reply, the replies of
 * messages in flight) would otherwise wait for our delayed ACK, 40 ms. */
static int conn_wait(struct conn *c, short events, const char *what, struct err *e)
{
	struct pollfd p = {.fd = c->fd, .events = events};
#ifdef TCP_QUICKACK
	int one = 1;

	if (events & POLLIN)
		(void)setsockopt(c->fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
#endif
	for (;;) {
		int r = poll(&p, 1, net_ms_left(c->deadline_ms));
		if (r > 0)
			return 0;
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return err_set(e, ERR_TEMP, "%s: poll: %s", what, strerror(errno));
		return err_set(e, ERR_TEMP, "%s: no answer from %s within %ld seconds (timeout)", what,
			       c->host, c->timeout_s);
	}
}

/* After an SSL call returned r <= 0: wait and retry (1), or fail (-1). */
static int conn_ssl_retry(struct conn *c, int r, const char *what, struct err *e)
{
	int code = SSL_get_error(c->ssl, r);

	if (code == SSL_ERROR_WANT_READ)
		return conn_wait(c, POLLIN, what, e) < 0 ? -1 : 1;
	if (code == SSL_ERROR_WANT_WRITE)
		return conn_wait(c, POLLOUT, what, e) < 0 ? -1 : 1;
	if (code == SSL_ERROR_ZERO_RETURN || (code == SSL_ERROR_SYSCALL && ERR_peek_error() == 0))
		return err_set(e, ERR_TEMP, "%s: %s closed the connection", what, c->host);
	if (code == SSL_ERROR_SSL && ERR_GET_REASON(ERR_peek_error()) == SSL_R_WRONG_VERSION_NUMBER) {
		ERR_clear_error();
		return err_set(e, ERR_PROTOCOL, "%s: %s sent plaintext where TLS was expected (injected "
			       "data after STARTTLS, or a port that wants tls = starttls)", what, c->host);
	}
	return err_set(e, ERR_TEMP, "%s: TLS error: %s", what, tls_error_string());
}

int conn_start_tls(struct conn *c, const struct tls_policy *p, struct err *e)
{
	int r;

	if (c->prepared && SSL_set_fd(c->prepared, c->fd) == 1) {
		c->ssl = c->prepared;
		c->prepared = NULL;
	} else {
		c->ssl = tls_session_new(p, c->fd, e);
	}
	if (!c->ssl)
		return -1;
	while ((r = SSL_connect(c->ssl)) != 1) {
		long v = SSL_get_verify_result(c->ssl);
		if (SSL_get_error(c->ssl, r) == SSL_ERROR_SSL && v != X509_V_OK) {
			ERR_clear_error();
			return err_set(e, ERR_TEMP, "TLS: certificate of %s not trusted: %s", p->host,
				       X509_verify_cert_error_string(v));
		}
		if (conn_ssl_retry(c, r, "TLS handshake", e) < 0)
			return -1;
	}
	return tls_check_peer(c->ssl, p, e);
}

/* One write attempt; returns bytes written, 0 to wait again, -1 on error. */
static ssize_t conn_write_some(struct conn *c, const char *p, size_t n, struct err *e)
{
	if (c->ssl) {
		int r = SSL_write(c->ssl, p, n > 0x7fffffff ? 0x7fffffff : (int)n);
		if (r > 0)
			return r;
		return conn_ssl_retry(c, r, "send", e) < 0 ? -1 : 0;
	}
	ssize_t r = send(c->fd, p, n, MSG_NOSIGNAL);
	if (r >= 0)
		return r;
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return conn_wait(c, POLLOUT, "send", e) < 0 ? -1 : 0;
	if (errno == EINTR)
		return 0;
	return err_set(e, ERR_TEMP, "send: connection to %s lost: %s", c->host, strerror(errno));
}

int conn_write(struct conn *c, const void *p, size_t n, struct err *e)
{
	const char *s = p;

	while (n > 0) {
		ssize_t w;
		if (net_ms_left(c->deadline_ms) == 0)
			return err_set(e, ERR_TEMP, "send: %s did not take the data within %ld seconds "
				       "(timeout)", c->host, c->timeout_s);
		w = conn_write_some(c, s, n, e);
		if (w < 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Refills rbuf; fails on timeout, close or error. */
static int conn_fill(struct conn *c, struct err *e)
{
	for (;;) {
		ssize_t r;
		if (net_ms_left(c->deadline_ms) == 0)
			return err_set(e, ERR_TEMP, "read: no complete reply from %s within %ld seconds "
				       "(timeout)", c->host, c->timeout_s);
		if (c->ssl) {
			int n = SSL_read(c->ssl, c->rbuf, sizeof c->rbuf);
			if (n > 0) {
				c->rpos = 0, c->rlen = (size_t)n;
				return 0;
			}
			if (conn_ssl_retry(c, n, "read", e) < 0)
				return -1;
			continue;
		}
		r = recv(c->fd, c->rbuf, sizeof c->rbuf, 0);
		if (r > 0) {
			c->rpos = 0, c->rlen = (size_t)r;
			return 0;
		}
		if (r == 0)
			return err_set(e, ERR_TEMP, "read: %s closed the connection", c->host);
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			if (conn_wait(c, POLLIN, "read", e) < 0)
				return -1;
		} else if (errno != EINTR) {
			return err_set(e, ERR_TEMP, "read: connection to %s lost: %s", c->host,
				       strerror(errno));
		}
	}
}

int conn_readline(struct conn *c, struct buf *line, size_t max, struct err *e)
{
	buf_reset(line);
	for (;;) {
		char *nl;
		size_t take;
		if (c->rpos == c->rlen && conn_fill(c, e) < 0)
			return -1;
		nl = memchr(c->rbuf + c->rpos, '\n', c->rlen - c->rpos);
		take = nl ? (size_t)(nl - (c->rbuf + c->rpos)) : c->rlen - c->rpos;
		if (line->len + take > max)
			return err_set(e, ERR_PROTOCOL, "read: %s sent a reply line longer than %zu bytes",
				       c->host, max);
		if (buf_append(line, c->rbuf + c->rpos, take) < 0)
			return err_set(e, ERR_OS, "read: out of memory");
		c->rpos += take;
		if (nl) {
			c->rpos++;
			if (line->len && line->data[line->len - 1] == '\r')
				line->data[--line->len] = '\0';
			return 0;
		}
	}
}

size_t conn_pending(const struct conn *c)
{
	char b;
	size_t n = (c->rlen - c->rpos) + (c->ssl ? (size_t)SSL_pending(c->ssl) : 0);

	if (n == 0 && !c->ssl && recv(c->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) == 1)
		n = 1;
	return n;
}

void conn_close(struct conn *c)
{
	tls_session_free(c->prepared);
	c->prepared = NULL;
	if (c->ssl) {
		SSL_shutdown(c->ssl);   /* non-blocking: sends close_notify if it can */
		tls_session_free(c->ssl);
		c->ssl = NULL;
	}
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}
