# The real Symfony Mailer (Debian's php-symfony-mailer) with its
# SendmailTransport pointed at postern, in -bs mode (its default) and in
# -t -i mode, against the real Postfix: an attachment arrives intact, and a
# recipient the smarthost refuses raises the exception with its code.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/e2e.sh"
e2e_setup
CFG=$TEST_TMP/sym.ini
e2e_config "$CFG" "$SMARTHOST_PORT_SUBMIT" "auth = plain"
u=$$
head -c 5000 /dev/urandom >"$TEST_TMP/att.bin"
send() { php "$TOP/tests/php/symfony_send.php" "$1" demo@example.test "$2" "$3" "$TEST_TMP/att.bin" 2>&1; }
# attachment FILE: the delivered message's data.bin part, as bytes, into $TEST_TMP/got.bin
attachment() {
	python3 - "$1" "$TEST_TMP/got.bin" <<'PY'
import email, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
for part in m.walk():
    if part.get_filename() == "data.bin":
        open(sys.argv[2], "wb").write(part.get_payload(decode=True))
PY
}

for mode in "-bs" "-t -i"; do
	rcpt="sym$(echo "$mode" | tr -dc a-z)-$u@example.test"
	out=$(send "$POSTERN -C $CFG $mode" "$rcpt" "symfony $mode $u")
	is "$out" "sent" "Symfony Mailer, sendmail $mode: sent"
	f=$(delivered "$rcpt")
	ok $([ -n "$f" ]; echo $?) "Symfony Mailer, sendmail $mode: delivered"
	rm -f "$TEST_TMP/got.bin"
	[ -n "$f" ] && attachment "$f"
	cmp -s "$TEST_TMP/att.bin" "$TEST_TMP/got.bin"
	ok $? "Symfony Mailer, sendmail $mode: the attachment arrives byte for byte"
	like "$(body_of "$f" | tr -d '\r')" "through postern\\.
\\.
A line with a lone dot above" "Symfony Mailer, sendmail $mode: the lone-dot line is intact"
done

out=$(send "$POSTERN -C $CFG -bs" refused@example.test "symfony refused $u")
like "$out" "^error 550: .*550 5\\.1\\.1" "Symfony Mailer, -bs: a refused recipient raises the exception with the smarthost's 550 5.1.1"

done_testing
