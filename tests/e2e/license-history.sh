#!/usr/bin/env bash
# license-history.sh - a licence file that changed across git history is
# reported with the commits and the licence each held: working trees,
# bare repositories, --rev, --max-history, renames, removals, shallow
# clones.  The licence files hold notices written here (no licence text
# is copied).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.org
export GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.org
mit='This code is released under the MIT License.'
apache='This code is licensed under the Apache License, Version 2.0.'
llama='LLAMA 3.1 COMMUNITY LICENSE AGREEMENT
Llama 3.1 Version Release Date: July 23, 2024'
# commit REPO DATE MESSAGE: commit everything at a fixed date.
commit() {
	git -C "$1" add -A
	GIT_AUTHOR_DATE="$2T12:00:00Z" GIT_COMMITTER_DATE="$2T12:00:00Z" \
		git -C "$1" commit -qm "$3"
}
# audit NAME ARGS...: JSON report in $tmp/NAME.json, validated.
audit() {
	local name=$1; shift
	"$PEDIGREE" audit --format json -o "$tmp/$name.json" "$@" || true
	python3 "$PEDIGREE_SOURCE_ROOT/tests/tools/validate_report.py" \
		"$tmp/$name.json"
}
# check NAME REPORT COND: COND over h (the history findings) holds.
check() {
	if python3 -c "import json,sys; r=json.load(open(sys.argv[1])); \
h=[f for f in r['findings'] if f['rule']=='license.history-changed']; \
sys.exit(0 if ($3) else 1)" "$tmp/$2.json"; then ok "$1"
	else bad "$1: $3"; fi
}

r="$tmp/repo"
git init -q "$r"
echo '# model' > "$r/README.md"; commit "$r" 2023-01-01 start
echo "$mit" > "$r/LICENSE"; commit "$r" 2023-02-01 mit
echo more >> "$r/README.md"; commit "$r" 2023-03-01 docs
echo "$apache" > "$r/LICENSE"; commit "$r" 2023-04-01 apache
printf '%s\n' "$llama" > "$r/LICENSE"; commit "$r" 2024-08-01 llama
c_mit=$(git -C "$r" rev-parse HEAD~3)
c_apache=$(git -C "$r" rev-parse HEAD~1)
c_llama=$(git -C "$r" rev-parse HEAD)

audit tree "$r"
check "working tree: one history finding" tree \
  "len(h)==1 and h[0]['kind']=='license' and h[0]['severity']=='warning'"
check "each licence with the commit that brought it, oldest first" tree \
  "[(e['licenses'],e['commit'],e['date']) for e in h[0]['properties']['history']]== \
[(['MIT'],'$c_mit','2023-02-01'),(['Apache-2.0'],'$c_apache','2023-04-01'), \
(['LicenseRef-Llama-3.1-Community'],'$c_llama','2024-08-01')]"
check "the file and its blob are cited" tree \
  "h[0]['properties']['history'][0]['files'][0]['path']=='LICENSE' and \
len(h[0]['properties']['history'][0]['files'][0]['blob'])==40"
check "evidence: the newest change" tree \
  "h[0]['evidence']['commit']=='$c_llama' and h[0]['evidence']['path']=='LICENSE' \
and h[0]['subject']=='LicenseRef-Llama-3.1-Community'"
check "history before the first licence file is no change" tree \
  "h[0]['properties']['commits_read']==5 and not h[0]['properties']['truncated']"

git clone -q --bare "$r" "$tmp/bare.git"
audit bare "$tmp/bare.git"
check "bare repository: the same history" bare \
  "len(h)==1 and len(h[0]['properties']['history'])==3"

audit rev --rev HEAD~1 "$r"
check "--rev: history up to that revision" rev \
  "[e['licenses'] for e in h[0]['properties']['history']]==[['MIT'],['Apache-2.0']]"
audit rev2 --rev "$c_mit" "$r"
check "--rev at the first licence: no change yet" rev2 "len(h)==0"

audit bounded --max-history 2 "$r"
check "--max-history 2: two commits read, truncated" bounded \
  "h[0]['properties']['commits_read']==2 and h[0]['properties']['truncated'] \
and h[0]['properties']['max_commits']==2 and len(h[0]['properties']['history'])==2"
audit off --max-history 0 "$r"
check "--max-history 0: no history" off "len(h)==0"
rc=0; "$PEDIGREE" audit --max-history -1 "$r" >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] && ok "--max-history -1: usage error" || bad "exit $rc"

# A rename that keeps the licence is no change; removing it is.
q="$tmp/rename"
git init -q "$q"
echo "$mit" > "$q/LICENSE"; commit "$q" 2023-01-01 mit
git -C "$q" mv LICENSE LICENSE.md; commit "$q" 2023-02-01 rename
audit rename "$q"
check "rename keeping the licence: no finding" rename "len(h)==0"
git -C "$q" rm -q LICENSE.md; commit "$q" 2023-03-01 remove
audit removed "$q"
check "licence file removed: reported" removed \
  "len(h)==1 and h[0]['properties']['history'][-1]['licenses']==[] and \
'no licence file' in h[0]['message'] and h[0]['evidence']['path']=='LICENSE.md'"

# Two licences at once (code and weights) are one state.
w="$tmp/two"
git init -q "$w"
echo "$apache" > "$w/LICENSE"; commit "$w" 2023-01-01 code
printf '%s\n' "$llama" > "$w/MODEL_LICENSE"; commit "$w" 2023-02-01 weights
audit two "$w"
check "a weights licence added beside the code's: reported" two \
  "[e['licenses'] for e in h[0]['properties']['history']]== \
[['Apache-2.0'],['Apache-2.0','LicenseRef-Llama-3.1-Community']]"

# A shallow clone lacks the oldest parents: what it has is read.
git clone -q --depth 2 "file://$r" "$tmp/shallow" 2>/dev/null
audit shallow --rev HEAD "$tmp/shallow"
check "shallow clone: its commits, marked truncated" shallow \
  "len(h)==1 and h[0]['properties']['commits_read']==2 and \
h[0]['properties']['truncated']"

# Deterministic.
audit tree2 "$r"
cmp -s "$tmp/tree.json" "$tmp/tree2.json" && ok "same report twice" ||
	bad "reports differ"
[ "$fails" -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
