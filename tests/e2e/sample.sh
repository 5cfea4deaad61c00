#!/usr/bin/env bash
# sample.sh - the worked sample that `./run.sh demo` audits: every artifact
# kind is found, nested archives are read, the report validates.
set -euo pipefail
: "${PEDIGREE:?}" "${PEDIGREE_SOURCE_ROOT:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$PEDIGREE_SOURCE_ROOT"
fails=0
check() {
	if python3 -c "import json,sys; r=json.load(open(sys.argv[1])); \
sys.exit(0 if ($2) else 1)" "$tmp/r.json"; then echo "ok - $1"
	else echo "FAIL - $1: $2"; fails=$((fails + 1)); fi
}
rc=0
"$PEDIGREE" audit --format json -o "$tmp/r.json" samples/avocado || rc=$?
[ "$rc" -le 1 ] || { echo "FAIL - audit exit $rc"; exit 1; }
python3 tests/tools/validate_report.py "$tmp/r.json"
kinds="{a['path']: a['kind'] for a in r['artifacts']}"
check "model card" "$kinds['README.md']=='model-card'"
check "licence" "$kinds['LICENSE']=='license'"
check "config" "$kinds['config.json']=='config'"
check "safetensors" "$kinds['model.safetensors']=='safetensors'"
check "tokenizer" "$kinds['tokenizer.json']=='tokenizer'"
check "training archive" \
  "$kinds['data/avocado-chat-mix.tar.gz']=='archive'"
check "dataset card inside the archive" \
  "$kinds['data/avocado-chat-mix.tar.gz!/avocado-chat-mix/README.md']=='model-card'"
check "a shard inside a zip inside the tar.gz" \
  "$kinds['data/avocado-chat-mix.tar.gz!/avocado-chat-mix/extra.zip!/extra/shard-003.jsonl']=='dataset'"
check "no input problems" \
  "not [f for f in r['findings'] if f['kind']=='input']"
check "the example plugin found the unfilled placeholder" \
  "any(f['rule']=='example.placeholder' and f['evidence']['path']=='README.md' for f in r['findings'])"
# The text report the demo prints: grouped under the component.
"$PEDIGREE" audit samples/avocado > "$tmp/r.txt" || true
grep -q '^== avocado ==' "$tmp/r.txt" && echo "ok - text groups by component" ||
	{ echo "FAIL - text report"; fails=$((fails + 1)); }
grep -q 'README.md:[0-9]' "$tmp/r.txt" && echo "ok - evidence as path:line" ||
	{ echo "FAIL - evidence as path:line"; fails=$((fails + 1)); }
[ "$fails" -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
