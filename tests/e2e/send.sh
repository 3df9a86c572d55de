# End to end: postern submits to a real Postfix (STARTTLS or implicit TLS,
# SASL AUTH), which delivers into a Maildir this test reads back.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/e2e.sh"
e2e_setup
CFG=$TEST_TMP/postern.ini
e2e_config "$CFG" "$SMARTHOST_PORT_SUBMIT" "auth = plain"
u=$$   # unique recipients per run: tests share one mailbox

msg() { # msg TO SUBJECT: a small message
	printf 'From: Demo <demo@example.test>\nTo: %s\nSubject: %s\n\nHello,\n.a line starting with a dot\n..two dots\nlast line\n' "$1" "$2"
}

# --- 587 with STARTTLS and AUTH PLAIN
to=plain-$u@example.test
msg "$to" plain | run_postern -C "$CFG" "$to"
is "$RC" 0 "587 STARTTLS + AUTH PLAIN: exit 0"
f=$(delivered "$to")
ok $([ -n "$f" ]; echo $?) "587 STARTTLS + AUTH PLAIN: delivered"
is "$(body_of "$f")" "$(printf 'Hello,\n.a line starting with a dot\n..two dots\nlast line')" \
	"body arrives byte for byte (dots unstuffed by the server)"
like "$(header_of "$f")" "Message-ID: <" "Message-ID added when missing"
like "$(header_of "$f")" "Date: " "Date added when missing"

# --- AUTH LOGIN
e2e_config "$TEST_TMP/login.ini" "$SMARTHOST_PORT_SUBMIT" "auth = login"
to=login-$u@example.test
msg "$to" login | run_postern -C "$TEST_TMP/login.ini" -v "$to"
is "$RC" 0 "587 STARTTLS + AUTH LOGIN: exit 0"
like "$ERR" "AUTH LOGIN" "AUTH LOGIN used when auth = login"
ok $([ -n "$(delivered "$to")" ]; echo $?) "AUTH LOGIN: delivered"

# --- the -v transcript never shows a secret
b64=$(printf '\0%s\0%s' "$SMARTHOST_USER" "$SMARTHOST_PASS" | base64)
to=verbose-$u@example.test
msg "$to" verbose | run_postern -C "$CFG" -v "$to"
is "$RC" 0 "-v: exit 0"
like "$ERR" "AUTH PLAIN <redacted>" "-v: AUTH line shown redacted"
unlike "$ERR" "$SMARTHOST_PASS" "-v: password never printed"
unlike "$ERR" "$b64" "-v: base64 credentials never printed"
like "$ERR" "STARTTLS" "-v: transcript shows STARTTLS"

# --- 465 implicit TLS
e2e_config "$TEST_TMP/465.ini" "$SMARTHOST_PORT_SMTPS" "tls = implicit"
to=implicit-$u@example.test
msg "$to" implicit | run_postern -C "$TEST_TMP/465.ini" "$to"
is "$RC" 0 "465 implicit TLS: exit 0"
ok $([ -n "$(delivered "$to")" ]; echo $?) "465 implicit TLS: delivered"

# --- -t: To, Cc and Bcc all delivered, Bcc removed
a=t-to-$u@example.test b=t-cc-$u@example.test c=t-bcc-$u@example.test
printf 'From: demo@example.test\nTo: A <%s>\nCc: %s,\n  undisclosed-recipients:;\nBcc: %s\nSubject: minus t\n\nbody\n' "$a" "$b" "$c" |
	run_postern -C "$CFG" -t
is "$RC" 0 "-t: exit 0"
fa=$(delivered "$a"); fb=$(delivered "$b"); fc=$(delivered "$c")
ok $([ -n "$fa" ] && [ -n "$fb" ] && [ -n "$fc" ]; echo $?) "-t: To, Cc and Bcc recipients all delivered"
unlike "$(header_of "$fa")$(header_of "$fc")" "^Bcc:|$c.*Bcc|Bcc:" "-t: Bcc header removed from what was delivered"

# --- refused recipient: all or none
good=allornone-$u@example.test
msg "$good" refused | run_postern -C "$CFG" "$good" refused@example.test
is "$RC" 67 "refused recipient: exit 67"
like "$ERR" "refused@example.test.*550 5\.1\.1" "refused recipient: named with the server's reply"
ok $(not_delivered "$good"; echo $?) "refused recipient: nothing sent to the accepted one either"

# --- refused_recipients = skip
e2e_config "$TEST_TMP/skip.ini" "$SMARTHOST_PORT_SUBMIT" "refused_recipients = skip"
good=skip-$u@example.test
msg "$good" skip | run_postern -C "$TEST_TMP/skip.ini" "$good" refused@example.test
is "$RC" 0 "refused_recipients = skip: exit 0"
like "$ERR" "refused@example.test" "refused_recipients = skip: refused one named on stderr"
ok $([ -n "$(delivered "$good")" ]; echo $?) "refused_recipients = skip: the others get it"

# --- 4xx on RCPT is temporary
e2e_config "$TEST_TMP/never.ini" "$SMARTHOST_PORT_SUBMIT" "queue = never"
msg x tempfail | run_postern -C "$TEST_TMP/never.ini" tempfail@example.test
is "$RC" 75 "451 on RCPT with queue = never: exit 75"
like "$ERR" "451 4\.3\.0" "451 on RCPT: the server's reply is shown"

# --- SCRAM-SHA-256 and CRAM-MD5 against Postfix's Cyrus SASL; auto prefers SCRAM
for mech in scram-sha-256 cram-md5; do
	e2e_config "$TEST_TMP/$mech.ini" "$SMARTHOST_PORT_SUBMIT" "auth = $mech"
	to=$mech-$u@example.test
	msg "$to" "$mech" | run_postern -C "$TEST_TMP/$mech.ini" -v "$to"
	is "$RC" 0 "AUTH $mech: exit 0"
	like "$ERR" "--> AUTH $(echo "$mech" | tr a-z A-Z)" "AUTH $mech: the mechanism was used"
	unlike "$ERR" "$SMARTHOST_PASS" "AUTH $mech: password never printed"
	ok $([ -n "$(delivered "$to")" ]; echo $?) "AUTH $mech: delivered"
done
e2e_config "$TEST_TMP/auto.ini"
to=auto-$u@example.test
msg "$to" auto | run_postern -C "$TEST_TMP/auto.ini" -v "$to"
is "$RC" 0 "auth = auto: exit 0"
like "$ERR" "--> AUTH SCRAM-SHA-256 <redacted>" "auth = auto picks SCRAM-SHA-256 over PLAIN and LOGIN"
e2e_config "$TEST_TMP/scram-wrong.ini" "$SMARTHOST_PORT_SUBMIT" "auth = scram-sha-256"
sed -i 's/^password = .*/password = not-the-password/' "$TEST_TMP/scram-wrong.ini"
msg x scramwrong | run_postern -C "$TEST_TMP/scram-wrong.ini" scramwrong-$u@example.test
is "$RC" 77 "SCRAM-SHA-256 with a wrong password: exit 77"

# --- wrong password
e2e_config "$TEST_TMP/wrongpw.ini" "$SMARTHOST_PORT_SUBMIT" "auth = plain"
sed -i 's/^password = .*/password = not-the-password/' "$TEST_TMP/wrongpw.ini"
msg x wrongpw | run_postern -C "$TEST_TMP/wrongpw.ini" wrongpw-$u@example.test
is "$RC" 77 "wrong password: exit 77"
like "$ERR" "^postern: AUTH PLAIN: .*535" "wrong password: one line naming AUTH and the 535 reply"

# --- password_command
e2e_config "$TEST_TMP/cmd.ini"
sed -i "s/^password = .*/password_command = printf '%s\\\\nsecond line' $SMARTHOST_PASS/" "$TEST_TMP/cmd.ini"
to=pwcmd-$u@example.test
msg "$to" pwcmd | run_postern -C "$TEST_TMP/cmd.ini" "$to"
is "$RC" 0 "password_command: first line of its output is the password"

# --- too large for the server's SIZE
e2e_config "$TEST_TMP/small.ini" "$SMARTHOST_PORT_SMALL"
{ msg x big; head -c 150000 /dev/zero | tr '\0' 'x' | fold -w 76; } | run_postern -C "$TEST_TMP/small.ini" big-$u@example.test
is "$RC" 65 "message larger than the server's SIZE: exit 65"
like "$ERR" "SIZE: the message is [0-9]+ bytes, the server accepts at most 100000" "too large: both sizes named"

# --- a 20 MB message arrives whole
to=big-$u@example.test
{ printf 'From: demo@example.test\nTo: %s\nSubject: 20MB\n\n' "$to"; head -c 15000000 /dev/urandom | base64 -w 76; } >"$TEST_TMP/big.eml"
run_postern -C "$CFG" "$to" <"$TEST_TMP/big.eml"
is "$RC" 0 "20 MB message: exit 0"
f=$(delivered "$to" 60)
is "$(body_of "$f" | sha256sum)" "$(sed '1,/^$/d' "$TEST_TMP/big.eml" | sha256sum)" "20 MB message: body identical"

done_testing
