#include "outbox.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cred.h"
#include "deadletter.h"
#include "held.h"
#include "log.h"
#include "oauth.h"
#include "queue.h"

#define BATCH_MAX 1000   /* queued messages sent over one connection */

/* A queued message taken for this run: locked, with its job. */
struct taken {
	struct queue_entry qe;
	int fd;
	struct smtp_message m;
	unsigned char *state;     /* enum rcpt_state per recipient */
	int recorded;
};

static struct buf empty_block;   /* queued files already hold their headers */

/* The EHLO name: the account's domain, else this host's name when it is
 * a plausible domain name, else "localhost". */
static void ehlo_name(const struct account *a, char *out, size_t n)
{
	int ok = 1;

	if (a->domain) {
		snprintf(out, n, "%s", a->domain);
		return;
	}
	if (gethostname(out, n) != 0 || !*out)
		ok = 0;
	for (const char *p = out; ok && *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.')
			ok = 0;
	if (!ok)
		snprintf(out, n, "localhost");
}

static void give_up(const char *qdir, struct taken *t, const char *why, struct outbox_stats *st)
{
	struct err e2 = {0};

	if (deadletter_append(t->qe.sender, why, &empty_block, t->fd, 0, t->qe.size, &e2) < 0) {
		log_warn("queued %s: %s; could not save it to dead.letter (%s), it stays queued",
			 t->qe.id, why, e2.msg);
		return;
	}
	queue_remove(qdir, t->qe.id, &e2);
	fprintf(stderr, "postern: queued %s: %s; gave up, saved in ~/dead.letter\n", t->qe.id, why);
	log_message(0, "queued %s given up: %s", t->qe.id, why);
	st->failed++;
}

static void defer(const char *qdir, struct taken *t, const char *why, struct outbox_stats *st)
{
	struct err e2 = {0};

	t->qe.attempts++;
	t->qe.next = (long long)time(NULL) + queue_backoff(t->qe.attempts);
	free(t->qe.error);
	t->qe.error = strdup(why);
	if (queue_update(qdir, &t->qe, &e2) < 0)
		log_warn("queued %s: %s", t->qe.id, e2.msg);
	log_info("queued %s deferred (attempt %d): %s", t->qe.id, t->qe.attempts, why);
	log_message(0, "queued %s deferred (attempt %d): %s", t->qe.id, t->qe.attempts, why);
	st->deferred++;
}

/* Credentials failed: the entry waits, off the backoff, until released. */
static void hold(const char *qdir, struct taken *t, const char *why, struct outbox_stats *st)
{
	struct err e2 = {0};

	t->qe.attempts++;
	t->qe.held = 1;
	free(t->qe.error);
	t->qe.error = strdup(why);
	if (queue_update(qdir, &t->qe, &e2) < 0)
		log_warn("queued %s: %s", t->qe.id, e2.msg);
	log_info("queued %s held for credentials: %s", t->qe.id, why);
	log_message(0, "queued %s held for credentials: %s", t->qe.id, why);
	st->held++;
}

/* Is entry qe one this run takes? Due ones; held ones only when forced,
 * or when a send of the same account connects anyway (`held_too`): its
 * one AUTH either fails as theirs did, or proves the credentials mended. */
static int wanted(const struct queue_entry *qe, int force, int held_too, long long now)
{
	return force || (qe->held ? held_too : qe->next <= now);
}

/* A held entry past queue_lifetime is given up like any other. */
static void expire_held(const struct config *cfg, const char *qdir, const struct queue_entry *q,
			long long now, struct outbox_stats *st)
{
	struct taken t = {.fd = -1};
	struct err e2 = {0};
	char why[ERR_MSG_MAX + 64];

	if (!q->held || now - q->first <= cfg->queue_lifetime || (t.fd = queue_lock(qdir, q->id)) < 0)
		return;
	if (queue_read(qdir, q->id, &t.qe, &e2) > 0) {
		snprintf(why, sizeof why, "held for credentials for %lld hours (queue_lifetime): %s",
			 (now - t.qe.first) / 3600, t.qe.error ? t.qe.error : "");
		give_up(qdir, &t, why, st);
		queue_entry_free(&t.qe);
	}
	close(t.fd);
}

/* Locks and re-reads the account's due entries; expired ones go to
 * dead.letter here. Returns how many were taken. */
static int take_due(const struct config *cfg, const char *qdir, const struct account *a, int force,
		    int held_too, struct taken *out, int max, struct outbox_stats *st)
{
	struct queue_entry *all;
	struct err e2 = {0};
	long long now = (long long)time(NULL);
	int n = 0, count;

	if (queue_list(qdir, &all, &count, &e2) < 0)
		return 0;
	for (int i = 0; i < count; i++) {
		struct taken *t = &out[n];
		int fd;
		if (n == max || strcasecmp(all[i].account, a->name) != 0)
			continue;
		if (!wanted(&all[i], force, held_too, now)) {
			if (all[i].held)
				log_info("queued %s is held for credentials: not tried (postern -q --release "
					 "%s once they are mended)", all[i].id, a->name);
			expire_held(cfg, qdir, &all[i], now, st);
			continue;
		}
		fd = queue_lock(qdir, all[i].id);
		if (fd < 0) {
			st->busy += fd == -2;
			continue;
		}
		if (queue_read(qdir, all[i].id, &t->qe, &e2) <= 0 ||   /* sent meanwhile */
		    !wanted(&t->qe, force, held_too, now)) {            /* or just deferred */
			if (t->qe.account)
				queue_entry_free(&t->qe);
			close(fd);
			continue;
		}
		t->fd = fd;
		if (now - t->qe.first > cfg->queue_lifetime) {
			char why[ERR_MSG_MAX + 64];
			snprintf(why, sizeof why, "still undelivered after %lld hours (queue_lifetime): %s",
				 (now - t->qe.first) / 3600, t->qe.error ? t->qe.error : "");
			give_up(qdir, t, why, st);
			queue_entry_free(&t->qe);
			close(fd);
			continue;
		}
		t->state = calloc((size_t)t->qe.rcpts.n, 1);
		t->m = (struct smtp_message){.sender = t->qe.sender, .rcpts = &t->qe.rcpts,
					     .size = t->qe.size, .o = t->qe.o, .rcpt_state = t->state};
		n++;
	}
	for (int i = 0; i < count; i++)
		queue_entry_free(&all[i]);
	free(all);
	return n;
}

/* The recipients that already have the message leave the entry: a
 * later try or a report concerns only the others. */
static void drop_delivered(struct taken *t, char *why, size_t n)
{
	struct addr_list left = {0};
	int done = smtp_left_over(&t->m, &left);

	if (done > 0) {
		size_t len = strlen(why);
		snprintf(why + len, n - len, "; %d of %d recipients already have the message", done,
			 t->qe.rcpts.n);
		addr_list_free(&t->qe.rcpts);
		t->qe.rcpts = left;
	} else {
		addr_list_free(&left);
	}
}

static void record(const char *qdir, struct taken *t, const struct session_job *job,
		   const struct err *conn_err, struct outbox_stats *st)
{
	struct err e2 = {0};
	char why[ERR_MSG_MAX + 80];

	if (job->done == 1) {
		queue_remove(qdir, t->qe.id, &e2);
		log_info("queued %s delivered: %s", t->qe.id, job->final);
		log_message(1, "queued %s sent: %s", t->qe.id, job->final);
		st->sent++;
	} else if (job->done == -1 && !err_is_temporary(job->err.kind)) {
		snprintf(why, sizeof why, "%s", job->err.msg);
		drop_delivered(t, why, sizeof why);
		give_up(qdir, t, why, st);
	} else {
		/* Deferred, or not settled because the session failed around it.
		 * A message whose final dot got no reply stays too: a possible
		 * duplicate is better than a loss. */
		snprintf(why, sizeof why, "%s", job->done == -1 || job->err.kind ? job->err.msg
										  : conn_err->msg);
		const struct err *cause = job->err.kind ? &job->err : conn_err;
		drop_delivered(t, why, sizeof why);
		if (job->done == 0 && err_is_credentials(cause)) {
			hold(qdir, t, why, st);
		} else {
			/* Past AUTH (a reply of its own, or the server pacing us):
			 * the credentials work, so a held one is held no more. */
			if (job->done == -1 || cause->detail == ERR_DETAIL_SLOW_DOWN)
				t->qe.held = 0;
			defer(qdir, t, why, st);
		}
	}
	t->recorded = 1;
}

/* What the settled hook needs to record a queued job the moment the
 * server has answered for it. */
struct batch {
	const char *qdir;
	struct session_job *jobs;
	struct taken *taken;
	int ntaken;               /* jobs[0..ntaken) are queued messages, then our own */
	struct outbox_stats *st;
};

static void settled(void *ctx, int i)
{
	struct batch *b = ctx;
	struct err none = {0};

	if (i < b->ntaken && b->jobs[i].done != 0)
		record(b->qdir, &b->taken[i], &b->jobs[i], &none, b->st);
}

/* With OAuth2: a token the server refuses is refreshed once and the batch
 * tried once more (the server may know of a revocation, or a clock may be
 * off); every job is still unsettled, as AUTH comes before any message. */
static void send_with_token(const struct account *a, struct smtp_params *p,
			    struct session_job *jobs, int njobs, const struct session_hooks *h,
			    struct err *e)
{
	struct buf token, fresh;

	buf_init(&token, TOKEN_MAX);
	buf_init(&fresh, TOKEN_MAX);
	p->creds.user = a->user;
	p->creds.host = a->host;
	p->creds.port = a->port;
	if (oauth_access_token(a, NULL, &token, e) == 0) {
		p->creds.token = token.data;
		session_send_batch(a, p, jobs, njobs, h, e);
		if (e->kind && e->detail == ERR_DETAIL_TOKEN_REJECTED) {
			log_info("the server refused the access token: refreshing it and trying once more");
			memset(e, 0, sizeof *e);
			if (oauth_access_token(a, token.data, &fresh, e) == 0) {
				p->creds.token = fresh.data;
				session_send_batch(a, p, jobs, njobs, h, e);
			}
		}
	}
	buf_free(&token);
	buf_free(&fresh);
}

static void send_with_password(const struct account *a, struct smtp_params *p,
			       struct session_job *jobs, int njobs, const struct session_hooks *h,
			       struct err *e)
{
	struct buf password;

	buf_init(&password, PASSWORD_MAX);
	if (cred_password(a, &password, e) == 0) {
		if (a->user) {
			p->creds.user = a->user;
			p->creds.password = password.data ? password.data : "";
		}
		session_send_batch(a, p, jobs, njobs, h, e);
	}
	buf_free(&password);
}

/* The account's credentials as a send gets them (and its proxy's), then
 * the session. */
static void send_with_credentials(const struct account *a, struct smtp_params *p,
				  struct session_job *jobs, int njobs,
				  const struct session_hooks *h, struct err *e)
{
	char ehlo[256];
	struct buf proxy_pw;

	buf_init(&proxy_pw, PASSWORD_MAX);
	if (a->proxy_user && cred_proxy_password(a, &proxy_pw, e) < 0) {
		buf_free(&proxy_pw);
		return;
	}
	p->proxy_password = proxy_pw.data ? proxy_pw.data : "";
	ehlo_name(a, ehlo, sizeof ehlo);
	p->ehlo_name = ehlo;
	if (a->oauth.provider != OAUTH_NONE)
		send_with_token(a, p, jobs, njobs, h, e);
	else
		send_with_password(a, p, jobs, njobs, h, e);
	p->ehlo_name = NULL;   /* they were this function's */
	p->proxy_password = NULL;
	buf_free(&proxy_pw);
}

int outbox_check(const struct account *a, const struct session_hooks *h, struct err *e)
{
	static const struct addr_list none;
	struct smtp_message m = {.sender = "", .rcpts = &none};
	struct session_job job = {.m = &m, .src = {.header_block = &empty_block, .fd = -1}};
	struct smtp_params p = {.auth = a->auth, .refused = a->refused,
				.tls_active = a->tls == TLS_IMPLICIT, .probe = 1};

	*e = (struct err){0};
	send_with_credentials(a, &p, &job, 1, h, e);
	if (!e->kind && job.done != 1)
		*e = job.err;
	return e->kind ? -1 : 0;
}

static int run_batch(const char *qdir, const struct account *a, struct session_job *jobs,
		     int njobs, struct taken *taken, int ntaken, int own, struct outbox_stats *st,
		     struct err *e)
{
	struct smtp_params p = {.auth = a->auth, .refused = a->refused,
				.tls_active = a->tls == TLS_IMPLICIT};
	struct batch b = {.qdir = qdir, .jobs = jobs, .taken = taken, .ntaken = ntaken, .st = st};
	struct session_hooks hooks = {.settled = settled, .ctx = &b};
	struct err conn_err = {0};

	send_with_credentials(a, &p, jobs, njobs, &hooks, &conn_err);
	if (own && jobs[ntaken].done == 0)
		jobs[ntaken].err = conn_err;
	for (int i = 0; i < ntaken; i++)   /* the ones the session never settled */
		if (!taken[i].recorded)
			record(qdir, &taken[i], &jobs[i], &conn_err, st);
	*e = conn_err;
	return 0;
}

/* Each message taken holds an open, locked file: stay well inside the
 * process's file descriptor limit. */
static int batch_limit(void)
{
	struct rlimit rl;
	long long room;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
		return BATCH_MAX;
	room = (long long)rl.rlim_cur - 64;
	return room < 1 ? 1 : room < BATCH_MAX ? (int)room : BATCH_MAX;
}

/* One line for the queued messages a credentials failure held. */
static void say_held(const struct account *a, int n, const struct err *e)
{
	char hint[300];

	held_fix_hint(a, e->msg, hint, sizeof hint);
	fprintf(stderr, "postern: account %s: %d queued message%s held: %s; %s\n", a->name, n,
		n == 1 ? "" : "s", e->msg, hint);
}

int outbox_send(const struct config *cfg, const char *qdir, const struct account *a,
		struct session_job *own, int force, struct outbox_stats *st, struct err *e)
{
	struct taken *taken = calloc(BATCH_MAX, sizeof *taken);
	struct session_job *jobs = calloc(BATCH_MAX + 1, sizeof *jobs);
	int ntaken = 0, njobs = 0, max = batch_limit(), held, deferred;

	if (!taken || !jobs) {
		free(taken);
		free(jobs);
		return err_set(e, ERR_OS, "out of memory");
	}
	/* The account's due messages first, in the order they were queued,
	 * then this one: a series queued while offline and its next part sent
	 * online arrive in order. */
	if (qdir)
		ntaken = take_due(cfg, qdir, a, force, own != NULL, taken, max, st);
	for (int i = 0; i < ntaken; i++)
		jobs[njobs++] = (struct session_job){.m = &taken[i].m,
			.src = {.header_block = &empty_block, .fd = taken[i].fd, .body_off = 0,
				.body_end = taken[i].qe.size}};
	if (own)
		jobs[njobs++] = *own;
	held = st->held;
	deferred = st->deferred;
	if (njobs)
		run_batch(qdir, a, jobs, njobs, taken, ntaken, own != NULL, st, e);
	if (e->detail == ERR_DETAIL_SLOW_DOWN && st->deferred > deferred)
		fprintf(stderr, "postern: account %s: %s; %d queued message%s wait for a later postern "
			"-q\n", a->name, e->msg, st->deferred - deferred,
			st->deferred - deferred == 1 ? "" : "s");
	if (st->held > held) {
		say_held(a, st->held - held, e);
		if (!own)   /* a send tells of its own message, and so of these */
			held_notify(qdir, a, e->msg);
	}
	if (own)
		*own = jobs[ntaken];
	for (int i = 0; i < ntaken; i++) {
		close(taken[i].fd);
		queue_entry_free(&taken[i].qe);
		free(taken[i].state);
	}
	free(taken);
	free(jobs);
	return 0;
}

static int known_account(const struct config *cfg, const char *name)
{
	for (int i = 0; i < cfg->naccounts; i++)
		if (strcasecmp(cfg->accounts[i].name, name) == 0)
			return 1;
	return 0;
}

/* Entries for an account this configuration does not have cannot be sent:
 * say so, and give them up once they pass queue_lifetime. */
static void orphans(const struct config *cfg, const char *qdir, struct outbox_stats *st)
{
	struct queue_entry *all;
	struct err e2 = {0};
	long long now = (long long)time(NULL);
	int count;

	if (queue_list(qdir, &all, &count, &e2) < 0)
		return;
	for (int i = 0; i < count; i++) {
		struct taken t = {.fd = -1};
		if (known_account(cfg, all[i].account))
			continue;
		if (now - all[i].first <= cfg->queue_lifetime) {
			log_warn("queued %s: account '%s' is not in this configuration; it waits for one "
				 "that has it (postern -C FILE -q)", all[i].id, all[i].account);
			continue;
		}
		if ((t.fd = queue_lock(qdir, all[i].id)) < 0)
			continue;
		if (queue_read(qdir, all[i].id, &t.qe, &e2) > 0) {
			give_up(qdir, &t, "its account is not in the configuration, and queue_lifetime "
				"has passed", st);
			queue_entry_free(&t.qe);
		}
		close(t.fd);
	}
	for (int i = 0; i < count; i++)
		queue_entry_free(&all[i]);
	free(all);
}

int outbox_flush(const struct config *cfg, int force, struct outbox_stats *st, struct err *e)
{
	struct buf qdir;
	int rc = 0;

	buf_init(&qdir, 8192);
	if (queue_dir(&qdir, e) < 0) {
		buf_free(&qdir);
		return -1;
	}
	queue_sweep(qdir.data, 3600);
	for (int i = 0; i < cfg->naccounts && rc == 0; i++) {
		struct err conn = {0};
		rc = outbox_send(cfg, qdir.data, &cfg->accounts[i], NULL, force, st, &conn);
	}
	orphans(cfg, qdir.data, st);
	held_remind(cfg, qdir.data);
	held_keep_alive(cfg, qdir.data);
	buf_free(&qdir);
	return rc;
}
