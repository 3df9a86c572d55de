# Held, never buried, on a credentials failure (queue = auto), against the
# real Postfix and a real keyring: a wrong password keeps the message in
# the queue as held (exit 0, one line naming the account and the fix), -bp
# shows it, nothing goes to dead.letter, a plain postern -q does not even
# connect; once the password is mended (a configuration edit and postern -q
# --release, or --store-password into the keyring) it goes exactly once. A
# held message past queue_lifetime is given up at last, with its reason.
. "$TOP/tests/lib/keyring.sh"
. "$TOP/tests/lib/e2e.sh"
e2e_setup
keyring_start
u=$$
CFG=$TEST_TMP/held.ini
e2e_config "$CFG" "$SMARTHOST_PORT_SUBMIT" "auth = plain"
sed -i 's/^password = .*/password = not-the-password/' "$CFG"
msg() { printf 'From: demo@example.test\nTo: %s\nSubject: %s\n\nheld body %s\n' "$1" "$2" "$u"; }
connections() { bash "$SMARTHOST" count-connections "$SMARTHOST_DIR"; }
count_in_maildir() { grep -l "Subject: $1\$" -r "$SMARTHOST_MAILDIR" 2>/dev/null | wc -l; }

# --- a wrong password in the configuration: held
to=held1-$u@example.test
msg "$to" "held one $u" | run_postern -C "$CFG" "$to"
is "$RC" 0 "wrong password, queue = auto: exit 0 (the message is safe)"
like "$ERR" "^postern: held [0-9_a-f-]+: AUTH PLAIN: .*535 .*; fix the account's password in the configuration, then run postern -q --release test" \
	"wrong password: 'held', the server's line and the fix, on one line"
is "$(printf '%s\n' "$ERR" | wc -l)" 1 "wrong password: one line on stderr"
ok "$([ ! -e "$HOME/dead.letter" ]; echo $?)" "wrong password: nothing in dead.letter"
run_postern -C "$CFG" -bp
like "$OUT" "attempts=1 HELD for credentials" "-bp: the entry is shown held"
like "$OUT" "held because: AUTH PLAIN: .*535" "-bp: with its reason"
like "$OUT" "1 held for credentials" "-bp: the count of held messages and what releases them"

# A second message for the same account while the password is still wrong.
to2=held2-$u@example.test
msg "$to2" "held two $u" | run_postern -C "$CFG" "$to2"
is "$RC" 0 "a second message, password still wrong: exit 0"
like "$ERR" "^postern: held " "a second message: held too"

# A plain flush does not touch a server that refuses us (no lockout).
before=$(connections)
run_postern -C "$CFG" -q
is "$RC" 0 "postern -q with only held messages: exit 0"
is "$(connections)" "$before" "postern -q with only held messages: no connection made"
is "$(count_in_maildir "held one $u")" 0 "postern -q: the held message is not sent"
run_postern -C "$CFG" -q -v
like "$ERR" "queued [0-9_a-f-]+ is held for credentials: not tried \(postern -q --release test once they are mended\)" \
	"postern -q -v: says each held message is left alone, and how to release it"
# A -bs caller (a PHP framework) is told its message is held, not just queued.
out=$(printf 'EHLO x\r\nMAIL FROM:<demo@example.test>\r\nRCPT TO:<heldbs-%s@example.test>\r\nDATA\r\nSubject: held bs\r\n\r\nbody\r\n.\r\nQUIT\r\n' "$u" |
	timeout 60 "$POSTERN" -C "$CFG" -bs 2>/dev/null)
like "$out" "250 2\.0\.0 queued as [0-9_a-f-]+, held: the account's credentials were refused; it goes once they are mended" \
	"-bs: the reply to the final dot says the message is held"

# --- mended in the configuration, released: delivered exactly once
sed -i "s/^password = .*/password = $SMARTHOST_PASS/" "$CFG"
run_postern -C "$CFG" -q --release test
is "$RC" 0 "postern -q --release test: exit 0"
f=$(delivered "$to")
ok "$([ -n "$f" ]; echo $?)" "--release: the first held message delivered"
ok "$([ -n "$(delivered "$to2")" ]; echo $?)" "--release: the second one too"
run_postern -C "$CFG" -q --force
sleep 1
is "$(count_in_maildir "held one $u")" 1 "--release: delivered exactly once (a forced flush after it sends nothing again)"
run_postern -C "$CFG" -bp
like "$OUT" "Mail queue is empty" "--release: the queue is empty"
run_postern -C "$CFG" -q --release nosuch
is "$RC" 78 "--release of an account that does not exist: exit 78"
run_postern -C "$CFG" --release test
is "$RC" 64 "--release without -q: a usage error"

# --- the keyring: nothing stored is held too; --store-password releases and sends
KCFG=$TEST_TMP/held-keyring.ini
e2e_config "$KCFG" "$SMARTHOST_PORT_SUBMIT" "auth = plain"
sed -i '/^password = /d' "$KCFG"
to=heldkr-$u@example.test
msg "$to" "held keyring $u" | run_postern -C "$KCFG" "$to"
is "$RC" 0 "no password in the keyring: exit 0"
like "$ERR" "^postern: held .*no password stored.*fix it with postern --store-password test, then the message goes by itself" \
	"no password in the keyring: held, with the fix"
printf '%s\n' "$SMARTHOST_PASS" | run_postern -C "$KCFG" --store-password test
is "$RC" 0 "--store-password: exit 0"
like "$OUT" "released 1 message held for account test; sending now" "--store-password: releases the held message"
like "$OUT" "1 sent, 0 still queued" "--store-password: and sends it"
f=$(delivered "$to")
ok "$([ -n "$f" ]; echo $?)" "--store-password: the held message delivered"
sleep 1
is "$(count_in_maildir "held keyring $u")" 1 "--store-password: exactly once"

# --- queue = never: exit 77 and nothing touched (neither queue nor dead.letter)
NCFG=$TEST_TMP/held-never.ini
e2e_config "$NCFG" "$SMARTHOST_PORT_SUBMIT" "auth = plain" "queue = never"
sed -i 's/^password = .*/password = not-the-password/' "$NCFG"
msg x "never $u" | run_postern -C "$NCFG" never-$u@example.test
is "$RC" 77 "wrong password, queue = never: exit 77"
run_postern -C "$NCFG" -bp
like "$OUT" "Mail queue is empty" "queue = never: nothing queued"
ok "$([ ! -e "$HOME/dead.letter" ]; echo $?)" "queue = never: nothing in dead.letter"

# --- mended in the configuration, the next send of the account takes the
# held message along (its one AUTH proves the credentials)
sed -i 's/^password = .*/password = not-the-password/' "$CFG"
to=heldalong-$u@example.test
msg "$to" "held along $u" | run_postern -C "$CFG" "$to"
like "$ERR" "^postern: held " "wrong password again: held"
sed -i "s/^password = .*/password = $SMARTHOST_PASS/" "$CFG"
to2=heldnext-$u@example.test
msg "$to2" "held next $u" | run_postern -C "$CFG" "$to2"
is "$RC" 0 "the next send with the mended password: exit 0"
ok "$([ -n "$(delivered "$to")" ]; echo $?)" "the next send took the held message along: delivered"
ok "$([ -n "$(delivered "$to2")" ]; echo $?)" "and its own message"

# --- queue_lifetime still applies: a held message that old is given up
sed -i 's/^password = .*/password = not-the-password/' "$CFG"
sed -i '1a queue_lifetime = 1h' "$CFG"
to=heldold-$u@example.test
msg "$to" "held old $u" | run_postern -C "$CFG" "$to"
env=$(ls "$XDG_STATE_HOME/postern/queue/"*.env | head -n 1)
sed -i "s/^first .*/first $(( $(date +%s) - 7200 ))/" "$env"
run_postern -C "$CFG" -q
like "$ERR" "gave up, saved in ~/dead.letter" "held past queue_lifetime: given up"
like "$(cat "$HOME/dead.letter" 2>/dev/null)" "held for credentials for 2 hours \(queue_lifetime\)" \
	"held past queue_lifetime: dead.letter says why"

done_testing
