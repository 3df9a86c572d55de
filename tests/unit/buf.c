/* Unit tests for buf.c: the bounded buffer every module builds on. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "tap.h"

static void test_append(void)
{
	struct buf b;

	buf_init(&b, 16);
	ok(b.data == NULL && b.len == 0, "a new buffer holds nothing and allocates nothing");
	is_int(buf_append(&b, "abc", 3), 0, "append within the limit");
	is_str(b.data, "abc", "data is NUL-terminated");
	is_int(buf_appends(&b, "def"), 0, "appends a C string");
	is_int(buf_appendf(&b, "-%d-", 42), 0, "appendf formats");
	is_str(b.data, "abcdef-42-", "appendf result");
	is_int((long long)b.len, 10, "len counts the bytes, not the NUL");
	is_int(buf_append(&b, "\0x", 2), 0, "binary content with a NUL is allowed");
	is_int((long long)b.len, 12, "len includes the embedded NUL");
	buf_free(&b);
	ok(b.data == NULL && b.len == 0, "buf_free leaves an empty buffer");
}

static void test_limit(void)
{
	struct buf b;

	buf_init(&b, 8);
	is_int(buf_appends(&b, "12345678"), 0, "exactly the limit fits");
	is_int(buf_append(&b, "9", 1), -1, "one byte past the limit fails");
	is_str(b.data, "12345678", "a failed append leaves the contents unchanged");
	is_int(buf_appendf(&b, "%s", "x"), -1, "appendf past the limit fails");
	is_int((long long)b.len, 8, "a failed appendf leaves the length unchanged");
	buf_reset(&b);
	is_int(buf_appendf(&b, "%s", "123456789"), -1, "appendf longer than the whole limit fails");
	ok(b.len == 0 && b.data && b.data[0] == '\0', "and leaves the buffer empty");
	is_int(buf_append(&b, "x", (size_t)-1), -1, "a huge length fails without overflow");
	buf_free(&b);

	buf_init(&b, 0);
	is_int(buf_append(&b, "", 0), 0, "a zero limit accepts nothing but an empty append");
	is_int(buf_append(&b, "x", 1), -1, "a zero limit refuses one byte");
	buf_free(&b);
}

static void test_consume(void)
{
	struct buf b;

	buf_init(&b, 64);
	ok(buf_appends(&b, "HELO x\r\nQUIT\r\n") == 0, "fill");
	buf_consume(&b, 8);
	is_str(b.data, "QUIT\r\n", "consume drops the first bytes");
	is_int((long long)b.len, 6, "and shortens len");
	buf_consume(&b, 100);
	ok(b.len == 0 && b.data[0] == '\0', "consuming more than len empties the buffer");
	buf_consume(&b, 0);
	is_int((long long)b.len, 0, "consume 0 of an empty buffer is harmless");
	buf_free(&b);

	buf_init(&b, 64);
	buf_consume(&b, 0);
	buf_reset(&b);
	ok(b.data == NULL, "reset and consume of a never-used buffer do not allocate");
	buf_free(&b);
}

static void test_wipe_steal(void)
{
	struct buf b;
	char *s;

	buf_init(&b, 64);
	ok(buf_appends(&b, "secret") == 0, "fill with a secret");
	buf_wipe(&b);
	ok(b.len == 0 && b.data && memcmp(b.data, "\0\0\0\0\0\0", 6) == 0,
	   "wipe zeroes the memory and empties the buffer");
	ok(buf_appends(&b, "again") == 0 && strcmp(b.data, "again") == 0, "a wiped buffer is usable");
	s = buf_steal(&b);
	is_str(s, "again", "steal hands over the string");
	ok(b.data == NULL && b.len == 0 && b.cap == 0, "and leaves the buffer empty");
	free(s);
	ok(buf_steal(&b) == NULL, "steal of a buffer that never held anything is NULL");
	buf_free(&b);
}

int main(void)
{
	test_append();
	test_limit();
	test_consume();
	test_wipe_steal();
	return done_testing();
}
