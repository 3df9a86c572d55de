# Regression for the libFuzzer targets (tests/fuzz/NAME.c): each target
# built (make fuzz-build, a no-op when up to date) and run once over every
# file of its corpus, tests/fuzz/corpus/NAME/, where every finding is kept.
# A crash, a sanitizer report, a leak or a failed property is a "not ok".
. "$TOP/tests/lib/common.sh"

FUZZ_BUILD=${FUZZ_BUILD:-$TOP/build-fuzz}
# Its own make: not the jobserver of a make that may have started tests/run.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$TOP" --no-print-directory FUZZ_BUILD="$FUZZ_BUILD" fuzz-build \
	>"$TEST_TMP/build.log" 2>&1
rc=$?
ok $rc "the fuzz targets build (clang-14, libFuzzer)"
[ $rc -eq 0 ] || sed 's/^/#   /' "$TEST_TMP/build.log" | tail -n 20

for src in "$TOP"/tests/fuzz/*.c; do
	name=$(basename "$src" .c)
	corpus=$TOP/tests/fuzz/corpus/$name
	set -- "$corpus"/*
	if [ ! -f "$1" ]; then
		ok 1 "fuzz target $name has a seed corpus"
		continue
	fi
	# Each file once; TMPDIR keeps whatever a target leaves behind in this test's folder.
	TMPDIR=$TEST_TMP "$FUZZ_BUILD/fuzz/$name" -timeout=20 "$@" >"$TEST_TMP/$name.log" 2>&1
	rc=$?
	ok $rc "fuzz target $name runs its $# corpus files cleanly"
	[ $rc -eq 0 ] || grep -E 'ERROR|SUMMARY|fuzz:|Running:' "$TEST_TMP/$name.log" | head -n 8 | sed 's/^/#   /'
done

done_testing
