/* Unit tests for dsn.c: the RFC 3461 NOTIFY list (section 4.1), RET
 * (section 4.3), ENVID (section 4.4), xtext (section 4), and the round
 * trip through the form kept with a queued message. */
#include <string.h>

#include "bounds.h"
#include "dsn.h"
#include "tap.h"

enum {
	N = DSN_NOTIFY_NEVER,
	S = DSN_NOTIFY_SUCCESS,
	F = DSN_NOTIFY_FAILURE,
	D = DSN_NOTIFY_DELAY,
};

static const struct {
	const char *in;
	unsigned flags;
	const char *formatted;
} notify_good[] = {
	{"never", N, "NEVER"},
	{"NEVER", N, "NEVER"},
	{"success", S, "SUCCESS"},
	{"failure", F, "FAILURE"},
	{"delay", D, "DELAY"},
	{"success,failure", S | F, "SUCCESS,FAILURE"},
	{"failure,success", S | F, "SUCCESS,FAILURE"},
	{"success,delay", S | D, "SUCCESS,DELAY"},
	{"delay,success", S | D, "SUCCESS,DELAY"},
	{"failure,delay", F | D, "FAILURE,DELAY"},
	{"delay,failure", F | D, "FAILURE,DELAY"},
	{"success,failure,delay", S | F | D, "SUCCESS,FAILURE,DELAY"},
	{"delay,failure,success", S | F | D, "SUCCESS,FAILURE,DELAY"},
	{"failure,delay,success", S | F | D, "SUCCESS,FAILURE,DELAY"},
	{"Success,FAILURE,dElAy", S | F | D, "SUCCESS,FAILURE,DELAY"},
	{"success , failure", S | F, "SUCCESS,FAILURE"},
	{"  delay,\tfailure  ", F | D, "FAILURE,DELAY"},
	{" never ", N, "NEVER"},
	{"failure,failure", F, "FAILURE"},
};

static const struct {
	const char *name;
	const char *in;
	const char *msg;
} notify_bad[] = {
	{"never with success is refused", "never,success", "cannot be combined"},
	{"failure with never is refused", "failure,never", "cannot be combined"},
	{"never with all three is refused", "success,failure,delay,never", "cannot be combined"},
	{"an empty value is refused", "", "empty word"},
	{"blanks alone are refused", "  ", "empty word"},
	{"a leading comma is refused", ",success", "empty word"},
	{"a trailing comma is refused", "success,", "empty word"},
	{"two commas in a row are refused", "success,,failure", "empty word"},
	{"an unknown word is refused and named", "success,sucess", "unknown DSN notify word 'sucess'"},
	{"a word inside another is refused", "successful", "unknown DSN notify word 'successful'"},
	{"a space inside a list without commas is refused", "success failure",
	 "unknown DSN notify word 'success failure'"},
	{"a semicolon is not a separator", "success;failure", "unknown DSN notify word"},
	{"a control character is not quoted", "succ\x1b[2Jess", "control or non-ASCII"},
	{"a NULL value is refused", NULL, "empty word"},
};

static void test_notify(void)
{
	struct buf b;

	buf_init(&b, 64);
	for (size_t i = 0; i < sizeof notify_good / sizeof notify_good[0]; i++) {
		struct err e = {0};
		unsigned flags = 0;
		is_int(dsn_parse_notify(notify_good[i].in, "option -N", &flags, &e), 0,
		       "notify \"%s\" is accepted", notify_good[i].in);
		is_int(flags, notify_good[i].flags, "notify \"%s\": flags", notify_good[i].in);
		buf_reset(&b);
		is_int(dsn_notify_format(&b, flags), 0, "notify \"%s\" formats", notify_good[i].in);
		is_str(b.data, notify_good[i].formatted, "notify \"%s\" formats in order",
		       notify_good[i].in);
	}
	for (size_t i = 0; i < sizeof notify_bad / sizeof notify_bad[0]; i++) {
		struct err e = {0};
		unsigned flags = 99;
		is_int(dsn_parse_notify(notify_bad[i].in, "option -N", &flags, &e), -1, "%s",
		       notify_bad[i].name);
		is_int(e.kind, ERR_USAGE, "%s: ERR_USAGE", notify_bad[i].name);
		like(e.msg, notify_bad[i].msg, "%s: message", notify_bad[i].name);
		like(e.msg, "option -N: ", "%s: the message names the option", notify_bad[i].name);
		is_int(flags, 99, "%s: flags untouched", notify_bad[i].name);
	}
	buf_free(&b);
}

/* Every valid set formats and reads back (the queue's text form). */
static void test_notify_round_trip(void)
{
	struct buf b;
	int all = 1;

	buf_init(&b, 64);
	for (unsigned f = 1; f <= (N | S | F | D); f++) {
		struct err e = {0};
		unsigned back = 0;
		int valid = !(f & N) || f == N;
		buf_reset(&b);
		if (!valid) {
			all &= dsn_notify_format(&b, f) == -1 && b.len == 0;
			continue;
		}
		all &= dsn_notify_format(&b, f) == 0 &&
		       dsn_parse_notify(b.data, "queue", &back, &e) == 0 && back == f;
	}
	ok(all, "every valid set of flags formats and parses back; invalid sets do not format");
	buf_free(&b);
}

static const struct {
	const char *name;
	unsigned flags;
	size_t limit;
} format_bad[] = {
	{"no flags", 0, 64},
	{"an unknown bit", S | 16, 64},
	{"never with failure", N | F, 64},
	{"a buffer too small for SUCCESS,FAILURE", S | F, 10},
};

static void test_notify_format_bad(void)
{
	for (size_t i = 0; i < sizeof format_bad / sizeof format_bad[0]; i++) {
		struct buf b;
		buf_init(&b, format_bad[i].limit);
		is_int(dsn_notify_format(&b, format_bad[i].flags), -1, "format refuses %s",
		       format_bad[i].name);
		is_int((long long)b.len, 0, "format with %s appends nothing", format_bad[i].name);
		buf_free(&b);
	}
}

static const struct {
	const char *in;
	int rc;
	enum dsn_ret ret;
} rets[] = {
	{"full", 0, DSN_RET_FULL},
	{"FULL", 0, DSN_RET_FULL},
	{"Full", 0, DSN_RET_FULL},
	{"hdrs", 0, DSN_RET_HDRS},
	{"HDRS", 0, DSN_RET_HDRS},
	{"hDrS", 0, DSN_RET_HDRS},
	{"", -1, DSN_RET_NONE},
	{"headers", -1, DSN_RET_NONE},
	{"full ", -1, DSN_RET_NONE},
	{"fullhdrs", -1, DSN_RET_NONE},
	{"ful", -1, DSN_RET_NONE},
	{NULL, -1, DSN_RET_NONE},
};

static void test_ret(void)
{
	for (size_t i = 0; i < sizeof rets / sizeof rets[0]; i++) {
		struct err e = {0};
		enum dsn_ret r = DSN_RET_NONE;
		const char *in = rets[i].in ? rets[i].in : "(null)";
		is_int(dsn_parse_ret(rets[i].in, "option -R", &r, &e), rets[i].rc, "ret \"%s\": %s", in,
		       rets[i].rc ? "refused" : "accepted");
		is_int(r, rets[i].ret, "ret \"%s\": value", in);
		if (rets[i].rc) {
			is_int(e.kind, ERR_USAGE, "ret \"%s\": ERR_USAGE", in);
			like(e.msg, "option -R: ", "ret \"%s\": the message names the option", in);
		}
	}
	is_str(dsn_ret_name(DSN_RET_FULL), "FULL", "DSN_RET_FULL is written FULL");
	is_str(dsn_ret_name(DSN_RET_HDRS), "HDRS", "DSN_RET_HDRS is written HDRS");
	is_str(dsn_ret_name(DSN_RET_NONE), NULL, "DSN_RET_NONE has no name");
	is_str(dsn_ret_name((enum dsn_ret)7), NULL, "a value outside the enum has no name");
}

/* The name a RET value is written with reads back as the same value. */
static void test_ret_round_trip(void)
{
	for (enum dsn_ret r = DSN_RET_FULL; r <= DSN_RET_HDRS; r++) {
		struct err e = {0};
		enum dsn_ret back = DSN_RET_NONE;
		ok(dsn_parse_ret(dsn_ret_name(r), "queue", &back, &e) == 0 && back == r,
		   "%s reads back", dsn_ret_name(r));
	}
}

static void test_envid(void)
{
	char id[DSN_ENVID_MAX + 2];
	struct err e = {0};

	memset(id, 'a', sizeof id);
	id[DSN_ENVID_MAX] = '\0';
	is_int(dsn_check_envid(id, "option -V", &e), 0, "an envelope ID of 100 characters is accepted");
	id[DSN_ENVID_MAX] = 'a';
	id[DSN_ENVID_MAX + 1] = '\0';
	is_int(dsn_check_envid(id, "option -V", &e), -1, "an envelope ID of 101 characters is refused");
	is_int(e.kind, ERR_USAGE, "a long envelope ID is ERR_USAGE");
	like(e.msg, "option -V: ", "the message names the option");
	like(e.msg, "101", "the message gives the length");
	is_int(dsn_check_envid("a", "option -V", &e), 0, "a one-character envelope ID is accepted");
	is_int(dsn_check_envid("QQ314159 id=1 <x@y> +=~!", "option -V", &e), 0,
	       "graphic characters and spaces are accepted");
	is_int(dsn_check_envid("", "option -V", &e), -1, "an empty envelope ID is refused");
	like(e.msg, "empty", "the message says it is empty");
	is_int(dsn_check_envid(NULL, "option -V", &e), -1, "a NULL envelope ID is refused");
	is_int(dsn_check_envid("ab\tc", "option -V", &e), -1, "a TAB is refused");
	is_int(dsn_check_envid("ab\r\nMAIL", "option -V", &e), -1, "CR LF is refused");
	like(e.msg, "position 3", "the message gives the position");
	is_int(dsn_check_envid("a\x7f", "option -V", &e), -1, "DEL is refused");
	is_int(dsn_check_envid("caf\xc3\xa9", "option -V", &e), -1, "non-ASCII is refused");
	is_int(e.kind, ERR_USAGE, "non-ASCII is ERR_USAGE");
	ok(strchr(e.msg, '\xc3') == NULL, "the message does not copy the bad byte");
}

#define X(lit) lit, sizeof(lit) - 1

static const struct {
	const char *name;
	const char *in;
	size_t len;
	const char *want;
} xtexts[] = {
	{"plus, equals, space and UTF-8 are encoded", X("a+b=c d\xc3\xa9"), "a+2Bb+3Dc+20d+C3+A9"},
	{"the empty string stays empty", X(""), ""},
	{"graphic ASCII stays as it is", X("!azAZ09~<x@y>"), "!azAZ09~<x@y>"},
	{"controls are encoded", X("\r\n\t"), "+0D+0A+09"},
	{"NUL is encoded", X("a\0b"), "a+00b"},
	{"DEL is encoded", X("\x7f"), "+7F"},
	{"0xFF is encoded in upper case", X("\xff"), "+FF"},
	{"'!' (33) and '~' (126) are the edges", X(" !~\x7f"), "+20!~+7F"},
};

static void test_xtext(void)
{
	struct buf b, small;

	buf_init(&b, 256);
	for (size_t i = 0; i < sizeof xtexts / sizeof xtexts[0]; i++) {
		buf_reset(&b);
		is_int(dsn_xtext(&b, xtexts[i].in, xtexts[i].len), 0, "xtext: %s: ok", xtexts[i].name);
		is_mem(b.data ? b.data : "", b.len, xtexts[i].want, strlen(xtexts[i].want), "xtext: %s",
		       xtexts[i].name);
	}
	buf_free(&b);
	buf_init(&small, 4);
	is_int(dsn_xtext(&small, X("abc+")), -1, "xtext past the buffer's limit fails");
	ok(small.len <= 4, "the buffer stays within its limit");
	buf_free(&small);
}

int main(void)
{
	test_notify();
	test_notify_round_trip();
	test_notify_format_bad();
	test_ret();
	test_ret_round_trip();
	test_envid();
	test_xtext();
	return done_testing();
}
