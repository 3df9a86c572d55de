#include "downgrade.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "log.h"
#include "mime7.h"
#include "spool.h"

static struct buf no_header_block;   /* the copy's header is in its file */

void downgrade_init(struct downgrade *d)
{
	memset(d, 0, sizeof *d);
	d->fd = -1;
}

void downgrade_free(struct downgrade *d)
{
	if (d->fd >= 0)
		close(d->fd);
	downgrade_init(d);
}

/* A queued message keeps its header section in the file: read it into
 * `hdr` (through the empty line) and move *body_off past it. */
static int read_header_section(const struct message_source *src, struct buf *hdr,
			       off_t *body_off, struct err *e)
{
	char chunk[SPOOL_CHUNK];
	off_t off = src->body_off;

	while (off < src->body_end) {
		size_t want = (size_t)(src->body_end - off) < sizeof chunk ? (size_t)(src->body_end - off)
									   : sizeof chunk;
		ssize_t n = pread(src->fd, chunk, want, off);
		const char *end;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return err_set(e, ERR_IO, "downgrade: reading the message: %s",
				       n < 0 ? strerror(errno) : "file shrank");
		if (buf_append(hdr, chunk, (size_t)n) < 0)
			return err_set(e, ERR_DATA, "downgrade: header section too large");
		off += n;
		end = hdr->len >= 2 && memcmp(hdr->data, "\r\n", 2) == 0 ? hdr->data :
		      memmem(hdr->data, hdr->len, "\r\n\r\n", 4);
		if (end) {
			size_t keep = (size_t)(end - hdr->data) + (end == hdr->data ? 2 : 4);
			*body_off = src->body_off + (off_t)keep;
			hdr->len = keep;
			return 0;
		}
	}
	*body_off = src->body_end;   /* no body at all */
	return buf_appends(hdr, "\r\n") < 0 ? err_set(e, ERR_DATA, "downgrade: header too large") : 0;
}

int downgrade_make(struct downgrade *d, const struct smtp_message *m,
		   const struct message_source *src, struct err *e)
{
	struct buf hdr;
	off_t body_off = src->body_off, size = 0;
	int rc = 0;

	downgrade_free(d);
	buf_init(&hdr, HEADER_SECTION_MAX + SPOOL_CHUNK);
	if (src->header_block->len)
		rc = buf_append(&hdr, src->header_block->data, src->header_block->len) < 0 ?
		     err_set(e, ERR_DATA, "downgrade: header section too large") : 0;
	else
		rc = read_header_section(src, &hdr, &body_off, e);
	if (rc == 0 && (d->fd = spool_tempfile(e)) < 0)
		rc = -1;
	if (rc == 0)
		rc = mime7_downgrade(hdr.data ? hdr.data : "", hdr.len, src->fd, body_off,
				     src->body_end, d->fd, &size, e);
	buf_free(&hdr);
	if (rc < 0) {
		downgrade_free(d);
		if (e->kind != ERR_DATA)   /* a local failure is no fault of the message's */
			e->kind = ERR_TEMP;
		return err_prefix(e, "the server cannot take the message as it is, and the 7-bit "
				  "downgrade failed");
	}
	d->m = *m;
	d->m.size = size;
	d->m.o.has_8bit = d->m.o.long_lines = d->m.o.utf8_headers = 0;
	d->m.o.body_type = BODY_7BIT;
	d->src = (struct message_source){.header_block = &no_header_block, .fd = d->fd,
					 .body_off = 0, .body_end = size};
	log_info("downgraded to 7 bit: %lld bytes", (long long)size);
	return 0;
}
