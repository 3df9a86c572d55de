/* The mail transaction: RFC 5321 sections 3.3 and 4.1.1.2-4.1.1.5, RFC 2920
 * (PIPELINING), RFC 3030 (CHUNKING), RFC 9422 (LIMITS), RFC 5321 section
 * 4.5.3.1.10 (too many recipients). What MAIL and RCPT carry is in
 * smtp_params.c. */
#include "smtp_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"

/* BDAT for the next chunk of the message (RFC 3030 section 2); LAST on
 * the one that ends it when `may_end` (the recipients are known). */
static enum smtp_action send_chunk(struct smtp *s, int may_end)
{
	off_t left = s->t->msg->size - s->t->sent;
	off_t len = left < BDAT_CHUNK ? left : BDAT_CHUNK;
	int last = may_end && len == left;

	if (smtp_cmd(s, SHOW_ALL, "BDAT %lld%s", (long long)len, last ? " LAST" : "") < 0)
		return smtp_fail(s);
	smtp_expect(s, S_BDAT, 0);
	s->state = S_BDAT;
	s->t->chunk_off = s->t->sent;
	s->t->chunk_len = len;
	s->t->last_sent = last;
	if (len > 0)
		return SMTP_SEND_CHUNK;
	s->t->chunks_in_flight++;   /* "BDAT 0 LAST": no bytes follow */
	s->t->body_sent = 1;
	return SMTP_READ;
}

enum smtp_action smtp_chunk_sent(struct smtp *s)
{
	int window = s->caps.flags & CAP_PIPELINING ? BDAT_WINDOW : 1;

	s->t->sent += s->t->chunk_len;
	s->t->chunks_in_flight++;
	if (s->t->last_sent) {
		s->t->body_sent = 1;
		return SMTP_READ;
	}
	if (s->t->rcpts_settled && s->t->sent < s->t->msg->size && s->t->chunks_in_flight < window)
		return send_chunk(s, 1);
	return SMTP_READ;
}

/* The body's first step once the recipients are known (no pipelining). */
static enum smtp_action start_body(struct smtp *s)
{
	s->t->rcpts_settled = 1;
	if (s->t->bdat)
		return send_chunk(s, 1);
	if (smtp_cmd(s, SHOW_ALL, "DATA") < 0)
		return smtp_fail(s);
	smtp_expect(s, S_DATA, 0);
	s->state = S_DATA;
	return SMTP_READ;
}

/* RFC 2920: MAIL, every RCPT and DATA (or the first BDAT) in one flight.
 * A BDAT LAST in flight would complete the transaction for every accepted
 * recipient before we know of a refused one, so it goes only with a single
 * recipient; otherwise LAST follows once the RCPT replies are in. */
static enum smtp_action pipelined_flight(struct smtp *s)
{
	for (s->t->rcpt_next = 0; s->t->rcpt_next < s->t->ntxn; s->t->rcpt_next++)
		if (smtp_send_rcpt(s, s->t->txn[s->t->rcpt_next]) < 0)
			return smtp_fail(s);
	if (s->t->bdat)
		return send_chunk(s, s->t->ntxn == 1);
	if (smtp_cmd(s, SHOW_ALL, "DATA") < 0)
		return smtp_fail(s);
	smtp_expect(s, S_DATA, 0);
	return SMTP_READ;
}

/* The domain of recipient i, for RCPTDOMAINMAX. */
static const char *rcpt_domain(const struct smtp *s, int i)
{
	const char *at = strrchr(s->t->msg->rcpts->v[i].spec, '@');

	return at ? at + 1 : "";
}

/* Is the domain of recipient i new to this transaction, and may it join? */
static int domain_fits(const struct smtp *s, int i, int *ndomains)
{
	for (int k = 0; k < s->t->ntxn; k++)
		if (strcasecmp(rcpt_domain(s, s->t->txn[k]), rcpt_domain(s, i)) == 0)
			return 1;
	if (s->caps.rcptdomainmax && *ndomains >= (int)s->caps.rcptdomainmax)
		return 0;
	(*ndomains)++;
	return 1;
}

/* The recipients of the next transaction: the pending ones, at most
 * RCPTMAX of them from at most RCPTDOMAINMAX domains (RFC 9422 section
 * 4); the rest wait for the transactions after it. */
static int pick_transaction(struct smtp *s)
{
	int max = s->caps.rcptmax && s->caps.rcptmax < ADDRS_MAX ? (int)s->caps.rcptmax : ADDRS_MAX;
	int ndomains = 0;

	s->t->ntxn = 0;
	for (int i = 0; i < s->t->msg->rcpts->n && s->t->ntxn < max; i++)
		if (s->t->rs[i] == RCPT_PENDING && domain_fits(s, i, &ndomains))
			s->t->txn[s->t->ntxn++] = i;
	return s->t->ntxn;
}

/* LIMITS MAILMAX (RFC 9422 section 4.2): this connection has had its
 * transactions; QUIT, and go on over a new one. */
static enum smtp_action reconnect(struct smtp *s)
{
	log_info("LIMITS: MAILMAX=%u transactions done on this connection; connecting again",
		 s->caps.mailmax);
	smtp_cmd(s, SHOW_ALL, "QUIT");
	s->state = S_QUIT;
	return SMTP_RECONNECT;
}

enum smtp_action smtp_start_mail(struct smtp *s)
{
	const struct smtp_message *m = s->t->msg;
	const char *body;
	int unsendable;

	if (s->p.probe)
		return smtp_quit(s);
	if (s->caps.mailmax && s->txns >= (int)s->caps.mailmax)
		return reconnect(s);
	if (smtp_server_can_take(s) < 0)
		return smtp_fail_message(s);
	body = smtp_body_param(s, &unsendable);
	if (unsendable && !s->t->downgraded) {
		log_info("the server offers no %s: the message goes downgraded to 7 bit (RFC 6152 "
			 "section 3)", m->o.long_lines ? "BINARYMIME for lines over 998 octets" : "8BITMIME");
		return SMTP_DOWNGRADE;
	}
	if (unsendable) {
		err_set(s->t->e, ERR_SOFTWARE, "MAIL: the 7-bit copy of the message is not 7-bit");
		return smtp_fail_message(s);
	}
	if (pick_transaction(s) == 0) {
		err_set(s->t->e, ERR_SOFTWARE, "MAIL: no recipient left to send to");
		return smtp_fail_message(s);
	}
	s->txns++;
	s->t->bdat = (s->caps.flags & CAP_CHUNKING) != 0;
	s->t->utf8 = (s->caps.flags & CAP_SMTPUTF8) && smtp_wants_utf8(m);
	if (smtp_send_mail(s, body) < 0)
		return smtp_fail(s);
	s->state = S_MAIL;
	if (s->caps.flags & CAP_PIPELINING)
		return pipelined_flight(s);
	return SMTP_READ;
}

enum smtp_action smtp_on_mail(struct smtp *s, const struct reply *r)
{
	char step[ADDR_MAX + 16];

	if (reply_class(r) == 2) {
		if (s->caps.flags & CAP_PIPELINING)
			return SMTP_READ;
		s->state = S_RCPT;
		s->t->rcpt_next = 0;
		return smtp_send_rcpt(s, s->t->txn[s->t->rcpt_next++]) < 0 ? smtp_fail(s) : SMTP_READ;
	}
	snprintf(step, sizeof step, "MAIL FROM:<%s>", s->t->msg->sender);
	if (r->code == 552)
		return smtp_fail_message_reply(s, r, ERR_DATA, step, "message too large for the server");
	return smtp_fail_message_reply(s, r, ERR_UNAVAILABLE, step, "sender refused by server");
}

static void note_refusal(struct smtp *s, int i, const struct reply *r)
{
	char sum[400];

	/* Past the buffer's limit the list is cut short; the count stays right. */
	if (buf_appendf(&s->t->refusals, "%s<%s>: %s", s->t->refusals.len ? "; " : "",
			s->t->msg->rcpts->v[i].spec, reply_summary(r, sum, sizeof sum)) < 0)
		log_warn("RCPT <%s>: refused by server: %s", s->t->msg->rcpts->v[i].spec, sum);
}

static const char *refusals(const struct smtp *s)
{
	return s->t->refusals.data ? s->t->refusals.data : "";
}

/* Once every RCPT reply of the transaction is in: may the body go? Sets
 * the error when not. Refused recipients that are skipped are settled. */
static int recipients_ok(struct smtp *s)
{
	int n = s->t->ntxn, skip = s->p.refused == REFUSED_SKIP;
	char deferred[48] = "";

	if (s->t->overflow && !s->t->accepted && !s->t->refused && !s->t->deferred)
		return err_set(s->t->e, ERR_TEMP, "RCPT: the server takes no more recipients now: %s",
			       refusals(s));
	if (s->t->deferred)
		snprintf(deferred, sizeof deferred, ", %d deferred", s->t->deferred);
	/* All or none: a refused recipient will never take it, so the message
	 * fails for good, whatever else was only deferred. */
	if (s->t->refused && (!skip || (!s->t->accepted && !s->t->deferred)))
		return err_set(s->t->e, ERR_NOUSER, "RCPT: %d of %d recipients refused by server%s, nothing "
			       "sent%s: %s", s->t->refused, n, deferred,
			       s->t->accepted ? " (refused_recipients = skip sends to the others)" : "",
			       refusals(s));
	for (int k = 0; skip && k < s->t->ntxn; k++)   /* refused and skipped: settled for good */
		if (s->t->rs[s->t->txn[k]] == RCPT_FAILED && s->t->refused_rcpt[s->t->txn[k]])
			s->t->rs[s->t->txn[k]] = RCPT_SKIPPED;
	if (s->t->deferred)
		return err_set(s->t->e, ERR_TEMP, "RCPT: %d of %d recipients deferred by server%s, nothing "
			       "sent: %s", s->t->deferred, n, s->t->refused ? " (the refused ones are dropped: "
			       "refused_recipients = skip)" : "", refusals(s));
	if (s->t->refused)
		log_warn("RCPT: %d of %d recipients refused by server, sending to the others: %s",
			 s->t->refused, n, refusals(s));
	return 0;
}

/* RFC 5321 section 4.5.3.1.10: "452 too many recipients" (or the 552 of
 * older servers) leaves the recipient for the next transaction. */
static int too_many(const struct reply *r)
{
	return (r->code == 452 || r->code == 552) &&
	       (strcmp(r->enhanced, "4.5.3") == 0 || strcmp(r->enhanced, "5.5.3") == 0 ||
		(!*r->enhanced && r->text.data && strcasestr(r->text.data, "too many recipients")));
}

enum smtp_action smtp_on_rcpt(struct smtp *s, const struct reply *r, int i)
{
	if (reply_class(r) == 2) {   /* 250, 251, and anything else positive */
		s->t->accepted++;
		s->t->rs[i] = RCPT_ACCEPTED;
	} else if (too_many(r)) {
		if (!s->t->overflow++ && !s->t->accepted)   /* named only if nobody got in */
			note_refusal(s, i, r);
		log_info("RCPT <%s>: left for the next transaction", s->t->msg->rcpts->v[i].spec);
	} else if (reply_class(r) == 4 || reply_class(r) == 5) {
		*(reply_class(r) == 4 ? &s->t->deferred : &s->t->refused) += 1;
		s->t->rs[i] = RCPT_FAILED;
		s->t->refused_rcpt[i] = reply_class(r) == 5;
		note_refusal(s, i, r);
	} else {
		return smtp_fail_reply(s, r, ERR_PROTOCOL, "RCPT", "unexpected reply");
	}
	if (s->caps.flags & CAP_PIPELINING)
		return SMTP_READ;
	if (s->t->rcpt_next < s->t->ntxn)
		return smtp_send_rcpt(s, s->t->txn[s->t->rcpt_next++]) < 0 ? smtp_fail(s) : SMTP_READ;
	if (recipients_ok(s) < 0)
		return smtp_fail_message(s);
	return start_body(s);
}

/* A 354 came although recipients were refused: the server waits for
 * text, and any line would be message text. Closing the connection aborts
 * it. In a batch the next messages go on: with nobody accepted, a lone "."
 * ends the data harmlessly (the server has no one to deliver to, RFC 2920
 * section 3.1) and RSET follows; otherwise over a new connection, so that
 * one refused recipient never holds up the messages behind it. */
static enum smtp_action refused_in_data_mode(struct smtp *s)
{
	s->t->message_failed = 1;
	s->abort_connection = 1;
	if (!s->t->batch)
		return smtp_fail(s);
	s->t->msg_failed = 1;
	if (!s->t->accepted) {
		s->abort_connection = 0;
		if (smtp_cmd(s, SHOW_ALL, ".") < 0)
			return smtp_fail(s);
		smtp_expect(s, S_DATA_END, 0);
		return SMTP_READ;   /* its reply is drained, then SMTP_MSG_FAILED */
	}
	log_info("closing the connection to abort the data (recipients were refused after DATA "
		 "went); the next message goes over a new one");
	s->connect_again = 1;
	return SMTP_MSG_FAILED;
}

enum smtp_action smtp_on_data(struct smtp *s, const struct reply *r)
{
	/* Without pipelining DATA went out only after recipients_ok()
	 * passed; asking again would repeat its warning. */
	int pipelined = s->caps.flags & CAP_PIPELINING;

	if (r->code == 354) {
		if (pipelined && recipients_ok(s) < 0)
			return refused_in_data_mode(s);
		s->state = S_DATA;
		return SMTP_SEND_BODY;
	}
	if (pipelined && recipients_ok(s) < 0)
		return smtp_fail_message(s);
	return smtp_fail_message_reply(s, r, ERR_UNAVAILABLE, "DATA", "refused by server");
}

enum smtp_action smtp_body_sent(struct smtp *s)
{
	s->t->body_sent = 1;
	smtp_expect(s, S_DATA_END, 0);
	s->state = S_DATA_END;
	return SMTP_READ;
}

static void txn_reset(struct smtp *s)
{
	s->t->accepted = s->t->refused = s->t->deferred = s->t->overflow = 0;
	s->t->rcpt_next = 0;
	s->t->body_sent = 0;
	s->t->bdat = 0;
	s->t->chunk_off = s->t->chunk_len = s->t->sent = 0;
	s->t->chunks_in_flight = 0;
	s->t->last_sent = 0;
	s->t->rcpts_settled = 0;
	s->t->utf8 = 0;
	memset(s->t->refused_rcpt, 0, sizeof s->t->refused_rcpt);
	buf_reset(&s->t->refusals);
}

/* The transaction went: its accepted recipients have the message. Those
 * left over (RCPTMAX, 452) go in the next transaction. */
static enum smtp_action accepted(struct smtp *s)
{
	int left = 0;

	for (int k = 0; k < s->t->ntxn; k++)
		if (s->t->rs[s->t->txn[k]] == RCPT_ACCEPTED)
			s->t->rs[s->t->txn[k]] = RCPT_DELIVERED;
	for (int i = 0; i < s->t->msg->rcpts->n; i++)
		left += s->t->rs[i] == RCPT_PENDING;
	/* A 452 told the server's limit: ask no more than that next time. */
	if (s->t->overflow && s->t->accepted && (!s->caps.rcptmax || s->caps.rcptmax > (unsigned)s->t->accepted))
		s->caps.rcptmax = (unsigned)s->t->accepted;
	if (left) {
		log_info("%d recipient%s left for another transaction", left, left == 1 ? "" : "s");
		txn_reset(s);
		return smtp_start_mail(s);
	}
	if (s->t->batch)
		return SMTP_MSG_DONE;
	return smtp_quit(s);
}

/* The final reply (to the dot, or to BDAT LAST). */
static enum smtp_action final_refused(struct smtp *s, const struct reply *r, const char *step)
{
	if (r->code == 552 || strncmp(r->enhanced, "5.3.4", 5) == 0)
		return smtp_fail_message_reply(s, r, ERR_DATA, step, "message too large for the server");
	return smtp_fail_message_reply(s, r, ERR_UNAVAILABLE, step, "message refused by server");
}

enum smtp_action smtp_on_data_end(struct smtp *s, const struct reply *r)
{
	if (r->code == 250)
		return accepted(s);
	return final_refused(s, r, "DATA");
}

/* RFC 3030 section 4.2: one reply per BDAT, in order. A refused chunk
 * fails the transaction; no further chunk is sent, and those in flight
 * are answered and drained. */
enum smtp_action smtp_on_bdat(struct smtp *s, const struct reply *r)
{
	int window = s->caps.flags & CAP_PIPELINING ? BDAT_WINDOW : 1;
	int final;

	s->t->chunks_in_flight--;
	final = s->t->last_sent && s->t->chunks_in_flight == 0;   /* the reply to BDAT LAST */
	if (!s->t->rcpts_settled) {   /* the first reply after a pipelined flight */
		s->t->rcpts_settled = 1;
		if (recipients_ok(s) < 0)
			return smtp_fail_message(s);
	}
	if (reply_class(r) != 2)
		return final_refused(s, r, "BDAT");
	if (final)
		return accepted(s);
	if (s->t->sent < s->t->msg->size)
		return s->t->chunks_in_flight < window ? send_chunk(s, 1) : SMTP_READ;
	if (!s->t->last_sent)
		return send_chunk(s, 1);   /* every byte went without LAST: "BDAT 0 LAST" */
	return SMTP_READ;
}

/* Replies to the pipelined commands of a message that already failed. A
 * 354 means the server waits for text: only closing can abort that. */
enum smtp_action smtp_drain(struct smtp *s, const struct smtp_expect *x, const struct reply *r)
{
	if (x->kind == S_DATA && r->code == 354) {
		s->abort_connection = 1;
		return smtp_fail(s);
	}
	return s->t->pending ? SMTP_READ : SMTP_MSG_FAILED;
}

enum smtp_action smtp_on_rset(struct smtp *s, const struct reply *r)
{
	if (reply_class(r) == 2)   /* behind others, MAIL went with the RSET */
		return s->t->behind ? SMTP_READ : smtp_start_mail(s);
	return smtp_fail_reply(s, r, ERR_UNAVAILABLE, "RSET", "refused by server");
}

int smtp_left_over(const struct smtp_message *m, struct addr_list *left)
{
	int done = 0;

	for (int i = 0; m->rcpt_state && i < m->rcpts->n; i++)
		done += m->rcpt_state[i] == RCPT_DELIVERED || m->rcpt_state[i] == RCPT_SKIPPED;
	for (int i = 0; done && i < m->rcpts->n; i++)
		if (m->rcpt_state[i] != RCPT_DELIVERED && m->rcpt_state[i] != RCPT_SKIPPED &&
		    addr_list_add(left, NULL, m->rcpts->v[i].spec) < 0)
			return -1;
	return done;
}

enum smtp_action smtp_downgraded(struct smtp *s, const struct smtp_message *m)
{
	if (!m)
		return smtp_fail_message(s);
	s->t->msg = m;
	s->t->downgraded = 1;
	return smtp_start_mail(s);
}

void smtp_reset_message(struct smtp *s)
{
	txn_reset(s);
	s->t->downgraded = 0;
	s->t->msg_failed = 0;
	s->t->message_failed = 0;
	s->t->ntxn = 0;
	memset(s->t->own_state, 0, sizeof s->t->own_state);
	s->t->rs = s->t->msg->rcpt_state ? s->t->msg->rcpt_state : s->t->own_state;
}
