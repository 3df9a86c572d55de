#include "secretlib.h"

#include "dl.h"

static struct secretlib lib;
static void *handle;

static const struct dl_sym syms[] = {
	DL_SYM(lib, secret_service_get_sync),
	DL_SYM(lib, secret_service_search_sync),
	DL_SYM(lib, secret_item_get_locked),
	DL_SYM(lib, secret_item_get_secret),
	DL_SYM(lib, secret_value_get),
	DL_SYM(lib, secret_value_unref),
	DL_SYM(lib, secret_attributes_buildv),
	DL_SYM(lib, secret_password_storev_sync),
	DL_SYM(lib, secret_password_clearv_sync),
	DL_SYM(lib, g_object_unref),
	DL_SYM(lib, g_list_free_full),
	DL_SYM(lib, g_hash_table_unref),
	DL_SYM(lib, g_error_matches),
	DL_SYM(lib, g_error_free),
	DL_SYM(lib, g_io_error_quark),
	DL_SYM(lib, g_cancellable_new),
	DL_SYM(lib, g_cancellable_cancel),
	DL_SYM(lib, g_log_set_default_handler),
};

const struct secretlib *secretlib_load(struct err *e)
{
	if (!handle && !(handle = dl_load("keyring", "libsecret-1.so.0", "libsecret-1-0", syms,
					  sizeof syms / sizeof syms[0], e)))
		return NULL;
	return &lib;
}
