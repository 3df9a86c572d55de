/* RFC 5321 section 4.2 (replies), RFC 2034 and RFC 3463 (enhanced codes). */
#include "reply.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "bounds.h"
#include "status.h"

void reply_init(struct reply *r)
{
	memset(r, 0, sizeof *r);
	buf_init(&r->text, REPLY_LINE_MAX * 8);
}

void reply_reset(struct reply *r)
{
	r->code = 0;
	r->enhanced[0] = '\0';
	r->nlines = 0;
	buf_reset(&r->text);
}

void reply_free(struct reply *r)
{
	buf_free(&r->text);
}

/* class "." subject "." detail, 1-3 digits each (RFC 3463 section 2). */
static void pick_enhanced(struct reply *r, const char *t, size_t n)
{
	size_t i = 0, start;
	int parts = 0;

	if (n < 5 || (t[0] != '2' && t[0] != '4' && t[0] != '5') || t[1] != '.')
		return;
	i = 2;
	for (parts = 1; parts < 3; parts++) {
		start = i;
		while (i < n && isdigit((unsigned char)t[i]) && i - start < 3)
			i++;
		if (i == start)
			return;
		if (parts == 1 && (i >= n || t[i++] != '.'))
			return;
	}
	if ((i < n && t[i] != ' ') || i >= sizeof r->enhanced)
		return;
	memcpy(r->enhanced, t, i);
	r->enhanced[i] = '\0';
}

static int valid_code(const char *line, size_t len)
{
	return len >= 3 && line[0] >= '2' && line[0] <= '5' && line[1] >= '0' && line[1] <= '5' &&
	       isdigit((unsigned char)line[2]) && (len == 3 || line[3] == ' ' || line[3] == '-');
}

int reply_feed(struct reply *r, const char *line, size_t len, struct err *e)
{
	int code;

	if (!valid_code(line, len))   /* quotes only the bytes given; err_set blanks controls */
		return err_set(e, ERR_PROTOCOL, "reply: malformed line from the server: '%.*s'",
			       (int)(len < 60 ? len : 60), line);
	code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
	if (r->nlines > 0 && code != r->code)
		return err_set(e, ERR_PROTOCOL, "reply: code changed from %d to %d within one reply",
			       r->code, code);
	if (++r->nlines > REPLY_LINES_MAX)
		return err_set(e, ERR_PROTOCOL, "reply: more than %d lines in one reply (endless reply?)",
			       REPLY_LINES_MAX);
	r->code = code;
	if (len > 4 && r->nlines == 1)
		pick_enhanced(r, line + 4, len - 4);
	/* Every line after the first adds a '\n', even after a line with no
	 * text, so caps_parse sees the lines as the server sent them. */
	if ((r->nlines > 1 && buf_append(&r->text, "\n", 1) < 0) ||
	    (len > 4 && buf_append(&r->text, line + 4, len - 4) < 0))
		return err_set(e, ERR_PROTOCOL, "reply: longer than %zu bytes", r->text.limit);
	return len == 3 || line[3] == ' ';
}

/* A refusal's enhanced code in words (RFC 3463, one table in status.c),
 * so "550 5.2.2 ..." also says "[mailbox full]". */
const char *reply_summary(const struct reply *r, char *out, size_t outsz)
{
	const char *words = reply_class(r) >= 4 ? status_words(r->enhanced) : NULL;
	size_t n;

	snprintf(out, outsz, "%d%s%.300s%s%s%s", r->code, r->text.len ? " " : "",
		 r->text.data ? r->text.data : "", words ? " [" : "", words ? words : "",
		 words ? "]" : "");
	for (n = 0; out[n]; n++)
		if (out[n] == '\n' || (unsigned char)out[n] < 0x20)
			out[n] = ' ';
	return out;
}
