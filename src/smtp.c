/* RFC 5321 (SMTP), RFC 3207 (STARTTLS), RFC 4954 (AUTH), RFC 2920
 * (PIPELINING), RFC 3463 (codes). The mail transaction is in smtp_mail.c. */
#include "smtp_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "compat.h"
#include "log.h"

static const char *const state_names[S_STATE_COUNT] = {
	[S_GREETING] = "GREETING", [S_EHLO] = "EHLO", [S_HELO] = "HELO",
	[S_STARTTLS] = "STARTTLS", [S_AUTH] = "AUTH", [S_MAIL] = "MAIL",
	[S_RCPT] = "RCPT", [S_DATA] = "DATA", [S_DATA_END] = "DATA", [S_BDAT] = "BDAT", [S_RSET] = "RSET",
	[S_QUIT] = "QUIT", [S_DONE] = "DONE", [S_FAILED] = "FAILED",
};

const char *smtp_state_name(enum smtp_state st)
{
	return st >= 0 && st < S_STATE_COUNT ? state_names[st] : "?";
}

int smtp_init(struct smtp *s, const struct smtp_params *p, const struct smtp_message *m,
	      struct err *e)
{
	memset(s, 0, sizeof *s);
	s->p = *p;
	s->tls_active = p->tls_active;
	buf_init(&s->out, (ADDRS_MAX + 8) * (size_t)CMD_LINE_MAX);
	buf_init(&s->withheld, CMD_LINE_MAX);
	if (smtp_ring_init(s) < 0)
		return err_set(e, ERR_OS, "out of memory");
	smtp_txn_begin(s, m, e, 0);
	return 0;
}

void smtp_free(struct smtp *s)
{
	if (s->sasl_active)
		sasl_end(&s->sasl);
	buf_free(&s->withheld);
	buf_free(&s->out);
	smtp_ring_free(s);
}

int smtp_expected(const struct smtp *s)
{
	return s->qlen;
}

const char *smtp_step(const struct smtp *s)
{
	return smtp_state_name(s->qlen ? s->expect[s->qhead].kind : s->state);
}

int smtp_cmd(struct smtp *s, size_t shown, const char *fmt, ...)
{
	char line[CMD_LINE_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof line - 2) {
		explicit_bzero(line, sizeof line);
		return err_set(s->t->e, ERR_SOFTWARE, "command longer than %d bytes", CMD_LINE_MAX);
	}
	log_transcript(LOG_TO_SERVER, line, (size_t)n, shown);
	line[n] = '\r';
	line[n + 1] = '\n';
	n = buf_append(&s->out, line, (size_t)n + 2);
	explicit_bzero(line, sizeof line);
	return n < 0 ? err_set(s->t->e, ERR_SOFTWARE, "too many commands queued") : 0;
}

void smtp_expect(struct smtp *s, enum smtp_state kind, int rcpt)
{
	int slot = (s->qhead + s->qlen) % (int)(sizeof s->expect / sizeof s->expect[0]);

	s->expect[slot] = (struct smtp_expect){kind, rcpt, s->t->tag};
	s->qlen++;
	s->t->pending++;
}

enum smtp_action smtp_fail(struct smtp *s)
{
	s->state = S_FAILED;
	s->qlen = 0;
	if (!s->abort_connection)
		smtp_cmd(s, SHOW_ALL, "QUIT");
	return SMTP_FAIL;
}

/* A failure of this message only (MAIL, RCPT, DATA): in a batch the
 * connection goes on, once every reply still in flight has come. */
enum smtp_action smtp_fail_message(struct smtp *s)
{
	s->t->message_failed = 1;   /* the server refused this message, not the session */
	if (!s->t->batch)
		return smtp_fail(s);
	s->t->msg_failed = 1;
	return s->t->pending ? SMTP_READ : SMTP_MSG_FAILED;
}

void smtp_reply_error(struct smtp *s, const struct reply *r, enum err_kind perm, const char *step,
		      const char *what)
{
	char sum[400];
	enum err_kind kind = reply_class(r) == 4 ? ERR_TEMP : reply_class(r) == 5 ? perm : ERR_PROTOCOL;

	if (kind == ERR_TEMP)
		what = "temporary failure, try again later";
	err_set(s->t->e, kind, "%s: %s: %s", step, what, reply_summary(r, sum, sizeof sum));
}

/* A reply that ends the attempt: 4xx is temporary, 5xx gets `perm`. */
enum smtp_action smtp_fail_reply(struct smtp *s, const struct reply *r, enum err_kind perm,
				 const char *step, const char *what)
{
	smtp_reply_error(s, r, perm, step, what);
	return smtp_fail(s);
}

/* The same for a reply that fails only this message. */
enum smtp_action smtp_fail_message_reply(struct smtp *s, const struct reply *r,
					 enum err_kind perm, const char *step, const char *what)
{
	smtp_reply_error(s, r, perm, step, what);
	return smtp_fail_message(s);
}

static enum smtp_action send_ehlo(struct smtp *s)
{
	if (smtp_cmd(s, SHOW_ALL, "EHLO %s", s->p.ehlo_name) < 0)
		return smtp_fail(s);
	smtp_expect(s, S_EHLO, 0);
	s->state = S_EHLO;
	return SMTP_READ;
}

enum smtp_action smtp_start(struct smtp *s)
{
	smtp_expect(s, S_GREETING, 0);
	s->state = S_GREETING;
	return SMTP_READ;
}

static enum smtp_action on_greeting(struct smtp *s, const struct reply *r)
{
	if (r->code == 220)
		return send_ehlo(s);
	return smtp_fail_reply(s, r, ERR_UNAVAILABLE, "greeting", "the server does not accept mail now");
}

enum smtp_action smtp_tls_started(struct smtp *s)
{
	s->tls_active = 1;
	memset(&s->caps, 0, sizeof s->caps);   /* RFC 3207 section 4.2 */
	return send_ehlo(s);
}

static enum smtp_action start_auth(struct smtp *s)
{
	struct buf initial;
	size_t verb;
	int rc;

	if (!s->p.creds.user)
		return smtp_start_mail(s);
	if (!(s->caps.flags & CAP_AUTH)) {
		err_set(s->t->e, ERR_UNAVAILABLE, "AUTH: the server offers no authentication, but the "
			"account sets user = %s", s->p.creds.user);
		return smtp_fail(s);
	}
	if (sasl_choose(s->p.auth, s->caps.auth_mechs, s->p.creds.token != NULL, &s->mech, s->t->e) < 0)
		return smtp_fail(s);
	buf_init(&initial, CMD_LINE_MAX);
	verb = strlen("AUTH ") + strlen(sasl_mech_name(s->mech));
	rc = sasl_begin(&s->sasl, s->mech, &s->p.creds, &initial, s->t->e);
	s->sasl_active = 1;
	/* RFC 4954 section 4: a command line is at most 512 octets; a longer
	 * initial response goes alone, after the server's empty challenge. */
	if (rc == 0 && initial.len && verb + 1 + initial.len <= 510) {
		rc = smtp_cmd(s, verb + 1, "AUTH %s %s", sasl_mech_name(s->mech), initial.data);
	} else if (rc == 0) {
		rc = smtp_cmd(s, SHOW_ALL, "AUTH %s", sasl_mech_name(s->mech));
		if (initial.len)
			rc = buf_append(&s->withheld, initial.data, initial.len) < 0 ?
			     err_set(s->t->e, ERR_SOFTWARE, "AUTH: initial response too long") : rc;
	}
	buf_free(&initial);
	if (rc < 0)
		return smtp_fail(s);
	smtp_expect(s, S_AUTH, 0);
	s->state = S_AUTH;
	return SMTP_READ;
}

/* After EHLO or HELO: TLS first (or nothing at all), then AUTH. */
static enum smtp_action after_hello(struct smtp *s)
{
	if (s->tls_active)
		return start_auth(s);
	if (!(s->caps.flags & CAP_STARTTLS)) {
		err_set(s->t->e, ERR_UNAVAILABLE, "STARTTLS: the server did not offer TLS, so postern sends "
			"nothing (no AUTH, no mail): the connection may be intercepted, or the server "
			"wants tls = implicit (port 465)");
		return smtp_fail(s);
	}
	if (smtp_cmd(s, SHOW_ALL, "STARTTLS") < 0)
		return smtp_fail(s);
	smtp_expect(s, S_STARTTLS, 0);
	s->state = S_STARTTLS;
	return SMTP_READ;
}

static enum smtp_action on_ehlo(struct smtp *s, const struct reply *r)
{
	if (r->code == 250) {
		caps_parse(&s->caps, r);
		return after_hello(s);
	}
	if (r->code == 500 || r->code == 502) {   /* EHLO unknown: an old server */
		if (smtp_cmd(s, SHOW_ALL, "HELO %s", s->p.ehlo_name) < 0)
			return smtp_fail(s);
		smtp_expect(s, S_HELO, 0);
		s->state = S_HELO;
		return SMTP_READ;
	}
	return smtp_fail_reply(s, r, ERR_UNAVAILABLE, "EHLO", "refused by server");
}

static enum smtp_action on_helo(struct smtp *s, const struct reply *r)
{
	if (r->code == 250) {
		memset(&s->caps, 0, sizeof s->caps);
		return after_hello(s);
	}
	return smtp_fail_reply(s, r, ERR_UNAVAILABLE, "HELO", "refused by server");
}

static enum smtp_action on_starttls(struct smtp *s, const struct reply *r)
{
	if (r->code == 220)
		return SMTP_STARTTLS;
	return smtp_fail_reply(s, r, ERR_UNAVAILABLE, "STARTTLS",
			  "refused by server, so postern sends nothing without TLS");
}

/* Microsoft answers 535 5.7.139 when the tenant has SMTP AUTH turned off:
 * no token will ever help, so say what will. */
static enum smtp_action token_refused(struct smtp *s, const struct reply *r, const char *step)
{
	char what[200];
	const char *status = s->sasl.oauth_status;

	if (r->text.data && strstr(r->text.data, "5.7.139"))
		return smtp_fail_reply(s, r, ERR_NOPERM, step, "SMTP AUTH is disabled for this mailbox or "
				  "tenant (an administrator can enable it)");
	snprintf(what, sizeof what, "the server refused the OAuth2 access token%s%s%s",
		 *status ? " (status " : "", status, *status ? ")" : "");
	smtp_reply_error(s, r, ERR_NOPERM, step, what);
	/* 535 (RFC 4954: credentials invalid), or any refusal after the
	 * server's error report on the token: a fresh token may pass. Other
	 * 5xx (504, 534, 554 ...) are about policy, not the token. */
	if (r->code == 535 || (reply_class(r) == 5 && *status))
		s->t->e->detail = ERR_DETAIL_TOKEN_REJECTED;
	return smtp_fail(s);
}

static enum smtp_action on_auth(struct smtp *s, const struct reply *r)
{
	char step[64];
	struct buf resp;
	int rc;

	snprintf(step, sizeof step, "AUTH %s", sasl_mech_name(s->mech));
	if (r->code == 235)
		return sasl_done(&s->sasl, s->t->e) < 0 ? smtp_fail(s) : smtp_start_mail(s);
	if (r->code != 334 && sasl_is_oauth(s->mech))
		return token_refused(s, r, step);
	if (r->code != 334)
		return smtp_fail_reply(s, r, ERR_NOPERM, step,
				  "authentication refused (check user and password)");
	buf_init(&resp, CMD_LINE_MAX);
	if (s->withheld.len) {   /* the initial response that was too long to go with AUTH */
		rc = buf_append(&resp, s->withheld.data, s->withheld.len) < 0 ? -1 : 0;
		buf_wipe(&s->withheld);
	} else {
		rc = sasl_next(&s->sasl, r->text.data ? r->text.data : "", r->text.len, &s->p.creds,
			       &resp, s->t->e);
	}
	if (rc == 0)
		rc = smtp_cmd(s, 0, "%s", resp.data ? resp.data : "");
	buf_free(&resp);
	if (rc < 0) {
		/* The server waits for a response: cancel the exchange first,
		 * or it would read QUIT as base64 (RFC 4954 section 4). */
		smtp_cmd(s, SHOW_ALL, "*");
		return smtp_fail(s);
	}
	smtp_expect(s, S_AUTH, 0);
	return SMTP_READ;
}

void smtp_set_batch(struct smtp *s, int more)
{
	s->t->batch = more;
}

enum smtp_action smtp_next_message(struct smtp *s, const struct smtp_message *m, struct err *e,
				   int more)
{
	int after_failure = s->newest->msg_failed;

	smtp_txn_begin(s, m, e, s->newest->tag + 1);
	s->t->batch = more;
	if (s->connect_again)
		return SMTP_RECONNECT;
	if (!after_failure)
		return smtp_start_mail(s);
	/* RFC 5321 section 4.1.1.5: RSET clears the failed transaction. */
	if (smtp_cmd(s, SHOW_ALL, "RSET") < 0)
		return smtp_fail(s);
	smtp_expect(s, S_RSET, 0);
	s->state = S_RSET;
	return SMTP_READ;
}

enum smtp_action smtp_reconnected(struct smtp *s, int tls_active)
{
	if (s->sasl_active)
		sasl_end(&s->sasl);
	s->sasl_active = 0;
	buf_wipe(&s->withheld);
	memset(&s->caps, 0, sizeof s->caps);
	s->tls_active = tls_active;
	s->txns = 0;
	s->connect_again = s->abort_connection = 0;
	s->qhead = s->qlen = 0;
	return smtp_start(s);
}

enum smtp_action smtp_quit(struct smtp *s)
{
	smtp_cmd(s, SHOW_ALL, "QUIT");
	smtp_expect(s, S_QUIT, 0);
	s->state = S_QUIT;
	return SMTP_CLOSE;
}

/* 421 or 454 with 4.7.0 to a message's command (not to the greeting,
 * EHLO or AUTH, where it is a plain temporary refusal): the server wants
 * fewer messages (Microsoft 365 allows 30 a minute). */
static int asks_to_slow_down(const struct reply *r, enum smtp_state step)
{
	return strncmp(r->enhanced, "4.7.0", 5) == 0 && step >= S_MAIL && step <= S_BDAT;
}

/* The session starts no more messages; the error says why, once set. */
static void note_slow_down(struct smtp *s, const struct reply *r)
{
	reply_summary(r, s->slow_down, sizeof s->slow_down);
	if (s->t->e->kind == ERR_TEMP)
		s->t->e->detail = ERR_DETAIL_SLOW_DOWN;
}

enum smtp_action smtp_on_reply(struct smtp *s, const struct reply *r)
{
	struct smtp_expect x;

	if (s->qlen == 0 && r->code == 421) {   /* closing, unasked (RFC 5321 section 3.8) */
		enum smtp_state was = s->state;
		s->abort_connection = 1;
		smtp_fail_reply(s, r, ERR_TEMP, smtp_state_name(s->state), "server closing the connection");
		if (asks_to_slow_down(r, was))
			note_slow_down(s, r);
		return SMTP_FAIL;
	}
	if (s->qlen == 0) {
		err_set(s->t->e, ERR_PROTOCOL, "%s: the server sent a reply nobody asked for",
			smtp_state_name(s->state));
		return smtp_fail(s);
	}
	x = s->expect[s->qhead];
	s->qhead = (s->qhead + 1) % (int)(sizeof s->expect / sizeof s->expect[0]);
	s->qlen--;
	s->t = smtp_txn_of(s, x.tag);   /* replies come in order: this message's turn */
	s->t->pending--;
	if (r->code == 421 && x.kind != S_QUIT) {   /* the server is closing the channel */
		s->abort_connection = 1;
		smtp_fail_reply(s, r, ERR_TEMP, smtp_state_name(x.kind), "server closing the connection");
		if (asks_to_slow_down(r, x.kind))
			note_slow_down(s, r);
		return SMTP_FAIL;
	}
	if (r->code == 454 && asks_to_slow_down(r, x.kind))
		note_slow_down(s, r);
	if (s->t->msg_failed)
		return smtp_drain(s, &x, r);
	switch (x.kind) {
	case S_GREETING: return on_greeting(s, r);
	case S_EHLO: return on_ehlo(s, r);
	case S_HELO: return on_helo(s, r);
	case S_STARTTLS: return on_starttls(s, r);
	case S_AUTH: return on_auth(s, r);
	case S_MAIL: return smtp_on_mail(s, r);
	case S_RCPT: return smtp_on_rcpt(s, r, x.rcpt);
	case S_DATA: return smtp_on_data(s, r);
	case S_DATA_END: return smtp_on_data_end(s, r);
	case S_BDAT: return smtp_on_bdat(s, r);
	case S_RSET: return smtp_on_rset(s, r);
	case S_QUIT: s->state = S_DONE; return SMTP_CLOSE;
	default:
		err_set(s->t->e, ERR_SOFTWARE, "smtp: no handler for state %s", smtp_state_name(x.kind));
		return smtp_fail(s);
	}
}
