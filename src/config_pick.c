#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "compat.h"
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

static const struct account *find_by_from(const struct config *c, const char *addr)
{
	if (!addr || !*addr)
		return NULL;
	for (int i = 0; i < c->naccounts; i++)
		if (c->accounts[i].from && strcasecmp(c->accounts[i].from, addr) == 0)
			return &c->accounts[i];
	return NULL;
}

const struct account *config_pick(const struct config *c, const char *name,
				  const char *sender, const char *from_header, struct err *e)
{
	const struct account *a;

	if (name) {
		if ((a = find_by_name(c, name)))
			return a;
		err_set(e, ERR_CONFIG, "%s: no account named '%s'", c->path, name);
		return NULL;
	}
	if ((a = find_by_from(c, sender)) || (a = find_by_from(c, from_header)))
		return a;
	if (c->default_account)
		return find_by_name(c, c->default_account);
	if (c->naccounts == 1)
		return &c->accounts[0];
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
	memset(c, 0, sizeof *c);
}
