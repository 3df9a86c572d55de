#include "progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

static struct {
	int on;
	off_t total;
	double started, shown;
} p;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_start(off_t total)
{
	p.on = total >= PROGRESS_MIN && isatty(STDERR_FILENO);
	p.total = total;
	p.started = now();
	p.shown = 0;   /* the first piece shows at once */
}

void progress_update(off_t sent)
{
	double t, rate;

	if (!p.on || ((t = now()) - p.shown < 0.25 && sent < p.total))
		return;
	p.shown = t;
	rate = t > p.started ? (double)sent / (t - p.started) : 0;
	fprintf(stderr, "\rpostern: sent %.1f of %.1f MB (%.1f MB/s)\033[K",
		(double)sent / 1e6, (double)p.total / 1e6, rate / 1e6);
	fflush(stderr);
}

void progress_end(void)
{
	if (p.on)
		fputs("\r\033[K", stderr);
	p.on = 0;
}
