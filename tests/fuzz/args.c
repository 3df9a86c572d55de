/* Fuzzes args.c: argv made from the input split at NUL bytes (argv[0] is
 * "postern"), parsed as main() does, then the -f address read as the
 * envelope reads it. A parsed command line has no control character in
 * any value or recipient, and its recipients are the tail of argv. */
#include "args.h"
#include "envelope.h"
#include "fuzz.h"
#include "log.h"

#define ARGS_MAX 64

static int has_control(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

static void check(const struct options *o, char **argv, int argc)
{
	char *sender = NULL;
	struct err e = {0};

	FUZZ_CHECK(o->nrecipients >= 0 && o->recipients + o->nrecipients == argv + argc,
		   "the recipients are the tail of argv");
	for (int i = 0; i < o->nrecipients; i++)
		FUZZ_CHECK(!has_control(o->recipients[i]), "no control character in a recipient");
	FUZZ_CHECK(!has_control(o->sender) && !has_control(o->full_name) &&
		   !has_control(o->config_file) && !has_control(o->account) &&
		   !has_control(o->envid) && !has_control(o->password_account),
		   "no control character in a value");
	FUZZ_CHECK(!(o->paste && o->device), "--paste and --device exclude each other");
	FUZZ_CHECK(o->hop_count >= -1 && o->hop_count <= 1000, "the hop count is bounded");
	if (envelope_option_sender(o, &sender, &e) < 0)
		FUZZ_CHECK(e.kind == ERR_USAGE && !sender, "a bad -f is a usage error");
	free(sender);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *argv[ARGS_MAX + 2];
	int argc = 0;
	struct options o;
	struct err e = {0};

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	argv[argc++] = "postern";
	for (char *p = text; p < text + size && argc <= ARGS_MAX; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	if (args_parse(argc, argv, &o, &e) == 0)
		check(&o, argv, argc);
	else
		FUZZ_CHECK(e.kind == ERR_USAGE && e.msg[0], "a bad command line is a usage error");
	log_set_verbose(0);   /* -v is global state */
	free(text);
	return 0;
}
