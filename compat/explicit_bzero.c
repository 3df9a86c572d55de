#include "compat.h"
#ifndef HAVE_EXPLICIT_BZERO
#include <string.h>

/* A memset the compiler may not remove: called through a volatile pointer. */
static void *(*const volatile memset_v)(void *, int, size_t) = memset;

void explicit_bzero(void *p, size_t n)
{
	memset_v(p, 0, n);
}
#endif
