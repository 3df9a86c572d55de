#include "args.h"

#include <string.h>
#include <strings.h>

#include "compat.h"
#include "log.h"

const char args_usage[] =
	"usage: postern [options] [--] [recipient ...] < message\n"
	"  -t            read recipients from To, Cc, Bcc (Bcc is removed)\n"
	"  -i, -oi       a line holding only \".\" does not end the message\n"
	"  -f ADDR       envelope sender (also -r)\n"
	"  -F NAME       full name for a generated From header\n"
	"  -C FILE       configuration file\n"
	"  -a ACCOUNT    account to use (also --account)\n"
	"  -v            show the SMTP conversation on stderr (secrets redacted)\n"
	"  -B TYPE       body type: 7BIT, 8BITMIME or BINARYMIME (the content may need more)\n"
	"  -N DSN        delivery status notices: never, or success,failure,delay\n"
	"  -R RET        what a failure notice returns: full or hdrs\n"
	"  -V ENVID      envelope ID for delivery status notices\n"
	"  -q, --flush   send every queued message that is due (--force: all of them,\n"
	"                held ones too; --release ACCOUNT: that account's held ones)\n"
	"  -bp, mailq    list the queue;  --remove ID  delete a queued message\n"
	"  -bi, newaliases  check the aliases file (there is no database to build)\n"
	"  -bs           speak SMTP on standard input and output (as sendmail -bs)\n"
	"  -odq          queue the message without trying to send it now\n"
	"  --store-password ACCOUNT   put the account's password (for an OAuth2 account:\n"
	"                its client secret) into the keyring (read without echo, or\n"
	"                the first line of stdin)\n"
	"  --forget-password ACCOUNT  delete it (or an OAuth2 account's tokens) from the keyring;\n"
	"                with --proxy, both are about the password of the account's proxy_user\n"
	"  --authorize ACCOUNT        get OAuth2 tokens for the account (a code to enter on\n"
	"                any device where the provider offers it, as Microsoft does, else a\n"
	"                browser sign-in);\n"
	"                --paste: paste the redirected address instead of a local listener,\n"
	"                --device: sign in on another device with a code (RFC 8628)\n"
	"  --check [ACCOUNT]  connect, show TLS, certificates, extensions and AUTH,\n"
	"                authenticate and QUIT without sending (--all: every account)\n"
	"  --version, --help\n"
	"Accepted for compatibility and ignored for now: -bm -n -G -U -odi -odb -oem -oep\n"
	"  -oeq -oew -om -o* -h N -L TAG -X FILE\n"
	"See postern(1) and postern.ini(5).\n";

/* Flags that take a value, as in sendmail: "-fADDR" or "-f ADDR". */
static const char flags_with_value[] = "frFCaBhLNRVXo";

static int has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* Options given with -o: the two that matter, and the delivery modes that
 * are harmless to accept. Anything else is only mentioned under -v. */
static int args_dash_o(struct options *o, const char *v, struct err *e)
{
	static const char *const accepted[] = {"em", "ep", "eq", "ew", "m", "di", "db", NULL};

	if (strcmp(v, "i") == 0) {
		o->dot_ends_input = 0;
		return 0;
	}
	if (strcmp(v, "dq") == 0) {   /* deliver later: queue without trying */
		o->queue_only = 1;
		return 0;
	}
	for (int i = 0; accepted[i]; i++)
		if (strcmp(v, accepted[i]) == 0)
			return 0;
	if (*v == '\0')
		return err_set(e, ERR_USAGE, "option -o needs a value");
	if (!o->ignored)
		o->ignored = v;   /* mentioned under -v once parsing is done */
	return 0;
}

static int args_hops(struct options *o, const char *v, struct err *e)
{
	const char *errstr;

	o->hop_count = strtonum(v, 0, 1000, &errstr);
	if (errstr)
		return err_set(e, ERR_USAGE, "option -h: hop count '%s' is %s", v, errstr);
	return 0;
}

/* DSN options (RFC 3461), checked now so a typo is a usage error. */
static int args_dsn(struct options *o, char flag, const char *v, struct err *e)
{
	switch (flag) {
	case 'N':
		o->dsn_notify = v;
		return dsn_parse_notify(v, "option -N", &o->notify_flags, e);
	case 'R':
		o->dsn_ret = v;
		return dsn_parse_ret(v, "option -R", &o->ret, e);
	default:
		o->envid = v;
		return dsn_check_envid(v, "option -V", e);
	}
}

static int args_value(struct options *o, char flag, const char *v, struct err *e)
{
	if (has_control(v))
		return err_set(e, ERR_USAGE, "option -%c: value contains a control character", flag);
	switch (flag) {
	case 'f': case 'r': o->sender = v; return 0;
	case 'F': o->full_name = v; return 0;
	case 'C': o->config_file = v; return 0;
	case 'a': o->account = v; return 0;
	case 'B':
		if (strcasecmp(v, "7BIT") && strcasecmp(v, "8BITMIME") && strcasecmp(v, "BINARYMIME"))
			return err_set(e, ERR_USAGE, "option -B: body type '%s' is not 7BIT, 8BITMIME or "
				       "BINARYMIME", v);
		o->body_type = v;
		return 0;
	case 'h': return args_hops(o, v, e);
	case 'N': return args_dsn(o, flag, v, e);
	case 'R': return args_dsn(o, flag, v, e);
	case 'V': return args_dsn(o, flag, v, e);
	case 'L': case 'X': return 0;
	case 'o': return args_dash_o(o, v, e);
	default:
		return err_set(e, ERR_SOFTWARE, "option -%c: no handler", flag);
	}
}

/* Returns 1 when the option consumed the next argv element. */
static int args_cluster(struct options *o, const char *arg, const char *next, struct err *e)
{
	for (const char *p = arg + 1; *p; p++) {
		if (strchr(flags_with_value, *p)) {
			if (p[1])
				return args_value(o, *p, p + 1, e) < 0 ? -1 : 0;
			if (!next)
				return err_set(e, ERR_USAGE, "option -%c needs a value", *p);
			return args_value(o, *p, next, e) < 0 ? -1 : 1;
		}
		switch (*p) {
		case 't': o->extract_recipients = 1; break;
		case 'i': o->dot_ends_input = 0; break;
		case 'v': log_set_verbose(++o->verbose); break;
		case 'G': case 'U': case 'n': break;
		case 'b':
			if (strcmp(p, "bm") == 0)
				return 0;
			if (strcmp(p, "bp") == 0) {
				o->mode = MODE_MAILQ;
				return 0;
			}
			if (strcmp(p, "bi") == 0) {
				o->mode = MODE_NEWALIASES;
				return 0;
			}
			if (strcmp(p, "bs") == 0) {
				o->mode = MODE_BS;
				return 0;
			}
			return err_set(e, ERR_USAGE, "option -%s is not supported (only -bm, -bp, -bi and "
				       "-bs)", p);
		case 'q':
			if (p[1])
				return err_set(e, ERR_USAGE, "option -%s is not supported: postern has no "
					       "daemon; run postern -q from cron or a timer", p);
			o->mode = MODE_FLUSH;
			break;
		case 'd':
			/* -odi and friends arrive as -o; a bare -d is sendmail's debug flag. */
			return err_set(e, ERR_USAGE, "unknown option -%c", *p);
		default:
			return err_set(e, ERR_USAGE, "unknown option -%c", *p);
		}
	}
	return 0;
}

static const struct {
	const char *name;
	enum mode mode;
} password_modes[] = {
	{"--store-password", MODE_STORE_PASSWORD},
	{"--forget-password", MODE_FORGET_PASSWORD},
	{"--authorize", MODE_AUTHORIZE},
};

static int args_long(struct options *o, const char *arg, const char *next, struct err *e)
{
	if (strcmp(arg, "--version") == 0) {
		o->mode = MODE_VERSION;
		return 0;
	}
	if (strcmp(arg, "--help") == 0) {
		o->mode = MODE_HELP;
		return 0;
	}
	if (strcmp(arg, "--flush") == 0) {
		o->mode = MODE_FLUSH;
		return 0;
	}
	if (strcmp(arg, "--check") == 0) {
		o->mode = MODE_CHECK;
		if (!next || next[0] == '-')
			return 0;
		return args_value(o, 'a', next, e) < 0 ? -1 : 1;
	}
	if (strcmp(arg, "--release") == 0) {
		if (!next || !*next || next[0] == '-' || has_control(next))
			return err_set(e, ERR_USAGE, "option --release needs an account name");
		o->release = next;
		return 1;
	}
	if (strcmp(arg, "--all") == 0) {
		o->check_all = 1;
		return 0;
	}
	if (strcmp(arg, "--force") == 0) {
		o->force = 1;
		return 0;
	}
	if (strcmp(arg, "--proxy") == 0) {
		o->proxy_secret = 1;
		return 0;
	}
	if (strcmp(arg, "--paste") == 0 || strcmp(arg, "--device") == 0) {
		*(arg[2] == 'p' ? &o->paste : &o->device) = 1;
		return 0;
	}
	if (strcmp(arg, "--remove") == 0) {
		if (!next)
			return err_set(e, ERR_USAGE, "option --remove needs a queue id");
		o->mode = MODE_REMOVE;
		o->remove_id = next;
		return 1;
	}
	for (size_t i = 0; i < sizeof password_modes / sizeof password_modes[0]; i++) {
		if (strcmp(arg, password_modes[i].name))
			continue;
		if (!next || !*next || has_control(next))
			return err_set(e, ERR_USAGE, "option %s needs an account name", arg);
		o->mode = password_modes[i].mode;
		o->password_account = next;
		return 1;
	}
	if (strncmp(arg, "--account=", 10) == 0)
		return args_value(o, 'a', arg + 10, e) < 0 ? -1 : 0;
	if (strcmp(arg, "--account") == 0) {
		if (!next)
			return err_set(e, ERR_USAGE, "option --account needs a value");
		return args_value(o, 'a', next, e) < 0 ? -1 : 1;
	}
	return err_set(e, ERR_USAGE, "unknown option %s", arg);
}

int args_parse(int argc, char **argv, struct options *o, struct err *e)
{
	int i;

	memset(o, 0, sizeof *o);
	o->mode = MODE_SEND;
	o->dot_ends_input = 1;
	o->hop_count = -1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
		int used;

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (a[0] != '-' || a[1] == '\0')
			break;
		used = a[1] == '-' ? args_long(o, a, next, e) : args_cluster(o, a, next, e);
		if (used < 0)
			return -1;
		i += used;
	}
	if (o->ignored && o->verbose)
		log_warn("option -o%s ignored", o->ignored);
	if ((o->paste || o->device) && o->mode != MODE_AUTHORIZE)
		return err_set(e, ERR_USAGE, "option --%s goes with --authorize ACCOUNT",
			       o->paste ? "paste" : "device");
	if (o->proxy_secret && o->mode != MODE_STORE_PASSWORD && o->mode != MODE_FORGET_PASSWORD)
		return err_set(e, ERR_USAGE, "option --proxy goes with --store-password or "
			       "--forget-password ACCOUNT");
	if (o->release && o->mode != MODE_FLUSH)
		return err_set(e, ERR_USAGE, "option --release goes with -q");
	if (o->check_all && (o->mode != MODE_CHECK || o->account))
		return err_set(e, ERR_USAGE, o->account ? "option --all checks every account: name none"
			       : "option --all goes with --check");
	if (o->paste && o->device)
		return err_set(e, ERR_USAGE, "options --paste and --device exclude each other");
	o->recipients = argv + i;
	o->nrecipients = argc - i;
	for (int k = 0; k < o->nrecipients; k++)
		if (has_control(o->recipients[k]))
			return err_set(e, ERR_USAGE, "recipient %d contains a control character", k + 1);
	return 0;
}
