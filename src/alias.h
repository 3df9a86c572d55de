/*
 * The aliases file (/etc/aliases format: "name: addr, addr", '#' comments,
 * continuation lines start with white space; "default:" matches any name
 * not listed). Turns the bare local names that cron and mailx use
 * ("root") into real addresses. The file is read and indexed once per run.
 */
#ifndef POSTERN_ALIAS_H
#define POSTERN_ALIAS_H

#include "addr.h"
#include "errors.h"

struct alias_entry {
	char *name;
	char *value;
	int line;
};

struct aliases {
	char *path;
	struct alias_entry *v;   /* sorted by name, case-insensitively */
	int n;
};

/* Reads and indexes the file. ERR_CONFIG for an unreadable or malformed
 * file, naming the line. */
int aliases_load(struct aliases *a, const char *path, struct err *e);

/* Appends what `name` expands to (recursively, up to ALIAS_DEPTH_MAX levels
 * and ALIAS_LOOKUPS_MAX lookups) to out; every address has a domain.
 * Returns 1 when found, 0 when the name is not listed (nor a default),
 * -1 with ERR_CONFIG for a malformed entry, a loop or an explosion. */
int alias_expand(const struct aliases *a, const char *name, struct addr_list *out, struct err *e);

void aliases_free(struct aliases *a);

#endif
