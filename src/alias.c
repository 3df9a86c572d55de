#include "alias.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bounds.h"
#include "buf.h"

/* Finds the entry for `name` in the file text; returns its value (the text
 * after the colon, continuation lines joined) owned, or NULL. */
static char *alias_find(const char *text, const char *name)
{
	size_t nl = strlen(name);
	const char *p = text;

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		if (*p != '#' && *p != ' ' && *p != '\t' && len > nl &&
		    strncasecmp(p, name, nl) == 0 && (p[nl] == ':' || p[nl] == ' ' || p[nl] == '\t')) {
			const char *colon = memchr(p, ':', len);
			struct buf v;
			buf_init(&v, ALIAS_FILE_MAX);
			if (colon && buf_append(&v, colon + 1, len - (size_t)(colon + 1 - p)) == 0) {
				/* Continuation lines begin with white space. */
				while (eol && (eol[1] == ' ' || eol[1] == '\t')) {
					const char *next = strchr(eol + 1, '\n');
					size_t l2 = next ? (size_t)(next - eol - 1) : strlen(eol + 1);
					if (buf_appends(&v, ",") < 0 || buf_append(&v, eol + 1, l2) < 0)
						break;
					eol = next;
				}
				{
					char *value = buf_steal(&v);
					return value ? value : strdup("");
				}
			}
			buf_free(&v);
		}
		p = eol ? eol + 1 : p + len;
	}
	return NULL;
}

static int expand(const char *path, const char *text, const char *name, int depth,
		  struct addr_list *out, struct err *e)
{
	struct addr_list l = {0};
	char *value;
	int rc = 1;

	if (depth > ALIAS_DEPTH_MAX)
		return err_set(e, ERR_CONFIG, "aliases %s: '%s' expands through more than %d levels "
			       "(a loop?)", path, name, ALIAS_DEPTH_MAX);
	value = alias_find(text, name);
	if (!value && depth == 0)
		value = alias_find(text, "default");
	if (!value)
		return 0;
	if (addr_parse_list(value, strlen(value), &l, e) < 0) {
		free(value);
		e->kind = ERR_CONFIG;
		return err_prefix(e, "aliases %s: entry '%s'", path, name);
	}
	free(value);
	for (int i = 0; i < l.n && rc > 0; i++) {
		int r;
		if (l.v[i].has_domain) {
			if (addr_list_add(out, NULL, l.v[i].spec) < 0)
				rc = err_set(e, ERR_DATA, "aliases: too many addresses");
			continue;
		}
		r = expand(path, text, l.v[i].spec, depth + 1, out, e);
		if (r < 0)
			rc = -1;
		else if (r == 0)
			rc = err_set(e, ERR_CONFIG, "aliases %s: '%s' (from '%s') has no domain and no "
				     "entry of its own", path, l.v[i].spec, name);
	}
	addr_list_free(&l);
	return rc;
}

int alias_expand(const char *path, const char *name, struct addr_list *out, struct err *e)
{
	struct buf text;
	int rc;

	buf_init(&text, ALIAS_FILE_MAX);
	if (buf_read_file(&text, path, NULL, ERR_CONFIG, e) < 0) {
		err_prefix(e, "aliases");
		buf_free(&text);
		return -1;
	}
	rc = expand(path, text.data, name, 0, out, e);
	buf_free(&text);
	return rc;
}
