/*
 * postern --store-password ACCOUNT and --forget-password ACCOUNT: put the
 * account's password into the keyring (read without echo from the
 * terminal, or the first line of stdin) or take it out again.
 */
#ifndef POSTERN_CMD_PASSWORD_H
#define POSTERN_CMD_PASSWORD_H

#include "args.h"
#include "errors.h"

/* ERR_CONFIG for an unknown account or one without a user, ERR_USAGE for
 * an empty password, ERR_TEMP when the keyring fails. */
int cmd_store_password(const struct options *o, struct err *e);

/* ERR_CONFIG when nothing was stored for the account. */
int cmd_forget_password(const struct options *o, struct err *e);

#endif
