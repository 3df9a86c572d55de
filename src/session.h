/*
 * The one loop that does network I/O: connects, runs the smtp state
 * machine over the connection, starts TLS when it says so, streams the
 * message, and closes. Every step has the account's timeout.
 */
#ifndef POSTERN_SESSION_H
#define POSTERN_SESSION_H

#include <sys/types.h>
#include <openssl/ssl.h>

#include "buf.h"
#include "config.h"
#include "errors.h"
#include "reply.h"
#include "smtp.h"

/* Where the message text comes from: our header block, then the body in
 * the spool file from body_off to body_end. */
struct message_source {
	const struct buf *header_block;
	int fd;
	off_t body_off, body_end;
};

/* One message of a batch sent over one connection. */
struct session_job {
	const struct smtp_message *m;
	struct message_source src;
	int done;           /* out: 1 accepted, -1 failed (err), 0 not attempted */
	struct err err;     /* out: why this message failed */
	char final[400];    /* out: the server's reply to its final dot */
};

/* Told of each job's outcome as soon as it is known; and, for postern
 * --check (each may be NULL), of every reply with the step it answers,
 * and of the TLS session once its handshake is over (`ok` 0 when the
 * handshake or the check of the peer failed; e then says why). */
struct session_hooks {
	void (*settled)(void *ctx, int job);
	void (*reply)(void *ctx, const char *step, const struct reply *r);
	void (*tls)(void *ctx, SSL *ssl, int ok, const struct err *e);
	void *ctx;
};

/* Sends jobs[0..n) over one connection: one TLS handshake and AUTH, then
 * MAIL/RCPT/DATA per message (RSET after a failed one). A job is settled
 * (done 1 or -1) only by the server's answer to that message; when the
 * session fails around a job (no TLS, AUTH refused, connection lost) it and
 * the rest keep done == 0 and e says why. Returns 0 when every job was
 * settled, else -1. */
int session_send_batch(const struct account *a, const struct smtp_params *p,
		       struct session_job *jobs, int n, const struct session_hooks *h, struct err *e);

/* Sends one message. On success fills `final_reply` with the server's
 * answer to the final dot. */
int session_send(const struct account *a, const struct smtp_params *p,
		 const struct smtp_message *m, const struct message_source *src,
		 char *final_reply, size_t final_len, struct err *e);

#endif
