#!/usr/bin/env bash
# Fault tests: replies that are late, slow, endless, over-long or malformed.
# Timeouts use timeout = 2 and must end well within a bound (8 s): a bound,
# not a benchmark. Endless, over-long and malformed replies are protocol
# errors: the server's fault, never the message's, so it is kept (75 with
# queue = never) and never buried in dead.letter.
. "$(dirname "$0")/../lib/common.sh"
. "$TOP/tests/lib/fault.sh"

BOUND=8
RUN_TIMEOUT=20

fault_run stall-no-greeting
is "$RC" 75 "no greeting within the timeout: exit 75"
one_line_error "no greeting: one-line error"
like "$ERR" '[Tt]ime' "no greeting: the error says timed out"
ok $((ELAPSED > BOUND)) "no greeting: gave up within ${BOUND}s (took ${ELAPSED}s)"

fault_run stall-after-greeting
is "$RC" 75 "EHLO never answered: exit 75"
one_line_error "EHLO never answered: one-line error"
like "$ERR" '[Tt]ime' "EHLO never answered: the error says timed out"
ok $((ELAPSED > BOUND)) "EHLO never answered: gave up within ${BOUND}s (took ${ELAPSED}s)"
like "$SERVER_CMDS" '^EHLO' "EHLO never answered: EHLO was sent"

fault_run drip-ehlo
is "$RC" 75 "EHLO reply dripping one byte per second: exit 75 (the step has one deadline)"
one_line_error "dripping reply: one-line error"
like "$ERR" '[Tt]ime' "dripping reply: the error says timed out"
ok $((ELAPSED > BOUND)) "dripping reply: gave up within ${BOUND}s (took ${ELAPSED}s)"

fault_run drip-short-lines
is "$RC" 75 "EHLO reply of short lines, each on time, the whole late: exit 75"
like "$ERR" '[Tt]ime' "slow reply of short lines: the error says timed out"
ok $((ELAPSED > BOUND)) "slow reply of short lines: gave up within ${BOUND}s (took ${ELAPSED}s)"

# Peak memory of a short failing run, to compare the flood with.
FAULT_MAXRSS=1
fault_run malformed-greeting
base_kb=${MAXRSS_KB:-0}
fault_run flood-ehlo
flood_kb=${MAXRSS_KB:-999999}
FAULT_MAXRSS=0
is "$RC" 75 "endless multi-line EHLO reply: exit 75 (the server broke the protocol: kept, not buried)"
one_line_error "endless reply: one-line error"
ok $((ELAPSED > BOUND)) "endless reply: gave up within ${BOUND}s (took ${ELAPSED}s)"
ok $((flood_kb - base_kb > 8192)) \
	"endless reply: memory stays bounded (peak ${flood_kb} KB, a short run ${base_kb} KB)"

fault_run longline-ehlo
is "$RC" 75 "a 100 KB reply line: exit 75 (the server broke the protocol: kept, not buried)"
one_line_error "100 KB reply line: one-line error"

fault_run malformed-greeting
is "$RC" 75 "greeting 'hello there' (not a reply): exit 75 (the server broke the protocol: kept, not buried)"
one_line_error "greeting 'hello there': one-line error"

fault_run malformed-code
is "$RC" 75 "reply code '2x0': exit 75 (the server broke the protocol: kept, not buried)"
one_line_error "reply code '2x0': one-line error"

fault_run malformed-mixed-codes
is "$RC" 75 "multi-line reply with different codes on its lines: exit 75 (the server broke the protocol: kept, not buried)"
one_line_error "mixed reply codes: one-line error"
unlike "$SERVER_CMDS" '^(STARTTLS|AUTH|MAIL)' "mixed reply codes: the session stops there"

# 451 and 421 in one write, inside TLS (Dovecot): temporary, not an attack.
fault_run mail-451-421
is "$RC" 75 "451 and 421 in one write inside TLS: exit 75 (temporary)"
one_line_error "451 and 421 in one write: one-line error"
like "$ERR" "451 4\.7\.0" "451 and 421 in one write: the error gives the server's reply"
unlike "$ERR" "nobody asked for|injection" "451 and 421 in one write: not called an injection"
FAULT_INI=("queue = auto")
fault_run mail-451-421
is "$RC" 0 "451 and 421 in one write, queue = auto: exit 0"
like "$ERR" "^postern: queued .*; will retry$" "451 and 421 in one write, queue = auto: queued"
FAULT_INI=()

ok $([ ! -e "$HOME/dead.letter" ]; echo $?) "no server fault above buried a message in dead.letter"

done_testing
