/*
 * Shared by the configuration's files (not part of its API): the pre-scan
 * of the raw text (config_scan.c), which the loader (config.c) uses to
 * cite line numbers and to take secrets iniparser never sees.
 */
#ifndef POSTERN_CONFIG_INT_H
#define POSTERN_CONFIG_INT_H

#include <sys/stat.h>

#include <iniparser.h>

#include "config.h"
#include "errors.h"

#define GLOBAL_SECTION "postern"

/* What the pre-scan learns: each key's line, so later errors can cite it. */
struct scan_entry {
	char section[128];
	char key[64];
	int line;
	char *secret;   /* a secret key's value (password, oauth_client_secret):
			 * iniparser never sees it */
};

struct scan {
	struct scan_entry *entries;
	int n, cap;
	char (*sections)[128];
	int *section_lines;
	int nsections;
};

/* Scans the whole file's text (modified in place: lines are cut): unknown
 * keys, repeated keys or sections, over-long lines and values iniparser
 * would misread are ERR_CONFIG naming path and line. */
int scan_text(struct scan *sc, const char *path, char *text, struct err *e);
void scan_free(struct scan *sc);

int scan_has_key(const struct scan *sc, const char *section, const char *key);

/* The line of key in section (else of the section itself, else 0). */
int scan_line_of(const struct scan *sc, const char *section, const char *key);

/* Everything the value checks need to name the place of an error. */
struct loader {
	const char *path;
	dictionary *dict;
	struct scan *scan;
	struct err *e;
};

/* The loader's helpers (config.c), for the parts in other files: an
 * error naming file, line, section and key; a value (NULL when absent);
 * an owned copy; a secret from the pre-scan; a word from a table. */
int cfg_bad_value(struct loader *l, const char *section, const char *key, const char *why);
const char *cfg_get(struct loader *l, const char *section, const char *key);
int cfg_dup_str(struct loader *l, const char *section, const char *key, char **out);
int cfg_take_secret(struct loader *l, const char *section, const char *key, char **out);
int cfg_get_choice(struct loader *l, const char *section, const char *key,
	       const char *const *words, int def, int *out);

/* The oauth_ keys of an account (config_oauth.c). */
int cfg_load_oauth(struct loader *l, const char *section, struct account *a, const struct stat *st);

#endif
