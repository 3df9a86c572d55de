# Through real proxies on loopback to the real Postfix: Debian's dante-server
# (SOCKS5, with the name resolved here or by the proxy) and tinyproxy (HTTP
# CONNECT). Each delivers, the proxy's log shows the connection, TLS and
# the certificate check stay end to end (a wrong CA still fails). With the
# proxy stopped the message is queued, with the proxy's reason.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/e2e.sh"
. "$TOP/tests/lib/proxies.sh"
e2e_setup
u=$$
proxy_socks_start "$TEST_TMP/socks"
ok $? "dante-server listens on 127.0.0.1:$SOCKS_PORT"
proxy_http_start "$TEST_TMP/http" "$SMARTHOST_PORT_SUBMIT"
ok $? "tinyproxy listens on 127.0.0.1:$HTTP_PROXY_PORT (CONNECT to $SMARTHOST_PORT_SUBMIT only)"

for px in "socks5://127.0.0.1:$SOCKS_PORT" "socks5h://127.0.0.1:$SOCKS_PORT" "http://127.0.0.1:$HTTP_PROXY_PORT"; do
	scheme=${px%%:*}
	CFG=$TEST_TMP/$scheme.ini
	e2e_config "$CFG" "$SMARTHOST_PORT_SUBMIT" "proxy = $px"
	sed -i 's/^host = 127.0.0.1/host = localhost/' "$CFG"   # a name: socks5h has the proxy resolve it
	to=proxy-$scheme-$u@example.test
	printf 'Subject: through %s %s\n\nbody\n' "$scheme" "$u" | run_postern -C "$CFG" -v "$to"
	is "$RC" 0 "proxy = $scheme://: exit 0"
	ok "$([ -n "$(delivered "$to")" ]; echo $?)" "proxy = $scheme://: delivered"
	like "$ERR" "TLS TLSv1\.3, .*certificate verified for localhost" "proxy = $scheme://: TLS verified end to end"
done
like "$(cat "$TEST_TMP/socks/danted.log")" "tcp/connect .* 127\.0\.0\.1\.$SMARTHOST_PORT_SUBMIT" \
	"dante's log shows the connections to the smarthost"
like "$(cat "$TEST_TMP/http/tinyproxy.log")" "CONNECT localhost:$SMARTHOST_PORT_SUBMIT HTTP/1\.1" \
	"tinyproxy's log shows the CONNECT"

# The certificate is still checked: a CA that did not sign it fails.
sed "s|^tls_ca_file = .*|tls_ca_file = /etc/ssl/certs/ca-certificates.crt|" "$TEST_TMP/socks5h.ini" >"$TEST_TMP/badca.ini"
chmod 600 "$TEST_TMP/badca.ini"
# (no kept TLS session: a resumed one was verified when it was made)
sed -i '/^\[test\]/a queue = never\ntls_resume = no' "$TEST_TMP/badca.ini"
printf 'Subject: x\n\nbody\n' | run_postern -C "$TEST_TMP/badca.ini" badca-$u@example.test
is "$RC" 75 "through the proxy, a certificate from another CA: refused as without one (75)"
like "$ERR" "certificate of localhost not trusted" "through the proxy: the certificate check is end to end"

# CONNECT to a port tinyproxy does not allow: its refusal, temporary.
e2e_config "$TEST_TMP/deny.ini" "$SMARTHOST_PORT_SMTPS" "proxy = http://127.0.0.1:$HTTP_PROXY_PORT" "tls = implicit" "queue = never"
printf 'Subject: x\n\nbody\n' | run_postern -C "$TEST_TMP/deny.ini" deny-$u@example.test
is "$RC" 75 "HTTP proxy refusing CONNECT: 75"
like "$ERR" "proxy http://127\.0\.0\.1:$HTTP_PROXY_PORT: CONNECT to 127\.0\.0\.1 port $SMARTHOST_PORT_SMTPS refused: HTTP/1\.[01] 403" \
	"HTTP proxy refusing CONNECT: its status line"

# The proxy stopped: queued, with the proxy's reason.
kill "$SOCKS_PID"
wait "$SOCKS_PID" 2>/dev/null
to=proxy-down-$u@example.test
printf 'Subject: proxy down %s\n\nbody\n' "$u" | run_postern -C "$TEST_TMP/socks5.ini" "$to"
is "$RC" 0 "SOCKS proxy down: exit 0 (queued)"
like "$ERR" "^postern: queued .*: proxy socks5://127\.0\.0\.1:$SOCKS_PORT: connect 127\.0\.0\.1 port $SOCKS_PORT: Connection refused" \
	"SOCKS proxy down: queued, with the proxy's reason"
proxy_socks_start "$TEST_TMP/socks2"
sed -i "s|^proxy = .*|proxy = socks5://127.0.0.1:$SOCKS_PORT|" "$TEST_TMP/socks5.ini"
run_postern -C "$TEST_TMP/socks5.ini" -q --force
is "$RC" 0 "the proxy back: postern -q exits 0"
ok "$([ -n "$(delivered "$to")" ]; echo $?)" "the proxy back: the queued message delivered"

# Proxies that ask for a user name and password: proxy_user, and its
# password stored with --store-password ACCOUNT --proxy (here in a file).
PROXY_AUTH="puser-$u ppass-$u" proxy_socks_start "$TEST_TMP/socks-auth"
PROXY_AUTH="puser-$u ppass-$u" proxy_http_start "$TEST_TMP/http-auth" "$SMARTHOST_PORT_SUBMIT"
for px in "socks5://127.0.0.1:$SOCKS_PORT" "http://127.0.0.1:$HTTP_PROXY_PORT"; do
	scheme=${px%%:*}
	CFG=$TEST_TMP/auth-$scheme.ini
	e2e_config "$CFG" "$SMARTHOST_PORT_SUBMIT" "proxy = $px" "proxy_user = puser-$u" "secret_store = file"
	to=auth-$scheme-$u@example.test
	printf 'Subject: auth %s\n\nbody\n' "$scheme" | run_postern -C "$CFG" "$to"
	is "$RC" 0 "$scheme proxy with proxy_user, no password stored: exit 0 (held)"
	like "$ERR" "^postern: held .*proxy: no password stored for puser-$u at $px .*; fix it with postern --store-password test --proxy, then the message goes by itself" \
		"$scheme proxy, no password stored: held, saying how to store it"
	printf 'wrong-%s\n' "$u" | run_postern -C "$CFG" --store-password test --proxy
	like "$OUT" "stored the proxy password for puser-$u at $px" "--store-password --proxy: stored"
	run_postern -C "$CFG" -q --release test
	like "$ERR" "held: proxy $px: the proxy (refused the user name and password|wants another user name or password)" \
		"$scheme proxy, a wrong password: held again, with the proxy's refusal"
	printf 'ppass-%s\n' "$u" | run_postern -C "$CFG" --store-password test --proxy
	is "$RC" 0 "--store-password --proxy with the right one: exit 0"
	like "$OUT" "1 sent, 0 still queued" "--store-password --proxy: the held message goes"
	ok "$([ -n "$(delivered "$to")" ]; echo $?)" "$scheme proxy with a user name and password: delivered"
	unlike "$(cat "$TEST_TMP/socks-auth/danted.log" "$TEST_TMP/http-auth/tinyproxy.log" 2>/dev/null)" "ppass-$u" \
		"$scheme proxy: the proxy password is in no log"
done
like "$(cat "$TEST_TMP/socks-auth/danted.log")" "username%puser-$u@127\.0\.0\.1" "dante: the connection authenticated as the proxy_user"

# A proxy URL postern cannot use.
printf '[a]\nhost = h\nproxy = socks4://127.0.0.1:1080\n' >"$TEST_TMP/s4.ini"
chmod 600 "$TEST_TMP/s4.ini"
run_postern -C "$TEST_TMP/s4.ini" -bi
is "$RC" 78 "proxy = socks4://: a configuration error"
like "$ERR" "proxy: expected socks5://HOST:PORT, socks5h://HOST:PORT or http://HOST:PORT" "proxy = socks4://: says what is expected"

done_testing
