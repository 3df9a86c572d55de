/* RFC 5891 (IDNA2008), RFC 6531 (SMTPUTF8), RFC 6532 section 3.1 (NFC). */
#include "idn.h"

#include <idn2.h>
#include <stdlib.h>
#include <string.h>
#include <uninorm.h>

#include "buf.h"
#include "bounds.h"
#include "utf8.h"

static int is_ascii(const char *s, size_t n)
{
	return !utf8_has_nonascii(s, n);
}

int idn_local_is_utf8(const char *spec)
{
	const char *at = strrchr(spec, '@');

	return !is_ascii(spec, at ? (size_t)(at - spec) : strlen(spec));
}

/* The domain's A-label form (owned by libidn2: idn2_free), or NULL. */
static char *ascii_domain(const char *spec, const char *domain, struct err *e)
{
	char *ascii = NULL;
	int rc = idn2_to_ascii_8z(domain, &ascii, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);

	if (rc != IDN2_OK) {
		err_set(e, ERR_DATA, "address '%s': invalid international domain: %s", spec,
			idn2_strerror(rc));
		return NULL;
	}
	return ascii;
}

char *idn_spec_canonical(const char *spec, struct err *e)
{
	size_t n = strlen(spec), len = 0, off = 0;
	const char *why = utf8_problem(spec, n, 0, &off);
	uint8_t *nfc;
	char *out, *at, *ascii;

	if (why) {
		err_set(e, ERR_DATA, "address '%s': %s at byte %zu", spec, why, off + 1);
		return NULL;
	}
	if (is_ascii(spec, n))
		return strdup(spec);
	nfc = u8_normalize(UNINORM_NFC, (const uint8_t *)spec, n, NULL, &len);
	if (!nfc || !(out = malloc(len + 1))) {
		free(nfc);
		err_set(e, ERR_OS, "address '%s': out of memory", spec);
		return NULL;
	}
	memcpy(out, nfc, len);
	out[len] = '\0';
	free(nfc);
	at = strrchr(out, '@');
	if (at && !is_ascii(at + 1, strlen(at + 1))) {
		if (!(ascii = ascii_domain(spec, at + 1, e))) {
			free(out);
			return NULL;
		}
		idn2_free(ascii);
	}
	return out;
}

char *idn_spec_to_ascii(const char *spec, struct err *e)
{
	if (idn_local_is_utf8(spec)) {
		err_set(e, ERR_DATA, "address '%s': a non-ASCII local part needs SMTPUTF8", spec);
		return NULL;
	}
	return idn_spec_ascii_domain(spec, e);
}

char *idn_spec_ascii_domain(const char *spec, struct err *e)
{
	const char *at = strrchr(spec, '@');
	char *ascii = NULL;
	struct buf out;

	if (!at || is_ascii(at + 1, strlen(at + 1)))
		return strdup(spec);
	if (!(ascii = ascii_domain(spec, at + 1, e)))
		return NULL;
	buf_init(&out, ADDR_MAX);
	if (buf_append(&out, spec, (size_t)(at + 1 - spec)) < 0 || buf_appends(&out, ascii) < 0) {
		idn2_free(ascii);
		buf_free(&out);
		err_set(e, ERR_DATA, "address '%s': too long", spec);
		return NULL;
	}
	idn2_free(ascii);
	return buf_steal(&out);
}
