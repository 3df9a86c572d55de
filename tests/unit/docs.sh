# The man pages render cleanly and name every option, config key and exit
# code the program has, so documentation cannot silently fall behind.
. "$TOP/tests/lib/common.sh"

for page in man/postern.1 man/postern.ini.5; do
	w=$(groff -man -ww -z "$TOP/$page" 2>&1)
	is "$w" "" "$page renders without groff warnings"
done

# Every config key in src/config_scan.c's table appears in postern.ini(5).
keys=$(sed -n '/known_keys\[\] = {/,/^};/p' "$TOP/src/config_scan.c" | grep -o '{"[a-z_]*"' | tr -d '{"')
[ -n "$keys" ]; ok $? "config keys found in src/config_scan.c"
for k in $keys; do
	grep -q -- "$k" "$TOP/man/postern.ini.5"; ok $? "postern.ini(5) documents key '$k'"
done

# Every flag in the --help text appears in postern(1).
flags=$("$POSTERN" --help | grep -oE '(^| )-{1,2}[A-Za-z][A-Za-z0-9-]*' | tr -d ' ' | sort -u)
[ -n "$flags" ]; ok $? "flags found in --help"
for f in $flags; do
	esc=$(printf '%s' "$f" | sed 's/-/\\\\-/g')
	grep -qE -- "($f|$esc)" "$TOP/man/postern.1"; ok $? "postern(1) documents $f"
done

# Every exit code in the error table appears in postern(1).
for code in $(grep -oE 'EX_[A-Z]+' "$TOP/src/errors.c" | sort -u); do
	n=$(printf '#include <sysexits.h>\n%s\n' "$code" | cpp -P | tail -n 1)
	grep -qE "^\\.B $n\$|^\\.TP\$|\\b$n\\b" "$TOP/man/postern.1" && grep -q "\\b$n\\b" "$TOP/man/postern.1"
	ok $? "postern(1) lists exit code $n ($code)"
done

# README opens with the two commands a newcomer runs.
head -n 6 "$TOP/README.md" | grep -qx 'apt-get update && apt-get install -y make && make demo'; ok $? "README starts with the demo command line"
head -n 6 "$TOP/README.md" | grep -qx 'make check'; ok $? "README's second command line is make check"

# README's list of the build packages is the Makefile's BUILD_DEBS, word
# for word (a build from a shorter list failed: jansson.h: No such file).
mk=$(env -u MAKEFLAGS -u MAKELEVEL make -s --no-print-directory -C "$TOP" -f - print-build-debs <<'EOM' 2>/dev/null
include Makefile
print-build-debs:
	@echo $(BUILD_DEBS)
EOM
)
readme=$(sed -n 's/.*# or only the build packages: //p' "$TOP/README.md")
ok $([ -n "$mk" ] && [ -n "$readme" ]; echo $?) "the build packages are listed in the Makefile and in README"
is "$(printf '%s\n' $readme | sort | tr '\n' ' ')" "$(printf '%s\n' $mk | sort | tr '\n' ' ')" \
	"README's build packages are the Makefile's BUILD_DEBS"

done_testing
