/*
 * Mail held for credentials (queue.h's `held`): a refused, missing or
 * revoked password or token is mended by a person, not by waiting, so
 * such messages leave the retry backoff until released, and the person is
 * told (notify.h) when it happens and once a day while any wait.
 */
#ifndef POSTERN_HELD_H
#define POSTERN_HELD_H

#include <stddef.h>

#include "config.h"
#include "errors.h"

/* What the user does about a credentials failure of account a for
 * `reason` (the error; NULL if unknown): one clause ("fix it with postern
 * --authorize NAME, then ..."). */
void held_fix_hint(const struct account *a, const char *reason, char *out, size_t n);

/* Releases the entries of `account` held for credentials (due at once);
 * how many, or -1. */
int held_release(const char *qdir, const char *account, struct err *e);

/* How many entries of `account` are held in queue folder qdir. */
int held_count(const char *qdir, const char *account);

/* Tells the person that account a's mail is held now, for `reason`, and
 * starts the day until the next reminder. */
void held_notify(const char *qdir, const struct account *a, const char *reason);

/* postern -q: once a day while anything is held, tells again, per account. */
void held_remind(const struct config *cfg, const char *qdir);

/* postern -q, once a day: renews OAuth2 sign-ins unused for long (they
 * would lapse), and tells the person when one is refused. */
void held_keep_alive(const struct config *cfg, const char *qdir);

#endif
