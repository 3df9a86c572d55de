#include "secmem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"

/* Two words in front keep the alignment malloc gives. */
#define HEAD (2 * sizeof(size_t))

void *secmem_malloc(size_t n)
{
	size_t *p;

	if (n > SIZE_MAX - HEAD || !(p = malloc(HEAD + n)))
		return NULL;
	p[0] = n;
	return (char *)p + HEAD;
}

void *secmem_calloc(size_t count, size_t n)
{
	void *p;

	if (n && count > SIZE_MAX / n)
		return NULL;
	if ((p = secmem_malloc(count * n)))
		memset(p, 0, count * n);
	return p;
}

static size_t size_of(void *p)
{
	return ((size_t *)((char *)p - HEAD))[0];
}

void secmem_free(void *p)
{
	if (!p)
		return;
	explicit_bzero(p, size_of(p));
	free((char *)p - HEAD);
}

/* Never realloc in place: the old block is wiped, not left behind. */
void *secmem_realloc(void *p, size_t n)
{
	void *q;

	if (!p)
		return secmem_malloc(n);
	if (!(q = secmem_malloc(n)))
		return NULL;
	memcpy(q, p, size_of(p) < n ? size_of(p) : n);
	secmem_free(p);
	return q;
}

char *secmem_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = secmem_malloc(n);

	if (p)
		memcpy(p, s, n);
	return p;
}
