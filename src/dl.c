#include "dl.h"

#include <dlfcn.h>
#include <string.h>

/* dlsym returns void *; ISO C has no conversion to a function pointer,
 * POSIX guarantees one through the object's bytes. */
static int dl_sym(void *lib, const char *name, void *fp)
{
	void *p = dlsym(lib, name);

	if (!p)
		return -1;
	memcpy(fp, &p, sizeof p);
	return 0;
}

void *dl_load(const char *step, const char *soname, const char *package,
	      const struct dl_sym *syms, size_t n, struct err *e)
{
	void *lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);

	if (!lib) {
		err_set(e, ERR_TEMP, "%s: cannot load %s (install %s): %s", step, soname, package,
			dlerror());
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (dl_sym(lib, syms[i].name, syms[i].fp) < 0) {
			err_set(e, ERR_TEMP, "%s: %s has no %s (too old?)", step, soname, syms[i].name);
			dlclose(lib);
			return NULL;
		}
	return lib;
}
