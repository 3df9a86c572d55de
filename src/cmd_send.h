/* Sending one message from standard input: the default mode. */
#ifndef POSTERN_CMD_SEND_H
#define POSTERN_CMD_SEND_H

#include "args.h"
#include "bounds.h"
#include "errors.h"

/* What became of a message that did not fail. */
enum send_state { SEND_DELIVERED = 1, SEND_QUEUED, SEND_HELD };

struct send_report {
	enum send_state state;
	char text[ERR_MSG_MAX];   /* the smarthost's final reply, or the queue id */
};

int cmd_send(const struct options *o, struct err *e);

/* The same, with the message read from fd (dot_ends_input as o says) and,
 * when report is not NULL, what became of it. -1 with e set when it was
 * neither delivered nor queued (it may be in dead.letter: e says so). */
int cmd_send_fd(const struct options *o, int fd, struct send_report *report, struct err *e);

#endif
