# Telling the person that mail is held for credentials, against the real
# Postfix: the account's notify_command runs with the event in its
# environment and no secret; a desktop notification reaches a listener of
# the test's own owning org.freedesktop.Notifications on a private session
# bus; one syslog line at err reaches a /dev/log of the test's own (a
# private mount namespace); and once a day while mail stays held, postern
# -q tells again. Without a bus nothing is tried and nothing fails.
. "$TOP/tests/lib/keyring.sh"   # a private session bus
. "$TOP/tests/lib/e2e.sh"
e2e_setup
u=$$
SECRET=wrong-Secret-$u
N=$TEST_TMP/notified
CFG=$TEST_TMP/notify.ini
e2e_config "$CFG" "$SMARTHOST_PORT_SUBMIT" "auth = plain" \
	"notify_command = \"env | grep ^POSTERN_ | sort >>$N; echo --- >>$N\""
sed -i "s/^password = .*/password = $SECRET/" "$CFG"
msg() { printf 'From: demo@example.test\nTo: %s\nSubject: %s\n\nbody\n' "$1" "$2"; }

# A command with ';' unquoted would be cut there by the INI reader: refused.
printf '[t]\nhost = h\nnotify_command = a; b\n' >"$TEST_TMP/semi.ini"
chmod 600 "$TEST_TMP/semi.ini"
run_postern -C "$TEST_TMP/semi.ini" -bi
is "$RC" 78 "notify_command with an unquoted ';': a configuration error"
like "$ERR" "notify_command: contains '#' or ';'.*double quotes" "notify_command with ';': says to quote it"

# --- notify_command, when a message is held
msg "n1-$u@example.test" "notify one $u" | run_postern -C "$CFG" "n1-$u@example.test"
is "$RC" 0 "held: exit 0"
got=$(cat "$N" 2>/dev/null)
like "$got" "POSTERN_EVENT=held" "notify_command: POSTERN_EVENT=held"
like "$got" "POSTERN_ACCOUNT=test" "notify_command: POSTERN_ACCOUNT names the account"
like "$got" "POSTERN_HELD=1" "notify_command: POSTERN_HELD counts the held messages"
like "$got" "POSTERN_REASON=AUTH PLAIN: .*535" "notify_command: POSTERN_REASON is the server's line"
like "$got" "POSTERN_FIX=fix the account's password" "notify_command: POSTERN_FIX says what to do"
unlike "$got" "$SECRET" "notify_command: no secret in what it is given"
is "$(grep -c -- --- "$N")" 1 "notify_command: run once"

# postern -q within the day: no reminder; a day later: one.
run_postern -C "$CFG" -q
is "$(grep -c -- --- "$N")" 1 "postern -q the same day: no reminder"
touch -d '25 hours ago' "$XDG_STATE_HOME/postern/held-notified"
run_postern -C "$CFG" -q
is "$(grep -c -- --- "$N")" 2 "postern -q a day later: one reminder"
like "$(tail -n 7 "$N")" "POSTERN_EVENT=reminder" "the reminder: POSTERN_EVENT=reminder"
run_postern -C "$CFG" -q
is "$(grep -c -- --- "$N")" 2 "postern -q again: the reminder is once a day"

# --- a desktop notification, without notify_command
DCFG=$TEST_TMP/desktop.ini
e2e_config "$DCFG" "$SMARTHOST_PORT_SUBMIT" "auth = plain"
sed -i "s/^password = .*/password = $SECRET/" "$DCFG"
/usr/bin/python3 "$TOP/tests/lib/fakebus.py" notifications "$TEST_TMP/desktop.log" "$TEST_TMP/desktop.ready" &
listener=$!
at_exit "kill $listener 2>/dev/null"
for _ in $(seq 100); do [ -e "$TEST_TMP/desktop.ready" ] && break; sleep 0.1; done
ok "$([ -e "$TEST_TMP/desktop.ready" ]; echo $?)" "a test listener owns org.freedesktop.Notifications"
msg "n2-$u@example.test" "notify two $u" | run_postern -C "$DCFG" "n2-$u@example.test"
is "$RC" 0 "held, desktop: exit 0"
d=$(cat "$TEST_TMP/desktop.log" 2>/dev/null)
like "$d" '"app": "postern"' "desktop: a notification from postern"
like "$d" '"summary": "Mail held: 2 messages of account test"' "desktop: the summary counts the held messages"
like "$d" '"body": "AUTH PLAIN: .*535.*fix the account' "desktop: the body has the reason and the fix"
unlike "$d" "$SECRET" "desktop: no secret in it"
kill "$listener" 2>/dev/null

# --- no session bus at all: nothing tried, nothing fails
msg "n3-$u@example.test" "notify three $u" |
	env -u DBUS_SESSION_BUS_ADDRESS XDG_RUNTIME_DIR="$TEST_TMP/nobus" RUN_TIMEOUT=30 \
	bash -c '. "$TOP/tests/lib/common.sh"; run_postern -C "$1" "n3@example.test"; echo "$RC"; echo "$ERR"' _ "$DCFG" >"$TEST_TMP/nobus.out"
is "$(head -n 1 "$TEST_TMP/nobus.out")" 0 "no session bus: held, exit 0"
like "$(cat "$TEST_TMP/nobus.out")" "postern: held " "no session bus: the held line, and nothing else fails"

# --- syslog: one line at err, to a /dev/log of the test's own
/usr/bin/python3 - "$TEST_TMP/log.sock" "$TEST_TMP/syslog.txt" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(30)
with open(sys.argv[2], "ab") as f:
    try:
        while True:
            f.write(s.recv(65536) + b"\n")
            f.flush()
    except socket.timeout:
        pass
PY
syslogd=$!
at_exit "kill $syslogd 2>/dev/null"
for _ in $(seq 50); do [ -S "$TEST_TMP/log.sock" ] && break; sleep 0.1; done
mkdir -p "$TEST_TMP/realdev"
msg "n4-$u@example.test" "notify four $u" | unshare -m --propagation private sh -c '
	mount --bind /dev "$1/realdev" && mount -t tmpfs tmpfs /dev &&
	for n in null zero random urandom; do touch /dev/$n && mount --bind "$1/realdev/$n" /dev/$n || exit 1; done &&
	ln -s "$1/log.sock" /dev/log && exec "$2" -C "$3" "n4@example.test"' _ "$TEST_TMP" "$POSTERN" "$CFG" 2>/dev/null
is "$?" 0 "syslog case: exit 0"
sleep 0.5
s=$(cat "$TEST_TMP/syslog.txt" 2>/dev/null)
like "$s" "^<19>.*postern\[[0-9]+\]: account test: [0-9]+ messages held for credentials: AUTH PLAIN: .*535" \
	"syslog: one line, facility mail, priority err (<19>), naming the account and the reason"
unlike "$s" "$SECRET" "syslog: no secret"

done_testing
