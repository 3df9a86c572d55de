/* Fuzzes b64.c with round trips:
 *  - encoding any bytes and decoding the result gives them back;
 *  - the decoder is strict (whole padded quanta, zero spare bits), so
 *    whatever it accepts encodes back to exactly the same text;
 *  - the encoded words of any text are each at most 75 characters,
 *    7-bit, fit (n / 42 + 1) * 76 characters in all (no word is cut
 *    short but to keep a UTF-8 sequence whole), and decode back to the
 *    text in order. */
#include "b64.h"
#include "fuzz.h"

static void encode_decode(const char *p, size_t n)
{
	struct buf enc, dec;

	buf_init(&enc, 4 * (n / 3 + 1) + 1);
	buf_init(&dec, n + 1);
	FUZZ_CHECK(b64_encode(&enc, p, n) == 0, "encoding fits 4/3 of the input");
	FUZZ_CHECK(enc.len == (n + 2) / 3 * 4, "the encoding has the RFC 4648 length");
	FUZZ_CHECK(b64_decode(&dec, enc.data ? enc.data : "", enc.len) == 0, "the encoding decodes");
	FUZZ_CHECK(dec.len == n && (n == 0 || memcmp(dec.data, p, n) == 0), "decoding gives the input");
	buf_free(&enc);
	buf_free(&dec);
}

static void decode_encode(const char *p, size_t n)
{
	struct buf dec, enc;

	buf_init(&dec, n + 1);
	buf_init(&enc, n + 8);
	if (b64_decode(&dec, p, n) == 0) {
		FUZZ_CHECK(b64_encode(&enc, dec.data ? dec.data : "", dec.len) == 0, "re-encoding fits");
		FUZZ_CHECK(enc.len == n && (n == 0 || memcmp(enc.data, p, n) == 0),
			   "accepted base64 is canonical: it encodes back to itself");
	}
	buf_free(&dec);
	buf_free(&enc);
}

static void encoded_words(const char *p, size_t n)
{
	struct buf w, text;
	const char *s, *end;

	/* Words of at least 42 octets (45, less a UTF-8 sequence), each at
	 * most 76 characters with its space: no amplification of odd text. */
	buf_init(&w, (n / 42 + 1) * 76);
	buf_init(&text, n + 1);
	FUZZ_CHECK(b64_encoded_words(&w, p, n) == 0, "encoded words fit");
	s = w.data ? w.data : "";
	end = s + w.len;
	while (s < end) {
		const char *sp = memchr(s, ' ', (size_t)(end - s)), *stop = sp ? sp : end;
		size_t len = (size_t)(stop - s);
		FUZZ_CHECK(len <= 75 && len >= 12 && memcmp(s, "=?UTF-8?B?", 10) == 0 &&
			   memcmp(stop - 2, "?=", 2) == 0, "a word is =?UTF-8?B?...?=, at most 75");
		for (const char *c = s; c < stop; c++)
			FUZZ_CHECK((unsigned char)*c > ' ' && (unsigned char)*c < 0x7f, "a word is 7-bit");
		FUZZ_CHECK(b64_decode(&text, s + 10, len - 12) == 0, "a word's text decodes");
		s = sp ? sp + 1 : end;
	}
	FUZZ_CHECK(text.len == n && (n == 0 || memcmp(text.data, p, n) == 0),
		   "the words decode to the text");
	buf_free(&w);
	buf_free(&text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;

	encode_decode(p, size);
	decode_encode(p, size);
	encoded_words(p, size);
	return 0;
}
