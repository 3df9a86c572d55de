#include "tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define SESSION_FILE_MAX (16 * 1024)   /* a serialised session with its ticket */

static int is_ip_literal(const char *host)
{
	unsigned char tmp[16];

	return inet_pton(AF_INET, host, tmp) == 1 || inet_pton(AF_INET6, host, tmp) == 1;
}

/* OpenSSL calls this with every session the server gives us (TLS 1.3
 * sends its tickets after the handshake): it replaces the kept one. */
static int keep_session(SSL *ssl, SSL_SESSION *sess)
{
	const char *path = SSL_get_app_data(ssl);
	unsigned char der[SESSION_FILE_MAX], *p = der;
	char tmp[4200];
	int len = i2d_SSL_SESSION(sess, NULL), fd;

	if (!path || len <= 0 || len > (int)sizeof der || !SSL_SESSION_is_resumable(sess) ||
	    i2d_SSL_SESSION(sess, &p) != len)
		return 0;
	snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return 0;
	if (write(fd, der, (size_t)len) != len || close(fd) < 0 || rename(tmp, path) < 0) {
		unlink(tmp);
		log_info("TLS: could not keep the session in %s: %s", path, strerror(errno));
	}
	OPENSSL_cleanse(der, sizeof der);
	return 0;   /* we kept a copy, not the object */
}

/* The kept session, when it is ours alone, whole and still valid. */
static SSL_SESSION *kept_session(const char *path, const char *host)
{
	unsigned char der[SESSION_FILE_MAX];
	const unsigned char *p = der;
	struct stat st;
	SSL_SESSION *sess = NULL;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == getuid() &&
	    !(st.st_mode & 077) && st.st_size > 0 && st.st_size <= (off_t)sizeof der &&
	    (n = read(fd, der, sizeof der)) == st.st_size)
		sess = d2i_SSL_SESSION(NULL, &p, (long)n);
	close(fd);
	OPENSSL_cleanse(der, sizeof der);
	if (sess && (!SSL_SESSION_is_resumable(sess) ||
		     SSL_SESSION_get_time(sess) + SSL_SESSION_get_timeout(sess) <= (long)time(NULL) ||
		     (SSL_SESSION_get0_hostname(sess) &&
		      strcmp(SSL_SESSION_get0_hostname(sess), host) != 0))) {
		SSL_SESSION_free(sess);
		sess = NULL;
	}
	return sess;
}

/* Marks a store whose bundle file has been read (X509_STORE ex_data). */
static int bundle_index = -1;

/* The issuer from the hashed folder; only when it has none, the bundle
 * file is read into the store (once) and asked too. */
static int issuer_or_bundle(X509 **issuer, X509_STORE_CTX *sctx, X509 *x)
{
	X509_STORE *store = X509_STORE_CTX_get0_store(sctx);
	X509_LOOKUP *file;
	int r = X509_STORE_CTX_get1_issuer(issuer, sctx, x);

	if (r != 0 || X509_STORE_get_ex_data(store, bundle_index))
		return r;
	X509_STORE_set_ex_data(store, bundle_index, store);
	file = X509_STORE_add_lookup(store, X509_LOOKUP_file());
	if (!file || X509_LOOKUP_load_file(file, NULL, X509_FILETYPE_DEFAULT) != 1) {
		ERR_clear_error();   /* no bundle: the chain fails as it would have */
		return r;
	}
	return X509_STORE_CTX_get1_issuer(issuer, sctx, x);
}

/* The system's trusted certificates, as OpenSSL's default paths name them
 * (SSL_CERT_DIR and SSL_CERT_FILE honoured), without its cost: the default
 * reads the whole bundle file, about 150 certificates and 245 M
 * instructions, on every run, where the hashed folder beside it (kept by
 * update-ca-certificates) is read only for the issuers a chain needs. An
 * issuer that only the bundle holds still verifies: see issuer_or_bundle. */
static int load_system_trust(SSL_CTX *ctx)
{
	X509_STORE *store = SSL_CTX_get_cert_store(ctx);
	X509_LOOKUP *dir = X509_STORE_add_lookup(store, X509_LOOKUP_hash_dir());

	if (bundle_index < 0)
		bundle_index = X509_STORE_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	if (!dir || bundle_index < 0 || X509_LOOKUP_add_dir(dir, NULL, X509_FILETYPE_DEFAULT) != 1)
		return SSL_CTX_set_default_verify_paths(ctx);
	X509_STORE_set_get_issuer(store, issuer_or_bundle);
	return 1;
}

static SSL_CTX *tls_ctx_new(const struct tls_policy *p, struct err *e)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (!ctx) {
		err_set(e, ERR_SOFTWARE, "TLS: cannot create a context: %s", tls_error_string());
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	/* With a pin the chain is not required to verify: the pin decides. */
	SSL_CTX_set_verify(ctx, p->pin ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, NULL);
	if (p->ca_file ? SSL_CTX_load_verify_locations(ctx, p->ca_file, NULL) != 1
		       : load_system_trust(ctx) != 1) {
		err_set(e, ERR_CONFIG, "TLS: cannot load trusted certificates from %s: %s",
			p->ca_file ? p->ca_file : "the system store", tls_error_string());
		SSL_CTX_free(ctx);
		return NULL;
	}
	if (p->session_file) {
		SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
		SSL_CTX_sess_set_new_cb(ctx, keep_session);
	}
	return ctx;
}

static int tls_bind_name(SSL *ssl, const char *host)
{
	if (is_ip_literal(host))
		return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host) == 1;
	return SSL_set_tlsext_host_name(ssl, host) == 1 && SSL_set1_host(ssl, host) == 1;
}

SSL *tls_session_new(const struct tls_policy *p, int fd, struct err *e)
{
	SSL_CTX *ctx = tls_ctx_new(p, e);
	SSL *ssl;

	if (!ctx)
		return NULL;
	ssl = SSL_new(ctx);
	SSL_CTX_free(ctx);   /* the session holds its own reference */
	if (!ssl || !tls_bind_name(ssl, p->host) || (fd >= 0 && SSL_set_fd(ssl, fd) != 1)) {
		err_set(e, ERR_SOFTWARE, "TLS: cannot set up the session: %s", tls_error_string());
		SSL_free(ssl);
		return NULL;
	}
	if (p->session_file) {
		SSL_SESSION *kept = kept_session(p->session_file, p->host);
		SSL_set_app_data(ssl, (void *)p->session_file);
		if (kept && SSL_set_session(ssl, kept) != 1)
			ERR_clear_error();   /* then a full handshake, as without one */
		SSL_SESSION_free(kept);
	}
	return ssl;
}

static int tls_check_pin(SSL *ssl, const struct tls_policy *p, struct err *e)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	X509 *cert = SSL_get1_peer_certificate(ssl);
	int ok;

	if (!cert)
		return err_set(e, ERR_TEMP, "TLS: the server sent no certificate");
	ok = X509_digest(cert, EVP_sha256(), md, &len) == 1 && len == 32 && memcmp(md, p->pin, 32) == 0;
	X509_free(cert);
	if (!ok)
		return err_set(e, ERR_TEMP, "TLS: the server certificate does not match tls_fingerprint "
			       "(someone may be intercepting the connection, or the certificate changed)");
	return 0;
}

int tls_check_peer(SSL *ssl, const struct tls_policy *p, struct err *e)
{
	long v;

	if (p->pin)
		return tls_check_pin(ssl, p, e);
	v = SSL_get_verify_result(ssl);
	if (v != X509_V_OK)
		return err_set(e, ERR_TEMP, "TLS: certificate of %s not trusted: %s", p->host,
			       X509_verify_cert_error_string(v));
	log_info("TLS %s, %s, certificate verified for %s%s", SSL_get_version(ssl),
		 SSL_get_cipher_name(ssl), p->host, SSL_session_reused(ssl) ? ", session resumed" : "");
	return 0;
}

const char *tls_error_string(void)
{
	static char buf[256];
	unsigned long code = ERR_get_error();

	if (!code)
		return "no details";
	ERR_error_string_n(code, buf, sizeof buf);
	ERR_clear_error();
	return buf;
}

void tls_session_free(SSL *ssl)
{
	SSL_free(ssl);
}
