#include "tls_report.h"

#include <string.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/* One name as a short line: "CN=smtp.example.com, O=Example". */
static void name_text(const X509_NAME *n, char *out, size_t len)
{
	BIO *b = BIO_new(BIO_s_mem());
	int got = 0;

	out[0] = '\0';
	if (!b)
		return;
	if (X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0)
		got = BIO_read(b, out, (int)len - 1);
	out[got > 0 ? got : 0] = '\0';
	BIO_free(b);
}

/* "2027-03-01 12:00:00 UTC" for an ASN.1 time. */
static void time_text(const ASN1_TIME *t, char *out, size_t len)
{
	struct tm tm;

	if (!t || ASN1_TIME_to_tm(t, &tm) != 1 || !strftime(out, len, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(out, len, "(unreadable)");
}

/* Days from now to t (negative: past), or 0 when it cannot be told. */
static int days_left(const ASN1_TIME *t)
{
	int days = 0, secs = 0;

	return ASN1_TIME_diff(&days, &secs, NULL, t) == 1 ? days : 0;
}

/* The DNS and IP names of the server's certificate. */
static void alt_names(X509 *cert, FILE *out, const char *indent)
{
	GENERAL_NAMES *names = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	int n = names ? sk_GENERAL_NAME_num(names) : 0;

	fprintf(out, "%s  names:", indent);
	for (int i = 0; i < n; i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);
		if (g->type == GEN_DNS)
			fprintf(out, " %.*s", ASN1_STRING_length(g->d.dNSName),
				(const char *)ASN1_STRING_get0_data(g->d.dNSName));
		else if (g->type == GEN_IPADD && ASN1_STRING_length(g->d.iPAddress) == 4) {
			const unsigned char *ip = ASN1_STRING_get0_data(g->d.iPAddress);
			fprintf(out, " %u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
		}
	}
	fprintf(out, "%s\n", n ? "" : " (none: only the subject's CN)");
	GENERAL_NAMES_free(names);
}

static void fingerprint(X509 *cert, FILE *out, const char *indent)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	if (X509_digest(cert, EVP_sha256(), md, &len) != 1)
		return;
	fprintf(out, "%s  SHA-256 (for tls_fingerprint): ", indent);
	for (unsigned i = 0; i < len; i++)
		fprintf(out, "%02X%s", md[i], i + 1 < len ? ":" : "\n");
}

/* One certificate; returns 1 when it expires soon. */
static int one_cert(X509 *cert, int depth, FILE *out, const char *indent)
{
	char subject[512], issuer[512], until[64];
	const ASN1_TIME *not_after = X509_get0_notAfter(cert);
	int days = days_left(not_after), soon;

	name_text(X509_get_subject_name(cert), subject, sizeof subject);
	name_text(X509_get_issuer_name(cert), issuer, sizeof issuer);
	time_text(not_after, until, sizeof until);
	soon = X509_cmp_time(not_after, NULL) > 0 && days < TLS_EXPIRY_WARN_DAYS;
	fprintf(out, "%scertificate %d: %s\n%s  issued by %s\n%s  expires %s (%s%d days)%s\n", indent,
		depth, subject, indent, issuer, indent, until, days < 0 ? "expired " : "in ",
		days < 0 ? -days : days, soon ? ": WARNING, renew it soon" : "");
	if (depth == 0) {
		alt_names(cert, out, indent);
		fingerprint(cert, out, indent);
	}
	return soon;
}

int tls_report(SSL *ssl, FILE *out, const char *indent)
{
	STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);
	X509 *leaf = SSL_get0_peer_certificate(ssl);
	int n = chain ? sk_X509_num(chain) : 0, soon = 0;

	fprintf(out, "%sTLS: %s, cipher %s%s\n", indent, SSL_get_version(ssl), SSL_get_cipher_name(ssl),
		SSL_session_reused(ssl) ? ", session resumed (no certificate sent)" : "");
	if (n == 0 && leaf)   /* a resumed session knows only the server's own */
		return one_cert(leaf, 0, out, indent);
	for (int i = 0; i < n; i++)
		soon += one_cert(sk_X509_value(chain, i), i, out, indent);
	return soon;
}
