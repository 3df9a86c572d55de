# Which account a message takes, and why, under -v (queued with -odq: no
# network): by from, by from_patterns, by default; and the warning for a
# From that Microsoft 365 would refuse (SendAsDenied).
. "$TOP/tests/lib/common.sh"
export HOME=$TEST_TMP/home XDG_STATE_HOME=$TEST_TMP/home/state
mkdir -p "$HOME"
CFG=$TEST_TMP/pick.ini
cat >"$CFG" <<'INI'
[postern]
account = main

[main]
host = 127.0.0.1
from = me@example.com

[team]
host = 127.0.0.1
from = team@example.org
from_patterns = team-*@example.org, *@lists.example.org

[m365]
host = smtp.office365.com
user = me@contoso.example
password = "x"
from_patterns = *@contoso.example
INI
chmod 600 "$CFG"
send() { printf 'From: %s\nSubject: pick\n\nbody\n' "$1" | run_postern -C "$CFG" -v -odq to@example.net; }

send team-ops@example.org
is "$RC" 0 "From team-ops@: taken"
like "$ERR" "account team: from_patterns 'team-\*@example\.org' matches the From <team-ops@example\.org>" \
	"-v says which pattern chose the account"
send me@example.com
like "$ERR" "account main: its from is the From <me@example\.com>" "-v: chosen by its from"
printf 'From: x@y.example\nSubject: pick\n\nbody\n' | run_postern -C "$CFG" -v -odq -a team to@example.net
like "$ERR" "account team: named with -a" "-v: chosen by -a"
send nobody@elsewhere.example
like "$ERR" "account main: the default \(\[postern\] account\)" "-v: no match, the default and why"
send boss@contoso.example
like "$ERR" "account m365: From <boss@contoso\.example> is not the login me@contoso\.example: Microsoft refuses that with 554 5\.2\.252 SendAsDenied" \
	"Microsoft 365: a From other than the login is warned of under -v"
printf 'From: me@contoso.example\nSubject: pick\n\nbody\n' | run_postern -C "$CFG" -v -odq to@example.net
unlike "$ERR" "SendAsDenied" "Microsoft 365: no warning when the From is the login"
printf 'From: boss@contoso.example\nSubject: pick\n\nbody\n' | run_postern -C "$CFG" -odq to@example.net
is "$ERR" "" "without -v: no warning"
printf '[solo]\nhost = 127.0.0.1\nfrom = s@example.com\n' >"$TEST_TMP/solo.ini"
chmod 600 "$TEST_TMP/solo.ini"
printf 'Subject: pick\n\nbody\n' | run_postern -C "$TEST_TMP/solo.ini" -v -odq to@example.net
like "$ERR" "account solo: the only one" "-v: the only account, and that is why"

done_testing
