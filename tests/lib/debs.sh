#!/bin/sh
# debs.sh NAME PACKAGE...: installs the Debian packages that are missing
# (make deps, make demo-deps, make bench-deps), non-interactively: Postfix
# preseeded to "No configuration", msmtp's AppArmor question answered no.
#
# Installing postfix removes the machine's mail server when it is another
# one (exim4 is Debian's default, and apt-get -y would remove it without a
# word). So when postfix is wanted and missing while another package
# provides mail-transport-agent, this stops and says so, unless
# REPLACE_MTA=1.
set -eu
name=$1
shift
sudo=
[ "$(id -u)" = 0 ] || sudo=sudo

missing=
for p in "$@"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "$name: all installed"
	exit 0
fi

case " $missing " in
*" postfix "*)
	mta=$(dpkg-query -W -f='${Package} ${Status} ${Provides}\n' 2>/dev/null |
		awk '$4 == "installed" && $1 != "postfix" && /mail-transport-agent/ { print $1 }' | head -n 1)
	if [ -n "$mta" ] && [ "${REPLACE_MTA:-0}" != 1 ]; then
		echo "$name: postfix is needed (a private instance on loopback runs the tests and the demo)," >&2
		echo "$name: but installing it would remove this machine's mail server, $mta." >&2
		echo "$name: run again with REPLACE_MTA=1 to allow that (make $name REPLACE_MTA=1)." >&2
		exit 1
	fi ;;
esac

echo "$name: installing$missing"
printf '%s\n' "postfix postfix/main_mailer_type select No configuration" \
	"msmtp msmtp/apparmor boolean false" | $sudo debconf-set-selections
$sudo apt-get update -q
# shellcheck disable=SC2086 # one word per package
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	-o DPkg::Lock::Timeout=300 $missing
