/* postern -bs: SMTP on standard input and output, for callers that speak
 * SMTP to "sendmail -bs". */
#ifndef POSTERN_CMD_BS_H
#define POSTERN_CMD_BS_H

#include "args.h"
#include "errors.h"

/* Serves one SMTP session on stdin/stdout; each message goes through the
 * same path as a plain send. Returns 0 when the session ends. */
int cmd_bs(const struct options *o, struct err *e);

#endif
