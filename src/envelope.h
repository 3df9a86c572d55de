/*
 * The envelope: who the message is from and to, decided from the command
 * line (-f, operands, -t), the account and the aliases file; and the header
 * changes that go with it (Bcc removed, bare names qualified, Date,
 * Message-ID and From added when missing). Every address that leaves here
 * has passed addr_check_spec, so no SMTP command can carry an injection.
 */
#ifndef POSTERN_ENVELOPE_H
#define POSTERN_ENVELOPE_H

#include "addr.h"
#include "alias.h"
#include "args.h"
#include "config.h"
#include "errors.h"
#include "header.h"

struct envelope {
	char *sender;            /* "" is the null sender <> */
	struct addr_list rcpts;  /* unique, each with a domain */
};

/* The address in the message's first From field, or NULL (owned). Used
 * to pick the account before the envelope is built. */
char *envelope_from_header(const struct headers *h);

/* The -f address as an addr-spec (owned; "" for the null sender), or NULL
 * when -f was not given. ERR_USAGE when it is not one address. */
int envelope_option_sender(const struct options *o, char **out, struct err *e);

/* Builds the envelope and rewrites h. `aliases` may be NULL (none). */
int envelope_build(struct envelope *env, const struct options *o, const struct account *a,
		   const struct aliases *aliases, struct headers *h, struct err *e);

void envelope_free(struct envelope *env);

#endif
