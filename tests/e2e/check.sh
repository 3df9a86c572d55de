# postern --check against the real Postfix: STARTTLS on the submission
# port and TLS from the start on the smtps port, authenticated and nothing
# sent; a wrong password gives a send's exit code and what to do; --all
# checks every account and says how many failed.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/e2e.sh"
e2e_setup
CFG=$TEST_TMP/check.ini
e2e_config "$CFG" "$SMARTHOST_PORT_SUBMIT" "tls_resume = yes"
{
	printf '\n[smtps]\nhost = 127.0.0.1\nport = %s\ntls = implicit\ntls_ca_file = %s\n' "$SMARTHOST_PORT_SMTPS" "$SMARTHOST_CA"
	printf 'from = demo@example.test\nuser = %s\npassword = %s\n' "$SMARTHOST_USER" "$SMARTHOST_PASS"
} >>"$CFG"

run_postern -C "$CFG" --check
printf '%s\n' "$OUT" | sed 's/^/# /'
is "$RC" 0 "--check (the default account, STARTTLS): exit 0"
like "$OUT" "^account test: 127\.0\.0\.1 port $SMARTHOST_PORT_SUBMIT, STARTTLS" "--check: the account and where it goes"
like "$OUT" "greeting: 220 .*ESMTP" "--check: Postfix's greeting"
like "$OUT" "TLS: TLSv1\.3, cipher TLS_" "--check: TLS 1.3 and its cipher"
like "$OUT" "certificate 0: CN=server" "--check: the server certificate"
like "$OUT" "issued by CN=postern test CA" "--check: its issuer"
like "$OUT" "expires 20[0-9-]+ [0-9:]+ UTC \(in [0-9]+ days\)" "--check: its expiry and the days left"
unlike "$OUT" "WARNING" "--check: no expiry warning for a certificate years from expiry"
like "$OUT" "extensions: .*PIPELINING.*AUTH SCRAM-SHA-256 .*CHUNKING" "--check: Postfix's extensions after TLS"
like "$OUT" "AUTH: offered SCRAM-SHA-256 CRAM-MD5 PLAIN LOGIN; postern uses SCRAM-SHA-256" "--check: the mechanism postern picks"
like "$OUT" "AUTH: 235 2\.7\.0" "--check: authenticated"
like "$OUT" "account test: all is well: authenticated, nothing was sent" "--check: all is well"
is "$ERR" "" "--check, all well: nothing on stderr"
# A second check gets the whole chain again: no resumed session.
run_postern -C "$CFG" --check
unlike "$OUT" "session resumed" "--check: a full handshake every time (tls_resume set), so the chain is shown"

run_postern -C "$CFG" --check smtps
is "$RC" 0 "--check smtps (TLS from the start): exit 0"
like "$OUT" "port $SMARTHOST_PORT_SMTPS, TLS from the start" "--check smtps: implicit TLS"
like "$OUT" "all is well" "--check smtps: all is well"

# Nothing reached a mailbox: --check sends nothing.
after=$(ls "$SMARTHOST_MAILDIR/new" 2>/dev/null | wc -l)
sed -i '0,/^password = .*/s//password = wrong-password/' "$CFG"
run_postern -C "$CFG" --check test
is "$RC" 77 "--check, wrong password: exit 77, as a send"
like "$OUT" "AUTH: 535 5\.7\.8" "--check, wrong password: Postfix's 535"
like "$OUT" "what to do: wrong user or password: check user = and password = in the configuration" "--check, wrong password (in the file): what to do names the file's password"
one_line_error() { is "$(printf '%s\n' "$ERR" | wc -l)" 1 "$1"; }
one_line_error "--check, wrong password: one line on stderr"

run_postern -C "$CFG" --check --all
is "$RC" 77 "--check --all, one account failing: exit 77"
like "$OUT" "account smtps: all is well" "--check --all: the good account checked too"
like "$ERR" "1 of 2 accounts failed" "--check --all: how many failed"
is "$(ls "$SMARTHOST_MAILDIR/new" 2>/dev/null | wc -l)" "$after" "--check: no message reached Postfix"

done_testing
