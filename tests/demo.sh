#!/usr/bin/env bash
# tests/demo.sh (run by `make demo` after building ./postern): send one message
# through postern to a real, private Postfix on 127.0.0.1 and show what happened.
#   1. start the test smarthost in build/demo (tests/lib/smarthost.sh)
#   2. write build/demo/postern.ini (mode 0600) for its submission port
#   3. pipe a message through `./postern -C build/demo/postern.ini -v -t`
#   4. print postern's transcript and the message as Postfix delivered it
#   5. stop the smarthost; exit non-zero if any step failed
# Needs root (Postfix's master does) and the packages of `make deps`.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
POSTERN_BIN=${POSTERN:-./postern}
SH=tests/lib/smarthost.sh
DIR=build/demo
RCPT=friend@example.test

say() { printf '\n=== %s\n' "$*"; }
fail() { echo "demo: FAILED: $*" >&2; exit 1; }

[ -x "$POSTERN_BIN" ] || fail "$POSTERN_BIN is not built (run make first)"

say "Starting a private Postfix (config, queue and Maildir in $DIR)"
mkdir -p "$DIR" || fail "cannot create $DIR"
"$SH" start "$DIR" || fail "the test smarthost did not start"
trap '"$SH" stop "$DIR"' EXIT
. "$DIR/env" || fail "no $DIR/env"
echo "listening on $SMARTHOST_HOST:$SMARTHOST_PORT_SUBMIT (STARTTLS, SASL AUTH as $SMARTHOST_USER: SCRAM-SHA-256, CRAM-MD5, PLAIN, LOGIN)"

# Only this run's message should be read back.
rm -f "$SMARTHOST_MAILDIR"/new/* "$SMARTHOST_MAILDIR"/cur/*

say "Writing $DIR/postern.ini (mode 0600: it holds a password)"
ini=$DIR/postern.ini
rm -f "$ini"
(
	umask 077
	cat >"$ini" <<EOF
[postern]
account = demo

[demo]
host = $SMARTHOST_HOST
port = $SMARTHOST_PORT_SUBMIT
tls = starttls
tls_ca_file = $SMARTHOST_CA
from = demo@example.test
user = $SMARTHOST_USER
password = $SMARTHOST_PASS
EOF
) || fail "cannot write $ini"
chmod 600 "$ini"
sed 's/^\(password = \).*/\1(hidden)/' "$ini"

msg=$DIR/message.txt
cat >"$msg" <<EOF
From: Demo Sender <demo@example.test>
To: Friend <$RCPT>
Subject: Hello from postern

Hello!

This message went from postern, over STARTTLS with SASL authentication,
to a real Postfix listening on $SMARTHOST_HOST:$SMARTHOST_PORT_SUBMIT.
EOF

say "Running: $POSTERN_BIN -C $ini -v -t  < $msg"
timeout -k 5 60 "$POSTERN_BIN" -C "$ini" -v -t <"$msg" 2>"$DIR/transcript.txt"
rc=$?

say "postern's transcript (stderr; <-- server, --> postern)"
cat "$DIR/transcript.txt"
echo "postern exit code: $rc"
[ "$rc" -eq 0 ] || fail "postern exited with $rc"

say "The message as Postfix delivered it to $RCPT"
files=$("$SH" wait-delivery "$DIR" "$RCPT" 20) || fail "nothing was delivered to $RCPT within 20 s (log: $SMARTHOST_LOG)"
for f in $files; do
	echo "--- $f"
	cat "$f"
done
f=$(printf '%s\n' "$files" | head -n 1)
grep -q '^Subject: Hello from postern' "$f" || fail "the delivered message is not the one sent"
added=
for h in Date Message-ID; do
	if grep -qi "^$h:" "$f" && ! grep -qi "^$h:" "$msg"; then added="$added $h:"; fi
done

say "What happened"
cat <<EOF
- postern read the message on standard input and, because of -t, took the
  recipient ($RCPT) from its To: header.
- It connected to $SMARTHOST_HOST:$SMARTHOST_PORT_SUBMIT, said EHLO, upgraded the
  connection with STARTTLS (checking the server's certificate against
  $SMARTHOST_CA), said EHLO again and authenticated as "$SMARTHOST_USER" with the strongest
  mechanism offered, SCRAM-SHA-256 (the AUTH
  line is redacted in the transcript).
- It sent MAIL FROM, RCPT TO and the message as one BDAT chunk (CHUNKING,
  RFC 3030), all in one write; Postfix answered 250 and queued it.
- Postfix delivered it into $SMARTHOST_MAILDIR, adding Return-Path,
  X-Original-To, Delivered-To and Received (which records "Authenticated
  sender") above the headers postern sent.
EOF
[ -n "$added" ] && echo "- The input had no${added}; postern added them."
say "Demo OK"
