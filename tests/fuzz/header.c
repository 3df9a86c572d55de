/* Fuzzes the header section and address lists the way a send with -t
 * uses them (cmd_send.c's prepare): spool, header_parse, the envelope from
 * To/Cc/Bcc or Resent-*, the header rewritten (names qualified, Bcc
 * removed, Date/Message-ID/From added), written, folded, and its options
 * read. Which account, aliases and -f apply comes from the input's length,
 * so the message itself is the whole input. Properties:
 *  - every envelope address passes addr_check_spec_utf8 (its domain as
 *    A-labels), recipients are
 *    unique, and none holds a control character or <>;
 *  - the written header block is CRLF lines, each a field or a fold, with
 *    no empty line before its end (no field can become body text, no text
 *    can become a field) and no Bcc or Resent-Bcc left;
 *  - once folded, no line is longer than 998 octets. */
#include <ctype.h>
#include <strings.h>

#include "alias.h"
#include "bounds.h"
#include "envelope.h"
#include "fuzz.h"
#include "header.h"
#include "idn.h"
#include "spool.h"

static const char alias_text[] =
	"# as /etc/aliases\n"
	"root: admin@example.com\n"
	"postmaster: root\n"
	"ops: root, \"Jo Ops\" <jo@example.org>,\n"
	"  team@example.net\n"
	"loop: loop\n"
	"nodomain: nobody-here\n";

static struct aliases aliases;
static int have_aliases;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[64];
	struct err e = {0};
	int fd = fuzz_memfile(alias_text, sizeof alias_text - 1, path, sizeof path);

	(void)argc, (void)argv;
	fuzz_tmpdir_in_memory();
	have_aliases = fd >= 0 && aliases_load(&aliases, path, &e) == 0;
	if (fd >= 0)
		close(fd);
	return 0;
}

/* The canonical form may hold a UTF-8 domain: its A-label form is what
 * envelope.c checked. */
static void check_address(const char *spec)
{
	struct err e = {0};
	char *ascii = idn_spec_ascii_domain(spec, &e);

	FUZZ_CHECK(ascii && addr_check_spec_utf8(ascii, &e) == 0, "an envelope address passes the check");
	free(ascii);
	for (const char *p = spec; *p; p++)   /* a quoted local part may hold spaces */
		FUZZ_CHECK((unsigned char)*p >= ' ' && *p != 0x7f && *p != '<' && *p != '>',
			   "no control character or <> in an envelope address");
}

/* The field name at the start of a line, or 0 for a fold (or no field). */
static size_t line_name(const char *p, size_t n)
{
	size_t i = 0, j;

	while (i < n && p[i] > ' ' && p[i] < 127 && p[i] != ':')
		i++;
	for (j = i; j < n && (p[j] == ' ' || p[j] == '\t'); j++)
		;
	return i && j < n && p[j] == ':' ? i : 0;
}

static void check_block(const struct buf *b, int folded)
{
	const char *p = b->data ? b->data : "", *end = p + b->len;

	FUZZ_CHECK(b->len >= 2 && memcmp(end - 2, "\r\n", 2) == 0, "the block ends with a line");
	while (p < end) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		size_t n, name;
		FUZZ_CHECK(lf && lf > p && lf[-1] == '\r', "every header line ends with CRLF");
		n = (size_t)(lf - 1 - p);
		FUZZ_CHECK(!memchr(p, '\r', n) && !memchr(p, '\0', n), "no bare CR or NUL in the header");
		if (n == 0) {
			FUZZ_CHECK(lf + 1 == end, "the only empty line ends the block");
			break;
		}
		name = line_name(p, n);
		FUZZ_CHECK(name || *p == ' ' || *p == '\t', "a header line is a field or a fold");
		FUZZ_CHECK(!(name == 3 && strncasecmp(p, "Bcc", 3) == 0) &&
			   !(name == 10 && strncasecmp(p, "Resent-Bcc", 10) == 0), "Bcc is removed");
		FUZZ_CHECK(!folded || n <= HEADER_LINE_MAX, "folded lines fit 998 octets");
		p = lf + 1;
	}
}

static void check_envelope(const struct envelope *env)
{
	if (*env->sender)
		check_address(env->sender);
	FUZZ_CHECK(env->rcpts.n >= 1 && env->rcpts.n <= ADDRS_MAX, "recipients within bounds");
	for (int i = 0; i < env->rcpts.n; i++) {
		check_address(env->rcpts.v[i].spec);
		for (int k = 0; k < i; k++)
			FUZZ_CHECK(strcasecmp(env->rcpts.v[i].spec, env->rcpts.v[k].spec) != 0,
				   "recipients are unique");
	}
}

static void send_prepare(const struct spool *s, const struct options *o, const struct account *a,
			 const struct aliases *al)
{
	struct headers h;
	struct envelope env = {0};
	struct envelope_opts opts;
	struct buf block;
	struct err e = {0};
	char *from;

	buf_init(&block, 2 * HEADER_SECTION_MAX);
	if (header_parse(&h, s->fd, s->size, &e) < 0)
		goto out;
	FUZZ_CHECK(h.body_off >= 0 && h.body_off <= s->size, "the body starts inside the message");
	free(envelope_from_header(&h));
	if (envelope_build(&env, o, a, al, &h, &e) < 0) {
		FUZZ_CHECK(e.kind != ERR_NONE && e.kind != ERR_SOFTWARE && e.msg[0], "a refusal says why");
		goto out;
	}
	check_envelope(&env);
	if (header_write(&h, &block) < 0)   /* too large */
		goto out;
	check_block(&block, 0);
	if (header_fold_long_lines(&block, &e) < 0)
		goto out;
	check_block(&block, 1);
	(void)envelope_options(&opts, o, a, &h, &block, s->has_8bit, s->long_lines, &e);
	from = envelope_from_header(&h);
	free(from);
out:
	envelope_free(&env);
	header_free(&h);
	buf_free(&block);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv_f[] = {"postern", "-t", "-i", "-f", "root", NULL};
	char *argv_t[] = {"postern", "-t", "-i", "-F", "Fuzz, \"The\" Tester", NULL};
	struct account a = {.name = "fuzz", .host = "smtp.example.com", .port = 587,
			    .domain = "client.example.com"};
	struct options o;
	struct spool s;
	struct err e = {0};

	if (spool_from_memory((const char *)data, size, 0, &s, &e) < 0)
		return 0;
	a.from = size & 1 ? "me@example.com" : NULL;
	FUZZ_CHECK((size & 4 ? args_parse(5, argv_f, &o, &e) : args_parse(5, argv_t, &o, &e)) == 0,
		   "fixed options parse");
	send_prepare(&s, &o, &a, size & 2 && have_aliases ? &aliases : NULL);
	spool_close(&s);
	return 0;
}
