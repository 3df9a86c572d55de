/* Fuzzes config.c: the input is the configuration file (a file in memory,
 * mode 0600, or 0644 for odd lengths so that the password check speaks),
 * loaded with config_load and picked from with config_pick. A loaded
 * configuration keeps the promises config.h makes: at least one account,
 * each with a host, a port and a timeout in range, never both password
 * and password_command, https endpoints for OAuth2. */
#include <strings.h>

#include "bounds.h"
#include "config.h"
#include "fuzz.h"

static int https(const char *url)
{
	return !url || strncasecmp(url, "https://", 8) == 0;
}

static void check_account(const struct account *a)
{
	FUZZ_CHECK(a->name && a->host && *a->host, "an account has a name and a host");
	FUZZ_CHECK(!strpbrk(a->host, " \t/@"), "the host is a host name");
	FUZZ_CHECK(a->port >= 1 && a->port <= 65535, "the port is in range");
	FUZZ_CHECK(a->timeout >= 1 && a->timeout <= TIMEOUT_MAX, "the timeout is in range");
	FUZZ_CHECK(!(a->password && a->password_command), "one source of password");
	FUZZ_CHECK(!(a->password || a->password_command) || a->user, "a password comes with a user");
	FUZZ_CHECK(https(a->oauth.auth_url) && https(a->oauth.token_url) && https(a->oauth.device_url),
		   "OAuth2 endpoints are https");
}

static void check_config(const struct config *c)
{
	static const char *const names[] = {NULL, "work", "WORK", "postern", ""};
	struct err e = {0};

	FUZZ_CHECK(c->naccounts >= 1, "a configuration has an account");
	FUZZ_CHECK(c->queue_lifetime >= 1 && c->queue_lifetime <= 3650LL * 86400,
		   "the queue lifetime is in range");
	for (int i = 0; i < c->naccounts; i++)
		check_account(&c->accounts[i]);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const struct account *a = config_pick(c, names[i], "me@example.com", "Me <me@example.com>", &e);
		FUZZ_CHECK(a ? a >= c->accounts && a < c->accounts + c->naccounts : e.kind == ERR_CONFIG,
			   "config_pick returns one of the accounts or says why not");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	struct config c;
	struct err e = {0};
	int fd = fuzz_memfile(data, size, path, sizeof path);

	if (fd < 0)
		return 0;
	if (size & 1)
		fchmod(fd, 0644);
	if (config_load(&c, path, &e) == 0)
		check_config(&c);
	else
		FUZZ_CHECK(e.kind != ERR_NONE && e.msg[0], "a refusal says why");
	config_free(&c);
	close(fd);
	return 0;
}
