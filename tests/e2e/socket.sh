# The systemd units of etc/ (the SMTP socket for local programs, user and
# system variants, and the queue flush) pass systemd-analyze verify, and the
# socket unit's command really serves SMTP clients. systemd is not running
# here, so socat stands in for it: it listens on a loopback port and, like
# Accept=yes, runs the unit's own ExecStart per connection with the
# connection as standard input and output. Real clients (Python's smtplib,
# swaks) connect and their mail reaches the real Postfix.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/e2e.sh"
e2e_setup
CFG=$TEST_TMP/socket.ini
e2e_config "$CFG" "$SMARTHOST_PORT_SUBMIT"
u=$$

# verify_units DIR [--user]: systemd-analyze verify of every unit in DIR,
# with ExecStart pointing at the binary under test; its output (empty when
# all is well: it exits 0 even for a line it had to ignore).
verify_units() {
	local dir=$1
	shift
	(cd "$dir" && XDG_RUNTIME_DIR=$TEST_TMP/xrd systemd-analyze "$@" verify --man=no ./*.socket ./*.service ./*.timer 2>&1)
}
mkdir -p "$TEST_TMP/xrd" "$TEST_TMP/user" "$TEST_TMP/system" "$TEST_TMP/bad"
chmod 700 "$TEST_TMP/xrd"
for f in "$TOP"/etc/*.socket "$TOP"/etc/*.service "$TOP"/etc/*.timer; do
	sed "s|/usr/local/bin/postern|$POSTERN|" "$f" >"$TEST_TMP/user/${f##*/}"
done
for f in "$TOP"/etc/system/*; do
	sed "s|/usr/local/bin/postern|$POSTERN|" "$f" >"$TEST_TMP/system/${f##*/}"
done
is "$(ls "$TEST_TMP/user" | tr '\n' ' ')" "postern-flush.service postern-flush.timer postern-smtp.socket postern-smtp@.service " \
	"etc/: the user units"
is "$(ls "$TEST_TMP/system" | tr '\n' ' ')" "postern-flush.service postern-flush.timer postern-smtp.socket postern-smtp@.service " \
	"etc/system/: the system units"
out=$(verify_units "$TEST_TMP/user" --user)
is "$?:$out" "0:" "systemd-analyze --user verify: the user units are clean"
out=$(verify_units "$TEST_TMP/system")
is "$?:$out" "0:" "systemd-analyze verify: the system units are clean"
# The check sees a mistake: a misspelt setting in a copy.
cp "$TEST_TMP/user/postern-smtp.socket" "$TEST_TMP/bad/"
sed 's/StandardInput=socket/StandardInput=sockt/' "$TEST_TMP/user/postern-smtp@.service" >"$TEST_TMP/bad/postern-smtp@.service"
out=$(cd "$TEST_TMP/bad" && XDG_RUNTIME_DIR=$TEST_TMP/xrd systemd-analyze --user verify --man=no ./*.socket ./*.service 2>&1)
like "$out" "sockt" "systemd-analyze verify: a misspelt setting is reported (the check can fail)"
like "$(grep '^Accept=' "$TOP/etc/postern-smtp.socket") $(grep '^ListenStream=' "$TOP/etc/postern-smtp.socket")" \
	"^Accept=yes ListenStream=127\.0\.0\.1:" "the socket unit: one process per connection, on loopback only"

# socat in systemd's place, running the service's ExecStart per connection.
cmd=$(sed -n 's/^ExecStart=//p' "$TEST_TMP/user/postern-smtp@.service")
is "$cmd" "$POSTERN -bs" "the service runs postern -bs"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
POSTERN_CONFIG=$CFG socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork" "EXEC:$cmd" 2>"$TEST_TMP/socat.err" &
socat_pid=$!
at_exit "kill $socat_pid 2>/dev/null"
for _ in $(seq 50); do
	python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && break
	sleep 0.1
done

out=$(PORT=$port U=$u timeout 60 python3 - <<'PY' 2>&1
import os, smtplib
u = os.environ["U"]
s = smtplib.SMTP("127.0.0.1", int(os.environ["PORT"]), timeout=30)
code, _ = s.ehlo("app.example")
print("ehlo", code, "pipelining" in s.esmtp_features, "size" in s.esmtp_features)
print("send1", s.sendmail("demo@example.test", ["sock1-%s@example.test" % u],
      "Subject: socket one %s\r\n\r\nfirst over the socket\r\n.\r\nafter the dot\r\n" % u))
print("send2", s.sendmail("demo@example.test", ["sock2-%s@example.test" % u],
      "Subject: socket two %s\r\n\r\nsecond over the socket\r\n" % u))
try:
    s.sendmail("demo@example.test", ["refused@example.test"], "Subject: no\r\n\r\nno\r\n")
    print("refused not raised")
except smtplib.SMTPDataError as e:
    print("refused", e.smtp_code)
print("quit", s.quit()[0])
PY
)
printf '%s\n' "$out" | sed 's/^/# /'
like "$out" "ehlo 250 True True" "over the socket (smtplib): EHLO offers PIPELINING and SIZE"
like "$out" "send1 \\{\\}" "over the socket (smtplib): the first message accepted"
like "$out" "send2 \\{\\}" "over the socket (smtplib): a second message in the same connection"
like "$out" "refused 550" "over the socket (smtplib): the smarthost's refusal comes back as 550"
like "$out" "quit 221" "over the socket (smtplib): QUIT"
f=$(delivered "sock1-$u@example.test")
ok "$([ -n "$f" ]; echo $?)" "over the socket (smtplib): the first message delivered"
is "$(body_of "$f" | tr -d '\r')" "$(printf 'first over the socket\n.\nafter the dot')" \
	"over the socket (smtplib): its lone-dot line intact"
ok "$([ -n "$(delivered "sock2-$u@example.test")" ]; echo $?)" "over the socket (smtplib): the second message delivered"

# swaks, as a monitoring check would send, in its own connection.
timeout 60 swaks --server 127.0.0.1 --port "$port" --from demo@example.test --to "swaks-$u@example.test" \
	--header "Subject: swaks over the socket $u" --body "swaks body $u" >"$TEST_TMP/swaks.out" 2>&1
is "$?" 0 "over the socket (swaks): exit 0"
f=$(delivered "swaks-$u@example.test")
ok "$([ -n "$f" ]; echo $?)" "over the socket (swaks): delivered"
like "$(cat "$f")" "swaks body $u" "over the socket (swaks): its body"

done_testing
