/* Unit tests for addr.c: RFC 5322 address lists (section 3.4 and the
 * obsolete forms of 4.4) and the envelope address check. */
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "tap.h"

struct want_addr {
	const char *spec;
	const char *display;   /* NULL: no display name */
	int has_domain;
};

/* Lists that parse: what each mailbox must come out as. */
static const struct {
	const char *name;
	const char *in;
	int n;
	struct want_addr a[3];
} good[] = {
	{"a bare addr-spec", "john@example.com", 1, {{"john@example.com", NULL, 1}}},
	{"an angle address without a name", "<john@example.com>", 1, {{"john@example.com", NULL, 1}}},
	{"a display name", "John Doe <john@example.com>", 1, {{"john@example.com", "John Doe", 1}}},
	{"a quoted display name with a comma is one mailbox",
	 "\"Doe, John\" <john@example.com>", 1, {{"john@example.com", "\"Doe, John\"", 1}}},
	{"a quoted local part with a space", "\"a b\"@x.y", 1, {{"\"a b\"@x.y", NULL, 1}}},
	{"a quoted local part with an escaped quote", "\"a\\\"b\"@x.y", 1, {{"\"a\\\"b\"@x.y", NULL, 1}}},
	{"a quoted local part holding '@' and no domain has no domain", "\"a@b\"", 1, {{"\"a@b\"", NULL, 0}}},
	{"a dotted local part and subdomains", "first.last@sub.example.com", 1,
	 {{"first.last@sub.example.com", NULL, 1}}},
	{"a domain literal", "a@[192.0.2.1]", 1, {{"a@[192.0.2.1]", NULL, 1}}},
	{"a comment after the address becomes the display name", "john@example.com (John Doe)", 1,
	 {{"john@example.com", "John Doe", 1}}},
	{"a comment after an angle address", "<john@example.com> (John)", 1,
	 {{"john@example.com", "John", 1}}},
	{"cron's From: root (Cron Daemon)", "root (Cron Daemon)", 1, {{"root", "Cron Daemon", 0}}},
	{"a bare local name", "root", 1, {{"root", NULL, 0}}},
	{"nested comments (quoted as a display name)", "a@b.c (x (nested) y)", 1,
	 {{"a@b.c", "\"x (nested) y\"", 1}}},
	{"a comment inside the addr-spec is dropped from the spec", "john(c)@example.com", 1,
	 {{"john@example.com", "c", 1}}},
	{"a comment holding a comma is quoted as a display name", "a@b.c (Doe, John)", 1,
	 {{"a@b.c", "\"Doe, John\"", 1}}},
	{"an escaped paren inside a comment", "a@b.c (x \\) y)", 1, {{"a@b.c", "\"x \\) y\"", 1}}},
	{"undisclosed-recipients:; is an empty group", "undisclosed-recipients:;", 0, {{NULL, NULL, 0}}},
	{"a group with members", "friends: a@b.c, Bob <bob@d.e>;", 2,
	 {{"a@b.c", NULL, 1}, {"bob@d.e", "Bob", 1}}},
	{"a group followed by a mailbox", "team: a@b.c;, x@y.z", 2, {{"a@b.c", NULL, 1}, {"x@y.z", NULL, 1}}},
	{"an empty group between mailboxes", "a@b.c, undisclosed-recipients:;, d@e.f", 2,
	 {{"a@b.c", NULL, 1}, {"d@e.f", NULL, 1}}},
	{"an obsolete route is dropped", "<@a.example,@b.example:u@d.example>", 1,
	 {{"u@d.example", NULL, 1}}},
	{"an obsolete route with a name", "Name <@a.example:u@d.example>", 1, {{"u@d.example", "Name", 1}}},
	{"folded display name (CRLF + space) is unfolded", "John\r\n Smith <j@x.y>", 1,
	 {{"j@x.y", "John Smith", 1}}},
	{"a list folded after a comma", "a@b.c,\r\n\tc@d.e", 2, {{"a@b.c", NULL, 1}, {"c@d.e", NULL, 1}}},
	{"folding inside an angle address", "Bob <bob\r\n @d.e>", 1, {{"bob@d.e", "Bob", 1}}},
	{"a trailing comma", "a@b.c,", 1, {{"a@b.c", NULL, 1}}},
	{"repeated and leading commas", ", a@b.c,,, c@d.e,,", 2, {{"a@b.c", NULL, 1}, {"c@d.e", NULL, 1}}},
	{"cron's MAILTO split on blanks leaves a trailing comma", "a@x.y,", 1, {{"a@x.y", NULL, 1}}},
	{"three mailboxes of mixed forms", "a@b.c, \"B\" <b@c.d>, root (R)", 3,
	 {{"a@b.c", NULL, 1}, {"b@c.d", "\"B\"", 1}, {"root", "R", 0}}},
	{"<> is the null address", "<>", 1, {{"", NULL, 0}}},
	{"an empty string has no addresses", "", 0, {{NULL, NULL, 0}}},
	{"only white space has no addresses", " \t\r\n ", 0, {{NULL, NULL, 0}}},
	{"UTF-8 in a display name (RFC 6532)", "M\xc3\xbcller <m@x.de>", 1,
	 {{"m@x.de", "M\xc3\xbcller", 1}}},
};

/* Lists that must be refused, with part of the message. */
static const struct {
	const char *name;
	const char *in;
	const char *msg;
} bad[] = {
	{"'<' without '>'", "<a@b.c", "'<' without matching '>'"},
	{"a name and '<' without '>'", "Bob <a@b.c", "'<' without matching '>'"},
	{"'>' without '<'", "a@b.c>", "'>' without matching '<'"},
	{"'<' inside '<...>'", "<a<b@c.d>>", "'<' without matching '>'"},
	{"an unterminated quoted string", "\"abc@d.e", "unterminated quoted string"},
	{"an unterminated quoted display name", "\"Bob <b@c.d>", "unterminated quoted string"},
	{"an unterminated comment", "a@b.c (x", "unterminated comment"},
	{"an unterminated nested comment", "a@b.c (x (y)", "unterminated comment"},
	{"an unterminated domain literal", "a@[1.2.3.4", "unterminated domain literal"},
	{"a name without brackets", "John Smith", "a name needs <address>"},
	{"a local part and '@' but no domain", "a@", "incomplete address"},
	{"a domain without a local part", "@b", "is not an address"},
	{"a trailing dot in the domain", "a@b.", "incomplete address"},
	{"two dots in a row", "a..b@c.d", "is not an address"},
	{"two '@'", "a@b@c.d", "is not an address"},
	{"two addresses without a comma", "a@b.c d@e.f", "is not an address"},
	{"two angle addresses without a comma", "<a@b.c> <d@e.f>", "expected ','"},
	{"text after an angle address", "John <a@b.c> Smith", "expected ','"},
	{"a comma inside '<...>'", "<a@b.c, d@e.f>", "is not an address"},
	{"a control character (SOH)", "a@b.c\x01", "unexpected character"},
	{"a control character (DEL)", "a\x7f@b.c", "unexpected character"},
	{"a control character (ESC) in a name", "Bo\x1b" "b <b@c.d>", "unexpected character"},
	{"a group without its ';'", "friends: a@b.c", "group without its closing ';'"},
	{"a group without a name", ": a@b.c;", "group without a name"},
	{"a stray ';'", "a;b@c.d", "unexpected ';'"},
	{"a malformed source route", "<@a.example u@d.example>", "malformed source route"},
	{"a quoted string as a domain", "a@\"b.c\"", "is not an address"},
};

static void test_good(void)
{
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		struct addr_list l = {0};
		struct err e = {0};
		int rc = addr_parse_list(good[i].in, strlen(good[i].in), &l, &e);

		if (!ok(rc == 0, "parse: %s", good[i].name))
			diag("error: %s", e.msg);
		if (!is_int(l.n, good[i].n, "%s: %d mailbox(es)", good[i].name, good[i].n)) {
			addr_list_free(&l);
			continue;
		}
		for (int k = 0; k < l.n; k++) {
			const struct want_addr *w = &good[i].a[k];
			is_str(l.v[k].spec, w->spec, "%s: #%d spec", good[i].name, k + 1);
			is_str(l.v[k].display, w->display, "%s: #%d display name", good[i].name, k + 1);
			is_int(l.v[k].has_domain, w->has_domain, "%s: #%d has_domain", good[i].name, k + 1);
		}
		addr_list_free(&l);
	}
}

static void test_bad(void)
{
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct addr_list l = {0};
		struct err e = {0};
		int rc = addr_parse_list(bad[i].in, strlen(bad[i].in), &l, &e);

		is_int(rc, -1, "refuse %s", bad[i].name);
		is_int(e.kind, ERR_DATA, "%s: ERR_DATA", bad[i].name);
		like(e.msg, bad[i].msg, "%s: message says why", bad[i].name);
		addr_list_free(&l);
	}
}

static void test_lengths(void)
{
	struct addr_list l = {0};
	struct err e = {0};
	static const struct {
		const char *name;
		const char *in;
		size_t len;
	} nuls[] = {
		{"in a local part", "a\0@b.c", 6},
		{"in a domain", "a@b\0.c", 6},
		{"in a quoted string", "\"a\0b\"@c.d", 9},
		{"in a comment", "a@b.c (x\0y)", 11},
		{"alone", "\0", 1},
	};

	for (size_t i = 0; i < sizeof nuls / sizeof nuls[0]; i++) {
		is_int(addr_parse_list(nuls[i].in, nuls[i].len, &l, &e), -1, "a NUL byte %s is refused",
		       nuls[i].name);
		like(e.msg, "NUL", "a NUL byte %s: message says NUL", nuls[i].name);
		is_int(l.n, 0, "a NUL byte %s: nothing added", nuls[i].name);
		addr_list_free(&l);
	}

	/* Only len bytes count: what follows is not read. */
	is_int(addr_parse_list("a@b.c, garbage<<<", 5, &l, &e), 0, "only s[0..len) is parsed");
	ok(l.n == 1 && strcmp(l.v[0].spec, "a@b.c") == 0, "the part within len is the address");
	addr_list_free(&l);

	/* A list appends to what the caller already holds. */
	ok(addr_list_add(&l, NULL, "first@x.y") == 0, "addr_list_add");
	ok(addr_parse_list("b@c.d", 5, &l, &e) == 0 && l.n == 2 && strcmp(l.v[1].spec, "b@c.d") == 0,
	   "parse appends after the existing entries");
	addr_list_free(&l);
	ok(l.n == 0 && l.v == NULL, "addr_list_free empties the list");
}

static void test_limits(void)
{
	struct addr_list l = {0};
	struct err e = {0};
	struct buf b;
	char local[600];

	/* ADDRS_MAX mailboxes, then one more (bare names: few tokens each). */
	buf_init(&b, 64 * 1024);
	for (int i = 0; i < ADDRS_MAX; i++)
		if (buf_appendf(&b, "u%d,", i) < 0)
			break;
	is_int(addr_parse_list(b.data, b.len, &l, &e), 0, "ADDRS_MAX mailboxes are accepted");
	is_int(l.n, ADDRS_MAX, "all of them are in the list");
	addr_list_free(&l);
	ok(buf_appends(&b, "one.more") == 0, "add one more");
	is_int(addr_parse_list(b.data, b.len, &l, &e), -1, "more than ADDRS_MAX mailboxes are refused");
	like(e.msg, "more than 1000 addresses", "the message names the limit");
	addr_list_free(&l);
	buf_free(&b);

	/* An address longer than ADDR_MAX. */
	memset(local, 'a', sizeof local - 1);
	local[sizeof local - 1] = '\0';
	buf_init(&b, 4096);
	ok(buf_appendf(&b, "%s@x.y", local) == 0, "build a long address");
	is_int(addr_parse_list(b.data, b.len, &l, &e), -1, "an address longer than ADDR_MAX is refused");
	addr_list_free(&l);
	buf_free(&b);
}

/* Envelope addresses: what may reach MAIL FROM and RCPT TO. */
static const struct {
	const char *name;
	const char *spec;
	const char *msg;   /* NULL: valid */
} specs[] = {
	{"a plain address", "a@b.c", NULL},
	{"dots, plus and hyphen", "user.name+tag@mail-1.example.com", NULL},
	{"a quoted local part with a space", "\"a b\"@x.y", NULL},
	{"a single-label domain", "a@localhost", NULL},
	{"a domain literal", "a@[192.0.2.1]", NULL},
	{"digits-only labels", "a@123.45", NULL},
	{"an IPv6 address literal", "a@[IPv6:2001:db8::1]", NULL},
	{"'>' inside a domain literal", "a@[1>2]", "malformed domain literal"},
	{"a space inside a domain literal", "a@[x y]", "malformed domain literal"},
	{"an empty domain literal", "a@[]", "malformed domain literal"},
	{"a quoted-pair inside a domain literal", "a@[a\\]b]", "malformed domain literal"},
	{"no domain", "root", "has no domain"},
	{"CR LF injection", "a@b>\r\nRCPT TO:<x@y", "control character"},
	{"a bare LF", "a@b.c\nDATA", "control character"},
	{"a bare CR", "a@b.c\r", "control character"},
	{"a tab", "\ta@b.c", "control character"},
	{"a NUL-free DEL", "a@b.c\x7f", "control character"},
	{"a space in the local part", "a b@c.d", "not an address"},
	{"a space in the domain", "a@b c.d", "not an address"},
	{"two dots in the domain", "a@a..b", "not an address"},
	{"a label starting with a hyphen", "a@-a.com", "contains '-'"},
	{"a label ending with a hyphen", "a@a-.com", "invalid label"},
	{"a domain ending with a hyphen", "a@a.com-", "invalid label"},
	{"an underscore in the domain", "a@b_c.d", "contains '_'"},
	{"a trailing dot", "a@b.c.", "incomplete address"},
	{"an empty local part", "@b.c", "not an address"},
	{"an empty domain", "a@", "incomplete address"},
	{"non-ASCII in the local part", "m\xc3\xbcller@x.de", "not ASCII"},
	{"non-ASCII in the domain", "a@m\xc3\xbcller.de", "not ASCII"},
	{"the null path <> (callers handle it)", "<>", "not a plain address"},
	{"an empty string", "", "not a plain address"},
	{"angle brackets", "<a@b.c>", "not a plain address"},
	{"a display name", "Bob <a@b.c>", "not a plain address"},
	{"a comment", "a@b.c (x)", "not a plain address"},
	{"two addresses", "a@b.c,d@e.f", "not a plain address"},
	{"a trailing comma", "a@b.c,", "not a plain address"},
	{"a group", "g: a@b.c;", "not a plain address"},
	{"a quoted local part without a domain", "\"a@b\"", "has no domain"},
};

static void test_check_spec(void)
{
	char s[400];

	for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
		struct err e = {0};
		int rc = addr_check_spec(specs[i].spec, &e);

		if (!specs[i].msg) {
			if (!ok(rc == 0, "check_spec accepts %s", specs[i].name))
				diag("error: %s", e.msg);
			continue;
		}
		is_int(rc, -1, "check_spec refuses %s", specs[i].name);
		is_int(e.kind, ERR_DATA, "%s: ERR_DATA", specs[i].name);
		like(e.msg, specs[i].msg, "%s: message says why", specs[i].name);
	}

	/* Length limits: 64 for the local part, 63 per label, 253 for the
	 * domain, 256 in all. */
	struct {
		size_t local, label, labels;
		const char *msg;
		const char *name;
	} len[] = {
		{64, 10, 1, NULL, "a 64-byte local part"},
		{65, 10, 1, "longer than 64", "a 65-byte local part"},
		{5, 63, 1, NULL, "a 63-byte label"},
		{5, 64, 1, "invalid label", "a 64-byte label"},
		{1, 50, 5, "too long", "a 254-byte domain"},
		{1, 49, 5, NULL, "a 249-byte domain"},
		{60, 63, 4, "longer than 256", "a 316-byte address"},
	};
	for (size_t i = 0; i < sizeof len / sizeof len[0]; i++) {
		struct err e = {0};
		size_t n = 0;
		int rc;

		memset(s, 'l', len[i].local);
		n = len[i].local;
		s[n++] = '@';
		for (size_t k = 0; k < len[i].labels; k++) {
			if (k)
				s[n++] = '.';
			memset(s + n, 'd', len[i].label);
			n += len[i].label;
		}
		s[n] = '\0';
		rc = addr_check_spec(s, &e);
		if (!len[i].msg) {
			if (!ok(rc == 0, "check_spec accepts %s", len[i].name))
				diag("error: %s", e.msg);
		} else {
			is_int(rc, -1, "check_spec refuses %s", len[i].name);
			like(e.msg, len[i].msg, "%s: message says why", len[i].name);
		}
	}

	{
		struct err e = {0};
		addr_check_spec("a@-a.com", &e);
		like(e.msg, "a@-a.com", "the message names the address");
	}
}

static void test_format(void)
{
	struct addr a = {.display = "John Doe", .spec = "j@x.y", .has_domain = 1};
	struct addr_list l = {0};
	struct err e = {0};
	struct buf b;

	buf_init(&b, 256);
	ok(addr_format(&b, &a) == 0, "format with a display name");
	is_str(b.data, "John Doe <j@x.y>", "\"display <spec>\"");
	buf_reset(&b);
	a.display = NULL;
	ok(addr_format(&b, &a) == 0, "format without a display name");
	is_str(b.data, "j@x.y", "the bare spec");
	buf_reset(&b);
	a.display = "";
	ok(addr_format(&b, &a) == 0 && strcmp(b.data, "j@x.y") == 0, "an empty display name is omitted");
	buf_reset(&b);

	/* What parsing and formatting do to header fields qualify_headers rewrites. */
	ok(addr_parse_list("root (Cron Daemon)", 18, &l, &e) == 0 && l.n == 1, "parse root (Cron Daemon)");
	ok(addr_format(&b, &l.v[0]) == 0, "format it");
	is_str(b.data, "Cron Daemon <root>", "the comment becomes the display name");
	addr_list_free(&l);
	buf_reset(&b);

	ok(addr_parse_list("root (Doe, John)", 16, &l, &e) == 0 && l.n == 1, "parse root (Doe, John)");
	ok(addr_format(&b, &l.v[0]) == 0, "format it");
	is_str(b.data, "\"Doe, John\" <root>", "a comment with a comma is quoted, so it stays one mailbox");
	buf_reset(&b);
	addr_list_free(&l);

	ok(addr_parse_list("a@b (say \"hi\")", 14, &l, &e) == 0 && l.n == 1, "parse a comment with quotes");
	ok(addr_format(&b, &l.v[0]) == 0, "format it");
	is_str(b.data, "\"say \\\"hi\\\"\" <a@b>", "quotes inside are escaped");
	{
		struct addr_list again = {0};
		ok(addr_parse_list(b.data, b.len, &again, &e) == 0 && again.n == 1 &&
		   strcmp(again.v[0].spec, "a@b") == 0, "and the result parses back to the same mailbox");
		addr_list_free(&again);
	}
	addr_list_free(&l);

	buf_free(&b);
	buf_init(&b, 8);
	a.display = "A long display name";
	is_int(addr_format(&b, &a), -1, "format fails past the buffer's limit");
	buf_free(&b);
}

/* A parse that fails appends nothing: the list is as it was, so callers
 * need not free a half-filled list (no leak under ASan). */
static void test_failure_appends_nothing(void)
{
	struct addr_list l = {0};
	struct err e = {0};

	is_int(addr_parse_list("x@y.z", 5, &l, &e), 0, "a first list parses");
	is_int(addr_parse_list("a@b.c, <d@e.f", 13, &l, &e), -1, "a list bad after a good mailbox fails");
	is_int(l.n, 1, "the failed parse left the earlier entry and added none");
	is_str(l.v[0].spec, "x@y.z", "the earlier entry is intact");
	addr_list_free(&l);
	is_int(addr_parse_list("g: a@b.c, d@@e;", 15, &l, &e), -1, "a group bad after a member fails");
	ok(l.n == 0 && l.v == NULL, "a failed parse into an empty list leaves it empty");
}

int main(void)
{
	test_failure_appends_nothing();
	test_good();
	test_bad();
	test_lengths();
	test_limits();
	test_check_spec();
	test_format();
	return done_testing();
}
