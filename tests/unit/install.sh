# make install, install-sendmail and uninstall into a DESTDIR of the test's
# own: what is installed, a different sendmail refused unless FORCE=1 and
# then put back by uninstall; and the installed names behave as their
# namesakes (newaliases checks the aliases file, mailq lists the queue).
. "$TOP/tests/lib/common.sh"
d=$TEST_TMP/root
# The binary under test is installed (under make asan it is not ./postern),
# and nothing is built: no BUILD or MAKEFLAGS from the caller's make.
m() {
	env -u BUILD -u MAKEFLAGS -u MAKELEVEL make -s --no-print-directory -C "$TOP" "$@" \
		DESTDIR="$d" PREFIX=/usr INSTALL_BIN="$POSTERN" >"$TEST_TMP/make.out" 2>&1
}

m install
is "$?" 0 "make install into DESTDIR: exit 0"
for f in usr/bin/postern usr/share/man/man1/postern.1 usr/share/man/man5/postern.ini.5 \
	usr/share/doc/postern/postern.ini.example usr/share/doc/postern/aliases.example \
	usr/lib/systemd/user/postern-flush.service usr/lib/systemd/user/postern-flush.timer \
	usr/lib/systemd/user/postern-smtp.socket usr/lib/systemd/user/postern-smtp@.service \
	usr/lib/systemd/system/postern-smtp.socket usr/lib/systemd/system/postern-smtp@.service \
	usr/lib/systemd/system/postern-flush.service usr/lib/systemd/system/postern-flush.timer \
	usr/share/bash-completion/completions/postern; do
	ok $([ -f "$d/$f" ]; echo $?) "make install: $f"
done
is "$(readlink "$d/usr/bin/mailq") $(readlink "$d/usr/bin/newaliases")" "postern postern" \
	"make install: mailq and newaliases are links to postern"
like "$(cat "$d/usr/lib/systemd/user/postern-flush.service")" "ExecStart=/usr/bin/postern -q" \
	"make install: the user unit runs the installed binary"
like "$(cat "$d/usr/lib/systemd/system/postern-smtp@.service")" "ExecStart=/usr/bin/postern -bs" \
	"make install: the system socket's service runs the installed binary with -bs"
bash -n "$d/usr/share/bash-completion/completions/postern"
ok $? "make install: the bash completion parses"

# A different sendmail is there (exim's, say): refused, then replaced with FORCE=1.
mkdir -p "$d/usr/sbin"
printf '#!/bin/sh\necho other\n' >"$d/usr/sbin/sendmail"
m install-sendmail
ok $([ "$?" != 0 ]; echo $?) "install-sendmail over another sendmail: refused"
like "$(cat "$TEST_TMP/make.out")" "/usr/sbin/sendmail is another program.*FORCE=1" "install-sendmail: says why and how"
is "$(cat "$d/usr/sbin/sendmail")" "$(printf '#!/bin/sh\necho other')" "install-sendmail refused: the other sendmail is untouched"
m install-sendmail FORCE=1
is "$?" 0 "install-sendmail FORCE=1: exit 0"
is "$(readlink "$d/usr/sbin/sendmail") $(readlink "$d/usr/lib/sendmail")" "/usr/bin/postern /usr/bin/postern" \
	"install-sendmail: /usr/sbin/sendmail and /usr/lib/sendmail point at postern"
m install-sendmail
is "$?" 0 "install-sendmail again: nothing to refuse (already postern)"

m uninstall
is "$?" 0 "make uninstall: exit 0"
is "$(cat "$d/usr/sbin/sendmail")" "$(printf '#!/bin/sh\necho other')" "make uninstall: the other sendmail is back"
is "$(find "$d" \( -type f -o -type l \) | sed "s|^$d||" | sort | tr '\n' ' ')" "/usr/sbin/sendmail " \
	"make uninstall: nothing of postern's is left"

# Called as newaliases (or with -bi): checks the aliases file.
export HOME=$TEST_TMP/home XDG_STATE_HOME=$TEST_TMP/home/state
mkdir -p "$HOME"
ln -s "$POSTERN" "$TEST_TMP/newaliases"
printf 'root: me@example.com\npostmaster: root\n' >"$TEST_TMP/aliases"
printf '[postern]\naliases = %s\n[a]\nhost = 127.0.0.1\nport = 9\nfrom = me@example.com\n' "$TEST_TMP/aliases" >"$TEST_TMP/n.ini"
chmod 600 "$TEST_TMP/n.ini"
out=$("$TEST_TMP/newaliases" -C "$TEST_TMP/n.ini" 2>&1)
is "$?" 0 "newaliases: a good aliases file, exit 0"
like "$out" "2 aliases, no errors" "newaliases: says how many names and that there is no database to build"
printf 'root: me@example.com\nlist: a@example.com, not an address\n' >"$TEST_TMP/aliases"
out=$("$POSTERN" -bi -C "$TEST_TMP/n.ini" 2>&1)
is "$?" 78 "-bi: a malformed entry, exit 78"
like "$out" "entry 'list'" "-bi: the malformed entry is named"

done_testing
