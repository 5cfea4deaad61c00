#!/usr/bin/env bash
# consistency.sh - a repository whose files claim different licences gets a
# conflict finding citing each claim; agreeing claims get none.
set -euo pipefail
: "${PEDIGREE:?}" "${PEDIGREE_SOURCE_ROOT:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
check() {
	if python3 -c "import json,sys; r=json.load(open(sys.argv[1])); \
c=[f for f in r['findings'] if f['rule']=='license.inconsistent']; \
sys.exit(0 if ($3) else 1)" "$2"; then echo "ok - $1"
	else echo "FAIL - $1: $3"; fails=$((fails + 1)); fi
}
# model DIR CARD_TAG WEIGHTS_LICENSE
model() {
	mkdir -p "$1"
	printf -- '---\nlicense: %s\n---\n# m\n' "$2" > "$1/README.md"
	python3 - "$1/model.safetensors" "$3" <<'PY'
import json, struct, sys
h = json.dumps({"__metadata__": {"license": sys.argv[2]},
                "w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}})
h += " " * (-len(h) % 8)
open(sys.argv[1], "wb").write(struct.pack("<Q", len(h)) + h.encode() + bytes(8))
PY
}
model "$tmp/bad" apache-2.0 mit
"$PEDIGREE" audit --format json -o "$tmp/bad.json" "$tmp/bad" || true
python3 "$PEDIGREE_SOURCE_ROOT/tests/tools/validate_report.py" "$tmp/bad.json"
check "card vs weights conflict" "$tmp/bad.json" \
  "len(c)==1 and c[0]['kind']=='conflict' and c[0]['severity']=='warning'"
check "both claims cited" "$tmp/bad.json" \
  "sorted(x['license'] for x in c[0]['properties']['claims'])==['Apache-2.0','MIT']"
check "points at the card line" "$tmp/bad.json" \
  "c[0]['evidence']['path'] in ('README.md','model.safetensors')"
model "$tmp/good" mit mit
"$PEDIGREE" audit --format json -o "$tmp/good.json" "$tmp/good" || true
check "agreeing claims: no conflict" "$tmp/good.json" "len(c)==0"
model "$tmp/other" other mit
"$PEDIGREE" audit --format json -o "$tmp/other.json" "$tmp/other" || true
check "'other' is not a claim to compare" "$tmp/other.json" "len(c)==0"
rc=0
"$PEDIGREE" audit --fail-on warning -q "$tmp/bad" || rc=$?
[ "$rc" -eq 1 ] && echo "ok - conflict fails --fail-on warning" ||
	{ echo "FAIL - exit $rc"; fails=$((fails + 1)); }
[ "$fails" -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
