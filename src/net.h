/*
 * TCP connections: every address getaddrinfo returns, tried in order, each
 * with its own deadline. The socket is non-blocking with TCP_NODELAY.
 */
#ifndef POSTERN_NET_H
#define POSTERN_NET_H

#include "errors.h"

/* Returns a connected non-blocking socket, or -1 with ERR_TEMP (refused,
 * unreachable, timed out, name not resolved) naming the host and port. */
/* Work to do while a connection is under way (once, after the first
 * connect() left the handshake to the network). */
struct net_meanwhile {
	void (*fn)(void *ctx);
	void *ctx;
};

int net_connect(const char *host, long port, long timeout_s, struct net_meanwhile *later,
		struct err *e);

/* Milliseconds left until `deadline_ms` (CLOCK_MONOTONIC), at least 0. */
int net_ms_left(long long deadline_ms);

/* CLOCK_MONOTONIC now, in milliseconds. */
long long net_now_ms(void);

#endif
