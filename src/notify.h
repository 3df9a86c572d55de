/*
 * Telling the person that mail is held for credentials: one syslog line
 * at LOG_ERR (facility mail), and either the account's notify_command
 * (run with POSTERN_EVENT, POSTERN_ACCOUNT, POSTERN_HELD, POSTERN_REASON
 * and POSTERN_FIX in its environment; never a secret) or, without one, a
 * desktop notification over the session bus (nothing when there is no
 * bus). Best effort: nothing here fails a send.
 */
#ifndef POSTERN_NOTIFY_H
#define POSTERN_NOTIFY_H

#include "config.h"

/* event: "held" (just now), "reminder" (still, once a day) or
 * "token_refused" (postern -q could not renew the sign-in); `held` is
 * how many messages of the account wait; `reason` the server's line (or
 * the token endpoint's), `fix` what to do. */
void notify_held(const struct account *a, const char *event, int held, const char *reason,
		 const char *fix);

#endif
