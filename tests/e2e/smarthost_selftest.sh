#!/usr/bin/env bash
# The test smarthost itself (tests/lib/smarthost.sh), checked with swaks before
# any postern test relies on it: submission with STARTTLS and AUTH delivers,
# implicit TLS delivers, the recipient policy answers 550 and 451, the small
# listener refuses a big message with 552, the plain listener hides CHUNKING,
# SMTPUTF8, DSN and 8BITMIME, the recipient-limit listener answers the third RCPT
# with 452, and AUTH needs TLS and is needed.
# Uses its own ports (12587/12465/12588/12589/12590 unless SELFTEST_PORT_* say
# otherwise) so that it never collides with the smarthost the postern tests share.
. "$(dirname "$0")/../lib/common.sh"

SH=$TOP/tests/lib/smarthost.sh
dir=$TEST_TMP/sh
export SMARTHOST_PORT_SUBMIT=${SELFTEST_PORT_SUBMIT:-12587}
export SMARTHOST_PORT_SMTPS=${SELFTEST_PORT_SMTPS:-12465}
export SMARTHOST_PORT_SMALL=${SELFTEST_PORT_SMALL:-12588}
export SMARTHOST_PORT_PLAIN=${SELFTEST_PORT_PLAIN:-12589}
export SMARTHOST_PORT_RCPTLIMIT=${SELFTEST_PORT_RCPTLIMIT:-12590}

# swaks speaks TLS only with Net::SSLeay (libnet-ssleay-perl, a Recommends).
if ! command -v swaks >/dev/null || ! perl -MNet::SSLeay -e 1 2>/dev/null; then
	echo "not ok 1 - swaks and libnet-ssleay-perl are installed (make deps)"; echo "1..1"; exit 1
fi

trap '"$SH" stop "$dir" >/dev/null 2>&1' EXIT
t0=$(date +%s%N)
"$SH" start "$dir" 2>"$TEST_TMP/start.err"
ok $? "smarthost starts in a fresh folder"
diag "start took $((($(date +%s%N) - t0) / 1000000)) ms"
[ -s "$TEST_TMP/start.err" ] && sed 's/^/# /' "$TEST_TMP/start.err"
want_port=$SMARTHOST_PORT_SUBMIT want_plain=$SMARTHOST_PORT_PLAIN want_rcptlimit=$SMARTHOST_PORT_RCPTLIMIT
. "$dir/env" || { echo "Bail out! no $dir/env"; exit 1; }
is "$SMARTHOST_PORT_SUBMIT" "$want_port" "env names the submission port"
ok "$([ -s "$SMARTHOST_CA" ]; echo $?)" "env names the CA certificate"
is "$SMARTHOST_PORT_PLAIN $SMARTHOST_PORT_RCPTLIMIT" "$want_plain $want_rcptlimit" \
	"env names the plain and the recipient-limit ports"

# swaks_to PORT TLSMODE RECIPIENT [SWAKS ARGS...]: one authenticated submission;
# sets OUT (the transcript) and RC.
swaks_to() {
	local port=$1 tls=$2 rcpt=$3; shift 3
	OUT=$(timeout -k 2 30 swaks --server "$SMARTHOST_HOST:$port" "$tls" \
		--tls-verify --tls-ca-path "$SMARTHOST_CA" \
		--auth-user "$SMARTHOST_USER" --auth-password "$SMARTHOST_PASS" \
		--from "$SMARTHOST_USER@example.test" --to "$rcpt" "$@" 2>&1)
	RC=$?
}

conn0=$("$SH" count-connections "$dir")

swaks_to "$SMARTHOST_PORT_SUBMIT" --tls plain@example.test -a PLAIN --header "Subject: selftest plain"
is "$RC" 0 "STARTTLS + AUTH PLAIN submission is accepted"
f=$("$SH" wait-delivery "$dir" plain@example.test 10)
ok $? "the message is delivered into the Maildir"
like "$(cat "$f" 2>/dev/null)" "Subject: selftest plain" "the delivered message is the one sent"
like "$(cat "$f" 2>/dev/null)" "Authenticated sender: demo@example.test" "the sender was authenticated"

swaks_to "$SMARTHOST_PORT_SUBMIT" --tls login@example.test -a LOGIN
is "$RC" 0 "STARTTLS + AUTH LOGIN submission is accepted"
"$SH" wait-delivery "$dir" login@example.test 10 >/dev/null
ok $? "the AUTH LOGIN message is delivered"

swaks_to "$SMARTHOST_PORT_SMTPS" --tlsc implicit@example.test -a PLAIN
is "$RC" 0 "implicit TLS submission is accepted"
"$SH" wait-delivery "$dir" implicit@example.test 10 >/dev/null
ok $? "the implicit TLS message is delivered"

swaks_to "$SMARTHOST_PORT_SUBMIT" --tls refused@example.test -a PLAIN
like "$OUT" "<~\* 550 5\.1\.1 <refused@example\.test>" "refused@example.test gets 550 5.1.1"

swaks_to "$SMARTHOST_PORT_SUBMIT" --tls tempfail@example.test -a PLAIN
like "$OUT" "<~\* 451 4\.3\.0 " "tempfail@example.test gets 451 4.3.0"

head -c 150000 /dev/zero | tr '\0' 'x' | fold -w 76 >"$TEST_TMP/big.txt"
swaks_to "$SMARTHOST_PORT_SMALL" --tls big@example.test -a PLAIN --body "@$TEST_TMP/big.txt"
like "$OUT" "<~\* 552 5\.3\.4 " "a 150 kB message on the small listener gets 552"
like "$OUT" "250-SIZE 100000" "the small listener advertises SIZE 100000"

OUT=$(timeout -k 2 30 swaks --server "$SMARTHOST_HOST:$SMARTHOST_PORT_SUBMIT" --quit-after EHLO 2>&1)
like "$OUT" "<-  250-STARTTLS" "submission offers STARTTLS"
unlike "$OUT" "250[- ]AUTH" "submission offers no AUTH before TLS"

OUT=$(timeout -k 2 30 swaks --server "$SMARTHOST_HOST:$SMARTHOST_PORT_SUBMIT" --tls \
	--from x@example.test --to noauth@example.test 2>&1)
like "$OUT" "<~\* 554 5\.7\.1 " "an unauthenticated client may not send"

OUT=$(timeout -k 2 30 swaks --server "$SMARTHOST_HOST:$SMARTHOST_PORT_SUBMIT" --tls \
	--auth-user "$SMARTHOST_USER" --auth-password wrong --to x@example.test 2>&1)
like "$OUT" "<~\* 535 5\.7\.8 " "a wrong password gets 535 5.7.8"

# Postfix logs through postlogd, a moment after the fact: poll briefly.
for _ in $(seq 20); do
	conn1=$("$SH" count-connections "$dir")
	[ "$((conn1 - conn0))" -ge 9 ] && break
	sleep 0.1
done
is "$((conn1 - conn0))" 9 "count-connections counts each of the 9 client connections"

"$SH" wait-delivery "$dir" never@example.test 0.3 >/dev/null
is "$?" 1 "wait-delivery gives up on a message that never comes"

# The ESMTP keywords after STARTTLS and AUTH, on the full and the plain listener.
ehlo_keywords() { # ehlo_keywords PORT: the EHLO keywords after TLS, one a line
	swaks_to "$1" --tls keywords@example.test -a PLAIN --quit-after AUTH
	printf '%s\n' "$OUT" | sed -n 's/^ *<~  250[- ]\([A-Z0-9]*\).*/\1/p' | sort -u | tr '\n' ' '
}
full=$(ehlo_keywords "$SMARTHOST_PORT_SUBMIT")
like "$full" "8BITMIME .*CHUNKING .*DSN .*PIPELINING .*SMTPUTF8" \
	"submission offers 8BITMIME, CHUNKING, DSN, PIPELINING and SMTPUTF8"
plain=$(ehlo_keywords "$SMARTHOST_PORT_PLAIN")
like "$plain" "PIPELINING" "the plain listener offers PIPELINING"
unlike "$plain" "8BITMIME|CHUNKING|DSN|SMTPUTF8" "the plain listener offers no 8BITMIME, CHUNKING, DSN or SMTPUTF8"
swaks_to "$SMARTHOST_PORT_PLAIN" --tls plainport@example.test -a PLAIN
is "$RC" 0 "the plain listener takes a 7-bit message"
"$SH" wait-delivery "$dir" plainport@example.test 10 >/dev/null
ok $? "the plain listener's message is delivered"

swaks_to "$SMARTHOST_PORT_RCPTLIMIT" --tls r1@example.test,r2@example.test,r3@example.test -a PLAIN
like "$OUT" "<~\* 452 4\.5\.3 " "the recipient-limit listener answers the third RCPT with 452 4.5.3"
like "$(printf '%s\n' "$OUT" | grep -A1 'RCPT TO:<r2@')" "<~  250 " "the recipient-limit listener accepts the second RCPT"

master=$(tr -d ' ' <"$dir/queue/pid/master.pid")
"$SH" stop "$dir"
ok $? "smarthost stops"
# Gone, or a zombie: an init that does not reap orphans (some containers) leaves one.
state=$(awk '{ print $3 }' "/proc/$master/stat" 2>/dev/null)
[ -z "$state" ] || [ "$state" = Z ]
ok $? "its master process is gone"
"$SH" stop "$dir"
ok $? "stopping a stopped smarthost is fine"

done_testing
