/* The queue commands: postern -q (flush), -bp / mailq (list), --remove ID;
 * and newaliases (-bi), which sendmail callers expect next to mailq. */
#ifndef POSTERN_CMD_QUEUE_H
#define POSTERN_CMD_QUEUE_H

#include "args.h"
#include "config.h"
#include "errors.h"

int cmd_flush(const struct options *o, struct err *e);

/* After --authorize or --store-password: releases account a's messages
 * held for credentials and sends them now, saying so on stdout. Failures
 * are reported and leave them queued; they never fail the command. */
void cmd_release_held(const struct config *cfg, const struct account *a);
int cmd_mailq(const struct options *o, struct err *e);
int cmd_remove(const struct options *o, struct err *e);
/* newaliases, -bi: checks the configuration's aliases file and says how
 * many names it holds (postern reads it as text on every run). */
int cmd_newaliases(const struct options *o, struct err *e);

#endif
