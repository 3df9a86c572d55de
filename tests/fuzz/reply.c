/* Fuzzes reply.c: the server's bytes cut into lines as conn_readline
 * does (at LF, one CR before it dropped, at most REPLY_LINE_MAX bytes),
 * fed to reply_feed. Each complete reply must carry a valid code, a
 * well-formed enhanced code, and a one-line summary without control
 * characters. */
#include <ctype.h>

#include "bounds.h"
#include "fuzz.h"
#include "reply.h"

static void check_reply(const struct reply *r)
{
	char summary[512];
	size_t n = strlen(r->enhanced);

	FUZZ_CHECK(r->code >= 200 && r->code <= 559, "a complete reply has a code 2xx to 5xx");
	FUZZ_CHECK(r->nlines >= 1 && r->nlines <= REPLY_LINES_MAX, "line count within its bound");
	FUZZ_CHECK(n == 0 || (n >= 5 && strchr("245", r->enhanced[0]) && r->enhanced[1] == '.'),
		   "an enhanced code is class.subject.detail, class 2, 4 or 5");
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(isdigit((unsigned char)r->enhanced[i]) || r->enhanced[i] == '.',
			   "an enhanced code holds digits and dots");
	FUZZ_CHECK(r->text.len <= r->text.limit, "text within its limit");
	reply_summary(r, summary, sizeof summary);
	FUZZ_CHECK(strlen(summary) < sizeof summary, "the summary is terminated");
	for (const char *p = summary; *p; p++)
		FUZZ_CHECK((unsigned char)*p >= 0x20, "the summary is one line without controls");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct reply r;
	struct err e = {0};

	reply_init(&r);
	while (p < end) {
		size_t len;
		const char *line = fuzz_line(&p, end, &len);
		int rc;
		if (len > REPLY_LINE_MAX)   /* conn_readline refuses it before reply.c sees it */
			len = REPLY_LINE_MAX;
		rc = reply_feed(&r, line, len, &e);
		if (rc != 0) {
			if (rc > 0)
				check_reply(&r);
			else
				FUZZ_CHECK(e.kind == ERR_PROTOCOL && e.msg[0], "a refusal says why");
			reply_reset(&r);
		}
	}
	reply_free(&r);
	return 0;
}
