/*
 * The one loop that does network I/O: connects, runs the smtp state
 * machine over the connection, starts TLS when it says so, streams the
 * message, and closes. Every step has the account's timeout.
 */
#ifndef POSTERN_SESSION_H
#define POSTERN_SESSION_H

#include <sys/types.h>

#include "buf.h"
#include "config.h"
#include "errors.h"
#include "smtp.h"

/* Where the message text comes from: our header block, then the body in
 * the spool file from body_off to body_end. */
struct message_source {
	const struct buf *header_block;
	int fd;
	off_t body_off, body_end;
};

/* Sends one message. On success fills `final_reply` with the server's
 * answer to the final dot. */
int session_send(const struct account *a, const struct smtp_params *p,
		 const struct smtp_message *m, const struct message_source *src,
		 char *final_reply, size_t final_len, struct err *e);

#endif
