# The command line, the configuration and the message: errors that must be
# reported before any connection, each as one line with its sysexits code.
# The account points at a port nobody listens on, so reaching the network
# would show up as exit 75 instead of the expected code.
. "$TOP/tests/lib/common.sh"
export HOME=$TEST_TMP/home XDG_CONFIG_HOME=$TEST_TMP/home/.config
mkdir -p "$HOME"
unset POSTERN_CONFIG
CFG=$TEST_TMP/p.ini
cat >"$CFG" <<EOI
[postern]
account = a

[a]
host = 127.0.0.1
port = 9
from = me@example.test
timeout = 2
queue = never
EOI
chmod 600 "$CFG"
msg='Subject: x

body
'
one_line() { [ "$(printf '%s\n' "$ERR" | wc -l)" -eq 1 ] && printf '%s' "$ERR" | grep -q '^postern: '; }

run_postern --version </dev/null
is "$RC" 0 "--version exits 0"
like "$OUT" "^postern [0-9]" "--version prints the version"
run_postern --help </dev/null
like "$OUT" "usage: postern" "--help prints usage"

printf '%s' "$msg" | run_postern -C "$CFG" -Q a@example.test
is "$RC" 64 "unknown flag: exit 64"
like "$ERR" "unknown option -Q" "unknown flag: named"
printf '%s' "$msg" | run_postern -C "$CFG" -f
is "$RC" 64 "-f without a value: exit 64"
printf '%s' "$msg" | run_postern -C "$CFG" -B 9BIT a@example.test
is "$RC" 64 "-B with a bad body type: exit 64"

printf '%s' "$msg" | run_postern -C "$CFG" "$(printf 'a@example.test\r\nRSET')"
is "$RC" 64 "recipient with CR LF: refused before connecting (64)"
printf '%s' "$msg" | run_postern -C "$CFG" 'a@example.test>'
ok $([ "$RC" = 64 ] || [ "$RC" = 65 ]; echo $?) "recipient with an unbalanced '>': refused before connecting"
printf '%s' "$msg" | run_postern -C "$CFG" '<a@example.test'
ok $([ "$RC" = 64 ] || [ "$RC" = 65 ]; echo $?) "recipient with an unbalanced '<': refused before connecting"
printf '%s' "$msg" | run_postern -C "$CFG" -f 'x@example.test> SIZE=1' a@example.test
is "$RC" 64 "sender with junk after '>': exit 64"
printf '%s' "$msg" | run_postern -C "$CFG" '"x@evil.example> NOTIFY=SUCCESS ORCPT=rfc822;y"@example.test'
is "$RC" 64 "quoted local part hiding '>': refused before connecting"
like "$ERR" "contains '<' or '>'" "quoted local part hiding '>': explained"
printf '%s' "$msg" | run_postern -C "$CFG"
is "$RC" 64 "no recipients: exit 64"
like "$ERR" "no recipients" "no recipients: said so"
one_line; ok $? "no recipients: one line"

printf 'Subject: x\n\nline one\nline\0two\n' | run_postern -C "$CFG" a@example.test
is "$RC" 65 "NUL byte in the message: exit 65"
like "$ERR" "line 4 contains a NUL byte" "NUL byte: the line is named"
# A bare CR inside the header section would split a field (a web form that
# strips only LF): refused, naming the field; nothing is sent.
printf 'To: a@example.test\rBcc: evil@example.test\nSubject: x\n\nbody\n' | run_postern -C "$CFG" -t
is "$RC" 65 "a bare CR in To: with -t: exit 65 (no Bcc: smuggled in)"
like "$ERR" "header field To \\(line 1\\) holds a carriage return without a line feed" "a bare CR in To: the field is named"
one_line; ok $? "a bare CR in To: one line"
printf 'From: a@example.test\nSubject: report\rResent-To: thief@example.test\n\nbody\n' | run_postern -C "$CFG" -t
is "$RC" 65 "a bare CR in Subject: before Resent-To: with -t: exit 65"
printf 'Subject: x\n\nbody\rline.\r.\rmore\n' | run_postern -C "$CFG" a@example.test
unlike "$ERR" "carriage return" "a bare CR in the body is not refused (it goes as CRLF)"
like "$ERR" "127\\.0\\.0\\.1" "a bare CR in the body: the message was read and a send tried"
printf 'To: <broken@example.test\nSubject: x\n\nbody\n' | run_postern -C "$CFG" -t
is "$RC" 65 "malformed To header with -t: exit 65"
like "$ERR" "header To" "malformed To header: the header is named"
one_line; ok $? "malformed To header: one line"

printf '%s' "$msg" | run_postern -C "$CFG" root
is "$RC" 67 "bare local recipient without aliases: exit 67"
like "$ERR" "'root' has no domain" "bare local recipient: explained"

# --- configuration errors: exit 78, naming file and line
bad() { # bad DESCRIPTION EXPECTED_REGEX: the config in $TEST_TMP/bad.ini must fail with 78
	printf '%s' "$msg" | run_postern -C "$TEST_TMP/bad.ini" a@example.test
	is "$RC" 78 "$1: exit 78"
	like "$ERR" "$2" "$1: message names the problem"
}
printf '[a]\nhost = h\nprot = 587\n' >"$TEST_TMP/bad.ini"; chmod 600 "$TEST_TMP/bad.ini"
bad "unknown key" "bad.ini:3: unknown key 'prot'"
printf '[a]\nhost = h\nport = 587x\n' >"$TEST_TMP/bad.ini"
bad "bad port" "bad.ini:3: .*port.*587x"
printf '[a]\nhost = h\ntls = none\n' >"$TEST_TMP/bad.ini"
bad "tls = none (no plaintext mode)" "bad.ini:3: .*tls"
printf '[a]\nhost = h\nuser = u\npassword = p\n' >"$TEST_TMP/bad.ini"; chmod 644 "$TEST_TMP/bad.ini"
bad "password in a world-readable file" "readable by group or others"
chmod 600 "$TEST_TMP/bad.ini"
printf '[a]\nhost = h\nport = 1\nport = 2\n' >"$TEST_TMP/bad.ini"
bad "repeated key" "bad.ini:4: key 'port' repeated"
printf '[a]\nport = 2\n' >"$TEST_TMP/bad.ini"
bad "account without host" "host: missing"
printf '%s' "$msg" | run_postern -C "$TEST_TMP/none.ini" a@example.test
is "$RC" 78 "missing config file: exit 78"
printf '%s' "$msg" | run_postern a@example.test
is "$RC" 78 "no config file anywhere: exit 78"
like "$ERR" "no configuration file" "no config file anywhere: says where it looked"
printf '%s' "$msg" | run_postern -C "$CFG" -a nosuch a@example.test
is "$RC" 78 "-a with an unknown account: exit 78"

# --- password_command that closes its output but keeps running
cat >"$TEST_TMP/pc.ini" <<EOI
[a]
host = 127.0.0.1
port = 9
from = me@example.test
user = u
password_command = "echo secret; exec >/dev/null; sleep 30"
timeout = 2
queue = never
EOI
chmod 600 "$TEST_TMP/pc.ini"
RUN_TIMEOUT=15 run_postern -C "$TEST_TMP/pc.ini" a@example.test <<<"$msg"
is "$RC" 75 "password_command that hangs after printing: exit 75 at the timeout"
like "$ERR" "password_command: no answer within 2 seconds" "hanging password_command: explained"

# --- lookup order: $POSTERN_CONFIG, then XDG
mkdir -p "$XDG_CONFIG_HOME/postern"
printf '[x]\nhost = h\nbogus = 1\n' >"$XDG_CONFIG_HOME/postern/config.ini"
printf '%s' "$msg" | run_postern a@example.test
like "$ERR" "config.ini:3: unknown key 'bogus'" "XDG config file is found"
printf '%s' "$msg" | POSTERN_CONFIG=$TEST_TMP/bad.ini run_postern a@example.test
like "$ERR" "bad.ini" "\$POSTERN_CONFIG wins over the XDG file"

# --- a well-formed message reaches the network step (port 9: refused -> 75)
printf '%s' "$msg" | run_postern -C "$CFG" a@example.test
is "$RC" 75 "connection refused: exit 75 (temporary)"
like "$ERR" "connect 127.0.0.1 port 9" "connection refused: names host and port"
one_line; ok $? "connection refused: one line"

# The configuration is read through a copy in memory, never one in /tmp: a
# /tmp that cannot be written (full, or read-only here, in a mount namespace
# of the test's own) breaks nothing. The binary, its configuration and its
# home live in /var/tmp for it (the clone itself may be under /tmp).
if command -v unshare >/dev/null && [ "$(id -u)" = 0 ] && [ -d /var/tmp ]; then
	ro=$(mktemp -d /var/tmp/postern-ro-tmp.XXXXXX)
	mkdir -p "$ro/home"
	cp "$CFG" "$ro/p.ini"
	cp "$POSTERN" "$ro/postern"
	out=$(HOME=$ro/home XDG_STATE_HOME=$ro/home/state unshare -m sh -c \
		'mount -t tmpfs -o ro none /tmp && exec "$1" -C "$2" -bp' sh "$ro/postern" "$ro/p.ini" 2>&1)
	rc=$?
	# The message is spooled in the queue's own folder, not /tmp.
	qout=$(printf 'Subject: x\n\nbody\n' | env -u TMPDIR HOME=$ro/home XDG_STATE_HOME=$ro/home/state \
		unshare -m sh -c 'mount -t tmpfs -o ro none /tmp && exec "$1" -C "$2" -odq a@example.test' \
		sh "$ro/postern" "$ro/p.ini" 2>&1)
	qrc=$?
	queued=$(ls "$ro/home/state/postern/queue" 2>/dev/null | grep -c '\.env$')
	rm -rf "$ro"
	is "$rc" 0 "a read-only /tmp: the configuration still loads (-bp exits 0)"
	like "$out" "Mail queue is empty" "a read-only /tmp: -bp works"
	is "$qrc $queued" "0 1" "a read-only /tmp: a message is still read and queued (spooled in the queue's folder) $qout"
else
	ok 1 "a read-only /tmp: needs root, unshare and /var/tmp"
fi

# Closed standard descriptors (GNU mailutils runs mail that way): with
# stdin closed there is no message (66, nothing sent); closed stdout and
# stderr are filled with /dev/null, never taken by a file or a socket.
printf '%s' "$msg" >/dev/null
timeout 10 "$POSTERN" -C "$CFG" a@example.test <&- 2>"$TEST_TMP/err0"
is "$?" 66 "stdin closed: exit 66"
like "$(cat "$TEST_TMP/err0")" "^postern: message: standard input is closed" "stdin closed: one line saying so"
printf '%s' "$msg" | timeout 10 "$POSTERN" -C "$CFG" -odq a@example.test >&- 2>&-
is "$?" 0 "stdout and stderr closed: -odq still queues (exit 0)"

# Never set-user-ID or set-group-ID: a copy owned by another user with the s
# bit refuses to run, first thing (as root only: the copy must change user).
suid=$(mktemp -d "$TOP/build/suid.XXXXXX")
if command -v findmnt >/dev/null && findmnt -no OPTIONS --target "$suid" | grep -qw nosuid; then
	diag "set-id copies: $suid is on a nosuid file system; the s bit would do nothing there"
	rmdir "$suid"
	suid=$(mktemp -d /var/tmp/postern-suid.XXXXXX)
fi
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	cp "$POSTERN" "$suid/postern" && chown nobody "$suid/postern" && chmod 4755 "$suid/postern"
	chmod 755 "$suid"
	printf '%s' "$msg" | timeout 10 "$suid/postern" -C "$CFG" a@example.test 2>"$TEST_TMP/errs"
	rc=$?
	is "$rc" 78 "a set-user-ID copy: exit 78"
	like "$(cat "$TEST_TMP/errs")" "^postern: refusing to run set-user-ID" "a set-user-ID copy: one line saying why"
	chown root:nogroup "$suid/postern" && chmod 2755 "$suid/postern"
	printf '%s' "$msg" | timeout 10 "$suid/postern" -C "$CFG" --version >/dev/null 2>&1
	is "$?" 78 "a set-group-ID copy: exit 78 (even for --version)"
else
	ok 1 "set-id copies: need root and the user nobody"
fi
rm -rf "$suid"

# A header line over 998 octets with no blank to fold it at: refused (65),
# one line naming the field (RFC 5322 section 2.1.1).
{ printf 'Subject: x\nX-Token: '; head -c 1200 /dev/zero | tr '\0' 'x'; printf '\n\nbody\n'; } |
	run_postern -C "$CFG" a@example.test
is "$RC" 65 "a 1200-octet header line without a blank: exit 65"
one_line; ok $? "a 1200-octet header line: one line"
like "$ERR" "^postern: header X-Token: a line over 998 octets with no blank" \
	"a 1200-octet header line: the error names the field"

# A CR inside an aliases entry cannot smuggle an address or a command: the
# entry is refused (78), naming it.
printf 'list: a@example.test\rb@evil.example\n' >"$TEST_TMP/cr.aliases"
sed "s|^\[postern\]\$|[postern]\naliases = $TEST_TMP/cr.aliases|" "$CFG" >"$TEST_TMP/cr.ini"
chmod 600 "$TEST_TMP/cr.ini"
printf '%s' "$msg" | run_postern -C "$TEST_TMP/cr.ini" list
is "$RC" 78 "a CR inside an aliases entry: exit 78"
like "$ERR" "entry 'list'" "a CR inside an aliases entry: the entry is named"

done_testing
