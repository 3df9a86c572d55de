/*
 * The aliases file (/etc/aliases format: "name: addr, addr", '#' comments,
 * continuation lines start with white space; "default:" matches any name
 * not listed). Turns the bare local names that cron and mailx use
 * ("root") into real addresses.
 */
#ifndef POSTERN_ALIAS_H
#define POSTERN_ALIAS_H

#include "addr.h"
#include "errors.h"

/* Appends what `name` expands to (recursively, up to ALIAS_DEPTH_MAX) to
 * out. Returns 1 when found, 0 when the name is not in the file (nor a
 * default), -1 on error (ERR_CONFIG for an unreadable or malformed file). */
int alias_expand(const char *path, const char *name, struct addr_list *out, struct err *e);

#endif
