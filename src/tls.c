#include "tls.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <string.h>

#include "log.h"

static int is_ip_literal(const char *host)
{
	unsigned char tmp[16];

	return inet_pton(AF_INET, host, tmp) == 1 || inet_pton(AF_INET6, host, tmp) == 1;
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
		       : SSL_CTX_set_default_verify_paths(ctx) != 1) {
		err_set(e, ERR_CONFIG, "TLS: cannot load trusted certificates from %s: %s",
			p->ca_file ? p->ca_file : "the system store", tls_error_string());
		SSL_CTX_free(ctx);
		return NULL;
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
	if (!ssl || !tls_bind_name(ssl, p->host) || SSL_set_fd(ssl, fd) != 1) {
		err_set(e, ERR_SOFTWARE, "TLS: cannot set up the session: %s", tls_error_string());
		SSL_free(ssl);
		return NULL;
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
	log_info("TLS %s, %s, certificate verified for %s", SSL_get_version(ssl),
		 SSL_get_cipher_name(ssl), p->host);
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
