/*
 * GIO's D-Bus client, loaded with dlopen only when a run needs the session
 * bus for something other than the keyring: a desktop notification
 * (org.freedesktop.Notifications) or a token from GNOME Online Accounts.
 * Each member has the type of the function it is named after.
 */
#ifndef POSTERN_GIOLIB_H
#define POSTERN_GIOLIB_H

#include <gio/gio.h>

#include "errors.h"

struct giolib {
	__typeof__(g_bus_get_sync) *g_bus_get_sync;
	__typeof__(g_dbus_connection_call_sync) *g_dbus_connection_call_sync;
	__typeof__(g_variant_new) *g_variant_new;
	__typeof__(g_variant_get) *g_variant_get;
	__typeof__(g_variant_get_child_value) *g_variant_get_child_value;
	__typeof__(g_variant_n_children) *g_variant_n_children;
	__typeof__(g_variant_lookup) *g_variant_lookup;
	__typeof__(g_variant_lookup_value) *g_variant_lookup_value;
	__typeof__(g_variant_unref) *g_variant_unref;
	__typeof__(g_object_unref) *g_object_unref;
	__typeof__(g_error_free) *g_error_free;
	__typeof__(g_free) *g_free;
	__typeof__(g_log_set_default_handler) *g_log_set_default_handler;
};

/* The table, loaded on the first call; NULL with ERR_TEMP when GIO
 * cannot be loaded. */
const struct giolib *giolib_load(struct err *e);

/* Makes sure DBUS_SESSION_BUS_ADDRESS names this user's session bus:
 * under cron it is unset, but a systemd user session (or linger) puts the
 * bus at $XDG_RUNTIME_DIR/bus or /run/user/UID/bus. ERR_TEMP ("no D-Bus
 * session bus: ...") when there is none, instead of letting GLib try to
 * autolaunch one. */
int session_bus_find(struct err *e);

/* The session bus connection (loaded and found first); NULL with e set.
 * The caller unrefs it. */
GDBusConnection *session_bus_open(const struct giolib *g, struct err *e);

#endif
