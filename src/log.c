#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "private.h"

static int verbose;
static const char *target = "none";

static struct timespec started;

void log_set_verbose(int level)
{
	verbose = level;
	if (level > 1 && !started.tv_sec)
		clock_gettime(CLOCK_MONOTONIC, &started);
}

int log_verbose(void) { return verbose; }

const char *log_safe(char *out, size_t n, const char *in)
{
	size_t i = 0;

	for (; n && in && in[i] && i < n - 1; i++)
		out[i] = in[i] > 0x20 && in[i] < 0x7f ? in[i] : '?';
	if (n)
		out[i] = '\0';
	return out;
}

/* -vv: seconds since -v was given, so a transcript shows which lines went
 * in one flight and where the round trips are. */
static void log_stamp(void)
{
	struct timespec now;
	long long us;

	if (verbose < 2)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	us = (now.tv_sec - started.tv_sec) * 1000000LL + (now.tv_nsec - started.tv_nsec) / 1000;
	fprintf(stderr, "%3lld.%06lld ", us / 1000000, us % 1000000);
}

/* Bytes from a server are untrusted: print control characters as '?'
 * so a hostile reply cannot rewrite the user's terminal. */
static void log_put_clean(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		fputc(c < 0x20 || c == 0x7f ? '?' : c, stderr);
	}
}

void log_transcript(enum log_dir dir, const char *line, size_t len, size_t shown)
{
	static const char *prefix[] = {"<-- ", "--> ", "--- "};

	if (!verbose)
		return;
	log_stamp();
	fputs(prefix[dir], stderr);
	if (shown < len) {
		log_put_clean(line, shown);
		fputs("<redacted>", stderr);
	} else {
		log_put_clean(line, len);
	}
	fputc('\n', stderr);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("postern: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	log_stamp();
	fputs("--- ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void log_set_target(const char *t)
{
	target = t ? t : "none";
}

static void log_to_file(const char *line)
{
	char stamp[64];
	time_t now = time(NULL);
	struct tm tm;
	int fd;

	fd = private_open(target, O_WRONLY | O_APPEND | O_CREAT, 0600);
	if (fd < 0) {
		log_warn("log %s: cannot open it (%s)", target,
			 errno == EPERM || errno == ELOOP ? "not a file of your own" : strerror(errno));
		return;
	}
	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
	dprintf(fd, "%s postern[%ld]: %s\n", stamp, (long)getpid(), line);
	close(fd);
}

void log_message(int ok, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (strcmp(target, "none") == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (strcmp(target, "syslog") == 0) {
		openlog("postern", LOG_PID, LOG_MAIL);
		syslog(ok ? LOG_INFO : LOG_ERR, "%s", line);
		closelog();
	} else {
		log_to_file(line);
	}
}

void log_alert(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	openlog("postern", LOG_PID, LOG_MAIL);
	syslog(LOG_ERR, "%s", line);
	closelog();
}
