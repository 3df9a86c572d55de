/*
 * The account's password: from `password` in the (private) config file,
 * the first line of `password_command`'s output, or else the keyring
 * (keyring.h). The result lives in a buf
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
 * ERR_CONFIG when the command cannot run or the keyring holds no password
 * for the account; ERR_TEMP when the command fails or times out, or the
 * keyring is locked, unreachable or silent. */
int cred_password(const struct account *a, struct buf *out, struct err *e);

/* The password of the account's proxy_user, from the secret store, into
 * `out`. ERR_CONFIG (a person must store it: held) when none is stored. */
int cred_proxy_password(const struct account *a, struct buf *out, struct err *e);

#endif
