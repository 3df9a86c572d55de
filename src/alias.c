#include "alias.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bounds.h"
#include "buf.h"

static int entry_cmp(const void *x, const void *y)
{
	const struct alias_entry *a = x, *b = y;
	int c = strcasecmp(a->name, b->name);

	return c ? c : a->line - b->line;   /* the first of two equal names wins */
}

static char *trimmed(const char *p, size_t n)
{
	char *s;

	while (n && (*p == ' ' || *p == '\t'))
		p++, n--;
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
		n--;
	if (!(s = malloc(n + 1)))
		return NULL;
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

static int add_entry(struct aliases *a, const char *line, size_t len, int lineno, struct err *e)
{
	const char *colon = memchr(line, ':', len);
	struct alias_entry *v;

	if (!colon)
		return err_set(e, ERR_CONFIG, "aliases %s:%d: expected 'name: address, ...'", a->path, lineno);
	if (!(v = realloc(a->v, (size_t)(a->n + 1) * sizeof *v)))
		return err_set(e, ERR_OS, "aliases: out of memory");
	a->v = v;
	v[a->n].name = trimmed(line, (size_t)(colon - line));
	v[a->n].value = trimmed(colon + 1, len - (size_t)(colon + 1 - line));
	v[a->n].line = lineno;
	a->n++;
	if (!v[a->n - 1].name || !v[a->n - 1].value)
		return err_set(e, ERR_OS, "aliases: out of memory");
	if (!*v[a->n - 1].name)
		return err_set(e, ERR_CONFIG, "aliases %s:%d: an entry without a name", a->path, lineno);
	return 0;
}

/* Joins each entry with its continuation lines (which start with white
 * space) into one logical line, then indexes it. */
static int parse(struct aliases *a, const char *text, struct err *e)
{
	struct buf logical;
	int lineno = 0, start = 0, rc = 0;

	buf_init(&logical, ALIAS_FILE_MAX);
	for (const char *p = text; *p && rc == 0;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		lineno++;
		if (*p == '#' || len == 0 || (len == 1 && *p == '\r')) {
			/* a comment or an empty line: nothing to join */
		} else if (*p == ' ' || *p == '\t') {
			if (logical.len == 0 && strspn(p, " \t\r") < len)
				rc = err_set(e, ERR_CONFIG, "aliases %s:%d: continuation line without an entry",
					     a->path, lineno);
			else if (buf_appends(&logical, ",") < 0 || buf_append(&logical, p, len) < 0)
				rc = err_set(e, ERR_CONFIG, "aliases %s: too large", a->path);
		} else {
			if (logical.len)
				rc = add_entry(a, logical.data, logical.len, start, e);
			buf_reset(&logical);
			start = lineno;
			if (rc == 0 && buf_append(&logical, p, len) < 0)
				rc = err_set(e, ERR_CONFIG, "aliases %s: too large", a->path);
		}
		p = nl ? nl + 1 : p + len;
	}
	if (rc == 0 && logical.len)
		rc = add_entry(a, logical.data, logical.len, start, e);
	buf_free(&logical);
	return rc;
}

int aliases_load(struct aliases *a, const char *path, struct err *e)
{
	struct buf text;
	int rc;

	memset(a, 0, sizeof *a);
	if (!(a->path = strdup(path)))
		return err_set(e, ERR_OS, "aliases: out of memory");
	buf_init(&text, ALIAS_FILE_MAX);
	rc = buf_read_file(&text, path, NULL, ERR_CONFIG, e);
	if (rc < 0)
		err_prefix(e, "aliases");
	else
		rc = parse(a, text.data, e);
	buf_free(&text);
	if (rc == 0 && a->n > 1)   /* qsort(NULL, 0, ...) is undefined */
		qsort(a->v, (size_t)a->n, sizeof *a->v, entry_cmp);
	return rc;
}

static const struct alias_entry *find(const struct aliases *a, const char *name)
{
	int lo = 0, hi = a->n - 1;

	while (lo <= hi) {   /* the lowest index among equal names: the first written */
		int mid = lo + (hi - lo) / 2, c = strcasecmp(name, a->v[mid].name);
		if (c <= 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return lo < a->n && strcasecmp(name, a->v[lo].name) == 0 ? &a->v[lo] : NULL;
}

struct walk {
	const struct aliases *a;
	struct addr_list *out;
	int lookups;
	struct err *e;
};

static int expand(struct walk *w, const char *name, int depth)
{
	const struct alias_entry *entry;
	struct addr_list l = {0};
	int rc = 1;

	if (depth > ALIAS_DEPTH_MAX)
		return err_set(w->e, ERR_CONFIG, "aliases %s: '%s' expands through more than %d levels "
			       "(a loop?)", w->a->path, name, ALIAS_DEPTH_MAX);
	if (++w->lookups > ALIAS_LOOKUPS_MAX)
		return err_set(w->e, ERR_CONFIG, "aliases %s: expanding takes more than %d lookups",
			       w->a->path, ALIAS_LOOKUPS_MAX);
	entry = find(w->a, name);
	if (!entry && depth == 0)
		entry = find(w->a, "default");
	if (!entry)
		return 0;
	if (addr_parse_list(entry->value, strlen(entry->value), &l, w->e) < 0) {
		w->e->kind = ERR_CONFIG;
		return err_prefix(w->e, "aliases %s:%d: entry '%s'", w->a->path, entry->line, entry->name);
	}
	for (int i = 0; i < l.n && rc > 0; i++) {
		int r;
		if (l.v[i].has_domain) {
			if (addr_list_add(w->out, NULL, l.v[i].spec) < 0)
				rc = err_set(w->e, ERR_DATA, "aliases: too many addresses");
			continue;
		}
		r = expand(w, l.v[i].spec, depth + 1);
		if (r < 0)
			rc = -1;
		else if (r == 0)
			rc = err_set(w->e, ERR_CONFIG, "aliases %s: '%s' (from '%s') has no domain and no "
				     "entry of its own", w->a->path, l.v[i].spec, name);
	}
	addr_list_free(&l);
	return rc;
}

int alias_expand(const struct aliases *a, const char *name, struct addr_list *out, struct err *e)
{
	struct walk w = {.a = a, .out = out, .e = e};

	return expand(&w, name, 0);
}

void aliases_free(struct aliases *a)
{
	for (int i = 0; i < a->n; i++) {
		free(a->v[i].name);
		free(a->v[i].value);
	}
	free(a->v);
	free(a->path);
	memset(a, 0, sizeof *a);
}
