#!/usr/bin/env bash
# reports.sh - every report format on the worked sample and on a hostile
# fixture, checked by the formats' own validators and by a real browser:
#
#   sarif      Microsoft's SARIF multitool (SARIF and GitHub rules) and the
#              official SARIF 2.1.0 schema shipped with it
#   cyclonedx  the CycloneDX library's strict JSON validator (1.6)
#   spdx       tests/tools/check_spdx.py: the SPDX 3.0.1 AI and Dataset
#              profiles' required properties and JSON-LD shape
#   html       headless Chromium: rendered to PNG without console output,
#              its DOM counted against the JSON report
#   markdown   structure counted against the JSON report
#
# The npm validators are installed by ./run.sh into build/npm
# ($PEDIGREE_NODE_MODULES); Chromium is the Debian package.  A missing
# tool fails the test: run.sh installs them all.
set -euo pipefail
: "${PEDIGREE:?}" "${PEDIGREE_SOURCE_ROOT:?}"
. "$PEDIGREE_SOURCE_ROOT/tests/e2e/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
root=$PEDIGREE_SOURCE_ROOT
tools=$root/tests/tools
samples=$root/samples
modules=${PEDIGREE_NODE_MODULES:-$root/build/npm/node_modules}
multitool=$modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
sarif_schema=$modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json
# The multitool is a .NET program; without ICU it needs invariant mode.
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
chromium=$(command -v chromium || command -v chromium-browser || true)

[ -x "$multitool" ] || bad "SARIF multitool not found at $multitool: ./run.sh test installs it"
[ -f "$modules/@cyclonedx/cyclonedx-library/package.json" ] ||
	bad "@cyclonedx/cyclonedx-library not found in $modules: ./run.sh test installs it"
[ -n "$chromium" ] || bad "chromium not found: ./run.sh test installs the Debian package"
command -v node >/dev/null || bad "node not found: ./run.sh test installs nodejs"

# check WHAT CMD...: CMD succeeds.
check() {
	local what=$1
	shift
	if "$@" >"$tmp/check.out" 2>&1; then ok "$what"
	else bad "$what"; sed 's/^/  | /' "$tmp/check.out" | head -40
	fi
}
# refuse WHAT CMD...: CMD fails (a negative control: the check can fail).
refuse() {
	local what=$1
	shift
	if "$@" >"$tmp/check.out" 2>&1; then bad "$what: not refused"
	else ok "$what"
	fi
}

# browser NAME HTML: one headless Chromium run renders the page to
# $tmp/NAME.png and dumps its DOM to $tmp/NAME.dom; the browser's log,
# console messages included, goes to $tmp/NAME.err.
browser() {
	local name=$1 page=$2
	timeout 60 "$chromium" --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update \
		--disable-sync --no-first-run --user-data-dir="$tmp/profile" \
		--enable-logging=stderr --v=0 --window-size=1400,2000 \
		--screenshot="$tmp/$name.png" --dump-dom "file://$page" \
		>"$tmp/$name.dom" 2>"$tmp/$name.err" || true
}

# audit NAME WANT_EXIT [--twice] ARGS...: every format of one audit into
# $tmp/NAME.FORMAT; with --twice the formats that generate ids, times or
# a layout are written again to prove that the
# bytes do not change.
audit() {
	local name=$1 want=$2 f rc twice=0
	shift 2
	[ "$1" = --twice ] && { twice=1; shift; }
	for f in json sarif markdown html spdx cyclonedx; do
		rc=0
		"$PEDIGREE" audit --format "$f" -o "$tmp/$name.$f" "$@" \
			2>"$tmp/$name.$f.err" || rc=$?
		[ "$rc" -eq "$want" ] ||
			{ bad "$name $f: exit $rc, want $want"
			  sed 's/^/  | /' "$tmp/$name.$f.err"; }
		# json and markdown hold no generated id, time or layout.
		[ "$twice" -eq 1 ] && [ "$f" != json ] && [ "$f" != markdown ] ||
			continue
		"$PEDIGREE" audit --format "$f" -o "$tmp/$name.again" "$@" \
			2>/dev/null || true
		cmp -s "$tmp/$name.$f" "$tmp/$name.again" &&
			ok "$name $f: deterministic" ||
			bad "$name $f: two runs differ"
	done
}

# validate NAME [--text S]...: run every validator on NAME's reports.
validate() {
	local name=$1 texts=() f
	shift
	texts=("$@")
	python3 "$tools/validate_report.py" "$tmp/$name.json" >/dev/null 2>&1 ||
		bad "$name json: invalid report"
	rm -f "$tmp/$name.log"
	[ -x "$multitool" ] && "$multitool" validate "$tmp/$name.sarif" \
		-o "$tmp/$name.log" --rule-kind "Sarif;Gh" >/dev/null 2>&1
	if [ -f "$tmp/$name.log" ]; then
		check "$name sarif: SARIF 2.1.0 schema, multitool rules, findings" \
			python3 "$tools/check_reports.py" sarif "$tmp/$name.json" \
			"$tmp/$name.sarif" --schema "$sarif_schema" \
			--multitool-log "$tmp/$name.log"
	else
		bad "$name sarif: the multitool wrote no log"
	fi
	check "$name cyclonedx: CycloneDX 1.6 validator" \
		env PEDIGREE_NODE_MODULES="$modules" \
		node "$tools/validate_cyclonedx.js" "$tmp/$name.cyclonedx"
	check "$name cyclonedx: model, ancestors, data, dependencies" \
		python3 "$tools/check_reports.py" cyclonedx "$tmp/$name.json" \
		"$tmp/$name.cyclonedx"
	check "$name spdx: SPDX 3.0.1 AI and Dataset profiles" \
		python3 "$tools/check_spdx.py" "$tmp/$name.spdx"
	check "$name spdx: packages and lineage relationships" \
		python3 "$tools/check_reports.py" spdx "$tmp/$name.json" \
		"$tmp/$name.spdx"
	local targs=()
	for f in "${texts[@]}"; do targs+=(--text "$f"); done
	check "$name markdown: sections, checklist, escaping" \
		python3 "$tools/check_reports.py" markdown "$tmp/$name.json" \
		"$tmp/$name.markdown"
	if [ -n "$chromium" ]; then
		browser "$name" "$tmp/$name.html"
		check "$name html: rendered in Chromium, DOM matches the report" \
			python3 "$tools/check_reports.py" html "$tmp/$name.json" \
			"$tmp/$name.dom" --png "$tmp/$name.png" \
			--console "$tmp/$name.err" "${targs[@]}"
	fi
}

# ---- the worked sample -------------------------------------------------
demo=(--policy release
	--component "Qwen/Qwen2.5-7B-Instruct=$samples/teachers/qwen2.5-7b-instruct"
	--component "google/gemma-2-9b-it=$samples/teachers/gemma-2-9b-it"
	--component "openai/gpt-oss-20b=$samples/teachers/gpt-oss-20b"
	"$samples/avocado")
audit demo 1 --twice "${demo[@]}"
validate demo "google/gemma-2-9b-it" "carry-license"

check "demo sarif: an archive member points at the archive" python3 -c "
import json, sys
r = json.load(open(sys.argv[1]))['runs'][0]['results']
m = [x for x in r if x['properties'].get('pedigree/path', '').startswith(
     'data/avocado-chat-mix.tar.gz!/')]
assert m and all(x['locations'][0]['physicalLocation']['artifactLocation']
                 ['uri'] == 'data/avocado-chat-mix.tar.gz' for x in m)
assert all('in data/avocado-chat-mix.tar.gz!/' in x['message']['text']
           for x in m)" "$tmp/demo.sarif"
check "demo sarif: failing verdicts are errors" python3 -c "
import json, sys
r = json.load(open(sys.argv[1]))['runs'][0]['results']
assert sum(x['level'] == 'error' for x in r) == 8, 'want the 8 fails'" \
	"$tmp/demo.sarif"
check "demo cyclonedx: Gemma teacher is an ancestor under its terms" \
	python3 -c "
import json, sys
b = json.load(open(sys.argv[1]))
a = {x['name']: x for x in b['metadata']['component']['pedigree']['ancestors']}
g = a['gemma-2-9b-it']
assert g['type'] == 'machine-learning-model'
assert g['licenses'][0]['license']['name'] == 'Gemma Terms of Use'
assert any(p['value'].startswith('avocado: distillation') for p in
           g['properties'] if p['name'] == 'pedigree:derived-by')
assert b['metadata']['component']['modelCard']['modelParameters']\
['datasets'] == [{'ref': 'component:avocado-lab/avocado-chat-mix'}]" \
	"$tmp/demo.cyclonedx"
check "demo spdx: the model is concluded bound by the Gemma terms" \
	python3 -c "
import json, sys
g = json.load(open(sys.argv[1]))['@graph']
by = {x['spdxId']: x for x in g if 'spdxId' in x}
m = [x for x in g if x.get('type') == 'ai_AIPackage' and x['name'] == 'avocado'][0]
c = [x for x in g if x.get('type') == 'Relationship' and x['from'] ==
     m['spdxId'] and x['relationshipType'] == 'hasConcludedLicense'][0]
e = by[c['to'][0]]['simplelicensing_licenseExpression']
assert 'LicenseRef-Gemma-Terms' in e, e
d = [x for x in g if x.get('type') == 'Relationship' and x['from'] ==
     m['spdxId'] and x['relationshipType'] == 'descendantOf']
assert len(d) == 4, len(d)
t = [x for x in g if x.get('type') == 'Relationship' and x['from'] ==
     m['spdxId'] and x['relationshipType'] == 'trainedOn']
assert len(t) == 1" "$tmp/demo.spdx"
check "demo html: lineage graph edges for undeclared teachers are dashed" \
	python3 -c "
import sys, re
d = open(sys.argv[1]).read()
u = re.findall(r'<g class=\"edge edge-undeclared\"[^>]*>.*?</g>', d, re.S)
assert len(u) == 2 and all('stroke-dasharray' in x for x in u), len(u)" \
	"$tmp/demo.dom"

# Negative controls: each validator refuses a broken document.
python3 - "$tmp" <<'PY'
import json, sys
t = sys.argv[1]
s = json.load(open(t + '/demo.sarif'))
del s['runs'][0]['results'][0]['message']
s['runs'][0]['results'][1]['level'] = 'fatal'
json.dump(s, open(t + '/broken.sarif', 'w'))
c = json.load(open(t + '/demo.cyclonedx'))
c['components'][0]['licenses'] = [{'license': {'id': 'Not-A-Licence'}}]
json.dump(c, open(t + '/broken.cyclonedx', 'w'))
d = json.load(open(t + '/demo.spdx'))
for x in d['@graph']:
    if x.get('type') == 'dataset_DatasetPackage':
        del x['builtTime']
json.dump(d, open(t + '/broken.spdx', 'w'))
open(t + '/control.html', 'w').write(
    '<!DOCTYPE html><title>c</title><p>x</p>'
    '<script>console.error("pedigree control")</script>')
PY
refuse "a SARIF log that breaks the schema is refused" \
	python3 "$tools/check_reports.py" sarif "$tmp/demo.json" \
	"$tmp/broken.sarif" --schema "$sarif_schema"
refuse "a BOM with an unknown SPDX id is refused" \
	env PEDIGREE_NODE_MODULES="$modules" \
	node "$tools/validate_cyclonedx.js" "$tmp/broken.cyclonedx"
refuse "an SPDX dataset without builtTime is refused" \
	python3 "$tools/check_spdx.py" "$tmp/broken.spdx"
if [ -n "$chromium" ]; then
	browser control "$tmp/control.html"
	grep -q 'CONSOLE.*pedigree control' "$tmp/control.err" &&
		ok "the browser's console output is seen" ||
		bad "a console.error in a page was not seen in the browser log"
fi

# ---- several audited models, one derived from another -----------------
# The teachers passed as inputs are audited models themselves: an edge
# between two models, upstreams shared, several roots.
audit pair 1 "$samples/avocado" "$samples/teachers/gemma-2-9b-it" \
	"$samples/teachers/qwen2.5-7b-instruct"
validate pair

# An archive and a single file as inputs: located from their directory.
mkdir -p "$tmp/in"
tar -czf "$tmp/in/avocado.tar.gz" -C "$samples" avocado
cp "$samples/teachers/gemma-2-9b-it/README.md" "$tmp/in/README.md"
for f in json sarif; do
	"$PEDIGREE" audit --format "$f" -o "$tmp/packed.$f" \
		"$tmp/in/avocado.tar.gz" "$tmp/in/README.md" 2>/dev/null || true
done
rm -f "$tmp/packed.log"
[ -x "$multitool" ] && "$multitool" validate "$tmp/packed.sarif" \
	-o "$tmp/packed.log" --rule-kind "Sarif;Gh" >/dev/null 2>&1
check "packed sarif: archive and file inputs point at themselves" \
	python3 "$tools/check_reports.py" sarif "$tmp/packed.json" \
	"$tmp/packed.sarif" --schema "$sarif_schema" \
	--multitool-log "$tmp/packed.log"

# ---- time and identity -------------------------------------------------
SOURCE_DATE_EPOCH=1700000000 "$PEDIGREE" audit --format spdx \
	-o "$tmp/epoch.spdx" "${demo[@]}" 2>/dev/null || true
check "SOURCE_DATE_EPOCH sets the SPDX creation time" python3 -c "
import json, sys
g = json.load(open(sys.argv[1]))['@graph']
assert g[0]['created'] == '2023-11-14T22:13:20Z', g[0]['created']" \
	"$tmp/epoch.spdx"
check "without it the time is the epoch, never the clock" \
	grep -q '"created": "1970-01-01T00:00:00Z"' "$tmp/demo.spdx"
rc=0; SOURCE_DATE_EPOCH=yesterday "$PEDIGREE" audit --format cyclonedx \
	"${demo[@]}" >/dev/null 2>"$tmp/e.err" || rc=$?
[ "$rc" -eq 2 ] && grep -q SOURCE_DATE_EPOCH "$tmp/e.err" &&
	ok "a malformed SOURCE_DATE_EPOCH is a usage error" ||
	bad "malformed SOURCE_DATE_EPOCH: exit $rc"
check "another audit gets another serial number and namespace" python3 -c "
import json, sys
a, b = (json.load(open(p))['serialNumber'] for p in sys.argv[1:3])
assert a != b
c, d = (json.load(open(p))['@graph'][1]['spdxId'] for p in sys.argv[3:])
assert c.rsplit('/', 1)[0] != d.rsplit('/', 1)[0]" "$tmp/demo.cyclonedx" \
	"$tmp/pair.cyclonedx" "$tmp/demo.spdx" "$tmp/pair.spdx"

# ---- a hostile fixture --------------------------------------------------
# Names with markup, quotes and bytes that are not UTF-8, in the directory
# name (the component id), the model card, a base model id and file names.
evil=$tmp/$'evil<img src=x onerror=alert(1)>"q\'\xff'
mkdir -p "$evil"
cat > "$evil/README.md" <<'EOF'
---
license: other
license_name: "<b>bold</b> | pipe *star* [link](x) `tick`"
base_model: "acme/<script>alert(1)"
datasets:
- "data/\"q'<svg\tonload=alert(2)>"
---

# <script>alert(3)</script> model

A card with markup.
EOF
printf 'not a licence <script>alert(4)</script>\n' > "$evil/LICENSE"
printf '\x80\x02cos\nsystem\nq\x00.' > "$evil/"$'weights<script>\xfe.pkl'
printf '{"a": 1}\n' > "$evil/"$'con\x01fig\xc3\x28.json'
audit evil 1 "$evil"
validate evil "acme/<script>alert(1)" "\"q'<svg"
# The markup is in component ids too (a base model and a dataset the card
# names), so it reaches the graph, the tables, SPDX names and BOM names.
check "evil: hostile ids are components" python3 -c "
import json, sys
ids = [c['id'] for c in json.load(open(sys.argv[1]))['components']]
assert 'acme/<script>alert(1)' in ids, ids
assert any('<svg\tonload' in i for i in ids), ids" "$tmp/evil.json"
check "evil html: markup in names is text, never elements" python3 -c "
import sys
d = open(sys.argv[1]).read()
assert '<script>alert' not in d and '<svg\tonload' not in d
assert '<img src=x' not in d and '<b>bold' not in d
assert 'acme/&lt;script&gt;alert(1)' in d" "$tmp/evil.dom"
check "evil markdown: no raw markup" python3 -c "
import re, sys
d = open(sys.argv[1], encoding='utf-8').read()
assert not re.search(r'(?<!\\\\)[<>]', d), 'an unescaped < or >'
assert r'acme/\\<script\\>alert(1)' in d" "$tmp/evil.markdown"
check "evil reports: bytes that are not UTF-8 become U+FFFD" python3 -c "
import sys
for p in sys.argv[1:]:
    s = open(p, 'rb').read().decode('utf-8')
    assert '\ufffd' in s or '\\\\xff' in s or '\\\\xfe' in s, p" \
	"$tmp/evil.sarif" "$tmp/evil.spdx" "$tmp/evil.cyclonedx" \
	"$tmp/evil.html" "$tmp/evil.markdown"

[ "$fails" -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
