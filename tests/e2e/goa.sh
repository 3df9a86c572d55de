# oauth_provider = goa: the token comes from GNOME Online Accounts. The
# real goa-daemon needs the real providers, so a D-Bus service of the
# tests' own (tests/lib/fakebus.py) implements the same interfaces on a
# private session bus; the message goes over XOAUTH2/OAUTHBEARER to the
# OAuth SMTP server of the tests (npm smtp-server). GOA absent, the account
# missing, its mail switched off, or no token: one line each, and the
# message held (queue = auto) rather than lost.
. "$TOP/tests/lib/keyring.sh"   # a private session bus
[ -d "$TOP/tests/node/node_modules/smtp-server" ] ||
	{ echo "Bail out! tests/node/node_modules is missing (make deps runs npm ci)"; exit 1; }
export XDG_STATE_HOME=$TEST_TMP/home/.local/state
CERTS=$TEST_TMP/certs
bash "$TOP/tests/lib/mkcerts.sh" "$CERTS"
MBOX=$TEST_TMP/mbox SLOG=$TEST_TMP/smtp.log TOKENS=$TEST_TMP/tokens
: >"$MBOX"
u=$$
printf 'goa-token-%s %s\n' "$u" $(( $(date +%s) + 3600 )) >"$TOKENS"
node "$TOP/tests/lib/oauth_smtp.js" --port 0 --cert "$CERTS/server.pem" --key "$CERTS/server.key" \
	--tokens "$TOKENS" --mailbox "$MBOX" --log "$SLOG" 2>"$TEST_TMP/smtp.err" &
smtp=$!
at_exit "kill $smtp 2>/dev/null"
for _ in $(seq 100); do [ -s "$SLOG.port" ] && break; sleep 0.1; done
cat >"$TEST_TMP/accounts.json" <<JSON
[{"id": "account_1", "provider": "google", "email": "me@example.test", "token": "goa-token-$u"},
 {"id": "account_2", "provider": "ms_graph", "email": "off@example.test", "token": "x", "mail_disabled": true},
 {"id": "account_3", "provider": "google", "email": "signedout@example.test", "token": "x",
  "token_error": "Failed to refresh access token: the grant was revoked"},
 {"id": "account_4", "provider": "google", "email": "offline@example.test", "token": "x",
  "token_error": "Could not resolve host", "token_error_name": "org.gnome.OnlineAccounts.Error.Failed"}]
JSON

# config FILE USER [LINES...]
config() {
	local f=$1 user=$2
	shift 2
	{
		printf '[goa]\nhost = 127.0.0.1\nport = %s\ntls_ca_file = %s\n' "$(cat "$SLOG.port")" "$CERTS/ca.pem"
		printf 'user = %s\nfrom = %s\noauth_provider = goa\ntimeout = 10\n' "$user" "$user"
		for l in "$@"; do echo "$l"; done
	} >"$f"
	chmod 600 "$f"
}
msg() { printf 'From: me@example.test\nTo: %s\nSubject: %s\n\ngoa body\n' "$1" "$2"; }
CFG=$TEST_TMP/goa.ini
config "$CFG" me@example.test "queue = never"

# --- GOA absent
msg to@example.test "absent-$u" | run_postern -C "$CFG" to@example.test
is "$RC" 77 "GOA absent, queue = never: exit 77"
like "$ERR" "^postern: GNOME Online Accounts is not there \(no org\.gnome\.OnlineAccounts on the session bus\): add the account in GNOME Settings" \
	"GOA absent: one line saying so and what to do"

/usr/bin/python3 "$TOP/tests/lib/fakebus.py" goa "$TEST_TMP/accounts.json" "$TEST_TMP/goa.log" "$TEST_TMP/goa.ready" &
goa=$!
at_exit "kill $goa 2>/dev/null"
for _ in $(seq 100); do [ -e "$TEST_TMP/goa.ready" ] && break; sleep 0.1; done
ok "$([ -e "$TEST_TMP/goa.ready" ]; echo $?)" "the test's GNOME Online Accounts service owns org.gnome.OnlineAccounts"

# --- the token from GOA, the message over OAuth2
msg to-$u@example.test "goa-$u" | run_postern -C "$CFG" -v "to-$u@example.test"
is "$RC" 0 "oauth_provider = goa: exit 0"
like "$ERR" "GNOME Online Accounts: a token for me@example\.test \(/org/gnome/OnlineAccounts/Accounts/account_1\)" \
	"-v: the token came from the GOA account matched by its address"
like "$(grep '"mech"' "$SLOG" | tail -n 1)" '"ok":true' "the SMTP server accepted the GOA token"
is "$(grep -c "^Subject: goa-$u\$" "$MBOX")" 1 "delivered over OAuth2"
unlike "$ERR" "goa-token-$u" "-v: the token is never shown"
like "$(cat "$TEST_TMP/goa.log")" '"method": "GetAccessToken", "account": "account_1"' "OAuth2Based.GetAccessToken was called"
run_postern -C "$CFG" --check
is "$RC" 0 "--check with a GOA account: exit 0"
like "$OUT" "all is well: authenticated" "--check with a GOA account: authenticated"

# --- the account missing, its mail off, signed out
config "$TEST_TMP/missing.ini" other@example.test "queue = never"
msg x "missing-$u" | run_postern -C "$TEST_TMP/missing.ini" x@example.test
is "$RC" 77 "no GOA account for the address: exit 77"
like "$ERR" "^postern: GNOME Online Accounts has no account for other@example\.test: add it in GNOME Settings, Online Accounts\$" \
	"no GOA account for the address: one line"
config "$TEST_TMP/off.ini" off@example.test "queue = never"
msg x "off-$u" | run_postern -C "$TEST_TMP/off.ini" x@example.test
is "$RC" 77 "GOA account with Mail off: exit 77"
like "$ERR" "has Mail switched off: switch it on in GNOME Settings" "GOA account with Mail off: says where to switch it on"
config "$TEST_TMP/out.ini" signedout@example.test
msg x "out-$u" | run_postern -C "$TEST_TMP/out.ini" x@example.test
is "$RC" 0 "GOA cannot give a token, queue = auto: exit 0 (held)"
like "$ERR" "^postern: held .*GNOME Online Accounts gave no token for signedout@example\.test: .*the grant was revoked.*; fix it in GNOME Settings \(Online Accounts\), then run postern -q --release goa" \
	"GOA cannot give a token: held, with where to fix it"

# GOA cannot refresh now (offline): a temporary failure, queued, not held.
config "$TEST_TMP/offline.ini" offline@example.test
msg x "offline-$u" | run_postern -C "$TEST_TMP/offline.ini" x@example.test
is "$RC" 0 "GOA cannot refresh now (offline): exit 0"
like "$ERR" "^postern: queued .*GNOME Online Accounts gave no token for offline@example\.test now: .*Could not resolve host; will retry" \
	"GOA cannot refresh now: queued for a retry, not held"

run_postern -C "$CFG" --authorize goa
is "$RC" 64 "--authorize with oauth_provider = goa: a usage error"
like "$ERR" "GNOME Online Accounts holds the sign-in" "--authorize with goa: says why"
printf '[g]\nhost = h\nuser = u@x.y\noauth_provider = goa\noauth_client_id = x\n' >"$TEST_TMP/cid.ini"
chmod 600 "$TEST_TMP/cid.ini"
run_postern -C "$TEST_TMP/cid.ini" -bi
is "$RC" 78 "oauth_client_id with goa: a configuration error"
like "$ERR" "not used with oauth_provider = goa" "oauth_client_id with goa: says why"

done_testing
