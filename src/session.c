#include "session.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <openssl/evp.h>

#include "body.h"
#include "conn.h"
#include "downgrade.h"
#include "log.h"
#include "private.h"
#include "progress.h"
#include "queue.h"
#include "reply.h"

/* Reads one whole reply within one step's deadline. */
static int read_reply(struct conn *c, struct reply *r, struct err *e)
{
	struct buf line;
	int done = 0;

	buf_init(&line, REPLY_LINE_MAX + 1);
	reply_reset(r);
	conn_step(c);
	while (!done) {
		if (conn_readline(c, &line, REPLY_LINE_MAX, e) < 0)
			break;
		log_transcript(LOG_FROM_SERVER, line.data ? line.data : "", line.len, (size_t)-1);
		done = reply_feed(r, line.data ? line.data : "", line.len, e);
		if (done < 0)
			break;
	}
	buf_free(&line);
	return done > 0 ? 0 : -1;
}

static int flush_out(struct conn *c, struct smtp *s, struct err *e)
{
	int rc = 0;

	if (s->out.len) {
		conn_step(c);
		rc = conn_write(c, s->out.data, s->out.len, e);
	}
	buf_wipe(&s->out);   /* it may have held an AUTH response */
	return rc;
}

/* Streams header block + body, dot-stuffed, then the final dot. Each
 * chunk written is one step with its own deadline. */
static int stream_body(struct conn *c, const struct message_source *src, struct err *e)
{
	struct body_stuffer st;
	struct buf out;
	char chunk[SPOOL_CHUNK];
	off_t off = src->body_off;
	int rc = 0;

	body_init(&st);
	buf_init(&out, 2 * (HEADER_SECTION_MAX + SPOOL_CHUNK) + 8);
	progress_start(src->body_end - src->body_off);
	log_info("sending the message: %lld bytes", (long long)src->header_block->len +
		 (long long)(src->body_end - src->body_off));
	if (body_stuff(&st, src->header_block->data, src->header_block->len, &out) < 0)
		rc = err_set(e, ERR_DATA, "DATA: header section too large");
	while (rc == 0 && off < src->body_end) {
		size_t want = (size_t)(src->body_end - off) < sizeof chunk ? (size_t)(src->body_end - off)
									    : sizeof chunk;
		ssize_t n = pread(src->fd, chunk, want, off);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			rc = err_set(e, ERR_IO, "DATA: reading the spooled message: %s",
				     n < 0 ? strerror(errno) : "file shrank");
			break;
		}
		off += n;
		progress_update(off - src->body_off);
		conn_step(c);
		if (body_stuff(&st, chunk, (size_t)n, &out) < 0)
			rc = err_set(e, ERR_SOFTWARE, "DATA: buffer overflow");
		else if (conn_write(c, out.data, out.len, e) < 0)
			rc = -1;
		buf_reset(&out);
	}
	progress_end();
	if (rc == 0) {
		conn_step(c);
		if (body_finish(&st, &out) < 0)
			rc = err_set(e, ERR_SOFTWARE, "DATA: buffer overflow");
		else if (conn_write(c, out.data, out.len, e) < 0)
			rc = -1;
	}
	buf_free(&out);
	return rc;
}

/* Up to `want` bytes of the message text from `off` (the header block,
 * then the spooled body) appended to w; how many, or -1. */
static ssize_t read_piece(const struct message_source *src, off_t off, size_t want, struct buf *w,
			  struct err *e)
{
	char piece[SPOOL_CHUNK];
	off_t hlen = (off_t)src->header_block->len, at = src->body_off + (off - hlen);
	ssize_t n;

	if (off < hlen) {
		n = (ssize_t)((off_t)want < hlen - off ? (off_t)want : hlen - off);
		return buf_append(w, src->header_block->data + off, (size_t)n) < 0 ? -1 : n;
	}
	do
		n = at < src->body_end ? pread(src->fd, piece, want < sizeof piece ? want : sizeof piece, at)
				       : 0;
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return err_set(e, ERR_IO, "BDAT: reading the spooled message: %s",
			       n < 0 ? strerror(errno) : "file shrank");
	return buf_append(w, piece, (size_t)n) < 0 ? -1 : n;
}

/* Sends the commands in `out` and bytes [off, off + len) of the message as
 * they are: a BDAT chunk (RFC 3030), whose size was declared, so no
 * dot-stuffing. The commands go in the same write as the first piece: a
 * server that sees the flight whole answers it at once, where a pause
 * between the BDAT line and its bytes can hold its replies behind our
 * delayed ACK. Each piece written is one step. */
static int send_range(struct conn *c, struct buf *out, const struct message_source *src, off_t off,
		      off_t len, struct err *e)
{
	struct buf w;
	off_t end = off + len;
	int rc;

	buf_init(&w, out->len + SPOOL_CHUNK);
	rc = out->len && buf_append(&w, out->data, out->len) < 0 ? -1 : 0;
	buf_wipe(out);
	while (rc == 0 && (off < end || w.len)) {
		size_t room = SPOOL_CHUNK;
		while (off < end && room > 0) {   /* the header block and the body's start together */
			ssize_t n = read_piece(src, off, room, &w, e);
			if (n < 0) {
				rc = e->kind ? -1 : err_set(e, ERR_SOFTWARE, "BDAT: buffer overflow");
				break;
			}
			off += n;
			room -= (size_t)n;
		}
		if (rc < 0)
			break;
		conn_step(c);
		rc = conn_write(c, w.data, w.len, e);
		buf_reset(&w);
		progress_update(off);
	}
	buf_free(&w);
	return rc;
}

/* Bytes the server sent before we asked for them, on a connection not
 * (yet) encrypted: after STARTTLS's 220 they would be read as if they came
 * over TLS (RFC 3207 section 5, CVE-2011-0411). Inside TLS they come from
 * the server we verified: a 421 after a reply is it closing the channel
 * (Dovecot sends "451" and "421" in one write), read as the next reply. */
static int check_nothing_pending(struct conn *c, const char *step, struct err *e)
{
	if (c->ssl || conn_pending(c) == 0)
		return 0;
	return err_set(e, ERR_PROTOCOL, "%s: the server sent %zu bytes nobody asked for (an injection "
		       "attempt?); aborting", step, conn_pending(c));
}

/* Says QUIT where allowed, then closes at once: every message's outcome
 * is known, and RFC 5321 section 4.1.1.10 lets the client close after
 * QUIT, so waiting for the 221 would cost a round trip for nothing.
 * Errors here change nothing. */
static void finish(struct conn *c, struct smtp *s)
{
	struct err ignored = {0};

	progress_end();
	if (!s->abort_connection)
		(void)flush_out(c, s, &ignored);
	buf_wipe(&s->out);
	conn_close(c);
}

/* A lost connection, for the oldest message still waiting for replies. */
static int on_io_error(struct smtp *s, int oldest, struct err *e)
{
	const struct smtp_txn *t = smtp_txn_of(s, oldest);

	if ((s->state == S_DATA_END || s->state == S_BDAT) && t->body_sent) {
		char cause[ERR_MSG_MAX];
		memcpy(cause, e->msg, sizeof cause);
		return err_set(e, ERR_TEMP, "%s: connection lost after the %s, before the server's "
			       "reply: the message may or may not have been delivered (%s)",
			       t->bdat ? "BDAT" : "DATA", t->bdat ? "last chunk" : "final dot", cause);
	}
	return err_prefix(e, "%s", smtp_step(s));
}

/* Settles job j's outcome and tells the caller at once, so that a message
 * the server took is removed from the queue before anything else can go
 * wrong (a kill in the middle of a long batch must not resend it). */
static void settle(struct session_job *jobs, int j, int done, const struct reply *r,
		   const struct session_hooks *h)
{
	jobs[j].done = done;
	if (done == 1)
		reply_summary(r, jobs[j].final, sizeof jobs[j].final);
	if (h && h->settled)
		h->settled(h->ctx, j);
}

/* What the TLS session needs, worked out while the connection is made. */
struct early_tls {
	const struct account *a;
	struct tls_policy *tp;
	struct conn *c;
	const struct session_hooks *h;
	const struct proxy_login *login;   /* for the account's proxy */
	char kept[4096];
};

static const char *session_file(const struct account *a, char *out, size_t n);

/* The round trip of the TCP handshake pays for the TLS set-up: OpenSSL's
 * start, the context, the CA file, the kept session. */
static void prepare_tls(void *p)
{
	struct early_tls *x = p;

	if (x->a->tls_resume && !x->tp->session_file)
		x->tp->session_file = session_file(x->a, x->kept, sizeof x->kept);
	conn_prepare_tls(x->c, x->tp);
}

/* TLS for the connection, within the current step; the hook sees it. */
static int start_tls(struct conn *c, const struct early_tls *early, struct err *e)
{
	int rc = conn_start_tls(c, early->tp, e);

	if (early->h && early->h->tls && c->ssl)
		early->h->tls(early->h->ctx, c->ssl, rc == 0, e);
	return rc;
}

/* Connects to the account's server, with TLS at once for implicit TLS;
 * on failure c is closed. */
static int connect_to(struct conn *c, const struct account *a, struct early_tls *early,
		      struct err *e)
{
	struct net_meanwhile later = {prepare_tls, early};

	early->c = c;
	if (conn_open(c, a->proxy, early->login, a->host, a->port, a->timeout, &later, e) < 0) {
		conn_close(c);
		return -1;
	}
	if (later.fn)   /* connected at once: nothing to overlap */
		prepare_tls(early);
	conn_step(c);   /* connecting may have used this step's time */
	if (a->tls == TLS_IMPLICIT && start_tls(c, early, e) < 0) {
		conn_close(c);
		return err_prefix(e, "TLS");
	}
	return 0;
}

/* LIMITS MAILMAX: QUIT went out; a new connection, as the first was made. */
static int reconnect(struct conn *c, const struct account *a, struct early_tls *early,
		     struct smtp *s, struct err *e)
{
	if (flush_out(c, s, e) < 0)
		return -1;
	conn_close(c);
	return connect_to(c, a, early, e);
}

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* max_per_minute: the next message starts no sooner than 60/N seconds
 * after the one before. */
static void pace(const struct account *a, long long *started_ms)
{
	long long next, now;

	if (a->max_per_minute <= 0)
		return;
	next = *started_ms + 60000 / a->max_per_minute;
	while ((now = now_ms()) < next) {
		struct timespec d = {(next - now) / 1000, ((next - now) % 1000) * 1000000};
		nanosleep(&d, NULL);
	}
	*started_ms = now_ms();
}

/* The server asked for fewer messages (421 or 454 4.7.0): the messages
 * not yet started stay queued (e, the first of them, says why), and the
 * session ends with QUIT. */
static void stop_for_slow_down(struct smtp *s, struct err *e)
{
	err_set(e, ERR_TEMP, "not tried: the server asks to slow down (%s)", s->slow_down);
	e->detail = ERR_DETAIL_SLOW_DOWN;
	smtp_quit(s);
}

/* Runs the state machine over the connection for jobs[0..n); job j is
 * message tag j. A job ends with done = 1 (accepted), -1 (refused: its
 * err says why) or 0 (not settled: the session failed around it, and the
 * first such job's err says why). With PIPELINING and CHUNKING several
 * jobs are in flight: j is the newest started, oldest the first not yet
 * settled, whose err takes what goes wrong with the connection. Returns
 * -1 when the session failed before every job was settled. */
static int run(const struct account *a, struct conn *c, struct smtp *s, struct early_tls *early,
	       struct session_job *jobs, int n, struct reply *r, const struct session_hooks *h)
{
	int j = 0, oldest = 0, k;
	long long started_ms = now_ms();
	struct err *e;
	/* A 7-bit copy: only ever of the newest message, and nothing goes
	 * behind it, so the next message settled is the one it belongs to. */
	struct downgrade copy;
	const struct message_source *src = &jobs[0].src;
	enum smtp_action act;

	downgrade_init(&copy);
	smtp_set_batch(s, n > 1);
	act = smtp_start(s);
	for (;;) {
		e = &jobs[oldest < n ? oldest : n - 1].err;
		if (act != SMTP_FAIL && act != SMTP_CLOSE && act != SMTP_SEND_CHUNK &&
		    flush_out(c, s, e) < 0)
			goto io_error;
		switch (act) {
		case SMTP_READ:
			if (j + 1 < n && !a->max_per_minute && !s->slow_down[0] &&
			    smtp_can_pipeline(s, jobs[j + 1].m)) {
				src = &jobs[++j].src;
				act = smtp_pipeline_next(s, jobs[j].m, &jobs[j].err, j + 1 < n);
				break;
			}
			if (read_reply(c, r, e) < 0)
				goto io_error;
			if (h && h->reply)
				h->reply(h->ctx, smtp_step(s), r);
			/* After the final dot the reply decides: a delivered message
			 * must not be reported as failed for trailing bytes. */
			if (smtp_expected(s) == 1 && !s->newest->body_sent &&
			    check_nothing_pending(c, smtp_step(s), e) < 0)
				goto failed;
			act = smtp_on_reply(s, r);
			/* In a batch, bytes after the last reply expected would be
			 * read as the next message's replies: settle this one, stop. */
			if (act == SMTP_MSG_DONE && smtp_expected(s) == 0 &&
			    check_nothing_pending(c, "DATA", &jobs[s->t->tag + 1].err) < 0) {
				settle(jobs, s->t->tag, 1, r, h);
				goto failed;
			}
			break;
		case SMTP_STARTTLS:
			if (check_nothing_pending(c, "STARTTLS", e) < 0)
				goto failed;
			conn_step(c);
			if (start_tls(c, early, e) < 0) {
				err_prefix(e, "STARTTLS");
				goto failed;
			}
			act = smtp_tls_started(s);
			break;
		case SMTP_SEND_BODY:
			if (stream_body(c, src, e) < 0)
				goto io_error;
			act = smtp_body_sent(s);
			break;
		case SMTP_SEND_CHUNK:
			if (s->t->chunk_off == 0) {
				log_info("sending the message: %lld bytes", (long long)s->t->msg->size);
				progress_start(s->t->msg->size);
			}
			if (send_range(c, &s->out, src, s->t->chunk_off, s->t->chunk_len, e) < 0)
				goto io_error;
			act = smtp_chunk_sent(s);
			if (s->t->last_sent)
				progress_end();
			break;
		case SMTP_MSG_DONE:
		case SMTP_MSG_FAILED:
			k = s->t->tag;
			settle(jobs, k, act == SMTP_MSG_DONE ? 1 : -1, r, h);
			downgrade_free(&copy);
			oldest = k + 1;
			if (k < j) {   /* newer ones are in flight: their replies come next */
				act = SMTP_READ;
				break;
			}
			if (s->slow_down[0]) {
				stop_for_slow_down(s, &jobs[j + 1].err);
				goto failed;
			}
			pace(a, &started_ms);
			src = &jobs[++j].src;
			act = smtp_next_message(s, jobs[j].m, &jobs[j].err, j + 1 < n);
			break;
		case SMTP_DOWNGRADE:
			if (downgrade_make(&copy, jobs[j].m, &jobs[j].src, &jobs[j].err) < 0) {
				act = smtp_downgraded(s, NULL);
				break;
			}
			src = &copy.src;
			act = smtp_downgraded(s, &copy.m);
			break;
		case SMTP_RECONNECT:
			if (reconnect(c, a, early, s, e) < 0)
				goto failed;
			act = smtp_reconnected(s, a->tls == TLS_IMPLICIT);
			break;
		case SMTP_CLOSE:
			settle(jobs, j, 1, r, h);
			downgrade_free(&copy);
			return 0;
		case SMTP_FAIL:
			goto failed;
		default:
			err_set(e, ERR_SOFTWARE, "session: unknown action %d", (int)act);
			goto failed;
		}
	}
io_error:
	on_io_error(s, oldest < n ? oldest : n - 1, e);
failed:
	/* Only a refusal of the message itself settles it; a session that
	 * failed around it (no TLS, AUTH refused, a lost connection) leaves it,
	 * and those in flight behind it, for another try. */
	if (s->t->message_failed && jobs[s->t->tag].done == 0)
		settle(jobs, s->t->tag, -1, r, h);
	downgrade_free(&copy);
	for (k = 0; k < n; k++)
		if (jobs[k].done == 0)
			return -1;
	return 0;
}

/* Where this account keeps its TLS session for this server:
 * $XDG_STATE_HOME/postern/tls/tls-HASH.session (folder 0700), HASH from
 * the account, host and port, so no two accounts ever share one. NULL
 * when there is no such folder (then no resumption). */
static const char *session_file(const struct account *a, char *out, size_t n)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	struct buf dir, key;
	struct err ignored;
	const char *path = NULL;

	buf_init(&dir, 4096);
	buf_init(&key, 4096);
	if (queue_state_dir(&dir, "tls", &ignored) == 0 && private_dirs(dir.data, &ignored) == 0 &&
	    buf_appendf(&key, "%s%c%s%c%ld", a->name, 0, a->host, 0, a->port) == 0 &&
	    EVP_Digest(key.data, key.len, md, &mdlen, EVP_sha256(), NULL) == 1 && mdlen >= 12 &&
	    snprintf(out, n, "%s/tls-%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x.session",
		     dir.data, md[0], md[1], md[2], md[3], md[4], md[5], md[6], md[7], md[8], md[9],
		     md[10], md[11]) < (int)n)
		path = out;
	buf_free(&dir);
	buf_free(&key);
	return path;
}

int session_send_batch(const struct account *a, const struct smtp_params *p,
		       struct session_job *jobs, int n, const struct session_hooks *h, struct err *e)
{
	/* The kept session's file is named later, while connecting. */
	struct tls_policy tp = {.host = a->host, .ca_file = a->tls_ca_file,
				.pin = a->has_fingerprint ? a->fingerprint : NULL};
	struct proxy_login login = {a->proxy_user, p->proxy_password};
	struct early_tls early = {.a = a, .tp = &tp, .h = h, .login = &login};
	struct smtp s;
	struct conn c;
	struct reply r;
	int rc, last = -1;

	for (int i = 0; i < n; i++) {
		jobs[i].done = 0;
		jobs[i].err = (struct err){0};
		jobs[i].final[0] = '\0';
	}
	if (n <= 0)
		return 0;
	if (connect_to(&c, a, &early, e) < 0)
		return -1;
	reply_init(&r);
	rc = smtp_init(&s, p, jobs[0].m, &jobs[0].err) < 0 ? -1 : run(a, &c, &s, &early, jobs, n, &r, h);
	finish(&c, &s);
	reply_free(&r);
	smtp_free(&s);
	/* The session's error: the first unsettled job that has one (a job
	 * in flight behind a lost connection has none of its own). */
	for (int i = 0; i < n; i++)
		if (jobs[i].done == 0 && jobs[i].err.kind && last < 0)
			last = i;
	if (rc < 0 && last >= 0)
		*e = jobs[last].err;
	return rc;
}

int session_send(const struct account *a, const struct smtp_params *p,
		 const struct smtp_message *m, const struct message_source *src,
		 char *final_reply, size_t final_len, struct err *e)
{
	struct session_job job = {.m = m, .src = *src};

	if (session_send_batch(a, p, &job, 1, NULL, e) < 0 && job.done == 0)
		return -1;
	if (job.done != 1) {
		*e = job.err;
		return -1;
	}
	snprintf(final_reply, final_len, "%s", job.final);
	return 0;
}
