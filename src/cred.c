#include "cred.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "compat.h"
#include "keyring.h"
#include "secrets.h"
#include "net.h"

/* Reads the child's stdout until EOF or the deadline, keeping at most the
 * buffer's limit. Returns 0, or -1 on timeout. */
static int read_output(int fd, struct buf *out, long long deadline)
{
	char chunk[512];
	struct pollfd p = {.fd = fd, .events = POLLIN};

	for (;;) {
		ssize_t n;
		int r = poll(&p, 1, net_ms_left(deadline));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (out->len < out->limit)   /* beyond the limit: drain and drop */
			(void)!buf_append(out, chunk, (size_t)n < out->limit - out->len ?
					  (size_t)n : out->limit - out->len);
		explicit_bzero(chunk, sizeof chunk);
	}
	return 0;
}

/* Reaps the child, or gives up at the deadline (-1): a command that
 * closes its output but keeps running must not hold postern. */
static int wait_until(pid_t pid, int *status, long long deadline)
{
	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return 0;
		if (net_ms_left(deadline) == 0)
			return -1;
		poll(NULL, 0, 20);
	}
}

static void keep_first_line(struct buf *out)
{
	char *nl = out->data ? memchr(out->data, '\n', out->len) : NULL;

	if (nl) {
		size_t keep = (size_t)(nl - out->data);
		explicit_bzero(nl, out->len - keep);
		out->len = keep;
	}
	if (out->data && out->len && out->data[out->len - 1] == '\r')
		out->data[--out->len] = '\0';
}

/* The command runs in a process group of its own, so that a timeout can
 * kill its children too. When postern holds the terminal (in the
 * foreground), the command gets it while it runs, as a shell gives it to a
 * job: a prompt on /dev/tty (gpg's pinentry-curses) reads what the user
 * types instead of stopping on SIGTTIN. */
static struct {
	volatile sig_atomic_t group;   /* the command's process group, 0: none */
	int tty;                       /* the terminal given to it, or -1 */
	struct sigaction old[3];
} job = {.tty = -1};

static const int job_signals[3] = {SIGINT, SIGTERM, SIGHUP};

/* Takes the terminal back (from a background group: SIGTTOU held off). */
static void take_tty_back(void)
{
	sigset_t ttou, was;

	if (job.tty < 0)
		return;
	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	sigprocmask(SIG_BLOCK, &ttou, &was);
	(void)tcsetpgrp(job.tty, getpgrp());
	sigprocmask(SIG_SETMASK, &was, NULL);
}

/* postern killed while the command runs: the command goes too. */
static void on_job_signal(int sig)
{
	if (job.group > 0)
		kill(-job.group, SIGTERM);
	take_tty_back();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void job_start(pid_t pid)
{
	struct sigaction sa = {.sa_handler = on_job_signal};

	setpgid(pid, pid);   /* also here: no race with the child's own call */
	job.group = pid;
	if (job.tty >= 0) {
		sigset_t ttou, was;
		sigemptyset(&ttou);
		sigaddset(&ttou, SIGTTOU);
		sigprocmask(SIG_BLOCK, &ttou, &was);
		(void)tcsetpgrp(job.tty, pid);
		sigprocmask(SIG_SETMASK, &was, NULL);
	}
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 3; i++)
		sigaction(job_signals[i], &sa, &job.old[i]);
}

static void job_end(void)
{
	for (int i = 0; i < 3; i++)
		sigaction(job_signals[i], &job.old[i], NULL);
	take_tty_back();
	job.group = 0;
	if (job.tty >= 0)
		close(job.tty);
	job.tty = -1;
}

/* The controlling terminal, when postern's group is in its foreground. */
static int foreground_tty(void)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd >= 0 && tcgetpgrp(fd) != getpgrp()) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static void exec_command(const char *command, int out_fd)
{
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);

	setpgid(0, 0);
	if (job.tty >= 0) {          /* take the terminal before the command can read it */
		signal(SIGTTOU, SIG_IGN);
		(void)tcsetpgrp(job.tty, getpid());
		signal(SIGTTOU, SIG_DFL);
	}
	for (int i = 0; i < 3; i++)
		signal(job_signals[i], SIG_DFL);
	signal(SIGPIPE, SIG_DFL);    /* postern ignores it; the command should not */
	if (devnull >= 0)
		dup2(devnull, STDIN_FILENO);
	dup2(out_fd, STDOUT_FILENO);
	execl("/bin/sh", "sh", "-c", command, (char *)NULL);
	_exit(127);
}

static int run_command(const struct account *a, struct buf *out, struct err *e)
{
	int pipefd[2], status = 0, timed_out;
	long long deadline;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return err_set(e, ERR_OS, "password_command: pipe: %s", strerror(errno));
	job.tty = foreground_tty();
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		job_end();
		return err_set(e, ERR_OS, "password_command: fork: %s", strerror(errno));
	}
	if (pid == 0)
		exec_command(a->password_command, pipefd[1]);
	job_start(pid);
	close(pipefd[1]);
	deadline = net_now_ms() + a->timeout * 1000;
	timed_out = read_output(pipefd[0], out, deadline) < 0;
	close(pipefd[0]);
	if (!timed_out)
		timed_out = wait_until(pid, &status, deadline) < 0;
	if (timed_out) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	job_end();
	if (timed_out)
		return err_set(e, ERR_TEMP, "password_command: no answer within %ld seconds", a->timeout);
	if (WIFEXITED(status) && (WEXITSTATUS(status) == 127 || WEXITSTATUS(status) == 126))
		return err_set(e, ERR_CONFIG, "password_command: cannot run '%s' (exit %d)",
			       a->password_command, WEXITSTATUS(status));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return err_set(e, ERR_TEMP, "password_command: '%s' failed (%s %d)", a->password_command,
			       WIFEXITED(status) ? "exit" : "signal",
			       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	keep_first_line(out);
	if (out->len == 0)
		return err_set(e, ERR_CONFIG, "password_command: '%s' printed no password",
			       a->password_command);
	return 0;
}

/* Neither password nor password_command: the keyring. "Nothing stored"
 * is the user's to fix (78); a locked keyring or no bus may pass (75). */
static int from_keyring(const struct account *a, struct buf *out, struct err *e)
{
	int rc = secrets_lookup(a, KEYRING_PASSWORD, out, e);

	if (rc < 0)
		return -1;
	if (rc == 0) {
		err_set(e, ERR_CONFIG, "%s: no password stored for %s at %s (account %s): run postern "
			"--store-password %s", a->store == STORE_FILE ? "secret_store = file" : "keyring",
			a->user, a->host, a->name, a->name);
		e->detail = ERR_DETAIL_CREDENTIALS;
		return -1;
	}
	return 0;
}

static int fetch(const struct account *a, struct buf *out, struct err *e)
{
	if (a->password)
		return buf_appends(out, a->password) < 0 ?
		       err_set(e, ERR_CONFIG, "password: longer than %zu bytes", out->limit) : 0;
	if (a->password_command)
		return run_command(a, out, e);
	return from_keyring(a, out, e);
}

int cred_password(const struct account *a, struct buf *out, struct err *e)
{
	int rc;

	if (!a->user)
		return 0;
	rc = fetch(a, out, e);
	/* Keep the secret out of swap while it lives (best effort: a low
	 * RLIMIT_MEMLOCK only means it may be paged like any other memory). */
	if (rc == 0 && out->data)
		(void)mlock(out->data, out->cap);
	return rc;
}

int cred_proxy_password(const struct account *a, struct buf *out, struct err *e)
{
	int rc = secrets_lookup(a, KEYRING_PROXY_PASSWORD, out, e);

	if (rc < 0)
		return err_prefix(e, "proxy");
	if (rc == 0) {
		err_set(e, ERR_CONFIG, "proxy: no password stored for %s at %s (account %s): run postern "
			"--store-password %s --proxy", a->proxy_user, a->proxy, a->name, a->name);
		e->detail = ERR_DETAIL_CREDENTIALS;
		return -1;
	}
	return 0;
}
