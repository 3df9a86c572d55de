#include "cmd_send.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alias.h"
#include "buf.h"
#include "config.h"
#include "deadletter.h"
#include "envelope.h"
#include "header.h"
#include "held.h"
#include "log.h"
#include "outbox.h"
#include "queue.h"
#include "session.h"
#include "spool.h"

/* Everything one send owns, released in one place. */
struct send_job {
	struct config cfg;
	char *config_path;
	struct aliases aliases;
	struct spool spool;
	struct headers headers;
	struct envelope env;
	struct envelope_opts opts;
	struct buf header_block;
	struct send_report *report;   /* or NULL: what became of the message */
};

static int prepare(struct send_job *j, const struct options *o, const struct account **acct,
		   struct err *e)
{
	char *opt_sender = NULL, *from_hdr;
	const struct account *a;

	if (!(j->config_path = config_find(o->config_file, e)) ||
	    config_load(&j->cfg, j->config_path, e) < 0)
		return -1;
	log_set_target(j->cfg.log);
	if (j->cfg.aliases && aliases_load(&j->aliases, j->cfg.aliases, e) < 0)
		return -1;
	if (header_parse(&j->headers, j->spool.fd, j->spool.size, e) < 0)
		return -1;
	if (envelope_option_sender(o, &opt_sender, e) < 0)
		return -1;
	from_hdr = envelope_from_header(&j->headers);
	a = config_pick(&j->cfg, o->account, opt_sender, from_hdr, e);
	if (a && from_hdr && a->user && config_is_microsoft(a) && strcasecmp(from_hdr, a->user))
		log_info("account %s: From <%s> is not the login %s: Microsoft refuses that with 554 "
			 "5.2.252 SendAsDenied unless %s may send as <%s>", a->name, from_hdr, a->user,
			 a->user, from_hdr);
	free(opt_sender);
	free(from_hdr);
	if (!a || envelope_build(&j->env, o, a, j->cfg.aliases ? &j->aliases : NULL, &j->headers, e) < 0)
		return -1;
	if (header_write(&j->headers, &j->header_block) < 0)
		return err_set(e, ERR_DATA, "message: header section too large");
	if (header_fold_long_lines(&j->header_block, e) < 0)
		return -1;
	/* Long header lines are folded now: only the body's count. */
	if (envelope_options(&j->opts, o, a, &j->headers, &j->header_block, j->spool.has_8bit,
			     j->spool.last_long_end > j->headers.body_off, e) < 0)
		return -1;
	*acct = a;
	return 0;
}

static void log_outcome(const struct send_job *j, const struct account *a, int ok,
			const char *detail)
{
	log_message(ok, "account=%s host=%s from=<%s> recipients=%d size=%lld %s: %s", a->name,
		    a->host, j->env.sender, j->env.rcpts.n, (long long)j->spool.size,
		    ok ? "sent" : "failed", detail);
}

static off_t message_size(const struct send_job *j)
{
	return (off_t)j->header_block.len + (j->spool.size - j->headers.body_off);
}

/* A permanent failure: the text goes to ~/dead.letter, and the error says so. */
static int bury(struct send_job *j, int prepared, struct err *e)
{
	struct buf none;
	struct err derr = {0};
	const char *sender = j->env.sender ? j->env.sender : "";
	int rc;

	if (j->spool.fd < 0)
		return -1;
	buf_init(&none, 1);
	rc = prepared ? deadletter_append(sender, e->msg, &j->header_block, j->spool.fd,
					  j->headers.body_off, j->spool.size, &derr)
		      : deadletter_append(sender, e->msg, &none, j->spool.fd, 0, j->spool.size, &derr);
	buf_free(&none);
	if (rc < 0)
		return err_append(e, "and the message could not be saved: %.400s", derr.msg);
	return err_append(e, "the message was saved in ~/dead.letter");
}

/* Does this failure send the message to dead.letter? Only a reason of
 * its own does: the server refused it (own->done == -1) for good. The
 * server, the network, TLS or a protocol violation keep it (queued, or 75
 * with queue = never), as they can be mended before it expires; so do
 * refused or missing credentials (held in the queue, or 77 and 78 with
 * queue = never). */
static int buries(const struct session_job *own, const struct err *e)
{
	if (err_is_temporary(e->kind) || err_is_credentials(e))
		return 0;
	if (own->done == -1)
		return 1;
	return e->kind != ERR_PROTOCOL && e->kind != ERR_UNAVAILABLE;
}

/* A temporary failure (or -odq): the message goes into the queue, and the
 * caller is told it will be retried. */
static int enqueue(struct send_job *j, const struct account *a, int tried, struct err *e)
{
	struct queue_entry qe = {.account = a->name, .sender = j->env.sender, .rcpts = j->env.rcpts,
				 .o = j->opts, .attempts = tried, .error = tried ? e->msg : NULL,
				 .held = tried && err_is_credentials(e)};
	char hint[300];
	struct buf dir;
	struct err qerr = {0};
	int rc;

	qe.first = (long long)time(NULL);
	qe.next = qe.first + (tried && !qe.held ? queue_backoff(1) : 0);
	buf_init(&dir, 8192);
	rc = queue_dir(&dir, &qerr);
	if (rc == 0)
		rc = queue_add(dir.data, &qe, &j->header_block, j->spool.fd, j->headers.body_off,
			       j->spool.size, &qerr);
	if (rc == 0 && qe.held)
		held_notify(dir.data, a, e->msg);
	buf_free(&dir);
	if (rc < 0) {
		if (!tried)
			*e = qerr;
		else
			err_append(e, "and it could not be queued: %.400s", qerr.msg);
		return bury(j, 1, e);   /* the last place the text can go */
	}
	if (qe.held) {
		held_fix_hint(a, e->msg, hint, sizeof hint);
		fprintf(stderr, "postern: held %s: %s; %s\n", qe.id, e->msg, hint);
	} else if (tried) {
		fprintf(stderr, "postern: queued %s: %s; will retry\n", qe.id, e->msg);
	} else {
		log_info("queued %s", qe.id);
	}
	if (j->report) {
		j->report->state = qe.held ? SEND_HELD : SEND_QUEUED;
		snprintf(j->report->text, sizeof j->report->text, "%s", qe.id);
	}
	log_message(1, "%s %s account=%s from=<%s> recipients=%d: %s", qe.held ? "held" : "queued",
		    qe.id, a->name, j->env.sender, j->env.rcpts.n, tried ? e->msg : "-odq");
	return 0;
}

/* "<a>, <b>, ..." cut to the room there is. */
static const char *recipient_list(const struct addr_list *l, char *out, size_t n)
{
	size_t used = 0;

	out[0] = '\0';
	for (int i = 0; i < l->n && used < n; i++) {
		int w = snprintf(out + used, n - used, "%s<%s>", i ? ", " : "", l->v[i].spec);
		used += w > 0 ? (size_t)w : 0;
	}
	return out;
}

/* Some transactions went before one failed (LIMITS, 452): only the
 * recipients still without the message are queued or reported. */
static int keep_left_over(struct send_job *j, const struct smtp_message *m, struct err *e)
{
	char list[400];
	struct addr_list left = {0};
	int done = smtp_left_over(m, &left);

	if (done < 0) {
		addr_list_free(&left);
		return err_set(e, ERR_OS, "out of memory");
	}
	if (done == 0)
		return 0;
	err_append(e, "%d of %d recipients already have the message, the other %d do not: %s",
		   done, j->env.rcpts.n, left.n, recipient_list(&left, list, sizeof list));
	addr_list_free(&j->env.rcpts);
	j->env.rcpts = left;
	return 0;
}

static int deliver(struct send_job *j, const struct options *o, const struct account *a,
		   struct err *e)
{
	struct smtp_message m = {.sender = j->env.sender, .rcpts = &j->env.rcpts,
				 .size = message_size(j), .o = j->opts};
	struct session_job own = {.m = &m, .src = {.header_block = &j->header_block,
		.fd = j->spool.fd, .body_off = j->headers.body_off, .body_end = j->spool.size}};
	struct outbox_stats st = {0};
	struct buf dir;
	struct err ignored = {0};
	int use_queue = a->queue == QUEUE_AUTO;
	unsigned char state[ADDRS_MAX] = {0};

	if (o->queue_only)
		return enqueue(j, a, 0, e);
	m.rcpt_state = state;
	buf_init(&dir, 8192);
	if (use_queue && queue_dir(&dir, &ignored) < 0)
		buf_reset(&dir);   /* no queue folder: send alone, report as before */
	outbox_send(&j->cfg, dir.len ? dir.data : NULL, a, &own, 0, &st, e);
	buf_free(&dir);
	if (own.done == 1) {
		log_outcome(j, a, 1, own.final);
		log_info("delivered to %s: %s", a->host, own.final);
		if (j->report) {
			j->report->state = SEND_DELIVERED;
			snprintf(j->report->text, sizeof j->report->text, "%s", own.final);
		}
		return 0;
	}
	if (own.done == -1)
		*e = own.err;
	if (keep_left_over(j, &m, e) < 0)
		return -1;
	log_outcome(j, a, 0, e->msg);
	if (buries(&own, e))
		return bury(j, 1, e);
	if (use_queue)
		return enqueue(j, a, 1, e);
	/* Kept by nobody: the caller must try again (credentials: once they
	 * are mended, as 77 and 78 say). */
	if (!err_is_credentials(e))
		e->kind = ERR_TEMP;
	return -1;
}

int cmd_send(const struct options *o, struct err *e)
{
	if (o->stdin_closed)
		return err_set(e, ERR_NOINPUT, "message: standard input is closed, so there is no "
			       "message; nothing sent");
	return cmd_send_fd(o, STDIN_FILENO, NULL, e);
}

int cmd_send_fd(const struct options *o, int fd, struct send_report *report, struct err *e)
{
	struct send_job j;
	const struct account *a = NULL;
	int rc;

	memset(&j, 0, sizeof j);
	j.spool.fd = -1;
	j.report = report;
	buf_init(&j.header_block, 2 * HEADER_SECTION_MAX);
	/* The message is read first, so that a broken configuration cannot
	 * lose it: it is saved in dead.letter instead. */
	rc = spool_read(fd, o->dot_ends_input, &j.spool, e);
	if (rc == 0)
		rc = prepare(&j, o, &a, e);
	if (rc == 0) {
		rc = deliver(&j, o, a, e);
	} else if (j.spool.fd >= 0) {
		if (j.cfg.path)   /* the log is configured: say why nothing was sent */
			log_message(0, "not sent: %s", e->msg);
		if (!err_is_temporary(e->kind))
			bury(&j, 0, e);
	}
	buf_free(&j.header_block);
	envelope_free(&j.env);
	header_free(&j.headers);
	aliases_free(&j.aliases);
	spool_close(&j.spool);
	config_free(&j.cfg);
	free(j.config_path);
	return rc;
}
