/*
 * What smtp.c and smtp_mail.c share inside the state machine; not for the
 * rest of postern, which uses smtp.h only.
 */
#ifndef POSTERN_SMTP_INT_H
#define POSTERN_SMTP_INT_H

#include "smtp.h"

#define SHOW_ALL ((size_t)-1)

/* The one place commands are written: logged (redacted after `shown`
 * bytes) and appended with CRLF. */
int smtp_cmd(struct smtp *s, size_t shown, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* One more reply is expected, of this kind (and for this recipient). */
void smtp_expect(struct smtp *s, enum smtp_state kind, int rcpt);

/* The session fails: QUIT (unless aborting), SMTP_FAIL. */
enum smtp_action smtp_fail(struct smtp *s);

/* This message fails (MAIL, RCPT, DATA, BDAT); in a batch the connection
 * goes on once the replies in flight have come. */
enum smtp_action smtp_fail_message(struct smtp *s);

/* Sets the error from a reply: 4xx is ERR_TEMP, 5xx `perm`. */
void smtp_reply_error(struct smtp *s, const struct reply *r, enum err_kind perm, const char *step,
		      const char *what);
enum smtp_action smtp_fail_reply(struct smtp *s, const struct reply *r, enum err_kind perm,
				 const char *step, const char *what);
enum smtp_action smtp_fail_message_reply(struct smtp *s, const struct reply *r,
					 enum err_kind perm, const char *step, const char *what);

/* smtp_params.c: what MAIL and RCPT carry. The BODY= value to declare,
 * or NULL; *unsendable when the server can take the content neither as
 * it is nor declared (a 7-bit copy is needed). */
const char *smtp_body_param(const struct smtp *s, int *unsendable);
/* What the server must offer for the message to go at all; sets a
 * permanent error when it does not (SMTPUTF8, REQUIRETLS, SIZE). */
int smtp_server_can_take(struct smtp *s);
/* The envelope or the header holds UTF-8 (SMTPUTF8 wanted). */
int smtp_wants_utf8(const struct smtp_message *m);
/* MAIL FROM and RCPT TO with their parameters, and their replies expected. */
int smtp_send_mail(struct smtp *s, const char *body);
int smtp_send_rcpt(struct smtp *s, int i);

/* smtp_mail.c: the transaction, from MAIL FROM to the final reply. */
enum smtp_action smtp_start_mail(struct smtp *s);
enum smtp_action smtp_on_mail(struct smtp *s, const struct reply *r);
enum smtp_action smtp_on_rcpt(struct smtp *s, const struct reply *r, int i);
enum smtp_action smtp_on_data(struct smtp *s, const struct reply *r);
enum smtp_action smtp_on_data_end(struct smtp *s, const struct reply *r);
enum smtp_action smtp_on_bdat(struct smtp *s, const struct reply *r);
enum smtp_action smtp_on_rset(struct smtp *s, const struct reply *r);
/* Replies to the pipelined commands of a message that already failed. */
enum smtp_action smtp_drain(struct smtp *s, const struct smtp_expect *x, const struct reply *r);
/* Clears the per-message counters for the next message of a batch. */
void smtp_reset_message(struct smtp *s);
/* Can the server take message m as it is (no 7-bit copy, nothing it
 * lacks)? No side effects. */
int smtp_goes_as_is(const struct smtp *s, const struct smtp_message *m);

/* smtp_flight.c: the messages in flight. */
int smtp_ring_init(struct smtp *s);
void smtp_ring_free(struct smtp *s);
/* Message `tag` becomes the newest and the current one, counters cleared. */
void smtp_txn_begin(struct smtp *s, const struct smtp_message *m, struct err *e, int tag);

#endif
