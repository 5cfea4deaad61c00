#!/usr/bin/env bash
# audit-cli.sh - `pedigree audit` end to end: inputs of every type, exit
# statuses 0/1/2, hostile trees that must not block, JSON reports validated
# against docs/report.schema.json, deterministic output.
set -euo pipefail
: "${PEDIGREE:?}" "${PEDIGREE_SOURCE_ROOT:?}"
validate="python3 $PEDIGREE_SOURCE_ROOT/tests/tools/validate_report.py"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
. "$(dirname "$0")/lib.sh"
# expect STATUS NAME CMD...: run with a watchdog, check the exit status.
expect() {
	local want=$1 name=$2; shift 2
	local rc=0
	timeout 20 "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	if [ "$rc" -eq "$want" ]; then ok "$name (exit $rc)"
	else bad "$name: exit $rc, want $want"; sed 's/^/  | /' "$tmp/err"; fi
}
# jq-free JSON assertions: py EXPR is evaluated with r = the report.
check() {
	local name=$1 file=$2 expr=$3
	if python3 -c "import json,sys; r=json.load(open(sys.argv[1])); \
sys.exit(0 if ($expr) else 1)" "$file"; then ok "$name"
	else bad "$name: $expr"; fi
}
valid() {
	if $validate "$1" >"$tmp/v" 2>&1; then ok "schema: $2"
	else bad "schema: $2"; cat "$tmp/v"; fi
}

# --- a plain model folder -------------------------------------------------
m=$tmp/model
mkdir -p "$m/sub"
printf -- '---\nlicense: mit\n---\n# m\n' > "$m/README.md"
printf '{"model_type": "llama"}\n' > "$m/config.json"
printf 'print(1)\n' > "$m/sub/train.py"
expect 0 "directory audit" "$PEDIGREE" audit --format json -o "$tmp/m.json" "$m"
valid "$tmp/m.json" directory
check "config classified" "$tmp/m.json" \
  "any(a['path']=='config.json' and a['kind']=='config' for a in r['artifacts'])"
check "card classified" "$tmp/m.json" \
  "any(a['path']=='README.md' and a['kind']=='model-card' for a in r['artifacts'])"
check "component named after the folder" "$tmp/m.json" \
  "r['sources'][0]['component']=='model'"
expect 0 "text report" "$PEDIGREE" audit "$m"
grep -q 'model' "$tmp/out" && ok "text report names the component" ||
	bad "text report names the component"

# --- determinism ----------------------------------------------------------
"$PEDIGREE" audit --format json -o "$tmp/m2.json" "$m" || true
cmp -s "$tmp/m.json" "$tmp/m2.json" && ok "same input, same bytes" ||
	bad "report not deterministic"

# --- usage errors and unusable input: exit 2, message names the path -----
expect 2 "missing path" "$PEDIGREE" audit "$tmp/nope"
grep -q "$tmp/nope" "$tmp/err" && ok "error names the missing path" ||
	bad "error does not name the path"
expect 2 "--rev on a non-repository" "$PEDIGREE" audit --rev HEAD "$m"
grep -q "$m" "$tmp/err" && ok "--rev error names the path" ||
	bad "--rev error does not name the path"
expect 2 "unknown option" "$PEDIGREE" audit --bogus "$m"
expect 2 "unknown format" "$PEDIGREE" audit --format yaml "$m"
expect 2 "no path" "$PEDIGREE" audit
printf '\x1f\x8b\x08\x00garbage-not-gzip-at-all' > "$tmp/corrupt.tar.gz"
expect 2 "corrupt archive" "$PEDIGREE" audit "$tmp/corrupt.tar.gz"
grep -q 'corrupt.tar.gz' "$tmp/err" && ok "archive error names the file" ||
	bad "archive error does not name the file"
expect 0 "--help" "$PEDIGREE" audit --help
grep -q 'Exit status' "$tmp/out" && ok "--help documents exit status" ||
	bad "--help lacks exit status"

# --- hostile directory: symlink loop, FIFO named LICENSE, escape ----------
h=$tmp/hostile
mkdir -p "$h/d"
ln -s ../d "$h/d/loop"
ln -s a "$h/b"; ln -s b "$h/a"
ln -s /etc/passwd "$h/passwd"
mkfifo "$h/LICENSE"
printf 'MIT-ish\n' > "$h/d/notes.txt"
expect 0 "hostile tree does not block" "$PEDIGREE" audit --format json \
	-o "$tmp/h.json" "$h"
valid "$tmp/h.json" hostile
check "FIFO reported, not opened" "$tmp/h.json" \
  "any(f['rule']=='source.special-file-skipped' and f['evidence'].get('path')=='LICENSE' for f in r['findings'])"
check "escape reported" "$tmp/h.json" \
  "any(f['rule']=='source.symlink-escape' for f in r['findings'])"
# the escape is a warning: --fail-on warning turns it into exit 1
expect 1 "--fail-on warning fails on a warning" "$PEDIGREE" audit \
	--fail-on warning -q "$h"
expect 0 "--fail-on never" "$PEDIGREE" audit --fail-on never -q "$h"
[ ! -s "$tmp/out" ] && ok "--quiet prints no report" ||
	bad "--quiet printed a report"

# --- archives: nested, truncated, mixed inputs ----------------------------
a=$tmp/arch
mkdir -p "$a/inner" "$a/outer"
printf 'Inner licence text\n' > "$a/inner/LICENSE"
printf '{"a": 1}\n' > "$a/inner/data.jsonl"
(cd "$a/inner" && tar -cf ../outer/inner.tar LICENSE data.jsonl)
(cd "$a/outer" && printf '{}' > config.json &&
	python3 -c "import zipfile; z=zipfile.ZipFile('mid.zip','w'); \
z.write('inner.tar'); z.close()" && rm inner.tar &&
	tar -czf ../nested.tar.gz mid.zip config.json)
expect 0 "nested archives" "$PEDIGREE" audit --format json \
	-o "$tmp/n.json" "$a/nested.tar.gz"
valid "$tmp/n.json" nested
check "member of a member of a member" "$tmp/n.json" \
  "any(a['path']=='mid.zip!/inner.tar!/LICENSE' and a['kind']=='license' for a in r['artifacts'])"
expect 0 "depth limit" "$PEDIGREE" audit --format json \
	--max-archive-depth 1 -o "$tmp/d.json" "$a/nested.tar.gz"
check "depth limit reported" "$tmp/d.json" \
  "any(f['rule']=='source.archive-depth' for f in r['findings'])"

head -c 300000 /dev/urandom > "$a/inner/blob.txt"
(cd "$a/inner" && tar -czf ../big.tar.gz LICENSE blob.txt data.jsonl)
size=$(stat -c %s "$a/big.tar.gz")
head -c $((size * 2 / 3)) "$a/big.tar.gz" > "$a/trunc.tar.gz"
expect 0 "truncated archive still reports" "$PEDIGREE" audit \
	--format json -o "$tmp/t.json" "$a/trunc.tar.gz"
valid "$tmp/t.json" truncated
check "truncation is a finding" "$tmp/t.json" \
  "any(f['rule']=='source.archive-truncated' for f in r['findings'])"
check "what was read is kept" "$tmp/t.json" \
  "any(a['path']=='LICENSE' for a in r['artifacts'])"

expect 0 "mixed inputs" "$PEDIGREE" audit --format json -o "$tmp/x.json" \
	"$m" "$a/nested.tar.gz" "$m/config.json"
valid "$tmp/x.json" mixed
check "three sources" "$tmp/x.json" \
  "[s['type'] for s in r['sources']]==['directory','archive','file']"

# --- every archive format the README names ------------------------------
(cd "$a/inner" && tar --zstd -cf ../m.tar.zst LICENSE &&
	tar -cJf ../m.tar.xz LICENSE && 7z a -bso0 -bsp0 ../m.7z LICENSE)
for f in m.tar.zst m.tar.xz m.7z; do
	expect 0 "$f" "$PEDIGREE" audit --format json -o "$tmp/f.json" "$a/$f"
	check "$f: member read" "$tmp/f.json" \
	  "r['sources'][0]['type']=='archive' and any(a['path']=='LICENSE' for a in r['artifacts'])"
done

# --- output file errors ---------------------------------------------------
expect 2 "unwritable -o" "$PEDIGREE" audit -o /nonexistent/dir/r.json "$m"

if [ "$fails" -ne 0 ]; then echo "$fails check(s) failed"; exit 1; fi
echo "all checks passed"
