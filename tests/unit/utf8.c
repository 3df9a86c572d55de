/* Unit tests for utf8.c: strict RFC 3629 validation with control
 * characters refused, the offset of the offending character, the TAB
 * flag, and the non-ASCII test used to decide on SMTPUTF8. */
#include <string.h>

#include "tap.h"
#include "utf8.h"

/* Each input is given with its length so NUL bytes can be tested. */
#define S(lit) lit, sizeof(lit) - 1

static const struct {
	const char *name;
	const char *in;
	size_t len;
	unsigned flags;
	const char *why;     /* NULL: valid */
	size_t off;
} cases[] = {
	{"the empty string is valid", S(""), 0, NULL, 0},
	{"plain ASCII is valid", S("bob@example.com"), 0, NULL, 0},
	{"a 2-byte sequence (é) is valid", S("caf\xc3\xa9"), 0, NULL, 0},
	{"a 3-byte sequence (€) is valid", S("5 \xe2\x82\xac"), 0, NULL, 0},
	{"a 4-byte sequence (😀) is valid", S("hi \xf0\x9f\x98\x80!"), 0, NULL, 0},
	{"the lowest 2-byte character U+0080 is a C1 control", S("a\xc2\x80"), 0,
	 "C1 control character", 1},
	{"U+009F is a C1 control", S("\xc2\x9f"), 0, "C1 control character", 0},
	{"U+00A0 (just past C1) is valid", S("\xc2\xa0"), 0, NULL, 0},
	{"U+0800, the lowest 3-byte character, is valid", S("\xe0\xa0\x80"), 0, NULL, 0},
	{"U+D7FF, just below the surrogates, is valid", S("\xed\x9f\xbf"), 0, NULL, 0},
	{"U+E000, just above the surrogates, is valid", S("\xee\x80\x80"), 0, NULL, 0},
	{"U+10000, the lowest 4-byte character, is valid", S("\xf0\x90\x80\x80"), 0, NULL, 0},
	{"U+10FFFF, the highest code point, is valid", S("\xf4\x8f\xbf\xbf"), 0, NULL, 0},
	{"overlong NUL C0 80 is refused", S("ab\xc0\x80"), 0, "overlong encoding", 2},
	{"overlong C1 BF is refused", S("\xc1\xbf"), 0, "overlong encoding", 0},
	{"overlong E0 80 80 is refused", S("x\xe0\x80\x80y"), 0, "overlong encoding", 1},
	{"overlong E0 9F BF is refused", S("\xe0\x9f\xbf"), 0, "overlong encoding", 0},
	{"overlong F0 80 80 80 is refused", S("\xf0\x80\x80\x80"), 0, "overlong encoding", 0},
	{"overlong F0 8F BF BF is refused", S("\xf0\x8f\xbf\xbf"), 0, "overlong encoding", 0},
	{"the surrogate ED A0 80 (U+D800) is refused", S("\xc3\xa9\xed\xa0\x80"), 0,
	 "surrogate code point", 2},
	{"the surrogate ED BF BF (U+DFFF) is refused", S("\xed\xbf\xbf"), 0,
	 "surrogate code point", 0},
	{"F4 90 80 80 (U+110000) is refused", S("\xf4\x90\x80\x80"), 0,
	 "code point above U+10FFFF", 0},
	{"the byte F5 is refused", S("a\xf5\x80\x80\x80"), 0, "invalid byte 0xF5", 1},
	{"the byte F8 is refused", S("\xf8"), 0, "invalid byte 0xF8", 0},
	{"the byte FE is refused", S("ab\xfe"), 0, "invalid byte 0xFE", 2},
	{"the byte FF is refused", S("\xff"), 0, "invalid byte 0xFF", 0},
	{"a lone continuation byte is refused", S("ab\x80" "cd"), 0,
	 "unexpected continuation byte", 2},
	{"a continuation byte after a complete character is refused", S("\xc3\xa9\xa9"), 0,
	 "unexpected continuation byte", 2},
	{"a 2-byte sequence cut at the end is refused", S("caf\xc3"), 0, "truncated sequence", 3},
	{"a 3-byte sequence cut at the end is refused", S("\xe2\x82"), 0, "truncated sequence", 0},
	{"a 4-byte sequence cut at the end is refused", S("x\xf0\x9f\x98"), 0,
	 "truncated sequence", 1},
	{"a sequence cut by an ASCII byte is refused", S("\xe2\x82" "a"), 0,
	 "truncated sequence", 0},
	{"a sequence cut by a new lead byte is refused", S("\xc3\xc3\xa9"), 0,
	 "truncated sequence", 0},
	{"NUL is a C0 control", S("a\0b"), 0, "C0 control character", 1},
	{"ESC is a C0 control", S("x\x1b[31m"), 0, "C0 control character", 1},
	{"CR is refused", S("a\rb"), UTF8_ALLOW_TAB, "C0 control character", 1},
	{"LF is refused", S("ab\n"), UTF8_ALLOW_TAB, "C0 control character", 2},
	{"DEL is refused", S("a\x7f"), 0, "DEL", 1},
	{"TAB is refused without the flag", S("a\tb"), 0, "C0 control character", 1},
	{"TAB is allowed with UTF8_ALLOW_TAB", S("a\tb\t\xc3\xa9"), UTF8_ALLOW_TAB, NULL, 0},
	{"the first problem is the one reported", S("\xc3\xa9\x7f\xff"), 0, "DEL", 2},
};

static void test_cases(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t off = 9999;
		const char *why = utf8_problem(cases[i].in, cases[i].len, cases[i].flags, &off);
		is_str(why, cases[i].why, "%s", cases[i].name);
		if (cases[i].why)
			is_int((long long)off, (long long)cases[i].off, "%s: offset", cases[i].name);
		else
			is_int((long long)off, 9999, "%s: offset untouched", cases[i].name);
	}
}

/* Only p[0..n) is looked at: a bad byte just past the end does not count. */
static void test_bounds(void)
{
	const char s[] = "ok\xff";

	ok(utf8_problem(s, 2, 0, NULL) == NULL, "bytes past n are not read");
	is_str(utf8_problem(s, 3, 0, NULL), "invalid byte 0xFF",
	       "bad_off may be NULL");
	is_str(utf8_problem("\xe2\x82\xac", 2, 0, NULL), "truncated sequence",
	       "a sequence that runs past n is truncated");
}

static const struct {
	const char *name;
	const char *in;
	size_t len;
	int want;
} nonascii[] = {
	{"ASCII has no non-ASCII byte", S("bob@example.com"), 0},
	{"the empty string has no non-ASCII byte", S(""), 0},
	{"controls and DEL are ASCII", S("\t\r\n\x7f"), 0},
	{"é is non-ASCII", S("caf\xc3\xa9"), 1},
	{"a lone 0x80 is non-ASCII", S("\x80"), 1},
	{"0xFF at the end is non-ASCII", S("abc\xff"), 1},
};

static void test_has_nonascii(void)
{
	for (size_t i = 0; i < sizeof nonascii / sizeof nonascii[0]; i++)
		is_int(utf8_has_nonascii(nonascii[i].in, nonascii[i].len), nonascii[i].want, "%s",
		       nonascii[i].name);
	is_int(utf8_has_nonascii("a\xc3", 1), 0, "bytes past n are not read");
}

int main(void)
{
	test_cases();
	test_bounds();
	test_has_nonascii();
	return done_testing();
}
