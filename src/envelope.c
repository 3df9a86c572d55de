#include "envelope.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "alias.h"
#include "b64.h"
#include "idn.h"
#include "log.h"
#include "utf8.h"

/* Recipient header fields read by -t; Resent- ones replace them when the
 * message is being resent (RFC 5322 section 3.6.6). */
static const char *const rcpt_fields[] = {"To", "Cc", "Bcc", NULL};
static const char *const resent_fields[] = {"Resent-To", "Resent-Cc", "Resent-Bcc", NULL};
/* Fields whose bare local names are qualified so the smarthost sees real
 * addresses. */
static const char *const qualified_fields[] = {"From", "To", "Cc", "Reply-To", "Sender", NULL};

char *envelope_from_header(const struct headers *h)
{
	struct addr_list l = {0};
	struct err e;
	char *v, *out = NULL;
	int i = header_find(h, "From", 0);

	if (i < 0 || !(v = header_value(h, i)))
		return NULL;
	if (addr_parse_list(v, strlen(v), &l, &e) == 0 && l.n > 0)
		out = strdup(l.v[0].spec);
	addr_list_free(&l);
	free(v);
	return out;
}

int envelope_option_sender(const struct options *o, char **out, struct err *e)
{
	struct addr_list l = {0};
	const char *s = o->sender;

	*out = NULL;
	if (!s)
		return 0;
	if (*s == '\0' || strcmp(s, "<>") == 0) {
		*out = strdup("");
		return 0;
	}
	if (addr_parse_list(s, strlen(s), &l, e) < 0)
		return err_set(e, ERR_USAGE, "option -f: '%s' is not an address", s);
	if (l.n != 1) {
		addr_list_free(&l);
		return err_set(e, ERR_USAGE, "option -f: '%s' must be exactly one address", s);
	}
	*out = strdup(l.v[0].spec);
	addr_list_free(&l);
	return 0;
}

/* Expands a bare local name through the aliases file. */
static int qualify_recipient(const struct aliases *aliases, const char *name, struct addr_list *out,
			     struct err *e)
{
	int r;

	if (!aliases)
		return err_set(e, ERR_NOUSER, "recipient '%s' has no domain and no aliases file is "
			       "configured: write name@domain, or set aliases = FILE in [postern]", name);
	r = alias_expand(aliases, name, out, e);
	if (r == 0)
		return err_set(e, ERR_NOUSER, "recipient '%s' has no domain and is not in the aliases "
			       "file %s", name, aliases->path);
	return r < 0 ? -1 : 0;
}

static int has_rcpt(const struct addr_list *l, const char *spec)
{
	for (int i = 0; i < l->n; i++)
		if (strcasecmp(l->v[i].spec, spec) == 0)
			return 1;
	return 0;
}

/* The form an address takes in the envelope: valid UTF-8 in NFC, and
 * checked (with its domain as A-labels), so nothing can smuggle a command.
 * Sent as it is with SMTPUTF8, else with the A-labels. Owned, or NULL. */
static char *envelope_spec(const char *spec, struct err *e)
{
	char *canon = idn_spec_canonical(spec, e);
	char *ascii = canon ? idn_spec_ascii_domain(canon, e) : NULL;
	int rc = ascii ? addr_check_spec_utf8(ascii, e) : -1;

	free(ascii);
	if (rc < 0) {
		free(canon);
		return NULL;
	}
	return canon;
}

/* A refused address is the caller's error (usage) or the message's (data);
 * a temporary failure behind it (no memory, an IDN library that cannot be
 * loaded) stays temporary, so that the message is not buried for it. */
static int bad_address(struct err *e, enum err_kind bad, const char *where)
{
	if (!err_is_temporary(e->kind))
		e->kind = bad;
	return err_prefix(e, "%s", where);
}

/* Adds the addresses in `text` (an address list) to env->rcpts: bare
 * names through the aliases, duplicates dropped, every one checked. */
static int add_recipients(struct envelope *env, const struct aliases *aliases, const char *text,
			  enum err_kind bad_kind, const char *where, struct err *e)
{
	struct addr_list l = {0}, expanded = {0};
	int rc = 0;

	if (addr_parse_list(text, strlen(text), &l, e) < 0) {
		e->kind = bad_kind;
		return err_prefix(e, "%s", where);
	}
	for (int i = 0; i < l.n && rc == 0; i++) {
		if (l.v[i].has_domain)
			rc = addr_list_add(&expanded, NULL, l.v[i].spec) < 0 ?
			     err_set(e, ERR_DATA, "%s: too many recipients", where) : 0;
		else
			rc = qualify_recipient(aliases, l.v[i].spec, &expanded, e);
	}
	for (int i = 0; i < expanded.n && rc == 0; i++) {
		char *spec = envelope_spec(expanded.v[i].spec, e);
		if (!spec)
			rc = bad_address(e, bad_kind, where);
		else if (!has_rcpt(&env->rcpts, spec) && addr_list_add(&env->rcpts, NULL, spec) < 0)
			rc = err_set(e, ERR_DATA, "%s: more than %d recipients", where, ADDRS_MAX);
		free(spec);
	}
	addr_list_free(&l);
	addr_list_free(&expanded);
	return rc;
}

static int recipients_from_headers(struct envelope *env, const struct aliases *aliases,
				   struct headers *h, struct err *e)
{
	const char *const *fields = header_find(h, "Resent-To", 0) >= 0 ||
				    header_find(h, "Resent-Cc", 0) >= 0 ||
				    header_find(h, "Resent-Bcc", 0) >= 0 ? resent_fields : rcpt_fields;

	for (int f = 0; fields[f]; f++)
		for (int i = header_find(h, fields[f], 0); i >= 0; i = header_find(h, fields[f], i + 1)) {
			char *v = header_value(h, i);
			char where[64];
			int rc;
			if (!v)
				return err_set(e, ERR_OS, "out of memory");
			snprintf(where, sizeof where, "header %s", fields[f]);
			rc = add_recipients(env, aliases, v, ERR_DATA, where, e);
			free(v);
			if (rc < 0)
				return -1;
		}
	return 0;
}

/* "root@myhost", "me@localhost": an address at this machine's own name,
 * as GNU mailutils writes the sender (-f root@HOSTNAME). No provider
 * delivers to it, and it is mail from a user of this machine: for a
 * sender it counts as the bare local name. */
static int at_this_host(const char *spec)
{
	const char *at = strrchr(spec, '@'), *d;
	char host[256] = "";
	size_t short_len;

	if (!at || !*(d = at + 1))
		return 0;
	if (strcasecmp(d, "localhost") == 0 || strcasecmp(d, "localhost.localdomain") == 0)
		return 1;
	if (gethostname(host, sizeof host - 1) != 0 || !*host)
		return 0;
	short_len = strcspn(host, ".");
	return strcasecmp(d, host) == 0 ||
	       (strlen(d) == short_len && strncasecmp(d, host, short_len) == 0);
}

/* The local part of an address at this host (owned), or NULL. */
static char *local_part(const char *spec)
{
	const char *at = strrchr(spec, '@');

	return at ? strndup(spec, (size_t)(at - spec)) : NULL;
}

/* A sender-like bare name ("-f root", cron's "From: root") is mail from
 * this user: it becomes the account's own address, which is the one the
 * provider lets this login send as. Only an account without `from` falls
 * back to the aliases. */
static char *qualify_sender_name(const struct aliases *aliases, const char *name, const struct account *a)
{
	struct addr_list l = {0};
	struct err e;
	char *out = NULL;

	if (a->from)
		return strdup(a->from);
	if (aliases && alias_expand(aliases, name, &l, &e) > 0 && l.n > 0)
		out = strdup(l.v[0].spec);
	addr_list_free(&l);
	return out;
}

/* Appends the qualified form of one mailbox to `out`. */
/* Formats `in` with `spec` (owned, checked first: it comes from the
 * aliases file or the account, and must not smuggle a header line). */
static int format_with(struct buf *out, const struct addr *in, const char *display,
		       const char *spec, struct err *e)
{
	struct addr q = *in;
	char *checked = envelope_spec(spec, e);
	int rc;

	if (!checked)
		return -1;
	q.spec = checked;
	q.display = (char *)display;
	rc = addr_format(out, &q);
	free(checked);
	return rc < 0 ? err_set(e, ERR_DATA, "header too long after qualifying addresses") : 0;
}

/* Appends the qualified form of one mailbox to `out`. */
static int qualify_one(struct buf *out, const struct addr *in, int is_sender,
		       const struct aliases *aliases, const struct account *a, struct err *e)
{
	struct addr_list l = {0};
	struct err ignored;
	int rc = 0;

	if ((in->has_domain && !(is_sender && at_this_host(in->spec))) || !*in->spec)
		return addr_format(out, in) < 0 ? err_set(e, ERR_DATA, "header too long") : 0;
	if (is_sender) {
		char *name = in->has_domain ? local_part(in->spec) : NULL;
		char *spec = qualify_sender_name(aliases, name ? name : in->spec, a);
		free(name);
		rc = spec ? format_with(out, in, in->display, spec, e)
			  : (addr_format(out, in) < 0 ? err_set(e, ERR_DATA, "header too long") : 0);
		free(spec);
		return rc;
	}
	if (!aliases || alias_expand(aliases, in->spec, &l, &ignored) <= 0 || l.n == 0) {
		addr_list_free(&l);   /* leave what cannot be qualified as it is */
		return addr_format(out, in) < 0 ? err_set(e, ERR_DATA, "header too long") : 0;
	}
	for (int i = 0; i < l.n && rc == 0; i++) {
		if (i && buf_appends(out, ", ") < 0)
			rc = err_set(e, ERR_DATA, "header too long");
		else
			rc = format_with(out, in, i == 0 ? in->display : NULL, l.v[i].spec, e);
	}
	addr_list_free(&l);
	return rc;
}

/* Appends one formatted address to a header value, folding before it when
 * the line would pass 78 columns (RFC 5322 section 2.1.1). */
static int append_folded(struct buf *v, const struct buf *one, int first, size_t *col)
{
	const char *sep = first ? "" : ",";

	if (buf_appends(v, sep) < 0)
		return -1;
	if (!first && *col + 2 + one->len > 78) {
		if (buf_appends(v, "\r\n ") < 0)
			return -1;
		*col = 1;
	} else if (!first) {
		if (buf_appends(v, " ") < 0)
			return -1;
		*col += 2;
	}
	*col += one->len;
	return buf_append(v, one->data ? one->data : "", one->len);
}

static int qualify_field(struct headers *h, int i, const char *name, const struct aliases *aliases,
			 const struct account *a, struct err *e)
{
	struct addr_list l = {0};
	struct buf v;
	char *value = header_value(h, i);
	int bare = 0, rc = 0, is_sender = strcasecmp(name, "From") == 0 || strcasecmp(name, "Sender") == 0;
	size_t col;

	if (!value)
		return err_set(e, ERR_OS, "out of memory");
	if (addr_parse_list(value, strlen(value), &l, e) < 0) {
		free(value);
		return err_prefix(e, "header %s", name);
	}
	free(value);
	for (int k = 0; k < l.n; k++)
		bare |= (!l.v[k].has_domain && *l.v[k].spec) || (is_sender && at_this_host(l.v[k].spec));
	buf_init(&v, HEADER_SECTION_MAX);
	col = strlen(name) + 2;
	for (int k = 0; bare && k < l.n && rc == 0; k++) {
		struct buf one;
		buf_init(&one, HEADER_SECTION_MAX);
		rc = qualify_one(&one, &l.v[k], is_sender, aliases, a, e);
		if (rc == 0 && append_folded(&v, &one, k == 0, &col) < 0)
			rc = err_set(e, ERR_DATA, "too long after qualifying addresses");
		buf_free(&one);
	}
	if (bare && rc == 0 && header_replace(h, i, v.data ? v.data : "") < 0)
		rc = err_set(e, ERR_DATA, "too long after qualifying addresses");
	if (rc < 0)
		err_prefix(e, "header %s", name);
	buf_free(&v);
	addr_list_free(&l);
	return rc;
}

static int qualify_headers(struct headers *h, const struct aliases *aliases, const struct account *a,
			   struct err *e)
{
	for (int f = 0; qualified_fields[f]; f++)
		for (int i = header_find(h, qualified_fields[f], 0); i >= 0;
		     i = header_find(h, qualified_fields[f], i + 1))
			if (qualify_field(h, i, qualified_fields[f], aliases, a, e) < 0) {
				e->kind = ERR_DATA;
				return -1;
			}
	return 0;
}

/* Bcc must never reach a recipient; removed whether or not -t was used,
 * as Postfix's sendmail does. */
static void remove_bcc(struct headers *h)
{
	for (int i = header_find(h, "Bcc", 0); i >= 0; i = header_find(h, "Bcc", i + 1))
		header_remove(h, i);
	for (int i = header_find(h, "Resent-Bcc", 0); i >= 0; i = header_find(h, "Resent-Bcc", i + 1))
		header_remove(h, i);
}

static int add_date(struct headers *h)
{
	char date[64];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S %z", &tm);
	return header_add(h, "Date", date);
}

static int add_message_id(struct headers *h, const char *sender, const struct account *a)
{
	unsigned char rnd[12];
	char id[256], hex[25];
	const char *at = strrchr(sender && *sender ? sender : (a->from ? a->from : ""), '@');
	const char *domain = at ? at + 1 : (a->domain ? a->domain : "localhost");
	time_t now = time(NULL);

	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
		for (size_t i = 0; i < sizeof rnd; i++)
			rnd[i] = (unsigned char)(rand() ^ (int)now);
	for (size_t i = 0; i < sizeof rnd; i++)
		snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
	snprintf(id, sizeof id, "<%lld.%s@%s>", (long long)now, hex, domain);
	return header_add(h, "Message-ID", id);
}

/* Non-ASCII -F text as RFC 2047 encoded words. */
static char *encoded_words(const char *name)
{
	struct buf b;

	buf_init(&b, 4096);
	if (b64_encoded_words(&b, name, strlen(name)) < 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

/* -F text becomes a display name; quoted when it holds specials such as
 * "Doe, John" (RFC 5322 section 3.2.4). */
static char *display_name(const char *name)
{
	struct buf b;
	int plain = 1;

	if (!name || !*name)
		return NULL;
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p >= 0x80)
			return encoded_words(name);
	for (const char *p = name; *p; p++)
		if (strchr("()<>[]:;@\\,.\"", *p))
			plain = 0;
	if (plain)
		return strdup(name);
	buf_init(&b, 1024);
	if (buf_appends(&b, "\"") < 0)
		return NULL;
	for (const char *p = name; *p; p++)
		if (((*p == '"' || *p == '\\') && buf_appends(&b, "\\") < 0) || buf_append(&b, p, 1) < 0) {
			buf_free(&b);
			return NULL;
		}
	if (buf_appends(&b, "\"") < 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

static int add_from(struct headers *h, const char *sender, const struct options *o,
		    const struct account *a)
{
	struct addr from = {0};
	struct buf v;
	int rc;

	from.spec = (char *)(sender && *sender ? sender : a->from);
	if (!from.spec)
		return 0;
	from.display = display_name(o->full_name);
	buf_init(&v, 2048);
	rc = addr_format(&v, &from) < 0 ? -1 : header_add(h, "From", v.data);
	buf_free(&v);
	free(from.display);
	return rc;
}

static int pick_sender(struct envelope *env, const struct options *o, const struct account *a,
		       const struct aliases *aliases, const struct headers *h, struct err *e)
{
	char *opt = NULL, *hdr;
	enum err_kind bad = ERR_USAGE;
	const char *origin = "option -f";

	if (envelope_option_sender(o, &opt, e) < 0)
		return -1;
	if (opt && *opt && (!strchr(opt, '@') || at_this_host(opt))) {
		char *name = strchr(opt, '@') ? local_part(opt) : NULL;
		env->sender = qualify_sender_name(aliases, name ? name : opt, a);
		if (!env->sender && name)
			env->sender = opt;   /* nothing better to make of it: as given */
		else
			free(opt);
		free(name);
	} else if (opt) {
		env->sender = opt;
	} else if (a->from) {
		env->sender = strdup(a->from);
		bad = ERR_CONFIG, origin = "account from";
	} else if ((hdr = envelope_from_header(h))) {
		if (strchr(hdr, '@') && !at_this_host(hdr)) {
			env->sender = hdr;
		} else {
			char *name = strchr(hdr, '@') ? local_part(hdr) : NULL;
			env->sender = qualify_sender_name(aliases, name ? name : hdr, a);
			if (!env->sender && name)
				env->sender = hdr;   /* as given */
			else
				free(hdr);
			free(name);
		}
		bad = ERR_DATA, origin = "header From";
	}
	if (!env->sender)
		return err_set(e, ERR_CONFIG, "no sender address: set from = ADDRESS in [%s], or use -f",
			       a->name);
	if (*env->sender) {
		char *spec = envelope_spec(env->sender, e);
		if (!spec)
			return bad_address(e, bad, origin);
		free(env->sender);
		env->sender = spec;
	}
	return 0;
}

int envelope_build(struct envelope *env, const struct options *o, const struct account *a,
		   const struct aliases *aliases, struct headers *h, struct err *e)
{
	memset(env, 0, sizeof *env);
	if (pick_sender(env, o, a, aliases, h, e) < 0)
		return -1;
	for (int i = 0; i < o->nrecipients; i++)
		if (add_recipients(env, aliases, o->recipients[i], ERR_USAGE, "recipient", e) < 0)
			return -1;
	if (o->extract_recipients && recipients_from_headers(env, aliases, h, e) < 0)
		return -1;
	if (env->rcpts.n == 0)
		return err_set(e, ERR_USAGE, "no recipients: name them as arguments, or use -t to read "
			       "To, Cc and Bcc");
	if (qualify_headers(h, aliases, a, e) < 0)
		return -1;
	remove_bcc(h);
	if ((header_find(h, "From", 0) < 0 && add_from(h, env->sender, o, a) < 0) ||
	    (header_find(h, "Date", 0) < 0 && add_date(h) < 0) ||
	    (header_find(h, "Message-ID", 0) < 0 && add_message_id(h, env->sender, a) < 0))
		return err_set(e, ERR_DATA, "header section too large");
	return 0;
}

/* RFC 6532: 8-bit header text must be UTF-8. Only lines with a non-ASCII
 * byte are judged, so ASCII headers pass as they always have. */
static int check_header_utf8(const struct buf *block, int *has_utf8, struct err *e)
{
	const char *p = block->data ? block->data : "", *end = p + block->len;

	*has_utf8 = 0;
	while (p < end) {
		const char *eol = memchr(p, '\r', (size_t)(end - p));
		size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p), off = 0, name = 0;
		const char *why;
		if (utf8_has_nonascii(p, n)) {
			*has_utf8 = 1;
			if ((why = utf8_problem(p, n, UTF8_ALLOW_TAB, &off))) {
				while (name < n && name < 40 && p[name] != ':' && (unsigned char)p[name] < 0x80)
					name++;
				return err_set(e, ERR_DATA, "header %.*s: %s at byte %zu (RFC 6532 allows "
					       "only UTF-8 here)", (int)name, p, why, off + 1);
			}
		}
		p += n + 2;
	}
	return 0;
}

/* "TLS-Required: No" (RFC 8689 section 5): the author asks that delivery
 * not be held to TLS policies, which REQUIRETLS would do. */
static int tls_required_no(const struct headers *h)
{
	int i = header_find(h, "TLS-Required", 0);
	char *v = i >= 0 ? header_value(h, i) : NULL;
	const char *p = v;
	int no;

	while (p && (*p == ' ' || *p == '\t'))
		p++;
	no = p && strncasecmp(p, "no", 2) == 0 && strspn(p + 2, " \t") == strlen(p + 2);
	free(v);
	return no;
}

static int body_type_of(const char *b)
{
	if (!b || strcasecmp(b, "7BIT") == 0)
		return BODY_7BIT;
	return strcasecmp(b, "8BITMIME") == 0 ? BODY_8BITMIME : BODY_BINARYMIME;
}

int envelope_options(struct envelope_opts *out, const struct options *o, const struct account *a,
		     const struct headers *h, const struct buf *header_block, int has_8bit,
		     int long_lines, struct err *e)
{
	memset(out, 0, sizeof *out);
	out->has_8bit = has_8bit;
	out->long_lines = long_lines;
	out->body_type = body_type_of(o->body_type);
	if (check_header_utf8(header_block, &out->utf8_headers, e) < 0)
		return -1;
	/* -N, -R and -V were checked as they were parsed (args.c). */
	out->dsn_notify = o->dsn_notify ? o->notify_flags : a->dsn_notify;
	out->dsn_ret = o->dsn_ret ? o->ret : a->dsn_ret;
	if (o->envid)
		snprintf(out->envid, sizeof out->envid, "%s", o->envid);
	out->requiretls = a->requiretls;
	if (out->requiretls && tls_required_no(h)) {
		out->requiretls = 0;
		log_info("the message says TLS-Required: No, so no REQUIRETLS (RFC 8689 section 5)");
	}
	return 0;
}

void envelope_free(struct envelope *env)
{
	free(env->sender);
	addr_list_free(&env->rcpts);
	env->sender = NULL;
}
