# A private keyring for a test script. Source it first thing: the script
# re-runs itself under dbus-run-session with HOME and the XDG folders in
# TEST_TMP (no real keyring is ever touched); then keyring_start starts a
# gnome-keyring-daemon on that session bus, which ends with the script.
. "$TOP/tests/lib/common.sh"
if [ -z "${KEYRING_SESSION:-}" ]; then
	for c in dbus-run-session gnome-keyring-daemon gdbus secret-tool; do
		command -v "$c" >/dev/null || { echo "Bail out! $c is missing (make deps)"; exit 1; }
	done
	export HOME=$TEST_TMP/home XDG_DATA_HOME=$TEST_TMP/data XDG_CONFIG_HOME=$TEST_TMP/config \
		XDG_CACHE_HOME=$TEST_TMP/cache XDG_RUNTIME_DIR=$TEST_TMP/run KEYRING_SESSION=1 TEST_TMP
	mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
	chmod 700 "$XDG_RUNTIME_DIR"
	unset DISPLAY WAYLAND_DISPLAY
	exec timeout -k 5 600 dbus-run-session -- bash "$0" </dev/null
fi

# keyring_start: a non-empty password creates and unlocks "login". Sets
# keyring_pid (killed on exit).
keyring_start() {
	printf %s keyring-test-pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
	# The daemon may take a moment to own its name on the bus.
	for _ in $(seq 50); do
		keyring_pid=$(gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
			--method org.freedesktop.DBus.GetConnectionUnixProcessID org.freedesktop.secrets 2>/dev/null |
			tr -dc 0-9)
		[ -n "$keyring_pid" ] && break
		sleep 0.1
	done
	at_exit '[ -n "$keyring_pid" ] && kill "$keyring_pid" 2>/dev/null'
	ok $([ -n "$keyring_pid" ]; echo $?) "a private gnome-keyring-daemon runs on the test's own session bus"
}
