# tests/lib/debs.sh, the installer behind make deps, demo-deps and
# bench-deps, with dpkg-query, apt-get and debconf-set-selections played by
# scripts of the test's own: it never replaces another mail server unasked.
. "$TOP/tests/lib/common.sh"
fake=$TEST_TMP/bin
mkdir -p "$fake"
cat >"$fake/dpkg-query" <<'EOS'
#!/bin/sh
# $FAKE_INSTALLED: the installed packages; exim4-daemon-light provides the MTA.
case "$*" in
*Provides*)
	for p in $FAKE_INSTALLED; do
		case $p in exim4-daemon-light) prov=mail-transport-agent ;; *) prov= ;; esac
		echo "$p install ok installed $prov"
	done ;;
*)
	for last; do :; done
	for p in $FAKE_INSTALLED; do [ "$p" = "$last" ] && { echo "install ok installed"; exit 0; }; done
	exit 1 ;;
esac
EOS
printf '#!/bin/sh\necho "apt-get $*" >>"$TEST_TMP/apt.log"\n' >"$fake/apt-get"
printf '#!/bin/sh\ncat >/dev/null\n' >"$fake/debconf-set-selections"
printf '#!/bin/sh\nshift; exec "$@"\n' >"$fake/sudo"
chmod +x "$fake"/*
# REPLACE_MTA from the caller (CI sets it) must not decide the cases here.
debs() {
	env -u REPLACE_MTA PATH="$fake:$PATH" TEST_TMP="$TEST_TMP" ${ALLOW:+REPLACE_MTA=1} \
		sh "$TOP/tests/lib/debs.sh" "$@"
}

rm -f "$TEST_TMP/apt.log"
out=$(FAKE_INSTALLED="gcc exim4-daemon-light" debs deps gcc postfix 2>&1)
rc=$?
is "$rc" 1 "postfix wanted while exim4 is the mail server: stops"
like "$out" "would remove this machine's mail server, exim4-daemon-light" "the message names the mail server"
like "$out" "REPLACE_MTA=1" "the message says how to allow it"
ok $([ ! -e "$TEST_TMP/apt.log" ]; echo $?) "nothing was installed"

out=$(FAKE_INSTALLED="gcc exim4-daemon-light" ALLOW=1 debs deps gcc postfix 2>&1)
is "$?" 0 "with REPLACE_MTA=1: goes on"
like "$(cat "$TEST_TMP/apt.log")" "install .* postfix" "with REPLACE_MTA=1: postfix is installed"

rm -f "$TEST_TMP/apt.log"
out=$(FAKE_INSTALLED="gcc" debs deps gcc postfix 2>&1)
is "$?" 0 "no other mail server: postfix is installed without asking"
like "$(cat "$TEST_TMP/apt.log")" "install .* postfix" "no other mail server: apt-get install postfix"

rm -f "$TEST_TMP/apt.log"
out=$(FAKE_INSTALLED="gcc postfix exim4-daemon-light" debs deps gcc postfix 2>&1)
like "$out" "all installed" "everything installed: nothing to do"
ok $([ ! -e "$TEST_TMP/apt.log" ]; echo $?) "everything installed: apt-get not run"

done_testing
