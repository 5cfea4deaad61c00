#!/usr/bin/env bash
# identify.sh - `pedigree identify` and the license-text detector end to
# end: notices in NOTICE files and READMEs, gated model cards, unknown
# custom licences with typed clauses, weak matches reported as unknown
# with their nearest candidates, SPDX expressions, bad input.  Every
# document is written here (short naming lines and the test's own words;
# no licence text is copied).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init
: "${PEDIGREE_BUILD_ROOT:?}"
# json NAME FILE COND: COND over r (the parsed JSON) holds.
json() {
	if python3 -c "import json,sys; r=json.load(open(sys.argv[1])); \
sys.exit(0 if ($3) else 1)" "$2"; then ok "$1"; else bad "$1: $3"; fi
}
# status WANT NAME CMD...: exit status, with a watchdog (FIFOs must not
# block).
status() {
	local want=$1 name=$2 rc=0; shift 2
	timeout 20 "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	[ "$rc" -eq "$want" ] && ok "$name (exit $rc)" ||
		bad "$name: exit $rc, want $want"
}
d="$tmp/docs"; mkdir -p "$d"
cat > "$d/custom" <<'EOF'
SOCKSORT MODEL TERMS

You may not use the Model for commercial purposes.
If your service has more than 100 million monthly active users, ask us.
You must not use outputs of the Model to train any other model.
Any model derived from it must have a name that begins with "Socksort".
The Model is provided for research purposes only.
EOF
printf 'Llama 3.1 is licensed under the Llama 3.1 Community License, Copyright (c) Meta Platforms, Inc. All Rights Reserved.\n' > "$d/NOTICE"
printf 'LLAMA 3.2 COMMUNITY LICENSE AGREEMENT\nLlama 3.2 Version Release Date: September 25, 2024\n\nYou may use and share the materials.\n' > "$d/llama32"
printf '// SPDX-License-Identifier: mit OR Apache-2.0\nint x;\n' > "$d/dual.c"
printf '// SPDX-License-Identifier: GPL-2.0-only WITH Classpath-exception-2.0\n' > "$d/with.java"
printf '// SPDX-License-Identifier: MIT AND (\n' > "$d/broken.c"

# --- the CLI ----------------------------------------------------------------
status 0 "--help" "$PEDIGREE" identify --help
status 2 "unknown option" "$PEDIGREE" identify --colour "$d/custom"
status 2 "no file" "$PEDIGREE" identify
"$PEDIGREE" identify --format json "$d/custom" "$d/NOTICE" "$d/llama32" \
	"$d/dual.c" "$d/with.java" "$d/broken.c" > "$tmp/id.json"
json "one object per file, in order" "$tmp/id.json" \
  "[o['path'].rsplit('/',1)[1] for o in r]==['custom','NOTICE','llama32','dual.c','with.java','broken.c'] \
and all(0<=o['confidence']<=1 and 'clauses' in o for o in r)"
json "custom licence: unknown, never no licence" "$tmp/id.json" \
  "r[0]['license']=='LicenseRef-unknown'"
json "custom licence: typed clauses with their numbers and names" "$tmp/id.json" \
  "{c['type'] for c in r[0]['clauses']}>={'non-commercial','user-threshold','output-training','derivative-naming','research-only'} \
and [c['number'] for c in r[0]['clauses'] if c['type']=='user-threshold']==[100000000] \
and [c['value'] for c in r[0]['clauses'] if c['type']=='derivative-naming']==['Socksort']"
json "NOTICE line names Llama 3.1" "$tmp/id.json" \
  "r[1]['license']=='LicenseRef-Llama-3.1-Community' and r[1]['matches'][0]['method']=='signature'"
json "Llama 3.2 by its title and release date" "$tmp/id.json" \
  "r[2]['license']=='LicenseRef-Llama-3.2-Community'"
json "SPDX OR expression, canonical" "$tmp/id.json" \
  "r[3]['license']=='MIT OR Apache-2.0' and r[3]['spdx_identifier']['valid']"
json "SPDX WITH exception" "$tmp/id.json" \
  "r[4]['license']=='GPL-2.0-only WITH Classpath-exception-2.0'"
json "broken SPDX expression: reported, not used" "$tmp/id.json" \
  "not r[5]['spdx_identifier']['valid'] and r[5]['spdx_identifier']['error'] \
and r[5]['license']=='LicenseRef-unknown'"
"$PEDIGREE" identify "$d/llama32" > "$tmp/id.txt"
grep -q 'LicenseRef-Llama-3.2-Community (confidence 0\.[0-9][0-9])' "$tmp/id.txt" &&
	ok "text output: id and confidence" || bad "text output: $(cat "$tmp/id.txt")"
mkfifo "$d/fifo"
status 2 "FIFO refused without blocking; others reported" \
	"$PEDIGREE" identify "$d/fifo" "$d/NOTICE"
grep -q 'Llama-3.1' "$tmp/out" && grep -q 'fifo' "$tmp/err" &&
	ok "FIFO named on stderr, NOTICE still identified" || bad "FIFO output"
status 2 "missing file" "$PEDIGREE" identify "$d/nope"
grep -q "$d/nope" "$tmp/err" && ok "missing file named" || bad "not named"

# --- a weak match is not a detection ------------------------------------------
# A database of one invented licence; half of it plus other words must
# come out unknown, with that licence as the nearest candidate and its
# score (licensee once called a 55% match MIT).
c="$tmp/corpus"; mkdir -p "$c/spdx" "$c/models"
python3 - "$c/spdx/Sock-1.0.txt" <<'PY'
import sys
words = ("sock drawer colour pair wool cotton heel toe stripe knit darn "
         "laundry basket left right match fold lost found washer dryer "
         "lint odd even tall short ankle crew thermal sport").split()
x, lines = 12345, ["SOCK PERMISSION NOTICE 1.0", ""]
for i in range(40):           # a fixed pseudo-random text, no repeats
    line = []
    for k in range(9):
        x = (x * 1103515245 + 12345) % 2**31
        line.append(words[x % len(words)])
    lines.append(" ".join(line) + ".")
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY
"$PEDIGREE_BUILD_ROOT/core/src/license/pedigree-licdb-gen" "$c" "$tmp/sock.db" 2>/dev/null
{ head -22 "$c/spdx/Sock-1.0.txt"; cat "$d/custom"; } > "$d/half"
"$PEDIGREE" identify --format json --db "$tmp/sock.db" "$c/spdx/Sock-1.0.txt" \
	"$d/half" > "$tmp/weak.json"
json "the whole text is detected" "$tmp/weak.json" "r[0]['license']=='Sock-1.0'"
json "half of it is unknown, nearest candidate with scores" "$tmp/weak.json" \
  "r[1]['license']=='LicenseRef-unknown' and r[1]['candidates'][0]['id']=='Sock-1.0' \
and 0.2<r[1]['candidates'][0]['containment']<0.8 and r[1]['candidates'][0]['score']>0"

# --- the license-text detector in an audit ------------------------------------
m="$tmp/model"; mkdir -p "$m"
cp "$d/custom" "$m/LICENSE"
cp "$d/NOTICE" "$m/NOTICE"
cat > "$m/README.md" <<'EOF'
---
license: other
extra_gated_prompt: "LLAMA 3.2 COMMUNITY LICENSE AGREEMENT\nLlama 3.2 Version Release Date: September 25, 2024\n\nYou may use and share the materials."
---
# Sock model

It sorts socks.

## License

The sorting code is released under the Apache License, Version 2.0.
EOF
"$PEDIGREE" audit --format json -o "$tmp/audit.json" "$m" || true
python3 "$PEDIGREE_SOURCE_ROOT/tests/tools/validate_report.py" "$tmp/audit.json"
F="[f for f in r['findings'] if f['plugin']=='license-text']"
json "unknown LICENSE: license.unknown with clauses and scope" "$tmp/audit.json" \
  "[f for f in $F if f['rule']=='license.unknown' and f['evidence']['path']=='LICENSE' \
and f['properties']['scope']=='model' and any(c['type']=='non-commercial' for c in f['properties']['clauses']) \
and 'candidates' in f['properties']]"
json "no license.none when a licence is unknown" "$tmp/audit.json" \
  "not [f for f in r['findings'] if f['rule']=='license.none']"
json "NOTICE file found" "$tmp/audit.json" \
  "[f for f in $F if f['rule']=='license.detected' and f['evidence']['path']=='NOTICE' \
and f['subject']=='LicenseRef-Llama-3.1-Community']"
json "gated card's extra_gated_prompt found" "$tmp/audit.json" \
  "[f for f in $F if f['evidence']['path']=='README.md' and f['subject']=='LicenseRef-Llama-3.2-Community']"
json "README licence notice found" "$tmp/audit.json" \
  "[f for f in $F if f['evidence']['path']=='README.md' and f['subject']=='Apache-2.0']"

# An SPDX-License-Identifier that contradicts the text of its file.
s="$tmp/spdx"; mkdir -p "$s"
{ echo 'SPDX-License-Identifier: MIT'; echo; cat "$d/llama32"; } > "$s/LICENSE"
"$PEDIGREE" audit --format json -o "$tmp/spdx.json" "$s" || true
json "SPDX line vs text: license.spdx-mismatch" "$tmp/spdx.json" \
  "[f for f in r['findings'] if f['rule']=='license.spdx-mismatch' and f['subject']=='MIT' \
and f['kind']=='conflict']"

# Nothing at all: license.none.
mkdir -p "$tmp/none"; echo 'weights' > "$tmp/none/notes.txt"
printf -- '---\ntags: [x]\n---\n# m\n' > "$tmp/none/README.md"
"$PEDIGREE" audit --format json -o "$tmp/none.json" "$tmp/none" || true
json "no licence anywhere: license.none" "$tmp/none.json" \
  "[f for f in r['findings'] if f['rule']=='license.none']"
[ "$fails" -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
