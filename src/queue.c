#include "queue.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "compat.h"
#include "private.h"

#define ENV_MAGIC "postern-queue 1"

int queue_mkdirs(char *path, mode_t mode)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, mode) < 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return mkdir(path, mode) < 0 && errno != EEXIST ? -1 : 0;
}

int queue_state_dir(struct buf *out, const char *leaf, struct err *e)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = home_dir();

	buf_reset(out);
	if (state && *state == '/') {
		if (buf_appendf(out, "%s/postern/%s", state, leaf) < 0)
			return err_set(e, ERR_CONFIG, "queue: $XDG_STATE_HOME too long");
	} else if (home) {
		if (buf_appendf(out, "%s/.local/state/postern/%s", home, leaf) < 0)
			return err_set(e, ERR_CONFIG, "queue: $HOME too long");
	} else {
		return err_set(e, ERR_CONFIG, "queue: no home folder: $HOME must be an absolute path "
			       "(or unset, for the password file's), or set $XDG_STATE_HOME");
	}
	return 0;
}

int queue_dir(struct buf *out, struct err *e)
{
	if (queue_state_dir(out, "queue", e) < 0)
		return -1;
	if (buf_appends(out, "/tmp") < 0)
		return err_set(e, ERR_CONFIG, "queue: the path is too long");
	if (private_dirs(out->data, e) < 0)
		return err_prefix(e, "queue");
	out->len -= 4;
	out->data[out->len] = '\0';
	return 0;
}

static void entry_path(char *out, size_t n, const char *dir, const char *sub, const char *id,
		       const char *ext)
{
	snprintf(out, n, "%s%s/%s.%s", dir, sub, id, ext);
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int copy_body(int to, int from, off_t off, off_t end)
{
	char chunk[SPOOL_CHUNK];

	while (off < end) {
		size_t want = (size_t)(end - off) < sizeof chunk ? (size_t)(end - off) : sizeof chunk;
		ssize_t r = pread(from, chunk, want, off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			return -1;
		}
		if (write_all(to, chunk, (size_t)r) < 0)
			return -1;
		off += r;
	}
	return 0;
}

/* "YYYYmmddHHMMSS_nnnnnnnnn-rrrrrrrrrrrr": sorted, ids follow the order
 * messages were queued to the nanosecond, so a patch series queued while
 * offline goes out in order (older ids, without the fraction, sort before
 * any newer one of the same second). */
static void new_id(char *id, size_t n)
{
	unsigned char rnd[6];
	struct timespec now;
	struct tm tm;
	char stamp[16];

	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
		memset(rnd, (int)getpid(), sizeof rnd);
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	if (strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &tm) == 0)
		stamp[0] = '\0';
	snprintf(id, n, "%.14s_%09d-%02x%02x%02x%02x%02x%02x", stamp, (int)(now.tv_nsec % 1000000000L),
		 rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5]);
}

/* The message's options, one "key value" line each; absent keys keep
 * their defaults, so older entries read as they were written. */
static int opts_text(const struct envelope_opts *o, struct buf *b)
{
	if (buf_appendf(b, "8bit %d\nlonglines %d\nutf8headers %d\nbody %d\nrequiretls %d\n",
			o->has_8bit, o->long_lines, o->utf8_headers, (int)o->body_type,
			o->requiretls) < 0)
		return -1;
	if (o->dsn_notify && (buf_appends(b, "notify ") < 0 || dsn_notify_format(b, o->dsn_notify) < 0 ||
			      buf_appends(b, "\n") < 0))
		return -1;
	if (o->dsn_ret && buf_appendf(b, "ret %s\n", dsn_ret_name(o->dsn_ret)) < 0)
		return -1;
	return *o->envid ? buf_appendf(b, "envid %s\n", o->envid) : 0;
}

/* The envelope file's text. */
static int env_text(const struct queue_entry *qe, struct buf *b)
{
	if (buf_appendf(b, "%s\naccount %s\nsender %s\nfirst %lld\nnext %lld\nattempts %d\nheld %d\n",
			ENV_MAGIC, qe->account, qe->sender, qe->first, qe->next, qe->attempts,
			qe->held) < 0 ||
	    opts_text(&qe->o, b) < 0)
		return -1;
	for (int i = 0; i < qe->rcpts.n; i++)
		if (buf_appendf(b, "rcpt %s\n", qe->rcpts.v[i].spec) < 0)
			return -1;
	if (qe->error) {
		if (buf_appends(b, "error ") < 0)
			return -1;
		for (const char *p = qe->error; *p; p++)   /* one line, whatever the server said */
			if (buf_append(b, (*p == '\n' || *p == '\r') ? " " : p, 1) < 0)
				return -1;
		if (buf_appends(b, "\n") < 0)
			return -1;
	}
	return 0;
}

/* Writes tmp/ID.ext with `text` or the message, fsyncs, renames it in. */
static int put_file(const char *dir, const char *id, const char *ext, const struct buf *text,
		    int body_fd, off_t body_off, off_t body_end, int *held, struct err *e)
{
	char tmp[4096], final[4096];
	int fd, rc;

	entry_path(tmp, sizeof tmp, dir, "/tmp", id, ext);
	entry_path(final, sizeof final, dir, "", id, ext);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set(e, ERR_CANTCREAT, "queue: cannot create %s: %s", tmp, strerror(errno));
	/* Locked from birth until the entry is committed, so no sweep of
	 * uncommitted debris can take it for abandoned. */
	if (held && flock(fd, LOCK_EX) == 0) {
		*held = dup(fd);
		if (*held >= 0)
			fcntl(*held, F_SETFD, FD_CLOEXEC);
	}
	rc = write_all(fd, text->data ? text->data : "", text->len);
	if (rc == 0 && body_fd >= 0)
		rc = copy_body(fd, body_fd, body_off, body_end);
	if (rc == 0)
		rc = fsync(fd);
	if (close(fd) < 0)
		rc = -1;
	if (rc == 0 && rename(tmp, final) < 0)
		rc = -1;
	if (rc < 0) {
		int saved = errno;
		unlink(tmp);
		return err_set(e, ERR_IO, "queue: cannot write %s: %s", final, strerror(saved));
	}
	return 0;
}

int queue_add(const char *dir, struct queue_entry *qe, const struct buf *header_block,
	      int body_fd, off_t body_off, off_t body_end, struct err *e)
{
	struct buf env;
	char msg[4096];
	int rc, held = -1;

	new_id(qe->id, sizeof qe->id);
	buf_init(&env, 2 * 1024 * 1024);
	if (env_text(qe, &env) < 0) {
		buf_free(&env);
		return err_set(e, ERR_DATA, "queue: envelope too large");
	}
	rc = put_file(dir, qe->id, "msg", header_block, body_fd, body_off, body_end, &held, e);
	if (rc == 0)
		rc = put_file(dir, qe->id, "env", &env, -1, 0, 0, NULL, e);   /* the commit */
	if (rc == 0 && fsync_dir(dir) < 0)
		rc = err_set(e, ERR_IO, "queue: cannot sync %s: %s", dir, strerror(errno));
	if (rc < 0) {
		entry_path(msg, sizeof msg, dir, "", qe->id, "env");
		unlink(msg);
		entry_path(msg, sizeof msg, dir, "", qe->id, "msg");
		unlink(msg);
	}
	if (held >= 0)
		close(held);   /* committed (or cleaned up): the lock may go */
	buf_free(&env);
	return rc;
}

/* Reads one line of opts_text(); 1 when the key is not one of them. */
static int opts_line(struct envelope_opts *o, const char *key, const char *v)
{
	const struct {
		const char *key;
		int *flag;
	} flags[] = {
		{"8bit", &o->has_8bit}, {"longlines", &o->long_lines},
		{"utf8headers", &o->utf8_headers}, {"requiretls", &o->requiretls},
	};
	struct err ignored;
	const char *errstr = NULL;

	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
		if (strcmp(key, flags[i].key) == 0) {
			*flags[i].flag = (int)strtonum(v, 0, 1, &errstr);
			return errstr ? -1 : 0;
		}
	if (strcmp(key, "body") == 0) {
		o->body_type = (enum body_type)strtonum(v, BODY_7BIT, BODY_BINARYMIME, &errstr);
		return errstr ? -1 : 0;
	}
	if (strcmp(key, "notify") == 0)
		return dsn_parse_notify(v, "notify", &o->dsn_notify, &ignored);
	if (strcmp(key, "ret") == 0)
		return dsn_parse_ret(v, "ret", &o->dsn_ret, &ignored);
	if (strcmp(key, "envid") == 0)
		return dsn_check_envid(v, "envid", &ignored) < 0 ? -1 :
		       (snprintf(o->envid, sizeof o->envid, "%s", v), 0);
	return 1;
}

/* A text value, said once: a second one is not a file postern wrote. */
static int set_once(char **slot, const char *v)
{
	if (*slot)
		return -1;
	return (*slot = strdup(v)) ? 0 : -1;
}

/* An address read back goes into MAIL or RCPT as written: nothing in it
 * may end the command or its angle brackets (an entry edited by hand). */
static int command_safe(const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '<' || *p == '>')
			return 0;
	return 1;
}

static int env_line(struct queue_entry *qe, const char *key, const char *v)
{
	const char *errstr = NULL;
	int rc = opts_line(&qe->o, key, v);

	if (rc <= 0)
		return rc;
	if (strcmp(key, "account") == 0)
		return set_once(&qe->account, v);
	if (strcmp(key, "sender") == 0)
		return command_safe(v) ? set_once(&qe->sender, v) : -1;
	if (strcmp(key, "rcpt") == 0)
		return command_safe(v) && *v ? addr_list_add(&qe->rcpts, NULL, v) : -1;
	if (strcmp(key, "error") == 0)
		return set_once(&qe->error, v);
	if (strcmp(key, "first") == 0)
		qe->first = strtonum(v, 0, 1LL << 40, &errstr);
	else if (strcmp(key, "next") == 0)
		qe->next = strtonum(v, 0, 1LL << 40, &errstr);
	else if (strcmp(key, "attempts") == 0)
		qe->attempts = (int)strtonum(v, 0, 1000000, &errstr);
	else if (strcmp(key, "held") == 0)
		qe->held = (int)strtonum(v, 0, 1, &errstr);
	return errstr ? -1 : 0;   /* unknown keys: from a newer postern, kept harmless */
}

static int env_parse(struct queue_entry *qe, char *text)
{
	char *line = text, *nl;
	int first = 1;

	for (; line && *line; line = nl ? nl + 1 : NULL) {
		char *sp;
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (first) {
			if (strcmp(line, ENV_MAGIC) != 0)
				return -1;
			first = 0;
			continue;
		}
		sp = strchr(line, ' ');
		if (!sp)
			return -1;
		*sp = '\0';
		if (env_line(qe, line, sp + 1) < 0)
			return -1;
	}
	return !first && qe->account && qe->sender && qe->rcpts.n > 0 ? 0 : -1;
}

int queue_read(const char *dir, const char *id, struct queue_entry *qe, struct err *e)
{
	char path[4096];
	struct buf text;
	struct stat st;
	int rc, fd;

	memset(qe, 0, sizeof *qe);
	snprintf(qe->id, sizeof qe->id, "%s", id);
	entry_path(path, sizeof path, dir, "", id, "env");
	buf_init(&text, 2 * 1024 * 1024);
	/* Not a link, the user's own: an entry planted by another is refused. */
	fd = private_open(path, O_RDONLY, 0);
	if (fd < 0 || buf_read_fd(&text, fd) < 0 || memchr(text.data, '\0', text.len)) {
		if (fd >= 0)
			close(fd);
		buf_free(&text);
		return access(path, F_OK) == 0 ? err_set(e, ERR_IO, "queue: cannot read %s", path) : 0;
	}
	close(fd);
	rc = env_parse(qe, text.data);
	buf_free(&text);
	if (rc < 0) {
		queue_entry_free(qe);
		return err_set(e, ERR_IO, "queue: %s is damaged", path);
	}
	entry_path(path, sizeof path, dir, "", id, "msg");
	if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
		queue_entry_free(qe);
		return err_set(e, ERR_IO, "queue: %s is missing", path);
	}
	qe->size = st.st_size;
	return 1;
}

static int is_entry_name(const char *name, const char *ext, char *id, size_t n)
{
	size_t len = strlen(name), el = strlen(ext);

	if (len <= el + 1 || len - el - 1 >= n || strcmp(name + len - el, ext) != 0 ||
	    name[len - el - 1] != '.' || name[0] == '.')
		return 0;
	memcpy(id, name, len - el - 1);
	id[len - el - 1] = '\0';
	return 1;
}

static int by_id(const void *a, const void *b)
{
	return strcmp(((const struct queue_entry *)a)->id, ((const struct queue_entry *)b)->id);
}

int queue_list(const char *dir, struct queue_entry **out, int *n, struct err *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int cap = 0;

	*out = NULL;
	*n = 0;
	if (!d)
		return err_set(e, ERR_IO, "queue: cannot open %s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		char id[48];
		struct queue_entry qe;
		struct err ignored;
		if (!is_entry_name(de->d_name, "env", id, sizeof id) ||
		    queue_read(dir, id, &qe, &ignored) <= 0)
			continue;   /* gone meanwhile, or damaged: listed by nothing */
		if (*n == cap) {
			struct queue_entry *v = realloc(*out, (size_t)(cap = cap ? cap * 2 : 64) * sizeof *v);
			if (!v) {
				queue_entry_free(&qe);
				closedir(d);
				return err_set(e, ERR_OS, "queue: out of memory");
			}
			*out = v;
		}
		(*out)[(*n)++] = qe;
	}
	closedir(d);
	if (*n > 1)   /* qsort(NULL, 0, ...) is undefined */
		qsort(*out, (size_t)*n, sizeof **out, by_id);
	return 0;
}

int queue_lock(const char *dir, const char *id)
{
	char path[4096];
	int fd;

	entry_path(path, sizeof path, dir, "", id, "msg");
	fd = private_open(path, O_RDONLY, 0);   /* an entry planted by another user: never */
	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		close(fd);
		return -2;
	}
	return fd;
}

int queue_update(const char *dir, const struct queue_entry *qe, struct err *e)
{
	struct buf env;
	char tmp[4096];
	int rc;

	buf_init(&env, 2 * 1024 * 1024);
	rc = env_text(qe, &env) < 0 ? err_set(e, ERR_DATA, "queue: envelope too large") : 0;
	/* The caller holds the entry's lock: a leftover temporary file can
	 * only be debris of a writer that was killed. */
	entry_path(tmp, sizeof tmp, dir, "/tmp", qe->id, "env");
	unlink(tmp);
	if (rc == 0)
		rc = put_file(dir, qe->id, "env", &env, -1, 0, 0, NULL, e);
	if (rc == 0)
		fsync_dir(dir);
	buf_free(&env);
	return rc;
}

int queue_remove(const char *dir, const char *id, struct err *e)
{
	char path[4096];

	entry_path(path, sizeof path, dir, "", id, "env");
	if (unlink(path) < 0 && errno != ENOENT)
		return err_set(e, ERR_IO, "queue: cannot remove %s: %s", path, strerror(errno));
	entry_path(path, sizeof path, dir, "", id, "msg");
	unlink(path);
	fsync_dir(dir);
	return 0;
}

/* Temporary files of writers that were killed before their rename. A
 * live writer holds its .msg file locked from creation. */
static void sweep_tmp(const char *dir, long long age)
{
	char path[4096];
	DIR *d;
	struct dirent *de;
	time_t now = time(NULL);

	snprintf(path, sizeof path, "%s/tmp", dir);
	if (!(d = opendir(path)))
		return;
	while ((de = readdir(d))) {
		struct stat st;
		int fd;
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/tmp/%s", dir, de->d_name);
		if (stat(path, &st) < 0 || now - st.st_mtime < age)
			continue;
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
			unlink(path);
		if (fd >= 0)
			close(fd);
	}
	closedir(d);
}

void queue_sweep(const char *dir, long long age)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	time_t now = time(NULL);

	sweep_tmp(dir, age);
	if (!d)
		return;
	while ((de = readdir(d))) {
		char id[48], path[4096];
		struct stat st;
		int fd;
		if (!is_entry_name(de->d_name, "msg", id, sizeof id))
			continue;
		entry_path(path, sizeof path, dir, "", id, "env");
		if (access(path, F_OK) == 0)
			continue;
		entry_path(path, sizeof path, dir, "", id, "msg");
		if (stat(path, &st) < 0 || now - st.st_mtime < age || (fd = queue_lock(dir, id)) < 0)
			continue;
		entry_path(path, sizeof path, dir, "", id, "env");
		if (access(path, F_OK) != 0) {   /* still uncommitted, and ours now */
			entry_path(path, sizeof path, dir, "", id, "msg");
			unlink(path);
		}
		close(fd);
	}
	closedir(d);
}

void queue_entry_free(struct queue_entry *qe)
{
	free(qe->account);
	free(qe->sender);
	free(qe->error);
	addr_list_free(&qe->rcpts);
	qe->account = qe->sender = qe->error = NULL;
}

long long queue_backoff(int attempts)
{
	long long d = 60;

	for (int i = 1; i < attempts && d < 3600; i++)
		d *= 2;
	return d < 3600 ? d : 3600;
}
