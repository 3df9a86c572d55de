#!/usr/bin/env bash
# make bench: how fast postern submits to a real local Postfix.
# Wall times on a shared 2-core machine are noisy, so each figure is the
# median of several runs, and the instruction count (callgrind, repeatable)
# is given for the client's own work on a 5 MB message.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
POSTERN=${POSTERN:-$TOP/postern}
BUILD=${BUILD:-$TOP/build}
dir=$BUILD/bench-smarthost
tmp=$(mktemp -d)
trap 'bash "$TOP/tests/lib/smarthost.sh" stop "$dir" >/dev/null 2>&1; rm -rf "$tmp"' EXIT
export SMARTHOST_PORT_SUBMIT=${BENCH_PORT:-11587} SMARTHOST_PORT_SMTPS=11465 SMARTHOST_PORT_SMALL=11588 \
	SMARTHOST_PORT_PLAIN=11589 SMARTHOST_PORT_RCPTLIMIT=11590
bash "$TOP/tests/lib/smarthost.sh" start "$dir" >/dev/null
. "$dir/env"
cfg=$tmp/p.ini
printf '[b]\nhost = 127.0.0.1\nport = %s\ntls_ca_file = %s\nfrom = demo@example.test\nuser = %s\npassword = %s\n' \
	"$SMARTHOST_PORT_SUBMIT" "$SMARTHOST_CA" "$SMARTHOST_USER" "$SMARTHOST_PASS" >"$cfg"
chmod 600 "$cfg"
printf 'Subject: small\n\nhello\n' >"$tmp/small.eml"
{ printf 'Subject: big\n\n'; head -c 15000000 /dev/urandom | base64 -w 76; } >"$tmp/20mb.eml"
{ printf 'Subject: 5mb\n\n'; head -c 3750000 /dev/urandom | base64 -w 76; } >"$tmp/5mb.eml"
# A home of its own: queue, dead.letter and kept TLS sessions stay in $tmp.
export HOME=$tmp/home XDG_STATE_HOME=$tmp/home/state
mkdir -p "$HOME"
"$POSTERN" -C "$cfg" warmup@example.test <"$tmp/small.eml"   # Postfix's first connection is slower

ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_runs() { # time_runs RUNS FILE COUNT: median ms for COUNT sequential sends of FILE
	for r in $(seq "$1"); do
		t0=$(ms)
		for i in $(seq "$3"); do "$POSTERN" -C "$cfg" "bench-$r-$i@example.test" <"$2"; done
		echo $(( $(ms) - t0 ))
	done | median
}
echo "postern benchmark (medians, real Postfix on loopback, STARTTLS + AUTH PLAIN)"
t=$(time_runs 5 "$tmp/small.eml" 20)
printf '  20 small messages, one process each: %6d ms  (%d ms per message)\n' "$t" $((t / 20))
t=$(time_runs 5 "$tmp/20mb.eml" 1)
printf '  one 20 MB message:                   %6d ms  (%d MB/s)\n' "$t" $((20000 / (t > 0 ? t : 1)))
# The queue: 100 messages flushed over one connection, against 100 sends.
flush_runs() {
	for r in 1 2 3; do
		for i in $(seq 100); do "$POSTERN" -C "$cfg" -odq "flush-$r-$i@example.test" <"$tmp/small.eml"; done
		t0=$(ms); "$POSTERN" -C "$cfg" -q; echo $(( $(ms) - t0 ))
	done | median
}
t=$(flush_runs)
printf '  flush of 100 queued messages (-q):    %6d ms  (one connection)\n' "$t"
t=$(time_runs 3 "$tmp/small.eml" 100)
printf '  100 separate submissions:             %6d ms  (one connection each)\n' "$t"
if command -v valgrind >/dev/null; then
	valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" "$POSTERN" -C "$cfg" cg@example.test \
		<"$tmp/5mb.eml" 2>"$tmp/cg.log" || true
	ir=$(grep -o 'Collected : [0-9]*' "$tmp/cg.log" | grep -o '[0-9]*$' || echo '?')
	printf '  instructions for one 5 MB message:   %s (callgrind, whole process incl. TLS)\n' "$ir"
fi
# Start-up: libcurl is loaded only when an OAuth2 token must be renewed.
# What linking it would cost every run, measured by preloading it.
curl_so=$(ldconfig -p 2>/dev/null | awk '/libcurl\.so\.4 .*x86-64|libcurl\.so\.4 / {print $NF; exit}')
startup() { # startup [PRELOAD]: median ms for 100 runs of postern --version
	for r in 1 2 3; do
		t0=$(ms)
		for i in $(seq 100); do LD_PRELOAD=${1:-} "$POSTERN" --version >/dev/null; done
		echo $(( $(ms) - t0 ))
	done | median
}
if [ -n "$curl_so" ]; then
	printf '  100 start-ups (postern --version):    %6d ms; with libcurl linked in: %d ms\n' \
		"$(startup)" "$(startup "$curl_so")"
fi
