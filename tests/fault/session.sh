#!/usr/bin/env bash
# Fault-server sessions that succeed: they check the scenario engine itself,
# PIPELINING, implicit TLS, and that the -v transcript never shows secrets.
. "$(dirname "$0")/../lib/common.sh"
. "$TOP/tests/lib/fault.sh"

PLAIN_BLOB=$(printf '\0demo\0demo-secret' | base64)   # AGRlbW8AZGVtby1zZWNyZXQ=
PASS_BLOB=$(printf 'demo-secret' | base64)            # ZGVtby1zZWNyZXQ=

fault_run success
is "$RC" 0 "full session through STARTTLS and AUTH: exit 0"
is "$ERR" "" "full session: nothing on stderr"
is "$FAULT_RC" 0 "full session: the server ran the whole scenario"
like "$SERVER_LOG" '^AUTH PLAIN ' "full session: AUTH PLAIN sent"
like "$SERVER_LOG" '^## AUTH PLAIN user=demo$' "full session: credentials accepted by the server"
like "$SERVER_LOG" '^MAIL FROM:<sender@example\.test>' "full session: MAIL FROM:<sender@example.test>"
like "$SERVER_LOG" '^RCPT TO:<rcpt@example\.test>' "full session: RCPT TO:<rcpt@example.test>"
like "$SERVER_LOG" '^Fault test body line one\.$' "full session: the body arrived"
like "$SERVER_LOG" '^Subject: postern fault test$' "full session: the header arrived"
like "$SERVER_CMDS" '^QUIT$' "full session: QUIT at the end"

fault_run pipelining
is "$RC" 0 "PIPELINING offered: MAIL, RCPT and DATA sent together, exit 0"
is "$FAULT_RC" 0 "PIPELINING: the server got MAIL, RCPT and DATA before answering"
like "$SERVER_LOG" '^## DATA received' "PIPELINING: the body arrived"

FAULT_TLS=implicit
fault_run implicit-tls --implicit-tls
FAULT_TLS=
is "$RC" 0 "implicit TLS (tls = implicit): exit 0"
is "$FAULT_RC" 0 "implicit TLS: the server ran the whole scenario"
like "$SERVER_LOG" '^## TLS started' "implicit TLS: TLS from the first byte"

FAULT_ARGS=(-v)
fault_run success
is "$RC" 0 "-v: exit 0"
like "$ERR" '--> AUTH PLAIN' "-v: the transcript shows the AUTH PLAIN command"
like "$ERR" '<-- 235' "-v: the transcript shows the server's 235"
like "$ERR" '--> MAIL FROM:<sender@example\.test>' "-v: the transcript shows MAIL FROM"
unlike "$ERR" "demo-secret" "-v: the password never appears"
unlike "$ERR" "$PLAIN_BLOB" "-v: the base64 AUTH PLAIN response never appears"
unlike "$ERR" "$PASS_BLOB" "-v: the base64 password never appears"

FAULT_INI=("auth = login")
fault_run success
is "$RC" 0 "-v with auth = login: exit 0"
like "$SERVER_LOG" '^## AUTH LOGIN user=demo$' "auth = login: AUTH LOGIN used and accepted"
like "$ERR" '--> AUTH LOGIN' "-v auth = login: the transcript shows the AUTH LOGIN command"
unlike "$ERR" "demo-secret" "-v auth = login: the password never appears"
unlike "$ERR" "$PASS_BLOB" "-v auth = login: the base64 password never appears"
FAULT_INI=() FAULT_ARGS=()

# QUIT is not awaited: a 221 six seconds late costs nothing (the step
# timeout is 10 s here, so waiting for it would take 6 s).
FAULT_INI=("timeout = 10") FAULT_ARGS=(-v)
fault_run quit-slow-221
is "$RC" 0 "a slow 221: exit 0"
like "$SERVER_CMDS" "QUIT" "a slow 221: QUIT was sent"
unlike "$ERR" "<-- 221" "a slow 221: postern did not wait for it"
ok $((ELAPSED > 3)) "a slow 221: postern was done long before it (took ${ELAPSED}s)"
FAULT_INI=() FAULT_ARGS=()

# A kept TLS session the server no longer knows (a new server process, new
# ticket keys) costs a full handshake, nothing more. The same port twice,
# as the kept session belongs to the account, host and port.
port=$("$FAULT_PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
FAULT_ARGS=(-v)
rm -rf "$XDG_STATE_HOME/postern/tls"
fault_run success --port "$port"
is "$RC" 0 "TLS session kept: the first send, exit 0"
is "$(ls "$XDG_STATE_HOME"/postern/tls/tls-*.session 2>/dev/null | wc -l)" 1 "TLS session kept: one session file"
fault_run success --port "$port"
is "$RC" 0 "a kept TLS session the server rejects: exit 0 (a full handshake instead)"
like "$ERR" "^--- TLS TLSv1.3, .*certificate verified" "a rejected kept session: the certificate is verified again"
unlike "$ERR" "session resumed" "a rejected kept session: not resumed"
like "$SERVER_LOG" "## end: scenario done" "a rejected kept session: the message went"
FAULT_ARGS=()

# --- password_command and the terminal: a command that prompts on /dev/tty
# (gpg with pinentry-curses) gets the terminal while it runs, instead of
# stopping on SIGTTIN until the timeout; script(1) gives postern a terminal.
if command -v script >/dev/null; then
	fault_start success
	cfg=$(fault_config "$FAULT_PORT" starttls "timeout = 5")
	sed -i 's|^password = .*|password_command = head -n 1 /dev/tty|' "$cfg"
	msg=$(fault_message)
	printf 'demo-secret\n' | timeout 30 script -qec "'$POSTERN' -C '$cfg' rcpt@example.test <'$msg'; echo rc=\$?" \
		/dev/null >"$TEST_TMP/tty.out" 2>&1
	fault_stop
	like "$(cat "$TEST_TMP/tty.out")" "rc=0" "password_command reading /dev/tty under a terminal: exit 0"
	like "$SERVER_LOG" '^## AUTH PLAIN user=demo$' "password_command reading /dev/tty: the typed password was used"
	unlike "$(cat "$TEST_TMP/tty.out")" "no answer within" "password_command reading /dev/tty: not stopped until the timeout"
fi

# --- postern killed while password_command runs: the command goes too
cfg=$(fault_config 1 starttls "timeout = 30")
sed -i "s|^password = .*|password_command = \"echo \$\$ >$TEST_TMP/cmd.pid; exec sleep 30\"|" "$cfg"
rm -f "$TEST_TMP/cmd.pid"
"$POSTERN" -C "$cfg" rcpt@example.test <"$(fault_message)" >/dev/null 2>&1 &
ppid_=$!
for _ in $(seq 100); do [ -s "$TEST_TMP/cmd.pid" ] && break; sleep 0.05; done
cmd_pid=$(cat "$TEST_TMP/cmd.pid" 2>/dev/null)
kill -TERM "$ppid_"
wait "$ppid_" 2>/dev/null
for _ in $(seq 40); do kill -0 "$cmd_pid" 2>/dev/null || break; sleep 0.05; done
ok $([ -n "$cmd_pid" ] && ! kill -0 "$cmd_pid" 2>/dev/null; echo $?) \
	"postern killed (SIGTERM) while password_command runs: the command is killed too"
[ -z "$cmd_pid" ] || kill -KILL "$cmd_pid" 2>/dev/null || true

done_testing
