# Debian's cron daemon, really started, mailing a job's output through
# postern as /usr/sbin/sendmail (it runs "sendmail -FCronDaemon -i
# -B8BITMIME -oem ADDRESS" with the user's HOME from the password file).
# Everything happens inside a private mount namespace made for each run:
# postern bound over /usr/sbin/sendmail, a test home over /root (so
# ~/.config/postern/config.ini is the test's), a fresh /run (so the @reboot
# job runs at once), and the test's own /etc/crontab, /etc/cron.d and
# crontabs folder. cron starts with an empty environment, as a daemon
# does, and then runs the mail program with no HOME at all: postern finds
# the home in the password file. The machine's sendmail, cron jobs and home are never
# touched. While the smarthost cannot be reached the output is queued, and
# the next postern -q delivers it.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/e2e.sh"
e2e_setup
u=$$
R=$TEST_TMP/root
mkdir -p "$R/.config/postern" "$TEST_TMP/cron.d" "$TEST_TMP/crontabs"
: >"$TEST_TMP/crontab"
chmod 644 "$TEST_TMP/crontab"

# run_cron MAILTO WORDS: starts cron in its namespace with one @reboot job
# printing WORDS; prints cron's pid.
run_cron() {
	printf 'MAILTO=%s\n@reboot root echo "%s"; echo second line\n' "$1" "$2" >"$TEST_TMP/cron.d/postern-test"
	chmod 644 "$TEST_TMP/cron.d/postern-test"
	unshare -m --propagation private sh -c '
		mount --bind "$0" /usr/sbin/sendmail &&
		mount -t tmpfs tmpfs /run &&
		mount --bind "$1/cron.d" /etc/cron.d &&
		mount --bind "$1/crontab" /etc/crontab &&
		mount --bind "$1/crontabs" /var/spool/cron/crontabs &&
		mount --bind "$1/root" /root &&
		exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin cron -f -L 15' "$POSTERN" "$TEST_TMP" >"$TEST_TMP/cron.log" 2>&1 &
	echo $!
}

stop_cron() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }

# --- the smarthost up: the job's output is delivered
e2e_config "$R/.config/postern/config.ini" "$SMARTHOST_PORT_SUBMIT"
to=cron-$u@example.test
pid=$(run_cron "$to" "cron job output $u")
f=$(delivered "$to" 30)
ok "$([ -n "$f" ]; echo $?)" "cron: the job's output is delivered to MAILTO ($to)"
stop_cron "$pid"
like "$(header_of "$f")" "^Subject: Cron <root@" "cron: its Subject: is cron's"
like "$(header_of "$f")" "^From: Cron Daemon <demo@example\.test>" "cron: From: root is qualified with the account's address"
like "$(body_of "$f")" "^cron job output $u" "cron: the output is the body"
like "$(body_of "$f")" "second line" "cron: all of it"
ok "$([ ! -e "$R/dead.letter" ]; echo $?)" "cron: nothing in dead.letter"

# --- the smarthost cannot be reached: queued, then postern -q delivers
down=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
e2e_config "$R/.config/postern/config.ini" "$down"
to=cron-queued-$u@example.test
pid=$(run_cron "$to" "queued job output $u")
q=
for _ in $(seq 100); do
	q=$(HOME=$R XDG_STATE_HOME= "$POSTERN" -bp 2>&1)
	printf '%s' "$q" | grep -q "$to" && break
	sleep 0.2
done
stop_cron "$pid"
like "$q" "$to" "cron, smarthost down: the job's output waits in the queue (postern -bp shows it)"
ok "$(not_delivered "$to"; echo $?)" "cron, smarthost down: nothing delivered yet"
ok "$([ ! -e "$R/dead.letter" ]; echo $?)" "cron, smarthost down: nothing in dead.letter"
e2e_config "$R/.config/postern/config.ini" "$SMARTHOST_PORT_SUBMIT"
HOME=$R XDG_STATE_HOME= timeout -k 5 60 "$POSTERN" -q --force >"$TEST_TMP/q.out" 2>&1
is "$?" 0 "cron, smarthost back: postern -q exits 0"
f=$(delivered "$to" 30)
ok "$([ -n "$f" ]; echo $?)" "cron, smarthost back: postern -q delivers the queued output"
like "$(body_of "$f")" "^queued job output $u" "cron, smarthost back: the output is intact"
is "$(HOME=$R XDG_STATE_HOME= "$POSTERN" -bp 2>&1 | grep -c "$to")" 0 "cron, smarthost back: the queue no longer holds it"

done_testing
