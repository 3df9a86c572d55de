/*
 * The Secret Service (GNOME Keyring, KeePassXC ...) through libsecret.
 * postern's items use the schema org.postern.Password with attributes
 * host (as written in the config), user and protocol: smtp for a password,
 * oauth2 for an account's OAuth2 tokens, oauth2-client for its OAuth2
 * client secret. Password lookups fall back to msmtp's items (schema name not matched; host, service = smtp,
 * user). Every call is bounded by a deadline, so a keyring that never
 * answers cannot hold postern. A locked item is told apart from an absent
 * one: libsecret's simple lookup returns "nothing" for both.
 * Secrets are copied into the caller's buf; libsecret's copies are freed
 * through its own wiping allocator. libsecret is loaded at the first call
 * that finds a session bus (secretlib.h); failing to load it is ERR_TEMP,
 * like a keyring that cannot be reached.
 */
#ifndef POSTERN_KEYRING_H
#define POSTERN_KEYRING_H

#include "buf.h"
#include "errors.h"

enum keyring_kind { KEYRING_PASSWORD, KEYRING_OAUTH_TOKEN, KEYRING_OAUTH_CLIENT_SECRET,
		    KEYRING_PROXY_PASSWORD };

/* Looks the secret of this kind for USER at HOST up into `out` (borrowed, empty).
 * Returns 1 when found, 0 when no item exists, -1 with ERR_TEMP when the
 * keyring is locked and cannot be unlocked here, there is no session bus,
 * or nothing answers within `timeout` seconds. */
int keyring_lookup(enum keyring_kind kind, const char *host, const char *user, long timeout,
		   struct buf *out, struct err *e);

/* Stores (or replaces) the secret for USER at HOST labelled
 * "postern: ACCOUNT[ OAuth2 token] (HOST)". 0, or -1 with ERR_TEMP. */
int keyring_store(enum keyring_kind kind, const char *account, const char *host,
		  const char *user, const char *secret, long timeout, struct err *e);

/* Deletes postern's item of this kind for USER at HOST. 1 when deleted, 0
 * when there was none, -1 with ERR_TEMP. */
int keyring_forget(enum keyring_kind kind, const char *host, const char *user, long timeout,
		   struct err *e);

#endif
