/* Fuzzes caps.c: an EHLO reply (lines as the server sends them, fed
 * through reply_feed) read by caps_parse, then every auth choice made
 * with sasl_choose. LIMITS values stay within 9 digits and above 0, the
 * AUTH list yields only mechanisms postern knows, and a chosen mechanism
 * is one the server offered, of the kind (password or OAuth2) asked for. */
#include "bounds.h"
#include "caps.h"
#include "fuzz.h"
#include "sasl.h"

static void check_caps(const struct caps *c)
{
	enum sasl_mech_id m;
	struct err e = {0};

	FUZZ_CHECK(!(c->flags & ~((CAP_LIMITS << 1) - 1)), "only known capability flags");
	FUZZ_CHECK(!(c->auth_mechs & ~((1u << SASL_MECH_COUNT) - 1)), "only known mechanisms");
	FUZZ_CHECK(!c->auth_mechs || (c->flags & CAP_AUTH), "mechanisms come with AUTH");
	FUZZ_CHECK(c->rcptmax <= 999999999 && c->mailmax <= 999999999 &&
		   c->rcptdomainmax <= 999999999, "LIMITS values have at most 9 digits");
	FUZZ_CHECK((c->rcptmax | c->mailmax | c->rcptdomainmax) == 0 || (c->flags & CAP_LIMITS),
		   "LIMITS values come with LIMITS");
	FUZZ_CHECK(!c->size_limit || (c->flags & CAP_SIZE), "a size limit comes with SIZE");
	for (int choice = AUTH_AUTO; choice <= AUTH_OAUTHBEARER; choice++)
		for (int oauth = 0; oauth < 2; oauth++) {
			if (sasl_choose((enum auth_choice)choice, c->auth_mechs, oauth, &m, &e) < 0) {
				FUZZ_CHECK(e.kind == ERR_UNAVAILABLE, "no mechanism: unavailable");
				continue;
			}
			FUZZ_CHECK(c->auth_mechs & (1u << m), "the chosen mechanism was offered");
			FUZZ_CHECK(sasl_is_oauth(m) == oauth, "the chosen mechanism is of the kind asked");
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct reply r;
	struct caps c;
	struct err e = {0};

	reply_init(&r);
	while (p < end) {
		size_t len;
		const char *line = fuzz_line(&p, end, &len);
		int rc = len > REPLY_LINE_MAX ? -1 : reply_feed(&r, line, len, &e);
		if (rc > 0 && r.code == 250) {
			caps_parse(&c, &r);
			check_caps(&c);
		}
		if (rc != 0)
			reply_reset(&r);
	}
	reply_free(&r);
	return 0;
}
