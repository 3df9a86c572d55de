/*
 * What postern --check tells about a TLS session: protocol and cipher, and
 * each certificate the server presented (subject, expiry, days left, a
 * warning when fewer than TLS_EXPIRY_WARN_DAYS remain), with the names the
 * server's own certificate is for and its SHA-256 fingerprint in the form
 * tls_fingerprint takes.
 */
#ifndef POSTERN_TLS_REPORT_H
#define POSTERN_TLS_REPORT_H

#include <stdio.h>
#include <openssl/ssl.h>

#define TLS_EXPIRY_WARN_DAYS 14

/* Writes the report, each line indented by `indent`; returns how many
 * certificates expire within TLS_EXPIRY_WARN_DAYS. */
int tls_report(SSL *ssl, FILE *out, const char *indent);

#endif
