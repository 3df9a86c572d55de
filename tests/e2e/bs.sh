# postern -bs: SMTP on standard input and output, driven by Python's
# smtplib over a socket pair, against the real Postfix: two messages in one
# session (one with a lone-dot line), a refused recipient carrying the
# smarthost's code, and the protocol's edges (order, unknown commands).
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/e2e.sh"
e2e_setup
CFG=$TEST_TMP/bs.ini
e2e_config "$CFG" "$SMARTHOST_PORT_SUBMIT" "auth = plain"
u=$$

out=$(POSTERN="$POSTERN" CFG="$CFG" U="$u" python3 - <<'PY' 2>&1
import os, smtplib, socket, subprocess
a, b = socket.socketpair()
p = subprocess.Popen([os.environ["POSTERN"], "-C", os.environ["CFG"], "-bs"], stdin=b, stdout=b)
b.close()
class Pipe(smtplib.SMTP):
    def _get_socket(self, host, port, timeout):
        return a
u = os.environ["U"]
s = Pipe()
print("greeting", s.connect("localhost", 25)[0])
code, caps = s.ehlo("caller.example")
print("ehlo", code, "pipelining" in s.esmtp_features, "8bitmime" in s.esmtp_features, "dsn" in s.esmtp_features)
m1 = "Subject: bs one %s\r\n\r\nfirst message\r\n.\r\n..two dots\r\nend\r\n" % u
print("send1", s.sendmail("demo@example.test", ["bs1-%s@example.test" % u], m1))
m2 = "Subject: bs two %s\r\n\r\nsecond message\r\n" % u
print("send2", s.sendmail("demo@example.test", ["bs2-%s@example.test" % u, "bs3-%s@example.test" % u], m2))
try:
    s.sendmail("demo@example.test", ["refused@example.test"], "Subject: no\r\n\r\nno\r\n")
    print("refused not raised")
except smtplib.SMTPDataError as e:
    print("refused", e.smtp_code, e.smtp_error.decode().split()[0])
print("noop", s.noop()[0])
print("vrfy", s.verify("root")[0])
print("rcpt-first", s.docmd("RCPT", "TO:<x@example.test>")[0])
print("unknown", s.docmd("FOO")[0])
print("quit", s.quit()[0])
print("exit", p.wait(timeout=30))
PY
)
printf '%s\n' "$out" | sed 's/^/# /'
like "$out" "greeting 220" "-bs: a 220 greeting"
like "$out" "ehlo 250 True True True" "-bs: EHLO offers PIPELINING, 8BITMIME and DSN"
like "$out" "send1 \\{\\}" "-bs: the first message is accepted"
like "$out" "send2 \\{\\}" "-bs: the second message (two recipients) is accepted in the same session"
like "$out" "refused 550 5.1.1" "-bs: a recipient the smarthost refuses raises the smarthost's 550 5.1.1"
like "$out" "noop 250" "-bs: NOOP"
like "$out" "vrfy 252" "-bs: VRFY is answered 252"
like "$out" "rcpt-first 503" "-bs: RCPT before MAIL is 503"
like "$out" "unknown 500" "-bs: an unknown command is 500"
like "$out" "quit 221" "-bs: QUIT is 221"
like "$out" "exit 0" "-bs: postern exits 0 after QUIT"
f=$(delivered "bs1-$u@example.test")
ok $([ -n "$f" ]; echo $?) "-bs: the first message delivered"
is "$(body_of "$f" | tr -d '\r')" "$(printf 'first message\n.\n..two dots\nend')" \
	"-bs: its lone-dot line and dot-stuffing arrive intact"
is "$(delivered "bs2-$u@example.test" | wc -l)$(delivered "bs3-$u@example.test" | wc -l)" 11 \
	"-bs: the second message reached both its recipients"

# An idle caller cannot hold postern: it answers 421 and ends (the bound
# is 5 minutes; here a caller that closes at once ends the session too).
out=$(printf 'EHLO x\r\n' | "$POSTERN" -C "$CFG" -bs)
is "$?" 0 "-bs: a caller that leaves without QUIT: exit 0"
like "$out" "^250 ENHANCEDSTATUSCODES" "-bs: the EHLO reply came before the end"

# Bounds: a declared SIZE over the limit, a command line over 4096 bytes,
# an unknown MAIL parameter; each refused with its code, the session goes on.
long=$(head -c 5000 /dev/zero | tr '\0' x)
out=$(printf 'EHLO x\r\nMAIL FROM:<a@example.test> SIZE=999999999999\r\nNOOP %s\r\nMAIL FROM:<a@example.test> FOO=1\r\nQUIT\r\n' "$long" |
	"$POSTERN" -C "$CFG" -bs)
like "$out" "552 5\.3\.4 message size exceeds the limit" "-bs: MAIL with SIZE over the limit: 552 5.3.4"
like "$out" "500 5\.5\.2 line too long" "-bs: a command line over 4096 bytes: 500 5.5.2"
like "$out" "555 5\.5\.4 MAIL FROM parameter not recognized" "-bs: an unknown MAIL parameter: 555 5.5.4"
like "$out" "221 2\.0\.0 bye" "-bs: the session goes on to QUIT after each refusal"
# A caller gone in the middle of DATA: nothing is sent, postern ends.
out=$(printf 'EHLO x\r\nMAIL FROM:<a@example.test>\r\nRCPT TO:<gone-%s@example.test>\r\nDATA\r\nSubject: cut\r\n' "$u" |
	timeout 20 "$POSTERN" -C "$CFG" -bs)
is "$?" 0 "-bs: a caller gone in the middle of DATA: postern ends (exit 0)"
not_delivered "gone-$u@example.test"
ok $? "-bs: a caller gone in the middle of DATA: nothing is sent"

done_testing
