/* postern: a sendmail-compatible mail submission agent. main() sets the
 * process up, dispatches on the mode, and turns the one error into one
 * line on stderr and one sysexits code. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "args.h"
#include "cmd_authorize.h"
#include "cmd_bs.h"
#include "cmd_check.h"
#include "cmd_password.h"
#include "cmd_queue.h"
#include "cmd_send.h"
#include "errors.h"

/* Secrets pass through this process: no core dumps, private files. */
static void harden(void)
{
	struct rlimit none = {0, 0};

	setrlimit(RLIMIT_CORE, &none);
	/* libcurl would write the TLS keys of token requests there. */
	unsetenv("SSLKEYLOGFILE");
	umask(077);
	signal(SIGPIPE, SIG_IGN);
}

/* A set-user-ID or set-group-ID copy (or one with file capabilities)
 * would let its caller create files as its owner (log =), read any file
 * as an aliases file, append to other users' files: refuse at once. */
static int running_set_id(void)
{
	return getuid() != geteuid() || getgid() != getegid() || getauxval(AT_SECURE);
}

/* Programs that run mail with stdin, stdout or stderr closed (GNU
 * mailutils does): the next file opened would take that number, and a
 * socket as fd 2 would carry our warnings into the TLS stream. /dev/null
 * fills each gap; returns 1 when stdin itself was closed. */
static int fill_std_fds(void)
{
	int closed_stdin = 0;

	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		closed_stdin |= fd == 0;
		if (open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
			return -1;
	}
	return closed_stdin;
}

static int called_as(const char *argv0, const char *name)
{
	const char *base = strrchr(argv0, '/');

	return strcmp(base ? base + 1 : argv0, name) == 0;
}

int main(int argc, char **argv)
{
	struct options o;
	struct err e = {0};
	int rc = 0, stdin_closed = fill_std_fds();

	if (stdin_closed < 0)
		return EX_OSERR;   /* no stderr to say it on */
	if (running_set_id()) {
		fprintf(stderr, "postern: refusing to run set-user-ID or set-group-ID (real uid %ld, "
			"effective uid %ld): install it without the s bit (chmod u-s,g-s)\n",
			(long)getuid(), (long)geteuid());
		_exit(EX_CONFIG);   /* no exit handlers either, under those ids */
	}
	harden();
	if (args_parse(argc, argv, &o, &e) < 0) {
		fprintf(stderr, "postern: %s\n%s", e.msg, "usage: postern [options] [--] [recipient ...] "
			"(see postern --help)\n");
		return err_exit_code(e.kind);
	}
	if (called_as(argv[0], "mailq") && o.mode == MODE_SEND)
		o.mode = MODE_MAILQ;
	if (called_as(argv[0], "newaliases") && o.mode == MODE_SEND)
		o.mode = MODE_NEWALIASES;
	o.stdin_closed = stdin_closed;
	/* OpenSSL's tables need no freeing at exit: the process ends, and the
	 * 1.4 M instructions of OPENSSL_cleanup would come after the send. */
	if (o.mode != MODE_VERSION && o.mode != MODE_HELP)
		OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, NULL);
	switch (o.mode) {
	case MODE_VERSION:
		printf("postern %s\n", POSTERN_VERSION);
		return 0;
	case MODE_HELP:
		fputs(args_usage, stdout);
		return 0;
	case MODE_SEND:
		rc = cmd_send(&o, &e);
		break;
	case MODE_FLUSH:
		rc = cmd_flush(&o, &e);
		break;
	case MODE_MAILQ:
		rc = cmd_mailq(&o, &e);
		break;
	case MODE_REMOVE:
		rc = cmd_remove(&o, &e);
		break;
	case MODE_STORE_PASSWORD:
		rc = cmd_store_password(&o, &e);
		break;
	case MODE_FORGET_PASSWORD:
		rc = cmd_forget_password(&o, &e);
		break;
	case MODE_AUTHORIZE:
		rc = cmd_authorize(&o, &e);
		break;
	case MODE_NEWALIASES:
		rc = cmd_newaliases(&o, &e);
		break;
	case MODE_BS:
		rc = cmd_bs(&o, &e);
		break;
	case MODE_CHECK:
		rc = cmd_check(&o, &e);
		break;
	}
	if (rc < 0) {
		fprintf(stderr, "postern: %s\n", e.msg);
		return err_exit_code(e.kind ? e.kind : ERR_SOFTWARE);
	}
	return 0;
}
