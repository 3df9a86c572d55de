# Real proxies on loopback for the tests, each in a folder of its own:
#   proxy_socks_start DIR  -> SOCKS_PORT: Debian's dante-server (danted),
#                             no authentication, every connection logged
#                             to DIR/danted.log
#   PROXY_AUTH="USER PASS" proxy_socks_start DIR: the same asking for a user
#                             name and password (RFC 1929); dante checks
#                             them against the system's users, so it runs in
#                             a private mount namespace whose /etc/passwd and
#                             /etc/shadow are copies with USER added: the
#                             machine's own are never touched
#   proxy_http_start DIR PORTS... -> HTTP_PROXY_PORT: tinyproxy, CONNECT
#                             allowed to PORTS only, logged to DIR/tinyproxy.log
#                             (PROXY_AUTH="USER PASS": Basic authentication)
# Both are stopped when the test exits. Source after common.sh.

_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# _wait_listen PORT: true once something listens there (5 s at most).
_wait_listen() {
	for _ in $(seq 50); do
		python3 -c "import socket; socket.create_connection(('127.0.0.1', $1), 1)" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

proxy_socks_start() {
	local dir=$1
	mkdir -p "$dir"
	chmod 777 "$dir"
	SOCKS_PORT=$(_free_port)
	local method=none
	[ -n "${PROXY_AUTH:-}" ] && method=username
	cat >"$dir/danted.conf" <<CONF
logoutput: $dir/danted.log
internal: 127.0.0.1 port = $SOCKS_PORT
external: 127.0.0.1
socksmethod: $method
clientmethod: none
user.privileged: root
user.unprivileged: nobody
client pass {
	from: 127.0.0.0/8 to: 0.0.0.0/0
	log: connect disconnect error
}
socks pass {
	from: 127.0.0.0/8 to: 0.0.0.0/0
	socksmethod: $method
	log: connect disconnect error
}
CONF
	if [ -n "${PROXY_AUTH:-}" ]; then
		set -- ${PROXY_AUTH}
		cp /etc/passwd "$dir/passwd"
		cp /etc/shadow "$dir/shadow"
		echo "$1:x:64999:64999::/nonexistent:/usr/sbin/nologin" >>"$dir/passwd"
		echo "$1:$(openssl passwd -6 "$2"):19000:0:99999:7:::" >>"$dir/shadow"
		unshare -m --propagation private sh -c 'mount --bind "$0/passwd" /etc/passwd &&
			mount --bind "$0/shadow" /etc/shadow && exec danted -f "$0/danted.conf" -N 1' "$dir" \
			>"$dir/danted.out" 2>&1 &
	else
		danted -f "$dir/danted.conf" -N 1 >"$dir/danted.out" 2>&1 &
	fi
	SOCKS_PID=$!
	at_exit "kill $SOCKS_PID 2>/dev/null"
	_wait_listen "$SOCKS_PORT"
}

proxy_http_start() {
	local dir=$1 p
	shift
	mkdir -p "$dir"
	chmod 777 "$dir"
	chmod o+x "$(dirname "$dir")"   # tinyproxy writes its log as nobody
	HTTP_PROXY_PORT=$(_free_port)
	{
		printf 'User nobody\nGroup nogroup\nPort %s\nListen 127.0.0.1\nTimeout 60\n' "$HTTP_PROXY_PORT"
		printf 'LogFile "%s/tinyproxy.log"\nLogLevel Connect\nMaxClients 20\nAllow 127.0.0.1\n' "$dir"
		for p in "$@"; do printf 'ConnectPort %s\n' "$p"; done
		[ -n "${PROXY_AUTH:-}" ] && printf 'BasicAuth %s\n' "$PROXY_AUTH"
	} >"$dir/tinyproxy.conf"
	tinyproxy -d -c "$dir/tinyproxy.conf" >"$dir/tinyproxy.out" 2>&1 &
	HTTP_PROXY_PID=$!
	at_exit "kill $HTTP_PROXY_PID 2>/dev/null"
	_wait_listen "$HTTP_PROXY_PORT"
}
