#include "compat.h"
#ifndef HAVE_STRTONUM
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

/* OpenBSD strtonum: decimal only, whole string, range checked. Unlike atoi
 * or iniparser's getint, "587x", "" and "010" (read as 8 elsewhere) are
 * handled strictly: the first two are invalid, the last is ten. */
long long strtonum(const char *s, long long minval, long long maxval, const char **errstr)
{
	char *end;
	long long v;

	*errstr = NULL;
	if (minval > maxval) {
		*errstr = "invalid";
		return 0;
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (s == end || *end != '\0' || *s == ' ' || *s == '\t' || *s == '+') {
		*errstr = "invalid";
		return 0;
	}
	if ((errno == ERANGE && v == LLONG_MIN) || v < minval) {
		*errstr = "too small";
		return 0;
	}
	if ((errno == ERANGE && v == LLONG_MAX) || v > maxval) {
		*errstr = "too large";
		return 0;
	}
	return v;
}
#endif
