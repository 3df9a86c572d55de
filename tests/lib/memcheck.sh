#!/bin/sh
# postern under valgrind's memcheck (make valgrind): exit 99 on any memory
# error or definite leak, else postern's own exit status. The report goes
# to a log beside the build, not to stderr, which the tests read.
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$top/build/memcheck"
exec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
	--show-leak-kinds=definite --log-file="$top/build/memcheck/%p.log" "$top/postern" "$@"
