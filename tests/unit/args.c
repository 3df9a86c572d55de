/* Unit tests for args.c: the sendmail command line, including the flag
 * sets real callers use (see "Real callers' flags" in the field notes). */
#include <string.h>

#include "args.h"
#include "tap.h"

#define ARGV_MAX 16
#define RCPTS_MAX 6

/* What the options must hold after a successful parse. Zero means the
 * default: dot_ends_input 1 (so `i` says -i was given), hop_count -1. */
struct want {
	enum mode mode;
	int t, i, v;
	const char *sender, *full_name, *config, *account, *body;
	const char *notify, *ret, *envid;
	int has_hops;
	long hops;
	const char *rcpts[RCPTS_MAX];
};

static const struct {
	const char *name;
	const char *argv[ARGV_MAX];
	struct want w;
} good[] = {
	{"no options, one recipient", {"a@b.c"}, {.rcpts = {"a@b.c"}}},
	{"no arguments at all", {NULL}, {.mode = MODE_SEND}},
	{"-t", {"-t"}, {.t = 1}},
	{"a cluster -ti", {"-ti"}, {.t = 1, .i = 1}},
	{"a cluster -it", {"-it"}, {.t = 1, .i = 1}},
	{"-i", {"-i", "a@b.c"}, {.i = 1, .rcpts = {"a@b.c"}}},
	{"-oi", {"-oi", "a@b.c"}, {.i = 1, .rcpts = {"a@b.c"}}},
	{"-o i (value apart)", {"-o", "i", "a@b.c"}, {.i = 1, .rcpts = {"a@b.c"}}},
	{"-f ADDR", {"-f", "me@x.y", "a@b.c"}, {.sender = "me@x.y", .rcpts = {"a@b.c"}}},
	{"-fADDR", {"-fme@x.y", "a@b.c"}, {.sender = "me@x.y", .rcpts = {"a@b.c"}}},
	{"-r ADDR is -f", {"-r", "me@x.y"}, {.sender = "me@x.y"}},
	{"-f '' is the null sender", {"-f", "", "a@b.c"}, {.sender = "", .rcpts = {"a@b.c"}}},
	{"-f '<>' is kept for the envelope to read", {"-f", "<>"}, {.sender = "<>"}},
	{"-f value may begin with '-'", {"-f", "-odd@x.y"}, {.sender = "-odd@x.y"}},
	{"-FCronDaemon", {"-FCronDaemon"}, {.full_name = "CronDaemon"}},
	{"-F with a spaced name apart", {"-F", "Cron Daemon"}, {.full_name = "Cron Daemon"}},
	{"-B8BITMIME", {"-B8BITMIME"}, {.body = "8BITMIME"}},
	{"-B 7BIT", {"-B", "7BIT"}, {.body = "7BIT"}},
	{"-B is case-insensitive", {"-B8bitmime"}, {.body = "8bitmime"}},
	{"-odi accepted", {"-odi", "a@b.c"}, {.rcpts = {"a@b.c"}}},
	{"-odb accepted", {"-odb"}, {.mode = MODE_SEND}},
	{"-oem accepted", {"-oem"}, {.mode = MODE_SEND}},
	{"-oep accepted", {"-oep"}, {.mode = MODE_SEND}},
	{"-om accepted", {"-om"}, {.mode = MODE_SEND}},
	{"another -o option is ignored", {"-oQ/var/spool/x"}, {.mode = MODE_SEND}},
	{"-bm accepted", {"-bm", "a@b.c"}, {.rcpts = {"a@b.c"}}},
	{"-G and -U accepted", {"-G", "-U"}, {.mode = MODE_SEND}},
	{"-L TAG and -X FILE accepted", {"-L", "tag", "-X", "/tmp/x"}, {.mode = MODE_SEND}},
	{"-v", {"-v"}, {.v = 1}},
	{"-C FILE", {"-C", "/etc/p.ini"}, {.config = "/etc/p.ini"}},
	{"-a ACCOUNT", {"-a", "work"}, {.account = "work"}},
	{"-aACCOUNT", {"-awork"}, {.account = "work"}},
	{"--account=x", {"--account=work"}, {.account = "work"}},
	{"--account x", {"--account", "work", "a@b.c"}, {.account = "work", .rcpts = {"a@b.c"}}},
	{"--version", {"--version"}, {.mode = MODE_VERSION}},
	{"--help", {"--help"}, {.mode = MODE_HELP}},
	{"-N, -R and -V for DSN", {"-N", "success,failure", "-R", "hdrs", "-V", "id1"},
	 {.notify = "success,failure", .ret = "hdrs", .envid = "id1"}},
	{"-h N", {"-h", "5"}, {.has_hops = 1, .hops = 5}},
	{"-h0", {"-h0"}, {.has_hops = 1, .hops = 0}},
	{"a value flag ends a cluster and takes the next argument", {"-tF", "Name", "a@b.c"},
	 {.t = 1, .full_name = "Name", .rcpts = {"a@b.c"}}},
	{"a value flag inside a cluster takes the rest", {"-tfme@x.y"}, {.t = 1, .sender = "me@x.y"}},
	{"-- ends the options", {"-i", "--", "-x@y.z", "a@b.c"}, {.i = 1, .rcpts = {"-x@y.z", "a@b.c"}}},
	{"-- with nothing after it", {"-t", "--"}, {.t = 1}},
	{"several recipients after options", {"-i", "-f", "me@x.y", "a@b.c", "d@e.f", "g@h.i"},
	 {.i = 1, .sender = "me@x.y", .rcpts = {"a@b.c", "d@e.f", "g@h.i"}}},
	{"options end at the first recipient, as Postfix's sendmail", {"a@b.c", "-t"},
	 {.rcpts = {"a@b.c", "-t"}}},
	{"a lone '-' is a recipient, not an option", {"-", "a@b.c"}, {.rcpts = {"-", "a@b.c"}}},

	/* Real callers. */
	{"cron: -FCronDaemon -i -B8BITMIME -oem root", {"-FCronDaemon", "-i", "-B8BITMIME", "-oem", "root"},
	 {.i = 1, .full_name = "CronDaemon", .body = "8BITMIME", .rcpts = {"root"}}},
	{"cron: MAILTO split on blanks keeps the commas",
	 {"-FCronDaemon", "-i", "-B8BITMIME", "-oem", "a@x.y,", "b@x.y"},
	 {.i = 1, .full_name = "CronDaemon", .body = "8BITMIME", .rcpts = {"a@x.y,", "b@x.y"}}},
	{"anacron: -FAnacron -odi root (no -i)", {"-FAnacron", "-odi", "root"},
	 {.full_name = "Anacron", .rcpts = {"root"}}},
	{"git send-email: -i rcpts", {"-i", "a@x.y", "b@x.y"}, {.i = 1, .rcpts = {"a@x.y", "b@x.y"}}},
	{"git send-email: -i -f from rcpts", {"-i", "-f", "me@x.y", "a@x.y"},
	 {.i = 1, .sender = "me@x.y", .rcpts = {"a@x.y"}}},
	{"mutt: -oem -oi -- rcpts", {"-oem", "-oi", "--", "a@x.y", "b@x.y"},
	 {.i = 1, .rcpts = {"a@x.y", "b@x.y"}}},
	{"mutt: every flag it may pass",
	 {"-oem", "-oi", "-B8BITMIME", "-f", "me@x.y", "-N", "success,failure", "-R", "hdrs", "--",
	  "a@x.y", "-dash@x.y"},
	 {.i = 1, .body = "8BITMIME", .sender = "me@x.y", .notify = "success,failure", .ret = "hdrs",
	  .rcpts = {"a@x.y", "-dash@x.y"}}},
	{"PHP: -t -i", {"-t", "-i"}, {.t = 1, .i = 1}},
	{"PHP: -t -i -fbounce@x.y (mail() additional parameters)", {"-t", "-i", "-fbounce@x.y"},
	 {.t = 1, .i = 1, .sender = "bounce@x.y"}},
	{"bsd-mailx: -i -t", {"-i", "-t"}, {.t = 1, .i = 1}},
	{"s-nail: -i -- rcpts", {"-i", "--", "a@x.y", "b@x.y"}, {.i = 1, .rcpts = {"a@x.y", "b@x.y"}}},
	{"mailutils: -oi -f user@host -t", {"-oi", "-f", "user@host", "-t"},
	 {.t = 1, .i = 1, .sender = "user@host"}},
	{"logwatch: -t (no -i: a lone dot ends the input)", {"-t"}, {.t = 1}},
};

static const struct {
	const char *name;
	const char *argv[ARGV_MAX];
	const char *msg;
} bad[] = {
	{"an unknown flag", {"-Q"}, "unknown option -Q"},
	{"an unknown flag inside a cluster", {"-tQ"}, "unknown option -Q"},
	{"sendmail's debug flag -d", {"-d0.1"}, "unknown option -d"},
	{"an unknown long option", {"--bogus"}, "unknown option --bogus"},
	{"-f without its value", {"-f"}, "option -f needs a value"},
	{"-F without its value", {"-t", "-F"}, "option -F needs a value"},
	{"-B without its value", {"-B"}, "option -B needs a value"},
	{"-o without its value", {"-o"}, "option -o needs a value"},
	{"--account without its value", {"--account"}, "option --account needs a value"},
	{"a bad -B value", {"-B9BIT"}, "option -B: body type '9BIT'"},
	{"a bad -B value apart", {"-B", "binary"}, "option -B: body type 'binary'"},
	{"a bad -N word", {"-N", "success,sometimes"}, "option -N: unknown DSN notify word 'sometimes'"},
	{"-N never with another word", {"-N", "never,failure"}, "option -N"},
	{"a bad -R value", {"-R", "everything"}, "option -R"},
	{"an envelope ID of 101 characters", {"-V", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}, "option -V"},
	{"-bt (address test mode) is not supported", {"-bt"}, "-bt is not supported"},
	{"-bd (a daemon) is not supported", {"-bd"}, "-bd is not supported"},
	{"-q with an interval (a daemon) is not supported", {"-q1h"}, "-q1h is not supported"},
	{"a non-numeric hop count", {"-h", "x"}, "option -h: hop count 'x'"},
	{"a negative hop count", {"-h", "-1"}, "option -h: hop count '-1'"},
	{"a recipient with CR LF", {"-i", "a@b.c\r\nRCPT TO:<x@y.z>"}, "recipient 1 contains a control character"},
	{"the second recipient with a bare LF", {"a@b.c", "d@e.f\nx"}, "recipient 2 contains a control character"},
	{"a recipient after -- with a CR", {"--", "a@b.c\r"}, "recipient 1 contains a control character"},
	{"-f with CR LF", {"-f", "me@x.y\r\nRCPT TO:<x@y.z>"}, "option -f: value contains a control character"},
	{"-F with a LF", {"-FName\nBcc: x@y.z"}, "option -F: value contains a control character"},
	{"--account= with a control character", {"--account=a\tb"}, "option -a: value contains a control character"},
	{"--store-password without an account", {"--store-password"}, "option --store-password needs an account name"},
	{"--forget-password without an account", {"--forget-password"}, "option --forget-password needs an account name"},
	{"--store-password with an empty account", {"--store-password", ""}, "option --store-password needs an account name"},
};

static int build_argv(const char *const *in, char **argv)
{
	int argc = 0;

	argv[argc++] = (char *)"postern";
	for (int k = 0; k < ARGV_MAX - 1 && in[k]; k++)
		argv[argc++] = (char *)in[k];
	argv[argc] = NULL;
	return argc;
}

static void check(const char *name, const struct options *o, const struct want *w)
{
	int nr = 0;

	while (nr < RCPTS_MAX && w->rcpts[nr])
		nr++;
	is_int(o->mode, w->mode, "%s: mode", name);
	is_int(o->extract_recipients, w->t, "%s: -t", name);
	is_int(o->dot_ends_input, !w->i, "%s: a lone dot %s the input", name, w->i ? "does not end" : "ends");
	is_int(o->verbose, w->v, "%s: -v", name);
	is_str(o->sender, w->sender, "%s: sender", name);
	is_str(o->full_name, w->full_name, "%s: full name", name);
	is_str(o->config_file, w->config, "%s: config file", name);
	is_str(o->account, w->account, "%s: account", name);
	is_str(o->body_type, w->body, "%s: body type", name);
	is_str(o->dsn_notify, w->notify, "%s: DSN notify", name);
	is_str(o->dsn_ret, w->ret, "%s: DSN ret", name);
	is_str(o->envid, w->envid, "%s: envid", name);
	is_int(o->hop_count, w->has_hops ? w->hops : -1, "%s: hop count", name);
	if (!is_int(o->nrecipients, nr, "%s: %d recipient(s)", name, nr))
		return;
	for (int k = 0; k < nr; k++)
		is_str(o->recipients[k], w->rcpts[k], "%s: recipient %d", name, k + 1);
}

static void test_good(void)
{
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		char *argv[ARGV_MAX + 1];
		int argc = build_argv(good[i].argv, argv);
		struct options o;
		struct err e = {0};
		int rc = args_parse(argc, argv, &o, &e);

		if (!ok(rc == 0, "parse %s", good[i].name)) {
			diag("error: %s", e.msg);
			continue;
		}
		check(good[i].name, &o, &good[i].w);
	}
}

static void test_bad(void)
{
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *argv[ARGV_MAX + 1];
		int argc = build_argv(bad[i].argv, argv);
		struct options o;
		struct err e = {0};
		int rc = args_parse(argc, argv, &o, &e);

		is_int(rc, -1, "refuse %s", bad[i].name);
		is_int(e.kind, ERR_USAGE, "%s: ERR_USAGE (exit 64)", bad[i].name);
		like(e.msg, bad[i].msg, "%s: the message names it", bad[i].name);
	}
}

static void test_misc(void)
{
	char *argv[ARGV_MAX + 1];
	const char *in[] = {"-f", "me@x.y", "a@b.c", NULL};
	int argc = build_argv(in, argv);
	struct options o;
	struct err e = {0};

	ok(args_parse(argc, argv, &o, &e) == 0, "parse -f me@x.y a@b.c");
	ok(o.sender == argv[2] && o.recipients == argv + 3, "the strings point into argv, not copies");

	/* A second parse starts from the defaults. */
	{
		const char *in2[] = {"a@b.c", NULL};
		argc = build_argv(in2, argv);
		ok(args_parse(argc, argv, &o, &e) == 0 && o.sender == NULL && o.dot_ends_input == 1,
		   "a second parse does not keep the first one's options");
	}
	like(args_usage, "usage: postern", "the usage text starts with usage:");
	like(args_usage, "-t", "the usage text mentions -t");
}

/* The queue commands select a mode; -odq asks to queue without trying. */
static void test_queue_modes(void)
{
	static const struct {
		const char *in[4];
		enum mode mode;
		int queue_only, force;
		const char *remove_id;
	} t[] = {
		{{"-q", NULL}, MODE_FLUSH, 0, 0, NULL},
		{{"--flush", "--force", NULL}, MODE_FLUSH, 0, 1, NULL},
		{{"-bp", NULL}, MODE_MAILQ, 0, 0, NULL},
		{{"-bs", NULL}, MODE_BS, 0, 0, NULL},
		{{"-bi", NULL}, MODE_NEWALIASES, 0, 0, NULL},
		{{"--remove", "20260101000000-abcdef012345", NULL}, MODE_REMOVE, 0, 0,
		 "20260101000000-abcdef012345"},
		{{"-odq", "a@b.c", NULL}, MODE_SEND, 1, 0, NULL},
		{{"-odi", "a@b.c", NULL}, MODE_SEND, 0, 0, NULL},
	};

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		char *argv[ARGV_MAX + 1];
		int argc = build_argv(t[i].in, argv);
		struct options o;
		struct err e = {0};
		ok(args_parse(argc, argv, &o, &e) == 0, "%s: parses", t[i].in[0]);
		is_int(o.mode, t[i].mode, "%s: mode", t[i].in[0]);
		is_int(o.queue_only, t[i].queue_only, "%s: queue only", t[i].in[0]);
		is_int(o.force, t[i].force, "%s: force", t[i].in[0]);
		ok(t[i].remove_id ? o.remove_id && strcmp(o.remove_id, t[i].remove_id) == 0 : !o.remove_id,
		   "%s: remove id", t[i].in[0]);
	}
}

/* The keyring commands take the account as their value; -C still works. */
static void test_password_modes(void)
{
	static const struct {
		const char *in[5];
		enum mode mode;
		const char *config;
	} t[] = {
		{{"--store-password", "work", NULL}, MODE_STORE_PASSWORD, NULL},
		{{"-C", "/x.ini", "--store-password", "work", NULL}, MODE_STORE_PASSWORD, "/x.ini"},
		{{"--forget-password", "work", NULL}, MODE_FORGET_PASSWORD, NULL},
		{{"--authorize", "work", NULL}, MODE_AUTHORIZE, NULL},
		{{"--authorize", "work", "--paste", NULL}, MODE_AUTHORIZE, NULL},
		{{"--device", "--authorize", "work", NULL}, MODE_AUTHORIZE, NULL},
	};

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		char *argv[ARGV_MAX + 1];
		int argc = build_argv(t[i].in, argv);
		struct options o;
		struct err e = {0};
		ok(args_parse(argc, argv, &o, &e) == 0, "%s %s: parses", t[i].in[0], t[i].in[1]);
		is_int(o.mode, t[i].mode, "%s %s: mode", t[i].in[0], t[i].in[1]);
		ok(o.password_account && strcmp(o.password_account, "work") == 0,
		   "%s %s: the account", t[i].in[0], t[i].in[1]);
		ok(t[i].config ? o.config_file && strcmp(o.config_file, t[i].config) == 0 : !o.config_file,
		   "%s %s: -C", t[i].in[0], t[i].in[1]);
		is_int(o.nrecipients, 0, "%s %s: no recipients", t[i].in[0], t[i].in[1]);
	}
}

/* --paste and --device belong to --authorize, and exclude each other. */
static void test_authorize_flags(void)
{
	static const struct {
		const char *in[5];
		int rc, paste, device;
		const char *msg;
	} t[] = {
		{{"--authorize", "w", "--paste", NULL}, 0, 1, 0, NULL},
		{{"--authorize", "w", "--device", NULL}, 0, 0, 1, NULL},
		{{"--paste", "a@example.com", NULL}, -1, 0, 0, "--paste goes with --authorize"},
		{{"-q", "--device", NULL}, -1, 0, 0, "--device goes with --authorize"},
		{{"--authorize", "w", "--paste", "--device", NULL}, -1, 0, 0, "exclude each other"},
		{{"--authorize", NULL}, -1, 0, 0, "--authorize needs an account name"},
	};

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		char *argv[ARGV_MAX + 1];
		int argc = build_argv(t[i].in, argv);
		struct options o;
		struct err e = {0};
		int rc = args_parse(argc, argv, &o, &e);
		is_int(rc, t[i].rc, "authorize flags %zu: result", i);
		if (rc == 0) {
			is_int(o.paste, t[i].paste, "authorize flags %zu: paste", i);
			is_int(o.device, t[i].device, "authorize flags %zu: device", i);
		} else {
			is_int(e.kind, ERR_USAGE, "authorize flags %zu: ERR_USAGE", i);
			like(e.msg, t[i].msg, "authorize flags %zu: message", i);
		}
	}
}

int main(void)
{
	test_good();
	test_authorize_flags();
	test_bad();
	test_misc();
	test_queue_modes();
	test_password_modes();
	return done_testing();
}
