/*
 * The configuration file (INI, read with iniparser) -> validated accounts.
 * A pre-scan of the raw text finds what iniparser would silently accept:
 * unknown keys, repeated keys or sections, over-long lines, and gives each
 * error its line number. Every string in the structures is owned by the
 * struct config and freed by config_free().
 */
#ifndef POSTERN_CONFIG_H
#define POSTERN_CONFIG_H

#include "dsn.h"
#include "errors.h"

enum tls_mode { TLS_STARTTLS, TLS_IMPLICIT };
enum auth_choice { AUTH_AUTO, AUTH_PLAIN, AUTH_LOGIN, AUTH_SCRAM, AUTH_CRAM, AUTH_XOAUTH2,
		   AUTH_OAUTHBEARER };
enum refused_policy { REFUSED_ALL, REFUSED_SKIP };
enum queue_policy { QUEUE_AUTO, QUEUE_NEVER };

enum oauth_provider { OAUTH_NONE, OAUTH_GOOGLE, OAUTH_MICROSOFT, OAUTH_CUSTOM, OAUTH_GOA };
enum secret_store { STORE_KEYRING, STORE_FILE };

/* OAuth2 (RFC 6749) for the account: the URLs are filled in from the
 * provider's presets unless the file sets them; all are https. */
struct oauth_settings {
	enum oauth_provider provider;
	char *client_id;
	char *client_secret;           /* NULL: none, or the keyring's; wiped by config_free */
	char *tenant;                  /* microsoft: "common" unless set */
	char *scope;
	char *auth_url;                /* authorization endpoint (code + PKCE), may be NULL */
	char *token_url;
	char *device_url;              /* device authorization endpoint (RFC 8628), may be NULL */
	char *tls_ca_file;             /* NULL: the system trust store */
};

struct account {
	char *name;
	char *host;
	long port;
	enum tls_mode tls;
	char *tls_ca_file;             /* NULL: the system trust store */
	unsigned char fingerprint[32]; /* SHA-256 pin of the server certificate */
	int has_fingerprint;
	char *from;
	char *domain;                  /* EHLO name; NULL: this host's name */
	enum auth_choice auth;
	char *user;
	char *password_command;
	char *password;                /* wiped by config_free */
	struct oauth_settings oauth;   /* provider OAUTH_NONE: password authentication */
	long timeout;                  /* seconds per protocol step */
	enum refused_policy refused;
	enum queue_policy queue;       /* what to do on a temporary failure */
	unsigned dsn_notify;           /* dsn_notify: enum dsn_notify bits, 0 unset */
	enum dsn_ret dsn_ret;          /* dsn_return */
	int requiretls;                /* REQUIRETLS on every message (RFC 8689) */
	int tls_resume;                /* keep and offer a TLS session to resume (default 1) */
	char *notify_command;          /* run when mail is held (else [postern]'s, else desktop) */
	char *proxy;                   /* socks5://, socks5h:// or http:// URL (else [postern]'s) */
	char *proxy_user;              /* the proxy's user name (its password: the secret store) */
	enum secret_store store;       /* where passwords and tokens live */
	long max_per_minute;           /* queue flush pacing; 0: none */
	char *from_patterns;           /* "*@example.com, team-*@example.org" */
	int line;                      /* where the section starts, for messages */
};

struct config {
	char *path;
	char *default_account;
	char *aliases;
	char *log;
	enum queue_policy queue;       /* [postern] queue, the accounts' default */
	long long queue_lifetime;      /* seconds before a queued message is given up */
	char *notify_command;          /* the accounts' default */
	char *proxy;                   /* the accounts' default */
	char *proxy_user;              /* goes with [postern]'s proxy */
	struct account *accounts;
	int naccounts;
};

/* Finds the file to read: `explicit` (-C), $POSTERN_CONFIG,
 * $XDG_CONFIG_HOME/postern/config.ini, ~/.config/postern/config.ini,
 * /etc/postern.ini. Returns an owned path or NULL with ERR_CONFIG set. */
char *config_find(const char *explicit_path, struct err *e);

/* Loads and validates the file; ERR_CONFIG names the file and line. */
int config_load(struct config *c, const char *path, struct err *e);

/* Picks the account: `name` if given, else the one whose from equals
 * one of the candidate addresses (may be NULL), else [postern] account,
 * else the only one. Returns a borrowed pointer or NULL with ERR_CONFIG. */
const struct account *config_pick(const struct config *c, const char *name,
				  const char *sender, const char *from_header,
				  struct err *e);

void config_free(struct config *c);

/* Microsoft 365 or Outlook.com (its OAuth provider, or its SMTP host):
 * it refuses a From other than the login with 554 5.2.252 SendAsDenied
 * unless the mailbox has Send As rights. */
int config_is_microsoft(const struct account *a);

/* "~/x" -> "$HOME/x"; other paths copied. Owned result or NULL. */
char *config_expand_path(const char *path);

#endif
