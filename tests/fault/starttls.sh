#!/usr/bin/env bash
# Fault tests: STARTTLS missing, refused, attacked, or with the wrong certificate.
# Each checks the exit code, the one-line error, and that neither credentials
# nor the envelope ever reached the server.
. "$(dirname "$0")/../lib/common.sh"
. "$TOP/tests/lib/fault.sh"

# Client lines that must never appear before TLS is up.
LEAK='^(AUTH|MAIL|RCPT)'

fault_run starttls-not-offered
is "$RC" 75 "STARTTLS not offered: exit 75 (the server's fault: kept, not buried)"
one_line_error "STARTTLS not offered: one-line error"
like "$ERR" '(STARTTLS|TLS).*(not|no|without)|(not|no|without).*(STARTTLS|TLS)' \
	"STARTTLS not offered: the error says TLS is not offered"
unlike "$SERVER_CMDS" "$LEAK" "STARTTLS not offered: no AUTH, MAIL or RCPT sent"

fault_run starttls-refused
is "$RC" 75 "STARTTLS refused with 454: exit 75 (temporary)"
one_line_error "STARTTLS refused: one-line error"
like "$ERR" '454' "STARTTLS refused: the error quotes the server's 454 reply"
unlike "$SERVER_CMDS" "$LEAK" "STARTTLS refused: no AUTH, MAIL or RCPT sent"

fault_run starttls-injection
is "$RC" 75 "plaintext injected after the 220 to STARTTLS: exit 75 (kept, not buried)"
one_line_error "STARTTLS injection: one-line error"
like "$ERR" '[Ii]nject|[Uu]nexpected' "STARTTLS injection: the error says injected/unexpected data"
unlike "$SERVER_CMDS" "$LEAK" "STARTTLS injection: no AUTH, MAIL or RCPT sent"
unlike "$SERVER_LOG" '^## TLS started' "STARTTLS injection: the client does not go on with TLS"

fault_run starttls-injection-split
is "$RC" 75 "plaintext injected after STARTTLS's 220 in a later segment: exit 75 (kept, not buried)"
one_line_error "split STARTTLS injection: one-line error"
like "$ERR" '[Ii]nject|plaintext' "split STARTTLS injection: the error names it"
unlike "$SERVER_CMDS" "$LEAK" "split STARTTLS injection: no AUTH, MAIL or RCPT sent"

fault_run starttls-wrong-cert --cert "$FAULT_CERTS/wrong.pem" --key "$FAULT_CERTS/wrong.key"
is "$RC" 75 "certificate for another host: exit 75 (temporary)"
one_line_error "wrong-host certificate: one-line error"
like "$ERR" '[Cc]ertificate' "wrong-host certificate: the error mentions the certificate"
like "$SERVER_LOG" '^## TLS handshake failed' "wrong-host certificate: the client aborts the handshake"
unlike "$SERVER_CMDS" "$LEAK" "wrong-host certificate: no AUTH, MAIL or RCPT sent"

FAULT_TLS=implicit
fault_run starttls-wrong-cert --implicit-tls --cert "$FAULT_CERTS/wrong.pem" --key "$FAULT_CERTS/wrong.key"
is "$RC" 75 "implicit TLS, certificate for another host: exit 75"
like "$ERR" '[Cc]ertificate' "implicit TLS wrong-host certificate: the error mentions the certificate"
unlike "$SERVER_CMDS" '^(EHLO|AUTH|MAIL)' "implicit TLS wrong-host certificate: nothing sent"
FAULT_TLS=

# A kept TLS session the server no longer knows (each run of the scripted
# server has new ticket keys) costs a full handshake, nothing else.
rm -rf "$XDG_STATE_HOME/postern/tls"
FAULT_ARGS=(-v)
fault_run success
is "$RC" 0 "first session: exit 0"
ls "$XDG_STATE_HOME"/postern/tls/tls-*.session >/dev/null 2>&1; ok $? "first session: the server's ticket is kept"
fault_run success
is "$RC" 0 "a ticket the server cannot use: exit 0"
is "$FAULT_RC" 0 "a ticket the server cannot use: the whole session ran"
unlike "$ERR" "session resumed" "a ticket the server cannot use: a full handshake instead"
like "$ERR" "certificate verified for 127.0.0.1" "a ticket the server cannot use: the certificate is verified again"
FAULT_ARGS=()

done_testing
