/*
 * Diagnostics: warnings on stderr, the -v protocol transcript (with secrets
 * redacted by the caller's flag, never printed), and the one-line-per-message
 * log (syslog, a file, or nothing).
 */
#ifndef POSTERN_LOG_H
#define POSTERN_LOG_H

#include <stddef.h>

enum log_dir { LOG_FROM_SERVER, LOG_TO_SERVER, LOG_INFO };

/* Turns the -v transcript on or off (off by default). */
void log_set_verbose(int level);   /* 0 off, 1 -v, 2 -vv: with timestamps */
int log_verbose(void);
/* `in` as printable ASCII for a terminal, into out (n bytes): every other
 * byte (controls, escape sequences, non-ASCII) becomes '?'. Returns out. */
const char *log_safe(char *out, size_t n, const char *in);

/* One transcript line (without CRLF). Only the first `shown` bytes are
 * printed; when that is less than len, "<redacted>" stands for the rest
 * (so AUTH lines show their verb and mechanism, never the secret). */
void log_transcript(enum log_dir dir, const char *line, size_t len, size_t shown);

/* "postern: warning: ..." on stderr. */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "postern: ..." on stderr, only under -v. */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Where the per-message log goes: "syslog", "none", or a file path
 * (borrowed: the string must outlive all logging). */
void log_set_target(const char *target);

/* Appends one line about a message's fate to the configured log. */
void log_message(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* One line to syslog at LOG_ERR (facility mail), whatever `log` says: for
 * what a person must act on (mail held for credentials). */
void log_alert(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
