/*
 * postern --store-password ACCOUNT and --forget-password ACCOUNT: put the
 * account's password (for an OAuth2 account: its client secret) into the
 * keyring (read without echo from the terminal, or the first line of
 * stdin) or take it out again (for OAuth2: the tokens too).
 */
#ifndef POSTERN_CMD_PASSWORD_H
#define POSTERN_CMD_PASSWORD_H

#include "args.h"
#include "config.h"
#include "errors.h"

/* Loads the config and finds the account named by the command (which must
 * have a user); cfg is the caller's to free. NULL with e set. */
const struct account *cmd_account_of(const struct options *o, struct config *cfg,
				     struct err *e);

/* ERR_CONFIG for an unknown account or one without a user, ERR_USAGE for
 * an empty password, ERR_TEMP when the keyring fails. */
int cmd_store_password(const struct options *o, struct err *e);

/* ERR_CONFIG when nothing was stored for the account. */
int cmd_forget_password(const struct options *o, struct err *e);

#endif
