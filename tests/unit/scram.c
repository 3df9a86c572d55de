/* SCRAM-SHA-256 against the example exchange of RFC 7677 section 3, and a
 * server whose signature does not verify. */
#include <string.h>

#include "scram.h"
#include "tap.h"

#define NONCE "rOprNGfwEbeRWgbNEkqO"
#define SERVER_FIRST "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
#define CLIENT_FINAL "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
#define SERVER_FINAL "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="

/* scram_first with the RFC's nonce instead of a random one. */
static void start(struct scram *s, struct buf *first)
{
	struct err e = {0};

	scram_first(s, "user", first, &e);
	memcpy(s->nonce, NONCE, sizeof NONCE);
	buf_reset(&s->client_first_bare);
	(void)!buf_appends(&s->client_first_bare, "n=user,r=" NONCE);
}

int main(void)
{
	struct scram s;
	struct buf first, final;
	struct err e = {0};

	buf_init(&first, 4096);
	buf_init(&final, 4096);
	start(&s, &first);
	like(first.data, "n,,n=user,r=", "client-first: gs2 header, user, nonce");
	is_int(scram_final(&s, "pencil", SERVER_FIRST, strlen(SERVER_FIRST), &final, &e), 0,
	       "client-final computed");
	is_str(final.data, CLIENT_FINAL, "client-final matches RFC 7677 (the proof is right)");
	is_int(scram_verify(&s, SERVER_FINAL, strlen(SERVER_FINAL), &e), 0, "the RFC's server signature verifies");
	is_int(s.server_verified, 1, "server marked verified");
	scram_free(&s);

	buf_reset(&first);
	buf_reset(&final);
	start(&s, &first);
	scram_final(&s, "pencil", SERVER_FIRST, strlen(SERVER_FIRST), &final, &e);
	is_int(scram_verify(&s, "v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", 46, &e), -1,
	       "a wrong server signature is refused");
	is_int(e.kind, ERR_PROTOCOL, "wrong server signature: ERR_PROTOCOL");
	like(e.msg, "does not verify", "wrong server signature: said so");
	is_int(s.server_verified, 0, "wrong server signature: not verified");
	scram_free(&s);

	buf_reset(&first);
	buf_reset(&final);
	start(&s, &first);
	is_int(scram_final(&s, "pencil", "r=someoneelse,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", 48, &final, &e),
	       -1, "a server nonce that does not extend ours is refused");
	scram_free(&s);
	start(&s, &first);
	is_int(scram_final(&s, "pencil", "r=" NONCE "x,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=999999999", 61, &final, &e),
	       -1, "an absurd iteration count is refused (no spinning for a hostile server)");
	scram_free(&s);
	buf_free(&first);
	buf_free(&final);
	return done_testing();
}
