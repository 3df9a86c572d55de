# Start-up cost: postern links only what every run needs. libsecret (with
# GLib), jansson, libcurl, libidn2 and libunistring are loaded with dlopen
# on the paths that use them (the keyring, OAuth2, a non-ASCII address), so
# a send with a password in the file pays the loader for none of them.
. "$TOP/tests/lib/common.sh"
export HOME=$TEST_TMP/home XDG_CONFIG_HOME=$TEST_TMP/home/.config
mkdir -p "$HOME"
unset POSTERN_CONFIG
command -v ldd >/dev/null || { echo "Bail out! ldd is missing"; exit 1; }

lazy='libsecret|libglib|libgobject|libgio|libgcrypt|libjansson|libcurl|libidn2|libunistring'
linked=$(ldd "$POSTERN" 2>&1)
[ -n "$linked" ]; ok $? "ldd lists the libraries postern is linked with"
unlike "$linked" "$lazy" "ldd: no keyring, JSON, HTTP or IDN library is loaded at start-up"

# The account points at a port nobody listens on: exit 75 after the
# password (or the keyring) is read and before any TLS.
cfg() { # cfg FILE [EXTRA LINE]: an account at 127.0.0.1:9
	printf '[postern]\naccount = a\n\n[a]\nhost = 127.0.0.1\nport = 9\nfrom = me@example.test\n' >"$1"
	printf 'user = me\ntimeout = 2\nqueue = never\n%s\n' "${2:-}" >>"$1"
	chmod 600 "$1"
}
# load_run ARGS...: runs postern under LD_DEBUG=files (sets RC, ERR) and
# DL to every library the process opened, at start-up or later.
load_run() {
	printf 'Subject: x\n\nbody\n' | LD_DEBUG=files LD_DEBUG_OUTPUT=$TEST_TMP/ld run_postern "$@"
	DL=$(cat "$TEST_TMP"/ld.* 2>/dev/null | grep -o 'file=[^ ]*' | sort -u)
	rm -f "$TEST_TMP"/ld.*
}

cfg "$TEST_TMP/pw.ini" "password = secret"
load_run -C "$TEST_TMP/pw.ini" a@example.test
is "$RC" 75 "password in the file, nobody listening: exit 75"
like "$DL" "libssl" "LD_DEBUG=files shows what the process loads"
unlike "$DL" "$lazy" "password in the file: no keyring, JSON, HTTP or IDN library is ever loaded"

load_run -C "$TEST_TMP/pw.ini" "$(printf 'b\303\274cher@ex\303\244mple.test')"
is "$RC" 75 "a non-ASCII recipient, nobody listening: exit 75"
like "$DL" "libidn2" "a non-ASCII recipient: libidn2 is loaded then"
like "$DL" "libunistring" "a non-ASCII recipient: libunistring is loaded then (NFC)"

# A keyring account with a bus that does not exist: libsecret is loaded to
# ask it, and the failure is temporary (75), as with any unreachable keyring.
cfg "$TEST_TMP/kr.ini"
DBUS_SESSION_BUS_ADDRESS=unix:path=$TEST_TMP/no-bus load_run -C "$TEST_TMP/kr.ini" a@example.test
is "$RC" 75 "a keyring account, no keyring to reach: exit 75"
like "$ERR" "^postern: .*keyring: " "a keyring account, no keyring to reach: the message says keyring"
like "$DL" "libsecret" "a keyring account: libsecret is loaded when the password is looked up"
unlike "$DL" "libjansson|libcurl" "a keyring account: no JSON or HTTP library"
done_testing
