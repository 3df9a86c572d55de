/*
 * The SMTP client as a state machine with no I/O (RFC 5321, 3207, 4954,
 * 2920, 1870, 6152, 3030). The session feeds it parsed replies; it appends
 * the next commands to `out` and says what to do next. A queue of expected
 * replies makes pipelining nothing more than several commands in `out`.
 * AUTH lines are logged redacted by smtp_cmd(), the one function that
 * writes commands, and `out` must be wiped by the caller after sending.
 * smtp.c holds the session (greeting, EHLO, TLS, AUTH) and the dispatch;
 * smtp_mail.c the mail transaction (MAIL, RCPT, DATA or BDAT, RSET).
 */
#ifndef POSTERN_SMTP_H
#define POSTERN_SMTP_H

#include <sys/types.h>

#include "addr.h"
#include "bounds.h"
#include "buf.h"
#include "caps.h"
#include "config.h"
#include "envelope.h"
#include "errors.h"
#include "reply.h"
#include "sasl.h"

enum smtp_state {
	S_GREETING, S_EHLO, S_HELO, S_STARTTLS, S_AUTH, S_MAIL, S_RCPT, S_DATA,
	S_DATA_END, S_BDAT, S_RSET, S_QUIT, S_DONE, S_FAILED, S_STATE_COUNT
};

enum smtp_action {
	SMTP_READ,        /* send `out` (if any), then read a reply */
	SMTP_STARTTLS,    /* start TLS now (nothing may be buffered), then smtp_tls_started */
	SMTP_SEND_BODY,   /* stream the message, then smtp_body_sent */
	SMTP_SEND_CHUNK,  /* send `out` (a BDAT line), then the message bytes
			   * [chunk_off, chunk_off + chunk_len), then smtp_chunk_sent */
	SMTP_CLOSE,       /* send `out` (QUIT) and close: success */
	SMTP_FAIL,        /* failed, e is set; send `out` unless abort_connection */
	SMTP_MSG_DONE,    /* batch: this message was accepted; smtp_next_message or smtp_quit */
	SMTP_MSG_FAILED,  /* batch: this message failed (e set), the connection is still fine */
	SMTP_DOWNGRADE,   /* the server cannot take the body as it is: make a 7-bit copy
			   * (RFC 6152 section 3), then smtp_downgraded with it */
	SMTP_RECONNECT,   /* LIMITS MAILMAX reached, or the last message had to be aborted:
			   * send `out` (QUIT, if any), connect again, then
			   * smtp_reconnected; the message goes on where it was */
};

struct smtp_params {
	const char *ehlo_name;
	int tls_active;              /* implicit TLS: already encrypted */
	enum auth_choice auth;
	struct sasl_creds creds;     /* user NULL: no AUTH */
	enum refused_policy refused;
	int probe;                   /* postern --check: QUIT once authenticated, no message */
	const char *proxy_password;  /* for the account's proxy_user (the session's route, not
				      * SMTP's business; wiped by whoever fetched it) */
};

/* What became of each recipient (smtp_message.rcpt_state). */
enum rcpt_state {
	RCPT_PENDING,     /* not yet tried, or left for the next transaction */
	RCPT_DELIVERED,   /* the server took the message for it */
	RCPT_SKIPPED,     /* refused, and refused_recipients = skip sent to the others */
	RCPT_ACCEPTED,    /* accepted in the transaction under way */
	RCPT_FAILED,      /* refused or deferred in a transaction that did not go */
};

struct smtp_message {
	const char *sender;          /* "" for <> */
	const struct addr_list *rcpts;
	off_t size;                  /* the exact bytes sent by BDAT */
	struct envelope_opts o;
	/* One enum rcpt_state per recipient, zeroed by the caller, filled in
	 * as the server answers; NULL: kept inside struct smtp. A message may
	 * take several transactions (LIMITS RCPTMAX, 452 too many recipients),
	 * so on failure some recipients may already have it. */
	unsigned char *rcpt_state;
};

struct smtp_expect {
	enum smtp_state kind;
	int rcpt;                    /* for S_RCPT: which recipient */
	int tag;                     /* the message (struct smtp_txn.tag) the reply is for */
};

/* One message's transaction. With PIPELINING and CHUNKING, a batch keeps
 * several messages in flight (RFC 2920 section 3.1): each has its own
 * counters while its replies come, and replies come in order. */
struct smtp_txn {
	const struct smtp_message *msg;
	struct err *e;               /* this message's error slot */
	int tag;                     /* the caller's number for the message */
	int pending;                 /* replies still to come for it */
	int batch;                   /* more messages follow it on this connection */
	int behind;                  /* started behind others in flight: RSET went first */
	int rcpt_next;               /* without pipelining: the next RCPT to send (txn index) */
	int txn[ADDRS_MAX];          /* the recipients of this transaction */
	int ntxn;
	unsigned char own_state[ADDRS_MAX];
	unsigned char refused_rcpt[ADDRS_MAX];   /* 5xx to RCPT in this transaction */
	unsigned char *rs;           /* msg->rcpt_state, or own_state */
	int overflow;                /* "452 too many recipients": left for the next one */
	int accepted, refused, deferred;
	struct buf refusals;         /* "<a>: 550 ...; <b>: ..." for the error */
	int body_sent;               /* the final dot, or BDAT LAST, went out */
	int bdat;                    /* this transaction goes with BDAT (RFC 3030) */
	off_t chunk_off, chunk_len;  /* the chunk being sent */
	off_t sent;                  /* message bytes sent in chunks so far */
	int chunks_in_flight;        /* BDAT replies still to come */
	int last_sent;               /* the BDAT LAST command is out */
	int rcpts_settled;           /* every RCPT reply is in */
	int utf8;                    /* this transaction uses SMTPUTF8 (RFC 6531) */
	int downgraded;              /* the message is the 7-bit copy */
	int msg_failed;              /* batch: draining replies of a failed message */
	int message_failed;          /* the failure is this message's own (MAIL, RCPT, DATA) */
};

struct smtp {
	enum smtp_state state;
	struct smtp_params p;
	struct caps caps;
	struct buf out;
	struct smtp_expect expect[ADDRS_MAX + 8 + 4 * FLIGHT_MAX];
	int qhead, qlen;
	int tls_active;
	enum sasl_mech_id mech;
	struct sasl_session sasl;
	int sasl_active;
	struct buf withheld;         /* an initial response too long for the AUTH line */
	int txns;                    /* transactions started on this connection */
	int abort_connection;        /* in DATA mode: close without the final dot */
	int connect_again;           /* the next message needs a new connection */
	/* The messages in flight, by tag modulo FLIGHT_MAX + 1: `t` is the
	 * one the reply being handled (or the command being built) is for,
	 * `newest` the last one started. */
	struct smtp_txn *ring;
	struct smtp_txn *t;
	struct smtp_txn *newest;
	int in_flight;               /* messages started and not yet settled */
	char slow_down[400];         /* a 421 or 454 4.7.0 (too many messages): start no more */
};

/* Message m is tag 0; each next one takes the next tag. -1 when out of
 * memory (e is set). */
int smtp_init(struct smtp *s, const struct smtp_params *p, const struct smtp_message *m,
	      struct err *e);
void smtp_free(struct smtp *s);

/* Expects the greeting. */
enum smtp_action smtp_start(struct smtp *s);
/* One complete reply. */
enum smtp_action smtp_on_reply(struct smtp *s, const struct reply *r);
/* TLS is up: forget the capabilities and say EHLO again. */
enum smtp_action smtp_tls_started(struct smtp *s);
/* The body and its final dot were written. */
enum smtp_action smtp_body_sent(struct smtp *s);
/* The chunk that SMTP_SEND_CHUNK asked for was written. */
enum smtp_action smtp_chunk_sent(struct smtp *s);
/* Says whether more messages follow this one on the connection: then
 * the end of a message is SMTP_MSG_DONE or SMTP_MSG_FAILED, not QUIT. */
void smtp_set_batch(struct smtp *s, int more);
/* The next message of a batch, once the one before is settled, with its
 * own error slot; RSET first when the previous one failed. `more`: others
 * follow it. */
enum smtp_action smtp_next_message(struct smtp *s, const struct smtp_message *m, struct err *e,
				   int more);
/* May m go now, behind the messages in flight (PIPELINING and CHUNKING,
 * every message before it complete on the wire, room in the window)? */
int smtp_can_pipeline(const struct smtp *s, const struct smtp_message *m);
/* Sends m behind the others: RSET, MAIL, RCPT, BDAT LAST and its bytes. */
enum smtp_action smtp_pipeline_next(struct smtp *s, const struct smtp_message *m, struct err *e,
				    int more);
/* The transaction of message `tag` (one in flight, or the last one). After
 * SMTP_MSG_DONE or SMTP_MSG_FAILED, s->t->tag says which message it was. */
struct smtp_txn *smtp_txn_of(const struct smtp *s, int tag);
/* The message as SMTP_DOWNGRADE asked for: 7-bit, `m` borrowed until the
 * message is done; NULL when no copy could be made (e is set): the
 * message fails. */
enum smtp_action smtp_downgraded(struct smtp *s, const struct smtp_message *m);
/* A new connection after SMTP_RECONNECT: greeting, EHLO, TLS and AUTH
 * again, then the transactions go on. */
enum smtp_action smtp_reconnected(struct smtp *s, int tls_active);
/* Ends a batch politely. */
enum smtp_action smtp_quit(struct smtp *s);

/* After a failed send: how many recipients already have the message; when
 * some do, `left` (empty on entry) gets the others, which still want it. */
int smtp_left_over(const struct smtp_message *m, struct addr_list *left);

/* Replies still expected (pipelined commands in flight). */
int smtp_expected(const struct smtp *s);

/* The step whose reply comes next (for messages), or the current state. */
const char *smtp_step(const struct smtp *s);

const char *smtp_state_name(enum smtp_state st);

#endif
