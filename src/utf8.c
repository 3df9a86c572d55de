/*
 * RFC 3629 section 4 gives the well-formed byte sequences; this checks the
 * same thing by decoding each character and refusing what the table
 * excludes: overlong forms (C0, C1, E0 80..9F, F0 80..8F), surrogates
 * (ED A0..BF) and code points past U+10FFFF (F4 90.., F5..FF).
 * Control characters are refused on top: RFC 5198 section 2 keeps them
 * (but for line ends) out of text meant for interchange, and an address or
 * a header value that holds one is a mistake or an injection attempt.
 */
#include "utf8.h"

/* F5..FF can never start a character (RFC 3629 section 1); one reason
 * per byte so the message names it without a formatted buffer. */
static const char *const invalid_byte[] = {
	"invalid byte 0xF5", "invalid byte 0xF6", "invalid byte 0xF7", "invalid byte 0xF8",
	"invalid byte 0xF9", "invalid byte 0xFA", "invalid byte 0xFB", "invalid byte 0xFC",
	"invalid byte 0xFD", "invalid byte 0xFE", "invalid byte 0xFF",
};

/* The problem with one ASCII byte, or NULL. */
static const char *ascii_problem(unsigned char c, unsigned flags)
{
	if (c == '\t' && (flags & UTF8_ALLOW_TAB))
		return NULL;
	if (c < 0x20)
		return "C0 control character";
	if (c == 0x7f)
		return "DEL";
	return NULL;
}

/* The sequence length a lead byte announces (2..4), or 0 when the byte
 * cannot start a sequence. C0 and C1 are leads of overlong forms only and
 * are reported as such once their sequence is seen to be complete. */
static int lead_length(unsigned char c)
{
	if (c >= 0xc0 && c <= 0xdf)
		return 2;
	if (c >= 0xe0 && c <= 0xef)
		return 3;
	if (c >= 0xf0 && c <= 0xf4)
		return 4;
	return 0;
}

/* Decodes the multi-byte character at s[0..avail) whose lead says `len`
 * bytes; *cp is the code point. NULL or the reason it is malformed. */
static const char *decode(const unsigned char *s, size_t avail, int len, unsigned long *cp)
{
	static const unsigned long min[5] = {0, 0, 0x80, 0x800, 0x10000};
	unsigned long v = s[0] & (0x7fu >> len);

	if (avail < (size_t)len)
		return "truncated sequence";
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return "truncated sequence";
		v = (v << 6) | (s[i] & 0x3fu);
	}
	*cp = v;
	if (v < min[len])
		return "overlong encoding";
	if (v >= 0xd800 && v <= 0xdfff)
		return "surrogate code point";
	if (v > 0x10ffff)
		return "code point above U+10FFFF";
	return NULL;
}

/* The problem with the character at s[0..avail) and its length in *len. */
static const char *char_problem(const unsigned char *s, size_t avail, unsigned flags, int *len)
{
	unsigned long cp = 0;
	const char *why;

	*len = 1;
	if (s[0] < 0x80)
		return ascii_problem(s[0], flags);
	if (s[0] >= 0xf5)
		return invalid_byte[s[0] - 0xf5];
	*len = lead_length(s[0]);
	if (*len == 0)
		return "unexpected continuation byte";
	why = decode(s, avail, *len, &cp);
	if (!why && cp <= 0x9f)
		why = "C1 control character";
	return why;
}

const char *utf8_problem(const char *p, size_t n, unsigned flags, size_t *bad_off)
{
	const unsigned char *s = (const unsigned char *)p;

	for (size_t i = 0; i < n;) {
		int len;
		const char *why = char_problem(s + i, n - i, flags, &len);
		if (why) {
			if (bad_off)
				*bad_off = i;
			return why;
		}
		i += (size_t)len;
	}
	return NULL;
}

int utf8_has_nonascii(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] >= 0x80)
			return 1;
	return 0;
}
