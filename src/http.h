/*
 * HTTPS POST of a form, for OAuth2 token endpoints. libcurl (OpenSSL
 * build) is loaded with dlopen only when a request is made: most runs use
 * a cached token or a password and never pay for its many libraries.
 * https only, no redirects, a deadline for the whole request and a cap on
 * the response. The form is not copied by libcurl; the caller wipes it.
 */
#ifndef POSTERN_HTTP_H
#define POSTERN_HTTP_H

#include "buf.h"
#include "errors.h"

struct http_request {
	const char *url;
	const char *form;          /* application/x-www-form-urlencoded body */
	size_t form_len;
	const char *ca_file;       /* NULL: the system trust store */
	long timeout;              /* seconds for the whole request */
	const char *proxy;         /* socks5://, socks5h:// or http:// URL, or NULL */
	const char *proxy_user;    /* NULL: the proxy asks for nothing */
	const char *proxy_password;
};

/* POSTs the form; fills *status and `body` (limited by its buf). Any
 * status is a success here: the caller reads OAuth errors from the body.
 * ERR_TEMP for network, TLS and timeout failures and a libcurl that
 * cannot be loaded, ERR_CONFIG for a bad URL or CA file, ERR_PROTOCOL for
 * an over-long answer. */
int http_post_form(const struct http_request *rq, long *status, struct buf *body, struct err *e);

/* Appends NAME=VALUE (percent-encoded, with '&' before all but the first)
 * to a form body. */
int http_form_add(struct buf *form, const char *name, const char *value);

/* Percent-encodes `s` into `out` (RFC 3986 unreserved characters kept). */
int http_urlencode(struct buf *out, const char *s);

#endif
