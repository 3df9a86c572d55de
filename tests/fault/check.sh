# postern --check against scripted servers, for what the real Postfix of
# the e2e tests does not do: a certificate about to expire, one for another
# name, Microsoft's 5.7.139, Gmail's app-password 534, no STARTTLS, nothing
# listening. Each failure exits as a send would and says what to do next.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/fault.sh"
certs=$(fault_certs)

# check SCENARIO [SERVER ARGS...]: runs postern --check against it.
check() {
	local scn=$1; shift
	fault_start "$scn" "$@" || { RC=-1; return; }
	CFG=$(fault_config "$FAULT_PORT" "${CHECK_TLS:-starttls}")
	run_postern -C "$CFG" --check
	fault_stop
}

# A certificate valid for five more days, signed by the test CA.
soon=$TEST_TMP/soon
(
	cd "$TEST_TMP" && umask 077 &&
	openssl req -newkey rsa:2048 -nodes -keyout soon.key -out soon.csr -subj "/CN=soon" 2>/dev/null &&
	printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >soon.ext &&
	openssl x509 -req -in soon.csr -CA "$certs/ca.pem" -CAkey "$certs/ca.key" -CAcreateserial \
		-CAserial soon.srl -out soon.pem -days 5 -extfile soon.ext 2>/dev/null
) || diag "could not make the short-lived certificate"

check check-ok --cert "$soon.pem" --key "$soon.key"
is "$RC" 0 "--check, all well: exit 0"
like "$OUT" "greeting: 220 fault\.test" "--check: the greeting"
like "$OUT" "TLS: TLSv1\.[23], cipher " "--check: the TLS version and cipher"
like "$OUT" "certificate 0: CN=soon" "--check: the server's certificate"
like "$OUT" "expires 20[0-9-]+ [0-9:]+ UTC \(in [45] days\): WARNING, renew it soon" \
	"--check: a certificate expiring within 14 days is flagged"
like "$OUT" "certificate check: verified" "--check: the certificate verified"
like "$OUT" "extensions: AUTH PLAIN LOGIN, 8BITMIME, ENHANCEDSTATUSCODES" "--check: the extensions after TLS"
like "$OUT" "AUTH: offered PLAIN LOGIN; postern uses PLAIN" "--check: the mechanisms offered and the one used"
like "$OUT" "AUTH: 235" "--check: authenticated"
like "$OUT" "all is well: authenticated, nothing was sent \(but a certificate expires soon" \
	"--check: all is well, with the expiry remembered"
like "$SERVER_LOG" "^QUIT" "--check: QUIT"
unlike "$SERVER_LOG" "^(MAIL|RCPT|DATA)" "--check: no MAIL, RCPT or DATA"

check starttls-wrong-cert --cert "$certs/wrong.pem" --key "$certs/wrong.key"
is "$RC" 75 "--check, a certificate for another name: exit 75, as a send"
like "$OUT" "names: wrong\.example\.invalid" "--check: the names the certificate is for"
like "$OUT" "SHA-256 \(for tls_fingerprint\): ([0-9A-F]{2}:){31}[0-9A-F]{2}" "--check: its fingerprint, ready for tls_fingerprint"
like "$OUT" "FAILED: .*[Cc]ertificate" "--check: the failure"
like "$OUT" "what to do: the certificate is not for host = 127\.0\.0\.1: set host to one of the names" \
	"--check: what to do about a name mismatch"
one_line_error "--check, wrong name: one line on stderr"

check check-basic-auth-off
is "$RC" 77 "--check, Microsoft's 535 5.7.139: exit 77"
like "$OUT" "what to do: Microsoft refuses passwords .*postern --authorize fault" \
	"--check, 5.7.139 basic authentication disabled: use OAuth2, with the account's name"

check check-app-password
is "$RC" 77 "--check, Gmail's 534 5.7.9: exit 77"
like "$OUT" "what to do: the provider wants an app password.*postern --store-password fault" \
	"--check, 534 5.7.9: an app password"

check starttls-not-offered
is "$RC" 69 "--check, no STARTTLS: exit 69, as a send"
like "$OUT" "what to do: on port 465 the account needs tls = implicit" "--check, no STARTTLS: try implicit TLS"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
CFG=$(fault_config "$port")
run_postern -C "$CFG" --check
is "$RC" 75 "--check, nothing listening: exit 75"
like "$OUT" "what to do: check host = 127\.0\.0\.1 and port = $port" "--check, nothing listening: check host and port"

run_postern -C "$CFG" --check nosuch
is "$RC" 78 "--check NAME of no account: exit 78"
like "$ERR" "no account named 'nosuch'" "--check NAME of no account: says so"
run_postern -C "$CFG" --all
is "$RC" 64 "--all without --check: a usage error"
run_postern -C "$CFG" --check fault --all
is "$RC" 64 "--check ACCOUNT --all: a usage error"

done_testing
