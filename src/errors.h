/*
 * Error kinds and the one table that maps each kind to a sysexits code.
 * A function that fails fills a struct err (kind + one-line message) and
 * returns -1; only main() turns it into an exit code.
 * Message grammar: "STEP: WHAT: DETAIL" (main prefixes "postern: ").
 */
#ifndef POSTERN_ERRORS_H
#define POSTERN_ERRORS_H

#include "bounds.h"

enum err_kind {
	ERR_NONE = 0,
	ERR_USAGE,       /* bad command line                         64 */
	ERR_DATA,        /* bad message, header or address; too big  65 */
	ERR_NOINPUT,     /* no message: standard input is closed     66 */
	ERR_NOUSER,      /* recipient refused or unknown             67 */
	ERR_UNAVAILABLE, /* permanent server refusal, no TLS offered 69 */
	ERR_SOFTWARE,    /* a bug in postern                         70 */
	ERR_OS,          /* system call failed                       71 */
	ERR_CANTCREAT,   /* cannot create a file                     73 */
	ERR_IO,          /* read/write of a local file failed        74 */
	ERR_TEMP,        /* try again later: network, 4xx, timeout   75 */
	ERR_PROTOCOL,    /* server broke the protocol                76 */
	ERR_NOPERM,      /* authentication refused                   77 */
	ERR_CONFIG,      /* bad configuration                        78 */
	ERR_KIND_COUNT
};

/* What code (not the user) may need to tell apart within a kind. */
enum err_detail {
	ERR_DETAIL_NONE = 0,
	ERR_DETAIL_TOKEN_REJECTED,   /* the server refused an OAuth2 access token */
	ERR_DETAIL_CREDENTIALS,      /* no password or token stored, the OAuth client refused:
				      * a person must act (as for ERR_NOPERM) */
	ERR_DETAIL_SLOW_DOWN,        /* 421 or 454 4.7.0: too many messages, try later */
};

struct err {
	enum err_kind kind;
	enum err_detail detail;      /* cleared by err_set */
	char msg[ERR_MSG_MAX];
};

/* Sets kind and a formatted message; returns -1 so callers can
 * `return err_set(...)`. The three are macros around the functions below
 * so that the -1 is visible where they are used (static analysis then
 * knows a failing path fails). */
#define err_set(...) ({ err_setf(__VA_ARGS__); -1; })
/* Prefixes the existing message with "PREFIX: " (keeps the kind); returns -1. */
#define err_prefix(...) ({ err_prefixf(__VA_ARGS__); -1; })
/* Appends "; DETAIL" to the existing message (keeps the kind); returns -1. */
#define err_append(...) ({ err_appendf(__VA_ARGS__); -1; })

void err_setf(struct err *e, enum err_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void err_prefixf(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void err_appendf(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The sysexits code for a kind (0 for ERR_NONE). */
int err_exit_code(enum err_kind kind);

/* True when the failure may go away by itself (retry later). */
int err_is_temporary(enum err_kind kind);

/* True when the credentials failed (refused, missing, revoked): nothing
 * changes until a person mends them, and the message is not to blame. */
int err_is_credentials(const struct err *e);

#endif
