#include "compat.h"
#ifndef HAVE_STRLCPY
#include <string.h>

/* Copies at most size-1 bytes and always terminates; returns strlen(src)
 * so callers can detect truncation (OpenBSD semantics). */
size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size) {
		size_t c = n < size - 1 ? n : size - 1;
		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}
#endif
