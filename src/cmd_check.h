/*
 * postern --check [ACCOUNT] and --check --all: the first thing to run when
 * something is wrong. Connects as a send would, shows the TLS session and
 * the server's certificates (with their expiry), the extensions and AUTH
 * mechanisms offered and the one postern picks, authenticates with the
 * account's credentials and QUITs without sending. A failure gets a line
 * saying what to do next.
 */
#ifndef POSTERN_CMD_CHECK_H
#define POSTERN_CMD_CHECK_H

#include "args.h"
#include "errors.h"

/* 0 when every account checked is well; else -1 with the first failure
 * (its kind is a send's: the same exit code). */
int cmd_check(const struct options *o, struct err *e);

#endif
