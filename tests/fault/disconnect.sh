#!/usr/bin/env bash
# Fault tests: the server drops the connection at each step of an otherwise
# good session (TLS, AUTH, no PIPELINING so commands come one at a time).
# Every drop is temporary (75); after the final dot the message may have been
# delivered and the error must say so.
. "$(dirname "$0")/../lib/common.sh"
. "$TOP/tests/lib/fault.sh"

DROPPED='[Cc]onnection|[Cc]losed|[Dd]isconnect|[Rr]eset|EOF|[Ee]of|[Ll]ost|[Ee]nd of'

fault_run disconnect-after-greeting
is "$RC" 75 "disconnect after the greeting: exit 75"
one_line_error "disconnect after the greeting: one-line error"
like "$ERR" "$DROPPED" "disconnect after the greeting: the error says the connection dropped"

fault_run disconnect-after-ehlo
is "$RC" 75 "disconnect after EHLO (in TLS): exit 75"
one_line_error "disconnect after EHLO: one-line error"
like "$ERR" "$DROPPED" "disconnect after EHLO: the error says the connection dropped"
like "$SERVER_LOG" '^## TLS started' "disconnect after EHLO: TLS was up"
unlike "$SERVER_CMDS" '^(AUTH|MAIL)' "disconnect after EHLO: nothing sent after EHLO"

fault_run disconnect-after-mail
is "$RC" 75 "disconnect after MAIL FROM: exit 75"
one_line_error "disconnect after MAIL: one-line error"
like "$ERR" 'MAIL' "disconnect after MAIL: the error names the MAIL step"
like "$SERVER_CMDS" '^MAIL FROM:<SENDER@EXAMPLE.TEST>' "disconnect after MAIL: MAIL was sent"
unlike "$SERVER_CMDS" '^RCPT' "disconnect after MAIL: no RCPT without a MAIL reply (no PIPELINING)"

FAULT_MSG=$(fault_message 20000)   # about 1.5 MB: still being written when the drop comes
fault_run disconnect-mid-data
is "$RC" 75 "disconnect in the middle of DATA: exit 75 (not killed by SIGPIPE)"
one_line_error "disconnect mid-DATA: one-line error"
like "$SERVER_CMDS" '^DATA' "disconnect mid-DATA: DATA was sent"
unlike "$SERVER_LOG" '^## DATA received' "disconnect mid-DATA: the body was cut short"
FAULT_MSG=

fault_run trailing-after-dot
is "$RC" 0 "250 for the final dot with bytes after it: delivered, exit 0"

fault_run disconnect-after-dot
is "$RC" 75 "disconnect after the final dot, no reply: exit 75"
one_line_error "disconnect after the final dot: one-line error"
like "$ERR" '[Mm]ay (have|already have) been delivered|[Mm]ight have been delivered|[Ll]ost after (the )?(DATA|data|final dot|end of data|message)' \
	"disconnect after the final dot: the error says the message may have been delivered"
like "$SERVER_LOG" '^## DATA received' "disconnect after the final dot: the whole body arrived"

done_testing
