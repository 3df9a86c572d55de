# End to end: the password comes from a real keyring. A private
# gnome-keyring-daemon under dbus-run-session, with HOME and the XDG folders
# in TEST_TMP, so no real keyring is ever touched; the session bus (and the
# daemon, which leaves with its bus) ends with this script.
. "$TOP/tests/lib/keyring.sh"
. "$TOP/tests/lib/e2e.sh"
e2e_setup

keyring_start

CFG=$TEST_TMP/keyring.ini
e2e_config "$CFG" "$SMARTHOST_PORT_SUBMIT" "queue = never"
sed -i '/^password = /d' "$CFG"
u=$$
msg() { printf 'From: demo@example.test\nTo: %s\nSubject: %s\n\nkeyring\n' "$1" "$2"; }

# --- --store-password reads stdin when it is not a terminal
printf '%s\n' "$SMARTHOST_PASS" | run_postern -C "$CFG" --store-password test
is "$RC" 0 "--store-password from stdin: exit 0"
like "$OUT" "stored the password for $SMARTHOST_USER at 127.0.0.1 \(account test\)" \
	"--store-password: says what it stored"
unlike "$OUT$ERR" "$SMARTHOST_PASS" "--store-password: the password is never printed"
label=$(secret-tool search --all host 127.0.0.1 protocol smtp 2>&1 | grep '^label')
like "$label" "postern: test \(127\.0\.0\.1\)" "the item's label names the account and the host"

# --- sending uses it
to=keyring-$u@example.test
msg "$to" keyring | run_postern -C "$CFG" -v "$to"
is "$RC" 0 "password from the keyring (org.postern.Password): exit 0"
ok $([ -n "$(delivered "$to")" ]; echo $?) "password from the keyring: delivered through the real Postfix"
unlike "$ERR" "$SMARTHOST_PASS" "password from the keyring: never in the -v transcript"

# --- on a terminal the password is asked for without echo
cat >"$TEST_TMP/askpass_pty.py" <<'PY'
import os, pty, select, sys, time
pw = sys.argv[1].encode()
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
out, sent, end = b"", False, time.time() + 20
while time.time() < end:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    if not sent and b"Password for" in out:
        time.sleep(0.2)
        os.write(fd, pw + b"\n")
        sent = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
PY
tty_out=$(timeout -k 5 30 python3 "$TEST_TMP/askpass_pty.py" "$SMARTHOST_PASS" "$POSTERN" -C "$CFG" --store-password test)
is "$?" 0 "--store-password on a terminal: exit 0"
like "$tty_out" "Password for $SMARTHOST_USER at 127\.0\.0\.1: " "--store-password on a terminal: asks"
unlike "$tty_out" "$SMARTHOST_PASS" "--store-password on a terminal: the password is not echoed"
like "$tty_out" "stored the password" "--store-password on a terminal: stored"

# --- unknown account
printf 'x\n' | run_postern -C "$CFG" --store-password nosuch
is "$RC" 78 "--store-password for an unknown account: exit 78"

# --- --forget-password
run_postern -C "$CFG" --forget-password test
is "$RC" 0 "--forget-password: exit 0 when something was deleted"
run_postern -C "$CFG" --forget-password test
is "$RC" 78 "--forget-password with nothing stored: exit 78"
like "$ERR" "^postern: keyring: no password stored for .*nothing to forget$" \
	"--forget-password with nothing stored: one clear line"

# --- nothing stored: a configuration error that names the fix
msg x forgotten | run_postern -C "$CFG" forgotten-$u@example.test
diag "$ERR"
is "$RC" 78 "no password anywhere: exit 78"
like "$ERR" "^postern: .*keyring: no password stored for $SMARTHOST_USER at 127\.0\.0\.1.*postern --store-password test" \
	"no password anywhere: the message names postern --store-password ACCOUNT"
is "$(printf '%s\n' "$ERR" | wc -l)" 1 "no password anywhere: one line"

# --- msmtp's items (secret-tool, schema name not matched) are found too
printf %s "$SMARTHOST_PASS" | secret-tool store --label=x host 127.0.0.1 service smtp user "$SMARTHOST_USER"
to=msmtp-$u@example.test
msg "$to" msmtp | run_postern -C "$CFG" "$to"
is "$RC" 0 "msmtp's item (host, service=smtp, user): exit 0"
ok $([ -n "$(delivered "$to")" ]; echo $?) "msmtp's item: delivered"

# --- no DBUS_SESSION_BUS_ADDRESS (cron): the user's bus socket in the runtime folder is used
bus_path=$(printf '%s' "$DBUS_SESSION_BUS_ADDRESS" | sed -n 's/^unix:path=\([^,]*\).*/\1/p')
mkdir -p "$TEST_TMP/cronrun"
if [ -n "$bus_path" ] && ln "$bus_path" "$TEST_TMP/cronrun/bus" 2>/dev/null; then
	saved=$DBUS_SESSION_BUS_ADDRESS
	unset DBUS_SESSION_BUS_ADDRESS
	to=cron-$u@example.test
	msg "$to" cron | XDG_RUNTIME_DIR=$TEST_TMP/cronrun run_postern -C "$CFG" "$to"
	export DBUS_SESSION_BUS_ADDRESS=$saved
	is "$RC" 0 "DBUS_SESSION_BUS_ADDRESS unset: the bus socket in the runtime folder is found: exit 0"
	ok $([ -n "$(delivered "$to")" ]; echo $?) "DBUS_SESSION_BUS_ADDRESS unset: delivered"
else
	ok 0 "# SKIP the session bus is not a path socket ($DBUS_SESSION_BUS_ADDRESS)"
	ok 0 "# SKIP the session bus is not a path socket"
fi

# --- usage
run_postern -C "$CFG" --store-password
is "$RC" 64 "--store-password without an account: exit 64"
like "$ERR" "^postern: option --store-password needs an account name" "--store-password without an account: says so"

# --- a locked keyring in a run without a terminal: temporary, fast, says locked
gdbus call --session --dest org.freedesktop.secrets --object-path /org/freedesktop/secrets \
	--method org.freedesktop.Secret.Service.Lock "['/org/freedesktop/secrets/collection/login']" >/dev/null
start=$(date +%s)
msg x locked | run_postern -C "$CFG" locked-$u@example.test
took=$(( $(date +%s) - start ))
diag "$ERR"
is "$RC" 75 "locked keyring, no terminal: exit 75"
like "$ERR" "^postern: .*keyring locked" "locked keyring: the message says locked"
is "$(printf '%s\n' "$ERR" | wc -l)" 1 "locked keyring: one line"
ok $([ "$took" -lt 5 ]; echo $?) "locked keyring: answered in ${took}s, well under the 20 s timeout"

# An interactive run (a terminal and a display) lets the keyring ask to
# unlock; no prompt can appear here (no X server behind DISPLAY), so this
# checks the time limit: given up at the account's timeout, exit 75.
sed 's/^timeout = .*/timeout = 3/' "$CFG" >"$CFG.prompt"
chmod 600 "$CFG.prompt"
start=$(date +%s)
# on_tty COMMAND...: runs it with stdin from ours and stderr on a new
# pseudo-terminal (an interactive run); prints what it wrote there.
cat >"$TEST_TMP/on_tty.py" <<'PY'
import os, pty, subprocess, sys
m, s = pty.openpty()
p = subprocess.run(sys.argv[1:], stdin=sys.stdin, stdout=subprocess.DEVNULL, stderr=s)
os.close(s)
out = b""
try:
    while True:
        c = os.read(m, 4096)
        if not c:
            break
        out += c
except OSError:
    pass
sys.stdout.write(out.decode(errors="replace"))
sys.exit(p.returncode)
PY
prompt_err=$(msg x prompt | DISPLAY=:97 timeout -k 5 40 python3 "$TEST_TMP/on_tty.py" \
	"$POSTERN" -C "$CFG.prompt" prompt-$u@example.test)
prc=$?
took=$(( $(date +%s) - start ))
is "$prc" 75 "locked keyring, a terminal and a display but no prompt answers: exit 75"
ok $([ "$took" -lt 15 ]; echo $?) "locked keyring, interactive: a prompt that cannot show ends the run, no hang (${took}s)"
like "$prompt_err" "keyring locked.*unlock prompt was dismissed or could not be shown" \
	"locked keyring, interactive: the message says the prompt did not unlock it"

# The real unlock prompt: gnome-keyring's prompter (gcr-prompter) on an X
# server of our own (Xvfb), answered by typing the keyring's password into
# it (xdotool) as a person would. The locked keyring opens and the message goes.
for d in $(seq 70 90); do [ -e "/tmp/.X$d-lock" ] || break; done
Xvfb ":$d" -screen 0 1024x768x24 -nolisten tcp >"$TEST_TMP/xvfb.log" 2>&1 &
xvfb_pid=$!
at_exit "kill $xvfb_pid 2>/dev/null"
for _ in $(seq 50); do DISPLAY=":$d" xdotool getmouselocation >/dev/null 2>&1 && break; sleep 0.1; done
# The prompter is started by the bus: it must know the display.
gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
	--method org.freedesktop.DBus.UpdateActivationEnvironment "{'DISPLAY': ':$d', 'NO_AT_BRIDGE': '1'}" >/dev/null
(
	export DISPLAY=":$d"
	for _ in $(seq 150); do
		w=$(xdotool search --onlyvisible --name . 2>/dev/null | head -n 1)
		[ -n "$w" ] && break
		sleep 0.2
	done
	[ -n "$w" ] && echo "$(xdotool getwindowname "$w")" >"$TEST_TMP/prompt_window"
	sleep 0.5
	xdotool type --delay 20 keyring-test-pw
	xdotool key Return
) >/dev/null 2>&1 &
typist=$!
to=unlocked-$u@example.test
start=$(date +%s)
unlock_err=$(msg "$to" unlocked | DISPLAY=":$d" timeout -k 5 60 python3 "$TEST_TMP/on_tty.py" \
	"$POSTERN" -C "$CFG" "$to")
urc=$?
took=$(( $(date +%s) - start ))
wait "$typist" 2>/dev/null
ok $([ -s "$TEST_TMP/prompt_window" ]; echo $?) "an interactive run on a locked keyring: the unlock prompt appears ($(cat "$TEST_TMP/prompt_window" 2>/dev/null))"
is "$urc" 0 "the password typed into the prompt unlocks the keyring: sent (${took}s) $unlock_err"
ok $([ -n "$(delivered "$to")" ]; echo $?) "after unlocking at the prompt: delivered through the real Postfix"

# --- a bus that accepts and never answers: bounded by the account's timeout
cat >"$TEST_TMP/silent.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(8)
held = []
while True:
    held.append(s.accept()[0])
PY
python3 "$TEST_TMP/silent.py" "$TEST_TMP/silent.sock" &
silent_pid=$!
for _ in $(seq 50); do [ -S "$TEST_TMP/silent.sock" ] && break; sleep 0.1; done
sed 's/^timeout = .*/timeout = 2/' "$CFG" >"$TEST_TMP/short.ini"
chmod 600 "$TEST_TMP/short.ini"
start=$(date +%s)
msg x silent | DBUS_SESSION_BUS_ADDRESS=unix:path=$TEST_TMP/silent.sock \
	run_postern -C "$TEST_TMP/short.ini" silent-$u@example.test
took=$(( $(date +%s) - start ))
kill "$silent_pid" 2>/dev/null; wait "$silent_pid" 2>/dev/null
diag "$ERR"
is "$RC" 75 "a keyring bus that never answers: exit 75"
like "$ERR" "^postern: .*keyring: .*no answer within 2 seconds" "a silent bus: the message says it did not answer"
ok $([ "$took" -le 5 ]; echo $?) "a silent bus: given up after the 2 s timeout (took ${took}s), no hang"

# --- no session bus at all: temporary, clear, no hang
if [ -S "/run/user/$(id -u)/bus" ]; then
	ok 0 "# SKIP no session bus: this machine has /run/user/$(id -u)/bus (a real session)"
	ok 0 "# SKIP no session bus: message"
else
	saved=$DBUS_SESSION_BUS_ADDRESS
	unset DBUS_SESSION_BUS_ADDRESS
	mkdir -p "$TEST_TMP/empty-run"
	start=$(date +%s)
	msg x nobus | XDG_RUNTIME_DIR=$TEST_TMP/empty-run run_postern -C "$CFG" nobus-$u@example.test
	took=$(( $(date +%s) - start ))
	export DBUS_SESSION_BUS_ADDRESS=$saved
	diag "$ERR"
	is "$RC" 75 "no session bus: exit 75 (in ${took}s)"
	like "$ERR" "^postern: .*keyring: no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is unset" \
		"no session bus: one clear line"
fi
done_testing
