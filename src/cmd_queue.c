#include "cmd_queue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alias.h"
#include "buf.h"
#include "config.h"
#include "held.h"
#include "log.h"
#include "outbox.h"
#include "queue.h"

static int load_config(const struct options *o, struct config *cfg, struct err *e)
{
	char *path = config_find(o->config_file, e);
	int rc;

	if (!path)
		return -1;
	rc = config_load(cfg, path, e);
	free(path);
	if (rc == 0)
		log_set_target(cfg->log);
	return rc;
}

void cmd_release_held(const struct config *cfg, const struct account *a)
{
	struct outbox_stats st = {0};
	struct err e = {0};
	struct buf dir;
	int n;

	buf_init(&dir, 8192);
	if (queue_dir(&dir, &e) == 0 && (n = held_release(dir.data, a->name, &e)) > 0) {
		printf("postern: released %d message%s held for account %s; sending now\n", n,
		       n == 1 ? "" : "s", a->name);
		fflush(stdout);
		outbox_send(cfg, dir.data, a, NULL, 0, &st, &e);
		printf("postern: %d sent, %d still queued%s%s\n", st.sent, st.deferred + st.held + st.busy,
		       e.kind ? ": " : "", e.kind ? e.msg : "");
	}
	buf_free(&dir);
}

/* -q --release ACCOUNT: its held messages become due now. */
static int release(const struct config *cfg, const char *name, struct err *e)
{
	const struct account *a = config_pick(cfg, name, NULL, NULL, e);
	struct buf dir;
	int n;

	if (!a)
		return -1;
	buf_init(&dir, 8192);
	n = queue_dir(&dir, e) < 0 ? -1 : held_release(dir.data, a->name, e);
	buf_free(&dir);
	if (n > 0)
		log_info("released %d held message%s of account %s", n, n == 1 ? "" : "s", a->name);
	return n < 0 ? -1 : 0;
}

int cmd_flush(const struct options *o, struct err *e)
{
	struct config cfg;
	struct outbox_stats st = {0};
	int rc;

	if (load_config(o, &cfg, e) < 0 || (o->release && release(&cfg, o->release, e) < 0)) {
		config_free(&cfg);
		return -1;
	}
	rc = outbox_flush(&cfg, o->force, &st, e);
	log_info("flush: %d sent, %d deferred, %d held for credentials, %d given up, %d busy "
		 "elsewhere", st.sent, st.deferred, st.held, st.failed, st.busy);
	config_free(&cfg);
	return rc;
}

static void print_age(long long secs)
{
	if (secs < 3600)
		printf("%4lldm", secs / 60);
	else if (secs < 86400)
		printf("%4lldh", secs / 3600);
	else
		printf("%4lldd", secs / 86400);
}

int cmd_mailq(const struct options *o, struct err *e)
{
	struct queue_entry *v;
	struct buf dir;
	int n, held = 0;
	long long now = (long long)time(NULL);

	(void)o;
	buf_init(&dir, 8192);
	if (queue_dir(&dir, e) < 0 || queue_list(dir.data, &v, &n, e) < 0) {
		buf_free(&dir);
		return -1;
	}
	if (n == 0)
		printf("Mail queue is empty\n");
	for (int i = 0; i < n; i++) {
		printf("%s ", v[i].id);
		print_age(now - v[i].first);
		printf(" %8lld %-12s attempts=%d ", (long long)v[i].size, v[i].account, v[i].attempts);
		if (v[i].held) {
			printf("HELD for credentials");
		} else {
			printf("next=");
			print_age(v[i].next > now ? v[i].next - now : 0);
		}
		printf("\n  from <%s>\n", v[i].sender);
		for (int k = 0; k < v[i].rcpts.n; k++)
			printf("  to   <%s>\n", v[i].rcpts.v[k].spec);
		if (v[i].error)
			printf("  %s: %s\n", v[i].held ? "held because" : "last error", v[i].error);
		held += v[i].held;
		queue_entry_free(&v[i]);
	}
	if (n)
		printf("-- %d message%s queued\n", n, n == 1 ? "" : "s");
	if (held)
		printf("-- %d held for credentials: once they are mended (postern --authorize or "
		       "--store-password ACCOUNT, or postern -q --release ACCOUNT) they go\n", held);
	free(v);
	buf_free(&dir);
	return 0;
}

int cmd_remove(const struct options *o, struct err *e)
{
	struct buf dir;
	int fd, rc;

	for (const char *p = o->remove_id; *p; p++)
		if (*p == '/' || *p == '.')
			return err_set(e, ERR_USAGE, "--remove: '%s' is not a queue id", o->remove_id);
	buf_init(&dir, 8192);
	if (queue_dir(&dir, e) < 0) {
		buf_free(&dir);
		return -1;
	}
	fd = queue_lock(dir.data, o->remove_id);
	if (fd == -1)
		rc = err_set(e, ERR_USAGE, "--remove: no queued message %s (see postern -bp)", o->remove_id);
	else if (fd == -2)
		rc = err_set(e, ERR_TEMP, "--remove: %s is being sent right now; try again", o->remove_id);
	else
		rc = queue_remove(dir.data, o->remove_id, e);
	if (fd >= 0)
		close(fd);
	buf_free(&dir);
	return rc;
}

/* Expands every name, as a send would: a malformed address, a loop or an
 * explosion anywhere in the file is found now, not by the mail that uses it. */
static int check_every_alias(const struct aliases *al, struct err *e)
{
	for (int i = 0; i < al->n; i++) {
		struct addr_list out = {0};
		int rc = alias_expand(al, al->v[i].name, &out, e);
		addr_list_free(&out);
		if (rc < 0)
			return -1;
	}
	return 0;
}

int cmd_newaliases(const struct options *o, struct err *e)
{
	struct config cfg = {0};
	struct aliases al = {0};
	char *path = config_find(o->config_file, e);
	int rc = path && config_load(&cfg, path, e) == 0 ? 0 : -1;

	if (rc == 0 && !cfg.aliases)
		printf("postern: %s names no aliases file: nothing to check\n", path);
	else if (rc == 0 && (rc = aliases_load(&al, cfg.aliases, e)) == 0)
		rc = check_every_alias(&al, e);
	if (rc == 0 && cfg.aliases)
		printf("postern: %s: %d aliases, no errors (read as text on every run: no database "
		       "to build)\n", cfg.aliases, al.n);
	aliases_free(&al);
	config_free(&cfg);
	free(path);
	return rc;
}
