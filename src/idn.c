/* RFC 5891 (IDNA2008), RFC 6531 (SMTPUTF8), RFC 6532 section 3.1 (NFC). */
#include "idn.h"

#include <idn2.h>
#include <stdlib.h>
#include <string.h>
#include <uninorm.h>

#include "buf.h"
#include "bounds.h"
#include "dl.h"
#include "utf8.h"

/* libidn2 and libunistring (1.7 MB, NFC tables) are loaded with dlopen
 * when the first non-ASCII address shows up: an all-ASCII run, nearly
 * every run, never needs them. Typed from their headers. */
static struct {
	__typeof__(idn2_to_ascii_8z) *idn2_to_ascii_8z;
	__typeof__(idn2_strerror) *idn2_strerror;
	__typeof__(idn2_free) *idn2_free;
	__typeof__(u8_normalize) *u8_normalize;
	__typeof__(uninorm_nfc) *uninorm_nfc;   /* the data UNINORM_NFC points to */
} lib;

static const struct dl_sym idn2_syms[] = {
	DL_SYM(lib, idn2_to_ascii_8z),
	DL_SYM(lib, idn2_strerror),
	DL_SYM(lib, idn2_free),
};

/* Opened on its own, not through libidn2: a libidn2 may carry a private
 * copy of the parts of libunistring it needs. */
static const struct dl_sym unistring_syms[] = {
	DL_SYM(lib, u8_normalize),
	DL_SYM(lib, uninorm_nfc),
};

/* A missing library is mended by installing it: ERR_TEMP. */
static int idn_load(const char *spec, struct err *e)
{
	static void *idn2, *unistring;

	if (!idn2 && !(idn2 = dl_load("IDN", "libidn2.so.0", "libidn2-0", idn2_syms,
				      sizeof idn2_syms / sizeof idn2_syms[0], e)))
		return err_prefix(e, "address '%s'", spec);
	if (!unistring && !(unistring = dl_load("IDN", "libunistring.so.2", "libunistring2",
						unistring_syms,
						sizeof unistring_syms / sizeof unistring_syms[0], e)))
		return err_prefix(e, "address '%s'", spec);
	return 0;
}

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
	int rc;

	if (idn_load(spec, e) < 0)
		return NULL;
	rc = lib.idn2_to_ascii_8z(domain, &ascii, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
	if (rc != IDN2_OK) {
		err_set(e, ERR_DATA, "address '%s': invalid international domain: %s", spec,
			lib.idn2_strerror(rc));
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
	if (idn_load(spec, e) < 0)
		return NULL;
	nfc = lib.u8_normalize(lib.uninorm_nfc, (const uint8_t *)spec, n, NULL, &len);
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
		lib.idn2_free(ascii);
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
		lib.idn2_free(ascii);
		buf_free(&out);
		err_set(e, ERR_DATA, "address '%s': too long", spec);
		return NULL;
	}
	lib.idn2_free(ascii);
	return buf_steal(&out);
}
