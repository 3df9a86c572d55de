# The queue meets faults a real server will not produce on demand: a 4xx
# at MAIL, and a connection lost after the final dot (the ambiguous case:
# the message may have arrived; it stays queued, a duplicate rather than a
# loss).
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/fault.sh"
QDIR=$XDG_STATE_HOME/postern/queue
entries() { ls "$QDIR" 2>/dev/null | grep -c '\.env$'; }
FAULT_INI=("queue = auto")

fault_run mail-451
is "$RC" 0 "451 at MAIL with queue = auto: exit 0"
like "$ERR" "^postern: queued [0-9]{14}_[0-9]{9}-[0-9a-f]+: MAIL FROM:<sender@example.test>: .*451 4\.3\.2.*; will retry$" \
	"451 at MAIL: one line saying queued and why"
is "$(entries)" 1 "451 at MAIL: the message is in the queue"
grep -q "^Subject: postern fault test" "$QDIR"/*.msg; ok $? "451 at MAIL: the queued file holds the message"
rm -rf "$QDIR"

fault_run disconnect-after-dot
is "$RC" 0 "lost after the final dot with queue = auto: exit 0 (queued)"
like "$ERR" "queued .*may or may not have been delivered" "lost after the final dot: says it may have been delivered, and queued"
is "$(entries)" 1 "lost after the final dot: kept in the queue"
rm -rf "$QDIR"

# A session that fails around the messages (no STARTTLS, so no AUTH) must
# not bury queued messages: they wait, and none goes to dead.letter.
rm -f "$HOME/dead.letter"
fault_start starttls-not-offered
cfg=$(fault_config "$FAULT_PORT" starttls "queue = auto")
for i in 1 2 3; do "$POSTERN" -C "$cfg" -odq "q$i@example.test" <"$(fault_message)"; done
is "$(entries)" 3 "three messages queued with -odq"
run_postern -C "$cfg" -q --force
fault_stop
is "$RC" 0 "-q against a server without STARTTLS: exit 0"
is "$(entries)" 3 "a session failure buries nothing: all three still queued"
ok $([ ! -e "$HOME/dead.letter" ]; echo $?) "a session failure buries nothing: no dead.letter"
like "$(cat "$QDIR"/*.env)" "error STARTTLS" "each queued message records the session's error"
rm -rf "$QDIR"

FAULT_INI=("queue = never")
fault_run mail-451
is "$RC" 75 "451 at MAIL with queue = never: exit 75"
is "$(entries)" 0 "queue = never: nothing queued"

done_testing
