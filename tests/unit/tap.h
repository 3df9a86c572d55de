/*
 * A tiny TAP producer for the unit tests (header-only).
 *   ok(cond, fmt, ...)             one test
 *   is_str(got, want, fmt, ...)    strings (NULL allowed on either side)
 *   is_mem(got, glen, want, wlen, fmt, ...)  bytes; diagnostics escape CR, LF, NUL
 *   is_int(got, want, fmt, ...)    integers
 *   like(got, needle, fmt, ...)    got contains needle
 *   diag(fmt, ...)                 a "# " comment line
 *   return done_testing();         prints "1..N"; exit status 1 if any failed
 * Output: "ok N - desc" or "not ok N - desc" followed by "#   got: ..." and
 * "#   want: ..." lines, as tests/run expects.
 */
#ifndef POSTERN_TAP_H
#define POSTERN_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_count;
static int tap_failed;

#define TAP_PRINTF(a, b) __attribute__((format(printf, a, b)))

static inline void tap_vline(int pass, const char *fmt, va_list ap)
{
	tap_count++;
	if (!pass)
		tap_failed++;
	printf("%s %d - ", pass ? "ok" : "not ok", tap_count);
	vprintf(fmt, ap);
	putchar('\n');
}

static inline TAP_PRINTF(1, 2) void diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("# ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
	fflush(stdout);
}

static inline TAP_PRINTF(2, 3) int ok(int pass, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vline(pass, fmt, ap);
	va_end(ap);
	fflush(stdout);
	return pass;
}

/* Prints bytes with C escapes so CR, LF and NUL show in diagnostics. */
static inline void tap_print_escaped(const char *label, const char *p, size_t n)
{
	printf("#   %s: ", label);
	if (!p) {
		fputs("(null)\n", stdout);
		return;
	}
	putchar('"');
	for (size_t i = 0; i < n && i < 400; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '\r')
			fputs("\\r", stdout);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\t')
			fputs("\\t", stdout);
		else if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	fputs(n > 400 ? "\"...\n" : "\"\n", stdout);
}

static inline TAP_PRINTF(5, 6) int is_mem(const char *got, size_t glen, const char *want,
					   size_t wlen, const char *fmt, ...)
{
	va_list ap;
	int pass = (got == NULL && want == NULL) ||
		   (got && want && glen == wlen && memcmp(got, want, glen) == 0);

	va_start(ap, fmt);
	tap_vline(pass, fmt, ap);
	va_end(ap);
	if (!pass) {
		tap_print_escaped("got", got, glen);
		tap_print_escaped("want", want, wlen);
	}
	fflush(stdout);
	return pass;
}

static inline TAP_PRINTF(3, 4) int is_str(const char *got, const char *want, const char *fmt, ...)
{
	va_list ap;
	int pass = (got == NULL && want == NULL) || (got && want && strcmp(got, want) == 0);

	va_start(ap, fmt);
	tap_vline(pass, fmt, ap);
	va_end(ap);
	if (!pass) {
		tap_print_escaped("got", got, got ? strlen(got) : 0);
		tap_print_escaped("want", want, want ? strlen(want) : 0);
	}
	fflush(stdout);
	return pass;
}

static inline TAP_PRINTF(3, 4) int like(const char *got, const char *needle, const char *fmt, ...)
{
	va_list ap;
	int pass = got && needle && strstr(got, needle) != NULL;

	va_start(ap, fmt);
	tap_vline(pass, fmt, ap);
	va_end(ap);
	if (!pass) {
		tap_print_escaped("got", got, got ? strlen(got) : 0);
		tap_print_escaped("want (substring)", needle, needle ? strlen(needle) : 0);
	}
	fflush(stdout);
	return pass;
}

static inline TAP_PRINTF(3, 4) int is_int(long long got, long long want, const char *fmt, ...)
{
	va_list ap;
	int pass = got == want;

	va_start(ap, fmt);
	tap_vline(pass, fmt, ap);
	va_end(ap);
	if (!pass)
		printf("#   got: %lld\n#   want: %lld\n", got, want);
	fflush(stdout);
	return pass;
}

/* Ends the run: the plan line, then 0 when every test passed. */
static inline int done_testing(void)
{
	printf("1..%d\n", tap_count);
	if (tap_failed)
		printf("# %d of %d tests failed\n", tap_failed, tap_count);
	fflush(stdout);
	return tap_failed ? 1 : 0;
}

#endif
