/* Fuzzes sasl.c and scram.c: the server's 334 challenges for one AUTH
 * exchange. The first byte picks the mechanism (low bits) and whether the
 * challenges are given as the server sends them (base64) or raw (high
 * bit): raw ones are base64-encoded here after "%n" becomes our SCRAM
 * nonce and "%v" our expected server signature, so that the fuzzer can
 * reach SCRAM's server-first and server-final parsing, and the OAuth
 * error report (a JSON object) in plain text. Challenges are separated by
 * LF. Every response is base64 of bounded length (so it can never carry
 * a line break into the command stream), and a failed step says why. */
#include "b64.h"
#include "bounds.h"
#include "fuzz.h"
#include "jsonlib.h"
#include "sasl.h"

#define ITER_FUZZ_MAX 4096   /* PBKDF2 rounds: the 1000000 bound is scram.c's, tested there */

static const struct sasl_creds creds = {
	.user = "user@example.com", .password = "pencil", .host = "smtp.example.com", .port = 587};
static const struct sasl_creds oauth_creds = {
	.user = "user@example.com", .token = "ya29.a0Af_token", .host = "smtp.example.com",
	.port = 587};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct err e = {0};

	(void)argc, (void)argv;
	if (!jsonlib_load(&e)) {   /* else the OAuth error report is never read */
		fprintf(stderr, "fuzz: %s\n", e.msg);
		abort();
	}
	return 0;
}

static void check_base64(const struct buf *b)
{
	struct buf dec;

	buf_init(&dec, b->len + 1);
	FUZZ_CHECK(b->len <= CMD_LINE_MAX, "a response fits a command line");
	FUZZ_CHECK(b64_decode(&dec, b->data ? b->data : "", b->len) == 0, "a response is base64");
	buf_free(&dec);
}

/* An "i=" attribute asking for more PBKDF2 rounds than a fuzzer can afford. */
static int too_many_rounds(const char *p, size_t n)
{
	for (size_t i = 0; i + 2 < n; i++) {
		long v = 0;
		if ((i > 0 && p[i - 1] != ',') || p[i] != 'i' || p[i + 1] != '=')
			continue;
		for (size_t k = i + 2; k < n && p[k] >= '0' && p[k] <= '9' && v <= ITER_FUZZ_MAX; k++)
			v = v * 10 + (p[k] - '0');
		if (v > ITER_FUZZ_MAX)
			return 1;
	}
	return 0;
}

/* A raw challenge with its placeholders filled, as base64. */
static int encode_raw(const struct sasl_session *ss, const char *p, size_t n, struct buf *out)
{
	struct buf raw, sig;
	int rc = 0;

	buf_init(&raw, 8192);
	buf_init(&sig, 64);
	if (b64_encode(&sig, ss->scram.server_signature, sizeof ss->scram.server_signature) < 0)
		rc = -1;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (p[i] == '%' && i + 1 < n && p[i + 1] == 'n')
			rc = buf_appends(&raw, ss->scram.nonce), i++;
		else if (p[i] == '%' && i + 1 < n && p[i + 1] == 'v')
			rc = buf_append(&raw, sig.data, sig.len), i++;
		else
			rc = buf_append(&raw, p + i, 1);
	}
	if (rc == 0)
		rc = b64_encode(out, raw.data ? raw.data : "", raw.len);
	buf_free(&raw);
	buf_free(&sig);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data + 1, *end = (const char *)data + size;
	enum sasl_mech_id m;
	const struct sasl_creds *c;
	struct sasl_session ss;
	struct buf out, challenge;
	struct err e = {0};
	int raw;

	if (size < 1)
		return 0;
	m = (enum sasl_mech_id)((data[0] & 0x7f) % SASL_MECH_COUNT);
	raw = data[0] & 0x80;
	if (raw && too_many_rounds(p, (size_t)(end - p)))
		return 0;
	c = sasl_is_oauth(m) ? &oauth_creds : &creds;
	buf_init(&out, CMD_LINE_MAX);
	buf_init(&challenge, 4 * 8192);
	FUZZ_CHECK(sasl_begin(&ss, m, c, &out, &e) == 0, "a mechanism starts");
	check_base64(&out);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		int rc;
		buf_reset(&challenge);
		buf_wipe(&out);
		if (raw ? encode_raw(&ss, p, n, &challenge) < 0 : buf_append(&challenge, p, n) < 0)
			break;
		rc = sasl_next(&ss, challenge.data ? challenge.data : "", challenge.len, c, &out, &e);
		if (rc < 0) {
			FUZZ_CHECK(e.kind != ERR_NONE && e.msg[0], "a failed step says why");
			break;
		}
		check_base64(&out);
		FUZZ_CHECK(memchr(ss.oauth_status, '\0', sizeof ss.oauth_status) != NULL,
			   "the OAuth status is a string");
		p = nl ? nl + 1 : end;
	}
	if (sasl_done(&ss, &e) == 0 && m == SASL_SCRAM_SHA256)
		FUZZ_CHECK(ss.scram.server_verified, "SCRAM is done only when the server proved itself");
	sasl_end(&ss);
	buf_free(&out);
	buf_free(&challenge);
	return 0;
}
