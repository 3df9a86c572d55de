/*
 * libsecret, and the few GLib functions postern calls beside it, loaded
 * with dlopen the first time the keyring is used. libsecret pulls in
 * GLib, GObject, GIO, libgcrypt and a dozen more libraries: linked at
 * start-up they cost every run several million instructions and about
 * 4 MB, though a send with `password =` or `password_command` never
 * touches the keyring.
 * Each member has the type of the function it is named after (taken from
 * the real headers), so the compiler checks every call; the GLib symbols
 * are found through libsecret's handle, which depends on them.
 */
#ifndef POSTERN_SECRETLIB_H
#define POSTERN_SECRETLIB_H

#include <libsecret/secret.h>

#include "errors.h"

struct secretlib {
	__typeof__(secret_service_get_sync) *secret_service_get_sync;
	__typeof__(secret_service_search_sync) *secret_service_search_sync;
	__typeof__(secret_item_get_locked) *secret_item_get_locked;
	__typeof__(secret_item_get_secret) *secret_item_get_secret;
	__typeof__(secret_value_get) *secret_value_get;
	__typeof__(secret_value_unref) *secret_value_unref;
	__typeof__(secret_attributes_buildv) *secret_attributes_buildv;
	__typeof__(secret_password_storev_sync) *secret_password_storev_sync;
	__typeof__(secret_password_clearv_sync) *secret_password_clearv_sync;
	__typeof__(g_object_unref) *g_object_unref;
	__typeof__(g_list_free_full) *g_list_free_full;
	__typeof__(g_hash_table_unref) *g_hash_table_unref;
	__typeof__(g_error_matches) *g_error_matches;
	__typeof__(g_error_free) *g_error_free;
	__typeof__(g_io_error_quark) *g_io_error_quark;
	__typeof__(g_cancellable_new) *g_cancellable_new;
	__typeof__(g_cancellable_cancel) *g_cancellable_cancel;
	__typeof__(g_log_set_default_handler) *g_log_set_default_handler;
};

/* The table, loaded on the first call and kept for the process; NULL
 * with ERR_TEMP ("keyring: cannot load libsecret-1.so.0 ...") when the
 * library or one of its functions is missing: like an unreachable keyring,
 * a temporary failure, so the message stays queued. */
const struct secretlib *secretlib_load(struct err *e);

#endif
