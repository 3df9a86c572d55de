#!/usr/bin/env bash
# make bench (issue 9): one table of figures, each next to its reference, all
# measured in the same run, because wall times on a shared 2-core machine are
# noisy and only ratios taken together mean something.
#
# The references: msmtp (Debian's, installed by make bench-deps) and
# tests/bench/minimal_tls.c, the least any OpenSSL client of an SMTPS server
# does (load libssl, SSL_CTX_new, load the CA file, one verified TLS 1.3
# handshake, read the greeting). The server: a private real Postfix
# (tests/lib/smarthost.sh) on 11587 (STARTTLS) and 11465 (implicit TLS),
# listening on 127.0.0.1 and on 10.201.0.1.
#
# The 50 ms link: this kernel has no netem, so tests/bench/delayline.c moves
# every IP packet between two TUN devices after BENCH_DELAY_MS (25) ms each way.
# pbench0 (10.201.0.1, where Postfix listens too) stays in the root namespace;
# pbench1 (10.201.0.2) goes into the network namespace postern-bench, where the
# clients run (ip netns exec). The RTT is measured first (TCP connects) and
# every "round trips" figure is a whole submission's wall time (process start
# to exit) divided by it.
#
# Figures (medians unless said otherwise):
#   round trips over the link, 587 and 465, first send (no kept TLS session:
#     $XDG_STATE_HOME/postern/tls/ removed) and resumed send (the next one)
#   wall per submission on loopback (587, postern with its kept session)
#   callgrind instructions, whole process, one 2 KB submission over 465:
#     postern first and resumed, the minimal program, msmtp
#   peak RSS (wait4's ru_maxrss, tests/bench/measure.c): postern with 2 KB,
#     20 MiB and 45 MiB messages, the minimal program, msmtp
#   flush of 100 queued messages (postern -odq, then postern -q) over the link,
#     against msmtp sending them one process each (BENCH_MSMTP_FLUSH runs,
#     scaled to 100)
#   one 20 MiB message on loopback (wall), postern against msmtp
#
# Knobs (environment): POSTERN (./postern), BENCH_DELAY_MS (25),
# BENCH_RUNS_LINK (7), BENCH_RUNS_LOOP (15), BENCH_RUNS_FLUSH (3),
# BENCH_MSMTP_FLUSH (10), BENCH_NET (10.201.0: .1 and .2 are used).
# Needs root (namespaces, TUN devices, Postfix). Everything it sets up is torn
# down on exit; what a killed run left behind (namespace, delay line) is
# removed first. One bench at a time per machine (a lock in /run/postern-bench).
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
POSTERN=$(realpath "${POSTERN:-$TOP/postern}")
BUILD=${BUILD:-$TOP/build}
BIN=$BUILD/bench
DELAY_MS=${BENCH_DELAY_MS:-25}
RUNS_LINK=${BENCH_RUNS_LINK:-7}
RUNS_LOOP=${BENCH_RUNS_LOOP:-15}
RUNS_FLUSH=${BENCH_RUNS_FLUSH:-3}
MSMTP_FLUSH=${BENCH_MSMTP_FLUSH:-10}
NET=${BENCH_NET:-10.201.0}
NS=postern-bench DEV_ROOT=pbench0 DEV_NS=pbench1
ADDR_ROOT=$NET.1 ADDR_NS=$NET.2
PORT_SUBMIT=11587 PORT_SMTPS=11465 PORT_CLOSED=11599
STATE=/run/postern-bench
SMARTHOST_DIR_=$BUILD/bench-smarthost
# Configs, messages (65 MiB), the isolated home: a fixed place, so that what a
# killed run left is removed by the next one.
tmp=$BUILD/bench-run
started=$(date +%s)

# die MESSAGE: stop the bench, also from inside $(...) (the subshell signals the
# script, whose trap exits, so the teardown runs).
die() {
	echo "bench: $*" >&2
	[ "$BASHPID" = "$$" ] || kill -USR1 "$$"
	exit 1
}
trap 'exit 1' USR1
trap 'echo "bench: line $LINENO failed: $BASH_COMMAND" >&2' ERR
say() { printf 'bench: %s\n' "$*"; }

[ "$(id -u)" -eq 0 ] || die "must run as root (network namespace, TUN devices, Postfix)"
[ -x "$POSTERN" ] || die "no postern binary at $POSTERN (make)"
for t in delayline measure tcprtt minimal_tls; do
	[ -x "$BIN/$t" ] || die "no $BIN/$t (make bench builds it)"
done
for c in ip msmtp valgrind postfix; do
	command -v "$c" >/dev/null || die "$c is not installed (make bench-deps)"
done
[ -c /dev/net/tun ] || die "no /dev/net/tun (the delay line needs TUN devices: modprobe tun)"

mkdir -p "$STATE"
# The lock is fd 9; processes that may outlive a killed run (the delay line,
# Postfix) are started with 9>&- so that they do not hold it.
exec 9>"$STATE/lock"
flock -n 9 || die "another make bench is running on this machine ($STATE/lock)"

# teardown: the smarthost, the delay line (its TUN devices go with it), the
# namespace, the temporary folder. Also what a killed run left behind.
teardown() {
	local pid
	# Postfix first, while its second address still exists.
	bash "$TOP/tests/lib/smarthost.sh" stop "$SMARTHOST_DIR_" >/dev/null 2>&1 || true
	pid=$(cat "$STATE/delayline.pid" 2>/dev/null || true)
	if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = delayline ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true	# reaped here when it is this run's
		for _ in $(seq 20); do
			[ -d "/proc/$pid" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null || break
			sleep 0.1
		done
		# How many packets it moved, and whether it had to drop any.
		[ -z "${link_up:-}" ] || grep 'packets moved' "$tmp/delayline.log" 2>/dev/null
	fi
	rm -f "$STATE/delayline.pid"
	ip netns del "$NS" 2>/dev/null || true
	# The Maildir holds a few hundred MB by now; the next start empties it anyway.
	rm -rf "$SMARTHOST_DIR_/Maildir"
	rm -rf "$tmp"
	return 0
}
teardown
trap teardown EXIT
trap 'exit 130' INT TERM HUP

mkdir -m 700 "$tmp"

# ---- the link -------------------------------------------------------------
ip -o addr show | grep -q " inet $ADDR_ROOT/" && die "$ADDR_ROOT is already in use (set BENCH_NET)"
ip link show "$DEV_ROOT" >/dev/null 2>&1 && die "a device $DEV_ROOT already exists"
"$BIN/delayline" "$DEV_ROOT" "$DEV_NS" "$DELAY_MS" </dev/null >/dev/null 2>"$tmp/delayline.log" 9>&- &
echo $! >"$STATE/delayline.pid"
link_up=1
for _ in $(seq 50); do
	ip link show "$DEV_NS" >/dev/null 2>&1 && break
	kill -0 "$(cat "$STATE/delayline.pid")" 2>/dev/null || die "delayline: $(cat "$tmp/delayline.log")"
	sleep 0.1
done
ip link show "$DEV_NS" >/dev/null 2>&1 || die "the delay line made no $DEV_NS in 5 s"
ip netns add "$NS"
ip link set "$DEV_NS" netns "$NS"
# No IPv6 on the link: no router solicitations or DAD packets in the way.
echo 1 >"/proc/sys/net/ipv6/conf/$DEV_ROOT/disable_ipv6" 2>/dev/null || true
ip netns exec "$NS" sh -c "echo 1 >/proc/sys/net/ipv6/conf/$DEV_NS/disable_ipv6" 2>/dev/null || true
ip addr add "$ADDR_ROOT" peer "$ADDR_NS" dev "$DEV_ROOT"
ip link set "$DEV_ROOT" up
ip -n "$NS" addr add "$ADDR_NS" peer "$ADDR_ROOT" dev "$DEV_NS"
ip -n "$NS" link set "$DEV_NS" up
ip -n "$NS" link set lo up

# The RTT: TCP connects to a closed port (the RST comes back after one round trip).
read -r RTT rtt_min rtt_max < <(ip netns exec "$NS" "$BIN/tcprtt" "$ADDR_ROOT" "$PORT_CLOSED" 15) ||
	die "no RTT measurement over the link"
say "link $ADDR_NS -> $ADDR_ROOT: RTT $RTT ms (median of 15 TCP connects; min $rtt_min, max $rtt_max)," \
	"delay line $DELAY_MS ms each way"
awk -v r="$RTT" -v d="$DELAY_MS" 'BEGIN { exit !(r >= 2 * d && r < 2 * d + 10) }' ||
	die "the RTT is not about $((2 * DELAY_MS)) ms: the delay line does not work"

# ---- the smarthost ----------------------------------------------------------
export SMARTHOST_ADDRS="127.0.0.1 $ADDR_ROOT"
export SMARTHOST_PORT_SUBMIT=$PORT_SUBMIT SMARTHOST_PORT_SMTPS=$PORT_SMTPS SMARTHOST_PORT_SMALL=11588 \
	SMARTHOST_PORT_PLAIN=11589 SMARTHOST_PORT_RCPTLIMIT=11590
bash "$TOP/tests/lib/smarthost.sh" start "$SMARTHOST_DIR_" >/dev/null 9>&-
. "$SMARTHOST_DIR_/env"

# ---- clients' configuration ---------------------------------------------------
# A home of its own: queue, dead.letter and kept TLS sessions stay in $tmp.
export HOME=$tmp/home XDG_STATE_HOME=$tmp/home/state TMPDIR=$tmp
unset DBUS_SESSION_BUS_ADDRESS XDG_RUNTIME_DIR POSTERN_CONFIG
mkdir -p "$HOME"
TLSDIR=$XDG_STATE_HOME/postern/tls
QUEUEDIR=$XDG_STATE_HOME/postern/queue
# One account per case (kept sessions and queue entries are per account).
# AUTH PLAIN as msmtp does: postern's default (auto) picks SCRAM-SHA-256, whose
# 4096 PBKDF2 rounds cost about 28 M instructions more (measured apart below).
ini() { # ini NAME HOST PORT TLS [AUTH=plain]
	printf '[%s]\nhost = %s\nport = %s\ntls = %s\nauth = %s\ntls_ca_file = %s\nfrom = demo@example.test\nuser = %s\npassword = %s\n' \
		"$1" "$2" "$3" "$4" "${5:-plain}" "$SMARTHOST_CA" "$SMARTHOST_USER" "$SMARTHOST_PASS" >"$tmp/$1.ini"
	chmod 600 "$tmp/$1.ini"
}
ini link587 "$ADDR_ROOT" "$PORT_SUBMIT" starttls
ini link465 "$ADDR_ROOT" "$PORT_SMTPS" implicit
ini loop587 127.0.0.1 "$PORT_SUBMIT" starttls
ini loop465 127.0.0.1 "$PORT_SMTPS" implicit
ini scram465 127.0.0.1 "$PORT_SMTPS" implicit auto
{
	printf 'defaults\nauth plain\nuser %s\npassword %s\nfrom demo@example.test\n' \
		"$SMARTHOST_USER" "$SMARTHOST_PASS"
	printf 'tls on\ntls_trust_file %s\nsyslog off\n' "$SMARTHOST_CA"
	printf '\naccount link587\nhost %s\nport %s\ntls_starttls on\n' "$ADDR_ROOT" "$PORT_SUBMIT"
	printf '\naccount link465\nhost %s\nport %s\ntls_starttls off\n' "$ADDR_ROOT" "$PORT_SMTPS"
	printf '\naccount loop587\nhost 127.0.0.1\nport %s\ntls_starttls on\n' "$PORT_SUBMIT"
	printf '\naccount loop465\nhost 127.0.0.1\nport %s\ntls_starttls off\n' "$PORT_SMTPS"
} >"$tmp/msmtprc"
chmod 600 "$tmp/msmtprc"

# Messages: 2 KB of text, and 20 MiB and 45 MiB of base64 lines.
{
	printf 'From: demo@example.test\nTo: bench@example.test\nSubject: bench 2 KB\n'
	printf 'Date: Thu, 01 Jan 2026 00:00:00 +0000\nMessage-ID: <bench@example.test>\n\n'
	for i in $(seq 27); do printf 'line %02d of a 2 KB message, plain text, as a cron report would be.\n' "$i"; done
} | head -c 2048 >"$tmp/2k.eml"
big() { # big FILE BYTES
	{
		printf 'From: demo@example.test\nTo: bench@example.test\nSubject: bench %s\n\n' "$2"
		head -c $(($2 * 3 / 4)) /dev/urandom | base64 -w 76
	} | head -c "$2" >"$1"
}
big "$tmp/20m.eml" $((20 * 1048576))
big "$tmp/45m.eml" $((45 * 1048576))

# ---- running clients -----------------------------------------------------------
# run NS IN CMD...: CMD (in namespace NS, or the root one for -) reading IN; prints
# "WALL_MS RSS_KB CPU_MS" and stops the bench if it fails.
run() {
	local ns=$1 in=$2 out wall rss rc cpu
	shift 2
	if [ "$ns" = - ]; then
		out=$("$BIN/measure" -i "$in" -- "$@" 2>"$tmp/run.err")
	else
		out=$(ip netns exec "$ns" "$BIN/measure" -i "$in" -- "$@" 2>"$tmp/run.err")
	fi || die "measure failed: $*: $(cat "$tmp/run.err")"
	read -r wall rss rc cpu <<<"$out"
	[ "$rc" = 0 ] || die "exit status $rc from: $* <$in: $(tail -n 5 "$tmp/run.err")"
	awk -v w="$wall" -v r="$rss" -v c="$cpu" 'BEGIN { printf "%.1f %d %.1f\n", w / 1000, r, c / 1000 }'
}
postern() { # postern NS CONFIG IN [ARGS...]; no ARGS: one message to bench@
	local ns=$1 cfg=$2 in=$3
	shift 3
	[ $# -gt 0 ] || set -- bench@example.test
	run "$ns" "$in" "$POSTERN" -C "$tmp/$cfg.ini" "$@"
}
msmtp_() { # msmtp_ NS ACCOUNT IN
	run "$1" "$3" msmtp -C "$tmp/msmtprc" -a "$2" bench@example.test
}
minimal() { # minimal NS HOST
	run "$1" /dev/null "$BIN/minimal_tls" "$2" "$PORT_SMTPS" "$SMARTHOST_CA"
}
# Series of numbers, one file each; median and sum.
add() { echo "$2" >>"$tmp/s.$1"; }
median() {
	sort -n "$tmp/s.$1" | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
sum() { awk '{ s += $1 } END { print s }' "$tmp/s.$1"; }
wall() { echo "${1%% *}"; }
rss() { set -- $1; echo "$2"; }
cpu() { set -- $1; echo "$3"; }
callgrind() { # callgrind CMD... <IN: instructions, whole process
	valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" --log-file="$tmp/cg.log" "$@" >/dev/null ||
		die "under callgrind: $*: $(tail -n 5 "$tmp/cg.log")"
	grep -o 'Collected : [0-9]*' "$tmp/cg.log" | grep -o '[0-9]*$'
}
queued() { find "$QUEUEDIR" -maxdepth 1 -name '*.env' 2>/dev/null | wc -l; }

# Postfix's first connection on each listener is slower: warm up every path.
for cfg in link587 link465; do postern "$NS" "$cfg" "$tmp/2k.eml" >/dev/null; msmtp_ "$NS" "$cfg" "$tmp/2k.eml" >/dev/null; done
for cfg in loop587 loop465; do postern - "$cfg" "$tmp/2k.eml" >/dev/null; msmtp_ - "$cfg" "$tmp/2k.eml" >/dev/null; done
minimal - 127.0.0.1 >/dev/null

# ---- round trips over the link --------------------------------------------------
say "round trips over the link: $RUNS_LINK runs each of postern (first, resumed) and msmtp, 587 and 465"
for r in $(seq "$RUNS_LINK"); do
	for port in 587 465; do
		rm -rf "$TLSDIR"
		for kind in first resumed; do
			m=$(postern "$NS" "link$port" "$tmp/2k.eml")
			add "rt_${kind}_$port" "$(wall "$m")"
			add "cpu_${kind}_$port" "$(cpu "$m")"
		done
		m=$(msmtp_ "$NS" "link$port" "$tmp/2k.eml")
		add "rt_msmtp_$port" "$(wall "$m")"
		add "cpu_msmtp_$port" "$(cpu "$m")"
	done
done

# ---- wall per submission on loopback ----------------------------------------------
say "wall per submission on loopback (587): $RUNS_LOOP runs each"
postern - loop587 "$tmp/2k.eml" >/dev/null	# a kept session, as every later send has
for r in $(seq "$RUNS_LOOP"); do
	m=$(postern - loop587 "$tmp/2k.eml"); add loop_postern "$(wall "$m")"; add loop_cpu_postern "$(cpu "$m")"
	m=$(msmtp_ - loop587 "$tmp/2k.eml"); add loop_msmtp "$(wall "$m")"; add loop_cpu_msmtp "$(cpu "$m")"
done

# ---- instructions (callgrind) ---------------------------------------------------------
say "instructions (callgrind, one 2 KB submission over 465 on loopback)"
rm -rf "$TLSDIR"
ir_first=$(callgrind "$POSTERN" -C "$tmp/loop465.ini" bench@example.test <"$tmp/2k.eml")
ir_resumed=$(callgrind "$POSTERN" -C "$tmp/loop465.ini" bench@example.test <"$tmp/2k.eml")
ir_minimal=$(callgrind "$BIN/minimal_tls" 127.0.0.1 "$PORT_SMTPS" "$SMARTHOST_CA" </dev/null)
ir_msmtp=$(callgrind msmtp -C "$tmp/msmtprc" -a loop465 bench@example.test <"$tmp/2k.eml")
postern - scram465 "$tmp/2k.eml" >/dev/null	# its own kept session
ir_scram=$(callgrind "$POSTERN" -C "$tmp/scram465.ini" bench@example.test <"$tmp/2k.eml")

# ---- the queue: 100 messages flushed over the link ------------------------------------
say "flush of 100 queued messages over the link: $RUNS_FLUSH runs; msmtp: $MSMTP_FLUSH sends"
[ "$(queued)" -eq 0 ] || die "the queue is not empty before the flush: $(queued) entries in $QUEUEDIR"
flush_left=0
for r in $(seq "$RUNS_FLUSH"); do
	for i in $(seq 100); do postern - link587 "$tmp/2k.eml" -odq "flush-$r-$i@example.test" >/dev/null; done
	[ "$(queued)" -eq 100 ] || die "postern -odq queued $(queued) messages, not 100"
	add flush_postern "$(wall "$(postern "$NS" link587 /dev/null -q)")"
	flush_left=$((flush_left + $(queued)))
	rm -f "$QUEUEDIR"/*.env "$QUEUEDIR"/*.msg
done
for i in $(seq "$MSMTP_FLUSH"); do add flush_msmtp "$(wall "$(msmtp_ "$NS" link587 "$tmp/2k.eml")")"; done
# The same flush on loopback: no round trips, so what is left is the
# server's own pace (Postfix writes and syncs each message's queue file).
for r in $(seq "$RUNS_FLUSH"); do
	for i in $(seq 100); do postern - loop587 "$tmp/2k.eml" -odq "lflush-$r-$i@example.test" >/dev/null; done
	add flush_loop "$(wall "$(postern - loop587 /dev/null -q)")"
	flush_left=$((flush_left + $(queued)))
	rm -f "$QUEUEDIR"/*.env "$QUEUEDIR"/*.msg
done

# ---- peak RSS, and a 20 MiB message's wall time ------------------------------------------
say "peak RSS: 2 KB (3 runs each), 20 MiB and 45 MiB messages on loopback (587)"
for r in 1 2 3; do
	add rss_2k "$(rss "$(postern - loop587 "$tmp/2k.eml")")"
	add rss_minimal "$(rss "$(minimal - 127.0.0.1)")"
	add rss_msmtp_2k "$(rss "$(msmtp_ - loop587 "$tmp/2k.eml")")"
done
m=$(postern - loop587 "$tmp/20m.eml"); rss_20m=$(rss "$m"); wall_20m=$(wall "$m")
m=$(msmtp_ - loop587 "$tmp/20m.eml"); rss_msmtp_20m=$(rss "$m"); wall_msmtp_20m=$(wall "$m")
rss_45m=$(rss "$(postern - loop587 "$tmp/45m.eml")")
rss_msmtp_45m=$(rss "$(msmtp_ - loop587 "$tmp/45m.eml")")

# ---- the table --------------------------------------------------------------------
# Numbers are formatted and compared with awk (floating point).
calc() { awk "BEGIN { $1 }"; }
rt() { calc "printf \"%.1f\", $1 / $RTT"; }	# rt MS: round trips
mb() { calc "printf \"%.1f MB\", $1 / 1024"; }	# mb KB
mi() { calc "printf \"%.1f M\", $1 / 1e6"; }	# mi INSTRUCTIONS
x() { calc "printf \"%.2fx\", $1 / $2"; }	# x A B: A / B
verdict() { calc "print ($1) ? \"PASS\" : \"MISS\""; }
rows=$tmp/rows
row() { local IFS=$'\t'; echo "$*" >>"$rows"; }

msmtp_v=$(msmtp --version | awk 'NR == 1 { print $3 }')
row "figure" "msmtp $msmtp_v" "postern" "ratio" "floor / reference" "target" "result"
for port in 587 465; do
	case $port in
	587) name="587 STARTTLS" floor=8 t_first=9.5 t_res=8.5 ;;
	465) name="465 implicit TLS" floor=6 t_first=7.5 t_res=6.5 ;;
	esac
	ms_m=$(median "rt_msmtp_$port") cpu_m=$(median "cpu_msmtp_$port")
	for kind in first resumed; do
		ms_p=$(median "rt_${kind}_$port") cpu_p=$(median "cpu_${kind}_$port")
		[ "$kind" = first ] && t=$t_first || t=$t_res
		label="round trips, $name, $kind send"
		[ "$kind" = first ] && label="$label (no kept session)"
		row "$label" "$(rt "$ms_m") ($ms_m ms, CPU $cpu_m)" "$(rt "$ms_p") ($ms_p ms, CPU $cpu_p)" \
			"$(x "$ms_p" "$ms_m") msmtp" "$floor" "<= $t" "$(verdict "$ms_p / $RTT <= $t")"
	done
done
lp=$(median loop_postern) lm=$(median loop_msmtp)
row "wall per submission on loopback (587, resumed, median of $RUNS_LOOP)" "$lm ms (CPU $(median loop_cpu_msmtp))" \
	"$lp ms (CPU $(median loop_cpu_postern))" "$(x "$lp" "$lm") msmtp" "" "<= 0.15x msmtp" "$(verdict "$lp <= 0.15 * $lm")"
row "instructions, first send (callgrind, whole process, 465, AUTH PLAIN)" "$(mi "$ir_msmtp") (GnuTLS)" "$(mi "$ir_first")" \
	"$(x "$ir_first" "$ir_minimal") program" "$(mi "$ir_minimal") (minimal_tls)" "<= 1.10x program" \
	"$(verdict "$ir_first <= 1.10 * $ir_minimal")"
row "instructions, resumed send" "" "$(mi "$ir_resumed")" "$(x "$ir_resumed" "$ir_minimal") program" \
	"$(mi "$ir_minimal") (minimal_tls)" "< 1.00x program" "$(verdict "$ir_resumed < $ir_minimal")"
row "instructions, resumed send, auth = auto (SCRAM-SHA-256)" "" "$(mi "$ir_scram")" \
	"$(x "$ir_scram" "$ir_minimal") program" "$(mi "$ir_minimal") (minimal_tls)" "" ""
r2=$(median rss_2k) rmin=$(median rss_minimal) rm2=$(median rss_msmtp_2k)
row "peak RSS, 2 KB message" "$(mb "$rm2")" "$(mb "$r2")" "$(x "$r2" "$rmin") program" "$(mb "$rmin") (minimal_tls)" \
	"<= 1.15x program" "$(verdict "$r2 <= 1.15 * $rmin")"
row "peak RSS, 20 MiB message" "$(mb "$rss_msmtp_20m")" "$(mb "$rss_20m")" \
	"+$(calc "printf \"%.1f\", ($rss_20m - $r2) / 1024") MB over 2 KB" "" "" ""
row "peak RSS, 45 MiB message" "$(mb "$rss_msmtp_45m")" "$(mb "$rss_45m")" \
	"+$(calc "printf \"%.1f\", ($rss_45m - $r2) / 1024") MB over 2 KB" "" "<= +0.5 MB over 2 KB" \
	"$(verdict "$rss_45m - $r2 <= 512")"
fp=$(median flush_postern) fm=$(calc "print $(sum flush_msmtp) * 100 / $MSMTP_FLUSH") fl=$(median flush_loop)
row "flush of 100 queued messages on loopback (the server's own pace, median of $RUNS_FLUSH)" "" \
	"$(calc "printf \"%.2f s\", $fl / 1000")" "" "" "" ""
fres=$(verdict "$fp <= 1000 && $flush_left == 0")
[ "$flush_left" -eq 0 ] || fres="$fres ($flush_left left queued)"
row "flush of 100 queued messages over the link (postern -q, median of $RUNS_FLUSH)" \
	"$(calc "printf \"%.1f s\", $fm / 1000") ($MSMTP_FLUSH runs x $((100 / MSMTP_FLUSH)); no queue)" \
	"$(calc "printf \"%.2f s\", $fp / 1000")" "$(x "$fp" "$fm") msmtp" \
	"~2 RTT ($(calc "printf \"%.2f s\", 2 * $RTT / 1000")) + transfer; 7 RTT set-up + loopback: $(calc "printf \"%.2f s\", (7 * $RTT + $fl) / 1000")" \
	"<= 1.0 s" "$fres"
row "one 20 MiB message on loopback (587), wall" "$wall_msmtp_20m ms" "$wall_20m ms" \
	"$(x "$wall_20m" "$wall_msmtp_20m") msmtp" "" "" ""

echo
echo "postern $("$POSTERN" --version 2>/dev/null | awk '{ print $NF }') ($POSTERN," \
	"commit $(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo unknown))," \
	"$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)," \
	"link RTT $RTT ms"
awk -F'\t' '
	{ for (i = 1; i <= NF; i++) { c[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } n = NF }
	END {
		for (r = 1; r <= NR; r++) {
			line = "|"
			for (i = 1; i <= n; i++) line = line sprintf(" %-" w[i] "s |", c[r, i])
			print line
			if (r == 1) {
				line = "|"
				for (i = 1; i <= n; i++) { d = ""; for (k = 0; k < w[i] + 2; k++) d = d "-"; line = line d "|" }
				print line
			}
		}
	}' "$rows"
echo
echo "Round trips are a whole submission's wall time (process start to exit) over the RTT;" \
	"msmtp keeps no TLS session, so its figure is the same for first and resumed. CPU: user + system ms."
echo "bench took $(($(date +%s) - started)) s"
