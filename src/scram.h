/*
 * SCRAM-SHA-256 (RFC 5802, RFC 7677) for SMTP AUTH: the password never
 * crosses the wire, and the server proves it knows it too (its signature
 * is verified before postern accepts the 235).
 */
#ifndef POSTERN_SCRAM_H
#define POSTERN_SCRAM_H

#include "buf.h"
#include "errors.h"

struct scram {
	char nonce[33];                 /* ours, printable */
	struct buf client_first_bare;
	struct buf auth_message;
	unsigned char server_signature[32];
	int server_verified;
};

/* The client-first message (raw, not base64) into out. */
int scram_first(struct scram *s, const char *user, struct buf *out, struct err *e);

/* Answers the server-first message (raw) with the client-final (raw). */
int scram_final(struct scram *s, const char *password, const char *server_first, size_t len,
		struct buf *out, struct err *e);

/* Checks the server-final message (raw): "v=" and the expected signature. */
int scram_verify(struct scram *s, const char *server_final, size_t len, struct err *e);

void scram_free(struct scram *s);

#endif
