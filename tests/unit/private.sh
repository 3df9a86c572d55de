# postern's private state is trusted only where only the user writes: the
# queue folder, its entries, dead.letter and the log (issue 10, defect 6).
# No server: the account points at a port nobody listens on, and messages
# are queued with -odq.
. "$TOP/tests/lib/common.sh"
export HOME=$TEST_TMP/home XDG_STATE_HOME=$TEST_TMP/home/state
mkdir -p "$HOME"
unset POSTERN_CONFIG
CFG=$TEST_TMP/p.ini
printf '[a]\nhost = 127.0.0.1\nport = 9\nfrom = me@example.test\ntimeout = 2\npassword = x\nuser = u\n' >"$CFG"
chmod 600 "$CFG"
QDIR=$XDG_STATE_HOME/postern/queue
entries() { ls "$QDIR" 2>/dev/null | grep -c '\.env$'; }
other=nobody
id -u "$other" >/dev/null 2>&1 || other=daemon

# --- a healthy queue: folders 0700, entries listed
printf 'Subject: x\n\nbody\n' | run_postern -C "$CFG" -odq one@example.test
is "$RC" 0 "-odq into a fresh queue: exit 0"
is "$(stat -c %a "$QDIR" "$XDG_STATE_HOME/postern")" "$(printf '700\n700')" "the queue folders are 0700"
run_postern -C "$CFG" -bp
like "$OUT" "one@example.test" "-bp lists the entry"

# --- a queue folder others may write to is refused, naming it
chmod 777 "$QDIR"
run_postern -C "$CFG" -q
ok $([ "$RC" != 0 ]; echo $?) "a world-writable queue folder: -q refuses (exit $RC)"
like "$ERR" "queue: $QDIR is writable by others \\(mode 0777\\): refusing to use it" \
	"a world-writable queue folder: the error names it and the mode"
chmod 700 "$QDIR"

# --- a queue folder of another user's is refused
if [ "$(id -u)" = 0 ]; then
	chown "$other" "$QDIR"
	run_postern -C "$CFG" -q
	like "$ERR" "queue: $QDIR belongs to uid [0-9]+, not to you" "a queue folder of another user's: refused"
	chown 0 "$QDIR"
	# The folder holding postern's own must not be another user's either.
	mkdir -p "$TEST_TMP/theirs"
	chown "$other" "$TEST_TMP/theirs"
	XDG_STATE_HOME=$TEST_TMP/theirs run_postern -C "$CFG" -q
	like "$ERR" "$TEST_TMP/theirs belongs to uid [0-9]+: refusing to keep postern's state in it" \
		"XDG_STATE_HOME in another user's folder: refused"
fi

# --- entries planted by another user, or as links, are never read or sent
id=$(ls "$QDIR" | grep '\.env$' | head -n 1); id=${id%.env}
for kind in link owner; do
	cp "$QDIR/$id.msg" "$TEST_TMP/planted.msg"
	sed 's/one@example.test/thief@example.test/' "$QDIR/$id.env" >"$TEST_TMP/planted.env"
	pid=29991231000000_000000001-$kind
	if [ "$kind" = link ]; then
		ln -s "$TEST_TMP/planted.env" "$QDIR/$pid.env"
		ln -s "$TEST_TMP/planted.msg" "$QDIR/$pid.msg"
	elif [ "$(id -u)" = 0 ]; then
		cp "$TEST_TMP/planted.env" "$QDIR/$pid.env"
		cp "$TEST_TMP/planted.msg" "$QDIR/$pid.msg"
		chown "$other" "$QDIR/$pid.env" "$QDIR/$pid.msg"
	else
		continue
	fi
	run_postern -C "$CFG" -bp
	unlike "$OUT" "thief@example.test" "an entry planted as a $kind: -bp does not list it"
	run_postern -C "$CFG" -q -v
	unlike "$ERR" "thief@example.test" "an entry planted as a $kind: -q does not send it"
	rm -f "$QDIR/$pid.env" "$QDIR/$pid.msg"
done

# --- a relative HOME puts nothing under the current folder
mkdir -p "$TEST_TMP/cwd"
(cd "$TEST_TMP/cwd" && printf 'Subject: x\n\nbody\n' | env -u XDG_STATE_HOME HOME=rel \
	"$POSTERN" -C "$CFG" -odq two@example.test >/dev/null 2>"$TEST_TMP/rel.err")
ok $([ ! -e "$TEST_TMP/cwd/rel" ]; echo $?) "a relative HOME: no queue made under the current folder"
like "$(cat "$TEST_TMP/rel.err")" "absolute path" "a relative HOME: the error says an absolute path is needed"

# --- dead.letter as a link to another file is never written through
ln -s "$TEST_TMP/victim" "$HOME/dead.letter"
printf 'Subject: x\0\n\nbody\n' | run_postern -C "$CFG" three@example.test
printf 'Subject: x\n\nbody\n' | run_postern -C "$TEST_TMP/missing.ini" three@example.test
ok $([ ! -e "$TEST_TMP/victim" ]; echo $?) "dead.letter as a link: nothing written through it"
like "$ERR" "dead.letter .*not a file of your own" "dead.letter as a link: the error says why"
rm -f "$HOME/dead.letter"

# --- the log file as a link is never written through
printf '[postern]\nlog = %s/log\n' "$TEST_TMP" | cat - "$CFG" >"$TEST_TMP/log.ini"
chmod 600 "$TEST_TMP/log.ini"
ln -s "$TEST_TMP/victim2" "$TEST_TMP/log"
printf 'Subject: x\n\nbody\n' | run_postern -C "$TEST_TMP/log.ini" -odq four@example.test
ok $([ ! -e "$TEST_TMP/victim2" ]; echo $?) "the log file as a link: nothing written through it"
like "$ERR" "log .*not a file of your own" "the log file as a link: a warning says why"

done_testing
