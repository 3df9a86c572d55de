/*
 * Everything that leaves through one connection: the account's queued
 * messages that are due, in the order they were queued, and then the
 * message being sent now (if any), so a flush costs one TLS handshake and
 * one AUTH, a send also empties the queue before it, and messages arrive
 * in the order they were submitted. Every queued message's outcome is recorded: sent
 * (removed), deferred (attempts, backoff, last error), refused for good
 * (dead.letter, removed), or too old (dead.letter, removed).
 */
#ifndef POSTERN_OUTBOX_H
#define POSTERN_OUTBOX_H

#include "config.h"
#include "errors.h"
#include "session.h"

struct outbox_stats {
	int sent, deferred, failed, busy, held;
};

/* Sends the due entries of account `a` (all of them with force) from
 * queue folder `qdir` (NULL: no queue), then `own` (NULL for none).
 * own->done says what became of it. -1 only for local errors. */
int outbox_send(const struct config *cfg, const char *qdir, const struct account *a,
		struct session_job *own, int force, struct outbox_stats *st, struct err *e);

/* postern --check: connects, starts TLS and authenticates as a send of
 * account `a` would (credentials from the same places), then QUITs
 * without a message; h sees the TLS session and every reply. */
int outbox_check(const struct account *a, const struct session_hooks *h, struct err *e);

/* postern -q: every account's due entries, one connection per account. */
int outbox_flush(const struct config *cfg, int force, struct outbox_stats *st, struct err *e);

#endif
