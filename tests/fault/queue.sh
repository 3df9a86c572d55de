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
like "$ERR" "^postern: queued [0-9]{14}-[0-9a-f]+: MAIL FROM:<sender@example.test>: .*451 4\.3\.2.*; will retry$" \
	"451 at MAIL: one line saying queued and why"
is "$(entries)" 1 "451 at MAIL: the message is in the queue"
grep -q "^Subject: postern fault test" "$QDIR"/*.msg; ok $? "451 at MAIL: the queued file holds the message"
rm -rf "$QDIR"

fault_run disconnect-after-dot
is "$RC" 0 "lost after the final dot with queue = auto: exit 0 (queued)"
like "$ERR" "queued .*may or may not have been delivered" "lost after the final dot: says it may have been delivered, and queued"
is "$(entries)" 1 "lost after the final dot: kept in the queue"
rm -rf "$QDIR"

FAULT_INI=("queue = never")
fault_run mail-451
is "$RC" 75 "451 at MAIL with queue = never: exit 75"
is "$(entries)" 0 "queue = never: nothing queued"

done_testing
