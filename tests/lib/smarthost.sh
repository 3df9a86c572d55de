#!/usr/bin/env bash
# smarthost.sh: a private, real Postfix instance that postern's end-to-end tests
# submit mail to. Everything (config, queue, data, log, Maildir, certificates,
# SASL database) lives under one folder DIR; it listens only on 127.0.0.1 (or the
# addresses SMARTHOST_ADDRS names), never on port 25, and never touches a system
# Postfix (which may run beside it).
#
#   smarthost.sh start DIR          create (idempotently) and start; writes DIR/env
#   smarthost.sh stop DIR           stop; fine when not running
#   smarthost.sh wait-delivery DIR ADDRESS [TIMEOUT=20]
#                                   print the Maildir file(s) whose Delivered-To:
#                                   is ADDRESS, or exit 1 after TIMEOUT seconds
#   smarthost.sh count-connections DIR
#                                   how many client connections smtpd logged
#
# Listeners (override with SMARTHOST_PORT_SUBMIT / _SMTPS / _SMALL / _PLAIN / _RCPTLIMIT):
#   127.0.0.1:10587  submission: STARTTLS required, AUTH (SCRAM-SHA-256, CRAM-MD5, PLAIN, LOGIN) only after TLS
#   127.0.0.1:10465  the same with implicit TLS (wrapper mode)
#   127.0.0.1:10588  like 10587 but message_size_limit = 100000
#   127.0.0.1:10589  like 10587 but a plainer server: its EHLO offers no CHUNKING,
#                    SMTPUTF8, DSN or 8BITMIME (smtpd_discard_ehlo_keywords)
#   127.0.0.1:10590  like 10587 but smtpd_recipient_limit = 2: the third RCPT of a
#                    transaction gets 452 4.5.3, as providers with recipient limits answer
# Every listener but 10589 offers PIPELINING, SIZE, ENHANCEDSTATUSCODES, 8BITMIME,
# DSN, SMTPUTF8 and CHUNKING.
# SMARTHOST_ADDRS (default 127.0.0.1): the IPv4 addresses to listen on, separated
# by blanks; each listener above is opened on each of them, and the server
# certificate is valid for each (make bench adds the address at the far end of
# its delay line). SMARTHOST_HOST in DIR/env is the first.
# Login: user "demo" (or "demo@example.test"), password "demo-secret", from a
# Cyrus sasldb in realm example.test. Only authenticated clients may send.
# Recipient policy: refused@example.test gets 550 5.1.1, tempfail@example.test
# gets 451 4.3.0, every other recipient of any domain is delivered into the one
# Maildir DIR/Maildir (tell recipients apart by the Delivered-To: header).
# Nothing is ever relayed: all other transports are error:.
#
# DIR/env holds shell assignments: SMARTHOST_DIR, SMARTHOST_HOST, SMARTHOST_ADDRS, SMARTHOST_PORT_SUBMIT,
# SMARTHOST_PORT_SMTPS, SMARTHOST_PORT_SMALL, SMARTHOST_PORT_PLAIN,
# SMARTHOST_PORT_RCPTLIMIT, SMARTHOST_USER, SMARTHOST_PASS,
# SMARTHOST_REALM, SMARTHOST_CA, SMARTHOST_MAILDIR, SMARTHOST_LOG.
#
# Must run as root (Postfix's master does). Works when Postfix was installed with
# "No configuration" (no /etc/postfix/main.cf): as root, `postfix -c DIR` needs no
# alternate_config_directories entry in the default main.cf.
set -u

LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PORT_SUBMIT=${SMARTHOST_PORT_SUBMIT:-10587}
PORT_SMTPS=${SMARTHOST_PORT_SMTPS:-10465}
PORT_SMALL=${SMARTHOST_PORT_SMALL:-10588}
PORT_PLAIN=${SMARTHOST_PORT_PLAIN:-10589}
PORT_RCPTLIMIT=${SMARTHOST_PORT_RCPTLIMIT:-10590}
ALL_PORTS="$PORT_SUBMIT $PORT_SMTPS $PORT_SMALL $PORT_PLAIN $PORT_RCPTLIMIT"
ADDRS=$(echo ${SMARTHOST_ADDRS:-127.0.0.1})	# blank-separated, trimmed
FIRST_ADDR=${ADDRS%% *}
USER_NAME=demo
REALM=example.test
PASSWORD=demo-secret
START_WAIT=${SMARTHOST_START_WAIT:-20}	# seconds

die() { echo "smarthost: $*" >&2; exit 1; }

# Each address goes unquoted into main.cf and master.cf: IPv4 literals only.
for a in $ADDRS; do
	case $a in
	*[!0-9.]* | .* | *. | *..*) die "SMARTHOST_ADDRS: not an IPv4 address: $a" ;;
	esac
done

usage() {
	echo "usage: smarthost.sh start DIR | stop DIR | wait-delivery DIR ADDRESS [TIMEOUT] |" \
		"count-connections DIR" >&2
	exit 64
}

# abspath DIR: DIR made absolute (it may not exist yet).
abspath() {
	case $1 in
	/*) printf '%s\n' "$1" ;;
	*) printf '%s/%s\n' "$(pwd)" "$1" ;;
	esac
}

# as_user USER CMD...: run CMD as USER (to check what a Postfix daemon can reach).
as_user() {
	local u=$1; shift
	setpriv --reuid="$u" --regid="$(id -g "$u")" --clear-groups -- "$@"
}

# make_reachable DIR: the postfix user (smtpd reads the sasldb) and the delivery
# user (virtual writes the Maildir) must be able to search every folder down to
# DIR. Folders made by mktemp -d are 0700, so add search (x, not read) permission
# for others where it is missing. Only folders on the path are changed.
make_reachable() {
	local d=$1
	while [ -n "$d" ] && [ "$d" != / ]; do
		if ! as_user postfix test -x "$d" 2>/dev/null; then
			chmod o+x "$d" || return 1
		fi
		d=$(dirname "$d")
	done
}

# put FILE: write stdin to FILE, dated a minute back. Postfix re-reads (with
# 300 ms sleeps) a main.cf whose mtime is not yet in the past, taking it for a
# file being edited: a fresh main.cf would add seconds to the many postconf
# calls of `postfix start`.
put() {
	cat >"$1.tmp" && mv -f "$1.tmp" "$1" && touch -d "@$(($(date +%s) - 60))" "$1"
}

# write_config DIR: main.cf, master.cf, the access map, the SASL config and
# database, certificates, and the Maildir. Safe to run again.
write_config() {
	local dir=$1 etc=$1/etc
	local duid dgid
	duid=$(id -u nobody) || return 1
	dgid=$(id -g nobody) || return 1

	mkdir -p "$dir" "$etc" "$etc/sasl" "$dir/queue" "$dir/data" || return 1
	chmod 755 "$dir" "$etc" "$etc/sasl" "$dir/queue"
	chown root:root "$etc" "$dir/queue"
	chown postfix:postfix "$dir/data"
	chmod 700 "$dir/data"
	make_reachable "$dir" || return 1

	local a sans=()
	for a in $ADDRS; do [ "$a" = 127.0.0.1 ] || sans+=("IP:$a"); done
	"$LIB/mkcerts.sh" "$dir/certs" ${sans[@]+"${sans[@]}"} || return 1
	chmod 755 "$dir/certs"

	# Each start begins with an empty mailbox, so a run reads only its own mail.
	rm -rf "$dir/Maildir"
	mkdir -p "$dir/Maildir/new" "$dir/Maildir/cur" "$dir/Maildir/tmp" || return 1
	chown -R "$duid:$dgid" "$dir/Maildir"
	chmod 700 "$dir/Maildir" "$dir/Maildir/new" "$dir/Maildir/cur" "$dir/Maildir/tmp"

	# Postfix's own log (there is no syslog daemon); postlogd appends to it.
	touch "$dir/maillog"

	put "$etc/main.cf" <<EOF
# Private Postfix instance for postern's tests; written by tests/lib/smarthost.sh.
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
mail_owner = postfix
setgid_group = postdrop
mail_name = postern-test
syslog_name = postern-test
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
# No sendmail(1) submission into this instance; keep the system's binaries.
myhostname = smarthost.example.test
mydomain = example.test
myorigin = \$myhostname
mydestination =
inet_interfaces = $(echo $ADDRS | tr ' ' ,)
inet_protocols = ipv4
mynetworks = 127.0.0.1/32
biff = no
append_dot_mydomain = no
alias_maps =
alias_database =
local_recipient_maps =
relay_domains =
relayhost =
smtpd_banner = \$myhostname ESMTP \$mail_name
# No DNS anywhere, and headers arrive as sent (plus what delivery adds).
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
local_header_rewrite_clients =
remote_header_rewrite_domain =

# Size: a 20 MB message must pass (port $PORT_SMALL lowers this per service).
message_size_limit = 52428800
mailbox_size_limit = 0
virtual_mailbox_limit = 0

# Every recipient of every domain goes to one Maildir; nothing ever leaves.
virtual_mailbox_domains = static:all
virtual_mailbox_base = $dir
virtual_mailbox_maps = static:Maildir/
virtual_uid_maps = static:$duid
virtual_gid_maps = static:$dgid
virtual_transport = virtual
default_transport = error:postern-test smarthost does not relay
relay_transport = error:postern-test smarthost does not relay
local_transport = error:postern-test smarthost has no local delivery
# Deliver at once, and do not hold on to failures.
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s

# TLS: required on every listener before AUTH and mail.
smtpd_tls_cert_file = $dir/certs/server.pem
smtpd_tls_key_file = $dir/certs/server.key
smtpd_tls_security_level = encrypt
smtpd_tls_auth_only = yes
smtpd_tls_loglevel = 1
smtpd_tls_received_header = yes
smtpd_tls_session_cache_database =

# SASL: Cyrus with a private sasldb, configured in $etc/sasl/smtpd.conf. Debian's
# Postfix reads \$config_directory/sasl whatever cyrus_sasl_config_path says.
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = cyrus
smtpd_sasl_path = smtpd
cyrus_sasl_config_path = $etc/sasl
smtpd_sasl_local_domain = $REALM
smtpd_sasl_security_options = noanonymous
smtpd_sasl_tls_security_options = noanonymous
smtpd_sasl_authenticated_header = yes
broken_sasl_auth_clients = no

# Only authenticated clients may send; the access map answers first.
smtpd_client_restrictions = permit_sasl_authenticated, reject
smtpd_relay_restrictions = permit_sasl_authenticated, reject
smtpd_recipient_restrictions = check_recipient_access texthash:$etc/recipient_access,
	permit_sasl_authenticated, reject
smtpd_delay_reject = yes
EOF

	put "$etc/recipient_access" <<'EOF'
# Recipient policy of the test smarthost (texthash: read as is, no postmap).
refused@example.test	550 5.1.1 <refused@example.test>: no such user
tempfail@example.test	451 4.3.0 try again later
EOF

	{
	echo "# Private Postfix instance for postern's tests; written by tests/lib/smarthost.sh."
	echo "# service type  private unpriv  chroot  wakeup  maxproc command + args"
	for a in $ADDRS; do
		cat <<EOF
$a:$PORT_SUBMIT inet n - n - - smtpd
$a:$PORT_SMTPS inet n - n - - smtpd
  -o smtpd_tls_wrappermode=yes
$a:$PORT_SMALL inet n - n - - smtpd
  -o message_size_limit=100000
$a:$PORT_PLAIN inet n - n - - smtpd
  -o smtpd_discard_ehlo_keywords=chunking,smtputf8,dsn,8bitmime
$a:$PORT_RCPTLIMIT inet n - n - - smtpd
  -o smtpd_recipient_limit=2
EOF
	done
	cat <<EOF
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
	} | put "$etc/master.cf"

	put "$etc/sasl/smtpd.conf" <<EOF
pwcheck_method: auxprop
auxprop_plugin: sasldb
sasldb_path: $dir/sasldb2
mech_list: SCRAM-SHA-256 CRAM-MD5 PLAIN LOGIN
EOF

	# The database: user demo in realm example.test. Readable by smtpd (postfix).
	if [ ! -s "$dir/sasldb2" ]; then
		printf '%s' "$PASSWORD" |
			saslpasswd2 -c -p -f "$dir/sasldb2" -u "$REALM" "$USER_NAME" || return 1
	fi
	chown root:postfix "$dir/sasldb2"
	chmod 640 "$dir/sasldb2"

	put "$dir/env" <<EOF
SMARTHOST_DIR='$dir'
SMARTHOST_HOST=$FIRST_ADDR
SMARTHOST_ADDRS='$ADDRS'
SMARTHOST_PORT_SUBMIT=$PORT_SUBMIT
SMARTHOST_PORT_SMTPS=$PORT_SMTPS
SMARTHOST_PORT_SMALL=$PORT_SMALL
SMARTHOST_PORT_PLAIN=$PORT_PLAIN
SMARTHOST_PORT_RCPTLIMIT=$PORT_RCPTLIMIT
SMARTHOST_USER='$USER_NAME'
SMARTHOST_PASS='$PASSWORD'
SMARTHOST_REALM='$REALM'
SMARTHOST_CA='$dir/certs/ca.pem'
SMARTHOST_MAILDIR='$dir/Maildir'
SMARTHOST_LOG='$dir/maillog'
EOF
}

# port_listening PORT [ADDR=127.0.0.1]: is a socket listening on ADDR:PORT, 0.0.0.0:PORT or
# [::]:PORT? Read from /proc so that checking opens no connection (smtpd would log
# it, and count-connections would count it). /proc writes the address in host
# byte order (little-endian here): 127.0.0.1 is 0100007F.
port_listening() {
	local hex ahex o1 o2 o3 o4
	hex=$(printf '%04X' "$1")
	IFS=. read -r o1 o2 o3 o4 <<<"${2:-127.0.0.1}"
	ahex=$(printf '%02X%02X%02X%02X' "$o4" "$o3" "$o2" "$o1")
	cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk -v p=":$hex" -v a="$ahex" \
		'$4 == "0A" && ($2 == a p || $2 ~ "^0+" p "$") { f = 1 } END { exit !f }'
}

# any_listening PORT ADDR...: is PORT listening on one of ADDRs?
any_listening() {
	local p=$1 a; shift
	for a in "$@"; do port_listening "$p" "$a" && return 0; done
	return 1
}

is_running() { # is_running DIR
	[ -f "$1/etc/main.cf" ] || return 1
	# No live process behind master.pid: not running. Ask this first, because
	# master -t also fails (as if running) when an address of inet_interfaces
	# has gone away, e.g. with the bench's delay line.
	local pid daemons
	pid=$(sed -n '1{s/ //g;p}' "$1/queue/pid/master.pid" 2>/dev/null)
	{ [ -n "$pid" ] && [ -d "/proc/$pid" ]; } || return 1
	daemons=$(postconf -c "$1/etc" -h daemon_directory 2>/dev/null) || daemons=/usr/lib/postfix/sbin
	# master -t exits 0 when no master runs for this configuration (it tries
	# the lock file DIR/data/master.lock).
	! MAIL_CONFIG=$1/etc "$daemons/master" -c "$1/etc" -t 2>/dev/null
}

# ports_free TIMEOUT PORT...: wait until none of PORTs is listening on any of
# $addrs (default 127.0.0.1; idle smtpd processes hold the listening socket for a
# moment after the master is gone).
ports_free() {
	local limit=$1 p busy; shift
	for _ in $(seq $((limit * 10))); do
		busy=
		for p in "$@"; do any_listening "$p" ${addrs:-127.0.0.1} && busy=$p; done
		[ -z "$busy" ] && return 0
		sleep 0.1
	done
	return 1
}

cmd_stop() {
	local dir=$1 pid
	[ -f "$dir/etc/main.cf" ] || return 0
	if is_running "$dir"; then
		timeout -k 2 15 postfix -c "$dir/etc" stop >/dev/null 2>&1
		for _ in $(seq 50); do
			is_running "$dir" || break
			sleep 0.1
		done
		if is_running "$dir"; then
			# Last resort: this instance's master and its process group.
			pid=$(sed -n '1{s/ //g;p}' "$dir/queue/pid/master.pid" 2>/dev/null)
			[ -n "$pid" ] && kill -9 -- "-$pid" 2>/dev/null
		fi
	fi
	# Let the ports go, so that the next start (here or in a fresh DIR) can bind.
	(
		. "$dir/env" 2>/dev/null || exit 0
		# An env from before SMARTHOST_ADDRS listened on 127.0.0.1 only.
		addrs=${SMARTHOST_ADDRS:-127.0.0.1}
		# An env from before the plain and recipient-limit listeners names neither.
		ports_free 5 "$SMARTHOST_PORT_SUBMIT" "$SMARTHOST_PORT_SMTPS" "$SMARTHOST_PORT_SMALL" \
			${SMARTHOST_PORT_PLAIN:+"$SMARTHOST_PORT_PLAIN"} \
			${SMARTHOST_PORT_RCPTLIMIT:+"$SMARTHOST_PORT_RCPTLIMIT"}
	)
	return 0
}

# explain DIR: Postfix commands print their errors only to a terminal (else to
# syslog, which may not exist, or to postlogd, which is not running yet), so
# re-run the configuration check under script(1) to show why start failed.
explain() {
	command -v script >/dev/null || return 0
	echo "  postfix -c $1/etc check says:"
	timeout -k 2 30 script -qec "postfix -c $(printf '%q' "$1/etc") check" /dev/null 2>&1 |
		tr -d '\r' | sed 's/^/    /'
}

cmd_start() {
	local dir=$1 p
	[ "$(id -u)" -eq 0 ] || die "start: must run as root (Postfix's master does)"
	command -v postfix >/dev/null || die "start: postfix is not installed (make deps)"
	command -v saslpasswd2 >/dev/null || die "start: saslpasswd2 is not installed (sasl2-bin)"
	cmd_stop "$dir"
	for p in $ALL_PORTS; do
		addrs=$ADDRS ports_free 2 "$p" ||
			die "start: port $p is already in use on $ADDRS (another smarthost? set SMARTHOST_PORT_*)"
	done
	write_config "$dir" || die "start: cannot write the configuration under $dir"
	local out
	if ! out=$(timeout -k 2 60 postfix -c "$dir/etc" start 2>&1); then
		echo "smarthost: start: postfix -c $dir/etc start failed:" >&2
		printf '%s\n' "$out" | grep . | sed 's/^/  /' >&2
		tail -n 20 "$dir/maillog" 2>/dev/null | sed 's/^/  maillog: /' >&2
		explain "$dir" >&2
		exit 1
	fi
	local deadline=$((SECONDS + START_WAIT))
	while :; do
		local all=1
		for p in $ALL_PORTS; do
			for a in $ADDRS; do port_listening "$p" "$a" || all=; done
		done
		[ -n "$all" ] && return 0
		if [ "$SECONDS" -ge "$deadline" ]; then
			echo "smarthost: start: ports $(echo $ALL_PORTS | tr ' ' /) on $ADDRS not" \
				"listening after ${START_WAIT}s" >&2
			tail -n 20 "$dir/maillog" 2>/dev/null | sed 's/^/  maillog: /' >&2
			exit 1
		fi
		sleep 0.1
	done
}

# cmd_wait_delivery DIR ADDRESS TIMEOUT
cmd_wait_delivery() {
	local dir=$1 addr=$2 limit=${3:-20}
	local md=$dir/Maildir deadline found f
	# TIMEOUT may have a fraction (0.5); work in milliseconds (in bash: mawk's
	# printf %d stops at 2^31).
	local int=${limit%%.*} frac=000
	case $limit in *.*) frac=${limit#*.}000 ;; esac
	case $int$frac in *[!0-9]*) echo "smarthost: wait-delivery: bad TIMEOUT: $limit" >&2; exit 64 ;; esac
	deadline=$(($(date +%s%N) / 1000000 + 10#${int:-0} * 1000 + 10#${frac:0:3}))
	while :; do
		# Delivered-To: is the first header virtual(8) writes after Return-Path:
		# one awk over every file, reading only each one's first lines (the
		# Maildir holds hundreds of messages, some of 20 MB, by the end of a run).
		found=$(find "$md/new" "$md/cur" -type f -print0 2>/dev/null |
			xargs -0 -r awk -v want="delivered-to: $(printf '%s' "$addr" | tr 'A-Z' 'a-z')" '
				FNR > 4 { nextfile }
				{ sub(/\r$/, ""); if (tolower($0) == want) { print FILENAME; nextfile } }')
		if [ -n "$found" ]; then
			printf '%s\n' "$found"
			return 0
		fi
		[ "$(($(date +%s%N) / 1000000))" -ge "$deadline" ] && return 1
		sleep 0.1
	done
}

cmd_count_connections() {
	local n
	n=$(grep -c -E 'postern-test/[^ ]*smtpd\[[0-9]+\]: connect from ' "$1/maillog" 2>/dev/null)
	echo "${n:-0}"
}

[ $# -ge 2 ] || usage
cmd=$1
dir=$(abspath "$2")
# The path goes unquoted into main.cf and smtpd.conf: keep it plain.
case $dir in
*[!A-Za-z0-9_./+-]*) echo "smarthost: DIR may hold only A-Z a-z 0-9 _ . / + -: $dir" >&2; exit 64 ;;
esac
case $cmd in
start) [ $# -eq 2 ] || usage; cmd_start "$dir" ;;
stop) [ $# -eq 2 ] || usage; cmd_stop "$dir" ;;
wait-delivery) { [ $# -ge 3 ] && [ $# -le 4 ]; } || usage; cmd_wait_delivery "$dir" "$3" "${4:-20}" ;;
count-connections) [ $# -eq 2 ] || usage; cmd_count_connections "$dir" ;;
*) usage ;;
esac
