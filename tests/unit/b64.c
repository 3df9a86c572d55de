/* Unit tests for b64.c: RFC 4648 section 10 vectors both ways, invalid
 * input refused, the output buffer's limit respected. */
#include <string.h>

#include "b64.h"
#include "tap.h"

/* RFC 4648 section 10. */
static const struct {
	const char *plain, *encoded;
} vectors[] = {
	{"", ""},
	{"f", "Zg=="},
	{"fo", "Zm8="},
	{"foo", "Zm9v"},
	{"foob", "Zm9vYg=="},
	{"fooba", "Zm9vYmE="},
	{"foobar", "Zm9vYmFy"},
};

/* Input a decoder must refuse. */
static const struct {
	const char *in;
	const char *why;
} invalid[] = {
	{"Zm9v!", "a character outside the alphabet"},
	{"Zm 9v", "a space inside"},
	{"Zm9v\n", "a line ending"},
	{"Zm-_", "the URL-safe alphabet (section 5)"},
	{"Zg=", "three characters with one pad"},
	{"Zg===", "three pads"},
	{"====", "only padding"},
	{"=", "a lone pad"},
	{"Zg==Zg==", "data after padding"},
	{"Zg=a", "a character after a pad"},
	{"Z", "one character (6 bits: not even one byte)"},
	{"Zm9vY", "five characters (a dangling sixth-bit group)"},
	{"A===", "one character and three pads"},
	{"Rubbish", "seven characters, not padded (curl's test 'Rubbish' challenge)"},
	{"Zg", "two characters without their padding"},
	{"Zm8", "three characters without their padding"},
	{"Zh==", "non-zero bits left over after one byte (RFC 4648 3.5)"},
	{"Zm9=", "non-zero bits left over after two bytes"},
};

static void test_vectors(void)
{
	for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		struct buf b;
		int rc;

		buf_init(&b, 64);
		rc = b64_encode(&b, vectors[i].plain, strlen(vectors[i].plain));
		is_int(rc, 0, "encode \"%s\" succeeds", vectors[i].plain);
		is_str(b.data ? b.data : "", vectors[i].encoded, "encode \"%s\" = \"%s\"",
		       vectors[i].plain, vectors[i].encoded);
		buf_free(&b);

		buf_init(&b, 64);
		rc = b64_decode(&b, vectors[i].encoded, strlen(vectors[i].encoded));
		is_int(rc, 0, "decode \"%s\" succeeds", vectors[i].encoded);
		is_mem(b.data ? b.data : "", b.len, vectors[i].plain, strlen(vectors[i].plain),
		       "decode \"%s\" = \"%s\"", vectors[i].encoded, vectors[i].plain);
		buf_free(&b);
	}
}

static void test_binary(void)
{
	unsigned char all[256];
	struct buf enc, dec;

	for (int i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	buf_init(&enc, 1024);
	buf_init(&dec, 1024);
	ok(b64_encode(&enc, all, sizeof all) == 0, "encode all 256 byte values");
	is_int((long long)enc.len, 344, "256 bytes encode to 344 characters");
	ok(b64_decode(&dec, enc.data, enc.len) == 0, "decode them back");
	ok(dec.len == sizeof all && memcmp(dec.data, all, sizeof all) == 0,
	   "round trip keeps every byte, NUL and 0xff included");
	buf_free(&enc);
	buf_free(&dec);

	/* SASL PLAIN's message: authzid NUL authcid NUL password. */
	buf_init(&enc, 64);
	ok(b64_encode(&enc, "\0demo\0secret", 12) == 0 && strcmp(enc.data, "AGRlbW8Ac2VjcmV0") == 0,
	   "SASL PLAIN \"\\0demo\\0secret\" encodes to AGRlbW8Ac2VjcmV0");
	buf_free(&enc);

	buf_init(&dec, 64);
	ok(b64_decode(&dec, "VXNlcm5hbWU6", 12) == 0 && strcmp(dec.data, "Username:") == 0,
	   "LOGIN challenge VXNlcm5hbWU6 decodes to \"Username:\"");
	buf_free(&dec);
}

static void test_invalid(void)
{
	for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
		struct buf b;

		buf_init(&b, 64);
		is_int(b64_decode(&b, invalid[i].in, strlen(invalid[i].in)), -1,
		       "decode refuses %s", invalid[i].why);
		buf_free(&b);
	}
	{
		struct buf b;
		char nul[] = "Zm\0v";

		buf_init(&b, 64);
		is_int(b64_decode(&b, nul, 4), -1, "decode refuses a NUL byte inside the input");
		buf_free(&b);
		buf_init(&b, 64);
		is_int(b64_decode(&b, "Zm9v\xe9", 5), -1, "decode refuses a byte >= 0x80");
		buf_free(&b);
	}
}

static void test_limit(void)
{
	struct buf b;

	buf_init(&b, 8);
	is_int(b64_encode(&b, "foobar", 6), 0, "encode fits exactly in a limit of 8");
	is_int((long long)b.len, 8, "8 characters written");
	buf_free(&b);

	buf_init(&b, 7);
	is_int(b64_encode(&b, "foobar", 6), -1, "encode fails when the output would pass the limit");
	ok(b.len <= 7, "the buffer never holds more than its limit");
	buf_free(&b);

	buf_init(&b, 6);
	is_int(b64_decode(&b, "Zm9vYmFy", 8), 0, "decode fits exactly in a limit of 6");
	buf_free(&b);

	buf_init(&b, 5);
	is_int(b64_decode(&b, "Zm9vYmFy", 8), -1, "decode fails when the output would pass the limit");
	ok(b.len <= 5, "the decode buffer never holds more than its limit");
	buf_free(&b);

	buf_init(&b, 64);
	ok(b64_encode(&b, "a", 1) == 0 && b64_encode(&b, "b", 1) == 0 &&
	   strcmp(b.data, "YQ==Yg==") == 0, "encode appends to what the buffer holds");
	buf_free(&b);
}

/* RFC 2047 encoded words for a phrase: 45 octets of text a word at most,
 * never splitting a UTF-8 sequence. */
static void test_encoded_words(void)
{
	struct buf b, text;
	int words = 1;

	buf_init(&b, 4096);
	ok(b64_encoded_words(&b, "J\xc3\xb6rg", 5) == 0 && strcmp(b.data, "=?UTF-8?B?SsO2cmc=?=") == 0,
	   "a short name is one encoded word");
	buf_reset(&b);
	buf_init(&text, 256);
	for (int i = 0; i < 22; i++)   /* 44 octets, then a 2-octet sequence across octet 45 */
		if (buf_append(&text, "\xc3\xa9", 2) < 0)
			return;
	if (buf_appends(&text, "\xc3\xa9x") < 0)
		return;
	ok(b64_encoded_words(&b, text.data, text.len) == 0 && strchr(b.data, ' ') &&
	   strcmp(strchr(b.data, ' '), " =?UTF-8?B?w6l4?=") == 0,
	   "a UTF-8 sequence across octet 45 is not split: it starts the next word");
	buf_reset(&b);
	buf_reset(&text);
	for (int i = 0; i < 100; i++)   /* not UTF-8: no sequence to keep whole */
		if (buf_append(&text, "\x8c", 1) < 0)
			return;
	ok(b64_encoded_words(&b, text.data, text.len) == 0, "100 stray continuation bytes: encoded");
	for (const char *p = b.data; p && (p = strchr(p, ' ')); p++)
		words++;
	is_int(words, 3, "100 stray continuation bytes make words of 45 octets, not one word each");
	buf_free(&b);
	buf_free(&text);
}

int main(void)
{
	test_vectors();
	test_binary();
	test_invalid();
	test_limit();
	test_encoded_words();
	return done_testing();
}
