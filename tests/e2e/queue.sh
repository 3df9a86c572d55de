# End to end: the queue. Nothing accepted is lost: a temporary failure is
# queued (exit 0), postern -q delivers it exactly once over one connection
# per account, permanent failures go to ~/dead.letter, and a writer killed
# at any moment leaves whole entries or none.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/e2e.sh"
e2e_setup
u=$$
QDIR=$XDG_STATE_HOME/postern/queue
CFG=$TEST_TMP/q.ini
DOWN=$TEST_TMP/down.ini
e2e_config "$CFG"
e2e_config "$DOWN" 1   # same account, a port where nothing listens: the smarthost is "down"
msg() { printf 'From: demo@example.test\nTo: %s\nSubject: %s\n\nqueued body\n' "$1" "$2"; }
entries() { ls "$QDIR" 2>/dev/null | grep -c '\.env$'; }
count_delivered() { bash "$SMARTHOST" wait-delivery "$SMARTHOST_DIR" "$1" 0.5 2>/dev/null | grep -c .; }
# delivered_table: "COUNT ADDRESS" for every Delivered-To in the Maildir, in one pass.
delivered_table() {
	find "$SMARTHOST_MAILDIR/new" "$SMARTHOST_MAILDIR/cur" -type f -exec grep -hi '^Delivered-To:' {} + |
		awk '{print tolower($2)}' | sort | uniq -c >"$TEST_TMP/table"
}
count_in_table() { awk -v a="$1" '$2 == a {print $1; f=1} END {if (!f) print 0}' "$TEST_TMP/table"; }
connections() { bash "$SMARTHOST" count-connections "$SMARTHOST_DIR"; }

# --- smarthost down: queued, exit 0; then -q delivers it exactly once
to=down-$u@example.test
msg "$to" down | run_postern -C "$DOWN" "$to"
is "$RC" 0 "smarthost down: exit 0"
like "$ERR" "^postern: queued [0-9]{14}_[0-9]{9}-[0-9a-f]+: connect 127.0.0.1 port 1: .*; will retry$" \
	"smarthost down: one line saying queued, why, and that it will retry"
is "$(entries)" 1 "smarthost down: one entry in the queue"
run_postern -C "$CFG" -bp
like "$OUT" "$to" "-bp lists the queued message with its recipient"
like "$OUT" "attempts=1" "-bp shows the attempts"
like "$OUT" "last error: connect" "-bp shows the last error"
run_postern -C "$CFG" -q
is "$RC" 0 "-q: exit 0"
is "$(entries)" 1 "-q respects the backoff: not due yet, still queued"
run_postern -C "$CFG" -q --force
is "$RC" 0 "-q --force: exit 0"
sleep 1
is "$(count_delivered "$to")" 1 "-q --force: delivered exactly once"
is "$(entries)" 0 "-q --force: the queue is empty"
run_postern -C "$CFG" -bp
like "$OUT" "Mail queue is empty" "-bp: empty queue said so"

# --- 4xx on RCPT: queued; 5xx on RCPT: dead.letter, exit 67, not queued
msg tempfail@example.test tempfail | run_postern -C "$CFG" tempfail@example.test
is "$RC" 0 "451 on RCPT: queued, exit 0"
like "$ERR" "queued .*451 4\.3\.0" "451 on RCPT: the reply is in the queued line"
id=$(ls "$QDIR" | sed -n 's/\.env$//p' | head -n 1)
run_postern -C "$CFG" --remove "$id"
is "$RC" 0 "--remove ID: exit 0"
is "$(entries)" 0 "--remove ID: the entry is gone"
run_postern -C "$CFG" --remove 20990101000000-000000000000
is "$RC" 64 "--remove of an unknown id: exit 64"
rm -f "$HOME/dead.letter"
msg refused@example.test refused | run_postern -C "$CFG" refused@example.test
is "$RC" 67 "550 on RCPT: exit 67"
like "$ERR" "saved in ~/dead.letter" "550 on RCPT: the error says where the message went"
is "$(entries)" 0 "550 on RCPT: not queued"
grep -q "^X-Postern-Failure: RCPT: .*550 5.1.1" "$HOME/dead.letter"; ok $? "dead.letter names the failure"
grep -q "^Subject: refused" "$HOME/dead.letter"; ok $? "dead.letter holds the message"

# --- -odq queues without trying (no connection)
before=$(connections)
to=odq-$u@example.test
msg "$to" odq | run_postern -C "$CFG" -odq "$to"
is "$RC" 0 "-odq: exit 0"
is "$(entries)" 1 "-odq: queued"
is "$(connections)" "$before" "-odq: no connection made"

# --- opportunistic flush: a successful send also empties the due queue
to2=after-$u@example.test
msg "$to2" after | run_postern -C "$CFG" "$to2"
is "$RC" 0 "send after -odq: exit 0"
sleep 1
is "$(count_delivered "$to")" 1 "opportunistic flush: the queued message went along"
is "$(entries)" 0 "opportunistic flush: queue empty"

# --- 100 queued messages, one -q: one connection, each delivered once
for i in $(seq 100); do msg "many-$i-$u@example.test" "many $i" | "$POSTERN" -C "$CFG" -odq "many-$i-$u@example.test"; done
is "$(entries)" 100 "100 messages queued"
before=$(connections)
run_postern -C "$CFG" -q
is "$RC" 0 "-q over 100 messages: exit 0"
sleep 1
is "$(( $(connections) - before ))" 1 "-q over 100 messages: one connection"
delivered_table
missing=0; for i in $(seq 100); do [ "$(count_in_table "many-$i-$u@example.test")" = 1 ] || missing=$((missing + 1)); done
is "$missing" 0 "-q over 100 messages: every one delivered exactly once"
is "$(entries)" 0 "-q over 100 messages: queue empty"

# --- two flushers at once over 50 messages: each delivered exactly once
for i in $(seq 50); do msg "twin-$i-$u@example.test" "twin $i" | "$POSTERN" -C "$CFG" -odq "twin-$i-$u@example.test"; done
"$POSTERN" -C "$CFG" -q & p1=$!
"$POSTERN" -C "$CFG" -q & p2=$!
wait $p1; r1=$?; wait $p2; r2=$?
is "$r1.$r2" "0.0" "two concurrent -q: both exit 0"
sleep 1
dup=0; miss=0
delivered_table
for i in $(seq 50); do
	c=$(count_in_table "twin-$i-$u@example.test")
	[ "$c" -gt 1 ] && dup=$((dup + 1)); [ "$c" -lt 1 ] && miss=$((miss + 1))
done
is "$dup.$miss" "0.0" "two concurrent -q: no duplicate, none missing"

# --- queue_lifetime: too old -> dead.letter
e2e_config "$TEST_TMP/life.ini" 1
sed -i '1a queue_lifetime = 1s' "$TEST_TMP/life.ini"
rm -f "$HOME/dead.letter"
msg old-$u@example.test old | run_postern -C "$TEST_TMP/life.ini" "old-$u@example.test"
sleep 2.2
run_postern -C "$TEST_TMP/life.ini" -q --force
is "$(entries)" 0 "older than queue_lifetime: removed from the queue"
like "$ERR" "gave up, saved in ~/dead.letter" "older than queue_lifetime: reported"
grep -q "^Subject: old" "$HOME/dead.letter"; ok $? "older than queue_lifetime: moved to dead.letter"

# --- a writer killed with SIGKILL at many points: only whole entries
{ printf 'From: demo@example.test\nSubject: kill\n\n'; head -c 3000000 /dev/urandom | base64 -w 76; } >"$TEST_TMP/big.eml"
for i in $(seq 25); do
	"$POSTERN" -C "$CFG" -odq "kill-$i-$u@example.test" <"$TEST_TMP/big.eml" & pid=$!
	sleep "0.0$(( (i * 7) % 10 ))"
	kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
done
bad=0
for env in "$QDIR"/*.env; do
	[ -e "$env" ] || continue
	m=${env%.env}.msg
	[ -f "$m" ] && [ "$(stat -c %s "$m")" -gt 3000000 ] || bad=$((bad + 1))
done
is "$bad" 0 "after SIGKILLs: every committed entry has its whole message"
n=$(entries)
run_postern -C "$CFG" -bp
is "$(printf '%s\n' "$OUT" | grep -c '^[0-9]\{14\}_[0-9]\{9\}-')" "$n" "after SIGKILLs: -bp lists exactly the committed entries"
run_postern -C "$CFG" -q --force
is "$RC" 0 "after SIGKILLs: -q delivers what was queued"
is "$(entries)" 0 "after SIGKILLs: queue empty"
diag "$n of 25 killed writers had committed"

# --- disk full while queuing: clear error, non-zero exit, not reported as queued
if mkdir -p "$TEST_TMP/full" && mount -t tmpfs -o size=256k tmpfs "$TEST_TMP/full" 2>/dev/null; then
	XDG_STATE_HOME=$TEST_TMP/full run_postern -C "$CFG" -odq "full-$u@example.test" <"$TEST_TMP/big.eml"
	ok $([ "$RC" -ne 0 ]; echo $?) "disk full: non-zero exit"
	like "$ERR" "No space left on device" "disk full: the error says so"
	unlike "$ERR" "queued" "disk full: not reported as queued"
	is "$(ls "$TEST_TMP/full/postern/queue" 2>/dev/null | grep -c '\.env$')" 0 "disk full: no entry left behind"
	umount "$TEST_TMP/full"
else
	ok 1 "disk full: cannot mount a tmpfs here # SKIP"
fi

# arrival_order NAME: the digits N of the Message-IDs <NAME-N-$u@...> in the
# order Postfix's cleanup logged them, that is the order they came in.
arrival_order() {
	grep -o "message-id=<$1-[0-9]-$u@" "$SMARTHOST_LOG" | sed "s/message-id=<$1-\([0-9]\).*/\1/" | tr -d '\n'
}

# --- a queued message that is due goes before the next one sent
printf 'From: demo@example.test\nSubject: first\nMessage-ID: <order-1-%s@example.test>\n\none\n' "$u" |
	run_postern -C "$CFG" -odq "order-$u@example.test"
is "$RC" 0 "the first message is queued (-odq: due at once)"
printf 'From: demo@example.test\nSubject: second\nMessage-ID: <order-2-%s@example.test>\n\ntwo\n' "$u" |
	run_postern -C "$CFG" "order-$u@example.test"
is "$RC" 0 "the second message is sent"
is "$(bash "$SMARTHOST" wait-delivery "$SMARTHOST_DIR" "order-$u@example.test" 20 | wc -l)" 2 \
	"both delivered over that connection"
is "$(arrival_order order)" "12" "the queued message arrives before the one sent after it"

# --- a series queued within one second goes out in the order it was queued
rm -f "$QDIR"/*.env "$QDIR"/*.msg
for i in 1 2 3 4 5 6; do
	printf 'From: demo@example.test\nSubject: [PATCH %d/6]\nMessage-ID: <patch-%d-%s@example.test>\n\npatch %d\n' \
		"$i" "$i" "$u" "$i" | run_postern -C "$CFG" -odq "series-$u@example.test"
done
is "$(entries)" 6 "a six-patch series queued with -odq"
run_postern -C "$CFG" -q
is "$RC" 0 "postern -q sends the series: exit 0"
is "$(bash "$SMARTHOST" wait-delivery "$SMARTHOST_DIR" "series-$u@example.test" 20 | wc -l)" 6 \
	"the series: six messages delivered"
# Postfix's cleanup logs each message-id in the order the messages came in.
is "$(arrival_order patch)" "123456" "the series arrives in the order it was queued"

# --- a backlog goes in flight: 40 queued messages, each behind the one
# before (RFC 2920 section 3.1), in order, and Postfix takes them all
rm -f "$QDIR"/*.env "$QDIR"/*.msg
for i in $(seq 40); do
	printf 'From: demo@example.test\nSubject: backlog %d\nMessage-ID: <backlog-%d-%s@example.test>\n\nmessage %d\n' \
		"$i" "$i" "$u" "$i" | "$POSTERN" -C "$CFG" -odq "backlog$i-$u@example.test"
done
is "$(entries)" 40 "a backlog of 40 queued"
run_postern -C "$CFG" -q -vv
is "$RC" 0 "postern -q sends the backlog: exit 0"
is "$(entries)" 0 "the backlog: the queue is empty"
got=0
for i in $(seq 40); do
	bash "$SMARTHOST" wait-delivery "$SMARTHOST_DIR" "backlog$i-$u@example.test" 20 >/dev/null && got=$((got + 1))
done
is "$got" 40 "the backlog: every message delivered, each to its own recipient"
is "$(printf '%s\n' "$ERR" | grep -o -- "--> RCPT TO:<backlog[0-9]*-" | grep -o '[0-9]*' | tr '\n' ' ')" \
	"$(seq 40 | tr '\n' ' ')" "the backlog: sent in the order it was queued"
first_reply=$(printf '%s\n' "$ERR" | grep -n -- '<-- 250 2.0.0 Ok: .* queued as' | head -1 | cut -d: -f1)
tenth=$(printf '%s\n' "$ERR" | grep -n -- "--> RCPT TO:<backlog10-" | cut -d: -f1)
ok $([ -n "$tenth" ] && [ -n "$first_reply" ] && [ "$tenth" -lt "$first_reply" ]; echo $?) \
	"the backlog: the tenth message went before the first was answered (in flight)"
is "$(printf '%s\n' "$ERR" | grep -c -- '--> RSET')" 39 "the backlog: an RSET before each message behind another"

# --- a refused recipient after DATA went (PIPELINING without CHUNKING:
# Postfix answers 354 as one recipient was accepted) holds up nothing: that
# message alone goes to dead.letter, the connection is closed to abort its
# data, and the next message goes over a new one
rm -f "$QDIR"/*.env "$QDIR"/*.msg "$HOME/dead.letter"
e2e_config "$TEST_TMP/plain.ini" "$SMARTHOST_PORT_PLAIN"
for r in "d1-$u@example.test" "d2-$u@example.test refused@example.test" "d3-$u@example.test"; do
	# shellcheck disable=SC2086 # two recipients for the second
	printf 'From: demo@example.test\nSubject: data mode\n\nbody\n' | "$POSTERN" -C "$TEST_TMP/plain.ini" -odq $r
done
run_postern -C "$TEST_TMP/plain.ini" -q -v
is "$RC" 0 "354 after a refused recipient, in a batch: -q exits 0"
is "$(entries)" 0 "354 after a refused recipient: nothing left queued"
like "$(cat "$HOME/dead.letter" 2>/dev/null)" "refused@example.test>: 550 5.1.1" \
	"354 after a refused recipient: that message alone went to dead.letter"
is "$(printf '%s\n' "$ERR" | grep -c -- '--- connecting to')" 2 \
	"354 after a refused recipient: the connection was closed to abort it, and a new one made"
is "$(delivered "d1-$u@example.test" | wc -l)$(delivered "d3-$u@example.test" | wc -l)" 11 \
	"354 after a refused recipient: the messages before and after it delivered"
not_delivered "d2-$u@example.test"
ok $? "354 after a refused recipient: its accepted recipient got nothing (all or nothing)"

done_testing
