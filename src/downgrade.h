/*
 * The 7-bit copy of a message for a server that cannot take it as it is
 * (RFC 6152 section 3: no 8BITMIME for 8-bit bytes, no BINARYMIME for
 * lines over 998 octets): mime7.c writes it into a private temporary
 * file, and the session sends that instead. The copy owns its file and
 * its struct smtp_message (the recipients and their outcomes stay the
 * original's).
 */
#ifndef POSTERN_DOWNGRADE_H
#define POSTERN_DOWNGRADE_H

#include "errors.h"
#include "session.h"
#include "smtp.h"

struct downgrade {
	struct smtp_message m;
	struct message_source src;
	int fd;                      /* -1: none made */
};

void downgrade_init(struct downgrade *d);

/* Makes the copy of message m, whose text is in src (a header block and a
 * body, or, for a queued message, the whole text in the file). ERR_DATA
 * when its structure cannot be downgraded, ERR_IO or ERR_CANTCREAT for
 * local failures. */
int downgrade_make(struct downgrade *d, const struct smtp_message *m,
		   const struct message_source *src, struct err *e);

/* Closes the copy's file; d may be used again. */
void downgrade_free(struct downgrade *d);

#endif
