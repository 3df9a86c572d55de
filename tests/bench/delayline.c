/*
 * delayline: a user-space link with a fixed one-way delay, for a kernel
 * without netem.
 *
 *   delayline [-q PACKETS] TUN_A TUN_B DELAY_MS
 *
 * Creates two TUN devices (IFF_TUN | IFF_NO_PI, so every read and write is
 * one whole IP packet) and moves each packet read from one device to the
 * other DELAY_MS milliseconds later, in order.  25 ms each way makes a
 * 50 ms round trip.  The caller puts one device into a network namespace of
 * its own and gives both point-to-point addresses (see tests/bench/run.sh).
 *
 * Each direction has a FIFO of at most PACKETS packets (default 4096): a
 * packet that arrives while it is full is dropped, as a router's queue would
 * drop it.  There is no bandwidth limit.  Times come from CLOCK_MONOTONIC;
 * the wait is ppoll with a timespec, so a packet leaves within a few tens of
 * microseconds of its due time.  The devices live as long as the process
 * (they are not persistent): SIGTERM or SIGINT ends it, prints how many
 * packets moved and how many were dropped on standard error, and the kernel
 * removes both devices.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

/* A slot holds one packet; TUN devices keep their default MTU of 1500. */
#define PKT_MAX 2048
#define QUEUE_DEFAULT 4096
#define QUEUE_MAX 65536

struct pkt {
	struct timespec due;
	size_t len;
	unsigned char data[PKT_MAX];
};

/* One direction: packets read from `from` are written to `to` when due. */
struct lane {
	const char *name;
	int from, to;
	struct pkt *ring;
	size_t cap, head, count;
	unsigned long moved, dropped;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "delayline: %s: %s\n", what, detail);
	exit(1);
}

static struct timespec now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t;
}

static struct timespec add_ms(struct timespec t, long ms)
{
	t.tv_sec += ms / 1000;
	t.tv_nsec += (ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

/* a - b, or zero when a is not later than b. */
static struct timespec until(struct timespec a, struct timespec b)
{
	struct timespec d = { 0, 0 };
	if (a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec <= b.tv_nsec))
		return d;
	d.tv_sec = a.tv_sec - b.tv_sec;
	d.tv_nsec = a.tv_nsec - b.tv_nsec;
	if (d.tv_nsec < 0) {
		d.tv_sec--;
		d.tv_nsec += 1000000000L;
	}
	return d;
}

static int tun_open(const char *name)
{
	struct ifreq ifr;
	size_t n = strlen(name);
	int fd;

	if (n == 0 || n >= IFNAMSIZ)
		die(name, "device names have 1 to 15 characters");
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		die("/dev/net/tun", strerror(errno));
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	memcpy(ifr.ifr_name, name, n);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		die(name, strerror(errno));
	return fd;
}

static long number(const char *s, long lo, long hi, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		die(what, "not a number in range");
	return v;
}

/* Read every packet waiting on the lane's input; queue it, or drop it when full. */
static void lane_read(struct lane *l, long delay_ms)
{
	unsigned char spill[PKT_MAX];

	for (;;) {
		struct pkt *p = NULL;
		ssize_t n;

		if (l->count < l->cap)
			p = &l->ring[(l->head + l->count) % l->cap];
		n = read(l->from, p ? p->data : spill, PKT_MAX);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			die(l->name, strerror(errno));
		}
		if (n == 0)
			return;
		if (!p || n >= PKT_MAX) {	/* full queue, or larger than a slot */
			l->dropped++;
			continue;
		}
		p->len = (size_t)n;
		p->due = add_ms(now(), delay_ms);
		l->count++;
	}
}

/* Write every packet that is due; false when the device would block. */
static int lane_write(struct lane *l, struct timespec t)
{
	while (l->count) {
		struct pkt *p = &l->ring[l->head];
		struct timespec left = until(p->due, t);
		ssize_t n;

		if (left.tv_sec || left.tv_nsec)
			return 1;
		n = write(l->to, p->data, p->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n < 0)
			l->dropped++;	/* e.g. the other device is down */
		else
			l->moved++;
		l->head = (l->head + 1) % l->cap;
		l->count--;
	}
	return 1;
}

int main(int argc, char **argv)
{
	struct lane lanes[2];
	struct sigaction sa;
	long delay_ms, cap = QUEUE_DEFAULT;
	int a, b, i, argi = 1;

	if (argc == 6 && strcmp(argv[1], "-q") == 0) {
		cap = number(argv[2], 1, QUEUE_MAX, "-q");
		argi = 3;
	}
	if (argc - argi != 3) {
		fprintf(stderr, "usage: delayline [-q PACKETS] TUN_A TUN_B DELAY_MS\n");
		return 64;
	}
	delay_ms = number(argv[argi + 2], 0, 10000, "DELAY_MS");
	a = tun_open(argv[argi]);
	b = tun_open(argv[argi + 1]);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* The default 50 us timer slack would delay every packet a little more. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);

	lanes[0] = (struct lane){ .name = argv[argi], .from = a, .to = b, .cap = (size_t)cap };
	lanes[1] = (struct lane){ .name = argv[argi + 1], .from = b, .to = a, .cap = (size_t)cap };
	for (i = 0; i < 2; i++) {
		lanes[i].ring = calloc(lanes[i].cap, sizeof(struct pkt));
		if (!lanes[i].ring)
			die("queue", strerror(errno));
	}
	fprintf(stderr, "delayline: %s <-> %s, %ld ms each way, %ld packets each way at most\n",
		argv[argi], argv[argi + 1], delay_ms, cap);

	while (!stop) {
		struct pollfd pfd[4];
		struct timespec t = now(), wait = { 0, 0 };
		int have_wait = 0, nfd = 0, blocked[2];

		for (i = 0; i < 2; i++) {
			blocked[i] = !lane_write(&lanes[i], t);
			if (lanes[i].count && !blocked[i]) {
				struct timespec left = until(lanes[i].ring[lanes[i].head].due, t);
				if (!have_wait || left.tv_sec < wait.tv_sec ||
				    (left.tv_sec == wait.tv_sec && left.tv_nsec < wait.tv_nsec))
					wait = left;
				have_wait = 1;
			}
		}
		for (i = 0; i < 2; i++)
			pfd[nfd++] = (struct pollfd){ .fd = lanes[i].from, .events = POLLIN };
		for (i = 0; i < 2; i++)
			if (blocked[i])
				pfd[nfd++] = (struct pollfd){ .fd = lanes[i].to, .events = POLLOUT };
		if (ppoll(pfd, (nfds_t)nfd, have_wait ? &wait : NULL, NULL) < 0) {
			if (errno == EINTR)
				continue;
			die("ppoll", strerror(errno));
		}
		for (i = 0; i < 2; i++)
			if (pfd[i].revents & (POLLIN | POLLERR | POLLHUP))
				lane_read(&lanes[i], delay_ms);
	}
	for (i = 0; i < 2; i++)
		fprintf(stderr, "delayline: from %s: %lu packets moved, %lu dropped\n",
			lanes[i].name, lanes[i].moved, lanes[i].dropped);
	return 0;
}
