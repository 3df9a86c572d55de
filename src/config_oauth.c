#include "config_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* The endpoints each provider documents; {t} stands for the tenant. */
static const struct {
	const char *auth_url, *token_url, *device_url, *scope;
} presets[] = {
	[OAUTH_GOOGLE] = {"https://accounts.google.com/o/oauth2/v2/auth",
			  "https://oauth2.googleapis.com/token", NULL, "https://mail.google.com/"},
	[OAUTH_MICROSOFT] = {"https://login.microsoftonline.com/{t}/oauth2/v2.0/authorize",
			     "https://login.microsoftonline.com/{t}/oauth2/v2.0/token",
			     "https://login.microsoftonline.com/{t}/oauth2/v2.0/devicecode",
			     "https://outlook.office.com/SMTP.Send offline_access"},
	[OAUTH_CUSTOM] = {NULL, NULL, NULL, NULL},   /* all from the file */
};

static const char *const oauth_url_keys[] = {"oauth_auth_url", "oauth_token_url",
					     "oauth_device_url"};

/* A preset with {t} replaced by the tenant. Owned, or NULL for none. */
static int preset_url(struct loader *l, const char *pattern, const char *tenant, char **out)
{
	const char *t = pattern ? strstr(pattern, "{t}") : NULL;
	struct buf b;

	*out = NULL;
	if (!pattern)
		return 0;
	buf_init(&b, 2048);
	if ((t ? buf_append(&b, pattern, (size_t)(t - pattern)) < 0 || buf_appends(&b, tenant) < 0 ||
		 buf_appends(&b, t + 3) < 0 : buf_appends(&b, pattern) < 0) ||
	    !(*out = strdup(b.data))) {
		buf_free(&b);
		return err_set(l->e, ERR_OS, "config: out of memory");
	}
	buf_free(&b);
	return 0;
}

/* Tokens travel only over TLS, to a host the URL names. */
static int check_https(struct loader *l, const char *section, const char *key, const char *url)
{
	if (!url)
		return 0;
	if (strncasecmp(url, "https://", 8) != 0 || url[8] == '\0' || url[8] == '/')
		return cfg_bad_value(l, section, key, "must be an https:// URL");
	for (const char *p = url; *p; p++)
		if (*p == ' ' || *p == '\t')
			return cfg_bad_value(l, section, key, "contains a blank: not a URL");
	return 0;
}

static int oauth_fill_presets(struct loader *l, const char *section, struct oauth_settings *o)
{
	char **urls[] = {&o->auth_url, &o->token_url, &o->device_url};
	const char *pre[] = {presets[o->provider].auth_url, presets[o->provider].token_url,
			     presets[o->provider].device_url};

	if (o->provider == OAUTH_MICROSOFT && !o->tenant && !(o->tenant = strdup("common")))
		return err_set(l->e, ERR_OS, "config: out of memory");
	for (int i = 0; i < 3; i++)
		if (!*urls[i] && o->provider != OAUTH_CUSTOM &&
		    preset_url(l, pre[i], o->tenant, urls[i]) < 0)
			return -1;
	if (!o->scope && o->provider != OAUTH_CUSTOM &&
	    !(o->scope = strdup(presets[o->provider].scope)))
		return err_set(l->e, ERR_OS, "config: out of memory");
	for (int i = 0; i < 3; i++)
		if (check_https(l, section, oauth_url_keys[i], *urls[i]) < 0)
			return -1;
	return 0;
}

/* OAuth keys only mean something with oauth_provider, and exclude a password. */
static int check_oauth(struct loader *l, const char *section, const struct account *a)
{
	const struct oauth_settings *o = &a->oauth;
	static const char *const keys[] = {"oauth_client_id", "oauth_client_secret", "oauth_tenant",
					   "oauth_scope", "oauth_auth_url", "oauth_token_url",
					   "oauth_device_url", "oauth_tls_ca_file"};

	if (o->provider == OAUTH_NONE) {
		for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
			if (scan_has_key(l->scan, section, keys[i]))
				return cfg_bad_value(l, section, keys[i], "set without oauth_provider");
		if (a->auth == AUTH_XOAUTH2 || a->auth == AUTH_OAUTHBEARER)
			return cfg_bad_value(l, section, "auth", "an OAuth2 mechanism needs oauth_provider "
					 "and oauth_client_id");
		return 0;
	}
	if (o->provider == OAUTH_GOA) {   /* GNOME Online Accounts holds client and tokens */
		for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
			if (scan_has_key(l->scan, section, keys[i]))
				return cfg_bad_value(l, section, keys[i], "not used with oauth_provider = goa "
						 "(GNOME Online Accounts holds the client and the tokens)");
	} else if (!o->client_id) {
		return cfg_bad_value(l, section, "oauth_client_id", "missing: oauth_provider needs the "
				 "client ID of your registered application");
	}
	if (!a->user)
		return cfg_bad_value(l, section, "user", "missing: OAuth2 needs the mailbox address as user");
	if (a->password || a->password_command)
		return cfg_bad_value(l, section, a->password ? "password" : "password_command",
				 "set with oauth_provider: OAuth2 uses tokens, not a password; keep one");
	if (a->auth != AUTH_AUTO && a->auth != AUTH_XOAUTH2 && a->auth != AUTH_OAUTHBEARER)
		return cfg_bad_value(l, section, "auth", "a password mechanism with oauth_provider: use "
				 "auto, xoauth2 or oauthbearer");
	if (o->provider != OAUTH_MICROSOFT && o->tenant)
		return cfg_bad_value(l, section, "oauth_tenant", "only for oauth_provider = microsoft");
	if (o->provider == OAUTH_CUSTOM && (!o->token_url || !o->scope))
		return cfg_bad_value(l, section, o->token_url ? "oauth_scope" : "oauth_token_url",
				 "missing: oauth_provider = custom needs oauth_token_url and oauth_scope");
	if (o->provider == OAUTH_CUSTOM && !o->auth_url && !o->device_url)
		return cfg_bad_value(l, section, "oauth_auth_url", "missing: oauth_provider = custom needs "
				 "oauth_auth_url or oauth_device_url (or both)");
	return 0;
}

int cfg_load_oauth(struct loader *l, const char *section, struct account *a,
		      const struct stat *st)
{
	static const char *const provider_words[] = {"none", "google", "microsoft", "custom", "goa",
						     NULL};
	struct oauth_settings *o = &a->oauth;
	int provider;

	if (cfg_get_choice(l, section, "oauth_provider", provider_words, OAUTH_NONE, &provider) < 0 ||
	    cfg_dup_str(l, section, "oauth_client_id", &o->client_id) < 0 ||
	    cfg_take_secret(l, section, "oauth_client_secret", &o->client_secret) < 0 ||
	    cfg_dup_str(l, section, "oauth_tenant", &o->tenant) < 0 ||
	    cfg_dup_str(l, section, "oauth_scope", &o->scope) < 0 ||
	    cfg_dup_str(l, section, "oauth_auth_url", &o->auth_url) < 0 ||
	    cfg_dup_str(l, section, "oauth_token_url", &o->token_url) < 0 ||
	    cfg_dup_str(l, section, "oauth_device_url", &o->device_url) < 0 ||
	    cfg_dup_str(l, section, "oauth_tls_ca_file", &o->tls_ca_file) < 0)
		return -1;
	o->provider = provider;
	if (check_oauth(l, section, a) < 0)
		return -1;
	if (o->client_secret && (st->st_mode & 077))
		return cfg_bad_value(l, section, "oauth_client_secret", "the file is readable by group or "
				 "others: chmod 600 it, or store the secret with --store-password");
	if (o->provider == OAUTH_NONE || o->provider == OAUTH_GOA)
		return 0;
	if (o->tls_ca_file) {
		char *p = config_expand_path(o->tls_ca_file);
		free(o->tls_ca_file);
		o->tls_ca_file = p;
	}
	return oauth_fill_presets(l, section, o);
}

