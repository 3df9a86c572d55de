/*
 * Shared by the configuration's files (not part of its API): the pre-scan
 * of the raw text (config_scan.c), which the loader (config.c) uses to
 * cite line numbers and to take secrets iniparser never sees.
 */
#ifndef POSTERN_CONFIG_INT_H
#define POSTERN_CONFIG_INT_H

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

#endif
