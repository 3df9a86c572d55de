/*
 * measure: run a command, print its wall time and peak resident set size.
 *
 *   measure [-i FILE] [-t SECONDS] -- COMMAND [ARG...]
 *
 * Prints one line on standard output once COMMAND has exited:
 *   WALL_US MAXRSS_KB STATUS CPU_US
 * WALL_US runs from just before fork to the return of wait4 (process start to
 * exit, on CLOCK_MONOTONIC); MAXRSS_KB is the child's ru_maxrss from wait4
 * (so no /usr/bin/time is needed); STATUS is its exit status, or 128 + the
 * signal that ended it; CPU_US its user plus system time.  The command reads FILE (-i) or measure's standard
 * input, and its standard output goes to measure's standard error, so that
 * the one line above is all a caller reads.  A command still running after
 * SECONDS (default 300) is killed (STATUS 137), so a stuck client cannot hang
 * the bench.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile pid_t child;

static void on_alarm(int sig)
{
	(void)sig;
	if (child > 0)
		kill(child, SIGKILL);
}

static long long usec(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
	const char *in = NULL;
	struct sigaction sa;
	struct rusage ru;
	long long t0, t1;
	int argi = 1, status, fd = -1, limit = 300;
	pid_t pid;

	for (; argi + 1 < argc && argv[argi][0] == '-' && argv[argi][1] != '-'; argi += 2) {
		if (strcmp(argv[argi], "-i") == 0)
			in = argv[argi + 1];
		else if (strcmp(argv[argi], "-t") == 0 && (limit = atoi(argv[argi + 1])) > 0)
			continue;
		else
			break;
	}
	if (argc - argi < 2 || strcmp(argv[argi], "--") != 0) {
		fprintf(stderr, "usage: measure [-i FILE] [-t SECONDS] -- COMMAND [ARG...]\n");
		return 64;
	}
	argi++;
	if (in && (fd = open(in, O_RDONLY | O_CLOEXEC)) < 0) {
		fprintf(stderr, "measure: %s: %s\n", in, strerror(errno));
		return 66;
	}
	fflush(stdout);
	t0 = usec();
	pid = fork();
	if (pid < 0) {
		perror("measure: fork");
		return 71;
	}
	if (pid == 0) {
		if ((fd >= 0 && dup2(fd, 0) < 0) || dup2(2, 1) < 0)
			_exit(71);
		execvp(argv[argi], argv + argi);
		fprintf(stderr, "measure: %s: %s\n", argv[argi], strerror(errno));
		_exit(127);
	}
	child = pid;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	alarm((unsigned)limit);
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("measure: wait4");
			return 71;
		}
	}
	t1 = usec();
	printf("%lld %ld %d %lld\n", t1 - t0, ru.ru_maxrss,
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
	       (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
		       ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
	return 0;
}
