/*
 * The loopback redirect of a browser sign-in (RFC 8252 section 7.3): a
 * listener on 127.0.0.1 and a random port, and the wait for the request
 * that carries the answer. Any local user can connect to the port, so
 * connections are served side by side, each with its own short deadline:
 * idle or slow ones cannot hold up the browser's.
 */
#ifndef POSTERN_REDIRECT_H
#define POSTERN_REDIRECT_H

#include "buf.h"
#include "errors.h"

/* Listens on 127.0.0.1 on a port of the system's choice: the socket, its
 * port in *port; -1 with e set. */
int redirect_listen(int *port, struct err *e);

/* Is this query (the part after '?') the answer we wait for? */
typedef int (*redirect_check)(const char *query, void *ctx);

/* Waits until `deadline` (net_now_ms) for a request "GET /?QUERY" that
 * `ours` accepts: 1, with QUERY in `query`, and the browser told it may
 * close the page. Other requests are answered 400 or 404 and the wait
 * goes on. 2 when `also` (a descriptor, or -1) became readable first. -1
 * with e set at the deadline. */
int redirect_wait(int listener, int also, long long deadline, redirect_check ours, void *ctx,
		  struct buf *query, struct err *e);

/* The value of `name` in a query string (a=b&c=d), percent-decoded. 1 when
 * present, 0 when not, -1 when malformed or too long. */
int redirect_param(const char *q, const char *name, struct buf *out);

#endif
