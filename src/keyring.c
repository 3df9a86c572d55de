#include "keyring.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "giolib.h"
#include "secretlib.h"

/* libsecret and GLib, loaded by keyring_open before any call. */
static const struct secretlib *lib;

/* postern's own items. Designated initialisers: the struct has reserved
 * fields that positional ones trip -Wextra on. */
static const SecretSchema postern_schema = {
	.name = "org.postern.Password",
	.flags = SECRET_SCHEMA_NONE,
	.attributes = {
		{.name = "host", .type = SECRET_SCHEMA_ATTRIBUTE_STRING},
		{.name = "user", .type = SECRET_SCHEMA_ATTRIBUTE_STRING},
		{.name = "protocol", .type = SECRET_SCHEMA_ATTRIBUTE_STRING},
		{.name = NULL, .type = 0},
	},
};

/* msmtp's items (de.marlam.msmtp.password, or secret-tool's generic
 * schema): matched on attributes only. */
static const SecretSchema msmtp_schema = {
	.name = "de.marlam.msmtp.password",
	.flags = SECRET_SCHEMA_DONT_MATCH_NAME,
	.attributes = {
		{.name = "host", .type = SECRET_SCHEMA_ATTRIBUTE_STRING},
		{.name = "service", .type = SECRET_SCHEMA_ATTRIBUTE_STRING},
		{.name = "user", .type = SECRET_SCHEMA_ATTRIBUTE_STRING},
		{.name = NULL, .type = 0},
	},
};

enum { FOUND = 1, ABSENT = 0, LOCKED = 2 };

/* A thread that cancels the pending libsecret call at the deadline: the
 * sync calls run their own main loop, so a timeout source cannot. Plain
 * pthreads (GCancellable may be cancelled from any thread): GLib's
 * threads would only add symbols to look up. */
struct watchdog {
	pthread_mutex_t m;
	pthread_cond_t c;
	int done;
	int running;
	struct timespec deadline;  /* CLOCK_MONOTONIC: a clock step must not fire it */
	GCancellable *cancel;
	pthread_t t;
};

static void *watchdog_run(void *p)
{
	struct watchdog *w = p;

	pthread_mutex_lock(&w->m);
	while (!w->done)
		if (pthread_cond_timedwait(&w->c, &w->m, &w->deadline) == ETIMEDOUT) {
			lib->g_cancellable_cancel(w->cancel);
			break;
		}
	pthread_mutex_unlock(&w->m);
	return NULL;
}

static void watchdog_start(struct watchdog *w, long timeout)
{
	pthread_condattr_t ca;

	pthread_mutex_init(&w->m, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->c, &ca);
	pthread_condattr_destroy(&ca);
	w->done = 0;
	clock_gettime(CLOCK_MONOTONIC, &w->deadline);
	w->deadline.tv_sec += timeout > 0 ? timeout : 1;
	w->cancel = lib->g_cancellable_new();
	/* Without a thread the call is unbounded, as it was with GLib's. */
	w->running = pthread_create(&w->t, NULL, watchdog_run, w) == 0;
}

static void watchdog_stop(struct watchdog *w)
{
	pthread_mutex_lock(&w->m);
	w->done = 1;
	pthread_cond_signal(&w->c);
	pthread_mutex_unlock(&w->m);
	if (w->running)
		pthread_join(w->t, NULL);
	lib->g_object_unref(w->cancel);
	pthread_cond_destroy(&w->c);
	pthread_mutex_destroy(&w->m);
}

/* GLib's own warnings would break the one-line error: shown under -v only. */
static void quiet_log(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer data)
{
	(void)level;
	(void)data;
	if (log_verbose())
		log_warn("keyring: %s: %s", domain ? domain : "glib", msg);
}

/* What every keyring call needs first: a bus (checked before libsecret is
 * loaded, so a run without one does not pay for it), libsecret, and
 * GLib's warnings kept off stderr. */
static int keyring_open(struct err *e)
{
	if ((session_bus_find(e) < 0 && err_prefix(e, "keyring")) || !(lib = secretlib_load(e)))
		return -1;
	lib->g_log_set_default_handler(quiet_log, NULL);
	return 0;
}

/* secret_attributes_build is variadic, so it cannot be reached through a
 * pointer; its va_list twin can. NAME, VALUE pairs ending with NULL. */
static GHashTable *attributes(const SecretSchema *schema, ...) __attribute__((sentinel));
static GHashTable *attributes(const SecretSchema *schema, ...)
{
	GHashTable *h;
	va_list ap;

	va_start(ap, schema);
	h = lib->secret_attributes_buildv(schema, ap);
	va_end(ap);
	return h;
}

static void attributes_free(GHashTable *h)
{
	if (h)
		lib->g_hash_table_unref(h);
}

static int keyring_fail(struct err *e, GError *g, const char *what, long timeout)
{
	int rc;

	if (g && lib->g_error_matches(g, lib->g_io_error_quark(), G_IO_ERROR_CANCELLED))
		rc = err_set(e, ERR_TEMP, "keyring: %s: no answer within %ld seconds", what, timeout);
	else
		rc = err_set(e, ERR_TEMP, "keyring: %s: %s", what, g ? g->message : "failed");
	if (g)
		lib->g_error_free(g);
	return rc;
}

/* A person who can answer the keyring's unlock prompt: a terminal and a
 * display. Unattended runs never ask, so a locked item is reported. */
static int can_prompt(void)
{
	return (isatty(STDIN_FILENO) || isatty(STDERR_FILENO)) &&
	       (getenv("DISPLAY") || getenv("WAYLAND_DISPLAY"));
}

/* FOUND (copied into out), ABSENT, LOCKED (only locked items match), or
 * -1 with *g set. */
static int search(SecretService *svc, const SecretSchema *schema, GHashTable *attrs,
		  GCancellable *c, struct buf *out, GError **g)
{
	SecretSearchFlags flags = SECRET_SEARCH_ALL | SECRET_SEARCH_LOAD_SECRETS;
	GList *items, *l;
	int rc = ABSENT;

	if (can_prompt())
		flags |= SECRET_SEARCH_UNLOCK;
	items = lib->secret_service_search_sync(svc, schema, attrs, flags, c, g);
	if (*g)
		return -1;
	for (l = items; l && rc != FOUND; l = l->next) {
		SecretValue *v;
		const gchar *p;
		gsize len = 0;

		if (lib->secret_item_get_locked(l->data)) {
			rc = LOCKED;
			continue;
		}
		if (!(v = lib->secret_item_get_secret(l->data)))
			continue;
		p = lib->secret_value_get(v, &len);
		if (p && len > 0 && buf_append(out, p, len) == 0)
			rc = FOUND;
		lib->secret_value_unref(v);   /* libsecret's copy is in its wiping allocator */
	}
	lib->g_list_free_full(items, lib->g_object_unref);
	return rc;
}

static const char *const protocols[] = {
	[KEYRING_PASSWORD] = "smtp",
	[KEYRING_OAUTH_TOKEN] = "oauth2",
	[KEYRING_OAUTH_CLIENT_SECRET] = "oauth2-client",
	[KEYRING_PROXY_PASSWORD] = "proxy",
};

static const char *const labels[] = {
	[KEYRING_PASSWORD] = "",
	[KEYRING_OAUTH_TOKEN] = " OAuth2 token",
	[KEYRING_OAUTH_CLIENT_SECRET] = " OAuth2 client secret",
	[KEYRING_PROXY_PASSWORD] = " proxy password",
};

static int lookup_both(SecretService *svc, enum keyring_kind kind, const char *host,
		       const char *user, GCancellable *c, struct buf *out, GError **g)
{
	GHashTable *attrs;
	int mine, theirs;

	attrs = attributes(&postern_schema, "host", host, "user", user, "protocol", protocols[kind],
			   (char *)NULL);
	mine = search(svc, &postern_schema, attrs, c, out, g);
	attributes_free(attrs);
	if (mine < 0 || mine == FOUND || kind != KEYRING_PASSWORD)
		return mine;
	attrs = attributes(&msmtp_schema, "host", host, "service", "smtp", "user", user, (char *)NULL);
	theirs = search(svc, &msmtp_schema, attrs, c, out, g);
	attributes_free(attrs);
	if (theirs < 0 || theirs == FOUND)
		return theirs;
	return mine == LOCKED || theirs == LOCKED ? LOCKED : ABSENT;
}

int keyring_lookup(enum keyring_kind kind, const char *host, const char *user, long timeout,
		   struct buf *out, struct err *e)
{
	struct watchdog w;
	SecretService *svc;
	GError *g = NULL;
	int rc;

	if (keyring_open(e) < 0)
		return -1;
	watchdog_start(&w, timeout);
	svc = lib->secret_service_get_sync(SECRET_SERVICE_OPEN_SESSION, w.cancel, &g);
	if (!svc) {
		rc = keyring_fail(e, g, "cannot reach the Secret Service", timeout);
		goto done;
	}
	rc = lookup_both(svc, kind, host, user, w.cancel, out, &g);
	if (rc < 0)
		keyring_fail(e, g, "search", timeout);
	else if (rc == LOCKED)
		rc = err_set(e, ERR_TEMP, "keyring: keyring locked: the %s for %s at %s is in a "
			     "locked keyring and %s; unlock it and retry",
			     kind == KEYRING_PASSWORD ? "password" : labels[kind] + 1, user, host,
			     can_prompt() ? "its unlock prompt was dismissed or could not be shown"
			     : "nobody is here to unlock it");
	lib->g_object_unref(svc);
done:
	watchdog_stop(&w);
	return rc;
}

int keyring_store(enum keyring_kind kind, const char *account, const char *host,
		  const char *user, const char *secret, long timeout, struct err *e)
{
	struct watchdog w;
	GHashTable *attrs;
	GError *g = NULL;
	char label[512];
	int rc = 0;

	if (keyring_open(e) < 0)
		return -1;
	snprintf(label, sizeof label, "postern: %s%s (%s)", account, labels[kind], host);
	attrs = attributes(&postern_schema, "host", host, "user", user, "protocol", protocols[kind],
			   (char *)NULL);
	watchdog_start(&w, timeout);
	if (!lib->secret_password_storev_sync(&postern_schema, attrs, SECRET_COLLECTION_DEFAULT, label,
					      secret, w.cancel, &g))
		rc = keyring_fail(e, g, "store", timeout);
	watchdog_stop(&w);
	attributes_free(attrs);
	return rc;
}

int keyring_forget(enum keyring_kind kind, const char *host, const char *user, long timeout,
		   struct err *e)
{
	struct watchdog w;
	GHashTable *attrs;
	GError *g = NULL;
	int rc;

	if (keyring_open(e) < 0)
		return -1;
	attrs = attributes(&postern_schema, "host", host, "user", user, "protocol", protocols[kind],
			   (char *)NULL);
	watchdog_start(&w, timeout);
	rc = lib->secret_password_clearv_sync(&postern_schema, attrs, w.cancel, &g) ? 1 : 0;
	if (g)
		rc = keyring_fail(e, g, "forget", timeout);
	watchdog_stop(&w);
	attributes_free(attrs);
	return rc;
}
