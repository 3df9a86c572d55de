/* Fuzzes the 7-bit downgrade (mime7.c with mimehdr.c, mimeenc.c,
 * mimerange.c, mimeaddr.c, through downgrade.c): the input is a message
 * as read from standard input, spooled, then downgraded as the session
 * does for a server without 8BITMIME: for odd lengths with the header
 * block in memory (a fresh send), for even ones from the file alone (a
 * queued message). What comes out is what mime7.h promises: every byte
 * 7-bit, CRLF lines only, none longer than 998 octets, and exactly the
 * size it reports; a refusal is ERR_DATA and says why. */
#include "bounds.h"
#include "downgrade.h"
#include "fuzz.h"
#include "header.h"
#include "spool.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_tmpdir_in_memory();
	return 0;
}

static void check_copy(const struct downgrade *d)
{
	char chunk[MIME_CHUNK];
	off_t off = 0;
	size_t col = 0;
	int cr = 0;

	while (off < d->src.body_end) {
		ssize_t r = pread(d->fd, chunk, sizeof chunk, off);
		FUZZ_CHECK(r > 0, "the copy holds the size it reports");
		for (ssize_t i = 0; i < r; i++) {
			unsigned char c = (unsigned char)chunk[i];
			FUZZ_CHECK(c < 0x80 && c != 0, "the copy is 7-bit, without NUL");
			FUZZ_CHECK(!cr || c == '\n', "no bare CR in the copy");
			FUZZ_CHECK(c != '\n' || cr, "no bare LF in the copy");
			cr = c == '\r';
			if (c == '\n')
				col = 0;
			else if (c != '\r')
				FUZZ_CHECK(++col <= MIME_LINE_MAX, "no line of the copy is over 998 octets");
		}
		off += r;
	}
	FUZZ_CHECK(pread(d->fd, chunk, 1, off) == 0, "the copy ends where its size says");
	FUZZ_CHECK(off == 0 || (!cr && col == 0), "the copy ends with CRLF");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct addr_list rcpts = {0};
	struct smtp_message m = {.sender = "a@example.com", .rcpts = &rcpts};
	struct buf block, none;
	struct headers h;
	struct downgrade d;
	struct spool s;
	struct err e = {0};
	int rc;

	if (spool_from_memory((const char *)data, size, 0, &s, &e) < 0)
		return 0;
	buf_init(&block, 2 * HEADER_SECTION_MAX);
	buf_init(&none, 1);
	downgrade_init(&d);
	memset(&h, 0, sizeof h);
	if (size & 1 && (header_parse(&h, s.fd, s.size, &e) < 0 || header_write(&h, &block) < 0))
		goto out;
	rc = downgrade_make(&d, &m, &(struct message_source){.header_block = size & 1 ? &block : &none,
			    .fd = s.fd, .body_off = size & 1 ? h.body_off : 0, .body_end = s.size}, &e);
	if (rc == 0)
		check_copy(&d);
	else
		FUZZ_CHECK(e.kind == ERR_DATA && e.msg[0], "a message that cannot be downgraded says why");
out:
	downgrade_free(&d);
	header_free(&h);
	buf_free(&block);
	buf_free(&none);
	spool_close(&s);
	return 0;
}
