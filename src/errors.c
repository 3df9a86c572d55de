#include "errors.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

static const struct {
	int exit_code;
	int temporary;
} kinds[ERR_KIND_COUNT] = {
	[ERR_NONE] = {0, 0},
	[ERR_USAGE] = {EX_USAGE, 0},
	[ERR_DATA] = {EX_DATAERR, 0},
	[ERR_NOINPUT] = {EX_NOINPUT, 0},
	[ERR_NOUSER] = {EX_NOUSER, 0},
	[ERR_UNAVAILABLE] = {EX_UNAVAILABLE, 0},
	[ERR_SOFTWARE] = {EX_SOFTWARE, 0},
	[ERR_OS] = {EX_OSERR, 1},
	[ERR_CANTCREAT] = {EX_CANTCREAT, 0},
	[ERR_IO] = {EX_IOERR, 0},
	[ERR_TEMP] = {EX_TEMPFAIL, 1},
	[ERR_PROTOCOL] = {EX_PROTOCOL, 0},
	[ERR_NOPERM] = {EX_NOPERM, 0},
	[ERR_CONFIG] = {EX_CONFIG, 0},
};

/* Control characters from outside (a server reply, a file name) must not
 * reach the terminal: replace them so each message stays one line. */
static void err_sanitize(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

void err_setf(struct err *e, enum err_kind kind, const char *fmt, ...)
{
	va_list ap;

	e->kind = kind;
	e->detail = ERR_DETAIL_NONE;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	err_sanitize(e->msg);
}

void err_prefixf(struct err *e, const char *fmt, ...)
{
	char old[ERR_MSG_MAX];
	size_t n;
	va_list ap;

	memcpy(old, e->msg, sizeof old);
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	n = strlen(e->msg);
	if (n + 2 < sizeof e->msg) {
		memcpy(e->msg + n, ": ", 3);
		strncat(e->msg + n + 2, old, sizeof e->msg - n - 3);
	}
	err_sanitize(e->msg);
}

void err_appendf(struct err *e, const char *fmt, ...)
{
	size_t n = strlen(e->msg);
	va_list ap;

	if (n + 2 < sizeof e->msg) {
		memcpy(e->msg + n, "; ", 3);
		va_start(ap, fmt);
		vsnprintf(e->msg + n + 2, sizeof e->msg - n - 2, fmt, ap);
		va_end(ap);
		err_sanitize(e->msg);
	}
}

int err_exit_code(enum err_kind kind)
{
	if (kind < 0 || kind >= ERR_KIND_COUNT)
		return EX_SOFTWARE;
	return kinds[kind].exit_code;
}

int err_is_temporary(enum err_kind kind)
{
	return kind > 0 && kind < ERR_KIND_COUNT && kinds[kind].temporary;
}

int err_is_credentials(const struct err *e)
{
	return e->kind == ERR_NOPERM || e->detail == ERR_DETAIL_CREDENTIALS ||
	       e->detail == ERR_DETAIL_TOKEN_REJECTED;
}
