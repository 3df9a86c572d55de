# End to end: the ESMTP extensions against the real Postfix. CHUNKING (RFC
# 3030) with PIPELINING on the submission port, bodies that must arrive
# byte for byte whatever their dots, bytes and line endings, SMTPUTF8 (RFC
# 6531), DSN (RFC 3461: Postfix sends the success report back to the
# sender), and the plain listener that offers none of CHUNKING, SMTPUTF8,
# DSN and 8BITMIME. Postfix's Maildir stores lines ending LF; postern sends
# every line ending CRLF: bodies are compared with LF line endings.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/e2e.sh"
e2e_setup
CFG=$TEST_TMP/postern.ini
e2e_config "$CFG" "$SMARTHOST_PORT_SUBMIT"
PLAIN=$TEST_TMP/plain.ini
e2e_config "$PLAIN" "$SMARTHOST_PORT_PLAIN"
u=$$   # unique recipients per run: tests share one mailbox

# head_to TO SUBJECT: a header section (LF) for TO.
head_to() { printf 'From: Demo <demo@example.test>\nTo: %s\nSubject: %s\n\n' "$1" "$2"; }

# same_body FILE WANT_FILE DESCRIPTION: the delivered message FILE's body is
# WANT_FILE byte for byte (WANT_FILE with LF line endings).
same_body() {
	body_of "$1" >"$TEST_TMP/got.body" 2>/dev/null
	if [ -n "$1" ] && cmp -s "$TEST_TMP/got.body" "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diag "  got $(wc -c <"$TEST_TMP/got.body") bytes, want $(wc -c <"$2");" \
			"$(cmp "$TEST_TMP/got.body" "$2" 2>&1 | head -n 1)"
	fi
}

one_line() { # one_line DESCRIPTION: stderr is one line "postern: ..."
	like "$(printf '%s\n' "$ERR" | wc -l) $ERR" '^1 postern: ' "$1"
}

# transcript_after_auth: the -v lines (--> sent, <-- received) after AUTH's 235.
transcript_after_auth() {
	printf '%s\n' "$ERR" | sed -n '/^<-- 235/,$p' | sed 1d | grep -E '^(-->|<--) '
}

# --- (a) CHUNKING + PIPELINING: MAIL, RCPT and BDAT n LAST before any reply
to=chunk-$u@example.test
{ head_to "$to" chunking; printf 'one chunk\n'; } | run_postern -C "$CFG" -v "$to"
is "$RC" 0 "CHUNKING on the submission port: exit 0"
after=$(transcript_after_auth)
flight=$(printf '%s\n' "$after" | sed '/^<-- /,$d')
is "$(printf '%s\n' "$flight" | sed 's/ SIZE=[0-9]*$/ SIZE=n/; s/^--> BDAT [0-9]* LAST$/--> BDAT n LAST/')" \
	"$(printf -- '--> MAIL FROM:<demo@example.test> SIZE=n\n--> RCPT TO:<%s>\n--> BDAT n LAST' "$to")" \
	"CHUNKING: MAIL FROM with SIZE=, RCPT TO and BDAT n LAST all sent before the first reply after AUTH"
size=$(printf '%s\n' "$flight" | sed -n 's/^--> MAIL .* SIZE=\([0-9]*\)$/\1/p')
like "$flight" "^--> BDAT $size LAST\$" "CHUNKING: the one chunk is the whole message (BDAT = SIZE = $size)"
like "$after" '^<-- 250 ' "CHUNKING: the replies follow the flight"
unlike "$ERR" '^--> DATA' "CHUNKING: no DATA command"
ok "$([ -n "$(delivered "$to")" ]; echo $?)" "CHUNKING: delivered"

# --- (b) bodies arrive byte for byte
# 2 KB with dots: lines starting with a dot, a line holding only "." (kept with -i), "..".
to=dots-$u@example.test
{
	printf '.leading dot\n.\n..\n...\n. space after the dot\n'
	awk 'BEGIN { for (i = 1; i <= 40; i++) printf "%sline %02d of a body of about two kilobytes, dots here and there\n", (i % 3 ? "" : "."), i }'
	printf '.\nlast line\n'
} >"$TEST_TMP/dots.body"
{ head_to "$to" dots; cat "$TEST_TMP/dots.body"; } | run_postern -C "$CFG" -i "$to"
is "$RC" 0 "2 KB body with dot lines and a lone '.', -i: exit 0"
ok "$([ "$(wc -c <"$TEST_TMP/dots.body")" -ge 2000 ]; echo $?)" "the dots body is at least 2 KB"
same_body "$(delivered "$to")" "$TEST_TMP/dots.body" "dots body: delivered byte for byte (lone '.' kept, no dot doubled or lost)"

# 8-bit UTF-8 text.
to=utf8body-$u@example.test
printf 'Grüße aus Köln, naïve café, 日本語のテキスト, ελληνικά, emoji 😀.\nZweite Zeile: ÄÖÜ äöü ß €\n' >"$TEST_TMP/8bit.body"
{
	printf 'From: demo@example.test\nTo: %s\nSubject: 8bit\nMIME-Version: 1.0\n' "$to"
	printf 'Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n'
	cat "$TEST_TMP/8bit.body"
} | run_postern -C "$CFG" -v "$to"
is "$RC" 0 "8-bit UTF-8 body: exit 0"
like "$ERR" '^--> MAIL FROM:<demo@example\.test> .*BODY=8BITMIME' "8-bit body: MAIL FROM declares BODY=8BITMIME"
same_body "$(delivered "$to")" "$TEST_TMP/8bit.body" "8-bit body: delivered byte for byte"

# CRLF input: the same lines, stored with LF.
to=crlf-$u@example.test
printf 'first\n.dot line\n\nafter an empty line\nlast\n' >"$TEST_TMP/crlf.body"
{ head_to "$to" crlf; cat "$TEST_TMP/crlf.body"; } | sed 's/$/\r/' | run_postern -C "$CFG" -i "$to"
is "$RC" 0 "CRLF input: exit 0"
same_body "$(delivered "$to")" "$TEST_TMP/crlf.body" "CRLF input: delivered with the same lines (no CR doubled, none left in)"

# Bare LF input, the same body.
to=lf-$u@example.test
{ head_to "$to" lf; cat "$TEST_TMP/crlf.body"; } | run_postern -C "$CFG" -i "$to"
is "$RC" 0 "bare LF input: exit 0"
same_body "$(delivered "$to")" "$TEST_TMP/crlf.body" "bare LF input: delivered with the same lines"

# 3 MiB: several chunks.
to=3mib-$u@example.test
head -c 2359296 /dev/urandom | base64 -w 76 >"$TEST_TMP/3mib.body"
{ head_to "$to" 3MiB; cat "$TEST_TMP/3mib.body"; } >"$TEST_TMP/3mib.eml"
run_postern -C "$CFG" -v "$to" <"$TEST_TMP/3mib.eml"
is "$RC" 0 "3 MiB message: exit 0"
bdats=$(printf '%s\n' "$ERR" | grep '^--> BDAT ')
is "$(printf '%s\n' "$bdats" | sed 's/^--> BDAT [0-9]*/BDAT n/' | tr '\n' ' ')" "BDAT n BDAT n BDAT n BDAT n LAST " \
	"3 MiB: four chunks (three of 1 MiB, then the rest with LAST)"
is "$(body_of "$(delivered "$to" 60)" | sha256sum)" "$(sha256sum <"$TEST_TMP/3mib.body")" \
	"3 MiB: body identical (sha256)"

# Exactly one chunk (1 MiB as sent): "BDAT 1048576 LAST" for one recipient;
# for two, the chunk without LAST, then "BDAT 0 LAST" once both are accepted.
to=onemib-$u@example.test a2=onemib2-$u@example.test b2=onemib3-$u@example.test
python3 - "$TEST_TMP/1mib.eml" "$to" <<'PY'
import sys
size = 1 << 20
out = bytearray(b"From: demo@example.test\r\nTo: %s\r\nSubject: 1 MiB\r\nMessage-ID: <1mib@example.test>\r\n"
                b"Date: Thu, 01 Jan 2026 00:00:00 +0000\r\n\r\n" % sys.argv[2].encode())
while len(out) < size - 200:
    out += b"x" * 78 + b"\r\n"
out += b"y" * (size - len(out) - 2) + b"\r\n"
open(sys.argv[1], "wb").write(out)
PY
sed '1,/^\r$/d; s/\r$//' "$TEST_TMP/1mib.eml" >"$TEST_TMP/1mib.body"
run_postern -C "$CFG" -v "$to" <"$TEST_TMP/1mib.eml"
is "$RC" 0 "1 MiB exactly, one recipient: exit 0"
is "$(printf '%s\n' "$ERR" | grep '^--> BDAT ')" "--> BDAT 1048576 LAST" "1 MiB exactly, one recipient: one 'BDAT 1048576 LAST'"
same_body "$(delivered "$to")" "$TEST_TMP/1mib.body" "1 MiB exactly: delivered byte for byte"
run_postern -C "$CFG" -v "$a2" "$b2" <"$TEST_TMP/1mib.eml"
is "$RC" 0 "1 MiB exactly, two recipients: exit 0"
is "$(printf '%s\n' "$ERR" | grep '^--> BDAT ' | tr '\n' ' ')" "--> BDAT 1048576 --> BDAT 0 LAST " \
	"1 MiB exactly, two recipients: 'BDAT 1048576', then 'BDAT 0 LAST'"
same_body "$(delivered "$b2")" "$TEST_TMP/1mib.body" "1 MiB exactly, two recipients: delivered byte for byte"

# 20 MiB.
to=20mib-$u@example.test
head -c 15728640 /dev/urandom | base64 -w 76 >"$TEST_TMP/20mib.body"
{ head_to "$to" 20MiB; cat "$TEST_TMP/20mib.body"; } >"$TEST_TMP/20mib.eml"
run_postern -C "$CFG" "$to" <"$TEST_TMP/20mib.eml"
is "$RC" 0 "20 MiB message: exit 0"
is "$(body_of "$(delivered "$to" 60)" | sha256sum)" "$(sha256sum <"$TEST_TMP/20mib.body")" \
	"20 MiB: body identical (sha256)"
rm -f "$TEST_TMP"/20mib.*

# --- (c) a UTF-8 local part, SMTPUTF8 offered
to=pérez-$u@example.test
{ head_to "$to" "utf-8 local part"; printf 'hola\n'; } | run_postern -C "$CFG" -v "$to"
is "$RC" 0 "UTF-8 local part: exit 0"
like "$ERR" '^--> MAIL FROM:<demo@example\.test> .*SMTPUTF8' "UTF-8 local part: MAIL FROM carries SMTPUTF8"
like "$ERR" "^--> RCPT TO:<$to>" "UTF-8 local part: RCPT TO in UTF-8"
f=$(delivered "$to")
ok "$([ -n "$f" ]; echo $?)" "UTF-8 local part: delivered"
like "$(header_of "$f")" "^Delivered-To: $to" "UTF-8 local part: Delivered-To: $to"

# dsn_report ENVID: the DSN report Postfix sent the sender for ENVID (or "").
dsn_report() {
	local f report=
	for _ in $(seq 100); do
		for f in $(bash "$SMARTHOST" wait-delivery "$SMARTHOST_DIR" demo@example.test 0.1); do
			grep -q "^Original-Envelope-Id: $1" "$f" 2>/dev/null && report=$f
		done
		[ -n "$report" ] && break
		sleep 0.2
	done
	printf '%s\n' "$report"
}

# --- (d) DSN: Postfix reports the successful delivery to the sender
to=dsn-$u@example.test envid=id1-$u
{ head_to "$to" "dsn $u"; printf 'dsn body line %s\n' "$u"; } |
	run_postern -C "$CFG" -v -N success,failure -R hdrs -V "$envid" "$to"
is "$RC" 0 "-N success,failure -R hdrs -V $envid: exit 0"
like "$ERR" "^--> MAIL FROM:<demo@example\.test> .*RET=HDRS ENVID=$envid" "DSN: MAIL FROM carries RET=HDRS and ENVID"
like "$ERR" "^--> RCPT TO:<$to> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;$to\$" "DSN: RCPT TO carries NOTIFY and ORCPT"
ok "$([ -n "$(delivered "$to")" ]; echo $?)" "DSN: the message is delivered"
# The report goes to demo@example.test, like every other report of the run:
# find the one with this envelope id.
report=$(dsn_report "$envid")
ok "$([ -n "$report" ]; echo $?)" "DSN: a delivery report for ENVID $envid reaches the sender"
r=$(cat "$report" 2>/dev/null)
like "$r" "^Original-Envelope-Id: $envid" "DSN report: Original-Envelope-Id: $envid"
like "$r" "^Original-Recipient: rfc822; ?$to" "DSN report: Original-Recipient: rfc822;$to"
like "$r" "^Action: delivered" "DSN report: Action: delivered (a success report)"
like "$r" "^Subject: dsn $u" "DSN report, RET=HDRS: the original headers come back"
unlike "$r" "dsn body line $u" "DSN report, RET=HDRS: the original body does not"

# --- (e) the plain listener: no CHUNKING, SMTPUTF8, DSN or 8BITMIME
to=plain7-$u@example.test
printf 'seven bit\n.dot\nend\n' >"$TEST_TMP/plain.body"
{ head_to "$to" plain; cat "$TEST_TMP/plain.body"; } | run_postern -C "$PLAIN" -v "$to"
is "$RC" 0 "plain listener, 7-bit message: exit 0"
like "$ERR" '^<-- 250[- ]PIPELINING' "plain listener: the transcript shows its EHLO reply"
unlike "$ERR" '^<-- 250[- ](CHUNKING|SMTPUTF8|DSN|8BITMIME)' "plain listener: no CHUNKING, SMTPUTF8, DSN or 8BITMIME offered"
like "$ERR" '^--> DATA$' "plain listener: the message goes with DATA"
unlike "$ERR" '^--> BDAT' "plain listener: no BDAT"
same_body "$(delivered "$to")" "$TEST_TMP/plain.body" "plain listener: delivered byte for byte"

to=pérez-plain-$u@example.test
{ head_to "$to" "utf-8 plain"; printf 'hola\n'; } | run_postern -C "$PLAIN" "$to"
is "$RC" 69 "plain listener, UTF-8 local part: exit 69"
one_line "plain listener, UTF-8 local part: one-line error"
like "$ERR" "$to.*SMTPUTF8" "plain listener, UTF-8 local part: the error names the address and SMTPUTF8"
ok "$(not_delivered "$to"; echo $?)" "plain listener, UTF-8 local part: nothing delivered"

to=plaindsn-$u@example.test
{ head_to "$to" "plain dsn"; printf 'body\n'; } |
	run_postern -C "$PLAIN" -v -N success -V "plain-$u" "$to"
is "$RC" 0 "plain listener, -N success: exit 0"
like "$ERR" "^--> RCPT TO:<$to>\$" "plain listener, -N success: RCPT TO without NOTIFY or ORCPT"
unlike "$ERR" '^--> .*(NOTIFY=|RET=|ENVID=|ORCPT=)' "plain listener, -N success: no DSN parameter sent"
ok "$([ -n "$(delivered "$to")" ]; echo $?)" "plain listener, -N success: delivered"

# --- the recipient-limit listener (2 per transaction): two recipients are fine
e2e_config "$TEST_TMP/limit.ini" "$SMARTHOST_PORT_RCPTLIMIT"
a=limit-a-$u@example.test b=limit-b-$u@example.test
{ head_to "$a, $b" limit; printf 'two\n'; } | run_postern -C "$TEST_TMP/limit.ini" "$a" "$b"
is "$RC" 0 "recipient limit 2, two recipients: exit 0"
ok "$([ -n "$(delivered "$a")" ] && [ -n "$(delivered "$b")" ]; echo $?)" \
	"recipient limit 2, two recipients: both delivered"

# --- five recipients where Postfix answers 452 4.5.3 from the third on
rc5=() ; for i in 1 2 3 4 5; do rc5+=("limit$i-$u@example.test"); done
{ head_to "${rc5[0]}" "limit five"; printf 'five\n'; } | run_postern -C "$TEST_TMP/limit.ini" -v "${rc5[@]}"
is "$RC" 0 "recipient limit 2, five recipients: exit 0"
is "$(printf '%s\n' "$ERR" | grep -c '^<-- 452 4\.5\.3')" 3 \
	"five recipients: Postfix's 452 4.5.3 for the three over its limit"
is "$(printf '%s\n' "$ERR" | grep -c '^--> MAIL FROM')" 3 "five recipients: three transactions (2 + 2 + 1)"
n=0; for r in "${rc5[@]}"; do [ "$(bash "$SMARTHOST" wait-delivery "$SMARTHOST_DIR" "$r" 20 | wc -l)" = 1 ] && n=$((n + 1)); done
is "$n" 5 "five recipients: each delivered exactly once"

# --- no 8BITMIME: an 8-bit message goes as a valid 7-bit (quoted-printable) copy
to=downgrade-$u@example.test
printf 'Caf\xc3\xa9 cr\xc3\xa8me = 100%%   \n.dot line\n%s\n' "$(head -c 1500 /dev/zero | tr '\0' 'x')" >"$TEST_TMP/dg.body"
{ printf 'From: demo@example.test\nTo: %s\nSubject: caf\xc3\xa9 %s\n\n' "$to" "$u"; cat "$TEST_TMP/dg.body"; } |
	run_postern -C "$PLAIN" -v -i "$to"
is "$RC" 0 "no 8BITMIME, 8-bit body: exit 0"
like "$ERR" 'downgraded to 7 bit' "no 8BITMIME: -v says the message was downgraded"
unlike "$ERR" '^--> MAIL FROM:.*BODY=' "no 8BITMIME: no BODY= declared"
f=$(delivered "$to")
ok "$(LC_ALL=C grep -q $'[\x80-\xff]' "$f"; [ $? = 1 ]; echo $?)" "no 8BITMIME: what arrived is 7-bit only"
ok "$(awk 'length($0) > 998 { bad = 1 } END { exit bad }' "$f"; echo $?)" "no 8BITMIME: no line over 998 octets arrived"
like "$(header_of "$f")" "Content-Transfer-Encoding: quoted-printable" "no 8BITMIME: the body is quoted-printable"
is "$(python3 -c 'import email,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb")); sys.stdout.buffer.write(m.get_payload(decode=True))' "$f" | sha256sum)" \
	"$(sha256sum <"$TEST_TMP/dg.body")" "no 8BITMIME: the quoted-printable body decodes to the original exactly"
is "$(python3 -c 'import email.header,email,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb")); print(str(email.header.make_header(email.header.decode_header(m["Subject"]))))' "$f")" \
	"café $u" "no 8BITMIME: the 8-bit Subject arrives as encoded words that decode to it"

# --- a line of 2000 octets to Postfix (8BITMIME, no BINARYMIME): a 7-bit copy
to=longline-$u@example.test
{ head -c 2000 /dev/zero | tr '\0' 'z'; printf '\nend\n'; } >"$TEST_TMP/long.body"
{ head_to "$to" "long line $u"; cat "$TEST_TMP/long.body"; } | run_postern -C "$CFG" -v "$to"
is "$RC" 0 "a 2000-octet line, no BINARYMIME: exit 0"
like "$ERR" 'no BINARYMIME for lines over 998 octets' "a 2000-octet line: -v says why it is downgraded"
f=$(delivered "$to")
ok "$(awk 'length($0) > 998 { bad = 1 } END { exit bad }' "$f"; echo $?)" "a 2000-octet line: no line over 998 octets arrived"
is "$(python3 -c 'import email,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb")); sys.stdout.buffer.write(m.get_payload(decode=True))' "$f" | sha256sum)" \
	"$(sha256sum <"$TEST_TMP/long.body")" "a 2000-octet line: the quoted-printable body decodes to the original"

# --- no 8BITMIME: an 8-bit display name in From and an IDN domain in To
to=dgaddr-$u@example.test
printf 'From: J\xc3\xb6rg M\xc3\xbcller <demo@example.test>\nTo: %s, friend@b\xc3\xbccher.example\nSubject: hi\n\nbody \xc3\xa9\n' "$to" |
	run_postern -C "$PLAIN" "$to"
is "$RC" 0 "no 8BITMIME, 8-bit display name in From: exit 0"
f=$(delivered "$to")
is "$(python3 -c 'import email.header,email,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb")); print(str(email.header.make_header(email.header.decode_header(m["From"]))))' "$f")" \
	"Jörg Müller <demo@example.test>" "no 8BITMIME: the From display name arrives as encoded words that decode to it"
like "$(header_of "$f")" "friend@xn--bcher-kva\.example" "no 8BITMIME: the IDN domain in To arrives as A-labels"

# --- a 7-bit message with a 5000-octet References line: folded, sent as it is
to=refs-$u@example.test
refs=$(for i in $(seq 250); do printf ' <%d.%s@example.test>' "$i" "$u"; done)
{ printf 'From: demo@example.test\nTo: %s\nSubject: refs\nReferences:%s\n\nbody\n' "$to" "$refs"; } |
	run_postern -C "$CFG" -v "$to"
is "$RC" 0 "a 5000-octet References line: exit 0"
unlike "$ERR" 'downgrade|BINARYMIME' "a long header line: no downgrade, no BINARYMIME (it is folded instead)"
f=$(delivered "$to")
ok "$(awk 'length($0) > 998 { bad = 1 } END { exit bad }' "$f"; echo $?)" "a long header line: no line over 998 octets arrived"
is "$(python3 -c 'import email,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb")); print(" ".join(m["References"].split()))' "$f")" \
	"$(printf '%s' "$refs" | sed 's/^ //')" "a long header line: unfolded, the field is what was given"

# --- the same from the queue: a queued 8-bit message flushed to that server
to=dgqueue-$u@example.test
{ printf 'From: demo@example.test\nTo: %s\nSubject: queued caf\xc3\xa9\n\n' "$to"; cat "$TEST_TMP/dg.body"; } |
	run_postern -C "$PLAIN" -i -odq "$to"
is "$RC" 0 "a queued 8-bit message: queued (-odq)"
run_postern -C "$PLAIN" -q -v
is "$RC" 0 "postern -q to a server without 8BITMIME: exit 0"
like "$ERR" 'downgraded to 7 bit' "postern -q: the queued message is downgraded"
f=$(delivered "$to")
is "$(python3 -c 'import email,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb")); sys.stdout.buffer.write(m.get_payload(decode=True))' "$f" | sha256sum)" \
	"$(sha256sum <"$TEST_TMP/dg.body")" "postern -q: the quoted-printable body decodes to the original"
is "$(python3 -c 'import email.header,email,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb")); print(str(email.header.make_header(email.header.decode_header(m["Subject"]))))' "$f")" \
	"queued café" "postern -q: the queued header is downgraded too"

# --- no 8BITMIME and a message/rfc822 part holding 8-bit: refused, nothing sent
to=dgrefuse-$u@example.test
{ printf 'From: demo@example.test\nTo: %s\nSubject: fwd\nMIME-Version: 1.0\n' "$to"
  printf 'Content-Type: multipart/mixed; boundary="b1"\n\n--b1\nContent-Type: text/plain\n\nsee below\n'
  printf -- '--b1\nContent-Type: message/rfc822\n\nFrom: x@example.test\nSubject: inner\n\nd\xc3\xa9j\xc3\xa0 vu\n--b1--\n'; } |
	run_postern -C "$PLAIN" "$to"
is "$RC" 65 "no 8BITMIME, 8-bit message/rfc822 part: exit 65"
one_line "8-bit message/rfc822 part: one-line error"
like "$ERR" "message/rfc822" "8-bit message/rfc822 part: the error names the part's type"
ok "$(not_delivered "$to"; echo $?)" "8-bit message/rfc822 part: nothing delivered"
grep -q "^Subject: fwd" "$HOME/dead.letter"; ok $? "8-bit message/rfc822 part: the message is kept in dead.letter"

# --- DSN options kept with a queued message and used when it is flushed
to=dsnq-$u@example.test envid=queued-$u
{ head_to "$to" "dsn queued $u"; printf 'queued\n'; } |
	run_postern -C "$CFG" -odq -N success -V "$envid" "$to"
is "$RC" 0 "-odq -N success -V $envid: queued, exit 0"
grep -qs "^envid $envid\$" "$XDG_STATE_HOME"/postern/queue/*.env; ok $? "the queue entry keeps the envelope id"
grep -qs "^notify SUCCESS\$" "$XDG_STATE_HOME"/postern/queue/*.env; ok $? "the queue entry keeps NOTIFY"
run_postern -C "$CFG" -q -v
is "$RC" 0 "postern -q: exit 0"
like "$ERR" "^--> MAIL FROM:<demo@example\.test> .*ENVID=$envid" "postern -q: MAIL FROM carries the queued ENVID"
like "$ERR" "^--> RCPT TO:<$to> NOTIFY=SUCCESS ORCPT=rfc822;$to\$" "postern -q: RCPT TO carries the queued NOTIFY"
ok "$([ -n "$(dsn_report "$envid")" ]; echo $?)" "postern -q: Postfix's success report for $envid arrives"

done_testing
