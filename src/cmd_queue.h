/* The queue commands: postern -q (flush), -bp / mailq (list), --remove ID. */
#ifndef POSTERN_CMD_QUEUE_H
#define POSTERN_CMD_QUEUE_H

#include "args.h"
#include "errors.h"

int cmd_flush(const struct options *o, struct err *e);
int cmd_mailq(const struct options *o, struct err *e);
int cmd_remove(const struct options *o, struct err *e);

#endif
