#include "private.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *home_dir(void)
{
	const char *home = getenv("HOME");
	const struct passwd *pw;

	if (home && *home)   /* a relative one is a mistake: nothing under the current folder */
		return *home == '/' ? home : NULL;
	pw = getpwuid(getuid());
	return pw && pw->pw_dir && *pw->pw_dir == '/' ? pw->pw_dir : NULL;
}

/* One folder of postern's own: the user's, not a link, nobody else writes. */
static int own_dir(const char *path, struct err *e)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return err_set(e, ERR_CANTCREAT, "%s: %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return err_set(e, ERR_CANTCREAT, "%s is not a folder (a link?): refusing to use it", path);
	if (st.st_uid != geteuid())
		return err_set(e, ERR_CANTCREAT, "%s belongs to uid %ld, not to you (uid %ld): refusing "
			       "to use it", path, (long)st.st_uid, (long)geteuid());
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return err_set(e, ERR_CANTCREAT, "%s is writable by others (mode %04o): refusing to use "
			       "it (chmod go-w %s)", path, (unsigned)(st.st_mode & 07777), path);
	return 0;
}

/* The folder that holds postern's: others may not rename what is in it,
 * so it is the user's or root's, and writable by others only when sticky
 * (as /tmp is). */
static int safe_parent(const char *path, struct err *e)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return err_set(e, ERR_CANTCREAT, "%s: %s", path, strerror(errno));
	if (st.st_uid != geteuid() && st.st_uid != 0)
		return err_set(e, ERR_CANTCREAT, "%s belongs to uid %ld: refusing to keep postern's "
			       "state in it", path, (long)st.st_uid);
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))
		return err_set(e, ERR_CANTCREAT, "%s is writable by others (mode %04o): refusing to "
			       "keep postern's state in it", path, (unsigned)(st.st_mode & 07777));
	return 0;
}

static int make_all(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return mkdir(path, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

int private_dirs(char *path, struct err *e)
{
	size_t len = strlen(path);
	int rc = 0, walk = strstr(path, "/postern") != NULL;

	if (*path != '/')
		return err_set(e, ERR_CANTCREAT, "%s is not an absolute path: refusing to use it", path);
	if (make_all(path) < 0)
		return err_set(e, ERR_CANTCREAT, "cannot create %s: %s", path, strerror(errno));
	/* From the leaf up to ".../postern", then that one's parent. */
	for (;;) {
		char *slash = strrchr(path, '/');
		int top = slash && strcmp(slash + 1, "postern") == 0;
		if ((rc = own_dir(path, e)) < 0 || !walk || !slash || slash == path)
			break;
		*slash = '\0';
		if (top) {
			rc = safe_parent(*path ? path : "/", e);
			break;
		}
	}
	for (size_t i = 0; i < len; i++)
		if (!path[i])
			path[i] = '/';
	return rc;
}

int private_open(const char *path, int flags, mode_t mode)
{
	struct stat st;
	int fd = open(path, flags | O_NOFOLLOW | O_CLOEXEC, mode);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
		close(fd);
		errno = EPERM;
		return -1;
	}
	return fd;
}
