/* RFC 5802 (SCRAM), RFC 7677 (SCRAM-SHA-256). */
#include "scram.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "b64.h"
#include "compat.h"

#define SCRAM_ITER_MAX 1000000   /* a hostile server must not make us spin */

static void make_nonce(char *out, size_t n)
{
	static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char rnd[32];

	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
		memset(rnd, 0x5a, sizeof rnd);
	for (size_t i = 0; i + 1 < n && i < sizeof rnd; i++)
		out[i] = set[rnd[i] % 64];
	out[n - 1 < sizeof rnd ? n - 1 : sizeof rnd] = '\0';
}

/* saslname: "=" and "," escaped as "=3D" and "=2C" (RFC 5802 5.1). */
static int append_saslname(struct buf *b, const char *user)
{
	for (const char *p = user; *p; p++) {
		const char *esc = *p == '=' ? "=3D" : *p == ',' ? "=2C" : NULL;
		if (esc ? buf_appends(b, esc) < 0 : buf_append(b, p, 1) < 0)
			return -1;
	}
	return 0;
}

int scram_first(struct scram *s, const char *user, struct buf *out, struct err *e)
{
	memset(s, 0, sizeof *s);
	buf_init(&s->client_first_bare, 2048);
	buf_init(&s->auth_message, 8192);
	make_nonce(s->nonce, sizeof s->nonce);
	if (buf_appends(&s->client_first_bare, "n=") < 0 ||
	    append_saslname(&s->client_first_bare, user) < 0 ||
	    buf_appendf(&s->client_first_bare, ",r=%s", s->nonce) < 0 ||
	    buf_appends(out, "n,,") < 0 ||
	    buf_append(out, s->client_first_bare.data, s->client_first_bare.len) < 0)
		return err_set(e, ERR_DATA, "AUTH SCRAM-SHA-256: user name too long");
	return 0;
}

/* The value of attribute `key` ("r", "s", "i") in a server message. */
static const char *attr(const char *msg, size_t len, char key, size_t *vlen)
{
	const char *p = msg, *end = msg + len;

	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *stop = comma ? comma : end;
		if (stop - p >= 2 && p[0] == key && p[1] == '=') {
			*vlen = (size_t)(stop - p - 2);
			return p + 2;
		}
		p = comma ? comma + 1 : end;
	}
	return NULL;
}

static int hmac256(const unsigned char *key, size_t klen, const void *data, size_t n,
		   unsigned char out[32])
{
	unsigned int len = 0;

	return HMAC(EVP_sha256(), key, (int)klen, data, n, out, &len) && len == 32 ? 0 : -1;
}

static int parse_server_first(const char *msg, size_t len, const char *nonce, struct buf *salt,
			      long *iter, const char **r, size_t *rlen, struct err *e)
{
	const char *s, *i;
	size_t slen, ilen;
	char num[16];

	*r = attr(msg, len, 'r', rlen);
	s = attr(msg, len, 's', &slen);
	i = attr(msg, len, 'i', &ilen);
	if (!*r || !s || !i || ilen == 0 || ilen >= sizeof num)
		return err_set(e, ERR_PROTOCOL, "AUTH SCRAM-SHA-256: malformed server-first message");
	if (*rlen <= strlen(nonce) || strncmp(*r, nonce, strlen(nonce)) != 0)
		return err_set(e, ERR_PROTOCOL, "AUTH SCRAM-SHA-256: the server's nonce does not extend ours");
	memcpy(num, i, ilen);
	num[ilen] = '\0';
	*iter = strtol(num, NULL, 10);
	if (*iter < 1 || *iter > SCRAM_ITER_MAX)
		return err_set(e, ERR_PROTOCOL, "AUTH SCRAM-SHA-256: iteration count %s out of range", num);
	if (b64_decode(salt, s, slen) < 0 || salt->len == 0)
		return err_set(e, ERR_PROTOCOL, "AUTH SCRAM-SHA-256: malformed salt");
	return 0;
}

int scram_final(struct scram *s, const char *password, const char *msg, size_t len,
		struct buf *out, struct err *e)
{
	unsigned char salted[32], client_key[32], stored[32], sig[32], proof[32], server_key[32];
	struct buf salt, without_proof;
	const char *r = NULL;
	size_t rlen = 0;
	long iter = 0;
	int rc = -1;

	buf_init(&salt, 1024);
	buf_init(&without_proof, 4096);
	if (parse_server_first(msg, len, s->nonce, &salt, &iter, &r, &rlen, e) < 0)
		goto out;
	if (buf_appends(&without_proof, "c=biws,r=") < 0 ||   /* biws = base64("n,,") */
	    buf_append(&without_proof, r, rlen) < 0 ||
	    buf_append(&s->auth_message, s->client_first_bare.data, s->client_first_bare.len) < 0 ||
	    buf_append(&s->auth_message, ",", 1) < 0 || buf_append(&s->auth_message, msg, len) < 0 ||
	    buf_append(&s->auth_message, ",", 1) < 0 ||
	    buf_append(&s->auth_message, without_proof.data, without_proof.len) < 0) {
		err_set(e, ERR_PROTOCOL, "AUTH SCRAM-SHA-256: server message too long");
		goto out;
	}
	if (PKCS5_PBKDF2_HMAC(password, (int)strlen(password), (unsigned char *)salt.data,
			      (int)salt.len, (int)iter, EVP_sha256(), 32, salted) != 1 ||
	    hmac256(salted, 32, "Client Key", 10, client_key) < 0 ||
	    !SHA256(client_key, 32, stored) ||
	    hmac256(stored, 32, s->auth_message.data, s->auth_message.len, sig) < 0 ||
	    hmac256(salted, 32, "Server Key", 10, server_key) < 0 ||
	    hmac256(server_key, 32, s->auth_message.data, s->auth_message.len,
		    s->server_signature) < 0) {
		err_set(e, ERR_SOFTWARE, "AUTH SCRAM-SHA-256: OpenSSL failed");
		goto out;
	}
	for (int k = 0; k < 32; k++)
		proof[k] = client_key[k] ^ sig[k];
	if (buf_append(out, without_proof.data, without_proof.len) < 0 || buf_appends(out, ",p=") < 0 ||
	    b64_encode(out, proof, sizeof proof) < 0) {
		err_set(e, ERR_PROTOCOL, "AUTH SCRAM-SHA-256: response too long");
		goto out;
	}
	rc = 0;
out:
	explicit_bzero(salted, sizeof salted);
	explicit_bzero(client_key, sizeof client_key);
	explicit_bzero(stored, sizeof stored);
	explicit_bzero(proof, sizeof proof);
	explicit_bzero(server_key, sizeof server_key);
	buf_free(&salt);
	buf_free(&without_proof);
	return rc;
}

int scram_verify(struct scram *s, const char *msg, size_t len, struct err *e)
{
	struct buf got;
	const char *v;
	size_t vlen;
	int ok;

	if (attr(msg, len, 'e', &vlen))
		return err_set(e, ERR_NOPERM, "AUTH SCRAM-SHA-256: the server says: %.*s", (int)len, msg);
	v = attr(msg, len, 'v', &vlen);
	buf_init(&got, 128);
	ok = v && b64_decode(&got, v, vlen) == 0 && got.len == 32 &&
	     CRYPTO_memcmp(got.data, s->server_signature, 32) == 0;
	buf_free(&got);
	if (!ok)
		return err_set(e, ERR_PROTOCOL, "AUTH SCRAM-SHA-256: the server's signature does not "
			       "verify: it does not know the password (an impostor?)");
	s->server_verified = 1;
	return 0;
}

void scram_free(struct scram *s)
{
	buf_free(&s->client_first_bare);
	buf_free(&s->auth_message);
	explicit_bzero(s->server_signature, sizeof s->server_signature);
}
