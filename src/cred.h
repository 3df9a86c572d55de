/*
 * The account's password: from `password` in the (private) config file or
 * the first line of `password_command`'s output. The result lives in a buf
 * the caller wipes with buf_free(); it never reaches argv or the
 * environment.
 */
#ifndef POSTERN_CRED_H
#define POSTERN_CRED_H

#include "buf.h"
#include "config.h"
#include "errors.h"

/* Fills `out` (initialised by the caller with a PASSWORD_MAX limit).
 * Returns 0 with out empty when the account has no user (no AUTH).
 * ERR_CONFIG when a user is set without a way to get the password or the
 * command cannot run; ERR_TEMP when it fails or times out. */
int cred_password(const struct account *a, struct buf *out, struct err *e);

#endif
