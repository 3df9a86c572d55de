/*
 * jansson, loaded with dlopen only on OAuth2 paths (a token in the
 * keyring, a token endpoint's answer, a server's XOAUTH2 error report):
 * a send with a password never parses JSON, so it never pays the loader.
 * jsonlib_load returns a table typed from jansson.h (`__typeof__`), so
 * every call through it is checked against the real prototypes.
 * jansson allocates through secmem (wiped when freed) from the first
 * call on: token text passes through it.
 * The helpers below take a json_t that came from the table (so jansson
 * is loaded) or NULL.
 */
#ifndef POSTERN_JSONLIB_H
#define POSTERN_JSONLIB_H

#include <jansson.h>

#include "errors.h"

struct jsonlib {
	__typeof__(json_loadb) *json_loadb;
	__typeof__(json_dumps) *json_dumps;
	__typeof__(json_object_get) *json_object_get;
	__typeof__(json_string_value) *json_string_value;
	__typeof__(json_integer_value) *json_integer_value;
	__typeof__(json_object) *json_object;
	__typeof__(json_string) *json_string;
	__typeof__(json_integer) *json_integer;
	__typeof__(json_object_set_new) *json_object_set_new;
	__typeof__(json_delete) *json_delete;
	__typeof__(json_set_alloc_funcs) *json_set_alloc_funcs;
};

/* The table, loaded on the first call and kept; NULL with ERR_TEMP
 * ("OAuth2: cannot load libjansson.so.4 ...") when jansson or one of its
 * functions is missing: installing it mends that, so the message stays
 * queued. */
const struct jsonlib *jsonlib_load(struct err *e);

/* The string member KEY of object `o`, or NULL (absent, not a string, or
 * `o` is NULL). Borrowed from `o`. */
const char *jsonlib_str(const json_t *o, const char *key);

/* The integer member KEY of object `o`, or 0. */
long long jsonlib_int(const json_t *o, const char *key);

/* json_decref: jansson.h's is an inline function calling json_delete
 * directly, which would need the library linked. NULL is fine. */
void jsonlib_decref(json_t *j);

/* Wipes and frees text from json_dumps. NULL is fine. */
void jsonlib_free_text(char *s);

#endif
