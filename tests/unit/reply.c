/* Unit tests for reply.c: RFC 5321 section 4.2 replies fed line by line,
 * RFC 3463 enhanced status codes, malformed lines, and the one-line
 * summary used in error messages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "reply.h"
#include "tap.h"

#define LINES_MAX 6

/* Replies that parse: every line is fed, the last one completes it. */
static const struct {
	const char *name;
	const char *lines[LINES_MAX];
	int code;
	const char *enhanced;
	const char *text;
	int nlines;
	const char *summary;
} good[] = {
	{"a one-line reply", {"250 ok"}, 250, "", "ok", 1, "250 ok"},
	{"\"250\" alone is a complete reply", {"250"}, 250, "", "", 1, "250"},
	{"\"250 \" (code and space) is a complete reply", {"250 "}, 250, "", "", 1, "250"},
	{"an enhanced code 2.0.0 is picked out", {"250 2.0.0 Ok: queued as 4F1"}, 250, "2.0.0",
	 "2.0.0 Ok: queued as 4F1", 1, "250 2.0.0 Ok: queued as 4F1"},
	{"an enhanced code 5.1.1 is picked out", {"550 5.1.1 <bob@example.com>: user unknown"}, 550,
	 "5.1.1", "5.1.1 <bob@example.com>: user unknown", 1,
	 "550 5.1.1 <bob@example.com>: user unknown [bad destination mailbox (no such user)]"},
	{"an enhanced code 4.7.0 is picked out", {"454 4.7.0 TLS not available"}, 454, "4.7.0",
	 "4.7.0 TLS not available", 1,
	 "454 4.7.0 TLS not available [temporary security or policy refusal]"},
	{"three-digit subject and detail", {"550 5.123.456 x"}, 550, "5.123.456", "5.123.456 x", 1,
	 "550 5.123.456 x"},
	{"an enhanced code alone on the line", {"250 2.1.5"}, 250, "2.1.5", "2.1.5", 1, "250 2.1.5"},
	{"no enhanced code in \"250 hello\"", {"250 hello"}, 250, "", "hello", 1, "250 hello"},
	{"no enhanced code from a version number \"2.0\"", {"220 mail ESMTP 2.0 ready"}, 220, "",
	 "mail ESMTP 2.0 ready", 1, "220 mail ESMTP 2.0 ready"},
	{"no enhanced code when it runs into text \"2.0.0x\"", {"250 2.0.0x"}, 250, "", "2.0.0x", 1,
	 "250 2.0.0x"},
	{"no enhanced code with a four-digit detail", {"250 2.0.0000 x"}, 250, "", "2.0.0000 x", 1,
	 "250 2.0.0000 x"},
	{"no enhanced code with class 3", {"354 3.0.0 go ahead"}, 354, "", "3.0.0 go ahead", 1,
	 "354 3.0.0 go ahead"},
	{"no enhanced code with an empty part \"2..0\"", {"250 2..0 x"}, 250, "", "2..0 x", 1,
	 "250 2..0 x"},
	{"a multi-line reply joins its text with LF",
	 {"250-mail.example.com", "250-PIPELINING", "250 SIZE 1000"}, 250, "",
	 "mail.example.com\nPIPELINING\nSIZE 1000", 3, "250 mail.example.com PIPELINING SIZE 1000"},
	{"the enhanced code comes from the first line",
	 {"550-5.1.1 first", "550 5.2.2 second"}, 550, "5.1.1", "5.1.1 first\n5.2.2 second", 2,
	 "550 5.1.1 first 5.2.2 second [bad destination mailbox (no such user)]"},
	{"a continuation line \"250-\" without text counts as a line",
	 {"250-", "250-PIPELINING", "250 STARTTLS"}, 250, "", "\nPIPELINING\nSTARTTLS", 3,
	 "250  PIPELINING STARTTLS"},
	{"a final line \"250\" without text ends a multi-line reply", {"250-a", "250"}, 250, "",
	 "a\n", 2, "250 a "},
	{"a reply class 4", {"421 4.3.2 shutting down"}, 421, "4.3.2", "4.3.2 shutting down", 1,
	 "421 4.3.2 shutting down [system not accepting messages]"},
	{"code 559 is valid", {"559 x"}, 559, "", "x", 1, "559 x"},
	{"code 200 is valid", {"200 x"}, 200, "", "x", 1, "200 x"},
	{"control characters are blanked in the summary", {"550 a\tb\x1b[31mc"}, 550, "",
	 "a\tb\x1b[31mc", 1, "550 a b [31mc"},
};

/* Lines that must be refused with ERR_PROTOCOL, fed after `before`. */
static const struct {
	const char *name;
	const char *before[3];
	const char *bad;
	const char *msg;
} bad[] = {
	{"\"hello\" is malformed", {NULL}, "hello", "malformed"},
	{"\"2x0\" is malformed", {NULL}, "2x0 x", "malformed"},
	{"\"600 x\" is malformed", {NULL}, "600 x", "malformed"},
	{"\"199 x\" is malformed", {NULL}, "199 x", "malformed"},
	{"\"599 x\" (second digit above 5) is malformed", {NULL}, "599 x", "malformed"},
	{"\"260 x\" (second digit above 5) is malformed", {NULL}, "260 x", "malformed"},
	{"\"25\" is malformed", {NULL}, "25", "malformed"},
	{"\"250x\" is malformed", {NULL}, "250x", "malformed"},
	{"\"250_x\" is malformed", {NULL}, "250_x", "malformed"},
	{"an empty line is malformed", {NULL}, "", "malformed"},
	{"\" 250 x\" (leading space) is malformed", {NULL}, " 250 x", "malformed"},
	{"a malformed line inside a multi-line reply", {"250-a", NULL}, "hello", "malformed"},
	{"the code changing mid-reply", {"250-a", NULL}, "251 b", "changed from 250 to 251"},
	{"the class changing mid-reply", {"250-a", "250-b", NULL}, "550 c", "changed from 250 to 550"},
};

static int feed(struct reply *r, const char *line, struct err *e)
{
	return reply_feed(r, line, strlen(line), e);
}

static void test_good(void)
{
	struct reply r;
	struct err e = {0};
	char sum[512];

	reply_init(&r);
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		int rc = 0, n = 0, early = 0;
		reply_reset(&r);
		for (; n < LINES_MAX && good[i].lines[n]; n++) {
			rc = feed(&r, good[i].lines[n], &e);
			if (good[i].lines[n + 1] && rc != 0)
				early = 1;
		}
		ok(!early, "%s: only the last line completes the reply", good[i].name);
		is_int(rc, 1, "%s: complete", good[i].name);
		is_int(r.code, good[i].code, "%s: code", good[i].name);
		is_str(r.enhanced, good[i].enhanced, "%s: enhanced code", good[i].name);
		is_str(r.text.data ? r.text.data : "", good[i].text, "%s: text", good[i].name);
		is_int(r.nlines, good[i].nlines, "%s: line count", good[i].name);
		is_str(reply_summary(&r, sum, sizeof sum), good[i].summary, "%s: summary", good[i].name);
		is_int(reply_class(&r), good[i].code / 100, "%s: class", good[i].name);
	}
	reply_free(&r);
}

static void test_bad(void)
{
	struct reply r;

	reply_init(&r);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct err e = {0};
		int pre = 0;
		reply_reset(&r);
		for (int n = 0; bad[i].before[n]; n++)
			pre |= feed(&r, bad[i].before[n], &e);
		ok(pre == 0, "%s: the lines before are accepted", bad[i].name);
		is_int(feed(&r, bad[i].bad, &e), -1, "%s: refused", bad[i].name);
		is_int(e.kind, ERR_PROTOCOL, "%s: ERR_PROTOCOL", bad[i].name);
		like(e.msg, bad[i].msg, "%s: message", bad[i].name);
	}
	reply_free(&r);
}

/* The error message quotes the line, but only the bytes given, with
 * control characters made harmless for the user's terminal. */
static void test_bad_line_quoted_safely(void)
{
	struct reply r;
	struct err e = {0};
	const char text[] = "hello world";
	const char esc[] = "he\x1b]0;pwned\x07llo";

	reply_init(&r);
	is_int(reply_feed(&r, text, 5, &e), -1, "a malformed line given by length is refused");
	like(e.msg, "hello", "the message quotes the line");
	ok(strstr(e.msg, "world") == NULL, "the message quotes no byte past len");
	reply_reset(&r);
	is_int(reply_feed(&r, esc, strlen(esc), &e), -1, "a malformed line with escapes is refused");
	ok(strchr(e.msg, '\x1b') == NULL && strchr(e.msg, '\x07') == NULL,
	   "the message holds no control characters from the server");
	reply_free(&r);
}

static void test_line_count_limit(void)
{
	struct reply r;
	struct err e = {0};
	int rc = 0, i;

	reply_init(&r);
	for (i = 1; i < REPLY_LINES_MAX && rc == 0; i++)
		rc = feed(&r, "250-x", &e);
	is_int(rc, 0, "%d continuation lines are accepted", REPLY_LINES_MAX - 1);
	is_int(feed(&r, "250 last", &e), 1, "line %d may end the reply", REPLY_LINES_MAX);
	is_int(r.nlines, REPLY_LINES_MAX, "REPLY_LINES_MAX lines counted");

	reply_reset(&r);
	for (i = 1, rc = 0; i <= REPLY_LINES_MAX && rc == 0; i++)
		rc = feed(&r, "250-x", &e);
	is_int(rc, 0, "REPLY_LINES_MAX continuation lines are accepted");
	is_int(feed(&r, "250 x", &e), -1, "line REPLY_LINES_MAX + 1 is refused");
	is_int(e.kind, ERR_PROTOCOL, "an endless reply is ERR_PROTOCOL");
	like(e.msg, "more than", "the message says the reply is too long");
	reply_free(&r);
}

/* The reply's text buffer has a limit too: long lines cannot grow it
 * without bound. */
static void test_text_limit(void)
{
	struct reply r;
	struct err e = {0};
	char *line = malloc(REPLY_LINE_MAX + 1);
	int rc = 0, i;

	memset(line, 'x', REPLY_LINE_MAX);
	memcpy(line, "250-", 4);
	line[REPLY_LINE_MAX] = '\0';
	reply_init(&r);
	for (i = 0; i < REPLY_LINES_MAX && rc == 0; i++)
		rc = feed(&r, line, &e);
	is_int(rc, -1, "long lines stop before REPLY_LINES_MAX when the text is too large");
	is_int(e.kind, ERR_PROTOCOL, "too much text is ERR_PROTOCOL");
	ok(r.text.len <= r.text.limit, "the text stays within its limit");
	reply_free(&r);
	free(line);
}

static void test_reset(void)
{
	struct reply r;
	struct err e = {0};
	char sum[64];

	reply_init(&r);
	is_str(reply_summary(&r, sum, sizeof sum), "0", "an empty reply summarises as its code");
	(void)feed(&r, "550-5.1.1 a", &e);
	(void)feed(&r, "550 b", &e);
	reply_reset(&r);
	is_int(r.code, 0, "reset clears the code");
	is_str(r.enhanced, "", "reset clears the enhanced code");
	is_int(r.nlines, 0, "reset clears the line count");
	is_int(feed(&r, "250 2.0.0 ok", &e), 1, "a reply after reset parses");
	is_str(r.text.data, "2.0.0 ok", "no text from the reply before");
	is_str(reply_summary(&r, sum, 8), "250 2.0", "the summary is cut to the buffer size");
	reply_free(&r);
}

int main(void)
{
	test_good();
	test_bad();
	test_bad_line_quoted_safely();
	test_line_count_limit();
	test_text_limit();
	test_reset();
	return done_testing();
}
