# End to end: what sendmail's usual callers send, delivered by a real Postfix.
# The flags are the ones cron, bsd-mailx and logwatch really pass
# (shared NOTES: "Real callers' flags").
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/e2e.sh"
e2e_setup
u=$$
CFG=$TEST_TMP/postern.ini
printf 'root: cron-root-%s@example.test\nadmin: root\n# a comment\nteam: t1-%s@example.test,\n  t2-%s@example.test\n' "$u" "$u" "$u" >"$TEST_TMP/aliases"
e2e_config "$CFG"
sed -i "1a aliases = $TEST_TMP/aliases" "$CFG"

# cron: -FCronDaemon -i -B8BITMIME -oem, MAILTO split on blanks leaves "root,"
printf 'From: root (Cron Daemon)\nTo: root\nSubject: Cron <root@host> run-parts\nContent-Type: text/plain; charset=UTF-8\n\nj\xc3\xa4 output\n.\nmore after a lone dot\n' |
	run_postern -FCronDaemon -i -B8BITMIME -oem -C "$CFG" 'root,'
is "$RC" 0 "cron style: exit 0"
f=$(delivered "cron-root-$u@example.test")
ok $([ -n "$f" ]; echo $?) "cron style: 'root,' reaches the address its alias names"
like "$(header_of "$f")" "From: Cron Daemon <demo@example.test>" "cron style: From: root (Cron Daemon) qualified with the account's address"
like "$(header_of "$f")" "To: <?cron-root-$u@example.test>?" "cron style: To: root qualified through the aliases"
like "$(body_of "$f")" "more after a lone dot" "-i: a lone dot does not end the message"
like "$(body_of "$f")" "jä output" "8-bit body arrives intact"

# alias chains and continuation lines
printf 'Subject: team\n\nhi\n' | run_postern -C "$CFG" team admin
is "$RC" 0 "aliases: a list on continuation lines and a chain: exit 0"
ok $([ -n "$(delivered "t1-$u@example.test")" ] && [ -n "$(delivered "t2-$u@example.test")" ]; echo $?) \
	"aliases: continuation line members both delivered"

# sendmail's default: a lone dot ends the input (logwatch passes only -t)
to=dot-$u@example.test
printf 'To: %s\nSubject: dot\n\nbefore\n.\nafter the dot\n' "$to" | run_postern -C "$CFG" -t
is "$RC" 0 "no -i: exit 0"
f=$(delivered "$to")
like "$(body_of "$f")" "before" "no -i: text before the lone dot sent"
unlike "$(body_of "$f")" "after the dot" "no -i: a lone dot ends the message"

# bsd-mailx: -i -t, writes Bcc, no From, no Date
a=mailx-to-$u@example.test b=mailx-bcc-$u@example.test
printf 'To: %s\nBcc: %s\nSubject: mailx\n\nbody\n' "$a" "$b" | run_postern -C "$CFG" -i -t
is "$RC" 0 "mailx style: exit 0"
fa=$(delivered "$a"); fb=$(delivered "$b")
ok $([ -n "$fa" ] && [ -n "$fb" ]; echo $?) "mailx style: To and Bcc both delivered"
unlike "$(header_of "$fb")" "^Bcc:" "mailx style: Bcc removed"
like "$(header_of "$fa")" "From: demo@example.test" "mailx style: From added from the account"

# -f picks the envelope sender; -F names a generated From
to=minusf-$u@example.test
printf 'Subject: f\n\nbody\n' | run_postern -C "$CFG" -f other@example.test -F 'Doe, John' "$to"
is "$RC" 0 "-f and -F: exit 0"
f=$(delivered "$to")
like "$(header_of "$f")" "Return-Path: <other@example.test>" "-f sets the envelope sender"
like "$(header_of "$f")" 'From: "Doe, John" <other@example.test>' "-F becomes a quoted display name"

# a non-ASCII -F becomes an RFC 2047 encoded word, never raw 8-bit in From
to=utf8f-$u@example.test
printf 'Subject: f\n\nbody\n' | run_postern -C "$CFG" -F 'Jürgen Müller' "$to"
is "$RC" 0 "non-ASCII -F: exit 0"
f=$(delivered "$to")
like "$(header_of "$f")" 'From: =\?UTF-8\?B\?SsO8cmdlbiBNw7xsbGVy\?= <demo@example.test>' "non-ASCII -F: encoded word in From"

# git send-email style: -i -f from rcpts, message with its own headers
to=git-$u@example.test
printf 'From: Dev <demo@example.test>\nTo: %s\nSubject: [PATCH] fix\nMessage-ID: <patch-%s@example.test>\nDate: Mon, 23 Nov 2026 10:00:00 +0000\n\n---\n file | 1 +\n' "$to" "$u" |
	run_postern -C "$CFG" -i -f demo@example.test "$to"
is "$RC" 0 "git send-email style: exit 0"
f=$(delivered "$to")
is "$(grep -c '^Message-ID:' "$f")" 1 "existing Message-ID kept, none added"
like "$(header_of "$f")" "Message-ID: <patch-$u@example.test>" "existing Message-ID unchanged"

# a long To with a bare name is rewritten folded, never as one overlong line
to=fold-$u@example.test
list=$(for i in 1 2 3 4 5 6 7 8; do printf 'Person Number %s <person-%s-%s@example.test>, ' $i $i $u; done)
printf 'To: %sroot\nSubject: fold\n\nbody\n' "$list" | run_postern -C "$CFG" "$to"
is "$RC" 0 "long To with a bare name: exit 0"
f=$(delivered "$to")
to_field() { awk '/^To:/ {on=1; print; next} on && /^[ \t]/ {print; next} {on=0}' "$1"; }
is "$(to_field "$f" | awk 'length > 78' | grep -c .)" 0 "rewritten To is folded at 78 columns"
ok $([ "$(to_field "$f" | wc -l)" -gt 1 ]; echo $?) "rewritten To spans several lines"
like "$(header_of "$f" | tr -d '\n')" "person-8-$u@example.test>, +<?cron-root-$u@example.test" "rewritten To keeps every address"

# an international domain goes out in its ASCII form (IDNA2008)
printf 'Subject: idn\n\nbody\n' | run_postern -C "$CFG" "idn-$u@bücher.example"
is "$RC" 0 "IDN recipient: exit 0"
ok $([ -n "$(delivered "idn-$u@xn--bcher-kva.example")" ]; echo $?) "IDN recipient: delivered to the A-label domain"
printf 'Subject: idn\n\nbody\n' | run_postern -C "$CFG" -v "idn2-$u@bücher.example"
unlike "$ERR" "^--> MAIL FROM:.*SMTPUTF8" "IDN domain alone: no SMTPUTF8 needed"
like "$ERR" "^--> RCPT TO:<idn2-$u@xn--bcher-kva.example>" "IDN domain alone: sent as A-labels"
printf 'Subject: idn\n\nbody\n' | run_postern -C "$CFG" "üser-$u@example.test"
is "$RC" 0 "non-ASCII local part, the server offers SMTPUTF8: exit 0"
ok $([ -n "$(delivered "üser-$u@example.test")" ]; echo $?) "non-ASCII local part: delivered"
printf 'Subject: bad\n\nbody\n' | run_postern -C "$CFG" "$(printf 'p\xc0\xafrez-%s@example.test' "$u")"
is "$RC" 64 "an overlong UTF-8 sequence in an address: exit 64"
like "$ERR" "overlong encoding" "an overlong UTF-8 sequence: the error says so"
printf 'Subject: bad\n\nbody\n' | run_postern -C "$CFG" "$(printf 'p\xed\xa0\x80rez-%s@example.test' "$u")"
is "$RC" 64 "a UTF-16 surrogate in an address: exit 64"
printf 'Subject: bad\n\nbody\n' | run_postern -C "$CFG" "$(printf 'p\xc2\x85rez-%s@example.test' "$u")"
is "$RC" 64 "a C1 control character in an address: exit 64"
printf 'Subject: caf\xe9 latin-1\n\nbody\n' | run_postern -C "$CFG" "latin1-$u@example.test"
is "$RC" 65 "a Latin-1 (not UTF-8) Subject: exit 65"
like "$ERR" "header Subject: .*UTF-8" "a Latin-1 Subject: the error names the field and UTF-8"

done_testing
