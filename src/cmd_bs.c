/* postern -bs: SMTP on standard input and output (RFC 5321 as a server,
 * RFC 2920, 1870, 6152, 6531, 3461, 2034), for callers that speak SMTP to
 * "sendmail -bs" (Symfony Mailer, Laravel). Each message is submitted, or
 * queued, through the same path as a plain send before its final reply,
 * and the reply tells the truth: 250 when the smarthost took it or it is
 * safely queued, else the smarthost's own code. */
#include "cmd_bs.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "cmd_send.h"
#include "dsn.h"
#include "spool.h"

#define BS_LINE_MAX 4096               /* a command line; RFC 5321 asks for 512 */
#define BS_IDLE_MS (300 * 1000)        /* RFC 5321 section 4.5.3.2.7: 5 minutes */
#define BS_MESSAGE_MAX (64L * 1024 * 1024)

struct bs {
	char in[SPOOL_CHUNK];
	size_t pos, len;
	int ended;                     /* the caller went away (1) or idled out (2) */
	int greeted;
	char *sender;                  /* NULL: no MAIL yet */
	char *rcpt[ADDRS_MAX];
	int nrcpt;
	unsigned notify;
	enum dsn_ret ret;
	char envid[DSN_ENVID_MAX + 1];
	const char *body;
};

static void reply(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void reply(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputs("\r\n", stdout);
	fflush(stdout);
}

/* One line into `line` (CRLF or LF removed): 1, 0 at the end of input or
 * after the idle timeout (b->ended says which), -1 for a line too long
 * (skipped). */
static int read_line(struct bs *b, char *line, size_t max)
{
	size_t n = 0;
	int too_long = 0;

	for (;;) {
		if (b->pos == b->len) {
			struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
			ssize_t r;
			int pr = poll(&p, 1, BS_IDLE_MS);
			if (pr < 0 && errno == EINTR)
				continue;
			if (pr == 0) {
				b->ended = 2;
				return 0;
			}
			r = read(STDIN_FILENO, b->in, sizeof b->in);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				b->ended = 1;
				return 0;
			}
			b->pos = 0;
			b->len = (size_t)r;
		}
		char c = b->in[b->pos++];
		if (c == '\n') {
			if (n && line[n - 1] == '\r')
				n--;
			line[n] = '\0';
			return too_long ? -1 : 1;
		}
		if (n + 1 < max)
			line[n++] = c;
		else
			too_long = 1;
	}
}

static void reset(struct bs *b)
{
	free(b->sender);
	b->sender = NULL;
	for (int i = 0; i < b->nrcpt; i++)
		free(b->rcpt[i]);
	b->nrcpt = 0;
	b->notify = 0;
	b->ret = 0;
	b->envid[0] = '\0';
	b->body = NULL;
}

/* "<addr>" after FROM: or TO:, into a new string; *rest after it. */
static char *path_arg(const char *p, const char *key, const char **rest)
{
	size_t kl = strlen(key);
	const char *end;
	char *out;

	if (strncasecmp(p, key, kl) != 0)
		return NULL;
	p += kl;
	while (*p == ' ')
		p++;
	if (*p != '<' || !(end = strchr(p, '>')))
		return NULL;
	out = strndup(p + 1, (size_t)(end - p - 1));
	*rest = end + 1;
	return out;
}

/* xtext (RFC 3461 section 4): "+XX" for a byte; 0, or -1 when malformed. */
static int xtext_decode(const char *s, size_t n, char *out, size_t max)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned c = (unsigned char)s[i];
		if (c == '+') {
			if (i + 2 >= n + 0 || !isxdigit((unsigned char)s[i + 1]) ||
			    !isxdigit((unsigned char)s[i + 2]))
				return -1;
			char hex[3] = {s[i + 1], s[i + 2], 0};
			c = (unsigned)strtoul(hex, NULL, 16);
			i += 2;
		}
		if (k + 1 >= max || c < 0x21 || c > 0x7e)
			return -1;
		out[k++] = (char)c;
	}
	out[k] = '\0';
	return 0;
}

/* MAIL FROM parameters; a reply for a bad one, or NULL. */
static const char *mail_params(struct bs *b, const char *p)
{
	while (*p) {
		const char *sp = strchr(p, ' ');
		size_t n = sp ? (size_t)(sp - p) : strlen(p);
		if (n == 0) {
			p++;
			continue;
		}
		if (n > 5 && strncasecmp(p, "SIZE=", 5) == 0) {
			if (strtol(p + 5, NULL, 10) > BS_MESSAGE_MAX)
				return "552 5.3.4 message size exceeds the limit";
		} else if (n > 5 && strncasecmp(p, "BODY=", 5) == 0) {
			b->body = strncasecmp(p + 5, "8BITMIME", 8) == 0 ? "8BITMIME" : "7BIT";
		} else if (n == 8 && strncasecmp(p, "SMTPUTF8", 8) == 0) {
			;   /* the message goes as it is; the smarthost's path decides */
		} else if (n > 4 && strncasecmp(p, "RET=", 4) == 0) {
			b->ret = strncasecmp(p + 4, "FULL", 4) == 0 ? DSN_RET_FULL : DSN_RET_HDRS;
		} else if (n > 6 && strncasecmp(p, "ENVID=", 6) == 0) {
			if (xtext_decode(p + 6, n - 6, b->envid, sizeof b->envid) < 0)
				return "501 5.5.4 malformed ENVID";
		} else {
			return "555 5.5.4 MAIL FROM parameter not recognized";
		}
		p += n;
	}
	return NULL;
}

/* RCPT TO parameters: NOTIFY (one value for the message: the last one
 * given) and ORCPT (accepted, not kept). */
static const char *rcpt_params(struct bs *b, const char *p)
{
	while (*p) {
		const char *sp = strchr(p, ' ');
		size_t n = sp ? (size_t)(sp - p) : strlen(p);
		char v[64];
		struct err e;
		if (n == 0) {
			p++;
			continue;
		}
		if (n > 7 && strncasecmp(p, "NOTIFY=", 7) == 0 && n - 7 < sizeof v) {
			memcpy(v, p + 7, n - 7);
			v[n - 7] = '\0';
			if (dsn_parse_notify(v, "NOTIFY", &b->notify, &e) < 0)
				return "501 5.5.4 malformed NOTIFY";
		} else if (!(n > 6 && strncasecmp(p, "ORCPT=", 6) == 0)) {
			return "555 5.5.4 RCPT TO parameter not recognized";
		}
		p += n;
	}
	return NULL;
}

static void do_mail(struct bs *b, const char *arg)
{
	const char *rest = "", *bad;

	if (!b->greeted)
		return reply("503 5.5.1 say EHLO or HELO first");
	if (b->sender)
		return reply("503 5.5.1 nested MAIL command");
	if (!(b->sender = path_arg(arg, "FROM:", &rest)))
		return reply("501 5.5.4 syntax: MAIL FROM:<address>");
	if ((bad = mail_params(b, rest))) {
		reset(b);
		return reply("%s", bad);
	}
	reply("250 2.1.0 sender ok");
}

static void do_rcpt(struct bs *b, const char *arg)
{
	const char *rest = "", *bad;
	char *to;

	if (!b->sender)
		return reply("503 5.5.1 need MAIL first");
	if (b->nrcpt == ADDRS_MAX)
		return reply("452 4.5.3 too many recipients");
	if (!(to = path_arg(arg, "TO:", &rest)) || !*to) {
		free(to);
		return reply("501 5.5.4 syntax: RCPT TO:<address>");
	}
	if ((bad = rcpt_params(b, rest))) {
		free(to);
		return reply("%s", bad);
	}
	b->rcpt[b->nrcpt++] = to;
	reply("250 2.1.5 recipient ok");
}

/* The reply for a message that was neither delivered nor queued: the
 * smarthost's own code and enhanced code when the error quotes them (the
 * caller's exception then carries them), else one for the kind. */
static void reply_failure(const struct err *e)
{
	const char *p = e->msg;

	for (; (p = strpbrk(p, "45")); p++) {
		if (isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) && p[3] == ' ' &&
		    (p == e->msg || p[-1] == ' ') && p[4] == *p && p[5] == '.') {
			size_t code = strcspn(p + 4, " ");
			reply("%.3s %.*s (postern: %.400s)", p, code < 16 ? (int)code : 15, p + 4, e->msg);
			return;
		}
	}
	/* Reply lines stay within RFC 5321's 512 octets (section 4.5.3.1.5). */
	if (err_is_temporary(e->kind))
		reply("451 4.3.0 %.480s", e->msg);
	else if (e->kind == ERR_NOUSER)
		reply("550 5.1.1 %.480s", e->msg);
	else
		reply("554 5.6.0 %.480s", e->msg);
}

/* The message's text, dot-unstuffed, into a private file; 1, 0 when the
 * caller went away, -1 when it was too large (the rest is read and
 * dropped). */
static int read_data(struct bs *b, int fd)
{
	static char line[BS_LINE_MAX + 2];
	long total = 0;
	int big = 0;

	for (;;) {
		int r = read_line(b, line, sizeof line - 2);
		size_t n;
		if (r == 0)
			return 0;
		if (r > 0 && strcmp(line, ".") == 0)
			return big ? -1 : 1;
		n = strlen(line);
		total += (long)n + 2;
		if (r < 0 || total > BS_MESSAGE_MAX) {
			big = 1;   /* a line over the bound, or too much: refused whole */
			continue;
		}
		const char *text = line[0] == '.' ? line + 1 : line;
		size_t len = line[0] == '.' ? n - 1 : n;
		memcpy(line + n, "\n", 2);
		if (write(fd, text, len + 1) != (ssize_t)(len + 1))
			big = 1;
	}
}

/* One message, submitted as a plain send would submit it. */
static void submit(struct bs *b, const struct options *base, int fd)
{
	struct options o = *base;
	struct send_report rep = {0};
	struct err e = {0};

	o.mode = MODE_SEND;
	o.extract_recipients = 0;
	o.dot_ends_input = 0;
	o.stdin_closed = 0;
	o.sender = *b->sender ? b->sender : "<>";
	o.recipients = b->rcpt;
	o.nrecipients = b->nrcpt;
	o.notify_flags = b->notify ? b->notify : base->notify_flags;
	o.ret = b->ret ? b->ret : base->ret;
	o.envid = *b->envid ? b->envid : base->envid;
	o.body_type = b->body ? b->body : base->body_type;
	if (cmd_send_fd(&o, fd, &rep, &e) < 0)
		reply_failure(&e);
	else if (rep.state == SEND_QUEUED)
		reply("250 2.0.0 queued as %s (postern will send it when the smarthost can take it)",
		      rep.text);
	else if (rep.state == SEND_HELD)   /* safe, but waiting for a person: say so */
		reply("250 2.0.0 queued as %s, held: the account's credentials were refused; it goes "
		      "once they are mended", rep.text);
	else
		reply("250 2.0.0 sent: %s", rep.text);
}

static void do_data(struct bs *b, const struct options *o)
{
	struct err e = {0};
	int fd, r;

	if (!b->sender)
		return reply("503 5.5.1 need MAIL first");
	if (!b->nrcpt)
		return reply("554 5.5.1 no valid recipients");
	if ((fd = spool_tempfile(&e)) < 0)
		return reply("451 4.3.0 %s", e.msg);
	reply("354 send the message, ending with a line holding only \".\"");
	r = read_data(b, fd);
	if (r > 0 && lseek(fd, 0, SEEK_SET) == 0)
		submit(b, o, fd);
	else if (r < 0)
		reply("552 5.3.4 message too large (at most %ld bytes, lines of %d)", BS_MESSAGE_MAX,
		      BS_LINE_MAX);
	close(fd);
	reset(b);
}

static void do_ehlo(struct bs *b, const char *arg, int extended)
{
	char host[256] = "localhost";

	(void)arg;
	gethostname(host, sizeof host - 1);
	reset(b);
	b->greeted = 1;
	if (!extended)
		return reply("250 %s", host);
	printf("250-%s\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250-DSN\r\n"
	       "250-SIZE %ld\r\n", host, BS_MESSAGE_MAX);
	reply("250 ENHANCEDSTATUSCODES");
}

int cmd_bs(const struct options *o, struct err *e)
{
	static struct bs b;
	static char line[BS_LINE_MAX + 2];
	char host[256] = "localhost";

	(void)e;
	gethostname(host, sizeof host - 1);
	reply("220 %s ESMTP postern (sendmail -bs)", host);
	for (;;) {
		int r = read_line(&b, line, sizeof line);
		char *arg;
		if (r == 0)
			break;
		if (r < 0) {
			reply("500 5.5.2 line too long");
			continue;
		}
		arg = line + strcspn(line, " ");
		while (*arg == ' ')
			arg++;
		if (strncasecmp(line, "EHLO", 4) == 0 && (!line[4] || line[4] == ' '))
			do_ehlo(&b, arg, 1);
		else if (strncasecmp(line, "HELO", 4) == 0 && (!line[4] || line[4] == ' '))
			do_ehlo(&b, arg, 0);
		else if (strncasecmp(line, "MAIL ", 5) == 0)
			do_mail(&b, arg);
		else if (strncasecmp(line, "RCPT ", 5) == 0)
			do_rcpt(&b, arg);
		else if (strcasecmp(line, "DATA") == 0)
			do_data(&b, o);
		else if (strcasecmp(line, "RSET") == 0)
			reset(&b), reply("250 2.0.0 reset");
		else if (strncasecmp(line, "NOOP", 4) == 0)
			reply("250 2.0.0 ok");
		else if (strncasecmp(line, "VRFY", 4) == 0)
			reply("252 2.5.0 cannot VRFY, but will take the message and try");
		else if (strncasecmp(line, "HELP", 4) == 0)
			reply("214 2.0.0 postern -bs: EHLO HELO MAIL RCPT DATA RSET NOOP VRFY HELP QUIT");
		else if (strcasecmp(line, "QUIT") == 0) {
			reply("221 2.0.0 bye");
			break;
		} else
			reply("500 5.5.2 command not recognized");
		if (b.ended)   /* gone or idle in the middle of DATA */
			break;
	}
	if (b.ended == 2)
		reply("421 4.4.2 %s idle for too long, closing", host);
	reset(&b);
	return 0;
}
