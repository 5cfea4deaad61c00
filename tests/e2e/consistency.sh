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

# Code and weights licensed apart.  The licence files hold notices and
# naming lines written here (no licence text is copied).
apache='The code in this repository is licensed under the Apache License, Version 2.0.'
mit='This code is released under the MIT License.'
llama31() {
	printf 'LLAMA 3.1 COMMUNITY LICENSE AGREEMENT\nLlama 3.1 Version Release Date: July 23, 2024\n\nYou may use, copy and share the materials.\n'
}
card() { printf -- '---\nlicense: %s\n---\n# m\n' "$2" > "$1/README.md"; }
audit() { "$PEDIGREE" audit --format json -o "$1.json" "$1" || true
	python3 "$PEDIGREE_SOURCE_ROOT/tests/tools/validate_report.py" "$1.json"; }
# split NAME FILE COND: COND over s (license.split findings), d (properties
# of license.detected by path) and r (the report) holds
split() {
	if python3 -c "import json,sys; r=json.load(open(sys.argv[1])); \
s=[f for f in r['findings'] if f['rule']=='license.split']; \
d={f['evidence']['path']:f['properties'] for f in r['findings'] if f['rule']=='license.detected'}; \
sys.exit(0 if ($3) else 1)" "$2"; then echo "ok - $1"
	else echo "FAIL - $1: $3"; fails=$((fails + 1)); fi
}

# a. LICENSE for the code, MODEL_LICENSE for the weights, the card agrees.
mkdir -p "$tmp/a"; echo "$apache" > "$tmp/a/LICENSE"; llama31 > "$tmp/a/MODEL_LICENSE"
card "$tmp/a" llama3.1; audit "$tmp/a"
check "a: code/weights split is no conflict" "$tmp/a.json" "len(c)==0"
split "a: split says what covers what" "$tmp/a.json" \
  "len(s)==1 and s[0]['properties']['code']==['Apache-2.0'] and \
s[0]['properties']['weights']==['LicenseRef-Llama-3.1-Community'] and s[0]['severity']=='info'"
split "a: scopes of the licence files" "$tmp/a.json" \
  "d['LICENSE']['scope']=='model' and d['MODEL_LICENSE']['scope']=='weights'"
split "a: LICENSE is taken to be the code's, with a reason" "$tmp/a.json" \
  "[x for x in s[0]['properties']['claims'] if x['path']=='LICENSE'][0]['scope']=='code' \
and 'scope_reason' in [x for x in s[0]['properties']['claims'] if x['path']=='LICENSE'][0]"

# b. A software LICENSE beside a model licence on the card (the llama1 case).
mkdir -p "$tmp/b"; echo "$apache" > "$tmp/b/LICENSE"; card "$tmp/b" llama3.1
audit "$tmp/b"
check "b: software LICENSE + model licence card: no conflict" "$tmp/b.json" "len(c)==0"
split "b: split reported" "$tmp/b.json" "len(s)==1 and s[0]['properties']['code']==['Apache-2.0']"

# c. ...but weights metadata contradicting the card still conflicts.
model "$tmp/c" llama3.1 mit; echo "$apache" > "$tmp/c/LICENSE"; audit "$tmp/c"
check "c: card vs weights metadata conflict for the weights" "$tmp/c.json" \
  "len(c)==1 and c[0]['properties']['scope']=='weights' and \
sorted(x['license'] for x in c[0]['properties']['claims'])==['LicenseRef-Llama-3.1-Community','MIT']"

# d. Two software licences for the whole model: a real contradiction.
mkdir -p "$tmp/d"; echo "$mit" > "$tmp/d/LICENSE"; card "$tmp/d" apache-2.0
audit "$tmp/d"
check "d: LICENSE MIT vs card Apache-2.0 conflict" "$tmp/d.json" \
  "len(c)==1 and c[0]['properties']['scope']=='model'"
split "d: no split" "$tmp/d.json" "len(s)==0"

# e. A weights licence file of another version than the card.
mkdir -p "$tmp/e"; llama31 > "$tmp/e/LICENSE-MODEL"; card "$tmp/e" llama3.2
audit "$tmp/e"
check "e: LICENSE-MODEL Llama 3.1 vs card llama3.2" "$tmp/e.json" \
  "len(c)==1 and c[0]['properties']['scope']=='weights'"

# f. LICENSE-CODE and LICENSE-MODEL (DeepSeek's layout).
mkdir -p "$tmp/f"; echo "$mit" > "$tmp/f/LICENSE-CODE"; llama31 > "$tmp/f/LICENSE-MODEL"
audit "$tmp/f"
split "f: LICENSE-CODE is code, LICENSE-MODEL weights" "$tmp/f.json" \
  "d['LICENSE-CODE']['scope']=='code' and d['LICENSE-MODEL']['scope']=='weights' and len(s)==1"
check "f: no conflict" "$tmp/f.json" "len(c)==0"

# g. Two licences in one file both apply; a card naming one agrees.
mkdir -p "$tmp/g"; { llama31; echo 'The weights are also shared under CC BY-NC 4.0.'; } > "$tmp/g/LICENSE"
card "$tmp/g" llama3.1; audit "$tmp/g"
check "g: licences of one file do not contradict each other" "$tmp/g.json" "len(c)==0"
split "g: both licences of LICENSE detected" "$tmp/g.json" \
  "sorted(f['subject'] for f in r['findings'] if f['rule']=='license.detected')==['CC-BY-NC-4.0','LicenseRef-Llama-3.1-Community']"

rc=0
"$PEDIGREE" audit --fail-on warning -q "$tmp/bad" || rc=$?
[ "$rc" -eq 1 ] && echo "ok - conflict fails --fail-on warning" ||
	{ echo "FAIL - exit $rc"; fails=$((fails + 1)); }
[ "$fails" -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
