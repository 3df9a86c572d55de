/*
 * RFC 3463 enhanced status codes in words, for error messages: a server
 * that says only "535 5.7.8" or "552 5.2.2 quota" still gets a plain
 * reason. One table, from RFC 3463, RFC 4954 section 6, the RFC 5248
 * registry, RFC 6531, RFC 8689 and one vendor code. Pure lookup; the
 * strings returned are static.
 */
#ifndef POSTERN_STATUS_H
#define POSTERN_STATUS_H

/* Words for an enhanced status code such as "5.7.8" (class.subject.detail,
 * from struct reply's `enhanced`), or NULL when it is not in the table or
 * is not a well-formed code (class 2, 4 or 5, subject and detail of 1 to 3
 * digits, nothing after; NULL is allowed). Matches class, subject and
 * detail exactly; then falls back to the subject with any class
 * ("X.2.2"), so 4.2.2 and 5.2.2 share words. */
const char *status_words(const char *enhanced);

#endif
