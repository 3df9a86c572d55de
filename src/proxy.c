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

#include "b64.h"
#include "buf.h"
#include "compat.h"

enum proxy_kind { PROXY_SOCKS5, PROXY_SOCKS5H, PROXY_HTTP };

struct proxy {
	enum proxy_kind kind;
	char host[256];
	long port;
	const char *url;
	const struct proxy_login *login;
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

/* Text into a SOCKS message: length-prefixed there, never NUL-terminated. */
static void put_text(unsigned char *dst, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = (unsigned char)s[i];
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
		put_text(out + 2, host, n);
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

/* RFC 1929: VER 1, ULEN, UNAME, PLEN, PASSWD; the answer's STATUS 0 is
 * success. */
static int socks5_login(int fd, const struct proxy *p, struct err *e)
{
	unsigned char req[515], rep[2];
	size_t ul = strlen(p->login->user), pl = strlen(p->login->password);
	int rc;

	if (ul > 255 || pl > 255)
		return err_set(e, ERR_CONFIG, "proxy %s: user name or password over 255 bytes", p->url);
	req[0] = 1;
	req[1] = (unsigned char)ul;
	put_text(req + 2, p->login->user, ul);
	req[2 + ul] = (unsigned char)pl;
	put_text(req + 3 + ul, p->login->password, pl);
	rc = send_all(fd, req, 3 + ul + pl, p, e);
	explicit_bzero(req, sizeof req);
	if (rc < 0 || recv_exact(fd, rep, 2, p, e) < 0)
		return -1;
	if (rep[0] != 1)
		return err_set(e, ERR_TEMP, "proxy %s: a malformed answer to the user name and password",
			       p->url);
	if (rep[1] != 0)   /* a person must mend it: held, not retried */
		return err_set(e, ERR_NOPERM, "proxy %s: the proxy refused the user name and password of "
			       "%s", p->url, p->login->user);
	return 0;
}

static int socks5(int fd, const struct proxy *p, const char *host, long port, struct err *e)
{
	unsigned char req[300] = {5, 1, 0}, rep[4], skip[258];
	size_t alen = 0, tail;

	if (p->login->user) {   /* offer both: no authentication, user name and password */
		req[1] = 2;
		req[3] = 2;
	}
	if (send_all(fd, req, p->login->user ? 4 : 3, p, e) < 0 || recv_exact(fd, rep, 2, p, e) < 0)
		return -1;
	if (rep[0] != 5)
		return err_set(e, ERR_TEMP, "proxy %s: not a SOCKS5 proxy", p->url);
	if (rep[1] != 0 && !(rep[1] == 2 && p->login->user))   /* only what was offered */
		return err_set(e, ERR_NOPERM, "proxy %s: the proxy wants %s", p->url, p->login->user ?
			       "an authentication postern does not speak" : "authentication: set proxy_user");
	if (rep[1] == 2 && socks5_login(fd, p, e) < 0)
		return -1;
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
	switch (rep[3]) {   /* BND.ADDR and BND.PORT follow, to be skipped */
	case 1:
		tail = 4 + 2;
		break;
	case 4:
		tail = 16 + 2;
		break;
	case 3:   /* a name: its length byte first */
		if (recv_exact(fd, skip, 1, p, e) < 0)
			return -1;
		tail = skip[0] + 2u;
		break;
	default:
		return err_set(e, ERR_TEMP, "proxy %s: a malformed SOCKS5 reply", p->url);
	}
	return recv_exact(fd, skip, tail, p, e);
}

/* HTTP CONNECT; the answer's header is read a byte at a time (bounded),
 * so nothing after it is taken from the smarthost. */
/* "Proxy-Authorization: Basic base64(user:password)\r\n", or nothing. */
static int basic_auth(const struct proxy *p, struct buf *out, struct err *e)
{
	struct buf plain;
	int rc;

	if (!p->login->user)
		return 0;
	buf_init(&plain, 1024);
	rc = buf_appendf(&plain, "%s:%s", p->login->user, p->login->password) < 0 ||
	     buf_appends(out, "Proxy-Authorization: Basic ") < 0 ||
	     b64_encode(out, plain.data, plain.len) < 0 || buf_appends(out, "\r\n") < 0 ? -1 : 0;
	buf_wipe(&plain);
	buf_free(&plain);
	return rc < 0 ? err_set(e, ERR_CONFIG, "proxy %s: user name or password too long", p->url) : 0;
}

static int http_connect(int fd, const struct proxy *p, const char *host, long port, struct err *e)
{
	char head[4096], *sp;
	int v6 = strchr(host, ':') != NULL, rc;
	size_t len = 0;
	long status;
	struct buf req;

	buf_init(&req, 4096);
	rc = buf_appendf(&req, "CONNECT %s%s%s:%ld HTTP/1.1\r\nHost: %s%s%s:%ld\r\n", v6 ? "[" : "",
			 host, v6 ? "]" : "", port, v6 ? "[" : "", host, v6 ? "]" : "", port) < 0 ?
	     err_set(e, ERR_CONFIG, "proxy %s: host name too long", p->url) : 0;
	if (rc == 0)
		rc = basic_auth(p, &req, e);
	if (rc == 0 && buf_appends(&req, "\r\n") < 0)
		rc = err_set(e, ERR_CONFIG, "proxy %s: request too long", p->url);
	if (rc == 0)
		rc = send_all(fd, req.data, req.len, p, e);
	buf_wipe(&req);
	buf_free(&req);
	if (rc < 0)
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
	/* 407, or 401 from tinyproxy for a wrong password: a person must mend
	 * it (held, not retried). */
	if (status == 407 || (status == 401 && p->login->user))
		return err_set(e, ERR_NOPERM, "proxy %s: the proxy wants %s: %.200s", p->url,
			       p->login->user ? "another user name or password" : "authentication (set "
			       "proxy_user)", head);
	if (strncmp(head, "HTTP/1.", 7) != 0 || status < 200 || status > 299)
		return err_set(e, ERR_TEMP, "proxy %s: CONNECT to %s port %ld refused: %.200s", p->url, host,
			       port, head);
	return 0;
}

int proxy_connect(const char *url, const struct proxy_login *login, const char *host, long port,
		  long timeout_s, struct net_meanwhile *later, struct err *e)
{
	struct proxy p;
	int fd, rc;

	if (parse(url, &p, e) < 0)
		return -1;
	p.login = login;
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
