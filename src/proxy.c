#include "proxy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum proxy_kind { PROXY_SOCKS5, PROXY_SOCKS5H, PROXY_HTTP };

struct proxy {
	enum proxy_kind kind;
	char host[256];
	long port;
	const char *url;
	long long deadline_ms;
};

static int parse(const char *url, struct proxy *p, struct err *e)
{
	const char *rest = strstr(url, "://"), *colon;
	char *end;

	p->url = url;
	p->kind = strncmp(url, "socks5h:", 8) == 0 ? PROXY_SOCKS5H :
		  strncmp(url, "socks5:", 7) == 0 ? PROXY_SOCKS5 : PROXY_HTTP;
	rest = rest ? rest + 3 : url;
	colon = strrchr(rest, ':');
	if (!colon || (size_t)(colon - rest) >= sizeof p->host || colon == rest)
		return err_set(e, ERR_CONFIG, "proxy %s: expected HOST:PORT", url);
	if (*rest == '[' && colon[-1] == ']')   /* [IPv6]:port */
		snprintf(p->host, sizeof p->host, "%.*s", (int)(colon - rest - 2), rest + 1);
	else
		snprintf(p->host, sizeof p->host, "%.*s", (int)(colon - rest), rest);
	p->port = strtol(colon + 1, &end, 10);
	if (*end || p->port < 1 || p->port > 65535)
		return err_set(e, ERR_CONFIG, "proxy %s: bad port", url);
	return 0;
}

/* Waits for `events` on fd until the deadline. */
static int wait_for(int fd, short events, const struct proxy *p, struct err *e)
{
	struct pollfd pfd = {.fd = fd, .events = events};
	int r;

	do
		r = poll(&pfd, 1, net_ms_left(p->deadline_ms));
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return err_set(e, ERR_TEMP, "proxy %s: no answer in time", p->url);
	return r < 0 ? err_set(e, ERR_TEMP, "proxy %s: poll: %s", p->url, strerror(errno)) : 0;
}

static int send_all(int fd, const void *data, size_t n, const struct proxy *p, struct err *e)
{
	const char *d = data;

	while (n) {
		ssize_t w = send(fd, d, n, MSG_NOSIGNAL);
		if (w > 0) {
			d += w;
			n -= (size_t)w;
		} else if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
			if (wait_for(fd, POLLOUT, p, e) < 0)
				return -1;
		} else {
			return err_set(e, ERR_TEMP, "proxy %s: %s", p->url, w < 0 ? strerror(errno) : "closed");
		}
	}
	return 0;
}

/* Exactly n bytes: never more, so the smarthost's first bytes stay in
 * the socket for the SMTP (or TLS) layer. */
static int recv_exact(int fd, void *data, size_t n, const struct proxy *p, struct err *e)
{
	char *d = data;

	while (n) {
		ssize_t r = recv(fd, d, n, 0);
		if (r > 0) {
			d += r;
			n -= (size_t)r;
		} else if (r < 0 && (errno == EAGAIN || errno == EINTR)) {
			if (wait_for(fd, POLLIN, p, e) < 0)
				return -1;
		} else {
			return err_set(e, ERR_TEMP, "proxy %s: the proxy closed the connection%s%s", p->url,
				       r < 0 ? ": " : "", r < 0 ? strerror(errno) : "");
		}
	}
	return 0;
}

static const char *socks_reason(int rep)
{
	static const char *const why[] = {"succeeded", "general SOCKS server failure",
		"connection not allowed by ruleset", "network unreachable", "host unreachable",
		"connection refused", "TTL expired", "command not supported",
		"address type not supported"};

	return rep >= 0 && rep < 9 ? why[rep] : "unknown reply";
}

/* The address part of a SOCKS5 request: the name itself (socks5h), or the
 * address this machine resolves it to (socks5). */
static int socks_address(const struct proxy *p, const char *host, unsigned char *out, size_t *len,
			 struct err *e)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
	size_t n = strlen(host);
	int rc;

	if (p->kind == PROXY_SOCKS5H) {
		if (n > 255)
			return err_set(e, ERR_CONFIG, "proxy %s: host name too long", p->url);
		out[0] = 3;
		out[1] = (unsigned char)n;
		memcpy(out + 2, host, n);
		*len = 2 + n;
		return 0;
	}
	if ((rc = getaddrinfo(host, NULL, &hints, &res)) != 0)
		return err_set(e, ERR_TEMP, "connect %s: cannot resolve the name: %s", host,
			       gai_strerror(rc));
	if (res->ai_family == AF_INET6) {
		out[0] = 4;
		memcpy(out + 1, &((struct sockaddr_in6 *)res->ai_addr)->sin6_addr, 16);
		*len = 17;
	} else {
		out[0] = 1;
		memcpy(out + 1, &((struct sockaddr_in *)res->ai_addr)->sin_addr, 4);
		*len = 5;
	}
	freeaddrinfo(res);
	return 0;
}

static int socks5(int fd, const struct proxy *p, const char *host, long port, struct err *e)
{
	unsigned char req[300] = {5, 1, 0}, rep[4], skip[258];
	size_t alen = 0, tail;

	if (send_all(fd, req, 3, p, e) < 0 || recv_exact(fd, rep, 2, p, e) < 0)
		return -1;
	if (rep[0] != 5)
		return err_set(e, ERR_TEMP, "proxy %s: not a SOCKS5 proxy", p->url);
	if (rep[1] != 0)
		return err_set(e, ERR_TEMP, "proxy %s: the proxy wants authentication, which postern "
			       "does not offer", p->url);
	req[0] = 5;
	req[1] = 1;   /* CONNECT */
	req[2] = 0;
	if (socks_address(p, host, req + 3, &alen, e) < 0)
		return -1;
	req[3 + alen] = (unsigned char)(port >> 8);
	req[4 + alen] = (unsigned char)port;
	if (send_all(fd, req, 5 + alen, p, e) < 0 || recv_exact(fd, rep, 4, p, e) < 0)
		return -1;
	if (rep[0] != 5 || rep[1] != 0)
		return err_set(e, ERR_TEMP, "proxy %s: cannot reach %s port %ld: %s", p->url, host, port,
			       rep[0] == 5 ? socks_reason(rep[1]) : "not a SOCKS5 reply");
	if (rep[3] == 1)
		tail = 4 + 2;
	else if (rep[3] == 4)
		tail = 16 + 2;
	else if (rep[3] == 3 && recv_exact(fd, skip, 1, p, e) == 0)
		tail = skip[0] + 2u;
	else
		return e->kind ? -1 : err_set(e, ERR_TEMP, "proxy %s: a malformed SOCKS5 reply", p->url);
	return recv_exact(fd, skip, tail, p, e);
}

/* HTTP CONNECT; the answer's header is read a byte at a time (bounded),
 * so nothing after it is taken from the smarthost. */
static int http_connect(int fd, const struct proxy *p, const char *host, long port, struct err *e)
{
	char req[700], head[4096], *sp;
	int v6 = strchr(host, ':') != NULL, n;
	size_t len = 0;
	long status;

	n = snprintf(req, sizeof req, "CONNECT %s%s%s:%ld HTTP/1.1\r\nHost: %s%s%s:%ld\r\n\r\n",
		     v6 ? "[" : "", host, v6 ? "]" : "", port, v6 ? "[" : "", host, v6 ? "]" : "", port);
	if (n < 0 || (size_t)n >= sizeof req)
		return err_set(e, ERR_CONFIG, "proxy %s: host name too long", p->url);
	if (send_all(fd, req, (size_t)n, p, e) < 0)
		return -1;
	while (len < 4 || memcmp(head + len - 4, "\r\n\r\n", 4) != 0) {
		if (len == sizeof head - 1)
			return err_set(e, ERR_TEMP, "proxy %s: an endless answer to CONNECT", p->url);
		if (recv_exact(fd, head + len, 1, p, e) < 0)
			return -1;
		len++;
	}
	head[len] = '\0';
	head[strcspn(head, "\r\n")] = '\0';
	sp = strchr(head, ' ');
	status = sp ? strtol(sp + 1, NULL, 10) : 0;
	if (strncmp(head, "HTTP/1.", 7) != 0 || status < 200 || status > 299)
		return err_set(e, ERR_TEMP, "proxy %s: CONNECT to %s port %ld refused: %.200s", p->url, host,
			       port, head);
	return 0;
}

int proxy_connect(const char *url, const char *host, long port, long timeout_s,
		  struct net_meanwhile *later, struct err *e)
{
	struct proxy p;
	int fd, rc;

	if (parse(url, &p, e) < 0)
		return -1;
	p.deadline_ms = net_now_ms() + timeout_s * 1000;
	fd = net_connect(p.host, p.port, timeout_s, later, e);
	if (fd < 0)
		return err_prefix(e, "proxy %s", url);
	rc = p.kind == PROXY_HTTP ? http_connect(fd, &p, host, port, e) : socks5(fd, &p, host, port, e);
	if (rc < 0) {
		close(fd);
		return -1;
	}
	return fd;
}
