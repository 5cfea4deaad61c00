#!/usr/bin/env bash
# dataset-origin.sh - the dataset-origin plugin end to end: phrases with
# curly, escaped and straight apostrophes, escaped newlines and odd case;
# ShareGPT and OpenAI `messages` records; metadata fields naming the model;
# records counted once however many phrases they hold; a member of a
# tar.gz; CSV with a header; and the worked sample's counts
# (samples/README.md).  Long lines, compressed shards and bad input:
# dataset-scan.sh.
set -euo pipefail
: "${PEDIGREE:?}" "${PEDIGREE_SOURCE_ROOT:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
. "$(dirname "$0")/lib.sh"

if ! "$PEDIGREE" plugins 2>/dev/null | grep -q dataset-origin; then
	echo "1..0 # SKIP dataset-origin plugin not built (no libhs)"
	exit 77
fi

# audit NAME: audit $tmp/NAME into $tmp/NAME.json, with a watchdog.
audit() {
	local rc=0
	timeout 60 "$PEDIGREE" audit --format json -o "$tmp/$1.json" \
		"$tmp/$1" 2>"$tmp/$1.err" || rc=$?
	if [ "$rc" -gt 1 ]; then
		bad "audit $1: exit $rc"; sed 's/^/  | /' "$tmp/$1.err"
	fi
}
# check REPORT DESCRIPTION EXPR: EXPR over the plugin's findings.
# gen(file, provider) is the dataset.generated-by finding for a file
# whose path ends with `file` (None if absent), props(f) its properties.
check() {
	if python3 - "$1" "$3" <<'PY'; then ok "$2"
import json, sys
r = json.load(open(sys.argv[1]))
fs = [f for f in r['findings'] if f.get('plugin') == 'dataset-origin']
def c(rule):
    return [f for f in fs if f['rule'] == rule]
def gen(path, prov):
    l = [f for f in c('dataset.generated-by')
         if f['evidence']['path'].endswith(path) and f['subject'] == prov]
    assert len(l) <= 1, l
    return l[0]['properties'] if l else None
def provs(path):
    return sorted(f['subject'] for f in c('dataset.generated-by')
                  if f['evidence']['path'].endswith(path))
def lines(p):
    return [s['record'] for s in p['samples']]
def lin(prov):
    return [f for f in c('dataset.trained-on-outputs')
            if f['properties']['provider'] == prov]
try:
    good = eval(sys.argv[2])
except Exception as e:
    print('  |', repr(e)); good = False
if not good:
    for f in fs:
        print('  |', json.dumps(f))
sys.exit(0 if good else 1)
PY
	else bad "$2: $3"; fi
}

mkdir -p "$tmp/mix/sub"
python3 - "$tmp/mix" <<'PY'
import json, os, sys
d = sys.argv[1]
def rec(text):
    return json.dumps({"instruction": "q", "output": text})
plain = [
    rec("As an AI language model, I cannot browse."),
    # two phrases, one record
    rec("As an AI language model developed by OpenAI... I am ChatGPT."),
    json.dumps({"output": "I\u2019m Gemma, happy to help."},
               ensure_ascii=False),               # raw curly apostrophe
    rec("Hi! I\u2019m Qwen."),                    # \u2019 escape
    rec("AS AN AI\nLANGUAGE   MODEL I must decline."),  # \n escape
    rec("i am qwen, created by alibaba cloud"),
    rec("Sourdough needs time."),
    rec("An AI language model is a program."),    # not a self-claim
    rec("I'm Gemmaish? no: I'm Gemmas"),          # word boundary
    rec("Plain."),
]
open(os.path.join(d, "plain.jsonl"), "w").write("\n".join(plain) + "\n\n")
sg = []
for i in range(4):
    v = ("I am Claude, an AI assistant created by Anthropic." if i % 2
         else "Bread rises.")
    sg.append(json.dumps({"id": i, "conversations": [
        {"from": "human", "value": "who are you?"},
        {"from": "gpt", "value": v}]}))
open(os.path.join(d, "sharegpt.jsonl"), "w").write("\n".join(sg) + "\n")
oa = []
for i in range(5):
    oa.append(json.dumps({"model": "gpt-4o", "messages": [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "Hello."}]}))
oa.append(json.dumps({"model": "gpt-4o-mini", "messages": []}))
oa.append(json.dumps({"model": "claude-3-5-sonnet-20241022",
                      "messages": []}))
for i in range(2):
    oa.append(json.dumps({"metadata": {"generator":
        "meta-llama/Llama-3.1-70B-Instruct"}, "text": "x"}))
oa.append(json.dumps({"model": "my-own-model", "text": "y"}))
open(os.path.join(d, "openai.jsonl"), "w").write("\n".join(oa))  # no final \n
open(os.path.join(d, "rows.csv"), "w").write(
    "prompt,response\n"
    "a,\"As an AI language model, no.\"\n"
    "b,fine\n"
    "c,\"I am Grok, built by xAI\"\n")
PY
mkdir -p "$tmp/tarsrc/inner"
cp "$tmp/mix/plain.jsonl" "$tmp/tarsrc/inner/plain.jsonl"
tar czf "$tmp/mix/sub/pack.tar.gz" -C "$tmp/tarsrc" inner
audit mix
R="$tmp/mix.json"
check "$R" "plain: records, not matches" \
	"gen('/plain.jsonl','openai')['records'] == 3 and \
	 gen('/plain.jsonl','openai')['records_total'] == 10 and \
	 abs(gen('/plain.jsonl','openai')['share'] - 0.3) < 1e-9"
check "$R" "plain: sample lines and offsets" \
	"lines(gen('/plain.jsonl','openai')) == [1, 2, 5] and \
	 gen('/plain.jsonl','openai')['samples'][0]['offset'] == 0 and \
	 gen('/plain.jsonl','openai')['evidence'] == ['self-identification']"
check "$R" "plain: curly apostrophe, \\u2019 escape, case" \
	"lines(gen('/plain.jsonl','alibaba-qwen')) == [4, 6] and \
	 lines(gen('/plain.jsonl','google-gemma')) == [3]"
check "$R" "plain: only three providers" \
	"provs('/plain.jsonl') == ['alibaba-qwen', 'google-gemma', 'openai']"
check "$R" "plain: terms from the knowledge base" \
	"'LicenseRef-OpenAI-Terms' in gen('/plain.jsonl','openai')['terms'] \
	 and 'LicenseRef-Gemma-Terms' in \
	 gen('/plain.jsonl','google-gemma')['terms']"
check "$R" "sharegpt: Claude in 2 of 4" \
	"gen('sharegpt.jsonl','anthropic')['records'] == 2 and \
	 gen('sharegpt.jsonl','anthropic')['records_total'] == 4"
check "$R" "openai messages: metadata model field" \
	"gen('openai.jsonl','openai')['records'] == 6 and \
	 gen('openai.jsonl','openai')['model'] == 'gpt-4o' and \
	 gen('openai.jsonl','openai')['evidence'] == ['metadata-field'] and \
	 gen('openai.jsonl','openai')['records_total'] == 10"
check "$R" "openai messages: claude and nested llama generator" \
	"gen('openai.jsonl','anthropic')['records'] == 1 and \
	 gen('openai.jsonl','meta-llama')['records'] == 2 and \
	 gen('openai.jsonl','meta-llama')['model'] == \
	 'meta-llama/Llama-3.1-70B-Instruct'"
check "$R" "tar.gz member: same counts as the file" \
	"gen('pack.tar.gz!/inner/plain.jsonl','openai')['records'] == 3 and \
	 lines(gen('pack.tar.gz!/inner/plain.jsonl','alibaba-qwen')) \
	 == [4, 6]"
check "$R" "csv: header not a record" \
	"gen('rows.csv','openai')['records_total'] == 3 and \
	 gen('rows.csv','openai')['records'] == 1 and \
	 gen('rows.csv','xai')['records'] == 1"
check "$R" "lineage: one edge per provider over all files" \
	"len(lin('openai')) == 1 and lin('openai')[0]['subject'] == \
	 'gpt-4o' and lin('openai')[0]['properties']['records'] == 3+3+6+1 \
	 and lin('openai')[0]['kind'] == 'lineage'"
check "$R" "no input problems" "c('dataset.line-too-long') == []"

# The worked sample: counts from samples/README.md.
"$PEDIGREE" audit --format json -o "$tmp/avocado.json" \
	"$PEDIGREE_SOURCE_ROOT/samples/avocado" 2>"$tmp/avocado.err" || true
A="$tmp/avocado.json"
tot() {
	printf "sum(f['properties']['records_self_identification'] for f in \
c('dataset.generated-by') if f['subject'] == '%s')" "$1"
}
check "$A" "avocado: self-identifications per README" \
	"$(tot alibaba-qwen) == 16 and $(tot openai) == 16 and \
	 $(tot google-gemma) == 19"
check "$A" "avocado: per-file counts" \
	"gen('api/chat-000.jsonl','openai')['records'] == 90 and \
	 gen('api/chat-000.jsonl','openai')['model'] == 'gpt-4o' and \
	 gen('sharegpt-000.jsonl','alibaba-qwen')['records'] == 12 and \
	 gen('extra/shard-003.jsonl','google-gemma')['records'] == 8 and \
	 gen('teacher/gemma-000.jsonl','google-gemma')['model'] == \
	 'gemma-2-9b-it' and \
	 gen('teacher/gemma-000.jsonl','google-gemma')['records'] == 50 and \
	 gen('gpt-oss-000.jsonl','openai-gpt-oss')['records'] == 30 and \
	 provs('human/seed-000.jsonl') == []"
check "$A" "avocado: lineage edges" \
	"sorted(f['subject'] for f in c('dataset.trained-on-outputs')) == \
	 ['alibaba-qwen', 'gemma-2-9b-it', 'gpt-4o', 'gpt-oss-20b'] and \
	 lin('google-gemma')[0]['evidence']['path'].endswith( \
	 'teacher/gemma-000.jsonl') and \
	 lin('google-gemma')[0]['properties']['records'] == 64"
check "$A" "avocado: no input findings" \
	"[f for f in fs if f['kind'] == 'input'] == []"

# scan-data: the same findings, alone.
if "$PEDIGREE" scan-data "$tmp/mix" >"$tmp/sd.txt" 2>&1 &&
   grep -q 'plain.jsonl: 3 of 10 records (30.0%) look generated by OpenAI' \
	"$tmp/sd.txt" && ! grep -q 'model-card\|example\.' "$tmp/sd.txt"
then ok "scan-data: text"
else bad "scan-data: text"; sed 's/^/  | /' "$tmp/sd.txt"; fi
"$PEDIGREE" scan-data -f json -o "$tmp/sd.json" "$tmp/mix" || true
if python3 - "$tmp/sd.json" <<'PY'; then ok "scan-data: json"
import json, sys
r = json.load(open(sys.argv[1]))
o = {x['provider']: x for x in r['origins']}
g = [s for s in r['shards'] if s['path'] == 'plain.jsonl']
sys.exit(0 if len(g) == 1 and r['records'] == 10 + 4 + 10 + 3 + 10 and
         o['openai']['records'] == 3 + 6 + 1 + 3 and
         o['openai']['model'] == 'gpt-4o' and
         [x['records'] for x in g[0]['origins']
          if x['provider'] == 'openai'] == [3] else 1)
PY
else bad "scan-data: json"; fi
rc=0; "$PEDIGREE" scan-data "$tmp/missing" 2>/dev/null || rc=$?
if [ "$rc" -eq 2 ]; then ok "scan-data: missing path exits 2"
else bad "scan-data: missing path exits $rc"; fi

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
