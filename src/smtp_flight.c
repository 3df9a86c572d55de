/* Messages in flight: RFC 2920 section 3.1 lets a client send several
 * transactions before their replies come. A batch (the queue flush) sends
 * the next message's RSET, MAIL, RCPT and BDAT LAST with its bytes behind
 * the previous one's, as long as every message before it is complete on
 * the wire, so that each reply belongs to one message and settles it
 * alone. What may go behind others is decided here; everything else about
 * a transaction is in smtp_mail.c. */
#include "smtp_int.h"

#include <stdlib.h>
#include <string.h>

#define RING (FLIGHT_MAX + 1)

int smtp_ring_init(struct smtp *s)
{
	s->ring = calloc(RING, sizeof *s->ring);
	if (!s->ring)
		return -1;
	for (int i = 0; i < RING; i++)
		buf_init(&s->ring[i].refusals, ERR_MSG_MAX);
	return 0;
}

void smtp_ring_free(struct smtp *s)
{
	for (int i = 0; s->ring && i < RING; i++)
		buf_free(&s->ring[i].refusals);
	free(s->ring);
	s->ring = NULL;
}

struct smtp_txn *smtp_txn_of(const struct smtp *s, int tag)
{
	return &s->ring[tag % RING];
}

void smtp_txn_begin(struct smtp *s, const struct smtp_message *m, struct err *e, int tag)
{
	struct smtp_txn *t = smtp_txn_of(s, tag);

	t->msg = m;
	t->e = e;
	t->tag = tag;
	t->pending = 0;
	t->batch = 0;
	t->behind = 0;
	s->t = s->newest = t;
	smtp_reset_message(s);
}

/* The oldest message whose replies are still to come. */
static int oldest_tag(const struct smtp *s)
{
	return s->qlen ? s->expect[s->qhead].tag : s->newest->tag;
}

/* Is the newest message all on the wire, with nothing left to decide? A
 * message with several recipients keeps its BDAT LAST until their replies
 * are in, one over BDAT_CHUNK sends more chunks as replies come, a 7-bit
 * copy lives only while it is the newest: each ends the flight. */
static int complete(const struct smtp *s)
{
	const struct smtp_txn *t = s->newest;

	return t->bdat && t->last_sent && !t->downgraded && !t->msg_failed &&
	       t->ntxn == t->msg->rcpts->n && s->state == S_BDAT;
}

/* Room for one more message of `size` bytes: FLIGHT_MAX messages and
 * FLIGHT_BYTES bytes at most, so that a lost connection leaves few in
 * doubt. */
static int room_for(const struct smtp *s, off_t size)
{
	int first = oldest_tag(s), last = s->newest->tag;
	off_t bytes = size;

	if (last - first + 2 > FLIGHT_MAX)
		return 0;
	for (int tag = first; tag <= last; tag++)
		bytes += smtp_txn_of(s, tag)->msg->size;
	return bytes <= FLIGHT_BYTES;
}

int smtp_can_pipeline(const struct smtp *s, const struct smtp_message *m)
{
	unsigned f = s->caps.flags;

	if (!(f & CAP_PIPELINING) || !(f & CAP_CHUNKING) || !s->newest->batch || !complete(s))
		return 0;
	if (s->caps.mailmax && s->txns >= (int)s->caps.mailmax)   /* a new connection first */
		return 0;
	return room_for(s, m->size) && smtp_goes_as_is(s, m);
}

enum smtp_action smtp_pipeline_next(struct smtp *s, const struct smtp_message *m, struct err *e,
				    int more)
{
	smtp_txn_begin(s, m, e, s->newest->tag + 1);
	s->t->batch = more;
	s->t->behind = 1;
	/* The message before may still fail, and a server need not end its
	 * transaction on a refused BDAT; RSET makes the state certain (a
	 * no-op after an accepted one, RFC 5321 section 4.1.1.5). */
	if (smtp_cmd(s, SHOW_ALL, "RSET") < 0)
		return smtp_fail(s);
	smtp_expect(s, S_RSET, 0);
	return smtp_start_mail(s);
}
