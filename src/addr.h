/*
 * RFC 5322 address lists (section 3.4): display names, comments, quoted
 * local parts, angle addresses with obsolete routes, groups
 * ("undisclosed-recipients:;"), and the bare local names that cron and
 * mailx write ("root (Cron Daemon)"). Also the syntax check every envelope
 * address passes before it may reach an SMTP command.
 */
#ifndef POSTERN_ADDR_H
#define POSTERN_ADDR_H

#include <stddef.h>

#include "buf.h"
#include "errors.h"

struct addr {
	char *display;   /* phrase as written (or a comment's text), may be NULL */
	char *spec;      /* local@domain or a bare local name; "" for "<>" */
	int has_domain;
};

struct addr_list {
	struct addr *v;
	int n;
};

/* Parses s[0..len) and appends the mailboxes found to `out` (group
 * members included, group names dropped). ERR_DATA on malformed input;
 * then nothing is appended. */
int addr_parse_list(const char *s, size_t len, struct addr_list *out, struct err *e);

/* Checks an addr-spec for use in MAIL FROM / RCPT TO: length, no control
 * characters or spaces outside quotes, no <>, a valid domain.
 * ERR_DATA with a message naming the address and the problem. */
int addr_check_spec(const char *spec, struct err *e);

/* The same, but the local part may hold UTF-8 (RFC 6531 section 3.3; the
 * caller checks the encoding). The domain must be ASCII (A-labels). */
int addr_check_spec_utf8(const char *spec, struct err *e);

/* Appends "display <spec>" or "spec" (for header rewriting). */
int addr_format(struct buf *out, const struct addr *a) __attribute__((warn_unused_result));

/* Appends a copy of a to the list. */
int addr_list_add(struct addr_list *l, const char *display, const char *spec);

void addr_list_free(struct addr_list *l);

#endif
