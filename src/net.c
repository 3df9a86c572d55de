#include "net.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

long long net_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int net_ms_left(long long deadline_ms)
{
	long long left = deadline_ms - net_now_ms();

	return left < 0 ? 0 : left > 0x7fffffff ? 0x7fffffff : (int)left;
}

/* One address: a non-blocking connect finished by poll within the timeout.
 * Returns the socket, or -1 with errno describing why. */
static int connect_one(const struct addrinfo *ai, long timeout_s, struct net_meanwhile *later)
{
	long long deadline = net_now_ms() + timeout_s * 1000;
	int one = 1, fd, soerr = 0;
	socklen_t len = sizeof soerr;
	struct pollfd p;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return fd;
	if (errno != EINPROGRESS)
		goto fail;
	if (later && later->fn) {   /* the SYN is out: use the round trip */
		later->fn(later->ctx);
		later->fn = NULL;
	}
	p = (struct pollfd){.fd = fd, .events = POLLOUT};
	for (;;) {
		int r = poll(&p, 1, net_ms_left(deadline));
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0) {
			errno = ETIMEDOUT;
			goto fail;
		}
		break;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
		goto fail;
	if (soerr == 0)
		return fd;
	errno = soerr;
fail:
	soerr = errno;
	close(fd);
	errno = soerr;
	return -1;
}

static void describe(const struct addrinfo *ai, char *out, size_t n)
{
	char host[NI_MAXHOST], serv[NI_MAXSERV];

	if (getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof host, serv, sizeof serv,
			NI_NUMERICHOST | NI_NUMERICSERV) == 0)
		snprintf(out, n, ai->ai_family == AF_INET6 ? "[%s]:%s" : "%s:%s", host, serv);
	else
		snprintf(out, n, "?");
}

int net_connect(const char *host, long port, long timeout_s, struct net_meanwhile *later,
		struct err *e)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_family = AF_UNSPEC}, *res, *ai;
	char service[16], where[80] = "", why[128] = "no address";
	int rc, fd = -1;

	snprintf(service, sizeof service, "%ld", port);
	rc = getaddrinfo(host, service, &hints, &res);
	if (rc != 0)
		return err_set(e, ERR_TEMP, "connect %s: cannot resolve the name: %s", host,
			       rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
	for (ai = res; ai && fd < 0; ai = ai->ai_next) {
		describe(ai, where, sizeof where);
		log_info("connecting to %s (%s)", host, where);
		fd = connect_one(ai, timeout_s, later);
		if (fd < 0) {
			snprintf(why, sizeof why, "%s (%s)",
				 errno == ETIMEDOUT ? "timed out" : strerror(errno), where);
			log_info("%s", why);
		}
	}
	freeaddrinfo(res);
	if (fd < 0)
		return err_set(e, ERR_TEMP, "connect %s port %ld: %s", host, port, why);
	return fd;
}
