# Provider pacing during a queue flush, against a scripted server: a
# "421 4.7.0 too many messages" after 3 messages of a 10-message flush (and
# a "454 4.7.0" to the 4th MAIL, where the server keeps the connection)
# stops that account's flush: 3 delivered, 7 still queued with their
# backoff, one line said. max_per_minute = 60 spaces 5 messages by about a
# second each.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/fault.sh"

# queue_n N CONFIG: N messages queued with -odq.
queue_n() {
	for i in $(seq "$1"); do
		printf 'From: sender@example.test\nSubject: pacing %s\n\nbody %s\n' "$i" "$i" |
			"$POSTERN" -C "$2" -odq rcpt@example.test || return 1
	done
}

# scenario FILE N LAST...: N whole messages, then the steps LAST.
scenario() {
	local f=$1 n=$2
	shift 2
	{
		echo "include $FAULT_SCENARIOS/tls-auth.inc"
		for _ in $(seq "$n"); do
			echo "include $FAULT_SCENARIOS/envelope.inc"
			echo "expect-data"
			echo "send 250 2.0.0 queued"
		done
		printf '%s\n' "$@"
	} >"$f"
}

for reply in "421 4.7.0 Too many messages, try again later" "454 4.7.0 Message rate exceeded, try again later"; do
	code=${reply%% *}
	rm -rf "$XDG_STATE_HOME/postern/queue"
	scenario "$TEST_TMP/rate-$code.scn" 3 "expect MAIL FROM:<sender@example.test>" "send $reply"
	fault_start "$TEST_TMP/rate-$code.scn"
	CFG=$(fault_config "$FAULT_PORT" starttls "queue = auto")
	queue_n 10 "$CFG"
	run_postern -C "$CFG" -q
	fault_stop
	is "$RC" 0 "$code 4.7.0 after 3 of 10: postern -q exits 0"
	is "$(printf '%s\n' "$SERVER_LOG" | grep -c '^## DATA received')" 3 "$code 4.7.0: 3 messages delivered"
	is "$(printf '%s\n' "$SERVER_LOG" | grep -c '^MAIL FROM')" 4 "$code 4.7.0: no MAIL after the refusal"
	run_postern -C "$CFG" -bp
	like "$OUT" "-- 7 messages queued" "$code 4.7.0: 7 still queued"
	is "$(printf '%s\n' "$OUT" | grep -c 'attempts=1 next= *[0-9]')" 7 "$code 4.7.0: each with its backoff (attempts=1, a next time)"
	is "$(printf '%s\n' "$ERR" | grep -c "slow down")" 0 "(-bp says nothing of it)"
	[ "$code" = 454 ] && like "$SERVER_LOG" "^QUIT" "454 4.7.0: the session ends with QUIT"
done
run_postern -C "$CFG" -q   # nothing due yet: the backoff holds
is "$(printf '%s\n' "$ERR" | grep -c 'slow down')" 0 "the flush right after: nothing due, nothing said"

# The line said once, for the 421 case, run again to read stderr.
rm -rf "$XDG_STATE_HOME/postern/queue"
scenario "$TEST_TMP/once.scn" 3 "expect MAIL FROM:<sender@example.test>" "send 421 4.7.0 Too many messages"
fault_start "$TEST_TMP/once.scn"
CFG=$(fault_config "$FAULT_PORT" starttls "queue = auto")
queue_n 10 "$CFG"
run_postern -C "$CFG" -q
fault_stop
is "$(printf '%s\n' "$ERR" | grep -c .)" 1 "421 4.7.0: one line on stderr"
like "$ERR" "^postern: account fault: .*421 4\.7\.0 Too many messages.*; 7 queued messages wait for a later postern -q" \
	"421 4.7.0: the line names the account, the reply and how many wait"

# A 421 4.7.0 to the greeting is a plain temporary refusal, not pacing.
rm -rf "$XDG_STATE_HOME/postern/queue"
printf 'send 421 4.7.0 Try again later\nclose\n' >"$TEST_TMP/greet421.scn"
fault_start "$TEST_TMP/greet421.scn"
CFG=$(fault_config "$FAULT_PORT" starttls "queue = auto")
queue_n 2 "$CFG"
run_postern -C "$CFG" -q
fault_stop
like "$SERVER_LOG" "accepted" "421 4.7.0 to the greeting: postern connected"
unlike "$ERR" "slow down" "421 4.7.0 to the greeting: not taken for pacing"

# A held message taken along by a send that gets past AUTH, then deferred
# by its own 451: held no more (the credentials work), retried on the backoff.
rm -rf "$XDG_STATE_HOME/postern/queue"
scenario "$TEST_TMP/heldalong.scn" 0 "expect MAIL FROM:<sender@example.test>" \
	"send 451 4.3.0 try this one later" "expect RSET" "send 250 2.0.0 ok" \
	"include $FAULT_SCENARIOS/envelope.inc" "expect-data" "send 250 2.0.0 queued" \
	"expect QUIT" "send 221 2.0.0 bye"
fault_start "$TEST_TMP/heldalong.scn"
CFG=$(fault_config "$FAULT_PORT" starttls "queue = auto")
queue_n 1 "$CFG"
sed -i 's/^held 0$/held 1/' "$XDG_STATE_HOME"/postern/queue/*.env
run_postern -C "$CFG" -bp
like "$OUT" "HELD for credentials" "(the queued message is made held)"
printf 'From: sender@example.test\nSubject: own\n\nbody\n' | run_postern -C "$CFG" rcpt@example.test
fault_stop
is "$RC" 0 "a send taking a held message along: exit 0"
like "$SERVER_LOG" "DATA received" "the send's own message delivered"
run_postern -C "$CFG" -bp
like "$OUT" "attempts=1 next=" "the held one, deferred by its own 451 past AUTH: held no more, on the backoff"
unlike "$OUT" "HELD" "(not shown held)"

# max_per_minute = 60: five messages about a second apart.
rm -rf "$XDG_STATE_HOME/postern/queue"
scenario "$TEST_TMP/paced.scn" 5 "expect QUIT" "send 221 2.0.0 bye"
fault_start "$TEST_TMP/paced.scn"
CFG=$(fault_config "$FAULT_PORT" starttls "queue = auto" "max_per_minute = 60")
queue_n 5 "$CFG"
t0=$(date +%s%N)
run_postern -C "$CFG" -q
t1=$(date +%s%N)
fault_stop
is "$RC" 0 "max_per_minute = 60: exit 0"
is "$(printf '%s\n' "$SERVER_LOG" | grep -c '^## DATA received')" 5 "max_per_minute = 60: all 5 delivered"
took=$(( (t1 - t0) / 1000000 ))
ok "$([ "$took" -ge 3800 ]; echo $?)" "max_per_minute = 60: 5 messages take at least 4 s, one a second (${took} ms)"
CFG=$(fault_config 9 starttls "max_per_minute = 0")
ok "$([ -n "$CFG" ]; echo $?)" "max_per_minute = 0 (no pacing) is accepted"
printf '[a]\nhost = h\nmax_per_minute = -1\n' >"$TEST_TMP/neg.ini"
chmod 600 "$TEST_TMP/neg.ini"
run_postern -C "$TEST_TMP/neg.ini" -bi
is "$RC" 78 "max_per_minute = -1: a configuration error"

done_testing
