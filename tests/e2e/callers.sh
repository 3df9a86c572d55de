# The mail programs people really use, installed from Debian and run as
# they are, with postern as their /usr/sbin/sendmail: mutt and neomutt
# (an attachment, dsn_notify and dsn_return, so -N and -R), bsd-mailx,
# s-nail (with HOME reset: POSTERN_CONFIG, then XDG_CONFIG_HOME) and GNU
# mailutils' mail (which runs the sendmail with stdout and stderr closed).
# Every message goes through the real Postfix and is read back from its
# mailbox. postern takes the place of /usr/sbin/sendmail only inside a
# private mount namespace of each call (a bind mount that dies with it):
# the machine's own sendmail is never touched.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/e2e.sh"
e2e_setup
CFG=$TEST_TMP/callers.ini
e2e_config "$CFG" "$SMARTHOST_PORT_SUBMIT"
u=$$
W=$TEST_TMP/w
mkdir -p "$W"
head -c 5000 /dev/urandom >"$W/attach.bin"
want_sum=$(sha256sum <"$W/attach.bin" | cut -d' ' -f1)

# as_sendmail CMD...: runs CMD (with a time limit) where /usr/sbin/sendmail
# is postern.
as_sendmail() {
	timeout -k 5 60 unshare -m --propagation private sh -c \
		'mount --bind "$0" /usr/sbin/sendmail && exec "$@"' "$POSTERN" "$@"
}

# attachment_sum FILE: sha256 of the first attachment of a delivered message.
attachment_sum() {
	python3 - "$1" <<'PY'
import email, hashlib, sys
from email import policy
msg = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=policy.default)
for part in msg.iter_attachments():
    print(hashlib.sha256(part.get_payload(decode=True)).hexdigest())
    break
PY
}

# dsn_success RCPT: the success report Postfix sent back for RCPT (or "").
dsn_success() {
	local f
	for _ in $(seq 100); do
		for f in $(bash "$SMARTHOST" wait-delivery "$SMARTHOST_DIR" demo@example.test 0.1); do
			if grep -q "^Final-Recipient: rfc822; *$1" "$f" 2>/dev/null &&
				grep -q '^Action: delivered' "$f"; then
				echo "$f"
				return
			fi
		done
		sleep 0.2
	done
}

# --- mutt and neomutt: batch mode, an attachment, DSN options (-N, -R)
for mua in mutt neomutt; do
	to=$mua-$u@example.test
	cat >"$W/$mua.rc" <<EOF
set from = "Demo Dev <demo@example.test>"
set use_from = yes
set dsn_notify = "success,failure"
set dsn_return = hdrs
set record = ""
set folder = "$W"
set spoolfile = ""
EOF
	printf 'a %s body line %s\n' "$mua" "$u" >"$W/body"
	HOME=$W POSTERN_CONFIG=$CFG as_sendmail "$mua" -n -F "$W/$mua.rc" -s "$mua test $u" \
		-a "$W/attach.bin" -- "$to" <"$W/body" >"$W/out" 2>&1
	is "$?" 0 "$mua: exit 0"
	f=$(delivered "$to")
	ok "$([ -n "$f" ]; echo $?)" "$mua: delivered to $to"
	like "$(header_of "$f")" "^Subject: $mua test $u" "$mua: its subject"
	like "$(cat "$f")" "a $mua body line $u" "$mua: its body"
	is "$(attachment_sum "$f")" "$want_sum" "$mua: the attachment arrives intact"
	r=$(dsn_success "$to")
	ok "$([ -n "$r" ]; echo $?)" "$mua: dsn_notify=success reached Postfix (NOTIFY=SUCCESS: a success report came back)"
	[ -n "$r" ] && unlike "$(cat "$r")" "a $mua body line $u" "$mua: dsn_return=hdrs reached Postfix (RET=HDRS: the report has no body)"
done

# --- bsd-mailx: -i -t style, no From or Date of its own
to=mailx-$u@example.test
printf 'a bsd-mailx body line %s\n' "$u" |
	HOME=$W POSTERN_CONFIG=$CFG as_sendmail bsd-mailx -s "bsd-mailx test $u" "$to" >"$W/out" 2>&1
is "$?" 0 "bsd-mailx: exit 0"
f=$(delivered "$to")
ok "$([ -n "$f" ]; echo $?)" "bsd-mailx: delivered to $to"
like "$(header_of "$f")" "^From: .*demo@example\.test" "bsd-mailx: From: from the account (mailx writes none)"
like "$(cat "$f")" "a bsd-mailx body line $u" "bsd-mailx: its body"

# --- s-nail, which resets HOME for its mta: found by POSTERN_CONFIG, then
# by XDG_CONFIG_HOME, with an attachment
xdg=$TEST_TMP/xdg
mkdir -p "$xdg/postern"
cp "$CFG" "$xdg/postern/config.ini"
for how in POSTERN_CONFIG XDG_CONFIG_HOME; do
	to=snail-$how-$u@example.test
	if [ $how = POSTERN_CONFIG ]; then set -- POSTERN_CONFIG="$CFG"; else set -- XDG_CONFIG_HOME="$xdg"; fi
	printf 'an s-nail body line %s\n' "$u" |
		env HOME=/nonexistent "$@" timeout -k 5 60 unshare -m --propagation private sh -c \
		'mount --bind "$0" /usr/sbin/sendmail && exec "$@"' "$POSTERN" \
		s-nail -: / -S from=demo@example.test -s "s-nail test $u" -a "$W/attach.bin" "$to" >"$W/out" 2>&1
	is "$?" 0 "s-nail ($how): exit 0"
	f=$(delivered "$to")
	ok "$([ -n "$f" ]; echo $?)" "s-nail ($how): delivered to $to"
	is "$(attachment_sum "$f")" "$want_sum" "s-nail ($how): the attachment arrives intact"
done

# --- GNU mailutils: runs the sendmail with stdout and stderr closed
to=mailutils-$u@example.test
printf 'a mailutils body line %s\n' "$u" |
	HOME=$W POSTERN_CONFIG=$CFG as_sendmail mail.mailutils -s "mailutils test $u" "$to" >"$W/out" 2>&1
is "$?" 0 "GNU mailutils mail: exit 0"
f=$(delivered "$to")
ok "$([ -n "$f" ]; echo $?)" "GNU mailutils mail: delivered to $to (stdout and stderr closed do not stop postern)"
like "$(cat "$f")" "a mailutils body line $u" "GNU mailutils mail: its body"
# mailutils gives -f root@HOSTNAME and writes From: root@HOSTNAME: mail
# from a user of this machine, sent as the account's address.
like "$(header_of "$f")" "^Return-Path: <demo@example\.test>" "GNU mailutils mail: -f root@$(hostname) becomes the account's address"
like "$(header_of "$f")" "^From: .*demo@example\.test" "GNU mailutils mail: so does its From: root@$(hostname)"

done_testing
