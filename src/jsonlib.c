#include "jsonlib.h"

#include "dl.h"
#include "secmem.h"

static struct jsonlib lib;
static void *handle;

static const struct dl_sym syms[] = {
	DL_SYM(lib, json_loadb),
	DL_SYM(lib, json_dumps),
	DL_SYM(lib, json_object_get),
	DL_SYM(lib, json_string_value),
	DL_SYM(lib, json_integer_value),
	DL_SYM(lib, json_object),
	DL_SYM(lib, json_string),
	DL_SYM(lib, json_integer),
	DL_SYM(lib, json_object_set_new),
	DL_SYM(lib, json_delete),
	DL_SYM(lib, json_set_alloc_funcs),
};

const struct jsonlib *jsonlib_load(struct err *e)
{
	if (handle)
		return &lib;
	if (!(handle = dl_load("OAuth2", "libjansson.so.4", "libjansson4", syms,
			       sizeof syms / sizeof syms[0], e)))
		return NULL;
	/* Before any JSON exists: jansson's allocator cannot change later. */
	lib.json_set_alloc_funcs(secmem_malloc, secmem_free);
	return &lib;
}

const char *jsonlib_str(const json_t *o, const char *key)
{
	return o ? lib.json_string_value(lib.json_object_get(o, key)) : NULL;
}

long long jsonlib_int(const json_t *o, const char *key)
{
	return o ? lib.json_integer_value(lib.json_object_get(o, key)) : 0;
}

void jsonlib_decref(json_t *j)
{
	/* As jansson.h's json_decref: (size_t)-1 marks its static
	 * singletons (true, false, null), never freed. */
	if (j && j->refcount != (size_t)-1 && JSON_INTERNAL_DECREF(j) == 0)
		lib.json_delete(j);
}

void jsonlib_free_text(char *s)
{
	secmem_free(s);   /* jansson's allocator since jsonlib_load: wipes the whole block */
}
