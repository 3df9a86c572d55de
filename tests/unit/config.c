/* Unit tests for config.c: INI files written to private temporary files
 * (mkstemp) and loaded; the pre-scan's errors with their line numbers,
 * the defaults, the values' checks and config_pick's choice. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "tap.h"

static char tmpdir[1024];

/* Writes text (n bytes) to a new temporary file with the given mode;
 * returns its path in `path`. */
static int write_ini(const char *text, size_t n, mode_t mode, char *path, size_t pathsz)
{
	int fd;

	snprintf(path, pathsz, "%s/config.XXXXXX", tmpdir);
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	if (write(fd, text, n) != (ssize_t)n || fchmod(fd, mode) < 0) {
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 0;
}

/* Loads text as a config file; the file is removed again. */
static int load_mode(const char *text, mode_t mode, struct config *c, struct err *e)
{
	char path[4200];
	int rc;

	memset(e, 0, sizeof *e);
	memset(c, 0, sizeof *c);
	if (write_ini(text, strlen(text), mode, path, sizeof path) < 0) {
		diag("cannot write a temporary file in %s", tmpdir);
		return -2;
	}
	rc = config_load(c, path, e);
	unlink(path);
	return rc;
}

static int load(const char *text, struct config *c, struct err *e)
{
	return load_mode(text, 0600, c, e);
}

static const char two_accounts[] =
	"; postern configuration\n"
	"# comments either way\n"
	"[postern]\n"
	"account = work\n"
	"\n"
	"[work]\n"
	"host = smtp.example.com\n"
	"port = 2587\n"
	"tls = starttls\n"
	"tls_ca_file = /etc/ssl/ca.pem\n"
	"from = me@example.com\n"
	"domain = client.example.com\n"
	"user = me\n"
	"password = secret\n"
	"auth = plain\n"
	"timeout = 30\n"
	"refused_recipients = skip\n"
	"\n"
	"[home]\n"
	"host = 127.0.0.1   ; the local relay\n"
	"tls = implicit\n"
	"from = me@home.example\n"
	"user = me2\n"
	"password_command = pass show mail\n"
	"auth = login\n";

static const struct account *by_name(const struct config *c, const char *name)
{
	for (int i = 0; i < c->naccounts; i++)
		if (strcmp(c->accounts[i].name, name) == 0)
			return &c->accounts[i];
	return NULL;
}

static void test_valid(void)
{
	struct config c;
	struct err e;
	const struct account *w, *h;

	if (!ok(load(two_accounts, &c, &e) == 0, "a valid file with two accounts loads")) {
		diag("error: %s", e.msg);
		config_free(&c);
		return;
	}
	is_int(c.naccounts, 2, "two accounts");
	is_str(c.default_account, "work", "[postern] account");
	w = by_name(&c, "work");
	h = by_name(&c, "home");
	if (!ok(w && h, "both sections are accounts, [postern] is not")) {
		config_free(&c);
		return;
	}
	is_str(w->host, "smtp.example.com", "work: host");
	is_int(w->port, 2587, "work: port");
	is_int(w->tls, TLS_STARTTLS, "work: tls starttls");
	is_str(w->tls_ca_file, "/etc/ssl/ca.pem", "work: tls_ca_file");
	is_str(w->from, "me@example.com", "work: from");
	is_str(w->domain, "client.example.com", "work: domain");
	is_str(w->user, "me", "work: user");
	is_str(w->password, "secret", "work: password");
	is_str(w->password_command, NULL, "work: no password_command");
	is_int(w->auth, AUTH_PLAIN, "work: auth plain");
	is_int(w->timeout, 30, "work: timeout");
	is_int(w->refused, REFUSED_SKIP, "work: refused_recipients skip");
	is_int(w->has_fingerprint, 0, "work: no fingerprint");
	is_int(w->line, 6, "work: the section starts on line 6");
	is_str(h->host, "127.0.0.1", "home: a trailing comment is not part of the value");
	is_int(h->tls, TLS_IMPLICIT, "home: tls implicit");
	is_int(h->port, 465, "home: port defaults to 465 with tls = implicit");
	is_str(h->password, NULL, "home: no password");
	is_str(h->password_command, "pass show mail", "home: password_command");
	is_int(h->auth, AUTH_LOGIN, "home: auth login");
	is_int(h->timeout, 60, "home: timeout defaults to 60");
	is_int(h->refused, REFUSED_ALL, "home: refused_recipients defaults to all");
	is_str(h->tls_ca_file, NULL, "home: tls_ca_file defaults to the system store");
	config_free(&c);
	ok(c.accounts == NULL && c.naccounts == 0, "config_free empties the struct");
}

static void test_esmtp_keys(void)
{
	struct config c;
	struct err e;
	const struct account *a;

	if (!ok(load("[x]\nhost = h\ndsn_notify = Failure, delay\ndsn_return = HDRS\nrequiretls = yes\n"
		     "tls_resume = no\n", &c, &e) == 0, "dsn_notify, dsn_return, requiretls, tls_resume load")) {
		diag("error: %s", e.msg);
		config_free(&c);
		return;
	}
	a = &c.accounts[0];
	is_int((int)a->dsn_notify, DSN_NOTIFY_FAILURE | DSN_NOTIFY_DELAY, "dsn_notify = Failure, delay");
	is_int(a->dsn_ret, DSN_RET_HDRS, "dsn_return = HDRS");
	is_int(a->requiretls, 1, "requiretls = yes");
	is_int(a->tls_resume, 0, "tls_resume = no");
	config_free(&c);
}

static void test_defaults(void)
{
	struct config c;
	struct err e;
	const struct account *a;

	if (!ok(load("[only]\nhost = mail.example.com\n", &c, &e) == 0, "a minimal account loads")) {
		diag("error: %s", e.msg);
		config_free(&c);
		return;
	}
	a = &c.accounts[0];
	is_int(c.naccounts, 1, "one account");
	is_str(a->name, "only", "named after its section");
	is_int(a->port, 587, "port defaults to 587");
	is_int(a->tls, TLS_STARTTLS, "tls defaults to starttls");
	is_int(a->timeout, 60, "timeout defaults to 60");
	is_int(a->auth, AUTH_AUTO, "auth defaults to auto");
	is_int(a->refused, REFUSED_ALL, "refused_recipients defaults to all");
	is_int(a->tls_resume, 1, "tls_resume defaults to yes");
	is_int(a->requiretls, 0, "requiretls defaults to no");
	is_int((int)a->dsn_notify, 0, "dsn_notify defaults to none asked");
	is_int(a->dsn_ret, DSN_RET_NONE, "dsn_return defaults to none asked");
	ok(!a->from && !a->user && !a->password && !a->password_command && !a->domain,
	   "from, user, password, password_command and domain default to unset");
	is_str(c.default_account, NULL, "no [postern] account");
	config_free(&c);

	ok(load("[a]\nhost = h\ntls = implicit\nport = 2465\n", &c, &e) == 0 && c.accounts[0].port == 2465,
	   "an explicit port wins over the implicit-TLS default");
	config_free(&c);
	ok(load("[a]\nhost = h\ntls = IMPLICIT\n", &c, &e) == 0 && c.accounts[0].tls == TLS_IMPLICIT,
	   "choices are case-insensitive");
	config_free(&c);
	ok(load("[Work]\nHOST = h\n", &c, &e) == 0 && strcmp(c.accounts[0].name, "work") == 0 &&
	   strcmp(c.accounts[0].host, "h") == 0, "section and key names are case-insensitive");
	config_free(&c);
	ok(load("[a]\r\nhost = h\r\nport = 25\r\n", &c, &e) == 0 && strcmp(c.accounts[0].host, "h") == 0 &&
	   c.accounts[0].port == 25, "CRLF line endings are accepted");
	config_free(&c);
	ok(load("  [ a ]  \n\thost\t=\th\t\n", &c, &e) == 0 && strcmp(c.accounts[0].name, "a") == 0 &&
	   strcmp(c.accounts[0].host, "h") == 0, "white space around names and values is trimmed");
	config_free(&c);
	ok(load("[a]\nhost = \"h\"\nfrom = 'x@y.z'\n", &c, &e) == 0 && strcmp(c.accounts[0].host, "h") == 0 &&
	   strcmp(c.accounts[0].from, "x@y.z") == 0, "quoted values lose their quotes");
	config_free(&c);
}

/* Files that must be refused, and what the message must say. */
static const struct {
	const char *name;
	const char *text;
	const char *msg;
} bad[] = {
	{"an unknown key", "[a]\nhost = h\nhots = x\n", ":3: unknown key 'hots' in [a]"},
	{"a [postern] key in an account", "[a]\nhost = h\naccount = a\n", ":3: unknown key 'account' in [a]"},
	{"an account key in [postern]", "[postern]\nhost = h\n[a]\nhost = h\n",
	 ":2: unknown key 'host' in [postern]"},
	{"a duplicate key", "[a]\nhost = h\nport = 25\nhost = i\n", ":4: key 'host' repeated in [a] (first at line 2)"},
	{"a duplicate key in another case", "[a]\nhost = h\nHost = i\n", ":3: key 'host' repeated in [a]"},
	{"a duplicate section", "[a]\nhost = h\n[b]\nhost = h\n[a]\nport = 25\n",
	 ":5: section [a] repeated (first at line 1)"},
	{"a duplicate section in another case", "[a]\nhost = h\n[A]\n", ":3: section [a] repeated"},
	{"a key outside any section", "host = h\n[a]\nhost = h\n", ":1: key 'host' outside any [section]"},
	{"a line without '='", "[a]\nhost h\n", ":2: expected 'key = value'"},
	{"a malformed section header", "[a\nhost = h\n", ":1: malformed section header"},
	{"text after a section header", "[a] x\nhost = h\n", ":1: malformed section header"},
	{"an empty section name", "[]\nhost = h\n", ":1: invalid section name"},
	{"a ':' in a section name", "[a:b]\nhost = h\n", ":1: invalid section name"},
	{"port 587x", "[a]\nhost = h\nport = 587x\n", ":3: [a] port: '587x' is not a number from 1 to 65535"},
	{"port 0", "[a]\nhost = h\nport = 0\n", ":3: [a] port: '0' is not a number"},
	{"port 70000", "[a]\nhost = h\nport = 70000\n", ":3: [a] port: '70000' is not a number"},
	{"port -1", "[a]\nhost = h\nport = -1\n", "[a] port: '-1'"},
	{"an empty port", "[a]\nhost = h\nport =\n", "[a] port: '' is not a number"},
	{"a bad tls value", "[a]\nhost = h\ntls = ssl\n", ":3: [a] tls: 'ssl' is not one of the accepted values"},
	{"a bad auth value", "[a]\nhost = h\nauth = gssapi\n", ":3: [a] auth: 'gssapi'"},
	{"a bad refused_recipients value", "[a]\nhost = h\nrefused_recipients = some\n",
	 "[a] refused_recipients: 'some'"},
	{"a bad dsn_notify word", "[a]\nhost = h\ndsn_notify = success,sometimes\n",
	 ":3: [a] dsn_notify: expected never, or a comma list"},
	{"dsn_notify never with another word", "[a]\nhost = h\ndsn_notify = never,delay\n", "[a] dsn_notify"},
	{"a bad dsn_return value", "[a]\nhost = h\ndsn_return = body\n", ":3: [a] dsn_return: 'body'"},
	{"a bad requiretls value", "[a]\nhost = h\nrequiretls = maybe\n", ":3: [a] requiretls: 'maybe'"},
	{"a bad tls_resume value", "[a]\nhost = h\ntls_resume = sometimes\n", ":3: [a] tls_resume: 'sometimes'"},
	{"timeout 0", "[a]\nhost = h\ntimeout = 0\n", ":3: [a] timeout: '0' is not a number from 1 to 3600"},
	{"timeout 3601", "[a]\nhost = h\ntimeout = 3601\n", "[a] timeout: '3601'"},
	{"a missing host", "[a]\nport = 25\n", "[a] host: missing"},
	{"a host with a space", "[a]\nhost = \"a b\"\n", ":2: [a] host: not a host name"},
	{"a host with a slash", "[a]\nhost = smtp://h\n", "[a] host: not a host name"},
	{"an unquoted password with '#'", "[a]\nhost = h\nuser = u\npassword = a#b\n",
	 ":4: password: contains '#' or ';'"},
	{"an unquoted password with ';'", "[a]\nhost = h\nuser = u\npassword = a;b\n",
	 ":4: password: contains '#' or ';'"},
	{"a password without a user", "[a]\nhost = h\npassword = p\n", "[a] user: missing"},
	{"both password and password_command", "[a]\nhost = h\nuser = u\npassword = p\npassword_command = c\n",
	 ":4: [a] password: set both password and password_command"},
	{"a control character in a value", "[a]\nhost = h\nfrom = a\x01" "b@c.d\n", ":3: [a] from: contains a control character"},
	{"no account section", "[postern]\n", "no account section"},
	{"an empty file", "", "no account section"},
	{"[postern] account naming a missing section", "[postern]\naccount = nope\n[a]\nhost = h\n",
	 ":2: [postern] account: names no [section]"},
	{"a value continued by a trailing backslash", "[a]\npassword = abc\\\nhost = h\nuser = u\n",
	 ":2: line ends with '\\'"},
	{"a comment ending in a backslash (it would swallow the next line)",
	 "[a]\nhost = h\n; C:\\dir\\\ntimeout = 5\n", ":3: line ends with '\\'"},
	{"text after a quoted value's closing quote", "[a]\nhost = h\nuser = u\npassword = \"a\\\"b\"\n",
	 ":4: password: text after the closing quote"},
	{"a quoted from followed by an address", "[a]\nhost = h\nfrom = \"Me\" <me@x.y>\n",
	 ":3: from: text after the closing quote"},
	{"an unterminated quote", "[a]\nhost = h\nuser = \"abc\n", ":3: user: missing closing \""},
	{"a fingerprint of 62 hex digits",
	 "[a]\nhost = h\ntls_fingerprint = 00112233445566778899aabbccddeeff00112233445566778899aabbccddee\n",
	 ":3: [a] tls_fingerprint: expected 64 hex digits"},
	{"a fingerprint of 66 hex digits",
	 "[a]\nhost = h\ntls_fingerprint = 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff00\n",
	 "[a] tls_fingerprint: expected 64 hex digits"},
	{"a fingerprint with a non-hex digit",
	 "[a]\nhost = h\ntls_fingerprint = 0g112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n",
	 "[a] tls_fingerprint: expected 64 hex digits"},
	{"a fingerprint with a colon inside a byte",
	 "[a]\nhost = h\ntls_fingerprint = 0:0112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n",
	 "[a] tls_fingerprint: expected 64 hex digits"},
	{"a SHA-1 fingerprint (40 hex digits)",
	 "[a]\nhost = h\ntls_fingerprint = 00112233445566778899aabbccddeeff00112233\n",
	 "[a] tls_fingerprint: expected 64 hex digits"},
	{"an oauth key without oauth_provider", "[a]\nhost = h\nuser = u\noauth_scope = s\n",
	 ":4: [a] oauth_scope: set without oauth_provider"},
	{"auth = xoauth2 without oauth_provider", "[a]\nhost = h\nuser = u\nauth = xoauth2\n",
	 "auth: an OAuth2 mechanism needs oauth_provider"},
	{"oauth_provider without a client id", "[a]\nhost = h\nuser = u\noauth_provider = google\n",
	 "oauth_client_id: missing"},
	{"oauth_provider without a user", "[a]\nhost = h\noauth_provider = google\noauth_client_id = c\n",
	 "user: missing: OAuth2 needs the mailbox address"},
	{"oauth_provider and a password", "[a]\nhost = h\nuser = u\noauth_provider = google\n"
	 "oauth_client_id = c\npassword = p\n", "password: set with oauth_provider"},
	{"oauth_provider and auth = plain", "[a]\nhost = h\nuser = u\noauth_provider = google\n"
	 "oauth_client_id = c\nauth = plain\n", "auth: a password mechanism with oauth_provider"},
	{"an unknown provider", "[a]\nhost = h\nuser = u\noauth_provider = yahoo\noauth_client_id = c\n",
	 ":4: [a] oauth_provider: 'yahoo' is not one of"},
	{"a tenant for google", "[a]\nhost = h\nuser = u\noauth_provider = google\noauth_client_id = c\n"
	 "oauth_tenant = t\n", "oauth_tenant: only for oauth_provider = microsoft"},
	{"custom without a token URL", "[a]\nhost = h\nuser = u\noauth_provider = custom\n"
	 "oauth_client_id = c\noauth_scope = s\noauth_auth_url = https://a/\n",
	 "oauth_token_url: missing: oauth_provider = custom needs"},
	{"custom without auth or device URL", "[a]\nhost = h\nuser = u\noauth_provider = custom\n"
	 "oauth_client_id = c\noauth_scope = s\noauth_token_url = https://a/t\n",
	 "oauth_auth_url: missing"},
	{"an http token URL", "[a]\nhost = h\nuser = u\noauth_provider = google\noauth_client_id = c\n"
	 "oauth_token_url = http://t/token\n", ":6: [a] oauth_token_url: must be an https:// URL"},
	{"an https URL without a host", "[a]\nhost = h\nuser = u\noauth_provider = google\n"
	 "oauth_client_id = c\noauth_auth_url = https:///x\n", "oauth_auth_url: must be an https:// URL"},
};

static void test_bad(void)
{
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct config c;
		struct err e;
		int rc = load(bad[i].text, &c, &e);

		is_int(rc, -1, "refuse %s", bad[i].name);
		is_int(e.kind, ERR_CONFIG, "%s: ERR_CONFIG (exit 78)", bad[i].name);
		like(e.msg, bad[i].msg, "%s: the message says where and why", bad[i].name);
		config_free(&c);
	}
}

static void test_long_lines(void)
{
	struct config c;
	struct err e;
	char text[3000];
	size_t n;

	/* A comment line of exactly CONFIG_LINE_MAX bytes is fine. */
	n = (size_t)snprintf(text, sizeof text, "[a]\nhost = h\n;");
	memset(text + n, 'x', CONFIG_LINE_MAX - 1);
	n += CONFIG_LINE_MAX - 1;
	memcpy(text + n, "\n", 2);
	if (!ok(load(text, &c, &e) == 0, "a line of exactly %d bytes is accepted", CONFIG_LINE_MAX))
		diag("error: %s", e.msg);
	config_free(&c);

	/* One more byte: iniparser would fail the whole file, we name the line. */
	n = (size_t)snprintf(text, sizeof text, "[a]\nhost = h\n;");
	memset(text + n, 'x', CONFIG_LINE_MAX);
	n += CONFIG_LINE_MAX;
	memcpy(text + n, "\n", 2);
	is_int(load(text, &c, &e), -1, "a line of %d bytes is refused", CONFIG_LINE_MAX + 1);
	like(e.msg, ":3: line longer than 1022 bytes", "the message names the line");
	config_free(&c);

	/* A long value on the last line, without a final newline. */
	n = (size_t)snprintf(text, sizeof text, "[a]\nhost = h\nfrom = ");
	memset(text + n, 'x', 1100);
	text[n + 1100] = '\0';
	is_int(load(text, &c, &e), -1, "a long last line without a newline is refused");
	like(e.msg, ":3: line longer than", "the message names that line");
	config_free(&c);
}

static void test_file_checks(void)
{
	const char *text = "[a]\nhost = h\nuser = u\npassword = secret\n";
	struct config c;
	struct err e;
	char path[4200];

	is_int(load_mode(text, 0644, &c, &e), -1, "a password in a file with mode 0644 is refused");
	like(e.msg, ":4: [a] password: the file is readable by group or others", "the message says why");
	config_free(&c);
	is_int(load_mode(text, 0640, &c, &e), -1, "a password in a file with mode 0640 is refused");
	config_free(&c);
	ok(load_mode(text, 0600, &c, &e) == 0 && strcmp(c.accounts[0].password, "secret") == 0,
	   "a password in a file with mode 0600 is loaded");
	config_free(&c);
	ok(load_mode(text, 0400, &c, &e) == 0, "mode 0400 is fine too");
	config_free(&c);
	ok(load_mode("[a]\nhost = h\nuser = u\npassword_command = cat pw\n", 0644, &c, &e) == 0,
	   "password_command in a world-readable file is fine");
	config_free(&c);

	ok(load("[a]\nhost = h\nuser = u\npassword = \"a#b\"\n", &c, &e) == 0 &&
	   strcmp(c.accounts[0].password, "a#b") == 0, "a quoted password \"a#b\" is loaded as a#b");
	config_free(&c);
	ok(load("[a]\nhost = h\nuser = u\npassword = 'a;b' ; comment\n", &c, &e) == 0 &&
	   strcmp(c.accounts[0].password, "a;b") == 0, "a single-quoted password 'a;b' is loaded as a;b");
	config_free(&c);
	ok(load("[a]\nhost = h\nuser = u\npassword = \"a\\b\"\n", &c, &e) == 0 &&
	   strcmp(c.accounts[0].password, "a\\b") == 0, "a backslash inside quotes is kept as is");
	config_free(&c);
	ok(load("[a]\nhost = h\nuser = u\npassword = 'say \"hi\"'\n", &c, &e) == 0 &&
	   strcmp(c.accounts[0].password, "say \"hi\"") == 0, "double quotes inside single quotes");
	config_free(&c);

	memset(&e, 0, sizeof e);
	is_int(config_load(&c, "/nonexistent/postern.ini", &e), -1, "a missing file is refused");
	is_int(e.kind, ERR_CONFIG, "a missing file: ERR_CONFIG");
	like(e.msg, "/nonexistent/postern.ini: cannot open", "the message names the file");
	config_free(&c);

	is_int(config_load(&c, tmpdir, &e), -1, "a directory is refused");
	like(e.msg, "not a regular file", "the message says it is not a regular file");
	config_free(&c);

	if (write_ini("[a]\nhost = h\0x\n", 15, 0600, path, sizeof path) == 0) {
		is_int(config_load(&c, path, &e), -1, "a file with a NUL byte is refused");
		like(e.msg, "contains a NUL byte", "the message says NUL");
		config_free(&c);
		unlink(path);
	}
}

static void test_fingerprint(void)
{
	static const unsigned char want[32] = {
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
	};
	static const struct {
		const char *name, *value;
	} forms[] = {
		{"64 lower-case hex digits", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"},
		{"64 upper-case hex digits", "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF"},
		{"hex pairs separated by colons (openssl x509 -fingerprint)",
		 "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF"},
	};

	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		struct config c;
		struct err e;
		char text[400];

		snprintf(text, sizeof text, "[a]\nhost = h\ntls_fingerprint = %s\n", forms[i].value);
		if (!ok(load(text, &c, &e) == 0, "tls_fingerprint as %s loads", forms[i].name)) {
			diag("error: %s", e.msg);
			config_free(&c);
			continue;
		}
		is_int(c.accounts[0].has_fingerprint, 1, "%s: has_fingerprint", forms[i].name);
		ok(memcmp(c.accounts[0].fingerprint, want, 32) == 0, "%s: the 32 bytes", forms[i].name);
		config_free(&c);
	}
}

static void test_global(void)
{
	struct config c;
	struct err e;
	const char *home = getenv("HOME");

	setenv("HOME", "/home/tester", 1);
	ok(load("[postern]\naliases = ~/aliases\nlog = ~/postern.log\n[a]\nhost = h\ntls_ca_file = ~/ca.pem\n",
		&c, &e) == 0, "[postern] aliases and log load");
	is_str(c.aliases, "/home/tester/aliases", "aliases: ~/ is expanded");
	is_str(c.log, "/home/tester/postern.log", "log: ~/ is expanded");
	is_str(c.accounts[0].tls_ca_file, "/home/tester/ca.pem", "tls_ca_file: ~/ is expanded");
	config_free(&c);
	ok(load("[postern]\nlog = syslog\n[a]\nhost = h\n", &c, &e) == 0 && strcmp(c.log, "syslog") == 0,
	   "log = syslog is kept as a word");
	config_free(&c);

	{
		char *p = config_expand_path("~/x/y");
		is_str(p, "/home/tester/x/y", "config_expand_path ~/x/y");
		free(p);
		p = config_expand_path("/abs/path");
		is_str(p, "/abs/path", "config_expand_path leaves absolute paths");
		free(p);
		p = config_expand_path("~other/x");
		is_str(p, "~other/x", "config_expand_path leaves ~user paths");
		free(p);
	}
	if (home)
		setenv("HOME", home, 1);
	else
		unsetenv("HOME");
}

static void test_pick(void)
{
	struct config c;
	struct err e;
	const struct account *a;

	if (!ok(load(two_accounts, &c, &e) == 0, "load two accounts for config_pick")) {
		config_free(&c);
		return;
	}
	a = config_pick(&c, "home", NULL, NULL, &e);
	is_str(a ? a->name : NULL, "home", "pick by name");
	a = config_pick(&c, "HOME", NULL, NULL, &e);
	is_str(a ? a->name : NULL, "home", "pick by name, case-insensitive");
	a = config_pick(&c, "home", "me@example.com", NULL, &e);
	is_str(a ? a->name : NULL, "home", "a name wins over a matching sender");
	a = config_pick(&c, "nope", NULL, NULL, &e);
	ok(a == NULL, "an unknown name picks nothing");
	is_int(e.kind, ERR_CONFIG, "an unknown name: ERR_CONFIG");
	like(e.msg, "no account named 'nope'", "the message names it");
	a = config_pick(&c, NULL, "me@home.example", NULL, &e);
	is_str(a ? a->name : NULL, "home", "pick by the envelope sender (-f) matching from");
	a = config_pick(&c, NULL, "ME@Home.Example", NULL, &e);
	is_str(a ? a->name : NULL, "home", "the from match is case-insensitive");
	a = config_pick(&c, NULL, NULL, "me@home.example", &e);
	is_str(a ? a->name : NULL, "home", "pick by the From header's address");
	a = config_pick(&c, NULL, "me@example.com", "me@home.example", &e);
	is_str(a ? a->name : NULL, "work", "the sender is tried before the From header");
	a = config_pick(&c, NULL, "other@x.y", "another@x.y", &e);
	is_str(a ? a->name : NULL, "work", "no match: the [postern] account");
	a = config_pick(&c, NULL, "", NULL, &e);
	is_str(a ? a->name : NULL, "work", "the null sender matches no account");
	config_free(&c);

	ok(load("[solo]\nhost = h\nfrom = s@x.y\n", &c, &e) == 0, "load one account");
	a = config_pick(&c, NULL, "other@x.y", NULL, &e);
	is_str(a ? a->name : NULL, "solo", "the only account is picked");
	config_free(&c);

	ok(load("[a]\nhost = h\nfrom = a@x.y\n[b]\nhost = h\nfrom = b@x.y\n", &c, &e) == 0,
	   "load two accounts without [postern] account");
	a = config_pick(&c, NULL, "b@x.y", NULL, &e);
	is_str(a ? a->name : NULL, "b", "the from match still works");
	memset(&e, 0, sizeof e);
	a = config_pick(&c, NULL, "c@x.y", NULL, &e);
	ok(a == NULL, "ambiguous: two accounts, no match, no default");
	is_int(e.kind, ERR_CONFIG, "ambiguous: ERR_CONFIG");
	like(e.msg, "2 accounts and none chosen", "the message says what to do");
	config_free(&c);
}

static void test_find(void)
{
	char path[4200], dir[2048];
	char *p;
	struct err e = {0};
	const char *saved_xdg = getenv("XDG_CONFIG_HOME"), *saved_env = getenv("POSTERN_CONFIG");
	char *xdg = saved_xdg ? strdup(saved_xdg) : NULL, *env = saved_env ? strdup(saved_env) : NULL;

	p = config_find("/x/explicit.ini", &e);
	is_str(p, "/x/explicit.ini", "-C FILE wins");
	free(p);
	setenv("POSTERN_CONFIG", "/x/env.ini", 1);
	p = config_find(NULL, &e);
	is_str(p, "/x/env.ini", "then $POSTERN_CONFIG");
	free(p);
	unsetenv("POSTERN_CONFIG");

	snprintf(dir, sizeof dir, "%s/xdg/postern", tmpdir);
	snprintf(path, sizeof path, "%s/xdg", tmpdir);
	if (mkdir(path, 0700) == 0 && mkdir(dir, 0700) == 0) {
		snprintf(path, sizeof path, "%s/config.ini", dir);
		FILE *f = fopen(path, "w");
		if (f)
			fclose(f);
		snprintf(dir, sizeof dir, "%s/xdg", tmpdir);
		setenv("XDG_CONFIG_HOME", dir, 1);
		p = config_find(NULL, &e);
		is_str(p, path, "then $XDG_CONFIG_HOME/postern/config.ini when it exists");
		free(p);
		unlink(path);
		snprintf(path, sizeof path, "%s/xdg/postern", tmpdir);
		rmdir(path);
		rmdir(dir);
	}
	if (access("/etc/postern.ini", F_OK) != 0) {
		char home[4200];
		const char *saved_home = getenv("HOME");
		char *h = saved_home ? strdup(saved_home) : NULL;

		snprintf(home, sizeof home, "%s/emptyhome", tmpdir);
		setenv("HOME", home, 1);
		setenv("XDG_CONFIG_HOME", home, 1);
		memset(&e, 0, sizeof e);
		p = config_find(NULL, &e);
		ok(p == NULL, "no file anywhere: NULL");
		is_int(e.kind, ERR_CONFIG, "no file anywhere: ERR_CONFIG");
		like(e.msg, "no configuration file", "the message lists where it looked");
		free(p);
		if (h)
			setenv("HOME", h, 1);
		free(h);
	}
	if (xdg)
		setenv("XDG_CONFIG_HOME", xdg, 1);
	else
		unsetenv("XDG_CONFIG_HOME");
	if (env)
		setenv("POSTERN_CONFIG", env, 1);
	free(xdg);
	free(env);
}

/* The presets each provider documents, and what the file overrides. */
static void test_oauth(void)
{
	struct config c;
	struct err e;
	const struct account *g, *m, *x;

	if (!ok(load("[g]\nhost = smtp.gmail.com\nuser = me@gmail.com\noauth_provider = google\n"
		     "oauth_client_id = id.apps\noauth_client_secret = \"s#;cret\"\n"
		     "[m]\nhost = smtp.office365.com\nuser = me@corp.example\n"
		     "oauth_provider = Microsoft\noauth_client_id = 1234\noauth_tenant = corp.example\n"
		     "[x]\nhost = h\nuser = u\noauth_provider = custom\noauth_client_id = c\n"
		     "oauth_scope = mail\noauth_token_url = https://idp.example/t\n"
		     "oauth_device_url = https://idp.example/d\noauth_tls_ca_file = ~/ca.pem\n",
		     &c, &e) == 0, "OAuth2 accounts load")) {
		diag("error: %s", e.msg);
		config_free(&c);
		return;
	}
	g = by_name(&c, "g");
	m = by_name(&c, "m");
	x = by_name(&c, "x");
	is_int(g->oauth.provider, OAUTH_GOOGLE, "google");
	is_str(g->oauth.token_url, "https://oauth2.googleapis.com/token", "google: token endpoint preset");
	is_str(g->oauth.auth_url, "https://accounts.google.com/o/oauth2/v2/auth", "google: auth endpoint preset");
	is_str(g->oauth.device_url, NULL, "google: no device endpoint (Gmail's scope refuses it)");
	is_str(g->oauth.scope, "https://mail.google.com/", "google: scope preset");
	is_str(g->oauth.client_secret, "s#;cret", "a quoted client secret keeps '#' and ';'");
	is_int(m->oauth.provider, OAUTH_MICROSOFT, "microsoft (any case)");
	is_str(m->oauth.token_url, "https://login.microsoftonline.com/corp.example/oauth2/v2.0/token",
	       "microsoft: the tenant goes into the token endpoint");
	is_str(m->oauth.device_url, "https://login.microsoftonline.com/corp.example/oauth2/v2.0/devicecode",
	       "microsoft: device endpoint preset");
	is_str(m->oauth.scope, "https://outlook.office.com/SMTP.Send offline_access",
	       "microsoft: SMTP.Send and offline_access");
	is_str(x->oauth.auth_url, NULL, "custom: no auth endpoint unless set");
	is_str(x->oauth.device_url, "https://idp.example/d", "custom: the device endpoint as set");
	ok(x->oauth.tls_ca_file && x->oauth.tls_ca_file[0] == '/', "oauth_tls_ca_file: ~ expanded");
	config_free(&c);

	is_int(load("[m]\nhost = h\nuser = u\noauth_provider = microsoft\noauth_client_id = c\n", &c, &e),
	       0, "microsoft without a tenant loads");
	is_str(c.naccounts ? c.accounts[0].oauth.token_url : NULL,
	       "https://login.microsoftonline.com/common/oauth2/v2.0/token", "microsoft: tenant common by default");
	config_free(&c);
	is_int(load_mode("[g]\nhost = h\nuser = u\noauth_provider = google\noauth_client_id = c\n"
			 "oauth_client_secret = s\n", 0644, &c, &e), -1,
	       "a client secret in a file others can read is refused");
	like(e.msg, "oauth_client_secret: the file is readable by group or others", "... and the message says so");
	config_free(&c);
}

/* from_patterns: shell-style, the domain in any case; an exact from wins. */
static void test_patterns(void)
{
	struct config c;
	struct err e = {0};
	const struct account *a;
	static const char text[] =
		"[postern]\naccount = main\n"
		"[main]\nhost = h\nfrom = me@example.com\n"
		"[team]\nhost = h\nfrom = team@example.org\nfrom_patterns = team-*@example.org, *@Lists.Example.ORG\n"
		"[catch]\nhost = h\nfrom_patterns = *@example.com\n";

	if (!ok(load(text, &c, &e) == 0, "load accounts with from_patterns")) {
		config_free(&c);
		return;
	}
	a = config_pick(&c, NULL, "team-ops@example.org", NULL, &e);
	is_str(a ? a->name : NULL, "team", "from_patterns: team-* matches team-ops@");
	a = config_pick(&c, NULL, "x@LISTS.example.org", NULL, &e);
	is_str(a ? a->name : NULL, "team", "from_patterns: the domain in any case");
	a = config_pick(&c, NULL, "Team-ops@example.org", NULL, &e);
	is_str(a ? a->name : NULL, "main", "from_patterns: the local part's case matters (no match: the default)");
	a = config_pick(&c, NULL, "me@example.com", NULL, &e);
	is_str(a ? a->name : NULL, "main", "an exact from wins over a pattern of a later account");
	a = config_pick(&c, NULL, "alias@example.com", NULL, &e);
	is_str(a ? a->name : NULL, "catch", "from_patterns: *@example.com serves every alias of the domain");
	a = config_pick(&c, NULL, NULL, "bob@example.com", &e);
	is_str(a ? a->name : NULL, "catch", "from_patterns: the From header's address too");
	a = config_pick(&c, NULL, "x@other.example", NULL, &e);
	is_str(a ? a->name : NULL, "main", "from_patterns: no match, the default");
	config_free(&c);
}

int main(void)
{
	test_esmtp_keys();
	const char *t = getenv("TEST_TMP");

	snprintf(tmpdir, sizeof tmpdir, "%s/postern-config-XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(tmpdir)) {
		printf("Bail out! cannot create a temporary directory\n");
		return 1;
	}
	test_valid();
	test_defaults();
	test_bad();
	test_oauth();
	test_long_lines();
	test_file_checks();
	test_fingerprint();
	test_global();
	test_pick();
	test_patterns();
	test_find();
	rmdir(tmpdir);
	return done_testing();
}
