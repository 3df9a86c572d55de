# secret_store = file, for machines without a keyring: --store-password
# writes a 0600 file under the state folder (atomically), a send reads it
# and delivers through the real Postfix, --forget-password removes it, and
# a file others may read is refused. Without a keyring (no session bus),
# --authorize and --store-password say so at once, before any sign-in.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/e2e.sh"
e2e_setup
u=$$
unset DBUS_SESSION_BUS_ADDRESS
export XDG_RUNTIME_DIR=$TEST_TMP/no-runtime
CFG=$TEST_TMP/file.ini
e2e_config "$CFG" "$SMARTHOST_PORT_SUBMIT" "auth = plain" "secret_store = file" "queue = never"
sed -i '/^password = /d' "$CFG"
SECRETS=$XDG_STATE_HOME/postern/secrets

printf '%s\n' "$SMARTHOST_PASS" | run_postern -C "$CFG" --store-password test
is "$RC" 0 "secret_store = file: --store-password exits 0 (no keyring needed)"
like "$OUT" "secret_store = file: stored the password for $SMARTHOST_USER at 127\.0\.0\.1" "--store-password: says where"
f=$(ls "$SECRETS"/password-* 2>/dev/null | head -n 1)
ok "$([ -f "$f" ]; echo $?)" "the password is in a file under the state folder"
is "$(stat -c %a "$f" 2>/dev/null) $(stat -c %a "$SECRETS")" "600 700" "the file is 0600, its folder 0700"
is "$(cat "$f")" "$SMARTHOST_PASS" "the file holds the password, no newline"
ls "$SECRETS" | grep -q '\.tmp$'
ok "$([ $? != 0 ]; echo $?)" "no temporary file left behind"

to=file-$u@example.test
printf 'Subject: file %s\n\nbody\n' "$u" | run_postern -C "$CFG" "$to"
is "$RC" 0 "a send with the password from the file: exit 0"
ok "$([ -n "$(delivered "$to")" ]; echo $?)" "delivered through the real Postfix"

chmod 644 "$f"
printf 'Subject: x\n\nbody\n' | run_postern -C "$CFG" x-$u@example.test
is "$RC" 78 "a secret file others may read: refused (78)"
like "$ERR" "may be read by others: refusing it" "a secret file others may read: says so"
chmod 600 "$f"

run_postern -C "$CFG" --forget-password test
is "$RC" 0 "--forget-password: exit 0"
ok "$([ ! -e "$f" ]; echo $?)" "--forget-password: the file is gone"

# --- no keyring on this machine: said at once, before any sign-in
KCFG=$TEST_TMP/keyring.ini
{
	printf '[o]\nhost = 127.0.0.1\nuser = me@example.test\noauth_provider = microsoft\n'
	printf 'oauth_client_id = 00000000-0000-0000-0000-000000000000\ntimeout = 30\n'
} >"$KCFG"
chmod 600 "$KCFG"
t0=$(date +%s)
run_postern -C "$KCFG" --authorize o </dev/null
took=$(( $(date +%s) - t0 ))
is "$RC" 75 "--authorize without a keyring: exit 75 at once"
like "$ERR" "^postern: --authorize o: keyring: no D-Bus session bus.*secret_store = file" \
	"--authorize without a keyring: says so and names secret_store = file"
unlike "$ERR" "microsoft|devicelogin|visit" "--authorize without a keyring: no sign-in was started"
ok "$([ "$took" -lt 5 ]; echo $?)" "--authorize without a keyring: within seconds (${took}s)"
printf 'x\n' | run_postern -C "$CFG" --store-password test
is "$RC" 0 "(secret_store = file still stores without a keyring)"
sed -i '/^secret_store/d' "$CFG"
printf 'x\n' | run_postern -C "$CFG" --store-password test
is "$RC" 75 "--store-password without a keyring: exit 75"
like "$ERR" "secret_store = file" "--store-password without a keyring: names secret_store = file"

done_testing
