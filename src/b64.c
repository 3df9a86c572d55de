#include "b64.h"

#include <string.h>

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int b64_encode(struct buf *out, const void *p, size_t n)
{
	const unsigned char *s = p;
	char q[4];

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		q[0] = alphabet[(v >> 18) & 63];
		q[1] = alphabet[(v >> 12) & 63];
		q[2] = i + 1 < n ? alphabet[(v >> 6) & 63] : '=';
		q[3] = i + 2 < n ? alphabet[v & 63] : '=';
		if (buf_append(out, q, 4) < 0)
			return -1;
	}
	return 0;
}

static int b64_value(char c)
{
	const char *p = c ? strchr(alphabet, c) : NULL;
	return p ? (int)(p - alphabet) : -1;
}

int b64_decode(struct buf *out, const char *s, size_t n)
{
	unsigned v = 0;
	int bits = 0;
	size_t pad = 0;

	for (size_t i = 0; i < n; i++) {
		int d;
		if (s[i] == '=') {
			pad++;
			continue;
		}
		if (pad)
			return -1;          /* data after padding */
		d = b64_value(s[i]);
		if (d < 0)
			return -1;
		v = (v << 6) | (unsigned)d;
		bits += 6;
		if (bits >= 8) {
			char c = (char)((v >> (bits - 8)) & 0xff);
			bits -= 8;
			if (buf_append(out, &c, 1) < 0)
				return -1;
		}
	}
	/* RFC 4648 sections 3.2 and 3.5, as RFC 4954 asks: whole padded
	 * quanta, as many pads as the last quantum is short, and the bits
	 * left over zero. Anything else ("334 Rubbish") is not base64, and
	 * the SASL exchange is cancelled rather than answered. */
	if (n % 4 || pad > 2 || bits != 2 * (int)pad || (v & ((1u << bits) - 1)))
		return -1;
	return 0;
}

int b64_encoded_words(struct buf *out, const char *text, size_t n)
{
	size_t off = 0;

	while (off < n) {
		size_t take = n - off < 45 ? n - off : 45, k = take;   /* 45 octets: 60 characters of base64 */
		/* Back to the start of a UTF-8 sequence the cut would split: at
		 * most 3 bytes, the longest a sequence continues. A longer run of
		 * continuation bytes is no sequence and is cut where it falls
		 * (one word per byte would make 16 characters of each). */
		while (k + 3 > take && k > 1 && off + k < n && ((unsigned char)text[off + k] & 0xc0) == 0x80)
			k--;
		if (off + k >= n || ((unsigned char)text[off + k] & 0xc0) != 0x80)
			take = k;
		if ((off && buf_appends(out, " ") < 0) || buf_appends(out, "=?UTF-8?B?") < 0 ||
		    b64_encode(out, text + off, take) < 0 || buf_appends(out, "?=") < 0)
			return -1;
		off += take;
	}
	return 0;
}
