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

# --- the system trust store (no tls_ca_file): the hashed folder is asked
# first, the bundle file only when the folder lacks the issuer; both as
# OpenSSL names them (SSL_CERT_DIR, SSL_CERT_FILE)
grep -v '^tls_ca_file' "$CFG" >"$TEST_TMP/system.ini"
printf 'queue = never\ntls_resume = no\n' >>"$TEST_TMP/system.ini"
chmod 600 "$TEST_TMP/system.ini"
mkdir -p "$TEST_TMP/cadir" "$TEST_TMP/emptydir"
cp "$SMARTHOST_CA" "$TEST_TMP/cadir/ca.pem"
openssl rehash "$TEST_TMP/cadir" 2>/dev/null || c_rehash "$TEST_TMP/cadir" >/dev/null
msg "sysdir-$u@example.test" trust | SSL_CERT_DIR=$TEST_TMP/cadir SSL_CERT_FILE=/nonexistent \
	run_postern -C "$TEST_TMP/system.ini" "sysdir-$u@example.test"
is "$RC" 0 "system trust: the issuer in the hashed folder verifies (exit 0)"
msg "sysfile-$u@example.test" trust | SSL_CERT_DIR=$TEST_TMP/emptydir SSL_CERT_FILE=$SMARTHOST_CA \
	run_postern -C "$TEST_TMP/system.ini" "sysfile-$u@example.test"
is "$RC" 0 "system trust: an issuer only in the bundle file still verifies (exit 0)"
msg "sysnone-$u@example.test" trust | SSL_CERT_DIR=$TEST_TMP/emptydir SSL_CERT_FILE=/nonexistent \
	run_postern -C "$TEST_TMP/system.ini" "sysnone-$u@example.test"
is "$RC" 75 "system trust: an issuer in neither is not trusted (75)"
like "$ERR" "not trusted: unable to get local issuer certificate" "system trust: the error says the certificate is not trusted"
is "$(delivered "sysdir-$u@example.test" | wc -l)$(delivered "sysfile-$u@example.test" | wc -l)" 11 \
	"system trust: both trusted sends delivered"

# --- TLS session resumption: the second send resumes, the file is private
e2e_config "$TEST_TMP/resume.ini"
tlsdir=$XDG_STATE_HOME/postern/tls
rm -rf "$tlsdir"   # the sends above kept a session for this account already
for i in 1 2; do
	msg "resume$i-$u@example.test" resume | run_postern -C "$TEST_TMP/resume.ini" -v "resume$i-$u@example.test"
	eval "rc$i=\$RC err$i=\$ERR"
done
is "$rc1 $rc2" "0 0" "TLS resumption: two sends, exit 0 both"
unlike "$err1" "session resumed" "TLS resumption: the first send makes a full handshake"
like "$err2" "^--- TLS .*certificate verified for 127.0.0.1, session resumed" "TLS resumption: the second send resumes the session"
is "$(stat -c %a "$tlsdir"/tls-*.session 2>/dev/null | sort -u)" 600 "TLS resumption: the kept session is mode 0600"
is "$(stat -c %a "$tlsdir" 2>/dev/null)" 700 "TLS resumption: its folder is mode 0700"
f=$(ls "$tlsdir"/tls-*.session | head -n 1)
head -c 300 /dev/urandom >"$f"
msg x resume | run_postern -C "$TEST_TMP/resume.ini" -v "resume3-$u@example.test"
is "$RC" 0 "TLS resumption: a damaged session file is ignored (exit 0)"
unlike "$ERR" "session resumed" "TLS resumption: a damaged session file: a full handshake"
chmod 644 "$f"
msg x resume | run_postern -C "$TEST_TMP/resume.ini" -v "resume4-$u@example.test"
unlike "$ERR" "session resumed" "TLS resumption: a session file others can read is not used"
e2e_config "$TEST_TMP/noresume.ini" "$SMARTHOST_PORT_SMTPS" "tls = implicit" "tls_resume = no"
rm -rf "$tlsdir"
for i in 1 2; do msg x noresume | run_postern -C "$TEST_TMP/noresume.ini" -v "noresume$i-$u@example.test"; done
is "$RC" 0 "tls_resume = no: exit 0"
unlike "$ERR" "session resumed" "tls_resume = no: never resumed"
ok "$([ ! -e "$tlsdir" ] || [ -z "$(ls "$tlsdir")" ]; echo $?)" "tls_resume = no: no session kept"
e2e_config "$TEST_TMP/implicit-resume.ini" "$SMARTHOST_PORT_SMTPS" "tls = implicit"
for i in 1 2; do msg x implicit | run_postern -C "$TEST_TMP/implicit-resume.ini" -v "impresume$i-$u@example.test"; done
like "$ERR" "session resumed" "465 implicit TLS: the second send resumes too"
e2e_config "$TEST_TMP/other.ini" "$SMARTHOST_PORT_SMTPS" "tls = implicit"
sed -i 's/^\[test\]/[other]/; s/^account = test/account = other/' "$TEST_TMP/other.ini"
msg x other | run_postern -C "$TEST_TMP/other.ini" -v "other-$u@example.test"
unlike "$ERR" "session resumed" "another account to the same server does not use this account's session"

# --- stdout and stderr closed (GNU mailutils), with -v: the transcript must
# not go into the connection, which would otherwise take fd 2
to=closedfds-$u@example.test
msg "$to" closedfds | timeout 60 "$POSTERN" -C "$CFG" -v "$to" >&- 2>&-
is "$?" 0 "stdout and stderr closed, -v: exit 0"
ok $([ -n "$(delivered "$to")" ]; echo $?) "stdout and stderr closed, -v: delivered"

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
e2e_config "$TEST_TMP/scram-wrong.ini" "$SMARTHOST_PORT_SUBMIT" "auth = scram-sha-256" "queue = never"
sed -i 's/^password = .*/password = not-the-password/' "$TEST_TMP/scram-wrong.ini"
msg x scramwrong | run_postern -C "$TEST_TMP/scram-wrong.ini" scramwrong-$u@example.test
is "$RC" 77 "SCRAM-SHA-256 with a wrong password: exit 77"

# --- wrong password, queue = never (with the queue it is held: tests/e2e/held.sh)
e2e_config "$TEST_TMP/wrongpw.ini" "$SMARTHOST_PORT_SUBMIT" "auth = plain" "queue = never"
sed -i 's/^password = .*/password = not-the-password/' "$TEST_TMP/wrongpw.ini"
msg x wrongpw | run_postern -C "$TEST_TMP/wrongpw.ini" wrongpw-$u@example.test
is "$RC" 77 "wrong password: exit 77"
like "$ERR" "^postern: AUTH PLAIN: .*535" "wrong password: one line naming AUTH and the 535 reply"
ok "$([ ! -s "$HOME/dead.letter" ] || ! grep -q wrongpw "$HOME/dead.letter"; echo $?)" \
	"wrong password, queue = never: not in dead.letter (the credentials are to blame, not the message)"

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

# --- progress: a message over 1 MiB shows one line on a terminal, updated
# in place and erased at the end; nothing when stderr is not a terminal
{ printf 'Subject: big %s\n\n' "$u"; head -c 3000000 /dev/zero | tr '\0' 'x' | fold -w 76; } >"$TEST_TMP/big.eml"
if command -v script >/dev/null; then
	tty_out=$(script -qec "'$POSTERN' -C '$CFG' big-tty-$u@example.test <'$TEST_TMP/big.eml'; echo rc=\$?" /dev/null)
	like "$tty_out" "postern: sent [0-9.]+ of 3\.[0-9] MB \([0-9.]+ MB/s\)" "progress on a terminal: bytes sent and the rate"
	like "$tty_out" $'\r\033\\[K' "progress on a terminal: the line is erased at the end"
	like "$tty_out" "rc=0" "progress on a terminal: the message is sent"
fi
run_postern -C "$CFG" "big-pipe-$u@example.test" <"$TEST_TMP/big.eml"
is "$RC $ERR" "0 " "progress: nothing on stderr when it is not a terminal"

done_testing
