/*
 * OAuth2 tokens for an account (RFC 6749): kept in the keyring as one item
 * (refresh token, access token, expiry), used until five minutes before
 * expiry, then refreshed at the token endpoint over HTTPS. A rotated
 * refresh token is stored at once. Refreshes of one account are
 * serialised with a lock file, so cron, the queue and mutt refreshing
 * together never lose a rotated token.
 */
#ifndef POSTERN_OAUTH_H
#define POSTERN_OAUTH_H

#include "buf.h"
#include "config.h"
#include "errors.h"

struct oauth_tokens {
	struct buf access;
	struct buf refresh;
	long long expires_at;      /* epoch seconds; 0: unknown */
};

void oauth_tokens_init(struct oauth_tokens *t);
void oauth_tokens_free(struct oauth_tokens *t);

/* A valid access token for the account into `out` (limit TOKEN_MAX).
 * `rejected`, when not NULL, is a token the server just refused: a
 * different one is returned (another process's fresher one, or a new
 * refresh). ERR_NOPERM when no token is stored or the refresh token is no
 * longer accepted (run --authorize again); ERR_TEMP when the endpoint or
 * the keyring cannot be reached now. */
int oauth_access_token(const struct account *a, const char *rejected, struct buf *out,
		       struct err *e);

/* POSTs `form` (the grant's own fields; client_id and client_secret are
 * added here) to `url` and reads the JSON answer. Returns 0 with tokens
 * in t; 1 when the endpoint answered with an OAuth error, its code in
 * `code` ("authorization_pending", "invalid_grant" ...) and e set; -1 on
 * other failures. */
int oauth_token_request(const struct account *a, const char *url, struct buf *form,
			struct oauth_tokens *t, char *code, size_t code_len, struct err *e);

/* Any JSON POST (the device authorization endpoint): the decoded object
 * in *out (jsonlib_decref it), or -1. The HTTP status goes to *status.
 * ERR_TEMP, besides the request's own errors, when jansson cannot be
 * loaded. */
struct json_t;
int oauth_post_json(const struct account *a, const char *url, struct buf *form, long *status,
		    struct json_t **out, struct err *e);

/* Takes the account's refresh lock (waiting as long as a holder may
 * legitimately keep it): an fd for oauth_unlock, or -1 with ERR_TEMP. */
int oauth_lock(const struct account *a, struct err *e);

/* A refresh token unused this long may lapse (Microsoft revokes one after
 * 90 days of disuse): postern -q renews it. */
#define OAUTH_RENEW_AFTER_DAYS 30

/* Renews the account's tokens when the last refresh is older than
 * OAUTH_RENEW_AFTER_DAYS (no user needed). 1 renewed, 0 nothing to do
 * (or nothing stored), -1 with e set (invalid_grant: ERR_NOPERM). */
int oauth_keep_alive(const struct account *a, struct err *e);
void oauth_unlock(int fd);

/* Stores the tokens as the account's keyring item (take the lock first). */
int oauth_store(const struct account *a, const struct oauth_tokens *t, struct err *e);

#endif
