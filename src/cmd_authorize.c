/* RFC 6749 section 4.1, RFC 7636 (PKCE), RFC 8252 (loopback redirect),
 * RFC 8628 (device grant). */
#include "cmd_authorize.h"
#include "cmd_queue.h"
#include "secrets.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "b64.h"
#include "cmd_password.h"
#include "compat.h"
#include "http.h"
#include "jsonlib.h"
#include "log.h"
#include "net.h"
#include "oauth.h"
#include "redirect.h"

#define SIGN_IN_SECONDS 600        /* how long a browser sign-in may take */
#define REQUEST_MAX 8192           /* the browser's request to our listener */

extern char **environ;

/* base64url without padding (RFC 7636 appendix A). */
static int b64url(struct buf *out, const unsigned char *p, size_t n)
{
	if (b64_encode(out, p, n) < 0)
		return -1;
	while (out->len && out->data[out->len - 1] == '=')
		out->data[--out->len] = '\0';
	for (size_t i = 0; i < out->len; i++)
		out->data[i] = out->data[i] == '+' ? '-' : out->data[i] == '/' ? '_' : out->data[i];
	return 0;
}

static int random_text(struct buf *out, size_t bytes)
{
	unsigned char r[64];
	int rc;

	if (bytes > sizeof r || RAND_bytes(r, (int)bytes) != 1)
		return -1;
	rc = b64url(out, r, bytes);
	explicit_bzero(r, sizeof r);
	return rc;
}

/* code_challenge = BASE64URL(SHA256(code_verifier)). */
static int s256(struct buf *out, const struct buf *verifier)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (!EVP_Digest(verifier->data, verifier->len, md, &n, EVP_sha256(), NULL))
		return -1;
	return b64url(out, md, n);
}

struct pkce {
	struct buf verifier, challenge, state, redirect;
	int listener;
	int port;
};

static int listen_loopback(struct pkce *k, struct err *e)
{
	k->listener = redirect_listen(&k->port, e);
	return k->listener < 0 ? -1 : 0;
}

static int auth_url(const struct account *a, const struct pkce *k, struct buf *url)
{
	const char *o = a->oauth.auth_url;
	struct buf q;
	int rc;

	buf_init(&q, url->limit);
	rc = http_form_add(&q, "response_type", "code") < 0 ||
	     http_form_add(&q, "client_id", a->oauth.client_id) < 0 ||
	     http_form_add(&q, "redirect_uri", k->redirect.data) < 0 ||
	     http_form_add(&q, "scope", a->oauth.scope) < 0 ||
	     http_form_add(&q, "state", k->state.data) < 0 ||
	     http_form_add(&q, "code_challenge", k->challenge.data) < 0 ||
	     http_form_add(&q, "code_challenge_method", "S256") < 0 ||
	     http_form_add(&q, "login_hint", a->user) < 0 ||
	     /* Google gives a refresh token only with these two. */
	     http_form_add(&q, "access_type", "offline") < 0 ||
	     http_form_add(&q, "prompt", "consent") < 0 ||
	     buf_appends(url, o) < 0 ||
	     buf_appends(url, !strchr(o, '?') ? "?" : o[strlen(o) - 1] == '?' ||
				   o[strlen(o) - 1] == '&' ? "" : "&") < 0 ||
	     buf_append(url, q.data, q.len) < 0 ? -1 : 0;
	buf_free(&q);
	return rc;
}

/* Opens the URL in the desktop's browser when there is a desktop. */
static void open_browser(const char *url)
{
	char *argv[] = {"xdg-open", (char *)url, NULL};
	posix_spawn_file_actions_t fa;
	pid_t pid;

	if (!getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY"))
		return;
	if (posix_spawn_file_actions_init(&fa) != 0)
		return;
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	(void)posix_spawnp(&pid, "xdg-open", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
}

/* One line of stdin: the address the browser was sent to, or its query,
 * read within the deadline. */
static int read_pasted(struct buf *query, long long deadline, struct err *e)
{
	struct buf line;
	char c = 0;
	ssize_t n = 0;
	const char *q;
	int rc = 0;

	buf_init(&line, REQUEST_MAX);
	for (;;) {
		struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
		if (poll(&p, 1, net_ms_left(deadline)) <= 0) {
			n = -1;
			break;
		}
		if ((n = read(STDIN_FILENO, &c, 1)) < 0 && errno == EINTR)
			continue;
		if (n <= 0 || c == '\n')
			break;
		if (buf_append(&line, &c, 1) < 0) {
			buf_free(&line);
			return err_set(e, ERR_USAGE, "--authorize --paste: the pasted line is longer "
				       "than %d bytes", REQUEST_MAX);
		}
	}
	while (line.len && (line.data[line.len - 1] == '\r' || line.data[line.len - 1] == ' '))
		line.data[--line.len] = '\0';
	if (n < 0 && c != '\n')
		rc = err_set(e, ERR_TEMP, "--authorize --paste: no complete line pasted in time");
	else if (!line.len)
		rc = err_set(e, ERR_USAGE, "--authorize --paste: nothing pasted");
	else if (buf_appends(query, (q = strchr(line.data, '?')) ? q + 1 : line.data) < 0)
		rc = err_set(e, ERR_USAGE, "--authorize --paste: the pasted line is too long");
	buf_free(&line);
	return rc;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int state_matches(const char *query, const struct pkce *k)
{
	struct buf v;
	int same;

	buf_init(&v, REQUEST_MAX);
	same = redirect_param(query, "state", &v) == 1 && v.len == k->state.len &&
	       memcmp(v.data ? v.data : "", k->state.data, v.len) == 0;
	buf_free(&v);
	return same;
}

static int ours(const char *query, void *k)
{
	return state_matches(query, k);
}

/* Waits for the redirect on the listener, or (with --paste) for the line
 * on stdin, whichever comes first. */
static int wait_for_code(struct pkce *k, int paste, struct buf *query, struct err *e)
{
	long long deadline = net_now_ms() + SIGN_IN_SECONDS * 1000LL;
	int rc = redirect_wait(k->listener, paste ? STDIN_FILENO : -1, deadline, ours, k, query, e);

	if (rc == 2)
		return read_pasted(query, deadline, e);
	if (rc < 0 && e->kind == ERR_TEMP)
		return err_set(e, ERR_TEMP, "--authorize: no answer from the browser within %d minutes",
			       SIGN_IN_SECONDS / 60);
	return rc < 0 ? -1 : 0;
}

/* The redirect carries either an error or a code, with our state. */
static int check_answer(const struct account *a, const struct pkce *k, const char *query,
			struct buf *code, struct err *e)
{
	struct buf v;
	int rc = 0;

	buf_init(&v, REQUEST_MAX);
	if (!state_matches(query, k))
		rc = err_set(e, ERR_PROTOCOL, "--authorize %s: the answer's state does not match this "
			     "request (an old or forged address): start again", a->name);
	else if (redirect_param(query, "error", &v) == 1)
		rc = err_set(e, ERR_NOPERM, "--authorize %s: the provider refused: %s", a->name,
			     v.len ? v.data : "(no reason given)");
	else if (redirect_param(query, "code", code) != 1 || !code->len)
		rc = err_set(e, ERR_PROTOCOL, "--authorize %s: the answer carries no code", a->name);
	buf_free(&v);
	return rc;
}

static int exchange_code(const struct account *a, const struct pkce *k, const struct buf *code,
			 struct oauth_tokens *t, struct err *e)
{
	struct buf form;
	char err_code[64];
	int rc = 0;

	buf_init(&form, 4 * TOKEN_MAX);
	if (http_form_add(&form, "grant_type", "authorization_code") < 0 ||
	    http_form_add(&form, "code", code->data) < 0 ||
	    http_form_add(&form, "redirect_uri", k->redirect.data) < 0 ||
	    http_form_add(&form, "code_verifier", k->verifier.data) < 0)
		rc = err_set(e, ERR_PROTOCOL, "--authorize: the code is too long");
	if (rc == 0 && oauth_token_request(a, a->oauth.token_url, &form, t, err_code,
					   sizeof err_code, e) != 0)
		rc = -1;
	buf_free(&form);
	return rc;
}

static void pkce_free(struct pkce *k)
{
	if (k->listener >= 0)
		close(k->listener);
	buf_free(&k->verifier);
	buf_free(&k->challenge);
	buf_free(&k->state);
	buf_free(&k->redirect);
}

static int authorize_code(const struct account *a, int paste, struct oauth_tokens *t,
			  struct err *e)
{
	struct pkce k = {.listener = -1};
	struct buf url, query, code;
	int rc = -1;

	buf_init(&k.verifier, 256);
	buf_init(&k.challenge, 256);
	buf_init(&k.state, 256);
	buf_init(&k.redirect, 256);
	buf_init(&url, 8192);
	buf_init(&query, REQUEST_MAX);
	buf_init(&code, TOKEN_MAX);
	if (!a->oauth.auth_url) {
		err_set(e, ERR_CONFIG, "--authorize %s: no oauth_auth_url for a browser sign-in; "
			"try --device", a->name);
		goto out;
	}
	if (random_text(&k.verifier, 48) < 0 || s256(&k.challenge, &k.verifier) < 0 ||
	    random_text(&k.state, 24) < 0) {
		err_set(e, ERR_OS, "--authorize: no random numbers");
		goto out;
	}
	if (listen_loopback(&k, e) < 0)
		goto out;
	if (buf_appendf(&k.redirect, "http://127.0.0.1:%d/", k.port) < 0 || auth_url(a, &k, &url) < 0) {
		err_set(e, ERR_CONFIG, "--authorize: the authorization address is too long");
		goto out;
	}
	fprintf(stderr, "postern: to authorize account %s (%s), open this address in a browser "
		"and sign in as %s:\n\n%s\n\n", a->name, a->host, a->user, url.data);
	if (paste)
		fprintf(stderr, "postern: when the browser shows an error page for 127.0.0.1, copy the "
			"address from its address bar and paste it here:\n");
	else
		open_browser(url.data);
	fflush(stderr);
	if (wait_for_code(&k, paste, &query, e) < 0 || check_answer(a, &k, query.data, &code, e) < 0 ||
	    exchange_code(a, &k, &code, t, e) < 0)
		goto out;
	rc = 0;
out:
	pkce_free(&k);
	buf_free(&url);
	buf_free(&query);
	buf_free(&code);
	return rc;
}

/* RFC 8628 section 3.5: poll until the user has signed in. */
static int poll_device(const struct account *a, const char *device_code, long interval,
		       long long deadline, struct oauth_tokens *t, struct err *e)
{
	char code[64];

	for (;;) {
		struct buf form;
		int rc;

		if ((long long)time(NULL) + interval > deadline)
			return err_set(e, ERR_NOPERM, "--authorize %s: the code expired before the sign-in "
				       "finished: start again", a->name);
		sleep_ms(interval * 1000);
		buf_init(&form, 4 * TOKEN_MAX);
		rc = http_form_add(&form, "grant_type", "urn:ietf:params:oauth:grant-type:device_code") < 0 ||
		     http_form_add(&form, "device_code", device_code) < 0 ?
		     err_set(e, ERR_PROTOCOL, "--authorize: device code too long") :
		     oauth_token_request(a, a->oauth.token_url, &form, t, code, sizeof code, e);
		buf_free(&form);
		if (rc == 0)
			return 0;
		/* RFC 8628 section 3.5: a network blip or a busy server is no
		 * reason to make the user start over: back off and go on. */
		if (e->kind == ERR_TEMP) {
			interval = interval * 2 > 60 ? 60 : interval * 2;
			continue;
		}
		if (rc < 0)
			return rc;
		if (strcmp(code, "authorization_pending") == 0)
			continue;
		if (strcmp(code, "slow_down") == 0) {
			interval += 5;
			continue;
		}
		if (strcmp(code, "access_denied") == 0)
			return err_set(e, ERR_NOPERM, "--authorize %s: the sign-in was declined", a->name);
		if (strcmp(code, "expired_token") == 0)
			return err_set(e, ERR_NOPERM, "--authorize %s: the code expired before the sign-in "
				       "finished: start again", a->name);
		return -1;   /* e names the error */
	}
}

static int authorize_device(const struct account *a, struct oauth_tokens *t, struct err *e)
{
	struct buf form;
	json_t *j = NULL;
	long status = 0, interval, life;
	const char *uri, *user_code, *device_code;
	char safe_uri[512], safe_code[64];
	int rc = -1;

	if (!a->oauth.device_url)
		return err_set(e, ERR_CONFIG, "--authorize %s --device: the account has no "
			       "oauth_device_url", a->name);
	buf_init(&form, 8192);
	if (http_form_add(&form, "scope", a->oauth.scope) < 0) {
		err_set(e, ERR_CONFIG, "--authorize: oauth_scope too long");
		goto out;
	}
	if (oauth_post_json(a, a->oauth.device_url, &form, &status, &j, e) < 0)
		goto out;
	uri = jsonlib_str(j, "verification_uri") ? jsonlib_str(j, "verification_uri")
	      : jsonlib_str(j, "verification_url");   /* Google's older spelling */
	user_code = jsonlib_str(j, "user_code");
	device_code = jsonlib_str(j, "device_code");
	if (status != 200 || !uri || !user_code || !device_code) {
		err_set(e, status >= 500 ? ERR_TEMP : ERR_PROTOCOL, "--authorize %s: the device "
			"endpoint answered HTTP %ld%s%s", a->name, status, jsonlib_str(j, "error") ? ": " : "",
			jsonlib_str(j, "error") ? log_safe(safe_uri, sizeof safe_uri, jsonlib_str(j, "error"))
						: " without a code");
		goto out;
	}
	interval = jsonlib_int(j, "interval");
	life = jsonlib_int(j, "expires_in");
	/* The provider's text goes to a terminal: printable characters only. */
	fprintf(stderr, "postern: to authorize account %s (%s), visit %s on any device and enter "
		"the code %s, then sign in as %s.\n", a->name, a->host,
		log_safe(safe_uri, sizeof safe_uri, uri), log_safe(safe_code, sizeof safe_code, user_code),
		a->user);
	fflush(stderr);
	rc = poll_device(a, device_code, interval > 0 && interval < 600 ? interval : 5,
			 (long long)time(NULL) + (life > 0 && life < 86400 ? life : 900), t, e);
out:
	jsonlib_decref(j);
	buf_free(&form);
	return rc;
}

static int use_device(const struct account *a, const struct options *o)
{
	if (o->paste || o->device)
		return o->device;
	return a->oauth.provider == OAUTH_MICROSOFT ||
	       (a->oauth.provider == OAUTH_CUSTOM && a->oauth.device_url);
}

int cmd_authorize(const struct options *o, struct err *e)
{
	struct config cfg = {0};
	const struct account *a;
	struct oauth_tokens t;
	char until[64] = "";
	int rc = -1, fd = -1;

	oauth_tokens_init(&t);
	if (!(a = cmd_account_of(o, &cfg, e)))
		goto out;
	if (a->oauth.provider == OAUTH_GOA) {
		err_set(e, ERR_USAGE, "--authorize %s: nothing to do: GNOME Online Accounts holds the "
			"sign-in (add or repair the account in GNOME Settings, Online Accounts)", a->name);
		goto out;
	}
	if (a->oauth.provider == OAUTH_NONE) {
		err_set(e, ERR_CONFIG, "--authorize %s: the account has no oauth_provider (see "
			"postern.ini(5), OAUTH2)", a->name);
		goto out;
	}
	/* Before anyone signs in: a machine without a keyring would find out
	 * only once the tokens are there to store. */
	if (secrets_ready(a, e) < 0) {
		err_prefix(e, "--authorize %s", a->name);
		goto out;
	}
	if ((use_device(a, o) ? authorize_device(a, &t, e) : authorize_code(a, o->paste, &t, e)) < 0)
		goto out;
	if (!t.refresh.len) {
		err_set(e, ERR_NOPERM, "--authorize %s: the provider sent no refresh token, so postern "
			"could send only for an hour (is offline_access in oauth_scope?)", a->name);
		goto out;
	}
	if ((fd = oauth_lock(a, e)) < 0 || oauth_store(a, &t, e) < 0)
		goto out;
	strftime(until, sizeof until, "%Y-%m-%d %H:%M", localtime(&(time_t){(time_t)t.expires_at}));
	printf("postern: authorized account %s: the tokens are in the keyring (this access token "
	       "lasts until %s; postern renews it by itself)\n", a->name, until);
	rc = 0;
out:
	oauth_unlock(fd);
	oauth_tokens_free(&t);
	if (rc == 0)
		cmd_release_held(&cfg, a);
	config_free(&cfg);
	return rc;
}
