#include "held.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "notify.h"
#include "oauth.h"
#include "queue.h"

#define REMIND_EVERY (24 * 3600)

void held_fix_hint(const struct account *a, const char *reason, char *out, size_t n)
{
	if (reason && strncmp(reason, "proxy", 5) == 0)   /* proxy.c's and cred.c's errors */
		snprintf(out, n, "fix it with postern --store-password %s --proxy, then the message "
			 "goes by itself", a->name);
	else if (a->oauth.provider == OAUTH_GOA)
		snprintf(out, n, "fix it in GNOME Settings (Online Accounts), then run postern -q "
			 "--release %s", a->name);
	else if (a->oauth.provider != OAUTH_NONE)
		snprintf(out, n, "fix it with postern --authorize %s, then the message goes by itself",
			 a->name);
	else if (a->password || a->password_command)
		snprintf(out, n, "fix the account's %s, then run postern -q --release %s", a->password ?
			 "password in the configuration" : "password_command", a->name);
	else
		snprintf(out, n, "fix it with postern --store-password %s, then the message goes by "
			 "itself", a->name);
}


int held_release(const char *qdir, const char *account, struct err *e)
{
	struct queue_entry *all;
	int count, released = 0;

	if (queue_list(qdir, &all, &count, e) < 0)
		return -1;
	for (int i = 0; i < count; i++) {
		struct queue_entry qe = {0};
		struct err e2 = {0};
		int fd;
		if (!all[i].held || strcasecmp(all[i].account, account) != 0 ||
		    (fd = queue_lock(qdir, all[i].id)) < 0)
			continue;
		if (queue_read(qdir, all[i].id, &qe, &e2) > 0 && qe.held) {
			qe.held = 0;
			qe.next = 0;
			if (queue_update(qdir, &qe, &e2) == 0)
				released++;
			else
				log_warn("queued %s: %s", qe.id, e2.msg);
		}
		if (qe.account)
			queue_entry_free(&qe);
		close(fd);
	}
	for (int i = 0; i < count; i++)
		queue_entry_free(&all[i]);
	free(all);
	return released;
}

int held_count(const char *qdir, const char *account)
{
	struct queue_entry *all;
	struct err e = {0};
	int count, n = 0;

	if (queue_list(qdir, &all, &count, &e) < 0)
		return 0;
	for (int i = 0; i < count; i++) {
		n += all[i].held && strcasecmp(all[i].account, account) == 0;
		queue_entry_free(&all[i]);
	}
	free(all);
	return n;
}

/* A file whose time says when something was last done, beside the queue
 * folder: qdir/../NAME (held-notified, tokens-checked). */
static int stamp_path(const char *qdir, const char *name, struct buf *out)
{
	const char *slash = strrchr(qdir, '/');

	return slash ? buf_appendf(out, "%.*s/%s", (int)(slash - qdir), qdir, name) : -1;
}

static void stamp_now(const char *qdir, const char *name)
{
	struct buf p;
	int fd;

	buf_init(&p, 8192);
	if (stamp_path(qdir, name, &p) == 0 &&
	    (fd = open(p.data, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600)) >= 0) {
		futimens(fd, NULL);
		close(fd);
	}
	buf_free(&p);
}

static int done_lately(const char *qdir, const char *name)
{
	struct buf p;
	struct stat st;
	int lately;

	buf_init(&p, 8192);
	lately = stamp_path(qdir, name, &p) == 0 && stat(p.data, &st) == 0 &&
		 time(NULL) - st.st_mtime < REMIND_EVERY;
	buf_free(&p);
	return lately;
}

void held_notify(const char *qdir, const struct account *a, const char *reason)
{
	char fix[300];

	held_fix_hint(a, reason, fix, sizeof fix);
	notify_held(a, "held", held_count(qdir, a->name), reason, fix);
	stamp_now(qdir, "held-notified");
}

void held_remind(const struct config *cfg, const char *qdir)
{
	struct queue_entry *all;
	struct err e = {0};
	int count, told = 0;

	if (done_lately(qdir, "held-notified") || queue_list(qdir, &all, &count, &e) < 0)
		return;
	for (int k = 0; k < cfg->naccounts; k++) {
		const struct account *a = &cfg->accounts[k];
		const char *why = NULL;
		char fix[300];
		int n = 0;
		for (int i = 0; i < count; i++)
			if (all[i].held && strcasecmp(all[i].account, a->name) == 0) {
				n++;
				why = all[i].error;
			}
		if (!n)
			continue;
		held_fix_hint(a, why, fix, sizeof fix);
		notify_held(a, "reminder", n, why ? why : "credentials refused", fix);
		told = 1;
	}
	for (int i = 0; i < count; i++)
		queue_entry_free(&all[i]);
	free(all);
	if (told)
		stamp_now(qdir, "held-notified");
}

void held_keep_alive(const struct config *cfg, const char *qdir)
{
	if (done_lately(qdir, "tokens-checked"))
		return;
	for (int k = 0; k < cfg->naccounts; k++) {
		const struct account *a = &cfg->accounts[k];
		struct err e = {0};
		char fix[300];
		if (oauth_keep_alive(a, &e) >= 0)
			continue;
		if (!err_is_credentials(&e)) {   /* the keyring or the network: tomorrow, then */
			log_info("account %s: the sign-in was not renewed: %s", a->name, e.msg);
			continue;
		}
		log_warn("account %s: %s", a->name, e.msg);
		held_fix_hint(a, e.msg, fix, sizeof fix);
		notify_held(a, "token_refused", held_count(qdir, a->name), e.msg, fix);
	}
	stamp_now(qdir, "tokens-checked");
}
