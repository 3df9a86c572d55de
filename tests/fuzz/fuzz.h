/*
 * What every libFuzzer target shares (header-only): a property check that
 * stops the run with a message, and files made from fuzzed bytes for the
 * modules that read by path (config, aliases) or by descriptor (queue).
 * Each target is one LLVMFuzzerTestOneInput calling postern's own API;
 * anything it opens it closes, anything it allocates it frees, so
 * LeakSanitizer can speak for the module.
 */
#ifndef POSTERN_FUZZ_H
#define POSTERN_FUZZ_H

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A property that does not hold is a finding, like a crash: libFuzzer
 * saves the input when the process dies on the trap. */
#define FUZZ_CHECK(cond, what)                                                              \
	do {                                                                                \
		if (!(cond)) {                                                              \
			fprintf(stderr, "fuzz: %s:%d: %s (%s)\n", __FILE__, __LINE__, what, #cond); \
			__builtin_trap();                                                   \
		}                                                                           \
	} while (0)

/* Writes p[0..n) to fd from its start and truncates it there. */
static inline int fuzz_rewrite(int fd, const void *p, size_t n)
{
	const char *s = p;

	if (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0)
		return -1;
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* A file in memory holding p[0..n), mode 0600, and a path that opens it
 * ("/proc/self/fd/N" in path[0..pathsz)). Returns the fd or -1. */
static inline int fuzz_memfile(const void *p, size_t n, char *path, size_t pathsz)
{
	int fd = memfd_create("postern-fuzz", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fchmod(fd, 0600) < 0 || fuzz_rewrite(fd, p, n) < 0) {
		close(fd);
		return -1;
	}
	snprintf(path, pathsz, "/proc/self/fd/%d", fd);
	return fd;
}

/* Temporary files go to memory when the machine has /dev/shm: a spool
 * file per input is then no disk traffic. */
static inline void fuzz_tmpdir_in_memory(void)
{
	struct stat st;

	if (!getenv("TMPDIR") && stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
	    access("/dev/shm", W_OK) == 0)
		setenv("TMPDIR", "/dev/shm", 1);
}

/* mkdtemp in $TMPDIR (else /tmp) into out: "DIR/postern-fuzz-NAME.XXXXXX". */
static inline char *fuzz_mkdtemp(const char *name, char *out, size_t n)
{
	const char *dir = getenv("TMPDIR");

	snprintf(out, n, "%s/postern-fuzz-%s.XXXXXX", dir && *dir == '/' ? dir : "/tmp", name);
	return mkdtemp(out);
}

/* The next line of [*p, end) as a server sends it: its start, its length
 * without LF or CRLF in *len; *p moves past it. */
static inline const char *fuzz_line(const char **p, const char *end, size_t *len)
{
	const char *start = *p, *nl = memchr(start, '\n', (size_t)(end - start));

	*len = nl ? (size_t)(nl - start) : (size_t)(end - start);
	if (*len && nl && start[*len - 1] == '\r')
		(*len)--;
	*p = nl ? nl + 1 : end;
	return start;
}

#endif
