# git send-email (Debian's git-email) with sendemail.sendmailCmd pointing at
# postern, against the real Postfix: a two-patch series with --to and --cc
# reaches every recipient, each patch once, its threading headers intact.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/e2e.sh"
e2e_setup
CFG=$TEST_TMP/git.ini
e2e_config "$CFG" "$SMARTHOST_PORT_SUBMIT" "auth = plain"
u=$$
repo=$TEST_TMP/repo
git init -q "$repo"
git -C "$repo" config user.name "Demo Dev"
git -C "$repo" config user.email demo@example.test
echo base >"$repo/file.txt"
git -C "$repo" add file.txt
git -C "$repo" commit -q -m base
for i in 1 2; do
	echo "change $i" >>"$repo/file.txt"
	git -C "$repo" add file.txt
	git -C "$repo" commit -q -m "change number $i ($u)"
done
git -C "$repo" format-patch -q -o "$TEST_TMP/patches" HEAD~2 >/dev/null
to=git-to-$u@example.test cc=git-cc-$u@example.test
out=$(cd "$repo" && git send-email --quiet --confirm=never --no-chain-reply-to --thread \
	--sendmail-cmd="$POSTERN -C $CFG" --from=demo@example.test --to="$to" --cc="$cc" \
	--suppress-cc=all "$TEST_TMP"/patches/*.patch 2>&1)
is "$?" 0 "git send-email through postern: exit 0"
printf '%s\n' "$out" | sed 's/^/# /'
for r in "$to" "$cc"; do
	n=$(bash "$SMARTHOST" wait-delivery "$SMARTHOST_DIR" "$r" 20 | wc -l)
	is "$n" 2 "git send-email: both patches reached $r"
done
files=$(bash "$SMARTHOST" wait-delivery "$SMARTHOST_DIR" "$to" 20)
second=$(grep -l 'Subject: \[PATCH 2/2\]' $files | head -n 1)
first=$(grep -l 'Subject: \[PATCH 1/2\]' $files | head -n 1)
id1=$(sed -n 's/^Message-ID: *//Ip' "$first" | head -n 1 | tr -d '\r')
ok $([ -n "$id1" ]; echo $?) "git send-email: the first patch has its Message-ID"
like "$(sed -n '/^$/q;p' "$second" | tr -d '\r')" "In-Reply-To: $id1" "git send-email: the second patch replies to the first (threading intact)"
like "$(sed '1,/^$/d' "$first" | tr -d '\r')" "^\\+change 1" "git send-email: the patch body arrives intact"

done_testing
