# Helpers for end-to-end tests against the real Postfix smarthost that
# tests/run starts once per run (tests/lib/smarthost.sh). Source after
# common.sh. If the runner did not start one (a test run on its own), the
# first call starts a private one in $TEST_TMP and stops it on exit.

SMARTHOST=$TOP/tests/lib/smarthost.sh
# A private home: the queue and dead.letter of these tests stay in TEST_TMP.
export HOME=$TEST_TMP/home XDG_STATE_HOME=$TEST_TMP/home/.local/state
mkdir -p "$HOME"

e2e_setup() {
	if [ -z "${SMARTHOST_ENV:-}" ] || [ ! -f "$SMARTHOST_ENV" ]; then
		bash "$SMARTHOST" start "$TEST_TMP/smarthost" >&2 || { echo "Bail out! smarthost did not start"; exit 1; }
		SMARTHOST_ENV=$TEST_TMP/smarthost/env
		at_exit 'bash "$SMARTHOST" stop "$TEST_TMP/smarthost" >/dev/null 2>&1'
	fi
	# shellcheck disable=SC1090
	. "$SMARTHOST_ENV"
}

# e2e_config FILE [port] [extra "key = value" lines...]: an account "test".
e2e_config() {
	local file=$1 port=${2:-$SMARTHOST_PORT_SUBMIT}
	shift 2 2>/dev/null || shift $#
	{
		echo "[postern]"
		echo "account = test"
		echo
		echo "[test]"
		echo "host = 127.0.0.1"
		echo "port = $port"
		echo "tls_ca_file = $SMARTHOST_CA"
		echo "from = demo@example.test"
		echo "user = $SMARTHOST_USER"
		echo "password = $SMARTHOST_PASS"
		echo "timeout = 20"
		for l in "$@"; do echo "$l"; done
	} >"$file"
	chmod 600 "$file"
}

# delivered ADDRESS [TIMEOUT]: path of the message delivered to ADDRESS.
delivered() {
	bash "$SMARTHOST" wait-delivery "$SMARTHOST_DIR" "$1" "${2:-20}" | head -n 1
}

# not_delivered ADDRESS: true when nothing reached ADDRESS within 2 seconds.
not_delivered() {
	! bash "$SMARTHOST" wait-delivery "$SMARTHOST_DIR" "$1" 2 >/dev/null
}

# body_of FILE: the delivered message's body (after the first empty line).
body_of() { sed '1,/^$/d' "$1"; }
header_of() { sed '/^$/q' "$1"; }
