/*
 * TLS policy with OpenSSL: TLS 1.2 or later, the certificate chain and host
 * name verified against the system store or the account's tls_ca_file, SNI
 * for names (not for IP literals), and an optional SHA-256 pin of the
 * server certificate that replaces chain verification (for self-signed
 * servers). The handshake's I/O loop is conn.c's.
 * With a session_file, the session (a TLS 1.3 ticket or a TLS 1.2 session
 * id, with its resumption secret) is kept there, mode 0600, replaced
 * atomically whenever the server sends a new one, and offered on the next
 * connection while its lifetime lasts: a resumed handshake skips the
 * certificate exchange and the stall behind the server's new ticket. A
 * file that is missing, unreadable, not private or expired is ignored; a
 * server that refuses it costs a full handshake, nothing else.
 */
#ifndef POSTERN_TLS_H
#define POSTERN_TLS_H

#include <openssl/ssl.h>

#include "errors.h"

struct tls_policy {
	const char *host;               /* name or IP literal to verify */
	const char *ca_file;            /* NULL: system store */
	const unsigned char *pin;       /* 32 bytes, or NULL */
	const char *session_file;       /* NULL: no resumption; else where this account's
					 * session for this server is kept (RFC 8446 2.2) */
};

/* A client context and a session bound to fd (or, with fd < 0, to be
 * bound later with SSL_set_fd: made while a connection is under way).
 * ERR_CONFIG for an unusable CA file, ERR_SOFTWARE for OpenSSL failures. */
SSL *tls_session_new(const struct tls_policy *p, int fd, struct err *e);

/* After the handshake: checks the verification result or the pin.
 * ERR_TEMP with the reason (expired, wrong host, unknown CA, pin mismatch). */
int tls_check_peer(SSL *ssl, const struct tls_policy *p, struct err *e);

/* The last OpenSSL error as text (for handshake failures). */
const char *tls_error_string(void);

/* Frees the session and its context. */
void tls_session_free(SSL *ssl);

#endif
