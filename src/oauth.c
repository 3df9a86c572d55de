/* RFC 6749 sections 5 and 6 (token responses, refreshing). */
#include "oauth.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "compat.h"
#include "http.h"
#include "cred.h"
#include "goa.h"
#include "jsonlib.h"
#include "keyring.h"
#include "secrets.h"
#include "log.h"
#include "private.h"
#include "queue.h"
#include "secmem.h"

#define EXPIRY_MARGIN 300          /* refresh this many seconds before expiry */
#define DEFAULT_LIFETIME 3600      /* when the endpoint leaves expires_in out */

void oauth_tokens_init(struct oauth_tokens *t)
{
	buf_init(&t->access, TOKEN_MAX);
	buf_init(&t->refresh, TOKEN_MAX);
	t->expires_at = 0;
}

void oauth_tokens_free(struct oauth_tokens *t)
{
	buf_free(&t->access);
	buf_free(&t->refresh);
	t->expires_at = 0;
}

static int copy_token(struct buf *b, const char *s)
{
	buf_wipe(b);
	if (!s || !*s)
		return 0;
	for (const char *p = s; *p; p++)   /* tokens go into SMTP lines and JSON */
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return -1;
	return buf_appends(b, s);
}

/* The keyring item: {"refresh_token", "access_token", "expires_at"}. */
static int tokens_parse(const struct jsonlib *J, const char *text, size_t len,
			struct oauth_tokens *t)
{
	json_t *j = J->json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
	int rc = -1;

	if (json_is_object(j) && copy_token(&t->refresh, jsonlib_str(j, "refresh_token")) == 0 &&
	    copy_token(&t->access, jsonlib_str(j, "access_token")) == 0) {
		t->expires_at = jsonlib_int(j, "expires_at");
		rc = 0;
	}
	jsonlib_decref(j);
	return rc;
}

/* The keyring item's text (jsonlib_free_text it), or NULL. The new
 * values are handed to the object (set_new), which frees them even
 * when setting fails. */
static char *tokens_text(const struct jsonlib *J, const struct oauth_tokens *t)
{
	json_t *j = J->json_object();
	char *text = NULL;

	if (j && J->json_object_set_new(j, "refresh_token",
					J->json_string(t->refresh.data ? t->refresh.data : "")) == 0 &&
	    J->json_object_set_new(j, "access_token",
				   J->json_string(t->access.data ? t->access.data : "")) == 0 &&
	    J->json_object_set_new(j, "expires_at", J->json_integer(t->expires_at)) == 0)
		text = J->json_dumps(j, JSON_COMPACT);
	jsonlib_decref(j);
	return text;
}

int oauth_store(const struct account *a, const struct oauth_tokens *t, struct err *e)
{
	const struct jsonlib *J = jsonlib_load(e);
	char *text;
	int rc;

	if (!J)
		return -1;
	if (!(text = tokens_text(J, t)))
		return err_set(e, ERR_OS, "OAuth2: out of memory");
	rc = secrets_store(a, KEYRING_OAUTH_TOKEN, text, e);
	jsonlib_free_text(text);
	return rc;
}

/* oauth_client_secret from the file, or else the keyring's (optional:
 * some clients have none). */
static int client_secret(const struct account *a, struct buf *out, struct err *e)
{
	if (a->oauth.client_secret)
		return buf_appends(out, a->oauth.client_secret) < 0 ?
		       err_set(e, ERR_CONFIG, "oauth_client_secret: too long") : 0;
	return secrets_lookup(a, KEYRING_OAUTH_CLIENT_SECRET, out, e) < 0 ?
	       -1 : 0;
}

static int add_client(const struct account *a, struct buf *form, struct err *e)
{
	struct buf secret;
	int rc;

	buf_init(&secret, TOKEN_MAX);
	rc = client_secret(a, &secret, e);
	if (rc == 0 && (http_form_add(form, "client_id", a->oauth.client_id) < 0 ||
			(secret.len && http_form_add(form, "client_secret", secret.data) < 0)))
		rc = err_set(e, ERR_SOFTWARE, "OAuth2: request too long");
	buf_free(&secret);
	return rc;
}

int oauth_post_json(const struct account *a, const char *url, struct buf *form, long *status,
		    json_t **out, struct err *e)
{
	struct http_request rq = {.url = url, .ca_file = a->oauth.tls_ca_file, .timeout = a->timeout,
				  .proxy = a->proxy};
	const struct jsonlib *J = jsonlib_load(e);
	struct buf body, proxy_pw;
	json_error_t jerr;
	int rc = -1;

	*out = NULL;
	if (!J || add_client(a, form, e) < 0)
		return -1;
	buf_init(&proxy_pw, PASSWORD_MAX);
	if (a->proxy_user) {
		if (cred_proxy_password(a, &proxy_pw, e) < 0) {
			buf_free(&proxy_pw);
			return -1;
		}
		rq.proxy_user = a->proxy_user;
		rq.proxy_password = proxy_pw.data;
	}
	rq.form = form->data ? form->data : "";
	rq.form_len = form->len;
	buf_init(&body, HTTP_RESPONSE_MAX);
	log_info("OAuth2: POST %s", url);
	if (http_post_form(&rq, status, &body, e) < 0) {
		/* An endless or huge answer is more likely a portal or a proxy
		 * than a broken provider: try again later. */
		if (e->kind == ERR_PROTOCOL)
			e->kind = ERR_TEMP;
		goto out;
	}
	log_info("OAuth2: HTTP %ld, %zu bytes", *status, body.len);
	*out = J->json_loadb(body.data ? body.data : "", body.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(*out)) {
		jsonlib_decref(*out);
		*out = NULL;
		/* A captive portal or a proxy answers with HTML (200, 403, 407
		 * ...), not the provider: a temporary failure. */
		err_set(e, ERR_TEMP, "OAuth2: %s: HTTP %ld and the answer is not a JSON object", url,
			*status);
		goto out;
	}
	rc = 0;
out:
	buf_free(&body);
	buf_free(&proxy_pw);   /* wiped */
	return rc;
}

/* Busy, rate-limited or failing servers: it may pass (RFC 6585's 429,
 * RFC 6749 section 4.1.2.1's server_error and temporarily_unavailable). */
static int transient(long status, const char *err)
{
	return status >= 500 || status == 408 || status == 429 ||
	       strcmp(err, "server_error") == 0 || strcmp(err, "temporarily_unavailable") == 0;
}

/* RFC 6749 section 5.2: error, error_description. */
static int token_error(const struct account *a, json_t *j, long status, char *code,
		       size_t code_len, struct err *e)
{
	const char *err = jsonlib_str(j, "error"), *desc = jsonlib_str(j, "error_description");

	snprintf(code, code_len, "%s", err ? err : "");
	if (!err)
		return err_set(e, transient(status, "") ? ERR_TEMP : ERR_PROTOCOL,
			       "OAuth2: the token endpoint answered HTTP %ld without a token or an error",
			       status);
	if (strcmp(err, "invalid_grant") == 0)
		err_set(e, ERR_NOPERM, "OAuth2: the token endpoint refused the grant (invalid_grant%s%s): "
			"run postern --authorize %s again", desc ? ": " : "", desc ? desc : "", a->name);
	else if (strcmp(err, "invalid_client") == 0 || strcmp(err, "unauthorized_client") == 0) {
		err_set(e, ERR_CONFIG, "OAuth2: the token endpoint refused the client (%s%s%s): check "
			"oauth_client_id and oauth_client_secret", err, desc ? ": " : "", desc ? desc : "");
		e->detail = ERR_DETAIL_CREDENTIALS;
	} else
		err_set(e, transient(status, err) ? ERR_TEMP : ERR_NOPERM,
			"OAuth2: the token endpoint answered %s%s%s", err, desc ? ": " : "",
			desc ? desc : "");
	return 1;
}

int oauth_token_request(const struct account *a, const char *url, struct buf *form,
			struct oauth_tokens *t, char *code, size_t code_len, struct err *e)
{
	json_t *j;
	long status = 0;
	long long life;
	int rc;

	*code = '\0';
	if (oauth_post_json(a, url, form, &status, &j, e) < 0)
		return -1;
	if (!jsonlib_str(j, "access_token") || status != 200) {
		rc = token_error(a, j, status, code, code_len, e);
		jsonlib_decref(j);
		return rc;
	}
	rc = copy_token(&t->access, jsonlib_str(j, "access_token"));
	if (rc == 0 && jsonlib_str(j, "refresh_token") && *jsonlib_str(j, "refresh_token"))   /* rotated */
		rc = copy_token(&t->refresh, jsonlib_str(j, "refresh_token"));
	life = jsonlib_int(j, "expires_in");
	if (jsonlib_str(j, "expires_in"))   /* some send "3599" */
		life = strtoll(jsonlib_str(j, "expires_in"), NULL, 10);
	t->expires_at = (long long)time(NULL) + (life > 0 && life < 10 * 365 * 86400LL ? life
						 : DEFAULT_LIFETIME);
	jsonlib_decref(j);
	if (rc < 0 || !t->access.len)
		return err_set(e, ERR_PROTOCOL, "OAuth2: the token endpoint sent a malformed or "
			       "over-long token");
	return 0;
}

static int load_tokens(const struct account *a, struct oauth_tokens *t, struct err *e)
{
	const struct jsonlib *J = jsonlib_load(e);
	struct buf item;
	int found, rc = 0;

	if (!J)
		return -1;
	buf_init(&item, 4 * TOKEN_MAX);
	found = secrets_lookup(a, KEYRING_OAUTH_TOKEN, &item, e);
	if (found < 0)
		rc = -1;
	else if (found == 0)
		rc = err_set(e, ERR_NOPERM, "OAuth2: no token stored for account %s: run "
			     "postern --authorize %s", a->name, a->name);
	else if (tokens_parse(J, item.data, item.len, t) < 0 || !t->refresh.len)
		rc = err_set(e, ERR_NOPERM, "OAuth2: the keyring item for account %s is damaged: run "
			     "postern --authorize %s", a->name, a->name);
	buf_free(&item);
	return rc;
}

void oauth_unlock(int fd)
{
	if (fd >= 0)
		close(fd);   /* releases the flock */
}

static int usable(const struct oauth_tokens *t, const char *rejected)
{
	return t->access.len && t->expires_at - EXPIRY_MARGIN > (long long)time(NULL) &&
	       (!rejected || strcmp(t->access.data, rejected) != 0);
}

/* One lock file per keyring item (host and user, as the item is keyed),
 * in one place for every process of the user: ~/.local/state/postern,
 * whatever XDG_STATE_HOME a desktop session or cron sets. */
static int lock_path(const struct account *a, struct buf *path, struct err *e)
{
	unsigned char md[EVP_MAX_MD_SIZE] = {0};
	unsigned int n = 0;
	const char *home = home_dir();
	struct buf key;
	int rc;

	if (!home)
		return err_set(e, ERR_CONFIG, "OAuth2: no home folder ($HOME must be an absolute path, or "
			       "unset for the password file's): no place for the lock file");
	if (buf_appendf(path, "%s/.local/state/postern", home) < 0)
		return err_set(e, ERR_CONFIG, "OAuth2: $HOME too long");
	if (private_dirs(path->data, e) < 0)
		return err_prefix(e, "OAuth2");
	buf_init(&key, 4096);
	rc = buf_appendf(&key, "%s\n%s", a->host, a->user);
	if (rc == 0 && !EVP_Digest(key.data, key.len, md, &n, EVP_sha256(), NULL))
		rc = -1;
	buf_free(&key);
	rc = rc < 0 ? -1 : buf_appends(path, "/oauth-");
	for (unsigned i = 0; rc == 0 && i < 8; i++)
		rc = buf_appendf(path, "%02x", md[i]);
	if (rc < 0 || buf_appends(path, ".lock") < 0)
		return err_set(e, ERR_OS, "OAuth2: lock file path too long");
	return 0;
}

int oauth_lock(const struct account *a, struct err *e)
{
	struct buf path;
	struct timespec pause = {0, 50 * 1000 * 1000};
	/* The holder may take a keyring lookup, the client secret's, the
	 * request and the store, each up to the timeout. */
	long long tries = (4 * a->timeout + 5) * 20;
	int fd;

	buf_init(&path, 4096);
	if (lock_path(a, &path, e) < 0) {
		buf_free(&path);
		return -1;
	}
	fd = private_open(path.data, O_RDWR | O_CREAT, 0600);
	if (fd < 0) {
		err_set(e, ERR_TEMP, "OAuth2: cannot open %s: %s", path.data, strerror(errno));
		buf_free(&path);
		return -1;
	}
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if ((errno != EWOULDBLOCK && errno != EINTR) || tries-- <= 0) {
			err_set(e, ERR_TEMP, "OAuth2: another postern has been refreshing the token of "
				"account %s for %ld seconds (lock %s)", a->name, 4 * a->timeout + 5,
				path.data);
			close(fd);
			buf_free(&path);
			return -1;
		}
		nanosleep(&pause, NULL);
	}
	buf_free(&path);
	return fd;
}

/* The endpoint has answered: with rotation the old refresh token is spent,
 * so the new one must not be lost because the keyring failed once. Try
 * twice; if both fail, send with the fresh access token anyway and say
 * loudly what the user must do. */
static void keep(const struct account *a, const struct oauth_tokens *t)
{
	struct err e1 = {0}, e2 = {0};

	if (oauth_store(a, t, &e1) == 0 || oauth_store(a, t, &e2) == 0)
		return;
	log_warn("OAuth2: the renewed tokens of account %s could not be stored (%s); if the provider "
		 "rotates refresh tokens, run postern --authorize %s", a->name, e2.msg, a->name);
}

static int refresh(const struct account *a, struct oauth_tokens *t, struct err *e)
{
	struct buf form;
	char code[64];
	int rc;

	buf_init(&form, 4 * TOKEN_MAX);
	rc = http_form_add(&form, "grant_type", "refresh_token") < 0 ||
	     http_form_add(&form, "refresh_token", t->refresh.data) < 0 ?
	     err_set(e, ERR_SOFTWARE, "OAuth2: refresh token too long") : 0;
	/* Microsoft wants the scope again; Google ignores it. */
	if (rc == 0 && a->oauth.provider == OAUTH_MICROSOFT &&
	    http_form_add(&form, "scope", a->oauth.scope) < 0)
		rc = err_set(e, ERR_SOFTWARE, "OAuth2: scope too long");
	if (rc == 0 && oauth_token_request(a, a->oauth.token_url, &form, t, code, sizeof code, e) != 0)
		rc = -1;
	buf_free(&form);
	if (rc == 0)
		keep(a, t);
	return rc;
}

int oauth_access_token(const struct account *a, const char *rejected, struct buf *out,
		       struct err *e)
{
	struct oauth_tokens t;
	int fd = -1, rc;

	if (a->oauth.provider == OAUTH_GOA)   /* GNOME keeps and renews the tokens */
		return goa_access_token(a, out, e);
	oauth_tokens_init(&t);
	rc = load_tokens(a, &t, e);
	if (rc == 0 && !usable(&t, rejected)) {
		/* Under the lock, read again: another process may have just
		 * refreshed, and its rotated refresh token is the only valid one. */
		if ((fd = oauth_lock(a, e)) < 0 || load_tokens(a, &t, e) < 0)
			rc = -1;
		else if (!usable(&t, rejected))
			rc = refresh(a, &t, e);
		oauth_unlock(fd);
	}
	if (rc == 0 && buf_append(out, t.access.data, t.access.len) < 0)
		rc = err_set(e, ERR_SOFTWARE, "OAuth2: access token too long");
	if (rc == 0)   /* out of swap while it lives (best effort, as for passwords) */
		(void)mlock(out->data, out->cap);
	oauth_tokens_free(&t);
	return rc;
}

int oauth_keep_alive(const struct account *a, struct err *e)
{
	struct oauth_tokens t;
	long long stale = (long long)time(NULL) - OAUTH_RENEW_AFTER_DAYS * 86400LL;
	int fd = -1, rc = 0;

	if (a->oauth.provider == OAUTH_NONE || a->oauth.provider == OAUTH_GOA)
		return 0;
	oauth_tokens_init(&t);
	if (load_tokens(a, &t, e) < 0) {
		oauth_tokens_free(&t);
		return e->kind == ERR_NOPERM ? 0 : -1;   /* nothing stored: nothing to keep */
	}
	if (t.expires_at < stale) {
		if ((fd = oauth_lock(a, e)) < 0 || load_tokens(a, &t, e) < 0)
			rc = -1;
		else if (t.expires_at < stale)
			rc = refresh(a, &t, e) < 0 ? -1 : 1;
	}
	oauth_unlock(fd);
	oauth_tokens_free(&t);
	if (rc == 1)
		log_info("OAuth2: account %s: the refresh token was renewed (unused for %d days)", a->name,
			 OAUTH_RENEW_AFTER_DAYS);
	return rc;
}
