#include "secrets.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>

#include "bounds.h"
#include "giolib.h"
#include "private.h"
#include "queue.h"

static const char *kind_name(enum keyring_kind kind)
{
	static const char *const names[] = {[KEYRING_PASSWORD] = "password",
		[KEYRING_OAUTH_TOKEN] = "oauth2", [KEYRING_OAUTH_CLIENT_SECRET] = "oauth2-client",
		[KEYRING_PROXY_PASSWORD] = "proxy"};

	return names[kind];
}

/* A secret is keyed by where it is used and by whom: the smarthost and
 * the account's user, or the proxy and its user. */
static const char *host_of(const struct account *a, enum keyring_kind kind)
{
	return kind == KEYRING_PROXY_PASSWORD ? a->proxy : a->host;
}

static const char *user_of(const struct account *a, enum keyring_kind kind)
{
	return kind == KEYRING_PROXY_PASSWORD ? a->proxy_user : a->user;
}

int secrets_file_path(const struct account *a, enum keyring_kind kind, struct buf *out,
		      struct err *e)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	struct buf key;
	int rc;

	if (queue_state_dir(out, "secrets", e) < 0 || private_dirs(out->data, e) < 0)
		return -1;
	buf_init(&key, 4096);
	rc = buf_appendf(&key, "%s%c%s", host_of(a, kind), 0, user_of(a, kind) ? user_of(a, kind) : "");
	if (rc == 0 && !EVP_Digest(key.data, key.len, md, &n, EVP_sha256(), NULL))
		rc = -1;
	buf_free(&key);
	if (rc < 0 || n < 12 ||
	    buf_appendf(out, "/%s-%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x", kind_name(kind),
			md[0], md[1], md[2], md[3], md[4], md[5], md[6], md[7], md[8], md[9], md[10],
			md[11]) < 0)
		return err_set(e, ERR_SOFTWARE, "secret_store = file: cannot name the file");
	return 0;
}

static int file_lookup(const struct account *a, enum keyring_kind kind, struct buf *out,
		       struct err *e)
{
	struct buf path;
	struct stat st;
	char chunk[4096];
	ssize_t n;
	int fd, rc = 1;

	buf_init(&path, 8192);
	if (secrets_file_path(a, kind, &path, e) < 0) {
		buf_free(&path);
		return -1;
	}
	fd = private_open(path.data, O_RDONLY, 0);
	if (fd < 0) {
		rc = errno == ENOENT ? 0 : err_set(e, ERR_CONFIG, "secret_store = file: %s: %s", path.data,
						    strerror(errno));
	} else if (fstat(fd, &st) < 0 || (st.st_mode & 077)) {
		rc = err_set(e, ERR_CONFIG, "secret_store = file: %s may be read by others: refusing it "
			     "(chmod 600, then store the secret again)", path.data);
	} else {
		while (rc == 1 && (n = read(fd, chunk, sizeof chunk)) != 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 || buf_append(out, chunk, (size_t)n) < 0)
				rc = err_set(e, ERR_CONFIG, "secret_store = file: %s: %s", path.data,
					     n < 0 ? strerror(errno) : "too long");
		}
		explicit_bzero(chunk, sizeof chunk);
	}
	if (fd >= 0)
		close(fd);
	buf_free(&path);
	return rc;
}

/* Writes secret to path atomically: path.tmp (0600, exclusive), fsync,
 * rename over path. */
static int write_atomically(const char *path, const char *secret, struct err *e)
{
	struct buf tmp;
	size_t len = strlen(secret);
	int fd, rc = 0;

	buf_init(&tmp, 8192);
	if (buf_appendf(&tmp, "%s.tmp", path) < 0) {
		buf_free(&tmp);
		return err_set(e, ERR_SOFTWARE, "secret_store = file: path too long");
	}
	unlink(tmp.data);   /* debris of a write that was killed */
	fd = open(tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = -1;
	} else {
		ssize_t w = write(fd, secret, len);
		if (w >= 0 && w != (ssize_t)len)
			errno = ENOSPC;   /* a short write: the disk is full */
		rc = w == (ssize_t)len && fsync(fd) == 0 ? 0 : -1;
		if (close(fd) < 0)
			rc = -1;
		if (rc == 0 && rename(tmp.data, path) < 0)
			rc = -1;
	}
	if (rc < 0) {
		rc = err_set(e, ERR_CANTCREAT, "secret_store = file: writing %s: %s", path,
			     strerror(errno));
		if (fd >= 0)
			unlink(tmp.data);
	}
	buf_free(&tmp);
	return rc;
}

int secrets_lookup(const struct account *a, enum keyring_kind kind, struct buf *out,
		   struct err *e)
{
	if (a->store == STORE_FILE)
		return file_lookup(a, kind, out, e);
	return keyring_lookup(kind, host_of(a, kind), user_of(a, kind), a->timeout, out, e);
}

int secrets_store(const struct account *a, enum keyring_kind kind, const char *secret,
		  struct err *e)
{
	struct buf path;
	int rc;

	if (a->store != STORE_FILE)
		return keyring_store(kind, a->name, host_of(a, kind), user_of(a, kind), secret, a->timeout,
				     e);
	buf_init(&path, 8192);
	rc = secrets_file_path(a, kind, &path, e) < 0 ? -1 : write_atomically(path.data, secret, e);
	buf_free(&path);
	return rc;
}

int secrets_forget(const struct account *a, enum keyring_kind kind, struct err *e)
{
	struct buf path;
	int rc;

	if (a->store != STORE_FILE)
		return keyring_forget(kind, host_of(a, kind), user_of(a, kind), a->timeout, e);
	buf_init(&path, 8192);
	rc = secrets_file_path(a, kind, &path, e);
	if (rc == 0)
		rc = unlink(path.data) == 0 ? 1 : errno == ENOENT ? 0 :
		     err_set(e, ERR_CANTCREAT, "secret_store = file: %s: %s", path.data, strerror(errno));
	buf_free(&path);
	return rc;
}

/* Is there a Secret Service on the session bus (running, or started on
 * demand)? Asked of the bus itself, so a locked keyring counts as there. */
static int secret_service_present(struct err *e)
{
	const struct giolib *g;
	GDBusConnection *bus;
	GVariant *r;
	gboolean owned = FALSE;
	const char *method[2] = {"NameHasOwner", "ListActivatableNames"};
	int found = 0;

	if (!(g = giolib_load(e)) || !(bus = session_bus_open(g, e)))
		return -1;
	for (int i = 0; i < 2 && !found; i++) {
		r = g->g_dbus_connection_call_sync(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
			"org.freedesktop.DBus", method[i],
			i == 0 ? g->g_variant_new("(s)", "org.freedesktop.secrets") : NULL, NULL,
			G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
		if (!r)
			continue;
		if (i == 0) {
			g->g_variant_get(r, "(b)", &owned);
			found = owned;
		} else {
			GVariant *names = g->g_variant_get_child_value(r, 0);
			for (gsize k = 0; k < g->g_variant_n_children(names) && !found; k++) {
				GVariant *v = g->g_variant_get_child_value(names, k);
				const char *name = NULL;
				g->g_variant_get(v, "&s", &name);
				found = name && strcmp(name, "org.freedesktop.secrets") == 0;
				g->g_variant_unref(v);
			}
			g->g_variant_unref(names);
		}
		g->g_variant_unref(r);
	}
	g->g_object_unref(bus);
	return found ? 0 : err_set(e, ERR_TEMP, "no Secret Service (keyring) on the session bus");
}

int secrets_ready(const struct account *a, struct err *e)
{
	struct buf path;
	int rc;

	if (a->store == STORE_FILE) {
		buf_init(&path, 8192);
		rc = secrets_file_path(a, KEYRING_OAUTH_TOKEN, &path, e);
		buf_free(&path);
		return rc;
	}
	if (secret_service_present(e) == 0)
		return 0;
	err_prefix(e, "keyring");
	return err_append(e, "there is nowhere to keep secrets here: run this in your desktop "
			  "session, or set secret_store = file (see postern.ini(5))");
}
