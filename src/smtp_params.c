/* What the MAIL and RCPT commands carry: RFC 1870 (SIZE), RFC 6152
 * (8BITMIME), RFC 3030 (BINARYMIME), RFC 6531 (SMTPUTF8), RFC 3461 (DSN),
 * RFC 8689 (REQUIRETLS); and what the server must offer for a message to
 * go at all. */
#include "smtp_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsn.h"
#include "idn.h"
#include "log.h"
#include "utf8.h"

/* What the content needs, whatever -B said. */
static enum body_type content_type(const struct smtp_message *m)
{
	return m->o.long_lines ? BODY_BINARYMIME : m->o.has_8bit ? BODY_8BITMIME : BODY_7BIT;
}

static const char *body_param(const struct caps *c, const struct smtp_message *m, int *unsendable)
{
	enum body_type content = content_type(m);
	enum body_type declared = m->o.body_type > content ? m->o.body_type : content;
	unsigned f = c->flags;

	*unsendable = 0;
	if (declared == BODY_BINARYMIME && (f & CAP_BINARYMIME) && (f & CAP_CHUNKING))
		return "BINARYMIME";
	if (content == BODY_BINARYMIME) {
		*unsendable = 1;
		return NULL;
	}
	if (declared >= BODY_8BITMIME && (f & CAP_8BITMIME))
		return "8BITMIME";
	*unsendable = content != BODY_7BIT;
	return NULL;
}

const char *smtp_body_param(const struct smtp *s, int *unsendable)
{
	return body_param(&s->caps, s->t->msg, unsendable);
}

/* The address as this transaction sends it: UTF-8 with SMTPUTF8, else
 * with its domain as A-labels (owned, or NULL with the error set). */
static char *wire_address(struct smtp *s, const char *spec)
{
	return s->t->utf8 ? strdup(spec) : idn_spec_to_ascii(spec, s->t->e);
}

/* ORCPT (RFC 3461 section 4.2): "rfc822;" and xtext, or with SMTPUTF8
 * "utf-8;" and the utf-8-addr-xtext of RFC 6533 section 3, which keeps
 * UTF-8 as it is and writes "+", "=", blanks and controls as \x{HEX}. */
static int orcpt(struct buf *b, const struct smtp *s, const char *addr)
{
	if (!s->t->utf8 || !utf8_has_nonascii(addr, strlen(addr)))
		return buf_appends(b, " ORCPT=rfc822;") < 0 ? -1 : dsn_xtext(b, addr, strlen(addr));
	if (buf_appends(b, " ORCPT=utf-8;") < 0)
		return -1;
	for (const unsigned char *p = (const unsigned char *)addr; *p; p++) {
		int plain = *p >= 0x80 || (*p > 0x20 && *p < 0x7f && *p != '+' && *p != '=' && *p != '\\');
		if (plain ? buf_append(b, p, 1) < 0 : buf_appendf(b, "\\x{%X}", *p) < 0)
			return -1;
	}
	return 0;
}

static int dsn_asked(const struct envelope_opts *o)
{
	return o->dsn_notify || o->dsn_ret || *o->envid;
}

/* RCPT parameters: NOTIFY and ORCPT when DSN was asked and is offered. */
static int rcpt_params(struct buf *b, struct smtp *s, const char *addr, const char *unused)
{
	const struct envelope_opts *o = &s->t->msg->o;

	(void)unused;
	if (!(s->caps.flags & CAP_DSN) || !dsn_asked(o))
		return 0;
	if (o->dsn_notify && (buf_appends(b, " NOTIFY=") < 0 || dsn_notify_format(b, o->dsn_notify) < 0))
		return -1;
	return orcpt(b, s, addr);
}

/* The first address of the message with a non-ASCII local part, or NULL. */
static const char *utf8_local_address(const struct smtp_message *m)
{
	if (idn_local_is_utf8(m->sender))
		return m->sender;
	for (int i = 0; i < m->rcpts->n; i++)
		if (idn_local_is_utf8(m->rcpts->v[i].spec))
			return m->rcpts->v[i].spec;
	return NULL;
}

/* RFC 6531 section 3.4: SMTPUTF8 when the server offers it and a local
 * part or the header section holds UTF-8. A domain alone does not need
 * it: its A-labels go everywhere, also past relays without SMTPUTF8. */
int smtp_wants_utf8(const struct smtp_message *m)
{
	return m->o.utf8_headers || utf8_local_address(m) != NULL;
}

/* Why the server cannot take m at all, in e; 0 when it can. */
static int cannot_take(const struct caps *c, const struct smtp_message *m, struct err *e)
{
	const char *bad = (c->flags & CAP_SMTPUTF8) ? NULL : utf8_local_address(m);

	if (bad)
		return err_set(e, ERR_UNAVAILABLE, "%s <%s>: the address has a non-ASCII local part "
			       "and the server does not offer SMTPUTF8 (RFC 6531), so it cannot be sent",
			       bad == m->sender ? "MAIL FROM" : "RCPT TO", bad);
	if (m->o.requiretls && !(c->flags & CAP_REQUIRETLS))
		return err_set(e, ERR_UNAVAILABLE, "MAIL: requiretls = yes, but the server does not "
			       "offer REQUIRETLS (RFC 8689), so it cannot promise TLS all the way");
	if (c->size_limit && (unsigned long long)m->size > c->size_limit)
		return err_set(e, ERR_DATA, "SIZE: the message is %lld bytes, the server accepts at "
			       "most %llu", (long long)m->size, c->size_limit);
	return 0;
}

int smtp_server_can_take(struct smtp *s)
{
	return cannot_take(&s->caps, s->t->msg, s->t->e);
}

int smtp_goes_as_is(const struct smtp *s, const struct smtp_message *m)
{
	struct err ignored = {0};
	int unsendable;

	(void)body_param(&s->caps, m, &unsendable);
	return !unsendable && cannot_take(&s->caps, m, &ignored) == 0;
}

/* SIZE, BODY, SMTPUTF8, REQUIRETLS, and the DSN's RET and ENVID. */
static int mail_params(struct buf *b, struct smtp *s, const char *unused, const char *body)
{
	const struct envelope_opts *o = &s->t->msg->o;
	int dsn = dsn_asked(o);

	(void)unused;
	if ((s->caps.flags & CAP_SIZE) && buf_appendf(b, " SIZE=%lld", (long long)s->t->msg->size) < 0)
		return -1;
	if ((body && buf_appendf(b, " BODY=%s", body) < 0) ||
	    (s->t->utf8 && buf_appends(b, " SMTPUTF8") < 0) ||
	    (o->requiretls && buf_appends(b, " REQUIRETLS") < 0))
		return -1;
	if (dsn && !(s->caps.flags & CAP_DSN)) {
		log_info("DSN: the server does not offer DSN; the message goes without NOTIFY, RET "
			 "and ENVID");
		return 0;
	}
	if (o->dsn_ret && buf_appendf(b, " RET=%s", dsn_ret_name(o->dsn_ret)) < 0)
		return -1;
	if (*o->envid && (buf_appends(b, " ENVID=") < 0 || dsn_xtext(b, o->envid, strlen(o->envid)) < 0))
		return -1;
	return 0;
}


/* "VERB:<address>PARAMS" with the address in its wire form. */
static int send_address(struct smtp *s, const char *verb, const char *spec, const char *body,
			int (*params)(struct buf *, struct smtp *, const char *, const char *))
{
	char *addr = wire_address(s, spec);
	struct buf b;
	int rc;

	if (!addr)
		return -1;
	buf_init(&b, CMD_LINE_MAX / 2);
	rc = params(&b, s, addr, body) < 0 ? err_set(s->t->e, ERR_DATA, "%s: parameters too long", verb)
	     : smtp_cmd(s, SHOW_ALL, "%s:<%s>%s", verb, addr, b.data ? b.data : "");
	buf_free(&b);
	free(addr);
	return rc;
}

int smtp_send_mail(struct smtp *s, const char *body)
{
	if (send_address(s, "MAIL FROM", s->t->msg->sender, body, mail_params) < 0)
		return -1;
	smtp_expect(s, S_MAIL, 0);
	return 0;
}

int smtp_send_rcpt(struct smtp *s, int i)
{
	if (send_address(s, "RCPT TO", s->t->msg->rcpts->v[i].spec, NULL, rcpt_params) < 0)
		return -1;
	smtp_expect(s, S_RCPT, i);
	return 0;
}
