/*
 * The 7-bit downgrade: turns a message holding 8-bit bytes or lines over
 * 998 octets into one a server without 8BITMIME accepts (RFC 6152 section
 * 3), the way Postfix's SMTP client does. Leaf parts with such bodies are
 * re-encoded (text/... as quoted-printable, everything else as base64),
 * multiparts are walked part by part, 8-bit text in unstructured header
 * fields becomes RFC 2047 encoded-words, and whatever cannot be downgraded
 * without changing its meaning is refused. Parts that need nothing are
 * copied byte for byte. Memory stays bounded: bodies are streamed in
 * MIME_CHUNK pieces, only header sections are held whole.
 *
 * Header fields it rewrites or adds: Content-Transfer-Encoding (replaced
 * in each re-encoded part; "7bit" for an 8bit/binary multipart it walked),
 * MIME-Version: 1.0 (added at the top when the body changes and there is
 * none), Content-Type: text/plain; charset=utf-8 or unknown-8bit (added to
 * a part without Content-Type whose 8-bit body it re-encodes), and the
 * 8-bit unstructured fields (Subject, Comments, Content-Description, X-*).
 */
#ifndef POSTERN_MIME7_H
#define POSTERN_MIME7_H

#include <stddef.h>
#include <sys/types.h>

#include "errors.h"

/* The whole message: header block hdr[0..hdr_len) in memory (CRLF lines,
 * ending with the empty line "\r\n"), then the body in file `fd` from
 * offset body_off to body_end (CRLF lines, read with pread; the body never
 * holds NUL, bare CR or bare LF). Writes the downgraded message (its new
 * header block, then its body) to out_fd at out_fd's current position, and
 * sets *out_size to the bytes written. Every output byte is < 0x80 and no
 * output line is longer than 998 octets plus CRLF. Memory stays bounded
 * whatever the message size (stream the body in chunks; only header
 * sections are held whole, each at most HEADER_SECTION_MAX).
 * Returns 0, or -1 with ERR_DATA and a one-line reason when the message
 * cannot be downgraded (e.g. "MIME part 2: a message/rfc822 part holds 8-bit
 * data, which cannot be downgraded to 7 bit"), or ERR_IO for read/write
 * failures. On failure part of the message may already be written. */
int mime7_downgrade(const char *hdr, size_t hdr_len, int fd, off_t body_off, off_t body_end,
		    int out_fd, off_t *out_size, struct err *e) __attribute__((warn_unused_result));

#endif
