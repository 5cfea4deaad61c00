#!/usr/bin/env bash
# licenses.sh - `pedigree licenses` end to end: the list, one entry in text
# and JSON, unknown ids (exit 2 with close matches), --kb with a valid and
# an invalid knowledge base (exit 2 naming file:line).
set -euo pipefail
: "${PEDIGREE:?}"
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
# has FILE NAME PATTERN: FILE contains the (grep -E) pattern.
has() {
	if grep -Eq -- "$3" "$1"; then ok "$2"
	else bad "$2: no /$3/ in $1"; sed 's/^/  | /' "$1" | head -20; fi
}
hasnt() {
	if grep -Eq -- "$3" "$1"; then bad "$2: /$3/ in $1"
	else ok "$2"; fi
}
check() {
	local name=$1 file=$2 expr=$3
	if python3 -c "import json,sys; r=json.load(open(sys.argv[1])); \
sys.exit(0 if ($expr) else 1)" "$file"; then ok "$name"
	else bad "$name: $expr"; fi
}

# --- the list ---------------------------------------------------------------
expect 0 "list" "$PEDIGREE" licenses
has "$tmp/out" "list has Apache-2.0" '^Apache-2\.0 +open-source +allowed'
has "$tmp/out" "list has Gemma" '^LicenseRef-Gemma-Terms +model-license'
has "$tmp/out" "list has OpenAI terms" '^LicenseRef-OpenAI-Terms +api-terms'
sort -f -c <(tail -n +2 "$tmp/out" | cut -d' ' -f1) 2>/dev/null \
	&& ok "list sorted" || bad "list not sorted"
expect 0 "list as JSON" "$PEDIGREE" licenses --format json
cp "$tmp/out" "$tmp/list.json"
check "JSON list" "$tmp/list.json" \
	"r['schema_version'] == 1 and len(r['licenses']) > 50 and \
any(e['id'] == 'MIT' and e['kind'] == 'open-source' for e in r['licenses'])"

# --- one entry --------------------------------------------------------------
expect 0 "show Gemma" "$PEDIGREE" licenses LicenseRef-Gemma-Terms
has "$tmp/out" "Gemma: outputs make a derivative" \
	'Outputs used to train other models: derivative'
has "$tmp/out" "Gemma: Model Derivative explained" 'Model Derivative'
has "$tmp/out" "Gemma: distillation edge" 'distillation'
has "$tmp/out" "Gemma: use policy" 'Incorporated use policy: LicenseRef-Gemma-Prohibited-Use-Policy'
has "$tmp/out" "Gemma: sources" 'https://ai\.google\.dev/gemma/terms'
hasnt "$tmp/out" "signatures hidden" '^Signatures:'
expect 0 "show case-insensitive, verbose" \
	"$PEDIGREE" licenses licenseref-llama-3.1-community --verbose
has "$tmp/out" "Llama 3.1: MAU number" 'monthly-active-users: 700,000,000'
has "$tmp/out" "Llama 3.1: name prefix" 'name-prefix\] "Llama"'
has "$tmp/out" "Llama 3.1: Built with Llama" 'Built with Llama'
has "$tmp/out" "signatures shown" '^Signatures:'
has "$tmp/out" "markers shown" '^Markers:'
has "$tmp/out" "Llama 3.1: its title is a marker" 'LLAMA 3\.1 COMMUNITY LICENSE AGREEMENT'
expect 0 "show JSON" "$PEDIGREE" licenses LicenseRef-Llama-3-Community \
	--format=json
cp "$tmp/out" "$tmp/l3.json"
check "JSON entry" "$tmp/l3.json" \
	"r['license']['outputs'] == 'prohibited' and \
r['license']['limits'][0]['number'] == 700000000 and \
r['license']['use_policy'] == 'LicenseRef-Llama-3-AUP' and \
'META LLAMA 3 COMMUNITY LICENSE AGREEMENT' in r['license']['markers']"
expect 0 "OpenAI terms" "$PEDIGREE" licenses LicenseRef-OpenAI-Terms
has "$tmp/out" "OpenAI: no competing models" 'no-competing'

# --- unknown ids and usage errors --------------------------------------------
expect 2 "unknown id" "$PEDIGREE" licenses llama
has "$tmp/err" "unknown id message" \
	"^pedigree licenses: unknown licence 'llama'"
has "$tmp/err" "close matches" 'LicenseRef-Llama-3\.1-Community'
expect 2 "hub tag suggests its entry" "$PEDIGREE" licenses qwen-research
has "$tmp/err" "suggests Qwen research" 'LicenseRef-Qwen-Research'
expect 2 "bad format" "$PEDIGREE" licenses --format xml
expect 2 "two ids" "$PEDIGREE" licenses MIT Apache-2.0
expect 2 "unknown option" "$PEDIGREE" licenses --frobnicate
expect 0 "help" "$PEDIGREE" licenses --help
has "$tmp/out" "help text" '^usage: pedigree licenses'

# --- --kb ---------------------------------------------------------------------
mkdir "$tmp/kb"
cat >"$tmp/kb/mine.yaml" <<'YAML'
---
id: LicenseRef-Mine
name: My Licence
family: mine
kind: model-license
commercial: non-commercial
outputs: prohibited
outputs_text: Outputs may not train anything.
markers: ["My Licence"]
sources: [https://example.org/mine]
YAML
expect 0 "--kb directory" "$PEDIGREE" licenses --kb "$tmp/kb"
has "$tmp/out" "custom entry listed" '^LicenseRef-Mine +model-license +non-commercial'
hasnt "$tmp/out" "built-in entries not loaded" '^Apache-2\.0'
expect 0 "--kb file, one entry" "$PEDIGREE" licenses \
	--kb="$tmp/kb/mine.yaml" licenseref-mine
has "$tmp/out" "custom entry shown" 'Outputs may not train anything'
printf 'id: LicenseRef-Bad\nname: Bad\ncolour: red\n' >"$tmp/bad.yaml"
expect 2 "--kb invalid" "$PEDIGREE" licenses --kb "$tmp/bad.yaml"
has "$tmp/err" "error names file:line" \
	"bad\.yaml:3: entry 'LicenseRef-Bad': unknown field 'colour'"
expect 2 "--kb missing" "$PEDIGREE" licenses --kb "$tmp/none.yaml"

if [ "$fails" -ne 0 ]; then
	printf '%d check(s) failed\n' "$fails"
	exit 1
fi
