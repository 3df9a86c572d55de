# Shared helpers for postern's shell tests. Each test script sources this file,
# makes TAP lines through the helpers below, and calls `done_testing` last.
# The runner (tests/run) counts "ok" and "not ok" lines.
#
# Environment set by tests/run: TOP (source tree), POSTERN (binary under test),
# TEST_TMP (a private scratch folder for this script).

: "${TOP:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${POSTERN:=$TOP/postern}"
: "${TEST_TMP:=$(mktemp -d)}"
_tap_n=0
# `printf ... | run_postern ...` must set RC and ERR in this shell, not in a
# pipeline subshell.
shopt -s lastpipe

ok() {   # ok CONDITION_EXIT_STATUS DESCRIPTION  (use: ok $? "desc" or `cmd; ok $? desc`)
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $_tap_n - $2"; else echo "not ok $_tap_n - $2"; fi
}

is() {   # is GOT WANT DESCRIPTION
	_tap_n=$((_tap_n + 1))
	if [ "$1" = "$2" ]; then echo "ok $_tap_n - $3"
	else echo "not ok $_tap_n - $3"; echo "#   got:  '$1'"; echo "#   want: '$2'"; fi
}

like() { # like GOT EXTENDED_REGEX DESCRIPTION
	_tap_n=$((_tap_n + 1))
	if printf '%s' "$1" | grep -Eq -- "$2"; then echo "ok $_tap_n - $3"
	else echo "not ok $_tap_n - $3"; echo "#   got:  '$1'"; echo "#   want match: '$2'"; fi
}

unlike() { # unlike GOT EXTENDED_REGEX DESCRIPTION
	_tap_n=$((_tap_n + 1))
	if printf '%s' "$1" | grep -Eq -- "$2"; then echo "not ok $_tap_n - $3"; echo "#   got:  '$1'"
	else echo "ok $_tap_n - $3"; fi
}

diag() { echo "# $*"; }

# run_postern [ARGS...] < input: runs $POSTERN with a hard time limit, sets
# RC (exit code), OUT (stdout) and ERR (stderr). A hang becomes RC=124.
run_postern() {
	local t=${RUN_TIMEOUT:-60}
	timeout -k 5 "$t" "$POSTERN" "$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	RC=$?
	OUT=$(cat "$TEST_TMP/out")
	ERR=$(cat "$TEST_TMP/err")
}

done_testing() { echo "1..$_tap_n"; }

# at_exit COMMAND: run COMMAND when the script exits, before those added
# earlier (one EXIT trap for all, so helpers do not replace each other's).
_at_exit=()
at_exit() {
	_at_exit+=("$1")
	trap '_run_at_exit' EXIT
}
_run_at_exit() {
	local i
	for ((i = ${#_at_exit[@]} - 1; i >= 0; i--)); do eval "${_at_exit[i]}"; done
}
