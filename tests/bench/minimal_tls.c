/*
 * minimal_tls: the floor any OpenSSL client of an SMTPS server pays, the
 * bench's reference program (issue 9).  It loads libssl, makes an SSL_CTX,
 * loads the CA file, does one verified TLS 1.3 handshake (name or IP address
 * checked) and reads the server's 220 greeting, then exits.
 *
 *   minimal_tls HOST PORT CA_FILE      (HOST: an IPv4 address or a name)
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	struct in_addr ip;
	char buf[512];
	int fd, n, len = 0;

	if (argc != 4 || getaddrinfo(argv[1], argv[2], &hints, &ai) != 0)
		return 64;
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx || !SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) ||
	    !SSL_CTX_load_verify_locations(ctx, argv[3], NULL))
		return 78;
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) != 0)
		return 69;
	SSL *ssl = SSL_new(ctx);
	if (inet_pton(AF_INET, argv[1], &ip) == 1)
		X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), argv[1]);
	else if (!SSL_set1_host(ssl, argv[1]) || !SSL_set_tlsext_host_name(ssl, argv[1]))
		return 70;
	SSL_set_fd(ssl, fd);
	if (SSL_connect(ssl) != 1)
		return 75;
	/* The greeting: read until a line "220 ..." ends with CRLF. */
	while (len < (int)sizeof buf - 1 && (n = SSL_read(ssl, buf + len, (int)sizeof buf - 1 - len)) > 0) {
		len += n;
		buf[len] = '\0';
		if (strncmp(buf, "220 ", 4) == 0 && strstr(buf, "\r\n"))
			return 0;
	}
	return 76;
}
