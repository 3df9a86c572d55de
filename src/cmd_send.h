/* Sending one message from standard input: the default mode. */
#ifndef POSTERN_CMD_SEND_H
#define POSTERN_CMD_SEND_H

#include "args.h"
#include "errors.h"

int cmd_send(const struct options *o, struct err *e);

#endif
