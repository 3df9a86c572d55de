#!/usr/bin/env bash
# Fault tests: the ESMTP extensions against the scripted server, which shows
# exactly what the client sent. CHUNKING (RFC 3030: BDAT, LAST, chunk sizes,
# bytes as sent), SMTPUTF8 not offered (RFC 6531), DSN offered or not (RFC
# 3461), REQUIRETLS (RFC 8689), and a refused recipient while a chunk is in
# flight. The scenarios are tests/fault/scenarios/esmtp-*.scn.
. "$(dirname "$0")/../lib/common.sh"
. "$TOP/tests/lib/fault.sh"

CHUNKS=$TEST_TMP/chunks.bin   # expect-bdat/expect-chunk append here (beside the log)
DATA=$TEST_TMP/data.eml       # save-data writes here

# crlf: stdin with every line ending CRLF (postern's wire form).
crlf() { sed 's/\r$//; s/$/\r/'; }

# same_bytes FILE_GOT FILE_WANT DESCRIPTION: a TAP check that both hold the
# same bytes.
same_bytes() {
	if cmp -s "$1" "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diag "  got $(wc -c <"$1" 2>/dev/null || echo no) bytes, want $(wc -c <"$2") bytes;" \
			"first difference: $(cmp "$1" "$2" 2>&1 | head -n 1)"
	fi
}

# server_line WORD: the client's line(s) starting with WORD, as the server logged them.
server_line() { printf '%s\n' "$SERVER_LOG" | grep -a "^$1" ; }

# A message whose body has lines starting with dots, a line holding only
# "." (which only -i keeps in the message) and one of "..".
dots_message() {
	printf 'From: Sender <sender@example.test>\nTo: rcpt@example.test\n'
	printf 'Subject: dots\nMessage-ID: <dots@example.test>\n'
	printf 'Date: Thu, 01 Jan 2026 00:00:00 +0000\n\n'
	printf 'first line\n.a line starting with a dot\n.\n..\n...three\nlast line\n'
}

# --- (a) CHUNKING + PIPELINING: MAIL, RCPT, BDAT n LAST, no DATA; bytes as sent
dots_message >"$TEST_TMP/dots.eml"
crlf <"$TEST_TMP/dots.eml" >"$TEST_TMP/dots.wire"
size=$(wc -c <"$TEST_TMP/dots.wire")
rm -f "$CHUNKS"
FAULT_ARGS=(-i) FAULT_MSG=$TEST_TMP/dots.eml
fault_run esmtp-chunking
is "$RC" 0 "CHUNKING offered: exit 0"
is "$FAULT_RC" 0 "CHUNKING: MAIL, RCPT and BDAT LAST all came before any reply (the scenario ran whole)"
is "$(server_line MAIL)" "MAIL FROM:<sender@example.test> SIZE=$size" \
	"CHUNKING: MAIL FROM with SIZE= the size of the message as sent"
is "$(server_line RCPT)" "RCPT TO:<rcpt@example.test>" "CHUNKING: RCPT TO"
is "$(server_line BDAT)" "BDAT $size LAST" "CHUNKING: one recipient, one chunk: exactly one 'BDAT $size LAST'"
unlike "$SERVER_CMDS" '^DATA' "CHUNKING: no DATA command"
same_bytes "$CHUNKS" "$TEST_TMP/dots.wire" \
	"CHUNKING: the chunk is the message byte for byte, dots not stuffed, lone '.' kept (-i), LF made CRLF"
unlike "$(cat "$CHUNKS")" '^\.\.a line' "CHUNKING: a line starting with a dot is not dot-stuffed in BDAT"

# The same with CRLF input: already CRLF, sent unchanged.
crlf <"$TEST_TMP/dots.eml" >"$TEST_TMP/dots-crlf.eml"
rm -f "$CHUNKS"
FAULT_MSG=$TEST_TMP/dots-crlf.eml
fault_run esmtp-chunking
is "$RC" 0 "CHUNKING, CRLF input: exit 0"
is "$(server_line BDAT)" "BDAT $size LAST" "CHUNKING, CRLF input: the same size as the LF input, one chunk"
same_bytes "$CHUNKS" "$TEST_TMP/dots-crlf.eml" "CHUNKING, CRLF input: the chunk is the input unchanged"

# Bare CR, bare LF, CRLF mixed, no final line end: every line ends CRLF in
# the chunk too (no bare CR or LF ever reaches the server), the end added.
printf 'From: sender@example.test\nMessage-ID: <mixed@example.test>\nDate: Thu, 01 Jan 2026 00:00:00 +0000\n\nbare\rcr\nbare lf\ncrlf\r\n.dot\rend' \
	>"$TEST_TMP/mixed.eml"
printf 'From: sender@example.test\r\nMessage-ID: <mixed@example.test>\r\nDate: Thu, 01 Jan 2026 00:00:00 +0000\r\n\r\nbare\r\ncr\r\nbare lf\r\ncrlf\r\n.dot\r\nend\r\n' \
	>"$TEST_TMP/mixed.wire"
rm -f "$CHUNKS"
FAULT_ARGS=() FAULT_MSG=$TEST_TMP/mixed.eml
fault_run esmtp-chunking
is "$RC" 0 "CHUNKING, bare CR and LF mixed with CRLF, no final line end: exit 0"
same_bytes "$CHUNKS" "$TEST_TMP/mixed.wire" \
	"CHUNKING, mixed line ends: every line ends CRLF in the chunk, and the last line gets one"
FAULT_ARGS=() FAULT_MSG=

# --- (b) SMTPUTF8 not offered, a UTF-8 local part: refused before MAIL
FAULT_ARGS=("pérez@lab.test")
fault_run esmtp-quit-early
is "$RC" 69 "UTF-8 local part, no SMTPUTF8 offered: exit 69"
one_line_error "no SMTPUTF8: one-line error"
like "$ERR" 'pérez@lab\.test' "no SMTPUTF8: the error names the address"
like "$ERR" 'SMTPUTF8' "no SMTPUTF8: the error says the server does not offer SMTPUTF8"
unlike "$SERVER_CMDS" '^(MAIL|RCPT|BDAT|DATA)' "no SMTPUTF8: no MAIL FROM (nor anything after it) was sent"
like "$SERVER_CMDS" '^QUIT$' "no SMTPUTF8: the session ends with QUIT"
is "$FAULT_RC" 0 "no SMTPUTF8: the server saw AUTH then QUIT, as scripted"
FAULT_ARGS=()

# --- (c) DSN asked, not offered: delivered without NOTIFY, RET, ENVID, ORCPT
fault_message 3 >/dev/null
crlf <"$TEST_TMP/msg.eml" >"$TEST_TMP/msg.wire"
rm -f "$DATA"
FAULT_ARGS=(-N success,failure -R hdrs -V id1)
fault_run esmtp-no-dsn
is "$RC" 0 "DSN asked, server without DSN: delivered, exit 0"
is "$FAULT_RC" 0 "no DSN: the server ran the whole scenario (DATA, no CHUNKING)"
is "$(server_line MAIL)" "MAIL FROM:<sender@example.test>" "no DSN: MAIL FROM carries no RET or ENVID"
is "$(server_line RCPT)" "RCPT TO:<rcpt@example.test>" "no DSN: RCPT TO carries no NOTIFY or ORCPT"
unlike "$SERVER_CMDS" 'NOTIFY=|RET=|ENVID=|ORCPT=' "no DSN: no DSN parameter anywhere in what the server got"
same_bytes "$DATA" "$TEST_TMP/msg.wire" "no DSN: the DATA body (unstuffed) is the message"
FAULT_ARGS=()

# --- (d) DSN offered: the exact parameters, ENVID as xtext
rm -f "$CHUNKS"
FAULT_ARGS=(-N success,failure -R hdrs -V 'a+b=c')
fault_run esmtp-dsn
is "$RC" 0 "DSN offered: exit 0"
is "$FAULT_RC" 0 "DSN offered: the server ran the whole scenario"
is "$(server_line MAIL)" "MAIL FROM:<sender@example.test> RET=HDRS ENVID=a+2Bb+3Dc" \
	"DSN offered: MAIL FROM with RET=HDRS and ENVID xtext-encoded (a+b=c -> a+2Bb+3Dc)"
is "$(server_line RCPT)" "RCPT TO:<rcpt@example.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;rcpt@example.test" \
	"DSN offered: RCPT TO with NOTIFY=SUCCESS,FAILURE and ORCPT=rfc822;"
FAULT_ARGS=(-N never)
fault_run esmtp-dsn
is "$(server_line RCPT)" "RCPT TO:<rcpt@example.test> NOTIFY=NEVER ORCPT=rfc822;rcpt@example.test" \
	"DSN offered, -N never: NOTIFY=NEVER"
is "$(server_line MAIL)" "MAIL FROM:<sender@example.test>" "DSN offered, -N only: no RET or ENVID on MAIL"
FAULT_ARGS=()
fault_run esmtp-dsn
is "$(server_line MAIL)$(server_line RCPT)" "MAIL FROM:<sender@example.test>RCPT TO:<rcpt@example.test>" \
	"DSN offered, none asked: no DSN parameter at all"

# --- (e) REQUIRETLS
FAULT_INI=("requiretls = yes")
fault_run esmtp-quit-early
is "$RC" 69 "requiretls = yes, server without REQUIRETLS: exit 69"
one_line_error "no REQUIRETLS: one-line error"
like "$ERR" 'REQUIRETLS' "no REQUIRETLS: the error mentions REQUIRETLS"
unlike "$SERVER_CMDS" '^(MAIL|RCPT|BDAT|DATA)' "no REQUIRETLS: no MAIL FROM was sent"
is "$FAULT_RC" 0 "no REQUIRETLS: the server saw AUTH then QUIT, as scripted"

fault_run esmtp-requiretls
is "$RC" 0 "requiretls = yes, REQUIRETLS offered: exit 0"
is "$(server_line MAIL)" "MAIL FROM:<sender@example.test> REQUIRETLS" \
	"REQUIRETLS offered: MAIL FROM carries REQUIRETLS"

{
	printf 'From: sender@example.test\nTo: rcpt@example.test\nTLS-Required: No\n'
	printf 'Subject: no tls required\nMessage-ID: <tlsno@example.test>\n'
	printf 'Date: Thu, 01 Jan 2026 00:00:00 +0000\n\nbody\n'
} >"$TEST_TMP/tlsno.eml"
FAULT_MSG=$TEST_TMP/tlsno.eml
fault_run esmtp-requiretls
is "$RC" 0 "requiretls = yes, message says TLS-Required: No: exit 0"
is "$(server_line MAIL)" "MAIL FROM:<sender@example.test>" "TLS-Required: No: MAIL FROM without REQUIRETLS"
FAULT_INI=() FAULT_MSG=

fault_run esmtp-requiretls
is "$(server_line MAIL)" "MAIL FROM:<sender@example.test>" "requiretls not set: no REQUIRETLS even when offered"

# --- (f) CHUNKING, two recipients, the second refused in the pipelined replies
rm -f "$CHUNKS"
FAULT_ARGS=(first@example.test)
fault_run esmtp-rcpt-550
is "$RC" 67 "CHUNKING, second of two recipients refused: exit 67"
one_line_error "refused recipient with CHUNKING: one-line error"
like "$ERR" 'rcpt@example\.test.*550' "refused recipient with CHUNKING: named with the server's 550"
like "$SERVER_LOG" '^BDAT [0-9]+$' "two recipients: the first BDAT goes without LAST"
unlike "$SERVER_CMDS" 'LAST' "refused recipient: no LAST chunk ever (nothing is delivered)"
like "$SERVER_CMDS" '^QUIT$' "refused recipient: the session ends with QUIT"
is "$FAULT_RC" 0 "refused recipient: the server ran the whole scenario"
FAULT_ARGS=()

# --- (g) 2.5 MiB: three chunks of 1048576, 1048576 and 524288 (LAST)
"$FAULT_PYTHON" - "$TEST_TMP/big.eml" <<'PY'
import sys
size = 5 * 1024 * 1024 // 2
head = (b"From: sender@example.test\r\nTo: rcpt@example.test\r\nSubject: 2.5 MiB\r\n"
        b"Message-ID: <big@example.test>\r\nDate: Thu, 01 Jan 2026 00:00:00 +0000\r\n\r\n")
out = bytearray(head)
i = 0
while len(out) < size - 200:
    out += b"line %07d: the quick brown fox jumps over the lazy dog, 0123456789.\r\n" % i
    i += 1
out += b"x" * (size - len(out) - 2) + b"\r\n"
assert len(out) == size
open(sys.argv[1], "wb").write(out)
PY
rm -f "$CHUNKS"
FAULT_MSG=$TEST_TMP/big.eml
fault_run esmtp-chunks-3
FAULT_MSG=
is "$RC" 0 "2.5 MiB with CHUNKING: exit 0"
is "$FAULT_RC" 0 "2.5 MiB: the server ran the whole scenario"
is "$(server_line BDAT | tr '\n' ' ')" "BDAT 1048576 BDAT 1048576 BDAT 524288 LAST " \
	"2.5 MiB: three BDATs: 1048576, 1048576, 524288 LAST"
same_bytes "$CHUNKS" "$TEST_TMP/big.eml" "2.5 MiB: the chunks put together are the message byte for byte"

# The 2.5 MiB message again, its second chunk refused with 552 while the
# third is in flight.
FAULT_MSG=$TEST_TMP/big.eml
fault_run esmtp-chunk-552
FAULT_MSG=
is "$RC" 65 "second chunk refused with 552 5.3.4: exit 65 (the message is too big)"
one_line_error "chunk refused: one-line error"
like "$ERR" '^postern: BDAT: .*552 5\.3\.4' "chunk refused: the error names BDAT and the server's 552"
is "$FAULT_RC" 0 "chunk refused: chunks two and three came without waiting, then QUIT"
is "$(server_line BDAT | tr '\n' ' ')" "BDAT 1048576 BDAT 1048576 BDAT 524288 LAST " \
	"chunk refused: no BDAT after the refusal"
is "$(printf '%s\n' "$SERVER_LOG" | grep -v '^## ' | tail -n 1)" "QUIT" "chunk refused: QUIT is the last thing sent"

# directions: the -v transcript after AUTH's 235 as "--> WORD" / "<-- CODE" words.
directions() {
	printf '%s\n' "$ERR" | sed -n '/^<-- 235/,$p' | sed 1d | grep -E '^(-->|<--) ' |
		awk '{ printf "%s %s ", $1, $2 }'
}

# --- CHUNKING without PIPELINING: every command waits for its reply
rm -f "$CHUNKS"
FAULT_ARGS=(-v)
fault_run esmtp-chunking-nopipe
is "$RC" 0 "CHUNKING without PIPELINING: exit 0"
is "$FAULT_RC" 0 "CHUNKING without PIPELINING: the server ran the whole scenario"
is "$(directions)" "--> MAIL <-- 250 --> RCPT <-- 250 --> BDAT <-- 250 --> QUIT " \
	"CHUNKING without PIPELINING: MAIL, RCPT and BDAT one at a time, each after the previous reply"
like "$SERVER_LOG" '^BDAT [0-9]+ LAST$' "CHUNKING without PIPELINING: one BDAT with LAST"
same_bytes "$CHUNKS" "$TEST_TMP/msg.wire" "CHUNKING without PIPELINING: the chunk is the message"
FAULT_ARGS=()

# --- CHUNKING, two recipients, both accepted: BDAT n, then BDAT 0 LAST
rm -f "$CHUNKS"
FAULT_ARGS=(first@example.test)
fault_run esmtp-two-rcpts
is "$RC" 0 "CHUNKING, two recipients accepted: exit 0"
is "$FAULT_RC" 0 "two recipients accepted: the server ran the whole scenario"
is "$(server_line BDAT | tr '\n' ' ')" "BDAT $(wc -c <"$TEST_TMP/msg.wire") BDAT 0 LAST " \
	"two recipients accepted: the message without LAST, then 'BDAT 0 LAST' once the RCPT replies are in"
same_bytes "$CHUNKS" "$TEST_TMP/msg.wire" "two recipients accepted: the chunks are the message"
FAULT_ARGS=()

# --- a line of 3000 octets, BINARYMIME and CHUNKING offered: sent as it is
{ printf 'From: sender@example.test\nMessage-ID: <long@example.test>\nDate: Thu, 01 Jan 2026 00:00:00 +0000\n\n'
  head -c 3000 /dev/zero | tr '\0' 'y'; printf '\nshort\n'; } >"$TEST_TMP/long.eml"
crlf <"$TEST_TMP/long.eml" >"$TEST_TMP/long.wire"
rm -f "$CHUNKS"
FAULT_MSG=$TEST_TMP/long.eml
fault_run esmtp-binarymime
is "$RC" 0 "a 3000-octet line, BINARYMIME offered: exit 0"
like "$(server_line MAIL)" " BODY=BINARYMIME" "a 3000-octet line: MAIL FROM declares BODY=BINARYMIME"
same_bytes "$CHUNKS" "$TEST_TMP/long.wire" "a 3000-octet line: the chunk is the message, the line whole"
FAULT_MSG=

# --- LIMITS RCPTMAX=2, five recipients: three transactions, each recipient once
FAULT_ARGS=(r1@example.test r2@example.test r3@example.test r4@example.test)
fault_run esmtp-limits
is "$RC" 0 "LIMITS RCPTMAX=2, five recipients: exit 0"
is "$FAULT_RC" 0 "RCPTMAX=2: the server ran the whole scenario (2 + 2 + 1 recipients)"
is "$(server_line 'MAIL FROM' | wc -l)" 3 "RCPTMAX=2: three transactions"
is "$(server_line 'RCPT TO' | sort | uniq -c | awk '{print $1}' | sort -u)" 1 \
	"RCPTMAX=2: each of the five recipients named once"
is "$(server_line 'RCPT TO' | wc -l)" 5 "RCPTMAX=2: five RCPT commands in all"

# --- 452 4.5.3 after three recipients: the other two in a second transaction
fault_run esmtp-452
is "$RC" 0 "452 4.5.3 from the fourth RCPT on: exit 0"
is "$FAULT_RC" 0 "452: the server ran the whole scenario (3, then 2 recipients)"
is "$(server_line 'MAIL FROM' | wc -l)" 2 "452: two transactions"
is "$(server_line 'RCPT TO' | tail -n 2 | tr '\n' ' ')" "RCPT TO:<r4@example.test> RCPT TO:<rcpt@example.test> " \
	"452: the second transaction names only the two left over"
FAULT_ARGS=()

done_testing
