/*
 * A buffered byte stream to the server, plain TCP or TLS, where every
 * step has a deadline: conn_step() starts one (now + timeout) and reads,
 * writes and the handshake fail with ERR_TEMP once it passes, so a server
 * that stops answering or drips one byte a second cannot hold us longer.
 * Reads are bounded: a line longer than its limit is ERR_PROTOCOL.
 */
#ifndef POSTERN_CONN_H
#define POSTERN_CONN_H

#include <openssl/ssl.h>
#include <stddef.h>

#include "bounds.h"
#include "buf.h"
#include "errors.h"
#include "net.h"
#include "proxy.h"
#include "tls.h"

struct conn {
	int fd;
	SSL *ssl;
	SSL *prepared;        /* made while connecting, for conn_start_tls */
	long timeout_s;
	long long deadline_ms;
	char rbuf[CONN_READ_CHUNK];
	size_t rpos, rlen;
	const char *host;     /* borrowed, for messages */
};

/* Connects to host:port (every address, in order), or through `proxy`
 * (a URL, or NULL), running `later` (or NULL) while the first connection
 * is under way. */
int conn_open(struct conn *c, const char *proxy, const struct proxy_login *login,
	      const char *host, long port, long timeout_s, struct net_meanwhile *later,
	      struct err *e);

/* Makes the TLS session conn_start_tls will use (errors are left for it
 * to report): CPU work that fits in a round trip. */
void conn_prepare_tls(struct conn *c, const struct tls_policy *p);

/* Starts a new step: its deadline is now + the timeout. */
void conn_step(struct conn *c);

/* TLS handshake and peer check, within the current step. */
int conn_start_tls(struct conn *c, const struct tls_policy *p, struct err *e);

/* Writes all of p[0..n) before the deadline. */
int conn_write(struct conn *c, const void *p, size_t n, struct err *e);

/* Reads one line (without its CRLF or LF) into `line`, at most max bytes.
 * ERR_TEMP on timeout or close, ERR_PROTOCOL when the line is too long. */
int conn_readline(struct conn *c, struct buf *line, size_t max, struct err *e);

/* Bytes received but not yet consumed, including any already waiting in
 * the socket (peeked, not read). */
size_t conn_pending(const struct conn *c);

/* Closes (sending TLS close_notify when possible, without waiting). */
void conn_close(struct conn *c);

#endif
