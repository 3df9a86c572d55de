/*
 * tcprtt: the round-trip time to an IPv4 address, from TCP connects.
 *
 *   tcprtt ADDRESS PORT COUNT
 *
 * Connects COUNT times (20 ms apart) and times each connect: a SYN answered
 * by SYN-ACK (a listener) or by RST (a closed port, "connection refused") is
 * one round trip either way, and a closed port leaves no trace in a server's
 * log.  Prints "MEDIAN_MS MIN_MS MAX_MS" with microsecond precision.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define COUNT_MAX 101

static double ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin;
	double t[COUNT_MAX];
	int i, n;

	if (argc != 4) {
		fprintf(stderr, "usage: tcprtt ADDRESS PORT COUNT\n");
		return 64;
	}
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)atoi(argv[2]));
	n = atoi(argv[3]);
	if (inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1 || n < 1 || n > COUNT_MAX) {
		fprintf(stderr, "tcprtt: bad address or count (1 to %d)\n", COUNT_MAX);
		return 64;
	}
	for (i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		double t0;
		if (fd < 0) {
			perror("tcprtt: socket");
			return 71;
		}
		t0 = ms();
		if (connect(fd, (struct sockaddr *)&sin, sizeof sin) < 0 && errno != ECONNREFUSED) {
			fprintf(stderr, "tcprtt: connect %s:%s: %s\n", argv[1], argv[2], strerror(errno));
			return 69;
		}
		t[i] = ms() - t0;
		close(fd);
		usleep(20000);
	}
	qsort(t, (size_t)n, sizeof t[0], cmp);
	printf("%.3f %.3f %.3f\n", t[n / 2], t[0], t[n - 1]);
	return 0;
}
