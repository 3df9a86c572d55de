#include "cmd_password.h"
#include "cmd_queue.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "keyring.h"
#include "secrets.h"
#include "oauth.h"

static struct termios saved_tty;

/* Interrupted while echo is off: give the terminal back, then die of it. */
static void restore_and_die(int sig)
{
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Reads one line from stdin byte by byte (no stdio buffer keeps a copy).
 * 0, or -1 when the line is longer than the buffer's limit. */
static int read_line(struct buf *out)
{
	char c;
	ssize_t n;

	while ((n = read(STDIN_FILENO, &c, 1)) == 1 || (n < 0 && errno == EINTR)) {
		if (n < 0)
			continue;
		if (c == '\n')
			break;
		if (buf_append(out, &c, 1) < 0)
			return -1;
	}
	if (out->len && out->data[out->len - 1] == '\r')
		out->data[--out->len] = '\0';
	return 0;
}

/* What --store-password (or --forget-password) is about: the account's
 * password, an OAuth2 account's client secret, or with --proxy the
 * password of its proxy_user. */
struct stored {
	enum keyring_kind kind;
	const char *what;          /* "password" ... */
	const char *user, *where;  /* for USER at WHERE */
};

static struct stored stored_of(const struct options *o, const struct account *a)
{
	if (o->proxy_secret)
		return (struct stored){KEYRING_PROXY_PASSWORD, "proxy password", a->proxy_user, a->proxy};
	if (a->oauth.provider != OAUTH_NONE)
		return (struct stored){KEYRING_OAUTH_CLIENT_SECRET, "OAuth2 client secret", a->user,
				       a->host};
	return (struct stored){KEYRING_PASSWORD, "password", a->user, a->host};
}

static const char *store_name(const struct account *a)
{
	return a->store == STORE_FILE ? "secret_store = file" : "keyring";
}

static int read_password(const struct stored *s, struct buf *out, struct err *e)
{
	struct termios quiet;
	int tty = isatty(STDIN_FILENO), rc;

	if (tty && tcgetattr(STDIN_FILENO, &saved_tty) == 0) {
		fprintf(stderr, "%c%s for %s at %s: ", toupper((unsigned char)s->what[0]), s->what + 1,
			s->user, s->where);
		fflush(stderr);
		quiet = saved_tty;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		signal(SIGINT, restore_and_die);
		signal(SIGTERM, restore_and_die);
		signal(SIGHUP, restore_and_die);
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
		rc = read_line(out);
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		fputc('\n', stderr);
	} else {
		rc = read_line(out);
	}
	if (rc < 0)
		return err_set(e, ERR_USAGE, "keyring: password longer than %zu bytes", out->limit);
	if (out->len == 0)
		return err_set(e, ERR_USAGE, "keyring: empty password: nothing stored");
	return 0;
}

const struct account *cmd_account_of(const struct options *o, struct config *cfg,
				     struct err *e)
{
	char *path = config_find(o->config_file, e);
	const struct account *a;
	int rc;

	if (o->nrecipients > 0) {
		free(path);
		err_set(e, ERR_USAGE, "keyring: unexpected argument '%s' after the account",
			o->recipients[0]);
		return NULL;
	}
	if (!path)
		return NULL;
	rc = config_load(cfg, path, e);
	free(path);
	if (rc < 0 || !(a = config_pick(cfg, o->password_account, NULL, NULL, e)))
		return NULL;
	if (o->proxy_secret && !a->proxy_user) {
		err_set(e, ERR_CONFIG, "keyring: [%s] has no proxy_user: the proxy gets no password",
			a->name);
		return NULL;
	}
	if (!o->proxy_secret && !a->user) {
		err_set(e, ERR_CONFIG, "keyring: [%s] has no user: the server gets no password",
			a->name);
		return NULL;
	}
	return a;
}

int cmd_store_password(const struct options *o, struct err *e)
{
	struct config cfg = {0};
	const struct account *a;
	struct stored s;
	struct buf pw;
	int rc = -1;

	buf_init(&pw, PASSWORD_MAX);
	if (!(a = cmd_account_of(o, &cfg, e)))
		goto out;
	s = stored_of(o, a);
	if (a->oauth.provider == OAUTH_GOA && !o->proxy_secret) {
		err_set(e, ERR_USAGE, "--store-password %s: nothing to store: GNOME Online Accounts holds "
			"the sign-in", a->name);
		goto out;
	}
	if (secrets_ready(a, e) < 0 || read_password(&s, &pw, e) < 0)
		goto out;
	if (secrets_store(a, s.kind, pw.data, e) < 0)
		goto out;
	printf("postern: %s: stored the %s for %s at %s (account %s)\n", store_name(a), s.what,
	       s.user, s.where, a->name);
	rc = 0;
out:
	buf_free(&pw);
	if (rc == 0)
		cmd_release_held(&cfg, a);
	config_free(&cfg);
	return rc;
}

static int forget_proxy(const struct account *a, struct err *e)
{
	int found = secrets_forget(a, KEYRING_PROXY_PASSWORD, e);

	if (found < 0)
		return -1;
	if (found == 0)
		return err_set(e, ERR_CONFIG, "%s: no proxy password stored for %s at %s (account %s): "
			       "nothing to forget", store_name(a), a->proxy_user, a->proxy, a->name);
	printf("postern: %s: forgot the proxy password for %s at %s (account %s)\n", store_name(a),
	       a->proxy_user, a->proxy, a->name);
	return 0;
}

int cmd_forget_password(const struct options *o, struct err *e)
{
	struct config cfg = {0};
	const struct account *a;
	int rc = -1, found, fd = -1;

	if (!(a = cmd_account_of(o, &cfg, e)))
		goto out;
	if (o->proxy_secret) {
		rc = forget_proxy(a, e);
		goto out;
	}
	/* For OAuth2: the tokens (under the refresh lock, so that no refresh
	 * running now stores them again), and the client secret if stored. */
	if (a->oauth.provider != OAUTH_NONE && (fd = oauth_lock(a, e)) < 0)
		goto out;
	found = secrets_forget(a, a->oauth.provider != OAUTH_NONE ? KEYRING_OAUTH_TOKEN : KEYRING_PASSWORD,
			       e);
	if (found >= 0 && a->oauth.provider != OAUTH_NONE) {
		int secret = secrets_forget(a, KEYRING_OAUTH_CLIENT_SECRET, e);
		found = secret < 0 ? -1 : found + secret;
	}
	if (found < 0)
		goto out;
	if (found == 0) {
		err_set(e, ERR_CONFIG, "%s: no %s stored for %s at %s (account %s): nothing to forget",
			store_name(a),
			a->oauth.provider != OAUTH_NONE ? "OAuth2 token" : "password", a->user, a->host,
			a->name);
		goto out;
	}
	printf("postern: %s: forgot the %s for %s at %s (account %s)\n", store_name(a),
	       a->oauth.provider != OAUTH_NONE ? "OAuth2 tokens" : "password", a->user, a->host,
	       a->name);
	rc = 0;
out:
	oauth_unlock(fd);
	config_free(&cfg);
	return rc;
}
