#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fnmatch.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "compat.h"
#include "log.h"
#include "private.h"

char *config_expand_path(const char *path)
{
	const char *home = home_dir();
	struct buf b;

	if (strncmp(path, "~/", 2) != 0 || !home)
		return strdup(path);
	buf_init(&b, 8192);
	if (buf_appends(&b, home) < 0 || buf_appends(&b, path + 1) < 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

static char *join_path(const char *dir, const char *rest)
{
	struct buf b;

	buf_init(&b, 8192);
	if (buf_appends(&b, dir) < 0 || buf_appends(&b, rest) < 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

char *config_find(const char *explicit_path, struct err *e)
{
	const char *env = getenv("POSTERN_CONFIG");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = home_dir();
	char *candidates[3] = {NULL, NULL, NULL};
	char *found = NULL;

	if (explicit_path)
		return strdup(explicit_path);
	if (env && *env)
		return strdup(env);
	if (xdg && *xdg == '/')
		candidates[0] = join_path(xdg, "/postern/config.ini");
	if (home)
		candidates[1] = join_path(home, "/.config/postern/config.ini");
	candidates[2] = strdup("/etc/postern.ini");
	for (int i = 0; i < 3; i++) {
		if (!found && candidates[i] && access(candidates[i], F_OK) == 0)
			found = candidates[i];
		else
			free(candidates[i]);
	}
	if (!found)
		err_set(e, ERR_CONFIG, "no configuration file: tried $XDG_CONFIG_HOME/postern/config.ini, "
			"~/.config/postern/config.ini and /etc/postern.ini (or use -C FILE)");
	return found;
}

static const struct account *find_by_name(const struct config *c, const char *name)
{
	for (int i = 0; i < c->naccounts; i++)
		if (strcasecmp(c->accounts[i].name, name) == 0)
			return &c->accounts[i];
	return NULL;
}

/* One shell-style pattern against an address: the local part as written
 * (case matters there, RFC 5321), the domain in any case. */
static int pattern_matches(const char *pat, size_t plen, const char *addr)
{
	char p[320], local[256];
	char *pat_at;
	const char *at = strrchr(addr, '@');
	size_t n = at ? (size_t)(at - addr) : 0;

	if (plen >= sizeof p || !at || n >= sizeof local)
		return 0;
	memcpy(p, pat, plen);
	p[plen] = '\0';
	memcpy(local, addr, n);
	local[n] = '\0';
	if (!(pat_at = strrchr(p, '@')))
		return 0;
	*pat_at = '\0';
	return fnmatch(p, local, 0) == 0 && fnmatch(pat_at + 1, at + 1, FNM_CASEFOLD) == 0;
}

/* The first pattern of a comma-separated list matching addr, or NULL. */
static const char *matching_pattern(const char *list, const char *addr, size_t *len)
{
	for (const char *p = list; p && *p;) {
		size_t n;
		p += strspn(p, " \t,");
		n = strcspn(p, ",");
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n && pattern_matches(p, n, addr)) {
			*len = n;
			return p;
		}
		p += strcspn(p, ",");
	}
	return NULL;
}

/* The account whose from is addr, else the first whose from_patterns
 * match it; says why under -v. */
static const struct account *find_by_from(const struct config *c, const char *addr,
					  const char *what)
{
	const char *pat;
	size_t len = 0;

	if (!addr || !*addr)
		return NULL;
	for (int i = 0; i < c->naccounts; i++)
		if (c->accounts[i].from && strcasecmp(c->accounts[i].from, addr) == 0) {
			log_info("account %s: its from is the %s <%s>", c->accounts[i].name, what, addr);
			return &c->accounts[i];
		}
	for (int i = 0; i < c->naccounts; i++)
		if ((pat = matching_pattern(c->accounts[i].from_patterns, addr, &len))) {
			log_info("account %s: from_patterns '%.*s' matches the %s <%s>",
				 c->accounts[i].name, (int)len, pat, what, addr);
			return &c->accounts[i];
		}
	return NULL;
}

const struct account *config_pick(const struct config *c, const char *name,
				  const char *sender, const char *from_header, struct err *e)
{
	const struct account *a;

	if (name) {
		if ((a = find_by_name(c, name))) {
			log_info("account %s: named with -a", a->name);
			return a;
		}
		err_set(e, ERR_CONFIG, "%s: no account named '%s'", c->path, name);
		return NULL;
	}
	if ((a = find_by_from(c, sender, "sender")) || (a = find_by_from(c, from_header, "From")))
		return a;
	if (c->default_account) {
		log_info("account %s: the default ([postern] account)", c->default_account);
		return find_by_name(c, c->default_account);
	}
	if (c->naccounts == 1) {
		log_info("account %s: the only one", c->accounts[0].name);
		return &c->accounts[0];
	}
	err_set(e, ERR_CONFIG, "%s: %d accounts and none chosen: use -a NAME, or set account = NAME "
		"in [postern]", c->path, c->naccounts);
	return NULL;
}

static void account_free(struct account *a)
{
	if (a->password) {
		explicit_bzero(a->password, strlen(a->password));
		free(a->password);
	}
	free(a->name);
	free(a->host);
	free(a->tls_ca_file);
	free(a->from);
	free(a->domain);
	free(a->user);
	free(a->password_command);
	free(a->notify_command);
	free(a->proxy);
	free(a->proxy_user);
	free(a->from_patterns);
	if (a->oauth.client_secret) {
		explicit_bzero(a->oauth.client_secret, strlen(a->oauth.client_secret));
		free(a->oauth.client_secret);
	}
	free(a->oauth.client_id);
	free(a->oauth.tenant);
	free(a->oauth.scope);
	free(a->oauth.auth_url);
	free(a->oauth.token_url);
	free(a->oauth.device_url);
	free(a->oauth.tls_ca_file);
}

void config_free(struct config *c)
{
	for (int i = 0; i < c->naccounts; i++)
		account_free(&c->accounts[i]);
	free(c->accounts);
	free(c->path);
	free(c->default_account);
	free(c->aliases);
	free(c->log);
	free(c->notify_command);
	free(c->proxy);
	free(c->proxy_user);
	memset(c, 0, sizeof *c);
}

int config_is_microsoft(const struct account *a)
{
	static const char *const hosts[] = {"smtp.office365.com", "smtp-mail.outlook.com",
					    "outlook.office365.com"};

	if (a->oauth.provider == OAUTH_MICROSOFT)
		return 1;
	for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++)
		if (a->host && strcasecmp(a->host, hosts[i]) == 0)
			return 1;
	return 0;
}
