# Load: many postern processes at once against the real Postfix, and many
# writers with several concurrent flushes on one queue. Every message must
# arrive exactly once, nothing lost, nothing duplicated, no stray files.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/e2e.sh"
e2e_setup
CFG=$TEST_TMP/load.ini
e2e_config "$CFG" "$SMARTHOST_PORT_SUBMIT" "auth = plain"
QDIR=$XDG_STATE_HOME/postern/queue
u=$$-$RANDOM
N=50

# copies RCPT: how many delivered messages went to RCPT.
copies() { grep -l "^Delivered-To: $1\$" "$SMARTHOST_MAILDIR"/new/* 2>/dev/null | wc -l; }
# all_once PREFIX: "ok" when each of PREFIX-1..N arrived exactly once,
# waiting up to 30 s for Postfix to deliver them; else the first miss.
all_once() {
	local i c miss
	for _ in $(seq 60); do
		miss=
		for i in $(seq "$N"); do
			c=$(copies "$1-$i@example.test")
			[ "$c" = 1 ] || { miss="$1-$i: $c copies"; [ "$c" -gt 1 ] && break 2; break; }
		done
		[ -z "$miss" ] && break
		sleep 0.5
	done
	echo "${miss:-ok}"
}

# --- 50 processes submitting at once
fails=0
for i in $(seq "$N"); do
	printf 'Subject: load %d\n\nbody %d\n' "$i" "$i" |
		"$POSTERN" -C "$CFG" "par-$u-$i@example.test" >"$TEST_TMP/par.$i.out" 2>&1 &
done
for job in $(jobs -p); do wait "$job" || fails=$((fails + 1)); done
is "$fails" 0 "$N postern processes at once: every one exits 0"
is "$(all_once "par-$u")" ok "$N postern processes at once: each message delivered exactly once"

# --- 50 writers queueing while 5 flushes run on the same queue
for i in $(seq "$N"); do
	printf 'Subject: queued %d\n\nbody %d\n' "$i" "$i" |
		"$POSTERN" -C "$CFG" -odq "q-$u-$i@example.test" >/dev/null 2>&1 &
	if [ $((i % 10)) = 0 ]; then "$POSTERN" -C "$CFG" -q >/dev/null 2>&1 & fi
done
wait
run_postern -C "$CFG" -q   # whatever the concurrent flushes left
is "$RC" 0 "writers and concurrent flushes: a last flush exits 0"
is "$(all_once "q-$u")" ok "$N writers with 5 concurrent flushes: each message delivered exactly once"
is "$(ls "$QDIR" | grep -cv '^tmp$')" 0 "writers and concurrent flushes: the queue is empty"
is "$(ls -A "$QDIR/tmp" | wc -l)" 0 "writers and concurrent flushes: no stray file in the queue's tmp folder"
ok $([ ! -e "$HOME/dead.letter" ]; echo $?) "load: nothing in dead.letter"

done_testing
