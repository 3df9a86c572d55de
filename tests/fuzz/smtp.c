/* Fuzzes the SMTP client's state machine (smtp.c, smtp_mail.c,
 * smtp_flight.c, smtp_params.c with reply.c, caps.c and sasl.c) as
 * session.c's run() drives it, without a network: a batch of messages is
 * sent to a server whose replies are the input's lines. Two first bytes
 * choose the session (implicit TLS, AUTH with a password or a token,
 * refused_recipients, the batch's size) and the messages (recipients,
 * 8-bit and long lines, DSN, REQUIRETLS, a UTF-8 address). Properties:
 * every command written is one CRLF line, no longer than CMD_LINE_MAX, with
 * no other CR or LF (nothing a server says can split a command); a chunk
 * stays inside its message; a settled message is one of the batch, settled
 * once; and the machine never spins without reading. */
#include "bounds.h"
#include "dsn.h"
#include "fuzz.h"
#include "jsonlib.h"
#include "reply.h"
#include "smtp.h"

#define MSGS_MAX 4
#define RCPTS_MAX 6
#define STEPS_MAX 100000

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct err e = {0};

	(void)argc, (void)argv;
	(void)jsonlib_load(&e);   /* the OAuth error report, as in a run */
	return 0;
}

struct input {
	const char *p, *end;
};

/* The next complete reply from the input; 0 when it has run out (a lost
 * connection) or a line is malformed (session.c's read fails too). */
static int next_reply(struct input *in, struct reply *r)
{
	struct err e = {0};
	int done = 0;

	reply_reset(r);
	while (!done && in->p < in->end) {
		const char *nl = memchr(in->p, '\n', (size_t)(in->end - in->p));
		size_t len = nl ? (size_t)(nl - in->p) : (size_t)(in->end - in->p);
		if (len && in->p[len - 1] == '\r')
			len--;
		done = len > REPLY_LINE_MAX ? -1 : reply_feed(r, in->p, len, &e);
		in->p = nl ? nl + 1 : in->end;
		if (done < 0)
			return 0;
	}
	return done > 0;
}

/* What flush_out sends: CRLF lines only, each a whole command. */
static void check_out(struct smtp *s)
{
	const char *p = s->out.data ? s->out.data : "", *end = p + s->out.len;

	while (p < end) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		FUZZ_CHECK(lf && lf > p && lf[-1] == '\r', "every command ends with CRLF");
		FUZZ_CHECK(!memchr(p, '\r', (size_t)(lf - 1 - p)), "no CR inside a command");
		FUZZ_CHECK((size_t)(lf + 1 - p) <= CMD_LINE_MAX, "a command fits CMD_LINE_MAX");
		p = lf + 1;
	}
	buf_wipe(&s->out);
}

struct batch {
	struct smtp_message m[MSGS_MAX], copy;
	struct addr_list rcpts[MSGS_MAX];
	unsigned char state[MSGS_MAX][RCPTS_MAX];
	struct err err[MSGS_MAX];
	int done[MSGS_MAX];
	int n;
};

static void make_batch(struct batch *b, unsigned char c0, unsigned char c1)
{
	static const char *const addrs[RCPTS_MAX] = {"a@example.org", "b@example.net",
		"c@b\303\274cher.example", "d@example.org", "e@example.com", "f@example.org"};

	memset(b, 0, sizeof *b);
	b->n = 1 + (c0 >> 3) % MSGS_MAX;
	for (int k = 0; k < b->n; k++) {
		int nr = 1 + (c1 + k) % RCPTS_MAX;
		for (int i = 0; i < nr; i++)   /* the last one with a UTF-8 local part, if asked */
			if (addr_list_add(&b->rcpts[k], NULL, c1 & 0x40 && i == nr - 1 ?
					  "j\xc3\xb6rg@example.com" : addrs[i]) < 0)
				abort();
		b->m[k] = (struct smtp_message){.sender = k & 1 ? "" : "me@example.com",
			.rcpts = &b->rcpts[k], .size = 1000 + 3000 * k, .rcpt_state = b->state[k]};
		b->m[k].o.has_8bit = (c0 >> 5) & 1;
		b->m[k].o.long_lines = (c0 >> 6) & 1 && k == 0;
		b->m[k].o.body_type = (enum body_type)((c1 >> 6) % 3);
		b->m[k].o.dsn_notify = c1 & 0x20 ? DSN_NOTIFY_SUCCESS | DSN_NOTIFY_FAILURE : 0;
		b->m[k].o.dsn_ret = c1 & 0x20 ? DSN_RET_HDRS : DSN_RET_NONE;
		b->m[k].o.requiretls = (c1 >> 4) & 1 && k == 1;
		memcpy(b->m[k].o.envid, "env+id", 7);
	}
}

/* Settles message k, as session.c's settle(). */
static void settle(struct batch *b, int k, int done)
{
	FUZZ_CHECK(k >= 0 && k < b->n, "a settled message is one of the batch");
	FUZZ_CHECK(b->done[k] == 0, "a message is settled once");
	b->done[k] = done;
	FUZZ_CHECK(done == 1 || b->err[k].kind != ERR_NONE, "a refused message says why");
}

/* session.c's run(), with the input for a server. */
static void run(struct smtp *s, struct batch *b, struct input *in, struct reply *r, int downgrade_ok)
{
	enum smtp_action act;
	int j = 0, steps = 0;

	smtp_set_batch(s, b->n > 1);
	act = smtp_start(s);
	for (;;) {
		FUZZ_CHECK(++steps < STEPS_MAX, "the machine reads or ends");
		if (act != SMTP_SEND_CHUNK)
			check_out(s);
		switch (act) {
		case SMTP_READ:
			if (j + 1 < b->n && smtp_can_pipeline(s, &b->m[j + 1])) {
				j++;
				act = smtp_pipeline_next(s, &b->m[j], &b->err[j], j + 1 < b->n);
				break;
			}
			if (!next_reply(in, r))
				return;
			act = smtp_on_reply(s, r);
			break;
		case SMTP_STARTTLS:
			FUZZ_CHECK(s->out.len == 0, "nothing is buffered when TLS starts");
			act = smtp_tls_started(s);
			break;
		case SMTP_SEND_BODY:
			act = smtp_body_sent(s);
			break;
		case SMTP_SEND_CHUNK:
			FUZZ_CHECK(s->t->chunk_off >= 0 && s->t->chunk_len >= 0 &&
				   s->t->chunk_off + s->t->chunk_len <= s->t->msg->size,
				   "a chunk lies inside its message");
			check_out(s);
			act = smtp_chunk_sent(s);
			break;
		case SMTP_MSG_DONE:
		case SMTP_MSG_FAILED:
			settle(b, s->t->tag, act == SMTP_MSG_DONE ? 1 : -1);
			if (s->t->tag < j) {
				act = SMTP_READ;
				break;
			}
			FUZZ_CHECK(j + 1 < b->n, "a batch message is followed by another");
			j++;
			act = smtp_next_message(s, &b->m[j], &b->err[j], j + 1 < b->n);
			break;
		case SMTP_DOWNGRADE:
			b->copy = b->m[j];
			b->copy.o.has_8bit = b->copy.o.long_lines = b->copy.o.utf8_headers = 0;
			b->copy.o.body_type = BODY_7BIT;
			if (!downgrade_ok)   /* as downgrade_make's refusal sets it */
				err_set(&b->err[j], ERR_DATA, "fuzz: no 7-bit copy");
			act = smtp_downgraded(s, downgrade_ok ? &b->copy : NULL);
			break;
		case SMTP_RECONNECT:
			act = smtp_reconnected(s, 0);
			break;
		case SMTP_CLOSE:
			settle(b, j, 1);
			check_out(s);
			return;
		case SMTP_FAIL:
			if (s->t->message_failed && b->done[s->t->tag] == 0)
				settle(b, s->t->tag, -1);
			check_out(s);
			return;
		default:
			FUZZ_CHECK(0, "a known action");
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smtp_params p = {.ehlo_name = "client.example.com"};
	struct input in = {(const char *)data + 2, (const char *)data + size};
	struct batch b;
	struct smtp s;
	struct reply r;

	if (size < 2)
		return 0;
	p.tls_active = data[0] & 1;
	if (data[0] & 2)
		p.creds = (struct sasl_creds){.user = "me@example.com", .password = "pencil"};
	else if (data[0] & 4)
		p.creds = (struct sasl_creds){.user = "me@example.com", .token = "ya29.token",
					      .host = "smtp.example.com", .port = 587};
	p.auth = (enum auth_choice)((data[1] >> 1) % (AUTH_OAUTHBEARER + 1));
	p.refused = data[1] & 1 ? REFUSED_SKIP : REFUSED_ALL;
	make_batch(&b, data[0], data[1]);
	reply_init(&r);
	if (smtp_init(&s, &p, &b.m[0], &b.err[0]) == 0) {
		run(&s, &b, &in, &r, !(data[0] & 0x80));
		for (int k = 0; k < b.n; k++) {
			struct addr_list left = {0};
			int got = smtp_left_over(&b.m[k], &left);
			FUZZ_CHECK(got >= 0 && got + left.n <= b.rcpts[k].n,
				   "recipients with and without the message add up");
			addr_list_free(&left);
		}
	}
	smtp_free(&s);
	reply_free(&r);
	for (int k = 0; k < b.n; k++)
		addr_list_free(&b.rcpts[k]);
	return 0;
}
