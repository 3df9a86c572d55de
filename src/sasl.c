/* RFC 4954 (SMTP AUTH), RFC 4616 (PLAIN), draft-murchison-sasl-login (LOGIN). */
#include "sasl.h"

#include <string.h>
#include <strings.h>

#include "b64.h"
#include "compat.h"

static const struct {
	const char *name;
	int strength;            /* auto picks the highest both sides have */
	enum auth_choice choice;
} mechs[SASL_MECH_COUNT] = {
	[SASL_PLAIN] = {"PLAIN", 2, AUTH_PLAIN},
	[SASL_LOGIN] = {"LOGIN", 1, AUTH_LOGIN},
};

unsigned sasl_mech_bit(const char *name, size_t len)
{
	for (int i = 0; i < SASL_MECH_COUNT; i++)
		if (strlen(mechs[i].name) == len && strncasecmp(mechs[i].name, name, len) == 0)
			return 1u << i;
	return 0;
}

const char *sasl_mech_name(enum sasl_mech_id m)
{
	return mechs[m].name;
}

int sasl_choose(enum auth_choice choice, unsigned offered, enum sasl_mech_id *out, struct err *e)
{
	int best = -1;

	for (int i = 0; i < SASL_MECH_COUNT; i++) {
		if (!(offered & (1u << i)))
			continue;
		if (choice == mechs[i].choice) {
			*out = (enum sasl_mech_id)i;
			return 0;
		}
		if (choice == AUTH_AUTO && (best < 0 || mechs[i].strength > mechs[best].strength))
			best = i;
	}
	if (best >= 0) {
		*out = (enum sasl_mech_id)best;
		return 0;
	}
	if (choice != AUTH_AUTO)
		for (int i = 0; i < SASL_MECH_COUNT; i++)
			if (choice == mechs[i].choice)
				return err_set(e, ERR_UNAVAILABLE, "AUTH: the server does not offer %s, "
					       "which auth = %s asks for", mechs[i].name, mechs[i].name);
	return err_set(e, ERR_UNAVAILABLE, "AUTH: the server offers no mechanism postern supports "
		       "(PLAIN, LOGIN)");
}

/* PLAIN: authzid NUL authcid NUL passwd, authzid empty. */
static int plain_message(const struct sasl_creds *c, struct buf *out)
{
	struct buf raw;
	int rc;

	buf_init(&raw, 4096);
	rc = buf_append(&raw, "", 1) < 0 || buf_appends(&raw, c->user) < 0 ||
	     buf_append(&raw, "", 1) < 0 || buf_appends(&raw, c->password) < 0 ||
	     b64_encode(out, raw.data, raw.len) < 0 ? -1 : 0;
	buf_free(&raw);   /* wipes the password copy */
	return rc;
}

int sasl_initial(enum sasl_mech_id m, const struct sasl_creds *c, struct buf *out)
{
	if (m == SASL_PLAIN)
		return plain_message(c, out);
	return 0;
}

int sasl_respond(enum sasl_mech_id m, int step, const struct sasl_creds *c, struct buf *out,
		 struct err *e)
{
	if (m == SASL_PLAIN && step == 0)       /* initial response withheld: send it now */
		return plain_message(c, out) < 0 ? err_set(e, ERR_DATA, "AUTH: credentials too long") : 0;
	if (m == SASL_LOGIN && step == 0)
		return b64_encode(out, c->user, strlen(c->user)) < 0 ?
		       err_set(e, ERR_DATA, "AUTH: user name too long") : 0;
	if (m == SASL_LOGIN && step == 1)
		return b64_encode(out, c->password, strlen(c->password)) < 0 ?
		       err_set(e, ERR_DATA, "AUTH: password too long") : 0;
	return err_set(e, ERR_PROTOCOL, "AUTH %s: the server sent an unexpected challenge (334)",
		       mechs[m].name);
}
