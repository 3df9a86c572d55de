#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <iniparser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "compat.h"
#include "private.h"
#include "config_int.h"


int cfg_bad_value(struct loader *l, const char *section, const char *key, const char *why)
{
	return err_set(l->e, ERR_CONFIG, "%s:%d: [%s] %s: %s", l->path,
		       scan_line_of(l->scan, section, key), section, key, why);
}

const char *cfg_get(struct loader *l, const char *section, const char *key)
{
	char full[256];

	snprintf(full, sizeof full, "%s:%s", section, key);
	return iniparser_getstring(l->dict, full, NULL);
}

int cfg_dup_str(struct loader *l, const char *section, const char *key, char **out)
{
	const char *v = cfg_get(l, section, key);

	*out = NULL;
	if (!v)
		return 0;
	if (!*v)
		return cfg_bad_value(l, section, key, "empty: give a value or remove the line");
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\t')
			return cfg_bad_value(l, section, key, "contains a control character");
	*out = strdup(v);
	return *out ? 0 : err_set(l->e, ERR_OS, "config: out of memory");
}

/* The password comes from the pre-scan, not from iniparser (which is
 * handed a copy of the file without it, so it never holds the secret). */
int cfg_take_secret(struct loader *l, const char *section, const char *key, char **out)
{
	*out = NULL;
	for (int i = 0; i < l->scan->n; i++) {
		const struct scan_entry *s = &l->scan->entries[i];
		if (!s->secret || strcmp(s->section, section) != 0 || strcmp(s->key, key) != 0)
			continue;
		if (!*s->secret)
			return cfg_bad_value(l, section, key, "empty: give a value or remove the line");
		*out = strdup(s->secret);
		return *out ? 0 : err_set(l->e, ERR_OS, "config: out of memory");
	}
	return 0;
}

static int get_number(struct loader *l, const char *section, const char *key,
		      long lo, long hi, long def, long *out)
{
	const char *v = cfg_get(l, section, key), *errstr;
	char why[128];

	*out = def;
	if (!v)
		return 0;
	*out = (long)strtonum(v, lo, hi, &errstr);
	if (errstr) {
		snprintf(why, sizeof why, "'%s' is not a number from %ld to %ld", v, lo, hi);
		return cfg_bad_value(l, section, key, why);
	}
	return 0;
}

/* Maps a word to an enum value through a NULL-terminated table. */
int cfg_get_choice(struct loader *l, const char *section, const char *key,
	       const char *const *words, int def, int *out)
{
	const char *v = cfg_get(l, section, key);
	char why[160];

	*out = def;
	if (!v)
		return 0;
	for (int i = 0; words[i]; i++)
		if (strcasecmp(v, words[i]) == 0) {
			*out = i;
			return 0;
		}
	snprintf(why, sizeof why, "'%s' is not one of the accepted values (see postern.ini(5))", v);
	return cfg_bad_value(l, section, key, why);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	return -1;
}

static int get_fingerprint(struct loader *l, const char *section, struct account *a)
{
	const char *v = cfg_get(l, section, "tls_fingerprint");
	int n = 0;

	if (!v)
		return 0;
	for (const char *p = v; *p; p++) {
		int hi, lo;
		if (*p == ':')
			continue;
		hi = hexval((unsigned char)p[0]);
		lo = p[1] ? hexval((unsigned char)p[1]) : -1;
		if (hi < 0 || lo < 0 || n == 32)
			return cfg_bad_value(l, section, "tls_fingerprint",
					 "expected 64 hex digits (SHA-256), colons allowed");
		a->fingerprint[n++] = (unsigned char)(hi << 4 | lo);
		p++;
	}
	if (n != 32)
		return cfg_bad_value(l, section, "tls_fingerprint",
				 "expected 64 hex digits (SHA-256), colons allowed");
	a->has_fingerprint = 1;
	return 0;
}

static int check_host(struct loader *l, const char *section, const char *host)
{
	if (!host || !*host)
		return cfg_bad_value(l, section, "host", "missing: every account needs a smarthost");
	for (const char *p = host; *p; p++)
		if (*p == ' ' || *p == '\t' || *p == '/' || *p == '@')
			return cfg_bad_value(l, section, "host", "not a host name or address");
	return 0;
}

/* A password written in the file is acceptable only where nobody else can
 * read it. */
static int check_password_mode(struct loader *l, const char *section, const struct stat *st)
{
	if (st->st_mode & 077)
		return cfg_bad_value(l, section, "password",
				 "the file is readable by group or others: chmod 600 it, or use "
				 "password_command");
	return 0;
}

/* The DSN defaults of RFC 3461 (-N and -R win over them). */
static int load_dsn(struct loader *l, const char *section, struct account *a)
{
	static const char *const ret_words[] = {"none", "full", "hdrs", NULL};
	const char *v = cfg_get(l, section, "dsn_notify");
	struct err ignored;
	int ret;

	if (v && dsn_parse_notify(v, "dsn_notify", &a->dsn_notify, &ignored) < 0)
		return cfg_bad_value(l, section, "dsn_notify", "expected never, or a comma list of success, "
				 "failure and delay");
	if (cfg_get_choice(l, section, "dsn_return", ret_words, DSN_RET_NONE, &ret) < 0)
		return -1;
	a->dsn_ret = ret;
	return 0;
}

/* A proxy URL postern can use: socks5, socks5h or http, a host, a port. */
static int check_proxy(struct loader *l, const char *section, const char *url)
{
	const char *rest;

	if (!url)
		return 0;
	if (strncmp(url, "socks5://", 9) == 0 || strncmp(url, "http://", 7) == 0)
		rest = strstr(url, "://") + 3;
	else if (strncmp(url, "socks5h://", 10) == 0)
		rest = url + 10;
	else
		return cfg_bad_value(l, section, "proxy", "expected socks5://HOST:PORT, socks5h://HOST:PORT "
				 "or http://HOST:PORT");
	if (!*rest || !strchr(rest, ':') || strchr(rest, '@') || strchr(rest, '/'))
		return cfg_bad_value(l, section, "proxy", "expected HOST:PORT after the scheme (no user, "
				 "no path: a proxy password goes in the keyring)");
	return 0;
}

static int load_account(struct loader *l, const char *section, struct account *a,
			const struct stat *st)
{
	static const char *const tls_words[] = {"starttls", "implicit", NULL};
	static const char *const auth_words[] = {"auto", "plain", "login", "scram-sha-256", "cram-md5",
						 "xoauth2", "oauthbearer", NULL};
	static const char *const refused_words[] = {"all", "skip", NULL};
	static const char *const queue_words[] = {"auto", "never", NULL};
	static const char *const yes_no[] = {"no", "yes", NULL};
	static const char *const store_words[] = {"keyring", "file", NULL};
	int tls, auth, refused, queue, requiretls, resume, store;

	a->line = scan_line_of(l->scan, section, "");
	if (!(a->name = strdup(section)))
		return err_set(l->e, ERR_OS, "config: out of memory");
	if (cfg_dup_str(l, section, "host", &a->host) < 0 || check_host(l, section, a->host) < 0 ||
	    cfg_get_choice(l, section, "tls", tls_words, TLS_STARTTLS, &tls) < 0 ||
	    get_number(l, section, "port", 1, 65535, tls == TLS_IMPLICIT ? 465 : 587, &a->port) < 0 ||
	    cfg_dup_str(l, section, "tls_ca_file", &a->tls_ca_file) < 0 ||
	    get_fingerprint(l, section, a) < 0 ||
	    cfg_dup_str(l, section, "from", &a->from) < 0 ||
	    cfg_dup_str(l, section, "domain", &a->domain) < 0 ||
	    cfg_get_choice(l, section, "auth", auth_words, AUTH_AUTO, &auth) < 0 ||
	    cfg_dup_str(l, section, "user", &a->user) < 0 ||
	    cfg_dup_str(l, section, "password_command", &a->password_command) < 0 ||
	    cfg_take_secret(l, section, "password", &a->password) < 0 ||
	    get_number(l, section, "timeout", 1, TIMEOUT_MAX, TIMEOUT_DEFAULT, &a->timeout) < 0 ||
	    cfg_get_choice(l, section, "refused_recipients", refused_words, REFUSED_ALL, &refused) < 0 ||
	    cfg_get_choice(l, section, "queue", queue_words, -1, &queue) < 0 ||
	    cfg_get_choice(l, section, "requiretls", yes_no, 0, &requiretls) < 0 ||
	    cfg_get_choice(l, section, "tls_resume", yes_no, 1, &resume) < 0 ||
	    cfg_dup_str(l, section, "notify_command", &a->notify_command) < 0 ||
	    cfg_dup_str(l, section, "proxy", &a->proxy) < 0 || check_proxy(l, section, a->proxy) < 0 ||
	    cfg_dup_str(l, section, "proxy_user", &a->proxy_user) < 0 ||
	    cfg_get_choice(l, section, "secret_store", store_words, -1, &store) < 0 ||
	    get_number(l, section, "max_per_minute", 0, 6000, 0, &a->max_per_minute) < 0 ||
	    cfg_dup_str(l, section, "from_patterns", &a->from_patterns) < 0 ||
	    load_dsn(l, section, a) < 0)
		return -1;
	a->store = store;
	a->queue = queue;
	a->requiretls = requiretls;
	a->tls_resume = resume;
	a->tls = tls;
	a->auth = auth;
	a->refused = refused;
	if (a->password && check_password_mode(l, section, st) < 0)
		return -1;
	if (a->password && a->password_command)
		return cfg_bad_value(l, section, "password", "set both password and password_command: keep one");
	if (a->tls_ca_file) {
		char *p = config_expand_path(a->tls_ca_file);
		free(a->tls_ca_file);
		a->tls_ca_file = p;
	}
	if ((a->password || a->password_command) && !a->user)
		return cfg_bad_value(l, section, "user", "missing: a password is set but no user");
	return cfg_load_oauth(l, section, a, st);
}

/* "5d", "12h", "30m", "90s" or plain seconds. */
static int get_duration(struct loader *l, const char *section, const char *key, long long def,
			long long *out)
{
	const char *v = cfg_get(l, section, key), *errstr;
	char num[32];
	size_t n;
	long long mult = 1;

	*out = def;
	if (!v)
		return 0;
	n = strlen(v);
	if (n == 0 || n >= sizeof num)
		return cfg_bad_value(l, section, key, "expected a duration such as 5d, 12h, 30m or 90s");
	memcpy(num, v, n + 1);
	switch (num[n - 1]) {
	case 'd': mult = 86400; num[n - 1] = '\0'; break;
	case 'h': mult = 3600; num[n - 1] = '\0'; break;
	case 'm': mult = 60; num[n - 1] = '\0'; break;
	case 's': num[n - 1] = '\0'; break;
	default: break;
	}
	*out = strtonum(num, 1, 3650LL * 86400, &errstr) * mult;
	if (errstr || *out > 3650LL * 86400)
		return cfg_bad_value(l, section, key, "expected a duration such as 5d, 12h, 30m or 90s");
	return 0;
}

/* Settings of [postern] that are the accounts' defaults. */
static int inherit_global(struct loader *l, struct config *c, int store)
{
	for (int i = 0; i < c->naccounts; i++) {
		struct account *a = &c->accounts[i];
		if ((int)a->queue < 0)
			a->queue = c->queue;
		if ((int)a->store < 0)
			a->store = store;
		if (a->proxy_user && !a->proxy && !c->proxy)
			return cfg_bad_value(l, a->name, "proxy_user", "set without a proxy");
		if (!a->proxy && c->proxy && ((c->proxy_user && !a->proxy_user &&
					       !(a->proxy_user = strdup(c->proxy_user))) ||
					      !(a->proxy = strdup(c->proxy))))
			return err_set(l->e, ERR_OS, "config: out of memory");
		if (!a->notify_command && c->notify_command &&
		    !(a->notify_command = strdup(c->notify_command)))
			return err_set(l->e, ERR_OS, "config: out of memory");
	}
	return 0;
}

static int load_global(struct loader *l, struct config *c)
{
	static const char *const queue_words[] = {"auto", "never", NULL};
	static const char *const store_words[] = {"keyring", "file", NULL};
	int queue, store;

	if (cfg_get_choice(l, GLOBAL_SECTION, "queue", queue_words, QUEUE_AUTO, &queue) < 0 ||
	    get_duration(l, GLOBAL_SECTION, "queue_lifetime", 5 * 86400, &c->queue_lifetime) < 0 ||
	    cfg_get_choice(l, GLOBAL_SECTION, "secret_store", store_words, STORE_KEYRING, &store) < 0 ||
	    cfg_dup_str(l, GLOBAL_SECTION, "notify_command", &c->notify_command) < 0 ||
	    cfg_dup_str(l, GLOBAL_SECTION, "proxy", &c->proxy) < 0 ||
	    cfg_dup_str(l, GLOBAL_SECTION, "proxy_user", &c->proxy_user) < 0 ||
	    check_proxy(l, GLOBAL_SECTION, c->proxy) < 0)
		return -1;
	c->queue = queue;
	if (c->proxy_user && !c->proxy)
		return cfg_bad_value(l, GLOBAL_SECTION, "proxy_user", "set without a proxy");
	if (inherit_global(l, c, store) < 0)
		return -1;
	if (cfg_dup_str(l, GLOBAL_SECTION, "account", &c->default_account) < 0 ||
	    cfg_dup_str(l, GLOBAL_SECTION, "aliases", &c->aliases) < 0 ||
	    cfg_dup_str(l, GLOBAL_SECTION, "log", &c->log) < 0)
		return -1;
	if (c->aliases) {
		char *p = config_expand_path(c->aliases);
		free(c->aliases);
		c->aliases = p;
	}
	if (c->log && strcmp(c->log, "syslog") && strcmp(c->log, "none")) {
		char *p = config_expand_path(c->log);
		free(c->log);
		c->log = p;
	}
	return 0;
}

static int load_sections(struct loader *l, struct config *c, const struct stat *st)
{
	c->accounts = calloc((size_t)l->scan->nsections + 1, sizeof *c->accounts);
	if (!c->accounts)
		return err_set(l->e, ERR_OS, "config: out of memory");
	for (int i = 0; i < l->scan->nsections; i++) {
		const char *name = l->scan->sections[i];
		if (strcmp(name, GLOBAL_SECTION) == 0)
			continue;
		if (load_account(l, name, &c->accounts[c->naccounts++], st) < 0)
			return -1;
	}
	if (load_global(l, c) < 0)
		return -1;
	if (c->naccounts == 0)
		return err_set(l->e, ERR_CONFIG, "%s: no account section (such as [work]) defined", l->path);
	if (c->default_account) {
		for (int i = 0; i < c->naccounts; i++)
			if (c->accounts[i].name && strcasecmp(c->accounts[i].name, c->default_account) == 0)
				return 0;
		return cfg_bad_value(l, GLOBAL_SECTION, "account", "names no [section] in this file");
	}
	return 0;
}


/* iniparser reports syntax errors on stderr by itself; our pre-scan has
 * already found them, so keep it quiet. */
static int quiet(const char *fmt, ...)
{
	(void)fmt;
	return 0;
}

/* Blanks line `line` (1-based) of text, keeping its length. */
static void blank_line(struct buf *text, int line)
{
	char *p = text->data, *end = text->data + text->len;

	for (int n = 1; n < line && p < end; n++) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	for (; p < end && *p != '\n'; p++)
		*p = ' ';
}

/* A file that lives only in memory (memfd), holding text, and the path
 * iniparser can open it by; else a private file in /tmp, already unlinked
 * once opened (only where there is no memfd or no /proc). */
static int text_file(const struct buf *text, char *path, size_t n, struct err *e)
{
	char tmp[] = "/tmp/postern-config.XXXXXX";
	int fd = memfd_create("postern-config", MFD_CLOEXEC);

	if (fd >= 0) {
		snprintf(path, n, "/proc/self/fd/%d", fd);
		if (access(path, R_OK) != 0) {
			close(fd);
			fd = -1;
		}
	}
	if (fd < 0 && (fd = mkostemp(tmp, O_CLOEXEC)) >= 0)
		snprintf(path, n, "%s", tmp);
	if (fd < 0)
		return err_set(e, ERR_CANTCREAT, "config: cannot make a copy in memory or in /tmp: %s",
			       strerror(errno));
	if (write(fd, text->data, text->len) != (ssize_t)text->len) {
		err_set(e, ERR_IO, "config: cannot write its copy: %s", strerror(errno));
		if (strcmp(path, tmp) == 0)
			unlink(tmp);
		close(fd);
		return -1;
	}
	return fd;
}

/* iniparser reads by path and copies every line it reads: give it the
 * text we already read and checked (no second open of the file), with the
 * password lines blanked, through a file in memory: no copy of a file
 * that names secrets ever reaches a disk, and a full /tmp breaks nothing. */
static dictionary *load_without_secrets(const char *path, const struct scan *sc, struct buf *copy,
					struct err *e)
{
	char name[64];
	dictionary *d;
	int fd;

	for (int i = 0; i < sc->n; i++)
		if (sc->entries[i].secret)
			blank_line(copy, sc->entries[i].line);
	if ((fd = text_file(copy, name, sizeof name, e)) < 0)
		return NULL;
	iniparser_set_error_callback(quiet);
	d = iniparser_load(name);
	if (strncmp(name, "/proc/", 6) != 0)
		unlink(name);
	close(fd);
	if (!d)
		err_set(e, ERR_CONFIG, "%s: cannot be parsed as an INI file", path);
	return d;
}

int config_load(struct config *c, const char *path, struct err *e)
{
	struct scan sc = {0};
	struct buf text, copy;
	struct stat st;
	struct loader l = {.path = path, .scan = &sc, .e = e};
	int rc = -1;

	memset(c, 0, sizeof *c);
	buf_init(&text, CONFIG_FILE_MAX);
	if (!(c->path = strdup(path)))
		return err_set(e, ERR_OS, "config: out of memory");
	buf_init(&copy, CONFIG_FILE_MAX);
	if (buf_read_file(&text, path, &st, ERR_CONFIG, e) < 0)
		goto out;
	if (buf_append(&copy, text.data, text.len) < 0) {
		err_set(e, ERR_OS, "config: out of memory");
		goto out;
	}
	if (scan_text(&sc, path, text.data, e) < 0)
		goto out;
	l.dict = load_without_secrets(path, &sc, &copy, e);
	if (!l.dict)
		goto out;
	rc = load_sections(&l, c, &st);
	iniparser_freedict(l.dict);
out:
	buf_free(&text);
	buf_free(&copy);
	scan_free(&sc);
	return rc;
}
