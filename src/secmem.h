/*
 * An allocator that wipes what it frees, for the libraries that hold
 * tokens in memory of their own (jansson's JSON, libcurl's request and
 * response buffers). Each block carries its size in front of it.
 */
#ifndef POSTERN_SECMEM_H
#define POSTERN_SECMEM_H

#include <stddef.h>

void *secmem_malloc(size_t n);
void *secmem_calloc(size_t count, size_t n);
void *secmem_realloc(void *p, size_t n);
char *secmem_strdup(const char *s);
void secmem_free(void *p);

#endif
