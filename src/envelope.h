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
#include "dsn.h"
#include "errors.h"
#include "header.h"

/* The body types of RFC 6152 and RFC 3030, in increasing need. */
enum body_type { BODY_7BIT, BODY_8BITMIME, BODY_BINARYMIME };

/* What the message needs of the server and what it asks of it: decided
 * once when it is submitted, and kept with it in the queue. */
struct envelope_opts {
	int has_8bit;                /* a byte >= 0x80 anywhere */
	int long_lines;              /* a line longer than 998 octets (RFC 5321 4.5.3.1.6) */
	int utf8_headers;            /* UTF-8 in the header section (RFC 6532) */
	enum body_type body_type;    /* -B: at least this (the content may need more) */
	unsigned dsn_notify;         /* enum dsn_notify bits; 0: not asked */
	enum dsn_ret dsn_ret;
	char envid[DSN_ENVID_MAX + 1];   /* "" when not asked */
	int requiretls;              /* REQUIRETLS on MAIL FROM (RFC 8689) */
};

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

/* Fills what the message needs and asks (struct envelope_opts): the body
 * flags from the spool, -B, DSN from -N/-R/-V or the account, REQUIRETLS
 * from the account unless the message says "TLS-Required: No". ERR_DATA
 * when 8-bit header text is not UTF-8. */
int envelope_options(struct envelope_opts *out, const struct options *o, const struct account *a,
		     const struct headers *h, const struct buf *header_block, int has_8bit,
		     int long_lines, struct err *e);

void envelope_free(struct envelope *env);

#endif
