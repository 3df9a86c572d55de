/*
 * Connections through a proxy (the account's or [postern]'s `proxy`):
 * SOCKS5 (RFC 1928) with the name resolved here (socks5://) or by the proxy
 * (socks5h://), with a user name and password when given (RFC 1929), or
 * HTTP CONNECT (RFC 9110 section 9.3.6, http://; Basic authentication). Only the TCP path changes: TLS and the certificate
 * checks stay end to end with the smarthost. The proxy down or refusing is
 * a temporary failure with the proxy's reason.
 */
#ifndef POSTERN_PROXY_H
#define POSTERN_PROXY_H

#include "errors.h"
#include "net.h"

/* A connected non-blocking socket to host:port through the proxy at `url`
 * (checked by the configuration), all within timeout_s; -1 with ERR_TEMP
 * naming the proxy. `later` runs while the connection to the proxy is
 * made. */
struct proxy_login {
	const char *user;          /* NULL: no authentication */
	const char *password;
};

int proxy_connect(const char *url, const struct proxy_login *login, const char *host, long port,
		  long timeout_s, struct net_meanwhile *later, struct err *e);

#endif
