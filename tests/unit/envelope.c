/* Unit tests for envelope.c and alias.c: the sender (-f, the account's
 * from, the From header), the recipients (operands, -t with To/Cc/Bcc or
 * the Resent- fields, aliases for bare names), and the header changes that
 * go with them (Bcc removed, bare names qualified, Date, Message-ID and
 * From added when missing). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alias.h"
#include "envelope.h"
#include "spool.h"
#include "tap.h"

#define RCPTS_MAX 5
#define ARGS_MAX 3

static char dir[] = "/tmp/postern-envtest.XXXXXX";
static char aliases_path[256];
static struct aliases loaded;   /* aliases_path, loaded once as postern does */

/* The aliases file every case may use (NULL aliases: none configured). */
static const char aliases_text[] =
	"# comment: ignored\n"
	"root: admin@example.com\n"
	"postmaster : root\n"
	"team: a@example.com,\n"
	"  b@example.com\n"
	"\tc@example.com\n"
	"mixed: Carol <carol@example.com>, root\n"
	"loop1: loop2\n"
	"loop2: loop1\n"
	"self: self\n"
	"dangling: nobody-here\n"
	"bad: <unbalanced@example.com\n";

enum { NO_ALIASES = 1 };

static const struct {
	const char *name;
	const char *msg;
	const char *args[ARGS_MAX];   /* recipient operands */
	int t;                        /* -t */
	const char *f;                /* -f */
	const char *F;                /* -F */
	const char *acct_from;        /* the account's from; "-" for none */
	int no_aliases;
	int rc;
	enum err_kind kind;
	const char *errmsg;
	const char *sender;
	const char *rcpts[RCPTS_MAX];
	const char *has[3];           /* substrings of the header block */
	const char *hasnt[3];         /* must not be in the header block */
} cases[] = {
	/* The sender. */
	{"-f is the envelope sender", "Subject: x\n\nbody\n", {"bob@example.org"}, .f = "me@example.net",
	 .sender = "me@example.net", .rcpts = {"bob@example.org"}},
	{"-f at this host is mail from its user: the account's from", "Subject: x\n\nbody\n",
	 {"bob@example.org"}, .f = "root@localhost", .sender = "acct@example.com",
	 .rcpts = {"bob@example.org"}},
	{"-f at this host, no account from: the aliases", "Subject: x\n\nbody\n", {"bob@example.org"},
	 .f = "root@LOCALHOST", .acct_from = "-", .sender = "admin@example.com",
	 .rcpts = {"bob@example.org"}},
	{"-f at this host, no from, no alias: as given", "Subject: x\n\nbody\n", {"bob@example.org"},
	 .f = "nobody@localhost", .acct_from = "-", .no_aliases = NO_ALIASES,
	 .sender = "nobody@localhost", .rcpts = {"bob@example.org"}},
	{"From: user@localhost becomes the account's from, its name kept",
	 "From: Root User <root@localhost>\nSubject: x\n\nbody\n", {"bob@example.org"},
	 .sender = "acct@example.com", .rcpts = {"bob@example.org"},
	 .has = {"From: Root User <acct@example.com>"}, .hasnt = {"root@localhost"}},
	{"To: user@localhost is left alone (only senders are mail from this machine)",
	 "To: root@localhost\nSubject: x\n\nbody\n", {"bob@example.org"},
	 .sender = "acct@example.com", .rcpts = {"bob@example.org"}, .has = {"To: root@localhost"}},
	{"-f <> is the null sender", "Subject: x\n\n", {"bob@example.org"}, .f = "<>", .sender = "",
	 .rcpts = {"bob@example.org"}},
	{"-f with a display name keeps only the address", "Subject: x\n\n", {"bob@example.org"},
	 .f = "Me <me@example.net>", .sender = "me@example.net", .rcpts = {"bob@example.org"}},
	{"-f with two addresses is a usage error", "Subject: x\n\n", {"bob@example.org"},
	 .f = "a@example.net, b@example.net", .rc = -1, .kind = ERR_USAGE, .errmsg = "option -f"},
	{"-f root with an account from is the account's from", "Subject: x\n\n", {"bob@example.org"},
	 .f = "root", .sender = "acct@example.com", .rcpts = {"bob@example.org"}},
	{"-f root without an account from goes through the aliases", "Subject: x\n\n",
	 {"bob@example.org"}, .f = "root", .acct_from = "-", .sender = "admin@example.com",
	 .rcpts = {"bob@example.org"}},
	{"-f with a bare name not in the aliases takes the account's from", "Subject: x\n\n",
	 {"bob@example.org"}, .f = "jdoe", .sender = "acct@example.com", .rcpts = {"bob@example.org"}},
	{"without -f the account's from is the sender", "From: other@example.org\n\n",
	 {"bob@example.org"}, .sender = "acct@example.com", .rcpts = {"bob@example.org"}},
	{"without -f and from, the From header is the sender",
	 "From: Alice <alice@example.org>\n\n", {"bob@example.org"}, .acct_from = "-",
	 .sender = "alice@example.org", .rcpts = {"bob@example.org"}},
	{"no sender anywhere is a config error", "Subject: x\n\n", {"bob@example.org"},
	 .acct_from = "-", .rc = -1, .kind = ERR_CONFIG, .errmsg = "no sender address"},

	/* Recipients. */
	{"operands are the recipients", "Subject: x\n\n", {"a@example.org", "b@example.org"},
	 .sender = "acct@example.com", .rcpts = {"a@example.org", "b@example.org"}},
	{"comma-separated operands with a trailing comma", "Subject: x\n\n",
	 {"a@example.org, b@example.org,"}, .sender = "acct@example.com",
	 .rcpts = {"a@example.org", "b@example.org"}},
	{"-t collects To, Cc and Bcc; Bcc is removed",
	 "To: a@example.org, B <b@example.org>\nCc: c@example.org\nBcc: d@example.org\nSubject: x\n\n",
	 .t = 1, .sender = "acct@example.com",
	 .rcpts = {"a@example.org", "b@example.org", "c@example.org", "d@example.org"},
	 .has = {"To: a@example.org, B <b@example.org>\r\n", "Cc: c@example.org\r\n"},
	 .hasnt = {"Bcc", "d@example.org"}},
	{"-t reads every To field and folded lists",
	 "To: a@example.org,\n b@example.org\nTo: c@example.org\n\n", .t = 1,
	 .rcpts = {"a@example.org", "b@example.org", "c@example.org"}},
	{"-t with Resent- fields takes only those",
	 "To: a@example.org\nCc: c@example.org\nResent-To: r@example.org\nResent-Bcc: rb@example.org\n\n",
	 .t = 1, .rcpts = {"r@example.org", "rb@example.org"},
	 .has = {"To: a@example.org\r\n", "Resent-To: r@example.org\r\n"}, .hasnt = {"Resent-Bcc"}},
	{"-t with Resent-Cc alone takes it", "To: a@example.org\nResent-Cc: rc@example.org\n\n",
	 .t = 1, .rcpts = {"rc@example.org"}},
	{"-t adds to the operands", "To: a@example.org\n\n", {"x@example.org"}, .t = 1,
	 .rcpts = {"x@example.org", "a@example.org"}},
	{"duplicates are dropped (case-insensitively)", "To: A@Example.ORG, a@example.org\nCc: a@example.org\n\n",
	 {"a@example.org"}, .t = 1, .rcpts = {"a@example.org"}},
	{"-t with a group and undisclosed-recipients", "To: undisclosed-recipients:;\nCc: g: a@example.org;\n\n",
	 .t = 1, .rcpts = {"a@example.org"}},
	{"Bcc is removed even without -t", "To: a@example.org\nBcc: secret@example.org\n\n",
	 {"b@example.org"}, .rcpts = {"b@example.org"}, .hasnt = {"Bcc", "secret@"}},
	{"no recipients is a usage error", "To: a@example.org\n\n", .rc = -1, .kind = ERR_USAGE,
	 .errmsg = "no recipients"},
	{"-t with only an empty group has no recipients", "To: undisclosed-recipients:;\n\n", .t = 1,
	 .rc = -1, .kind = ERR_USAGE, .errmsg = "no recipients"},
	{"-t with a malformed To is a data error", "To: <a@example.org\n\n", .t = 1, .rc = -1,
	 .kind = ERR_DATA, .errmsg = "header To"},
	{"-t with an address without a valid domain in Cc is a data error", "Cc: a@-bad-.example\n\n",
	 .t = 1, .rc = -1, .kind = ERR_DATA, .errmsg = "header Cc"},
	{"a malformed operand is a usage error", "Subject: x\n\n", {"a@@example.org"}, .rc = -1,
	 .kind = ERR_USAGE, .errmsg = "recipient"},

	/* Injection attempts never become recipients. */
	{"an operand with CR LF and '>' is refused", "Subject: x\n\n", {"a@b.example>\r\nRSET"},
	 .rc = -1, .kind = ERR_USAGE},
	{"an operand with CR LF after an address is refused", "Subject: x\n\n",
	 {"a@b.example\r\nRCPT TO:<x@y.example>"}, .rc = -1, .kind = ERR_USAGE},
	{"an operand with a quoted CR LF is refused", "Subject: x\n\n", {"\"a\r\nRSET\"@b.example"},
	 .rc = -1, .kind = ERR_USAGE},
	{"an operand with a NUL-free control character is refused", "Subject: x\n\n",
	 {"a\x1b@b.example"}, .rc = -1, .kind = ERR_USAGE},
	{"-f with CR LF is refused", "Subject: x\n\n", {"b@example.org"},
	 .f = "me@example.net>\r\nRSET", .rc = -1, .kind = ERR_USAGE},

	/* Bare names and the aliases file. */
	{"root goes through the aliases", "Subject: x\n\n", {"root"}, .rcpts = {"admin@example.com"}},
	{"alias names are case-insensitive", "Subject: x\n\n", {"ROOT"}, .rcpts = {"admin@example.com"}},
	{"an alias to another alias (with a space before the colon)", "Subject: x\n\n", {"postmaster"},
	 .rcpts = {"admin@example.com"}},
	{"continuation lines add addresses", "Subject: x\n\n", {"team"},
	 .rcpts = {"a@example.com", "b@example.com", "c@example.com"}},
	{"an alias with a display name and a nested alias", "Subject: x\n\n", {"mixed"},
	 .rcpts = {"carol@example.com", "admin@example.com"}},
	{"an alias loop is an error", "Subject: x\n\n", {"loop1"}, .rc = -1, .kind = ERR_CONFIG,
	 .errmsg = "loop"},
	{"an alias to itself is an error", "Subject: x\n\n", {"self"}, .rc = -1, .kind = ERR_CONFIG},
	{"an alias to a bare name without an entry is an error", "Subject: x\n\n", {"dangling"},
	 .rc = -1, .kind = ERR_CONFIG, .errmsg = "nobody-here"},
	{"a malformed alias entry is an error", "Subject: x\n\n", {"bad"}, .rc = -1,
	 .errmsg = "entry 'bad'"},
	{"a bare name not in the aliases is refused, naming it", "Subject: x\n\n", {"jdoe"}, .rc = -1,
	 .kind = ERR_NOUSER, .errmsg = "'jdoe' has no domain and is not in the aliases file"},
	{"a bare name without an aliases file is refused, naming it", "Subject: x\n\n", {"root"},
	 .no_aliases = 1, .rc = -1, .kind = ERR_NOUSER,
	 .errmsg = "recipient 'root' has no domain and no aliases file is configured"},
	{"-t with a bare To name goes through the aliases", "To: root\n\n", .t = 1,
	 .rcpts = {"admin@example.com"}, .has = {"To: admin@example.com\r\n"}},

	/* Header rewriting. */
	{"cron's From: root (Cron Daemon) takes the account's from, To: root the alias",
	 "From: root (Cron Daemon)\nTo: root\nSubject: Cron <root@host> ls\n\nout\n", {"root"},
	 .sender = "acct@example.com", .rcpts = {"admin@example.com"},
	 .has = {"From: Cron Daemon <acct@example.com>\r\n", "To: admin@example.com\r\n",
		 "Subject: Cron <root@host> ls\r\n"}},
	{"cron's From: root without an account from takes the alias, also as the sender",
	 "From: root (Cron Daemon)\nTo: root\n\n", {"root"}, .acct_from = "-",
	 .sender = "admin@example.com", .rcpts = {"admin@example.com"},
	 .has = {"From: Cron Daemon <admin@example.com>\r\n"}},
	{"cron's From: root without aliases takes the account's from",
	 "From: root (Cron Daemon)\nTo: root\n\n", {"admin@example.com"}, .no_aliases = 1,
	 .rcpts = {"admin@example.com"},
	 .has = {"From: Cron Daemon <acct@example.com>\r\n", "To: root\r\n"}},
	{"From: jdoe not in the aliases takes the account's from", "From: jdoe\n\n", {"a@example.org"},
	 .rcpts = {"a@example.org"}, .has = {"From: acct@example.com\r\n"}},
	{"a complete header is left alone",
	 "From: Me <me@example.net>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\nMessage-ID: <1@x.example>\n\n",
	 {"a@example.org"},
	 .has = {"From: Me <me@example.net>\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\n"
		 "Message-ID: <1@x.example>\r\n\r\n"}},
	{"Date, Message-ID and From are added when missing", "Subject: x\n\n", {"a@example.org"},
	 .has = {"Subject: x\r\nFrom: acct@example.com\r\nDate: ", "\r\nMessage-ID: <",
		 "@example.com>\r\n\r\n"}},
	{"header names are matched case-insensitively",
	 "FROM: me@example.net\ndate: Mon, 1 Jan 2024 00:00:00 +0000\nmessage-id: <1@x.example>\n\n",
	 {"a@example.org"}, .hasnt = {"\r\nFrom:", "\r\nDate:", "\r\nMessage-ID:"}},
	{"-F \"Doe, John\" is quoted in the generated From", "Subject: x\n\n", {"a@example.org"},
	 .F = "Doe, John", .has = {"From: \"Doe, John\" <acct@example.com>\r\n"}},
	{"-F John Doe needs no quotes", "Subject: x\n\n", {"a@example.org"}, .F = "John Doe",
	 .has = {"From: John Doe <acct@example.com>\r\n"}},
	{"-F with a quote and a backslash is escaped", "Subject: x\n\n", {"a@example.org"},
	 .F = "J. \"Jay\" D\\oe", .has = {"From: \"J. \\\"Jay\\\" D\\\\oe\" <acct@example.com>\r\n"}},
	{"-F does not change an existing From", "From: me@example.net\n\n", {"a@example.org"},
	 .F = "Doe, John", .has = {"From: me@example.net\r\n"}, .hasnt = {"Doe"}},
	{"the generated From uses -f", "Subject: x\n\n", {"a@example.org"}, .f = "me@example.net",
	 .has = {"From: me@example.net\r\n", "@example.net>\r\n"}},
};

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (!f)
		return -1;
	rc = fputs(text, f) < 0 ? -1 : 0;
	return fclose(f) == 0 ? rc : -1;
}

static void check_case(size_t i)
{
	struct options o = {.dot_ends_input = 0, .hop_count = -1};
	struct account a = {.name = "acct", .from = "acct@example.com"};
	char *argv[ARGS_MAX];
	struct envelope env = {0};
	struct headers h;
	struct spool s;
	struct err e = {0};
	struct buf out;
	int rc, n = 0;

	for (; n < ARGS_MAX && cases[i].args[n]; n++)
		argv[n] = (char *)cases[i].args[n];
	o.recipients = argv;
	o.nrecipients = n;
	o.extract_recipients = cases[i].t;
	o.sender = cases[i].f;
	o.full_name = cases[i].F;
	if (cases[i].acct_from && strcmp(cases[i].acct_from, "-") == 0)
		a.from = NULL;
	if (spool_from_memory(cases[i].msg, strlen(cases[i].msg), 0, &s, &e) < 0 ||
	    header_parse(&h, s.fd, s.size, &e) < 0) {
		ok(0, "%s: message parsed (%s)", cases[i].name, e.msg);
		return;
	}
	rc = envelope_build(&env, &o, &a, cases[i].no_aliases ? NULL : &loaded, &h, &e);
	if (!is_int(rc, cases[i].rc, "%s: result", cases[i].name) && rc < 0)
		diag("error: %s", e.msg);
	if (rc < 0) {
		if (cases[i].kind)
			is_int(e.kind, cases[i].kind, "%s: error kind", cases[i].name);
		if (cases[i].errmsg)
			like(e.msg, cases[i].errmsg, "%s: error message", cases[i].name);
		ok(e.msg[0] && !strpbrk(e.msg, "\r\n"), "%s: the message is one line", cases[i].name);
	} else {
		int k = 0, same = 1;
		if (cases[i].sender)
			is_str(env.sender, cases[i].sender, "%s: sender", cases[i].name);
		for (; k < RCPTS_MAX && cases[i].rcpts[k]; k++)
			if (k >= env.rcpts.n || strcmp(env.rcpts.v[k].spec, cases[i].rcpts[k]) != 0)
				same = 0;
		if (cases[i].rcpts[0] && !ok(same && k == env.rcpts.n, "%s: recipients", cases[i].name))
			for (int j = 0; j < env.rcpts.n; j++)
				diag("got recipient %s", env.rcpts.v[j].spec);
		buf_init(&out, 1 << 20);
		ok(header_write(&h, &out) == 0, "%s: header written", cases[i].name);
		for (k = 0; k < 3 && cases[i].has[k]; k++)
			like(out.data, cases[i].has[k], "%s: header has", cases[i].name);
		for (k = 0; k < 3 && cases[i].hasnt[k]; k++)
			if (!ok(!strstr(out.data, cases[i].hasnt[k]), "%s: header lacks string %d",
				cases[i].name, k + 1))
				diag("header: %s", out.data);
		buf_free(&out);
	}
	envelope_free(&env);
	header_free(&h);
	spool_close(&s);
}

/* Every recipient and the sender that leave envelope_build are fit for
 * an SMTP command: no control characters, no '<' or '>'. */
static void test_no_injection_survives(void)
{
	static const char *const hostile[] = {
		"a@b.example>\r\nRSET", "<a@b.example>\r\nRSET", "a@b.example\nRSET", "a@b.example\rRSET",
		"a@b.example>", "<a@b.example", "a@b.example> SIZE=1", "a b@c.example", "a@b.example\t",
	};
	struct account a = {.name = "acct", .from = "acct@example.com"};
	int clean = 1, refused = 0;

	for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
		char *argv[1] = {(char *)hostile[i]};
		struct options o = {.recipients = argv, .nrecipients = 1, .hop_count = -1};
		struct envelope env = {0};
		struct headers h;
		struct spool s;
		struct err e = {0};
		if (spool_from_memory("X: y\n\n", 6, 0, &s, &e) < 0 || header_parse(&h, s.fd, s.size, &e) < 0)
			continue;
		if (envelope_build(&env, &o, &a, &loaded, &h, &e) < 0)
			refused++;
		for (int k = 0; k < env.rcpts.n; k++)
			if (strpbrk(env.rcpts.v[k].spec, "\r\n<> \t"))
				clean = 0;
		envelope_free(&env);
		header_free(&h);
		spool_close(&s);
	}
	ok(clean, "no hostile operand yields a recipient with CR, LF, '<', '>' or blanks");
	is_int(refused, (long long)(sizeof hostile / sizeof hostile[0]) - 1,
	       "every hostile operand but \"a@b.example\\t\" (blank trimmed) is refused");
}

static void test_from_header_and_option_sender(void)
{
	struct headers h;
	struct spool s;
	struct err e = {0};
	struct options o = {.hop_count = -1};
	char *v = NULL;

	if (spool_from_memory("From: \"Doe, J\" <j@example.org>, k@example.org\n\n", 48, 0, &s, &e) == 0 &&
	    header_parse(&h, s.fd, s.size, &e) == 0) {
		v = envelope_from_header(&h);
		is_str(v, "j@example.org", "envelope_from_header: the first From address");
		free(v);
		header_free(&h);
		spool_close(&s);
	}
	if (spool_from_memory("Subject: x\n\n", 12, 0, &s, &e) == 0 &&
	    header_parse(&h, s.fd, s.size, &e) == 0) {
		ok(envelope_from_header(&h) == NULL, "envelope_from_header: none without From");
		header_free(&h);
		spool_close(&s);
	}
	is_int(envelope_option_sender(&o, &v, &e), 0, "envelope_option_sender without -f");
	ok(v == NULL, "envelope_option_sender without -f gives NULL");
	o.sender = "";
	is_int(envelope_option_sender(&o, &v, &e), 0, "envelope_option_sender -f ''");
	is_str(v, "", "-f '' is the null sender");
	free(v);
	o.sender = "not an address <";
	is_int(envelope_option_sender(&o, &v, &e), -1, "envelope_option_sender: garbage");
	is_int(e.kind, ERR_USAGE, "envelope_option_sender: garbage is ERR_USAGE");
}

static void test_alias_direct(void)
{
	struct addr_list l = {0};
	struct aliases def = {0}, bad = {0};
	struct err e = {0};
	char path[300], missing[300], broken[300];

	snprintf(path, sizeof path, "%s/default", dir);
	snprintf(missing, sizeof missing, "%s/missing", dir);
	snprintf(broken, sizeof broken, "%s/broken", dir);
	if (write_file(path, "root: admin@example.com\ndefault: catchall@example.com\n") < 0 ||
	    write_file(broken, "root: a@example.com\nno colon here\n") < 0)
		return;
	is_int(aliases_load(&def, path, &e), 0, "aliases_load: a valid file");
	is_int(alias_expand(&def, "root", &l, &e), 1, "alias_expand: listed name");
	is_int(alias_expand(&def, "ROOT", &l, &e), 1, "alias_expand: names match case-insensitively");
	is_int(alias_expand(&def, "anyone", &l, &e), 1, "alias_expand: default: catches the rest");
	ok(l.n == 3 && strcmp(l.v[0].spec, "admin@example.com") == 0 &&
	   strcmp(l.v[2].spec, "catchall@example.com") == 0, "alias_expand: the addresses appended");
	addr_list_free(&l);
	is_int(alias_expand(&loaded, "nobody", &l, &e), 0, "alias_expand: absent name gives 0");
	is_int(alias_expand(&loaded, "roo", &l, &e), 0, "alias_expand: a prefix of a name gives 0");
	is_int(alias_expand(&loaded, "comment", &l, &e), 0, "alias_expand: comments are not entries");
	is_int(aliases_load(&bad, missing, &e), -1, "aliases_load: a missing file fails");
	is_int(e.kind, ERR_CONFIG, "aliases_load: a missing file is ERR_CONFIG");
	like(e.msg, missing, "aliases_load: the message names the file");
	aliases_free(&bad);
	is_int(aliases_load(&bad, broken, &e), -1, "aliases_load: a line without a colon fails");
	like(e.msg, "broken:2:", "aliases_load: the message names file and line");
	aliases_free(&bad);
	addr_list_free(&l);
	aliases_free(&def);
	unlink(path);
	unlink(broken);
}

/* An aliases file that fans out 30 ways at 8 levels must stop at the
 * lookup budget, not run for hours. */
static void test_alias_explosion(void)
{
	struct aliases a = {0};
	struct addr_list l = {0};
	struct err e = {0};
	char path[300], line[400];
	FILE *f;

	snprintf(path, sizeof path, "%s/explode", dir);
	if (!(f = fopen(path, "w")))
		return;
	for (char c = 'a'; c < 'h'; c++) {
		int n = snprintf(line, sizeof line, "%c:", c);
		for (int k = 0; k < 30; k++)
			n += snprintf(line + n, sizeof line - (size_t)n, "%s%c", k ? "," : " ", c + 1);
		fprintf(f, "%s\n", line);
	}
	fprintf(f, "h: z@example.com\n");
	fclose(f);
	is_int(aliases_load(&a, path, &e), 0, "explosive aliases file loads");
	is_int(alias_expand(&a, "a", &l, &e), -1, "explosive expansion stops with an error");
	like(e.msg, "lookups", "explosive expansion: the lookup budget is named");
	addr_list_free(&l);
	aliases_free(&a);
	unlink(path);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	snprintf(aliases_path, sizeof aliases_path, "%s/aliases", dir);
	if (write_file(aliases_path, aliases_text) < 0)
		return 1;
	{
		struct err e = {0};
		if (aliases_load(&loaded, aliases_path, &e) < 0) {
			printf("Bail out! %s\n", e.msg);
			return 1;
		}
	}
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_case(i);
	test_no_injection_survives();
	test_from_header_and_option_sender();
	test_alias_direct();
	test_alias_explosion();
	aliases_free(&loaded);
	unlink(aliases_path);
	rmdir(dir);
	return done_testing();
}
