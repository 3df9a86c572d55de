# End to end: OAuth2. A token endpoint of our own over HTTPS on loopback
# (tests/lib/oauth_server.py: refresh with rotation, authorization code +
# PKCE, device grant, and its failures), a real SMTP server speaking XOAUTH2
# and OAUTHBEARER (npm smtp-server, tests/lib/oauth_smtp.js), and a real
# keyring (a private gnome-keyring-daemon) that holds the tokens.
. "$TOP/tests/lib/keyring.sh"
export XDG_STATE_HOME=$TEST_TMP/home/.local/state
for c in node python3 curl; do
	command -v "$c" >/dev/null || { echo "Bail out! $c is missing (make deps)"; exit 1; }
done
[ -d "$TOP/tests/node/node_modules/smtp-server" ] ||
	{ echo "Bail out! tests/node/node_modules is missing (make deps runs npm ci)"; exit 1; }
keyring_start

CERTS=$TEST_TMP/certs
bash "$TOP/tests/lib/mkcerts.sh" "$CERTS"
D=$TEST_TMP/oauth
MBOX=$TEST_TMP/mbox
SLOG=$TEST_TMP/smtp.log
mkdir -p "$D"
: >"$MBOX"

wait_file() { # wait_file PATH: up to 10 s
	for _ in $(seq 100); do [ -s "$1" ] && return 0; sleep 0.1; done
	return 1
}
python3 "$TOP/tests/lib/oauth_server.py" --dir "$D" --port 0 --cert "$CERTS/server.pem" \
	--key "$CERTS/server.key" 2>"$TEST_TMP/oauth_server.err" &
pids=$!
node "$TOP/tests/lib/oauth_smtp.js" --port 0 --cert "$CERTS/server.pem" --key "$CERTS/server.key" \
	--tokens "$D/access_tokens" --mailbox "$MBOX" --log "$SLOG" 2>"$TEST_TMP/smtp.err" &
pids="$pids $!"
node "$TOP/tests/lib/oauth_smtp.js" --port 0 --cert "$CERTS/server.pem" --key "$CERTS/server.key" \
	--tokens "$D/access_tokens" --mailbox "$MBOX" --log "$SLOG.plain" --mechs XOAUTH2,PLAIN \
	2>>"$TEST_TMP/smtp.err" &
pids="$pids $!"
at_exit 'kill $pids 2>/dev/null'
wait_file "$D/port" && wait_file "$SLOG.port" && wait_file "$SLOG.plain.port"
ok $? "the HTTPS token endpoint and the XOAUTH2/OAUTHBEARER SMTP server listen on loopback"
TOK=https://127.0.0.1:$(cat "$D/port")
SMTP_PORT=$(cat "$SLOG.port")
USER_ADDR=me@example.test

# config FILE ACCOUNT-LINES...: one account "test" at the SMTP server.
config() {
	local file=$1
	shift
	{
		printf '[postern]\naccount = test\n\n[test]\nhost = 127.0.0.1\nport = %s\n' "$SMTP_PORT"
		printf 'tls_ca_file = %s\nfrom = %s\nuser = %s\ntimeout = 10\nqueue = never\n' \
			"$CERTS/ca.pem" "$USER_ADDR" "$USER_ADDR"
		printf 'oauth_provider = custom\noauth_client_id = postern-test\n'
		printf 'oauth_token_url = %s/token\noauth_auth_url = %s/auth\n' "$TOK" "$TOK"
		printf 'oauth_device_url = %s/device\noauth_scope = https://mail.google.com/\n' "$TOK"
		printf 'oauth_tls_ca_file = %s\n' "$CERTS/ca.pem"
		for l in "$@"; do echo "$l"; done
	} >"$file"
	chmod 600 "$file"
}
CFG=$TEST_TMP/oauth.ini
config "$CFG"
u=$$
msg() { printf 'From: %s\nTo: %s\nSubject: %s\n\noauth body\n' "$USER_ADDR" "$1" "$2"; }
in_mbox() { grep -c "^Subject: $1\$" "$MBOX"; }
grants() { grep -c "\"grant_type\": \"$1\"" "$D/requests.log" 2>/dev/null; }
last_auth() { grep '"mech"' "$SLOG" | tail -n 1; }

# --- before --authorize: no token
msg "a@example.test" "none-$u" | run_postern -C "$CFG" a@example.test
is "$RC" 77 "no token stored yet: exit 77"
like "$ERR" "no token stored for account test: run postern --authorize test" \
	"no token stored yet: the message says to run --authorize"

# --- --authorize with the device grant (RFC 8628): pending, slow_down, then ok
echo "pending slow_down ok" >"$D/device_script"
run_postern -C "$CFG" --authorize test --device
is "$RC" 0 "--authorize --device: exit 0"
like "$ERR" "visit https://127\.0\.0\.1:[0-9]+/verify on any device and enter the code ABCD-EFGH" \
	"--authorize --device: shows the address and the user code"
like "$OUT" "authorized account test" "--authorize --device: says it is done"
is "$(grants 'urn:ietf:params:oauth:grant-type:device_code')" 3 \
	"--authorize --device: polled through authorization_pending and slow_down (3 polls)"
slow=$(grep 'grant-type:device_code' "$D/requests.log" | python3 -c '
import json, sys
t = [json.loads(l)["time"] for l in sys.stdin]
print(int(t[2] - t[1]))')
ok $([ "$slow" -ge 5 ]; echo $?) "--authorize --device: slow_down adds 5 s to the interval (${slow}s)"
label=$(secret-tool search --all host 127.0.0.1 protocol oauth2 2>&1 | grep '^label')
like "$label" "postern: test OAuth2 token \(127\.0\.0\.1\)" "the tokens are one keyring item named for the account"
refresh_token=$(head -n 1 "$D/refresh_tokens")
item=$(secret-tool search --all host 127.0.0.1 protocol oauth2 2>&1)
like "$item" "\"refresh_token\":\"$refresh_token\"" "the keyring item holds the refresh token"

# --- sending with the cached access token: no refresh, OAUTHBEARER preferred
to=cached-$u@example.test
msg "$to" "cached-$u" | run_postern -C "$CFG" -v "$to"
is "$RC" 0 "cached access token: exit 0"
is "$(in_mbox "cached-$u")" 1 "cached access token: delivered"
like "$(last_auth)" '"mech":"OAUTHBEARER".*"ok":true' "auth = auto picks OAUTHBEARER over XOAUTH2"
is "$(grants refresh_token)" 0 "cached access token: no refresh request"
like "$ERR" "AUTH OAUTHBEARER <redacted>" "the -v transcript redacts the OAUTHBEARER response"
access=$(awk '{print $1}' "$D/access_tokens" | tail -n 1)
unlike "$ERR" "$access" "the -v transcript never holds the access token"
unlike "$ERR" "$refresh_token" "the -v transcript never holds the refresh token"

# --check with the OAuth2 account: the mechanism it picks, authenticated, nothing sent
run_postern -C "$CFG" --check
is "$RC" 0 "--check, OAuth2 account: exit 0"
like "$OUT" "AUTH: offered .*; postern uses OAUTHBEARER" "--check, OAuth2 account: OAUTHBEARER is the one postern uses"
like "$OUT" "all is well: authenticated" "--check, OAuth2 account: authenticated with the access token"
unlike "$OUT$ERR" "$access" "--check: the access token is shown nowhere"

config "$CFG.xo" "auth = xoauth2"
msg "$to" "xoauth2-$u" | run_postern -C "$CFG.xo" "$to"
is "$RC" 0 "auth = xoauth2: exit 0"
like "$(last_auth)" '"mech":"XOAUTH2".*"ok":true' "auth = xoauth2: XOAUTH2 used"
is "$(in_mbox "xoauth2-$u")" 1 "auth = xoauth2: delivered"

sed "s/^port = .*/port = $(cat "$SLOG.plain.port")/" "$CFG" >"$CFG.plain"
chmod 600 "$CFG.plain"
msg "$to" "plain-$u" | run_postern -C "$CFG.plain" "$to"
is "$RC" 0 "PLAIN and XOAUTH2 offered: exit 0"
like "$(grep '"mech"' "$SLOG.plain" | tail -n 1)" '"mech":"XOAUTH2"' \
	"PLAIN and XOAUTH2 offered: an OAuth2 account uses XOAUTH2"

# --- a rejected token: one refresh, one retry, through the 334 error challenge
: >"$D/access_tokens"
msg "$to" "rejected-$u" | run_postern -C "$CFG" -v "$to"
is "$RC" 0 "token rejected by the server: refreshed and sent (exit 0)"
is "$(in_mbox "rejected-$u")" 1 "token rejected: delivered once"
is "$(grants refresh_token)" 1 "token rejected: exactly one refresh"
like "$(grep '"mech"' "$SLOG" | tail -n 2 | head -n 1)" '"ok":false.*"error_reply":"AQ=="' \
	"token rejected: the 334 error challenge was answered with AQ== (RFC 7628)"
like "$ERR" "refreshing it and trying once more" "token rejected: -v says it refreshes"

: >"$D/access_tokens"
msg "$to" "rejected-xo-$u" | run_postern -C "$CFG.xo" "$to"
is "$RC" 0 "XOAUTH2 token rejected: refreshed and sent"
like "$(grep '"mech"' "$SLOG" | tail -n 2 | head -n 1)" '"mech":"XOAUTH2".*"ok":false.*"error_reply":""' \
	"XOAUTH2 token rejected: the error challenge was answered with an empty line"

# A server that keeps refusing fresh tokens: one retry only, then 77.
echo "-5" >"$D/expires_in"
: >"$D/access_tokens"
n0=$(grants refresh_token)
msg "$to" "never-$u" | run_postern -C "$CFG" "$to"
is "$RC" 77 "every token refused: exit 77"
like "$ERR" "refused the OAuth2 access token \(status 401\)" "every token refused: the message says so"
is "$(( $(grants refresh_token) - n0 ))" 1 "every token refused: one refresh, not a loop"
rm -f "$D/expires_in"

# --- an expired token is refreshed before sending; a rotated refresh token is kept
echo 100 >"$D/expires_in"   # under the 5-minute margin: every send refreshes
touch "$D/rotate"
n0=$(grants refresh_token)
for i in 1 2; do
	msg "$to" "rotate$i-$u" | run_postern -C "$CFG" "$to"
	is "$RC" 0 "expiring token, rotation, send $i: exit 0"
done
is "$(( $(grants refresh_token) - n0 ))" 2 "expiring token: refreshed before each send"
is "$(in_mbox "rotate2-$u")" 1 "the second send used the rotated refresh token: delivered"

# Two processes refresh at once (the endpoint takes 1 s): the lock serialises
# them; the second finds the first's fresh token and the rotated one is kept.
rm -f "$D/expires_in"
echo 1 >"$D/delay"
: >"$D/access_tokens"   # the server refuses the cached token: both must refresh
echo 100 >"$D/expires_in"
msg "$to" "warm-$u" | run_postern -C "$CFG" "$to"   # stored token now expires soon
rm -f "$D/expires_in"
n0=$(grants refresh_token)
msg "$to" "race1-$u" | RUN_TIMEOUT=60 timeout 60 "$POSTERN" -C "$CFG" "$to" >/dev/null 2>"$TEST_TMP/race1" &
p1=$!
msg "$to" "race2-$u" | RUN_TIMEOUT=60 timeout 60 "$POSTERN" -C "$CFG" "$to" >/dev/null 2>"$TEST_TMP/race2" &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
is "$r1:$r2" "0:0" "two concurrent refreshes with rotation: both sent ($(cat "$TEST_TMP/race1" "$TEST_TMP/race2"))"
is "$(( $(in_mbox "race1-$u") + $(in_mbox "race2-$u") ))" 2 "two concurrent refreshes: both delivered"
is "$(( $(grants refresh_token) - n0 ))" 1 "two concurrent refreshes: one refresh, the other used its token"
rm -f "$D/delay"
: >"$D/access_tokens"
msg "$to" "after-race-$u" | run_postern -C "$CFG" "$to"
is "$RC" 0 "after the race the stored (rotated) refresh token still works"
rm -f "$D/rotate"

# --- Microsoft-sized tokens go in two steps (the AUTH line would pass 512)
echo 1800 >"$D/token_length"
: >"$D/access_tokens"
msg "$to" "long-$u" | run_postern -C "$CFG" "$to"
is "$RC" 0 "an 1800-character token: exit 0"
like "$(last_auth)" '"ok":true,"two_step":true' "an 1800-character token: AUTH OAUTHBEARER, then the response alone"
is "$(in_mbox "long-$u")" 1 "an 1800-character token: delivered"
rm -f "$D/token_length"

# --- the token endpoint fails: temporary unless it says the grant is gone
expire() { echo -5 >"$D/expires_in"; : >"$D/access_tokens"; msg x "expire-$1" | run_postern -C "$CFG" x@example.test; rm -f "$D/expires_in"; }
for m in garbage error500 huge ratelimit forbidden_html; do
	expire "$m"
	echo "$m" >"$D/mode"
	msg "$to" "$m-$u" | run_postern -C "$CFG" "$to"
	is "$RC" 75 "token endpoint answers '$m': temporary failure (75)"
	is "$(printf '%s\n' "$ERR" | wc -l)" 1 "token endpoint answers '$m': one line ($ERR)"
	rm -f "$D/mode"
done
like "$(expire x; echo garbage >"$D/mode"; msg "$to" g | run_postern -C "$CFG" "$to"; rm -f "$D/mode"; echo "$ERR")" \
	"not a JSON object" "a captive portal's HTML: the message says the answer is not JSON"

config "$CFG.slow" "auth = auto" && sed -i 's/^timeout = 10/timeout = 2/' "$CFG.slow"
echo slow >"$D/mode"
start=$(date +%s)
msg "$to" "slow-$u" | run_postern -C "$CFG.slow" "$to"
took=$(( $(date +%s) - start ))
is "$RC" 75 "a token endpoint that never answers: 75"
ok $([ "$took" -lt 10 ]; echo $?) "a token endpoint that never answers: given up at the timeout (${took}s)"
rm -f "$D/mode"

# The refresh token revoked: exit 77 and what to do.
refresh_before=$(cat "$D/refresh_tokens")
: >"$D/refresh_tokens"
msg "$to" "revoked-$u" | run_postern -C "$CFG" "$to"
is "$RC" 77 "refresh token revoked (invalid_grant): exit 77"
like "$ERR" "invalid_grant.*run postern --authorize test again" "invalid_grant: says to run --authorize again"
run_postern -C "$CFG" --check
is "$RC" 77 "--check, refresh token revoked: exit 77"
like "$OUT" "what to do: the sign-in has expired or was revoked: run postern --authorize test" \
	"--check, invalid_grant: what to do"
# The same with queue = auto: held, not buried; --authorize releases it.
config "$CFG.auto"
sed -i 's/^queue = never/queue = auto/' "$CFG.auto"
to=heldoauth-$u@example.test
msg "$to" "heldoauth-$u" | run_postern -C "$CFG.auto" "$to"
is "$RC" 0 "invalid_grant, queue = auto: exit 0 (held)"
like "$ERR" "^postern: held .*invalid_grant.*; fix it with postern --authorize test, then the message goes by itself" \
	"invalid_grant, queue = auto: held, with the fix"
is "$(in_mbox "heldoauth-$u")" 0 "invalid_grant: not sent"
ok "$([ ! -e "$HOME/dead.letter" ] || ! grep -q "heldoauth-$u" "$HOME/dead.letter"; echo $?)" \
	"invalid_grant: not in dead.letter"
echo ok >"$D/device_script"
run_postern -C "$CFG.auto" --authorize test --device
is "$RC" 0 "--authorize after invalid_grant: exit 0"
like "$OUT" "released 1 message held for account test; sending now" "--authorize: releases the held message"
is "$(in_mbox "heldoauth-$u")" 1 "--authorize: the held message delivered once"
# The earlier refresh token is valid again, next to the new one.
printf '%s\n' "$refresh_before" >>"$D/refresh_tokens"

# --- --authorize with the authorization code, PKCE and a loopback redirect
authorize_code() { # authorize_code [--paste]: runs postern, plays the browser
	rm -f "$TEST_TMP/az.err"
	if [ "${1:-}" = --paste ]; then
		mkfifo "$TEST_TMP/paste" 2>/dev/null
		timeout 60 "$POSTERN" -C "$CFG.code" --authorize test --paste <"$TEST_TMP/paste" \
			>"$TEST_TMP/az.out" 2>"$TEST_TMP/az.err" &
		exec 7>"$TEST_TMP/paste"
	else
		timeout 60 "$POSTERN" -C "$CFG.code" --authorize test >"$TEST_TMP/az.out" 2>"$TEST_TMP/az.err" &
	fi
	azpid=$!
	for _ in $(seq 100); do grep -q "^$TOK/auth?" "$TEST_TMP/az.err" 2>/dev/null && break; sleep 0.1; done
	url=$(grep "^$TOK/auth?" "$TEST_TMP/az.err")
	location=$(curl -s --cacert "$CERTS/ca.pem" -o /dev/null -w '%{redirect_url}' "$url")
	listener=${location%%\?*}
	if [ "${1:-}" != --paste ]; then   # strays and forgeries first: turned away
		port=${listener##*:}; port=${port%%/*}
		# Idle connections from another local user: they hold up nothing
		# (each used to cost 10 s, one after another).
		exec 4<>"/dev/tcp/127.0.0.1/$port" 5<>"/dev/tcp/127.0.0.1/$port" 6<>"/dev/tcp/127.0.0.1/$port"
		forged=$(for q in "code=x&state=" "error=x" "code=x&state=wrong" "" ; do
			curl -s -o /dev/null -w '%{http_code} ' --max-time 5 "$listener?$q"; done)
	fi
	if [ "${1:-}" = --paste ]; then
		printf '%s\n' "$location" >&7
		exec 7>&-
	else
		page=$(curl -s --max-time 10 "$location")
		exec 4>&- 5>&- 6>&-
	fi
	wait $azpid
	RC=$?
	ERR=$(cat "$TEST_TMP/az.err")
	OUT=$(cat "$TEST_TMP/az.out")
}
config "$CFG.code"   # no device endpoint: a custom provider signs in with the browser
sed -i '/^oauth_device_url/d' "$CFG.code"
authorize_code
is "$RC" 0 "--authorize (code + PKCE, loopback redirect): exit 0"
like "$url" "code_challenge_method=S256" "the authorization address asks for PKCE S256"
like "$url" "redirect_uri=http%3A%2F%2F127\.0\.0\.1%3A[0-9]+%2F" "the redirect goes to 127.0.0.1 on a random port"
like "$url" "access_type=offline&prompt=consent" "the address asks for offline access (Google's refresh token)"
like "$page" "you may close this page" "the browser is told the answer arrived"
is "$forged" "400 400 400 400 " "requests without this sign-in's state are turned away at once, three idle connections notwithstanding; the wait goes on"
unlike "$url" '\?&|&&' "the authorization address has no empty parameter"
like "$(grep '"authorization_code"' "$D/requests.log" | tail -n 1)" '"code_verifier": "[A-Za-z0-9_-]{43,128}"' \
	"the code is exchanged with the PKCE verifier (the endpoint checked S256)"
: >"$D/access_tokens"
echo 3600 >"$D/expires_in"
msg "$to" "code-$u" | run_postern -C "$CFG.code" "$to"
is "$RC" 0 "after the browser sign-in: sent"
rm -f "$D/expires_in"

authorize_code --paste
is "$RC" 0 "--authorize --paste: the pasted address completes the sign-in"
like "$ERR" "paste it here" "--authorize --paste: asks for the address"

touch "$D/wrong_state"
authorize_code --paste
is "$RC" 76 "a pasted address with another state: refused (76)"
like "$ERR" "state does not match" "a pasted address with another state: the message says so"
rm -f "$D/wrong_state"
touch "$D/deny"
authorize_code
is "$RC" 77 "the user declines in the browser: 77"
like "$ERR" "the provider refused: access_denied" "the user declines: the message names access_denied"
rm -f "$D/deny"

# --- the device grant rides out a failing server (RFC 8628: back off, go on)
echo "pending error500 ok" >"$D/device_script"
run_postern -C "$CFG" --authorize test --device
is "$RC" 0 "--authorize --device: a 500 while polling is waited out, not fatal"

# --- device grant failures
for w in denied:declined expired:expired; do
	echo "pending ${w%%:*}" >"$D/device_script"
	run_postern -C "$CFG" --authorize test --device
	is "$RC" 77 "--authorize --device, ${w%%:*}: 77"
	like "$ERR" "${w#*:}" "--authorize --device, ${w%%:*}: the message says ${w#*:}"
done
# The provider's text reaches the terminal with printable characters only.
echo "ok" >"$D/device_script"
: >"$D/hostile_device"
run_postern -C "$CFG" --authorize test --device
rm -f "$D/hostile_device"
is "$RC" 0 "--authorize --device, escape sequences in the address and code: exit 0"
like "$ERR" "verify\?\]0;owned\?\?\[2J on any device and enter the code ABCD\?\[31m-EFGH\?\?, " \
	"--authorize --device: the address and code are shown with '?' for each unsafe byte"
ok $(printf '%s' "$ERR" | LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f-\xff]'; [ $? = 1 ]; echo $?) \
	"--authorize --device: no control byte reaches the terminal"
rm -f "$D/device_script"

# --- a client secret from the keyring (--store-password on an OAuth2 account)
printf 's3cret' >"$D/client_secret"
expire secret1
msg "$to" "nosecret-$u" | run_postern -C "$CFG" "$to"
is "$RC" 78 "the endpoint wants a client secret postern lacks: 78"
like "$ERR" "invalid_client.*oauth_client_secret" "no client secret: the message names oauth_client_secret"
printf 's3cret\n' | run_postern -C "$CFG" --store-password test
is "$RC" 0 "--store-password on an OAuth2 account stores the client secret"
like "$OUT" "stored the OAuth2 client secret" "--store-password says it stored the client secret"
msg "$to" "secret-$u" | run_postern -C "$CFG" "$to"
is "$RC" 0 "the client secret from the keyring goes with the refresh"
like "$(grep '"refresh_token"' "$D/requests.log" | tail -n 1)" '"client_secret": "s3cret"' \
	"the refresh request carries the client secret"
rm -f "$D/client_secret"

# --- --forget-password takes the tokens (and the client secret) away
run_postern -C "$CFG" --forget-password test
is "$RC" 0 "--forget-password on an OAuth2 account: exit 0"
like "$OUT" "forgot the OAuth2 tokens" "--forget-password: says the tokens are gone"
msg "$to" "forgot-$u" | run_postern -C "$CFG" "$to"
is "$RC" 77 "after --forget-password: no token (77)"

# --- secret_store = file: the tokens in a private file, not the keyring
config "$CFG.file" "secret_store = file"
echo ok >"$D/device_script"
run_postern -C "$CFG.file" --authorize test --device
is "$RC" 0 "secret_store = file: --authorize exits 0"
tf=$(ls "$XDG_STATE_HOME/postern/secrets/"oauth2-* 2>/dev/null | head -n 1)
ok "$([ -f "$tf" ]; echo $?)" "secret_store = file: the tokens are in a file"
is "$(stat -c %a "$tf" 2>/dev/null)" 600 "secret_store = file: the token file is 0600"
like "$(cat "$tf" 2>/dev/null)" '"refresh_token"' "secret_store = file: it holds the refresh token"
msg "$to" "file-$u" | run_postern -C "$CFG.file" "$to"
is "$RC" 0 "secret_store = file: a send with the token from the file"
is "$(in_mbox "file-$u")" 1 "secret_store = file: delivered over OAuth2"

# --- postern -q renews a sign-in unused for long (Microsoft revokes one after 90 days)
age_token() { sed -i "s/\"expires_at\": *[0-9]*/\"expires_at\":$(( $(date +%s) - 40 * 86400 ))/" "$tf"; }
before=$(grants refresh_token)
age_token
rm -f "$XDG_STATE_HOME/postern/tokens-checked"
run_postern -C "$CFG.file" -q
is "$RC" 0 "a sign-in unused for 40 days: postern -q exits 0"
is "$(grants refresh_token)" $((before + 1)) "a sign-in unused for 40 days: postern -q renews it (one refresh)"
exp=$(grep -o '"expires_at": *[0-9]*' "$tf" | tr -dc 0-9)
ok "$([ "${exp:-0}" -gt "$(date +%s)" ]; echo $?)" "the renewed tokens are stored"
age_token
run_postern -C "$CFG.file" -q
is "$(grants refresh_token)" $((before + 1)) "checked once a day: the next postern -q the same day does not"
# The renewal refused (invalid_grant): the person is told.
config "$CFG.file2" "secret_store = file" "notify_command = \"env | grep ^POSTERN_ >$TEST_TMP/renew.note\""
saved=$(cat "$D/refresh_tokens")
: >"$D/refresh_tokens"
rm -f "$XDG_STATE_HOME/postern/tokens-checked"
run_postern -C "$CFG.file2" -q
like "$ERR" "account test: OAuth2: the token endpoint refused the grant \(invalid_grant" "renewal refused: said on stderr"
like "$(cat "$TEST_TMP/renew.note" 2>/dev/null)" "POSTERN_EVENT=token_refused" "renewal refused: notify_command is told (token_refused)"
printf '%s\n' "$saved" >"$D/refresh_tokens"

# --- a proxy: the token request and the SMTP connection both go through it
. "$TOP/tests/lib/proxies.sh"
proxy_http_start "$TEST_TMP/px" "$(cat "$D/port")" "$SMTP_PORT"
config "$CFG.proxy" "proxy = http://127.0.0.1:$HTTP_PROXY_PORT"
echo ok >"$D/device_script"
run_postern -C "$CFG.proxy" --authorize test --device
is "$RC" 0 "proxy = http://: --authorize through the proxy, exit 0"
to=proxied-$u@example.test
msg "$to" "proxied-$u" | run_postern -C "$CFG.proxy" "$to"
is "$RC" 0 "proxy = http://: a send, exit 0"
is "$(in_mbox "proxied-$u")" 1 "proxy = http://: delivered over OAuth2"
px=$(cat "$TEST_TMP/px/tinyproxy.log")
like "$px" "CONNECT 127\.0\.0\.1:$(cat "$D/port") HTTP" "proxy: the token request went through the proxy"
like "$px" "CONNECT 127\.0\.0\.1:$SMTP_PORT HTTP" "proxy: the SMTP connection went through the proxy"

# --- config mistakes
config "$CFG.http" && sed -i "s#^oauth_token_url = .*#oauth_token_url = http://127.0.0.1:1/token#" "$CFG.http"
msg "$to" x | run_postern -C "$CFG.http" "$to"
is "$RC" 78 "an http:// token URL: refused (78)"
like "$ERR" "oauth_token_url: must be an https:// URL" "an http:// token URL: the message says https"
printf '[t]\nhost = h\nuser = u\noauth_client_id = x\n' >"$CFG.noprov"
run_postern -C "$CFG.noprov" --authorize t
is "$RC" 78 "oauth_client_id without oauth_provider: 78"
like "$ERR" "oauth_client_id: set without oauth_provider" "... the message names the key"
printf '[t]\nhost = h\nuser = u\noauth_provider = google\noauth_client_id = x\npassword_command = echo\n' >"$CFG.both"
run_postern -C "$CFG.both" --authorize t
is "$RC" 78 "oauth_provider with password_command: 78"

done_testing
