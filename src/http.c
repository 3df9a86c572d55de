#include "http.h"

#include <curl/curl.h>
#include <string.h>

#include <openssl/ssl.h>

#include "dl.h"
#include "secmem.h"

/* The few libcurl functions postern calls, found at run time, typed
 * from curl.h so the compiler checks each call. */
struct curl_api {
	void *lib;
	__typeof__(curl_global_init_mem) *global_init_mem;
	__typeof__(curl_easy_init) *easy_init;
	__typeof__(curl_easy_setopt) *easy_setopt;
	__typeof__(curl_easy_perform) *easy_perform;
	__typeof__(curl_easy_getinfo) *easy_getinfo;
	__typeof__(curl_easy_cleanup) *easy_cleanup;
	__typeof__(curl_easy_strerror) *easy_strerror;
	__typeof__(curl_slist_append) *slist_append;
	__typeof__(curl_slist_free_all) *slist_free_all;
};

static struct curl_api api;

/* The members are not named like the functions: curl.h wraps some of them
 * (curl_easy_setopt, curl_easy_getinfo) in type-checking macros. */
static const struct dl_sym curl_syms[] = {
	{"curl_global_init_mem", &api.global_init_mem},
	{"curl_easy_init", &api.easy_init},
	{"curl_easy_setopt", &api.easy_setopt},
	{"curl_easy_perform", &api.easy_perform},
	{"curl_easy_getinfo", &api.easy_getinfo},
	{"curl_easy_cleanup", &api.easy_cleanup},
	{"curl_easy_strerror", &api.easy_strerror},
	{"curl_slist_append", &api.slist_append},
	{"curl_slist_free_all", &api.slist_free_all},
};

static int load_curl(struct err *e)
{
	if (api.lib)
		return 0;
	/* The OpenSSL flavour: libcurl.so.4 from libcurl4 on Debian. */
	if (!(api.lib = dl_load("OAuth2", "libcurl.so.4", "libcurl4", curl_syms,
				sizeof curl_syms / sizeof curl_syms[0], e)))
		return -1;
	/* libcurl copies the request (refresh token, client secret) and keeps
	 * the answer (tokens) in buffers of its own: have it wipe them too. */
	if (api.global_init_mem(CURL_GLOBAL_DEFAULT, secmem_malloc, secmem_free, secmem_realloc,
				secmem_strdup, secmem_calloc) != CURLE_OK)
		return err_set(e, ERR_SOFTWARE, "OAuth2: libcurl failed to initialise");
	return 0;
}

struct sink {
	struct buf *body;
	int overflow;
};

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
	struct sink *s = ctx;

	if (buf_append(s->body, p, size * n) < 0) {
		s->overflow = 1;
		return 0;   /* libcurl stops with CURLE_WRITE_ERROR */
	}
	return size * n;
}

/* OpenSSL decrypts into its read buffer: have it cleanse that too. */
static CURLcode cleanse_plaintext(CURL *c, void *ssl_ctx, void *arg)
{
	(void)c;
	(void)arg;
	SSL_CTX_set_options(ssl_ctx, SSL_OP_CLEANSE_PLAINTEXT);
	return CURLE_OK;
}

/* What curl reports that no retry will mend; everything else (no route,
 * a captive portal's certificate, a reset stream) may pass: try later. */
static enum err_kind kind_of(CURLcode rc)
{
	switch (rc) {
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_SSL_CACERT_BADFILE:
		return ERR_CONFIG;
	case CURLE_NOT_BUILT_IN:
	case CURLE_BAD_FUNCTION_ARGUMENT:
		return ERR_SOFTWARE;
	default:
		return ERR_TEMP;
	}
}

static int setup(CURL *c, const struct http_request *rq, struct curl_slist *hdrs, struct sink *s)
{
	long secs = rq->timeout > 0 ? rq->timeout : 60;

	return api.easy_setopt(c, CURLOPT_URL, rq->url) ||
	       api.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https") ||
	       api.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L) ||
	       api.easy_setopt(c, CURLOPT_NOSIGNAL, 1L) ||
	       api.easy_setopt(c, CURLOPT_TIMEOUT, secs) ||
	       api.easy_setopt(c, CURLOPT_CONNECTTIMEOUT, secs) ||
	       api.easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L) ||
	       api.easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L) ||
	       api.easy_setopt(c, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2) ||
	       api.easy_setopt(c, CURLOPT_SSL_CTX_FUNCTION, cleanse_plaintext) ||
	       (rq->ca_file && api.easy_setopt(c, CURLOPT_CAINFO, rq->ca_file)) ||
	       (rq->proxy && api.easy_setopt(c, CURLOPT_PROXY, rq->proxy)) ||
	       (rq->proxy_user && (api.easy_setopt(c, CURLOPT_PROXYUSERNAME, rq->proxy_user) ||
				   api.easy_setopt(c, CURLOPT_PROXYPASSWORD, rq->proxy_password))) ||
	       api.easy_setopt(c, CURLOPT_USERAGENT, "postern/" POSTERN_VERSION) ||
	       api.easy_setopt(c, CURLOPT_HTTPHEADER, hdrs) ||
	       api.easy_setopt(c, CURLOPT_POST, 1L) ||
	       api.easy_setopt(c, CURLOPT_POSTFIELDS, rq->form) ||
	       api.easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)rq->form_len) ||
	       api.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data) ||
	       api.easy_setopt(c, CURLOPT_WRITEDATA, s) ? -1 : 0;
}

int http_post_form(const struct http_request *rq, long *status, struct buf *body, struct err *e)
{
	struct sink s = {.body = body};
	struct curl_slist *hdrs = NULL;
	CURL *c;
	CURLcode rc;
	int ret = 0;

	*status = 0;
	if (load_curl(e) < 0)
		return -1;
	if (!(c = api.easy_init()) || !(hdrs = api.slist_append(NULL, "Accept: application/json"))) {
		if (c)
			api.easy_cleanup(c);
		return err_set(e, ERR_OS, "OAuth2: out of memory");
	}
	if (setup(c, rq, hdrs, &s) < 0) {
		ret = err_set(e, ERR_SOFTWARE, "OAuth2: libcurl refused an option (too old?)");
	} else if ((rc = api.easy_perform(c)) != CURLE_OK) {
		if (s.overflow)
			ret = err_set(e, ERR_PROTOCOL, "OAuth2: %s: the answer is longer than %zu bytes", rq->url,
				      body->limit);
		else
			ret = err_set(e, kind_of(rc), "OAuth2: %s: %s", rq->url, api.easy_strerror(rc));
	} else {
		api.easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	}
	api.slist_free_all(hdrs);
	api.easy_cleanup(c);
	return ret;
}

int http_urlencode(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char enc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
		int unreserved = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
				 (*p >= '0' && *p <= '9') || strchr("-._~", *p);
		if (unreserved ? buf_append(out, (const char *)p, 1) < 0 : buf_append(out, enc, 3) < 0)
			return -1;
	}
	return 0;
}

int http_form_add(struct buf *form, const char *name, const char *value)
{
	return (form->len && buf_append(form, "&", 1) < 0) || http_urlencode(form, name) < 0 ||
	       buf_append(form, "=", 1) < 0 || http_urlencode(form, value) < 0 ? -1 : 0;
}
