#include "giolib.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dl.h"
#include "log.h"

static struct giolib lib;
static void *handle;

static const struct dl_sym syms[] = {
	DL_SYM(lib, g_bus_get_sync),
	DL_SYM(lib, g_dbus_connection_call_sync),
	DL_SYM(lib, g_variant_new),
	DL_SYM(lib, g_variant_get),
	DL_SYM(lib, g_variant_get_child_value),
	DL_SYM(lib, g_variant_n_children),
	DL_SYM(lib, g_variant_lookup),
	DL_SYM(lib, g_variant_lookup_value),
	DL_SYM(lib, g_variant_unref),
	DL_SYM(lib, g_object_unref),
	DL_SYM(lib, g_error_free),
	DL_SYM(lib, g_free),
	DL_SYM(lib, g_log_set_default_handler),
};

/* GLib's own warnings would break the one-line error: shown under -v only. */
static void quiet_log(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer data)
{
	(void)level;
	(void)data;
	if (log_verbose())
		log_warn("D-Bus: %s: %s", domain ? domain : "glib", msg);
}

const struct giolib *giolib_load(struct err *e)
{
	if (handle)
		return &lib;
	if (!(handle = dl_load("D-Bus", "libgio-2.0.so.0", "libglib2.0-0", syms,
			       sizeof syms / sizeof syms[0], e)))
		return NULL;
	lib.g_log_set_default_handler(quiet_log, NULL);
	return &lib;
}

/* A candidate bus socket: present, a socket, and this user's. */
static int own_socket(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISSOCK(st.st_mode) && st.st_uid == getuid();
}

int session_bus_find(struct err *e)
{
	char path[512], addr[600];
	const char *v = getenv("DBUS_SESSION_BUS_ADDRESS"), *rt = getenv("XDG_RUNTIME_DIR");

	if (v && *v)
		return 0;
	if (rt && *rt && (size_t)snprintf(path, sizeof path, "%s/bus", rt) < sizeof path &&
	    own_socket(path))
		goto found;
	snprintf(path, sizeof path, "/run/user/%u/bus", (unsigned)getuid());
	if (own_socket(path))
		goto found;
	return err_set(e, ERR_TEMP, "no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is unset and %s "
		       "is not this user's socket (is the user logged in, or lingering?)", path);
found:
	snprintf(addr, sizeof addr, "unix:path=%s", path);
	setenv("DBUS_SESSION_BUS_ADDRESS", addr, 1);
	return 0;
}

GDBusConnection *session_bus_open(const struct giolib *g, struct err *e)
{
	GError *ge = NULL;
	GDBusConnection *c;

	if (session_bus_find(e) < 0)
		return NULL;
	c = g->g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, &ge);
	if (!c) {
		err_set(e, ERR_TEMP, "D-Bus: cannot reach the session bus: %s", ge ? ge->message : "?");
		if (ge)
			g->g_error_free(ge);
	}
	return c;
}
