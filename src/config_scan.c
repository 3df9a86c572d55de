#include "config_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

#include "compat.h"

enum scope { IN_GLOBAL, IN_ACCOUNT };

/* Every key postern knows; anything else is an error, not a silent no-op. */
static const struct {
	const char *name;
	enum scope scope;
} known_keys[] = {
	{"account", IN_GLOBAL}, {"aliases", IN_GLOBAL}, {"log", IN_GLOBAL},
	{"queue", IN_GLOBAL}, {"queue_lifetime", IN_GLOBAL}, {"queue", IN_ACCOUNT},
	{"host", IN_ACCOUNT}, {"port", IN_ACCOUNT}, {"tls", IN_ACCOUNT},
	{"tls_ca_file", IN_ACCOUNT}, {"tls_fingerprint", IN_ACCOUNT},
	{"from", IN_ACCOUNT}, {"domain", IN_ACCOUNT}, {"auth", IN_ACCOUNT},
	{"user", IN_ACCOUNT}, {"password_command", IN_ACCOUNT},
	{"password", IN_ACCOUNT}, {"timeout", IN_ACCOUNT},
	{"refused_recipients", IN_ACCOUNT}, {"dsn_notify", IN_ACCOUNT}, {"dsn_return", IN_ACCOUNT},
	{"requiretls", IN_ACCOUNT}, {"tls_resume", IN_ACCOUNT},
	{"oauth_provider", IN_ACCOUNT}, {"oauth_client_id", IN_ACCOUNT},
	{"oauth_client_secret", IN_ACCOUNT}, {"oauth_tenant", IN_ACCOUNT},
	{"oauth_scope", IN_ACCOUNT}, {"oauth_auth_url", IN_ACCOUNT},
	{"oauth_token_url", IN_ACCOUNT}, {"oauth_device_url", IN_ACCOUNT},
	{"oauth_tls_ca_file", IN_ACCOUNT},
	{"notify_command", IN_GLOBAL}, {"notify_command", IN_ACCOUNT},
	{"proxy", IN_GLOBAL}, {"proxy", IN_ACCOUNT},
	{"proxy_user", IN_GLOBAL}, {"proxy_user", IN_ACCOUNT},
	{"secret_store", IN_GLOBAL}, {"secret_store", IN_ACCOUNT},
	{"max_per_minute", IN_ACCOUNT}, {"from_patterns", IN_ACCOUNT},
};

/* Keys whose values iniparser never sees (the pre-scan keeps them). */
static int secret_key(const char *key)
{
	return strcmp(key, "password") == 0 || strcmp(key, "oauth_client_secret") == 0;
}

static int scan_key_known(const char *key, enum scope scope)
{
	for (size_t i = 0; i < sizeof known_keys / sizeof known_keys[0]; i++)
		if (strcmp(known_keys[i].name, key) == 0 && known_keys[i].scope == scope)
			return 1;
	return 0;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

static void lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

static int scan_section(struct scan *sc, const char *path, int line, char *s, struct err *e)
{
	char *close = strchr(s, ']');
	char *name;

	if (!close || *trim(close + 1) != '\0')
		return err_set(e, ERR_CONFIG, "%s:%d: malformed section header", path, line);
	*close = '\0';
	name = trim(s + 1);
	lower(name);
	if (*name == '\0' || strlen(name) >= sizeof sc->sections[0] || strchr(name, ':'))
		return err_set(e, ERR_CONFIG, "%s:%d: invalid section name '%s'", path, line, name);
	for (int i = 0; i < sc->nsections; i++)
		if (strcmp(sc->sections[i], name) == 0)
			return err_set(e, ERR_CONFIG, "%s:%d: section [%s] repeated (first at line %d)",
				       path, line, name, sc->section_lines[i]);
	sc->sections = realloc(sc->sections, (size_t)(sc->nsections + 1) * sizeof sc->sections[0]);
	sc->section_lines = realloc(sc->section_lines, (size_t)(sc->nsections + 1) * sizeof(int));
	if (!sc->sections || !sc->section_lines)
		return err_set(e, ERR_OS, "config: out of memory");
	strlcpy(sc->sections[sc->nsections], name, sizeof sc->sections[0]);
	sc->section_lines[sc->nsections++] = line;
	return 0;
}

/* An unquoted value ends at '#' or ';' in iniparser, so "password = a;b"
 * would quietly become "a": refuse it and say how to write it. */
static int scan_check_secret(const char *path, int line, const char *key, const char *value,
			     struct err *e)
{
	if ((!secret_key(key) && strcmp(key, "password_command") && strcmp(key, "notify_command")) ||
	    *value == '"' || *value == '\'')
		return 0;
	if (strpbrk(value, "#;"))
		return err_set(e, ERR_CONFIG, "%s:%d: %s: contains '#' or ';', which start a "
			       "comment here; put the value in double quotes", path, line, key);
	return 0;
}

/* iniparser takes a quoted value up to its closing quote and silently drops
 * what follows ("a\"b" reads a\): refuse text after the closing quote. */
static int scan_check_quotes(const char *path, int line, const char *key, const char *value,
			     struct err *e)
{
	const char *close, *rest;

	if (*value != '"' && *value != '\'')
		return 0;
	close = strchr(value + 1, *value);
	if (!close)
		return err_set(e, ERR_CONFIG, "%s:%d: %s: missing closing %c", path, line, key, *value);
	rest = close + 1 + strspn(close + 1, " \t");
	if (*rest && *rest != ';' && *rest != '#')
		return err_set(e, ERR_CONFIG, "%s:%d: %s: text after the closing quote (a quoted value "
			       "cannot contain its own quote character)", path, line, key);
	return 0;
}

/* A value as iniparser would return it: the text between matching quotes
 * (already checked by scan_check_quotes), or the bare text. Owned. */
static char *unquote(const char *v)
{
	const char *close = (*v == '"' || *v == '\'') ? strchr(v + 1, *v) : NULL;
	size_t n = close ? (size_t)(close - v - 1) : strlen(v);
	char *s = malloc(n + 1);

	if (s) {
		memcpy(s, close ? v + 1 : v, n);
		s[n] = '\0';
	}
	return s;
}

static int scan_key(struct scan *sc, const char *path, int line, char *s, struct err *e)
{
	char *eq = strchr(s, '=');
	const char *section = sc->nsections ? sc->sections[sc->nsections - 1] : NULL;
	char *key;

	if (!eq)
		return err_set(e, ERR_CONFIG, "%s:%d: expected 'key = value', '[section]' or a comment",
			       path, line);
	*eq = '\0';
	key = trim(s);
	lower(key);
	if (!section)
		return err_set(e, ERR_CONFIG, "%s:%d: key '%s' outside any [section]", path, line, key);
	if (!scan_key_known(key, strcmp(section, GLOBAL_SECTION) == 0 ? IN_GLOBAL : IN_ACCOUNT))
		return err_set(e, ERR_CONFIG, "%s:%d: unknown key '%s' in [%s]", path, line, key, section);
	if (scan_check_quotes(path, line, key, trim(eq + 1), e) < 0 ||
	    scan_check_secret(path, line, key, trim(eq + 1), e) < 0)
		return -1;
	for (int i = 0; i < sc->n; i++)
		if (strcmp(sc->entries[i].section, section) == 0 && strcmp(sc->entries[i].key, key) == 0)
			return err_set(e, ERR_CONFIG, "%s:%d: key '%s' repeated in [%s] (first at line %d)",
				       path, line, key, section, sc->entries[i].line);
	if (sc->n == sc->cap) {
		sc->cap = sc->cap ? sc->cap * 2 : 32;
		sc->entries = realloc(sc->entries, (size_t)sc->cap * sizeof *sc->entries);
		if (!sc->entries)
			return err_set(e, ERR_OS, "config: out of memory");
	}
	strlcpy(sc->entries[sc->n].section, section, sizeof sc->entries[0].section);
	strlcpy(sc->entries[sc->n].key, key, sizeof sc->entries[0].key);
	sc->entries[sc->n].secret = NULL;
	sc->entries[sc->n++].line = line;
	if (secret_key(key) && !(sc->entries[sc->n - 1].secret = unquote(trim(eq + 1))))
		return err_set(e, ERR_OS, "config: out of memory");
	return 0;
}

static int scan_line(struct scan *sc, const char *path, int line, char *raw, struct err *e)
{
	char *s = trim(raw);
	size_t n = strlen(s);

	/* iniparser joins a line ending in '\' to the next one, comments
	 * included, so that line's key would vanish without a word. */
	if (n && s[n - 1] == '\\')
		return err_set(e, ERR_CONFIG, "%s:%d: line ends with '\\', which joins it to the next "
			       "line: put the value in double quotes", path, line);
	if (*s == '\0' || *s == ';' || *s == '#')
		return 0;
	if (*s == '[')
		return scan_section(sc, path, line, s, e);
	return scan_key(sc, path, line, s, e);
}

int scan_text(struct scan *sc, const char *path, char *text, struct err *e)
{
	int line = 0;
	char *p = text;

	while (*p) {
		char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		line++;
		if (len > CONFIG_LINE_MAX)
			return err_set(e, ERR_CONFIG, "%s:%d: line longer than %d bytes", path, line,
				       CONFIG_LINE_MAX);
		if (nl)
			*nl = '\0';
		if (scan_line(sc, path, line, p, e) < 0)
			return -1;
		p = nl ? nl + 1 : p + len;
	}
	return 0;
}

void scan_free(struct scan *sc)
{
	for (int i = 0; i < sc->n; i++)
		if (sc->entries[i].secret) {
			explicit_bzero(sc->entries[i].secret, strlen(sc->entries[i].secret));
			free(sc->entries[i].secret);
		}
	free(sc->entries);
	free(sc->sections);
	free(sc->section_lines);
}

int scan_has_key(const struct scan *sc, const char *section, const char *key)
{
	for (int i = 0; i < sc->n; i++)
		if (strcmp(sc->entries[i].section, section) == 0 && strcmp(sc->entries[i].key, key) == 0)
			return 1;
	return 0;
}

int scan_line_of(const struct scan *sc, const char *section, const char *key)
{
	for (int i = 0; i < sc->n; i++)
		if (strcmp(sc->entries[i].section, section) == 0 && strcmp(sc->entries[i].key, key) == 0)
			return sc->entries[i].line;
	for (int i = 0; i < sc->nsections; i++)
		if (strcmp(sc->sections[i], section) == 0)
			return sc->section_lines[i];
	return 0;
}
