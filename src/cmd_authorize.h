/*
 * postern --authorize ACCOUNT: the one-time sign-in that gets an OAuth2
 * refresh token into the keyring.
 *  - Authorization code with PKCE (RFC 7636, S256) and a loopback redirect
 *    to 127.0.0.1 on a random port (RFC 8252), for Google; with --paste
 *    the user pastes the address the browser was sent to (over SSH).
 *  - Device authorization grant (RFC 8628), for Microsoft, custom
 *    providers with oauth_device_url, or --device: a code to enter on any
 *    device; polls at the server's interval. Needs no terminal.
 */
#ifndef POSTERN_CMD_AUTHORIZE_H
#define POSTERN_CMD_AUTHORIZE_H

#include "args.h"
#include "errors.h"

/* ERR_CONFIG for an account without OAuth2 settings, ERR_NOPERM when the
 * user or provider refuses, ERR_TEMP when the provider cannot be reached. */
int cmd_authorize(const struct options *o, struct err *e);

#endif
