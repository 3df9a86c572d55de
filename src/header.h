/*
 * The message's header section (RFC 5322 section 2.2): read from the spool
 * file into memory (bounded), split into fields with their folded lines,
 * and rewritten: fields removed (Bcc), replaced (qualified addresses) or
 * added (Date, Message-ID, From). header_write() produces the header block
 * that is sent before the body, which stays in the spool file.
 */
#ifndef POSTERN_HEADER_H
#define POSTERN_HEADER_H

#include <sys/types.h>

#include "buf.h"
#include "errors.h"

struct header_field {
	size_t off, len;      /* raw text in headers.raw, CRLFs included */
	size_t name_len;
	char *replacement;    /* owned full "Name: value\r\n", or NULL */
	int removed;
};

struct headers {
	struct buf raw;       /* the header section as read */
	struct header_field *f;
	int n;
	struct buf added;     /* fields added at the end */
	off_t body_off;       /* where the body starts in the spool file */
};

/* Reads and splits the header section of the spool file `fd`. The header
 * section ends at the first empty line, or at the first line that is not
 * a header field (then the whole rest is body). Leading mbox "From " lines
 * are skipped and never written. ERR_DATA when it exceeds
 * HEADER_SECTION_MAX or HEADER_FIELDS_MAX. */
int header_parse(struct headers *h, int fd, off_t size, struct err *e);

/* Index of the first field named `name` (case-insensitive) at or after
 * `from`, or -1. */
int header_find(const struct headers *h, const char *name, int from);

/* The unfolded value of field i (CRLFs removed), owned by the caller. */
char *header_value(const struct headers *h, int i);

/* The field's name as written, copied into out (at most outsz-1 bytes). */
void header_name(const struct headers *h, int i, char *out, size_t outsz);

void header_remove(struct headers *h, int i);

/* Replaces field i by "Name: value". Returns -1 when out of memory. */
int header_replace(struct headers *h, int i, const char *value);

/* Adds "name: value" at the end of the section. */
int header_add(struct headers *h, const char *name, const char *value);

/* The complete header block to send, ending with the empty line. */
int header_write(const struct headers *h, struct buf *out);

/* Folds every line of a written header block longer than 998 octets at a
 * blank (RFC 5322 section 2.1.1), so that no header line is too long for
 * SMTP. ERR_DATA naming the field when a line has no blank to fold at. */
int header_fold_long_lines(struct buf *block, struct err *e);

void header_free(struct headers *h);

#endif
