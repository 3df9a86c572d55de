# The queue flush with several messages in flight (RFC 2920 section 3.1):
# each reply settles its own message, a refused one fails alone, and a
# connection lost mid-flight leaves every unanswered message queued.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/fault.sh"
QDIR=$XDG_STATE_HOME/postern/queue
entries() { ls "$QDIR" 2>/dev/null | grep -c '\.env$'; }
queued_to() { grep -l "^rcpt $1\$" "$QDIR"/*.env 2>/dev/null | wc -l; }

# flight SCENARIO RCPTS...: queue one message per argument (a space inside
# one gives it several recipients), then flush them against SCENARIO.
flight() {
	local scn=$1 r
	shift
	rm -rf "$QDIR" "$HOME/dead.letter"
	fault_start "$scn" || return 1
	CFG=$(fault_config "$FAULT_PORT" starttls "queue = auto")
	for r in "$@"; do
		# shellcheck disable=SC2086 # the split is the point
		"$POSTERN" -C "$CFG" -odq $r <"$(fault_message)"
	done
	run_postern -C "$CFG" -q --force -vv
	fault_stop
}

flight flight-rcpt-550 q1@example.test q2@example.test q3@example.test
is "$RC" 0 "flight, second recipient refused: -q exits 0"
like "$SERVER_LOG" "## end: scenario done" "flight, second recipient refused: the server saw all three in one flight"
is "$(entries)" 0 "flight, second recipient refused: nothing left in the queue"
like "$(cat "$HOME/dead.letter" 2>/dev/null)" "q2@example.test>: no such user" \
	"flight, second recipient refused: that message alone went to dead.letter"
is "$(grep -c '^From ' "$HOME/dead.letter" 2>/dev/null)" 1 "flight, second recipient refused: only one in dead.letter"
like "$ERR" "delivered: 250 2.0.0 queued as ONE" "flight: the first is delivered"
like "$ERR" "delivered: 250 2.0.0 queued as THREE" "flight: the third is delivered behind the refused one"
# -vv: all three messages went before the first reply (same write, or at
# least before any reply was read).
first_reply=$(printf '%s\n' "$ERR" | grep -n -- '<-- 250 2.1.0 sender ok' | head -1 | cut -d: -f1)
third_rcpt=$(printf '%s\n' "$ERR" | grep -n -- '--> RCPT TO:<q3@example.test>' | head -1 | cut -d: -f1)
ok $([ -n "$third_rcpt" ] && [ -n "$first_reply" ] && [ "$third_rcpt" -lt "$first_reply" ]; echo $?) \
	"flight: the third message's RCPT went before the first reply came"
like "$ERR" "^ *[0-9]+\.[0-9]{6} --> RSET" "-vv: transcript lines carry their time"

flight flight-mail-553 q1@example.test q2@example.test q3@example.test
is "$RC" 0 "flight, second sender refused: -q exits 0"
is "$(entries)" 0 "flight, second sender refused: nothing left in the queue"
like "$(cat "$HOME/dead.letter" 2>/dev/null)" "sender refused" "flight, second sender refused: it went to dead.letter"
is "$(grep -c '^From ' "$HOME/dead.letter" 2>/dev/null)" 1 "flight, second sender refused: only one in dead.letter"
like "$ERR" "delivered: 250 2.0.0 queued as THREE" "flight, second sender refused: the 503s were drained, the third delivered"

flight flight-lost q1@example.test q2@example.test q3@example.test
is "$RC" 0 "flight, connection lost after the first reply: -q exits 0"
is "$(entries)" 2 "flight, connection lost: the two unanswered stay queued"
is "$(queued_to q1@example.test)" 0 "flight, connection lost: the answered one left the queue"
is "$(queued_to q2@example.test)$(queued_to q3@example.test)" 11 "flight, connection lost: q2 and q3 are queued"
ok $([ ! -e "$HOME/dead.letter" ]; echo $?) "flight, connection lost: nothing buried"
like "$(cat "$QDIR"/*.env)" "may or may not have been delivered" \
	"flight, connection lost: the entries say the message may have arrived"

flight flight-421 q1@example.test q2@example.test q3@example.test
is "$(entries)" 2 "flight, 421 mid-flight: the two not delivered stay queued"
is "$(queued_to q1@example.test)" 0 "flight, 421 mid-flight: the delivered one left the queue"
ok $([ ! -e "$HOME/dead.letter" ]; echo $?) "flight, 421 mid-flight: nothing buried"

flight flight-two-rcpts q1@example.test "q2@example.test q2b@example.test" q3@example.test
is "$RC" 0 "flight, a message with two recipients: -q exits 0"
like "$SERVER_LOG" "## end: scenario done" "flight, two recipients: nothing behind it until its replies, then BDAT 0 LAST and the next"
is "$(entries)" 0 "flight, two recipients: all three delivered"

# Without CHUNKING: a 354 although the only recipient was refused.
flight data-354-none-accepted q1@example.test q2@example.test q3@example.test
is "$RC" 0 "354 with no recipient accepted, in a batch: -q exits 0"
like "$SERVER_LOG" "## end: scenario done" "354 with no recipient accepted: a lone dot, RSET, and the next message on the same connection"
is "$(entries)" 0 "354 with no recipient accepted: nothing left queued"
is "$(grep -c '^From ' "$HOME/dead.letter" 2>/dev/null)" 1 "354 with no recipient accepted: that message alone in dead.letter"

done_testing
