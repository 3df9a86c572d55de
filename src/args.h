/*
 * The sendmail command line: argv -> struct options. Only syntax is
 * checked here (unknown flags, missing values, control characters);
 * addresses are parsed later by envelope.c. The strings point into argv.
 */
#ifndef POSTERN_ARGS_H
#define POSTERN_ARGS_H

#include "dsn.h"
#include "errors.h"

enum mode { MODE_SEND, MODE_VERSION, MODE_HELP, MODE_FLUSH, MODE_MAILQ, MODE_REMOVE,
	    MODE_STORE_PASSWORD, MODE_FORGET_PASSWORD, MODE_AUTHORIZE, MODE_NEWALIASES,
	    MODE_BS, MODE_CHECK };

struct options {
	enum mode mode;
	int extract_recipients;   /* -t */
	int dot_ends_input;       /* no -i / -oi: a lone "." line ends the message */
	int verbose;              /* -v; 2 with -vv (timestamps) */
	const char *sender;       /* -f / -r, NULL if not given; "" or "<>" is the null sender */
	const char *full_name;    /* -F */
	const char *config_file;  /* -C */
	const char *account;      /* -a / --account */
	const char *body_type;    /* -B 7BIT | 8BITMIME */
	const char *dsn_notify;   /* -N as given, NULL if not */
	unsigned notify_flags;    /* -N as enum dsn_notify bits */
	const char *dsn_ret;      /* -R FULL | HDRS as given, NULL if not */
	enum dsn_ret ret;         /* -R parsed */
	const char *envid;        /* -V */
	long hop_count;           /* -h, -1 if not given */
	const char *ignored;      /* the first unknown -o option, for -v */
	int queue_only;           /* -odq */
	int force;                /* --force: flush ignores backoff */
	int check_all;            /* --check --all */
	const char *release;      /* -q --release ACCOUNT */
	const char *remove_id;    /* --remove ID */
	const char *password_account; /* --store-password / --forget-password / --authorize ACCOUNT */
	int paste;                /* --authorize --paste: read the redirected URL from stdin */
	int device;               /* --authorize --device: the device grant (RFC 8628) */
	int proxy_secret;         /* --store-password / --forget-password --proxy */
	int stdin_closed;         /* set by main: fd 0 was closed, there is no message */
	char **recipients;        /* the operands, in argv */
	int nrecipients;
};

/* Parses argv; on error sets ERR_USAGE naming the flag. */
int args_parse(int argc, char **argv, struct options *o, struct err *e);

/* The usage text for --help. */
extern const char args_usage[];

#endif
