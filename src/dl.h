/*
 * Libraries that only some runs need (libcurl for a token refresh,
 * libsecret with GLib for the keyring, jansson for OAuth2's JSON) are
 * opened with dlopen when first used, so a send with a password in the
 * file does not pay the dynamic loader for them. Each user keeps a struct
 * of function pointers typed from the library's own header
 * (`__typeof__(fn) *fn;`), so every call is checked against the real
 * prototype; dl_load fills it from a table of DL_SYM entries.
 */
#ifndef POSTERN_DL_H
#define POSTERN_DL_H

#include <stddef.h>

#include "errors.h"

struct dl_sym {
	const char *name;
	void *fp;                  /* the address of the pointer to fill: to a
				    * function, or to a data object (uninorm_nfc) */
};

/* One entry: the member of `api` named like the symbol it holds. */
#define DL_SYM(api, fn) {#fn, &(api).fn}

/* Opens SONAME (RTLD_NOW | RTLD_LOCAL: it never leaks symbols to later
 * libraries) and fills every pointer of `syms` (n entries); symbols of the
 * library's own dependencies are found through it too. Returns the handle
 * (never closed: GLib cannot be unloaded), or NULL with ERR_TEMP, since
 * installing PACKAGE mends it and the message may stay queued until then:
 * "STEP: cannot load SONAME (install PACKAGE): WHY" or "STEP: SONAME has
 * no SYMBOL (too old?)". */
void *dl_load(const char *step, const char *soname, const char *package,
	      const struct dl_sym *syms, size_t n, struct err *e);

#endif
