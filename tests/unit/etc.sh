# Every file in etc/ works as shipped: the example configuration copied as
# the README says loads and takes a message (queued with -odq, so no
# network is needed), and the aliases example parses and expands root.
. "$TOP/tests/lib/common.sh"
export HOME=$TEST_TMP/home XDG_CONFIG_HOME=$TEST_TMP/home/.config XDG_STATE_HOME=$TEST_TMP/home/state
unset POSTERN_CONFIG
mkdir -p "$XDG_CONFIG_HOME/postern"
cfg=$XDG_CONFIG_HOME/postern/config.ini
cp "$TOP/etc/postern.ini.example" "$cfg"
chmod 600 "$cfg"

printf 'Subject: example\n\nbody\n' | run_postern -odq me@example.com
is "$RC" 0 "etc/postern.ini.example as shipped: a message is taken (-odq)"
is "$ERR" "" "etc/postern.ini.example as shipped: nothing on stderr"
run_postern -bp
like "$OUT" "me@example.com" "etc/postern.ini.example: -bp lists the message under its default account"

# Each account of the example loads: -a NAME picks it.
for a in $(sed -n 's/^\[\([a-z0-9-]*\)\]$/\1/p' "$cfg" | grep -v '^postern$'); do
	printf 'Subject: example\n\nbody\n' | run_postern -a "$a" -odq me@example.com
	is "$RC" 0 "etc/postern.ini.example: account [$a] takes a message"
done

# The aliases example, put where the example's commented line points.
cp "$TOP/etc/aliases.example" "$XDG_CONFIG_HOME/postern/aliases"
sed -i "s|^; aliases = ~/.config/postern/aliases|aliases = $XDG_CONFIG_HOME/postern/aliases|" "$cfg"
printf 'Subject: example\n\nbody\n' | run_postern -odq -v root
is "$RC" 0 "etc/aliases.example: root is expanded and the message taken"
run_postern -bp
unlike "$OUT" " root\$" "etc/aliases.example: the queued recipient is an address, not root"

done_testing
