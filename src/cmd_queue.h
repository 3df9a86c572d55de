/* The queue commands: postern -q (flush), -bp / mailq (list), --remove ID;
 * and newaliases (-bi), which sendmail callers expect next to mailq. */
#ifndef POSTERN_CMD_QUEUE_H
#define POSTERN_CMD_QUEUE_H

#include "args.h"
#include "errors.h"

int cmd_flush(const struct options *o, struct err *e);
int cmd_mailq(const struct options *o, struct err *e);
int cmd_remove(const struct options *o, struct err *e);
/* newaliases, -bi: checks the configuration's aliases file and says how
 * many names it holds (postern reads it as text on every run). */
int cmd_newaliases(const struct options *o, struct err *e);

#endif
