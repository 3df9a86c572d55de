/*
 * Portability shims. build/sysdeps.h (written by the Makefile's probes)
 * says which functions the libc has; the missing ones come from compat/.
 */
#ifndef POSTERN_COMPAT_H
#define POSTERN_COMPAT_H

#include <stddef.h>
#include "sysdeps.h"

#ifndef HAVE_STRLCPY
size_t strlcpy(char *dst, const char *src, size_t size);
#endif
#ifndef HAVE_EXPLICIT_BZERO
void explicit_bzero(void *p, size_t n);
#endif
#ifndef HAVE_STRTONUM
long long strtonum(const char *s, long long minval, long long maxval, const char **errstr);
#endif

#endif
