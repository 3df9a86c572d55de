/* Unit tests for http.c's form encoding (RFC 3986 unreserved characters
 * kept, everything else percent-encoded, '&' between fields). The request
 * itself is tested end to end against an HTTPS endpoint (tests/e2e/oauth.sh). */
#include <string.h>

#include "http.h"
#include "tap.h"

int main(void)
{
	struct buf b;

	buf_init(&b, 4096);
	is_int(http_urlencode(&b, "AZaz09-._~"), 0, "unreserved characters: encoded");
	is_str(b.data, "AZaz09-._~", "unreserved characters stay as they are");
	buf_reset(&b);
	is_int(http_urlencode(&b, "a b&c=d/e+f%\xc3\xa9"), 0, "reserved and 8-bit: encoded");
	is_str(b.data, "a%20b%26c%3Dd%2Fe%2Bf%25%C3%A9", "reserved and 8-bit characters are percent-encoded");
	buf_reset(&b);
	is_int(http_form_add(&b, "grant_type", "refresh_token"), 0, "first field");
	is_int(http_form_add(&b, "scope", "https://outlook.office.com/SMTP.Send offline_access"), 0,
	       "second field");
	is_str(b.data, "grant_type=refresh_token&scope=https%3A%2F%2Foutlook.office.com%2FSMTP.Send%20"
	       "offline_access", "fields joined with '&', values encoded");
	buf_free(&b);
	buf_init(&b, 8);
	is_int(http_form_add(&b, "name", "too long"), -1, "a form past its buffer's limit fails");
	buf_free(&b);
	return done_testing();
}
