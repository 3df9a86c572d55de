#include "downgrade.h"

#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "header.h"
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

/* The block ends with the empty line mime7 expects. */
static int ends_section(const struct buf *b)
{
	return b->len == 2 ? memcmp(b->data, "\r\n", 2) == 0
			   : b->len >= 4 && memcmp(b->data + b->len - 4, "\r\n\r\n", 4) == 0;
}

/* A queued message keeps its header section in its file, as header_write
 * made it: read it with header.c into `hdr`, and where the body starts. */
static int queued_header(const struct message_source *src, struct buf *hdr, off_t *body_off,
			 struct err *e)
{
	struct headers h;
	int rc = header_parse(&h, src->fd, src->body_end, e);

	if (rc == 0) {
		*body_off = h.body_off;
		if (buf_append(hdr, h.raw.data ? h.raw.data : "", (size_t)h.body_off) < 0 ||
		    (!ends_section(hdr) && buf_appends(hdr, "\r\n") < 0))
			rc = err_set(e, ERR_DATA, "downgrade: header section too large");
	}
	header_free(&h);
	return rc;
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
		rc = queued_header(src, &hdr, &body_off, e);
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
