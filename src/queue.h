/*
 * The on-disk queue: messages accepted but not yet taken by the smarthost.
 *
 *   $XDG_STATE_HOME/postern/queue/        (default ~/.local/state/..., mode 0700)
 *     ID.msg   the message exactly as it will be sent (CRLF lines, not
 *              dot-stuffed); flock'd by whoever is sending it
 *     ID.env   the envelope, text lines "key value"; its presence commits
 *              the entry: it is renamed into place last
 *     tmp/     files being written (O_EXCL), fsync'd, then renamed in
 *
 * So a crash or kill -9 at any moment leaves a whole entry or none (an
 * ID.msg without its ID.env is debris, removed by a later flush). IDs sort
 * by the time they were queued.
 */
#ifndef POSTERN_QUEUE_H
#define POSTERN_QUEUE_H

#include <sys/types.h>

#include "addr.h"
#include "buf.h"
#include "envelope.h"
#include "errors.h"

struct queue_entry {
	char id[48];
	char *account;
	char *sender;
	struct addr_list rcpts;
	struct envelope_opts o;   /* body type, DSN, REQUIRETLS: as when submitted */
	long long first;       /* when it was queued (epoch seconds) */
	long long next;        /* not to be tried before */
	int attempts;
	char *error;           /* the last failure, one line */
	int held;              /* held for credentials: not retried on the backoff, only
				* when released (--release, --authorize, --store-password,
				* -q --force) */
	off_t size;            /* of ID.msg */
};


/* $XDG_STATE_HOME/postern/LEAF (else ~/.local/state/postern/LEAF) in
 * out; nothing is created. ERR_CONFIG when neither variable helps. */
int queue_state_dir(struct buf *out, const char *leaf, struct err *e);

/* The queue folder, created (mode 0700) when missing. */
int queue_dir(struct buf *out, struct err *e);

/* Writes a new entry from the header block and the spool's body
 * [body_off, body_end); fills qe->id. ERR_CANTCREAT / ERR_IO (disk full
 * included) leave no entry behind. */
int queue_add(const char *dir, struct queue_entry *qe, const struct buf *header_block,
	      int body_fd, off_t body_off, off_t body_end, struct err *e);

/* Every committed entry, oldest first (owned array; free each entry). */
int queue_list(const char *dir, struct queue_entry **out, int *n, struct err *e);

/* Re-reads one entry (after locking it: another process may have sent
 * it). Returns 1, 0 when it is gone, -1 on error. */
int queue_read(const char *dir, const char *id, struct queue_entry *qe, struct err *e);

/* Locks ID.msg for sending: returns the open fd (the lock lives as long as
 * it), -2 when someone else holds it, -1 when the entry is gone. */
int queue_lock(const char *dir, const char *id);

/* Rewrites ID.env (attempts, next, error) atomically. */
int queue_update(const char *dir, const struct queue_entry *qe, struct err *e);

/* Deletes the entry: ID.env first (uncommitted at once), then ID.msg. */
int queue_remove(const char *dir, const char *id, struct err *e);

/* Removes ID.msg files without an ID.env older than `age` seconds that
 * nobody holds: debris of writers killed before their commit. */
void queue_sweep(const char *dir, long long age);

void queue_entry_free(struct queue_entry *qe);

/* Seconds to wait after `attempts` failures: 1 min doubling, capped at 1 h. */
long long queue_backoff(int attempts);

#endif
