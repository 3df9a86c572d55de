# Helpers for the fault tests: start and stop the scripted SMTP server
# (tests/fault/smtpfault.py) and write a postern configuration that points
# at it. Source after tests/lib/common.sh.
#
#   fault_start SCENARIO [SERVER ARGS...]
#       SCENARIO is a path, or a name in tests/fault/scenarios (".scn" optional).
#       Starts the server in the background with the test certificates
#       (server.pem/server.key; later --cert/--key arguments win), waits (at
#       most 10 s) for its port, and sets FAULT_PORT, FAULT_LOG (what the
#       client sent, see smtpfault.py), FAULT_PID. Returns 1 if it did not start.
#   fault_stop
#       Lets the server finish (it exits by itself once the client is gone;
#       at most FAULT_GRACE seconds, default 5), else kills it. Sets FAULT_RC
#       (the server's exit status: 0 done, 1 FAIL, 2 limit, 3 client gone)
#       and SERVER_LOG (the contents of FAULT_LOG).
#   fault_config PORT [TLS] [INI LINES...]
#       Writes $TEST_TMP/postern.ini (mode 0600) with one account "fault" for
#       127.0.0.1:PORT, TLS mode TLS (default starttls), the test CA, sender
#       sender@example.test, user demo, password demo-secret, timeout 2, and
#       prints its path. An INI line "key = value" for a key already there
#       replaces it (postern refuses repeated keys); other lines are appended.
#   fault_message [BODY_LINES]
#       Writes a small message to $TEST_TMP/msg.eml (BODY_LINES extra body
#       lines, default 3) and prints its path.
#   fault_certs
#       Makes the test CA and certificates once (tests/lib/mkcerts.sh) in
#       FAULT_CERTS (default $TOP/build/certs) and prints the folder.
#   fault_elapsed_since T0
#       Prints the seconds since T0 (from date +%s).
#   one_line_error DESCRIPTION
#       A TAP check that $ERR is exactly one line "postern: ...".
#   fault_run SCENARIO [SERVER ARGS...]
#       One whole case: fault_start, fault_config, run_postern -C CONFIG
#       "${FAULT_ARGS[@]}" rcpt@example.test < "${FAULT_MSG:-small message}",
#       fault_stop. Knobs (globals, reset by nothing): FAULT_TLS (starttls),
#       FAULT_INI (array of INI lines), FAULT_ARGS (array of postern options),
#       FAULT_MSG (message file), FAULT_MAXRSS=1 (measure postern's peak RSS
#       into MAXRSS_KB). Sets RC, OUT, ERR (RC=-1 when the server did not
#       start), ELAPSED (whole seconds postern ran), SERVER_LOG, SERVER_CMDS
#       (the client's lines only, upper-cased), FAULT_RC.

FAULT_SERVER=$TOP/tests/fault/smtpfault.py
# The system python3 first: version-manager shims (pyenv) add 0.3 s per start.
if [ -z "${FAULT_PYTHON:-}" ]; then
	if [ -x /usr/bin/python3 ]; then FAULT_PYTHON=/usr/bin/python3; else FAULT_PYTHON=python3; fi
fi
FAULT_SCENARIOS=$TOP/tests/fault/scenarios
: "${FAULT_CERTS:=$TOP/build/certs}"
: "${FAULT_GRACE:=5}"
: "${RUN_TIMEOUT:=30}"
FAULT_PASSWORD=demo-secret
_fault_n=0

# Keep postern (queue, dead.letter, keyring, config lookups) away from the
# real home of whoever runs the tests.
export HOME=$TEST_TMP/home
export XDG_CONFIG_HOME=$HOME/.config XDG_DATA_HOME=$HOME/.local/share
export XDG_STATE_HOME=$HOME/.local/state XDG_CACHE_HOME=$HOME/.cache
mkdir -p "$HOME"

fault_certs() {
	if [ ! -s "$FAULT_CERTS/ca.pem" ] || [ ! -s "$FAULT_CERTS/server.pem" ] ||
		[ ! -s "$FAULT_CERTS/wrong.pem" ]; then
		bash "$TOP/tests/lib/mkcerts.sh" "$FAULT_CERTS" >&2 || return 1
	fi
	printf '%s\n' "$FAULT_CERTS"
}

fault_start() {
	local scn=$1; shift
	[ -f "$scn" ] || scn=$FAULT_SCENARIOS/$scn
	[ -f "$scn" ] || scn=$scn.scn
	if [ ! -f "$scn" ]; then diag "fault_start: no scenario $1"; return 1; fi
	fault_certs >/dev/null || { diag "fault_start: cannot make certificates"; return 1; }
	_fault_n=$((_fault_n + 1))
	local pf=$TEST_TMP/fault.$_fault_n.port
	FAULT_LOG=$TEST_TMP/fault.$_fault_n.log
	FAULT_OUT=$TEST_TMP/fault.$_fault_n.out
	FAULT_PORT='' FAULT_RC='' SERVER_LOG=''
	rm -f "$pf" "$FAULT_LOG"
	"$FAULT_PYTHON" "$FAULT_SERVER" --scenario "$scn" --port-file "$pf" --log "$FAULT_LOG" \
		--cert "$FAULT_CERTS/server.pem" --key "$FAULT_CERTS/server.key" "$@" \
		>"$FAULT_OUT" 2>&1 &
	FAULT_PID=$!
	local i=0
	while [ ! -s "$pf" ]; do
		if ! kill -0 "$FAULT_PID" 2>/dev/null || [ $i -ge 200 ]; then
			diag "fault_start: server for $scn did not start:"
			sed 's/^/#   /' "$FAULT_OUT"
			fault_stop
			return 1
		fi
		sleep 0.05; i=$((i + 1))
	done
	FAULT_PORT=$(cat "$pf")
}

fault_stop() {
	[ -n "${FAULT_PID:-}" ] || return 0
	local i=0 limit=$((FAULT_GRACE * 20))
	# A server that never got a client has nothing more to record.
	grep -q '^## accepted' "$FAULT_LOG" 2>/dev/null || limit=0
	while kill -0 "$FAULT_PID" 2>/dev/null && [ $i -lt $limit ]; do
		sleep 0.05; i=$((i + 1))
	done
	kill "$FAULT_PID" 2>/dev/null
	wait "$FAULT_PID" 2>/dev/null
	FAULT_RC=$?
	FAULT_PID=
	SERVER_LOG=$(cat "$FAULT_LOG" 2>/dev/null)
}

fault_config() {
	local port=$1 tls=${2:-starttls}
	shift; [ $# -gt 0 ] && shift
	local certs; certs=$(fault_certs) || return 1
	# queue = never: these tests check how each fault is classified (the
	# exit code), not the queue, which tests/e2e/queue.sh covers.
	local keys=(host port tls tls_ca_file from user password timeout queue)
	local -A val=([host]=127.0.0.1 [port]=$port [tls]=$tls [tls_ca_file]=$certs/ca.pem
		[from]=sender@example.test [user]=demo [password]=$FAULT_PASSWORD [timeout]=2 [queue]=never)
	local extra=() line key
	for line in "$@"; do
		key=${line%%=*}; key=${key//[[:space:]]/}
		if [[ $line == *=* ]] && [ -n "$key" ] && [ -n "${val[$key]+set}" ]; then
			val[$key]=${line#*=}; val[$key]=${val[$key]#"${val[$key]%%[![:space:]]*}"}
		else
			extra+=("$line")
		fi
	done
	local f=$TEST_TMP/postern.ini
	rm -f "$f"
	(
		umask 077
		printf '[postern]\naccount = fault\n\n[fault]\n'
		for key in "${keys[@]}"; do printf '%s = %s\n' "$key" "${val[$key]}"; done
		for line in "${extra[@]}"; do printf '%s\n' "$line"; done
	) >"$f"
	chmod 600 "$f"
	printf '%s\n' "$f"
}

fault_message() {
	local n=${1:-3} f=$TEST_TMP/msg.eml
	{
		printf 'From: Sender <sender@example.test>\n'
		printf 'To: rcpt@example.test\n'
		printf 'Subject: postern fault test\n'
		printf 'Message-ID: <fault-test@example.test>\n'
		printf 'Date: Thu, 01 Jan 2026 00:00:00 +0000\n\n'
		printf 'Fault test body line one.\n'
		awk -v n="$n" 'BEGIN { for (i = 2; i <= n; i++)
			printf "Fault test body line %06d: the quick brown fox jumps over the lazy dog.\n", i }'
	} >"$f"
	printf '%s\n' "$f"
}

fault_elapsed_since() { echo $(($(date +%s) - $1)); }

one_line_error() {
	local n; n=$(printf '%s\n' "$ERR" | wc -l)
	if [ "$n" -eq 1 ] && printf '%s' "$ERR" | grep -Eq '^postern: '; then
		ok 0 "$1"
	else
		ok 1 "$1"; diag "stderr was: $ERR"
	fi
}

# A wrapper that runs postern and writes its peak RSS (KB) to a file. It
# forwards SIGTERM (from run_postern's timeout) to postern.
_fault_maxrss_wrapper() {
	local w=$TEST_TMP/maxrss-postern
	[ -x "$w" ] && { printf '%s\n' "$w"; return; }
	cat >"$w.py" <<'PY'
import os, signal, sys
out, argv = sys.argv[1], sys.argv[2:]
pid = os.fork()
if pid == 0:
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    os.execv(argv[0], argv)
signal.signal(signal.SIGTERM, lambda s, f: os.kill(pid, signal.SIGTERM))
while True:
    try:
        _, status, usage = os.wait4(pid, 0)
        break
    except InterruptedError:
        continue
with open(out, "w") as f:
    f.write("%d\n" % usage.ru_maxrss)
sys.exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status)
         else 128 + os.WTERMSIG(status))
PY
	printf '#!/bin/sh\nexec %s %s %s %s "$@"\n' "$FAULT_PYTHON" "$w.py" "$TEST_TMP/maxrss" "$POSTERN" >"$w"
	chmod +x "$w"
	printf '%s\n' "$w"
}

fault_run() {
	local scn=$1; shift
	RC=-1 OUT='' ERR='' ELAPSED=0 SERVER_LOG='' SERVER_CMDS='' MAXRSS_KB=''
	if ! fault_start "$scn" "$@"; then
		diag "fault_run: server for $scn did not start"
		return 1
	fi
	local cfg msg t0 real=$POSTERN
	cfg=$(fault_config "$FAULT_PORT" "${FAULT_TLS:-starttls}" "${FAULT_INI[@]}")
	msg=${FAULT_MSG:-$(fault_message)}
	[ "${FAULT_MAXRSS:-0}" = 1 ] && { POSTERN=$(_fault_maxrss_wrapper); rm -f "$TEST_TMP/maxrss"; }
	t0=$(date +%s)
	run_postern -C "$cfg" "${FAULT_ARGS[@]}" rcpt@example.test <"$msg"
	ELAPSED=$(fault_elapsed_since "$t0")
	POSTERN=$real
	[ "${FAULT_MAXRSS:-0}" = 1 ] && MAXRSS_KB=$(cat "$TEST_TMP/maxrss" 2>/dev/null)
	fault_stop
	SERVER_CMDS=$(printf '%s\n' "$SERVER_LOG" | grep -v '^## ' | tr '[:lower:]' '[:upper:]')
	diag "$scn: postern exit $RC after ${ELAPSED}s, server exit $FAULT_RC," \
		"$(printf '%s\n' "$SERVER_LOG" | grep '^## end' | head -n 1)"
	diag "  stderr: $(printf '%s\n' "$ERR" | tail -n 1)"
	if [ -n "${FAULT_VERBOSE:-}" ]; then
		diag "rc=$RC elapsed=${ELAPSED}s server rc=$FAULT_RC stderr:"
		printf '%s\n' "$ERR" | sed 's/^/#   /'
		printf '%s\n' "$SERVER_LOG" | cut -c1-200 | sed 's/^/#   log: /'
	fi
	return 0
}
