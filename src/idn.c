#include "idn.h"

#include <idn2.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "bounds.h"

static int is_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

char *idn_spec_to_ascii(const char *spec, struct err *e)
{
	const char *at = strrchr(spec, '@');
	char *ascii = NULL;
	struct buf out;
	int rc;

	if (is_ascii(spec, strlen(spec)))
		return strdup(spec);
	if (!at || !is_ascii(spec, (size_t)(at - spec))) {
		err_set(e, ERR_DATA, "address '%s': a non-ASCII local part needs SMTPUTF8, which postern "
			"does not send yet", spec);
		return NULL;
	}
	rc = idn2_to_ascii_8z(at + 1, &ascii, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
	if (rc != IDN2_OK) {
		err_set(e, ERR_DATA, "address '%s': invalid international domain: %s", spec,
			idn2_strerror(rc));
		return NULL;
	}
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
