#include "cmd_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "caps.h"
#include "config.h"
#include "outbox.h"
#include "sasl.h"
#include "session.h"
#include "tls_report.h"

/* What the hooks learn about one account's session. */
struct check {
	const struct account *a;
	int tls_up;                /* the handshake is over: EHLO now counts */
	int expiring;              /* certificates expiring soon */
	int authenticated;
};

static void show_reply(const char *label, const struct reply *r)
{
	char sum[400];

	printf("  %s: %s\n", label, reply_summary(r, sum, sizeof sum));
}

/* The extensions, one per line of the EHLO reply after the first, and
 * the mechanism postern would take from them. */
static void show_ehlo(const struct check *k, const struct reply *r)
{
	const char *text = r->text.data ? r->text.data : "", *nl = strchr(text, '\n');
	const char *auth = strstr(text, "\nAUTH ");
	struct caps caps = {0};
	enum sasl_mech_id mech;
	struct err ignored = {0};

	caps_parse(&caps, r);
	printf("  extensions:");
	for (const char *p = nl ? nl + 1 : ""; *p;) {
		size_t n = strcspn(p, "\n");
		printf(" %.*s%s", (int)n, p, p[n] ? "," : "");
		p += n + (p[n] != '\0');
	}
	printf("%s\n", nl ? "" : " (none)");
	if (!k->a->user) {
		printf("  AUTH: none (the account has no user)\n");
		return;
	}
	if (sasl_choose(k->a->auth, caps.auth_mechs, k->a->oauth.provider != OAUTH_NONE, &mech,
			&ignored) == 0)
		printf("  AUTH: offered %.*s; postern uses %s\n", auth ? (int)strcspn(auth + 6, "\n") : 4,
		       auth ? auth + 6 : "none", sasl_mech_name(mech));
	else
		printf("  AUTH: %s\n", ignored.msg);
}

static void on_reply(void *ctx, const char *step, const struct reply *r)
{
	struct check *k = ctx;

	if (strcmp(step, "GREETING") == 0)
		show_reply("greeting", r);
	else if (strcmp(step, "EHLO") == 0 && r->code == 250 && k->tls_up)
		show_ehlo(k, r);
	else if (strncmp(step, "AUTH", 4) == 0 && r->code != 334) {
		show_reply("AUTH", r);
		k->authenticated = r->code == 235;
	}
}

static void on_tls(void *ctx, SSL *ssl, int ok, const struct err *e)
{
	struct check *k = ctx;

	k->tls_up = ok;
	k->expiring += tls_report(ssl, stdout, "  ");
	printf("  certificate check: %s\n", ok ? "verified" : e->msg);
}

/* What to do about failure e: one line, or NULL when there is nothing
 * better to say than the error itself. */
static const char *advice(const struct account *a, const struct err *e, char *out, size_t len)
{
	const char *m = e->msg;
	char now[64];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(now, sizeof now, "%Y-%m-%d %H:%M UTC", &tm);
	if (strstr(m, "5.7.139") && strstr(m, "asic auth"))
		return "Microsoft refuses passwords for this mailbox (Basic authentication is off): use "
		       "OAuth2 (oauth_provider = microsoft, then postern --authorize ACCOUNT)";
	if (strstr(m, "5.7.139"))
		return "Microsoft has SMTP AUTH switched off for this mailbox or tenant: an administrator "
		       "turns on Authenticated SMTP (Microsoft 365 admin center, the user, Mail, Manage "
		       "email apps)";
	if (strstr(m, "5.7.9") || strstr(m, "pplication-specific password"))
		return "the provider wants an app password, not the account's own: create one in its "
		       "security settings and store it with postern --store-password ACCOUNT";
	if (strstr(m, "invalid_grant"))
		return "the sign-in has expired or was revoked: run postern --authorize ACCOUNT";
	if (e->detail == ERR_DETAIL_TOKEN_REJECTED || strstr(m, "refused the OAuth2 access token")) {
		snprintf(out, len, "the server refused a fresh access token: check that user = is the "
			 "mailbox you signed in with, and this machine's clock (it says %s; tokens are "
			 "time-bound), then postern --authorize ACCOUNT", now);
		return out;
	}
	if (strstr(m, "authentication refused")) {
		/* Where the password comes from decides where it is mended. */
		snprintf(out, len, "wrong user or password: check user = and %s; with two-step "
			 "verification (Gmail, Fastmail, iCloud, Yahoo) it must be an app password",
			 a->password ? "password = in the configuration (it comes before any stored one)"
			 : a->password_command ? "what password_command prints"
			 : "store the password again with postern --store-password ACCOUNT");
		return out;
	}
	if (strstr(m, "no password stored") || strstr(m, "no client secret"))
		return "store it: postern --store-password ACCOUNT";
	if (strstr(m, "expired") || strstr(m, "not yet valid")) {
		snprintf(out, len, "check this machine's clock (it says %s): a wrong clock makes good "
			 "certificates look expired or not yet valid", now);
		return out;
	}
	if (strstr(m, "mismatch") || strstr(m, "does not match the host")) {
		snprintf(out, len, "the certificate is not for host = %s: set host to one of the names it "
			 "lists above", a->host);
		return out;
	}
	if (strstr(m, "not trusted"))
		return "set tls_ca_file to the authority that signed the server's certificate, or pin the "
		       "certificate with the tls_fingerprint shown above";
	if (strstr(m, "does not match tls_fingerprint"))
		return "the certificate changed (renewed?) or the connection is intercepted: compare the "
		       "SHA-256 above with the provider's before updating tls_fingerprint";
	if (strstr(m, "did not offer TLS"))
		return "on port 465 the account needs tls = implicit; else something between you and "
		       "the server strips STARTTLS";
	if (strstr(m, "connect ") || strstr(m, "timeout") || strstr(m, "closed the connection")) {
		snprintf(out, len, "check host = %s and port = %ld (587 with STARTTLS, 465 with tls = "
			 "implicit), and whether a firewall or a captive portal is in the way", a->host,
			 a->port);
		return out;
	}
	return NULL;
}

/* The advice with ACCOUNT replaced by the account's name. */
static void print_advice(const char *what, const char *name)
{
	const char *at;

	printf("  what to do: ");
	while ((at = strstr(what, "ACCOUNT"))) {
		printf("%.*s%s", (int)(at - what), what, name);
		what = at + strlen("ACCOUNT");
	}
	printf("%s\n", what);
}

static int check_one(const struct account *acct, struct err *e)
{
	struct account a = *acct;
	struct check k = {.a = &a};
	struct session_hooks h = {.reply = on_reply, .tls = on_tls, .ctx = &k};
	char buf[400];
	const char *what;

	a.tls_resume = 0;   /* a full handshake: the whole certificate chain */
	printf("account %s: %s port %ld, %s\n", a.name, a.host, a.port,
	       a.tls == TLS_IMPLICIT ? "TLS from the start" : "STARTTLS");
	fflush(stdout);
	if (a.from && a.user && config_is_microsoft(&a) && strcasecmp(a.from, a.user))
		printf("  note: from = %s is not the login %s: Microsoft refuses such mail with 554 "
		       "5.2.252 SendAsDenied unless %s has Send As rights for it\n", a.from, a.user,
		       a.user);
	if (outbox_check(&a, &h, e) == 0) {
		printf("account %s: all is well: %s, nothing was sent%s\n", a.name,
		       a.user ? "authenticated" : "no authentication", k.expiring ?
		       " (but a certificate expires soon, see above)" : "");
		fflush(stdout);
		return 0;
	}
	printf("  FAILED: %s\n", e->msg);
	if ((what = advice(&a, e, buf, sizeof buf)))
		print_advice(what, a.name);
	fflush(stdout);
	return err_prefix(e, "--check %s", a.name);
}

int cmd_check(const struct options *o, struct err *e)
{
	struct config cfg = {0};
	char *path = config_find(o->config_file, e);
	const struct account *a;
	struct err first = {0};
	int failed = 0, rc;

	if (!path)
		return -1;
	rc = config_load(&cfg, path, e);
	free(path);
	if (rc < 0)
		return -1;
	if (!o->check_all) {
		rc = (a = config_pick(&cfg, o->account, NULL, NULL, e)) ? check_one(a, e) : -1;
		config_free(&cfg);
		return rc;
	}
	for (int i = 0; i < cfg.naccounts; i++) {
		if (i)
			printf("\n");
		if (check_one(&cfg.accounts[i], e) < 0 && failed++ == 0)
			first = *e;
	}
	if (failed) {
		*e = first;
		if (failed > 1 || cfg.naccounts > 1)
			err_append(e, "%d of %d accounts failed", failed, cfg.naccounts);
	}
	config_free(&cfg);
	return failed ? -1 : 0;
}
