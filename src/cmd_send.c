#include "cmd_send.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>
#include <unistd.h>

#include "alias.h"
#include "buf.h"
#include "config.h"
#include "cred.h"
#include "envelope.h"
#include "header.h"
#include "log.h"
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
	struct buf header_block;
	struct buf password;
	char ehlo_name[256];
};

/* The EHLO name: the account's domain, else this host's name when it is
 * a plausible domain name, else "localhost". */
static void pick_ehlo_name(const struct account *a, char *out, size_t n)
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
	if (spool_read(STDIN_FILENO, o->dot_ends_input, &j->spool, e) < 0 ||
	    header_parse(&j->headers, j->spool.fd, j->spool.size, e) < 0)
		return -1;
	if (envelope_option_sender(o, &opt_sender, e) < 0)
		return -1;
	from_hdr = envelope_from_header(&j->headers);
	a = config_pick(&j->cfg, o->account, opt_sender, from_hdr, e);
	free(opt_sender);
	free(from_hdr);
	if (!a || envelope_build(&j->env, o, a, j->cfg.aliases ? &j->aliases : NULL, &j->headers, e) < 0)
		return -1;
	if (header_write(&j->headers, &j->header_block) < 0)
		return err_set(e, ERR_DATA, "message: header section too large");
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

static int deliver(struct send_job *j, const struct options *o, const struct account *a,
		   struct err *e)
{
	struct smtp_params p = {.ehlo_name = j->ehlo_name, .tls_active = a->tls == TLS_IMPLICIT, .auth = a->auth,
				.refused = a->refused};
	struct smtp_message m = {.sender = j->env.sender, .rcpts = &j->env.rcpts,
				 .has_8bit = j->spool.has_8bit};
	struct message_source src = {.header_block = &j->header_block, .fd = j->spool.fd,
				     .body_off = j->headers.body_off, .body_end = j->spool.size};
	char final[400] = "";

	if (o->body_type && strcasecmp(o->body_type, "8BITMIME") == 0)
		m.has_8bit = 1;
	m.size = (off_t)j->header_block.len + (j->spool.size - j->headers.body_off);
	if (cred_password(a, &j->password, e) < 0)
		return -1;
	if (a->user) {
		p.creds.user = a->user;
		p.creds.password = j->password.data;
	}
	pick_ehlo_name(a, j->ehlo_name, sizeof j->ehlo_name);
	if (session_send(a, &p, &m, &src, final, sizeof final, e) < 0) {
		log_outcome(j, a, 0, e->msg);
		return -1;
	}
	buf_wipe(&j->password);
	log_outcome(j, a, 1, final);
	log_info("delivered to %s: %s", a->host, final);
	return 0;
}

int cmd_send(const struct options *o, struct err *e)
{
	struct send_job j;
	const struct account *a = NULL;
	int rc;

	memset(&j, 0, sizeof j);
	j.spool.fd = -1;
	buf_init(&j.header_block, 2 * HEADER_SECTION_MAX);
	buf_init(&j.password, PASSWORD_MAX);
	rc = prepare(&j, o, &a, e);
	if (rc == 0)
		rc = deliver(&j, o, a, e);
	else if (j.cfg.path)   /* the log is configured: say why nothing was sent */
		log_message(0, "not sent: %s", e->msg);
	buf_free(&j.password);
	buf_free(&j.header_block);
	envelope_free(&j.env);
	header_free(&j.headers);
	aliases_free(&j.aliases);
	spool_close(&j.spool);
	config_free(&j.cfg);
	free(j.config_path);
	return rc;
}
