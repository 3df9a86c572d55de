/*
 * Where an account's secrets live (its password, OAuth2 tokens, OAuth2
 * client secret): the desktop keyring (keyring.h), or, with the explicit
 * opt-in secret_store = file for machines without one (servers,
 * containers), one private file per secret under the state folder:
 * $XDG_STATE_HOME/postern/secrets/KIND-HASH, mode 0600 in a 0700 folder,
 * written atomically (a temporary file, fsync, rename), read only when it
 * is the user's own regular file and no one else may read it.
 */
#ifndef POSTERN_SECRETS_H
#define POSTERN_SECRETS_H

#include "buf.h"
#include "config.h"
#include "errors.h"
#include "keyring.h"

/* 1 found (in `out`), 0 none stored, -1 with e set (as keyring_lookup). */
int secrets_lookup(const struct account *a, enum keyring_kind kind, struct buf *out,
		   struct err *e);

/* 0, or -1 with e set. */
int secrets_store(const struct account *a, enum keyring_kind kind, const char *secret,
		  struct err *e);

/* 1 deleted, 0 none, -1 with e set. */
int secrets_forget(const struct account *a, enum keyring_kind kind, struct err *e);

/* Before asking a person to sign in: can the account's store be reached
 * now? -1 with e saying why and what to do (a headless machine has no
 * keyring: secret_store = file). */
int secrets_ready(const struct account *a, struct err *e);

/* Where secret_store = file keeps the account's secret of this kind
 * (for messages and tests); the folder is created. */
int secrets_file_path(const struct account *a, enum keyring_kind kind, struct buf *out,
		      struct err *e);

#endif
