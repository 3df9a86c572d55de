#include "goa.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "compat.h"
#include "giolib.h"
#include "log.h"

#define GOA_NAME "org.gnome.OnlineAccounts"
#define GOA_TIMEOUT_MS 10000

/* A string property of interface `iface` in an object's a{sa{sv}}. */
static const char *prop_str(const struct giolib *g, GVariant *ifaces, const char *iface,
			    const char *name, GVariant **hold)
{
	const char *v = NULL;

	*hold = g->g_variant_lookup_value(ifaces, iface, G_VARIANT_TYPE_VARDICT);
	if (*hold && !g->g_variant_lookup(*hold, name, "&s", &v))
		v = NULL;
	return v;
}

static int prop_bool(const struct giolib *g, GVariant *ifaces, const char *iface, const char *name)
{
	GVariant *d = g->g_variant_lookup_value(ifaces, iface, G_VARIANT_TYPE_VARDICT);
	gboolean b = FALSE;

	if (d) {
		if (!g->g_variant_lookup(d, name, "b", &b))
			b = FALSE;
		g->g_variant_unref(d);
	}
	return b;
}

static int prop_present(const struct giolib *g, GVariant *ifaces, const char *iface)
{
	GVariant *d = g->g_variant_lookup_value(ifaces, iface, NULL);

	if (d)
		g->g_variant_unref(d);
	return d != NULL;
}

/* The object path of the GOA account whose mail address is `user`, into
 * path; 0 found, -1 with e set. */
static int find_account(const struct giolib *g, GDBusConnection *bus, const struct account *a,
			char *path, size_t n, struct err *e)
{
	GError *ge = NULL;
	GVariant *r, *objs;
	int found = 0, disabled = 0, oauth = 0;

	r = g->g_dbus_connection_call_sync(bus, GOA_NAME, "/org/gnome/OnlineAccounts",
		"org.freedesktop.DBus.ObjectManager", "GetManagedObjects", NULL, NULL,
		G_DBUS_CALL_FLAGS_NONE, GOA_TIMEOUT_MS, NULL, &ge);
	if (!r) {
		/* Absent: a person must add it. Anything else (a timeout, a
		 * daemon starting): try again later. */
		if (ge && strstr(ge->message, "ServiceUnknown")) {
			err_set(e, ERR_NOPERM, "GNOME Online Accounts is not there (no " GOA_NAME " on the "
				"session bus): add the account in GNOME Settings, Online Accounts, or use "
				"oauth_provider = google or microsoft");
			e->detail = ERR_DETAIL_CREDENTIALS;
		} else {
			err_set(e, ERR_TEMP, "GNOME Online Accounts: %s", ge ? ge->message : "no answer");
		}
		if (ge)
			g->g_error_free(ge);
		return -1;
	}
	objs = g->g_variant_get_child_value(r, 0);
	for (gsize i = 0; i < g->g_variant_n_children(objs) && !found; i++) {
		GVariant *entry = g->g_variant_get_child_value(objs, i);
		GVariant *opath = g->g_variant_get_child_value(entry, 0);
		GVariant *ifaces = g->g_variant_get_child_value(entry, 1), *mail;
		const char *addr = prop_str(g, ifaces, "org.gnome.OnlineAccounts.Mail", "EmailAddress", &mail);
		if (addr && strcasecmp(addr, a->user) == 0) {
			const char *p = NULL;
			g->g_variant_get(opath, "&o", &p);
			found = 1;
			snprintf(path, n, "%s", p ? p : "");
			disabled = prop_bool(g, ifaces, "org.gnome.OnlineAccounts.Account", "MailDisabled");
			oauth = prop_present(g, ifaces, "org.gnome.OnlineAccounts.OAuth2Based");
		}
		if (mail)
			g->g_variant_unref(mail);
		g->g_variant_unref(ifaces);
		g->g_variant_unref(opath);
		g->g_variant_unref(entry);
	}
	g->g_variant_unref(objs);
	g->g_variant_unref(r);
	if (!found)
		err_set(e, ERR_NOPERM, "GNOME Online Accounts has no account for %s: add it in GNOME "
			"Settings, Online Accounts", a->user);
	else if (disabled)
		err_set(e, ERR_NOPERM, "GNOME Online Accounts: the account %s has Mail switched off: switch "
			"it on in GNOME Settings, Online Accounts, %s", a->user, a->user);
	else if (!oauth)
		err_set(e, ERR_NOPERM, "GNOME Online Accounts: the account %s does not sign in with OAuth2",
			a->user);
	else
		return 0;
	e->detail = ERR_DETAIL_CREDENTIALS;
	return -1;
}

static int get_token(const struct giolib *g, GDBusConnection *bus, const char *path,
		     const struct account *a, struct buf *out, struct err *e)
{
	GError *ge = NULL;
	GVariant *r;
	const char *tok = NULL;
	gint32 expires = 0;
	int rc = 0;

	r = g->g_dbus_connection_call_sync(bus, GOA_NAME, path, "org.gnome.OnlineAccounts.OAuth2Based",
		"GetAccessToken", NULL, NULL, G_DBUS_CALL_FLAGS_NONE, GOA_TIMEOUT_MS, NULL, &ge);
	if (!r) {
		/* NotAuthorized: signed out, a person must sign in again. Anything
		 * else (offline, so the daemon could not refresh): later. */
		if (ge && strstr(ge->message, "NotAuthorized")) {
			err_set(e, ERR_NOPERM, "GNOME Online Accounts gave no token for %s: %s (sign in "
				"again in GNOME Settings, Online Accounts)", a->user, ge->message);
			e->detail = ERR_DETAIL_CREDENTIALS;
		} else {
			err_set(e, ERR_TEMP, "GNOME Online Accounts gave no token for %s now: %s", a->user,
				ge ? ge->message : "no answer");
		}
		if (ge)
			g->g_error_free(ge);
		return -1;
	}
	g->g_variant_get(r, "(&si)", &tok, &expires);
	if (!tok || !*tok || buf_appends(out, tok) < 0)
		rc = err_set(e, ERR_PROTOCOL, "GNOME Online Accounts: an empty or over-long token");
	if (tok)
		explicit_bzero((char *)tok, strlen(tok));   /* GLib's copy, before it is freed */
	g->g_variant_unref(r);
	log_info("GNOME Online Accounts: a token for %s (%s), valid %d s", a->user, path, (int)expires);
	return rc;
}

int goa_access_token(const struct account *a, struct buf *out, struct err *e)
{
	const struct giolib *g;
	GDBusConnection *bus;
	char path[512];
	int rc;

	if (!(g = giolib_load(e)) || !(bus = session_bus_open(g, e)))
		return err_prefix(e, "GNOME Online Accounts");
	rc = find_account(g, bus, a, path, sizeof path, e);
	if (rc == 0)
		rc = get_token(g, bus, path, a, out, e);
	g->g_object_unref(bus);
	return rc;
}
