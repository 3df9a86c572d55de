/*
 * oauth_provider = goa: the access token comes from the Google or
 * Microsoft account the user already added in GNOME Settings (GNOME Online
 * Accounts, org.gnome.OnlineAccounts on the session bus), found by its
 * email address (the account's user), from its OAuth2Based interface's
 * GetAccessToken. No client ID to register, nothing stored by postern.
 */
#ifndef POSTERN_GOA_H
#define POSTERN_GOA_H

#include "buf.h"
#include "config.h"
#include "errors.h"

/* The token into `out` (limit TOKEN_MAX). ERR_TEMP when there is no
 * session bus; ERR_NOPERM (a person must act, the message is held) when
 * GNOME Online Accounts is absent, has no such account, has its mail
 * switched off, or cannot give a token (signed out). */
int goa_access_token(const struct account *a, struct buf *out, struct err *e);

#endif
