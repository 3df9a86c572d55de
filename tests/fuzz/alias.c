/* Fuzzes alias.c: the input is the aliases file (a file in memory),
 * loaded with aliases_load; then every name it lists, and a few it may
 * not ("root", "default", an unknown one), is expanded. An expansion
 * gives only addresses with a domain, within ADDRS_MAX, and a refusal is
 * a configuration (or data) error that says why. */
#include "alias.h"
#include "bounds.h"
#include "fuzz.h"

static void expand(const struct aliases *a, const char *name)
{
	struct addr_list out = {0};
	struct err e = {0};
	int rc = alias_expand(a, name, &out, &e);

	if (rc < 0)
		FUZZ_CHECK((e.kind == ERR_CONFIG || e.kind == ERR_DATA) && e.msg[0], "a refusal says why");
	else if (rc == 0)
		FUZZ_CHECK(out.n == 0, "an unknown name gives nothing");
	for (int i = 0; rc > 0 && i < out.n; i++)
		FUZZ_CHECK(out.v[i].has_domain, "every expanded address has a domain");
	FUZZ_CHECK(out.n <= ADDRS_MAX, "expansions are bounded");
	addr_list_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"root", "ROOT", "default", "postmaster", "no-such-name"};
	char path[64];
	struct aliases a;
	struct err e = {0};
	int fd = fuzz_memfile(data, size, path, sizeof path);

	if (fd < 0)
		return 0;
	if (aliases_load(&a, path, &e) == 0) {
		for (int i = 0; i < a.n; i++)
			expand(&a, a.v[i].name);
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
			expand(&a, names[i]);
	} else {
		FUZZ_CHECK(e.kind != ERR_NONE && e.msg[0], "a refusal says why");
	}
	aliases_free(&a);
	close(fd);
	return 0;
}
