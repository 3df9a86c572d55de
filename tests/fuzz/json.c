/* Fuzzes the OAuth2 token readers in oauth.c (through jansson, loaded
 * with dlopen by jsonlib.c as in a real run): the keyring item
 * {"refresh_token", "access_token", "expires_at"} and the token
 * endpoint's answer (RFC 6749 sections 5.1 and 5.2), read by the public
 * oauth_access_token and oauth_token_request. The two I/O edges are
 * replaced here, at link time: http_post_form answers with the fuzzed
 * body and status, secrets_lookup returns the fuzzed item and
 * secrets_store keeps what is stored (http.o and secrets.o are then never
 * linked). Input: one byte for the HTTP status, the keyring item, a NUL,
 * the endpoint's answer. Properties: a token handed out is non-empty,
 * bounded and has no byte an SMTP line or JSON could trip on; what a
 * refresh stores reads back as the same access token. */
#include <dirent.h>
#include <time.h>

#include "bounds.h"
#include "fuzz.h"
#include "http.h"
#include "jsonlib.h"
#include "secrets.h"
#include "oauth.h"

static const char *item, *answer;
static size_t item_len, answer_len;
static long status;
static struct buf stored;

int http_post_form(const struct http_request *rq, long *st, struct buf *body, struct err *e)
{
	(void)rq;
	*st = status;
	if (buf_append(body, answer, answer_len) < 0)
		return err_set(e, ERR_PROTOCOL, "fuzz: answer longer than %zu bytes", body->limit);
	return 0;
}

int http_form_add(struct buf *form, const char *name, const char *value)
{
	return buf_appendf(form, "%s%s=%s", form->len ? "&" : "", name, value);
}

int secrets_lookup(const struct account *a, enum keyring_kind kind, struct buf *out, struct err *e)
{
	(void)a;
	FUZZ_CHECK(kind == KEYRING_OAUTH_TOKEN, "only the token item is looked up");
	if (!item_len)
		return 0;
	return buf_append(out, item, item_len) < 0 ? err_set(e, ERR_TEMP, "fuzz: item too long") : 1;
}

int secrets_store(const struct account *a, enum keyring_kind kind, const char *secret,
		  struct err *e)
{
	(void)a, (void)e;
	FUZZ_CHECK(kind == KEYRING_OAUTH_TOKEN, "only the token item is stored");
	buf_reset(&stored);
	FUZZ_CHECK(buf_appends(&stored, secret) == 0, "the stored item is bounded");
	return 0;
}

static char home[256];

/* The refresh lock and its folders go when the run ends. */
static void remove_home(void)
{
	static const char *const dirs[] = {"/.local/state/postern", "/.local/state", "/.local", ""};
	char path[256];
	DIR *d;
	struct dirent *de;

	snprintf(path, sizeof path, "%s%s", home, dirs[0]);
	if ((d = opendir(path))) {
		while ((de = readdir(d)))
			if (strncmp(de->d_name, "oauth-", 6) == 0) {
				snprintf(path, sizeof path, "%s%s/%s", home, dirs[0], de->d_name);
				unlink(path);
			}
		closedir(d);
	}
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		snprintf(path, sizeof path, "%s%s", home, dirs[i]);
		rmdir(path);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct err e = {0};

	(void)argc, (void)argv;
	if (!jsonlib_load(&e)) {   /* else every input would only test the refusal */
		fprintf(stderr, "fuzz: %s\n", e.msg);
		abort();
	}
	if (fuzz_mkdtemp("json", home, sizeof home)) {   /* the refresh lock lives under $HOME */
		setenv("HOME", home, 1);
		atexit(remove_home);
	}
	buf_init(&stored, 16 * TOKEN_MAX);
	return 0;
}

static const struct account account = {
	.name = "fuzz", .host = "smtp.office365.com", .user = "me@example.com", .timeout = 5,
	.oauth = {.provider = OAUTH_MICROSOFT, .client_id = "0000-1111", .client_secret = "s3cret",
		  .scope = "https://outlook.office.com/SMTP.Send offline_access",
		  .token_url = "https://login.microsoftonline.com/common/oauth2/v2.0/token"}};

static void check_token(const struct buf *t)
{
	FUZZ_CHECK(t->len > 0 && t->len <= TOKEN_MAX, "a token is non-empty and bounded");
	for (size_t i = 0; i < t->len; i++)
		FUZZ_CHECK((unsigned char)t->data[i] > ' ' && t->data[i] != 0x7f,
			   "a token has no space or control character");
}

/* The endpoint's answer read directly. */
static void token_request(void)
{
	struct oauth_tokens t;
	struct buf form;
	struct err e = {0};
	char code[64];
	int rc;

	oauth_tokens_init(&t);
	buf_init(&form, 4 * TOKEN_MAX);
	rc = oauth_token_request(&account, account.oauth.token_url, &form, &t, code, sizeof code, &e);
	if (rc == 0) {
		check_token(&t.access);
		FUZZ_CHECK(t.expires_at > (long long)time(NULL), "a new token expires in the future");
	} else {
		FUZZ_CHECK(e.kind != ERR_NONE && e.msg[0], "a refusal says why");
		FUZZ_CHECK(memchr(code, '\0', sizeof code) != NULL, "the error code is a string");
	}
	if (t.refresh.len)
		check_token(&t.refresh);
	buf_free(&form);
	oauth_tokens_free(&t);
}

/* The whole lookup: the item, and a refresh when it is not usable. */
static void access_token(void)
{
	struct buf token, again;
	struct err e = {0};

	buf_init(&token, TOKEN_MAX);
	buf_init(&again, TOKEN_MAX);
	buf_reset(&stored);
	if (oauth_access_token(&account, NULL, &token, &e) < 0) {
		FUZZ_CHECK(e.kind != ERR_NONE && e.msg[0], "a refusal says why");
		goto out;
	}
	check_token(&token);
	if (stored.len) {   /* refreshed: the stored item must read back */
		item = stored.data;
		item_len = stored.len;
		memset(&e, 0, sizeof e);
		FUZZ_CHECK(oauth_access_token(&account, NULL, &again, &e) == 0, "the stored item reads back");
		FUZZ_CHECK(again.len == token.len && memcmp(again.data, token.data, token.len) == 0,
			   "the stored item holds the new access token");
	}
out:
	buf_free(&token);
	buf_free(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long statuses[] = {200, 200, 200, 400, 401, 403, 408, 429, 500, 503, 302, 0};
	const char *p = (const char *)data + 1, *nul;

	if (size < 1)
		return 0;
	status = statuses[data[0] % (sizeof statuses / sizeof statuses[0])];
	nul = memchr(p, '\0', size - 1);
	item = p;
	item_len = nul ? (size_t)(nul - p) : size - 1;
	answer = nul ? nul + 1 : "";
	answer_len = nul ? size - 1 - item_len - 1 : 0;
	token_request();
	access_token();
	return 0;
}
