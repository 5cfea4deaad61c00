#!/usr/bin/env bash
# lineage.sh - the lineage graph, the obligations that flow along it and
# the policies that judge them, end to end through `pedigree audit`.
#
# Every fixture is written here; licence documents are stand-ins made of
# the knowledge base's short signature phrases, never licence texts.
set -euo pipefail
: "${PEDIGREE:?}" "${PEDIGREE_SOURCE_ROOT:?}"
. "$PEDIGREE_SOURCE_ROOT/tests/e2e/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
validate="$PEDIGREE_SOURCE_ROOT/tests/tools/validate_report.py"
samples="$PEDIGREE_SOURCE_ROOT/samples"

# run NAME WANT_EXIT ARGS...: audit to $tmp/NAME.json, check the exit
# status and the schema.
run() {
	local name=$1 want=$2 rc=0
	shift 2
	"$PEDIGREE" audit --format json -o "$tmp/$name.json" "$@" \
		>/dev/null 2>"$tmp/$name.err" || rc=$?
	if [ "$rc" -eq "$want" ]; then ok "$name: exit $rc"
	else bad "$name: exit $rc, want $want"; sed 's/^/  | /' "$tmp/$name.err"
	fi
	python3 "$validate" "$tmp/$name.json" >/dev/null 2>"$tmp/v.err" ||
		{ bad "$name: report invalid"; sed 's/^/  | /' "$tmp/v.err"; }
}
# check NAME WHAT EXPR: EXPR over the report holds.  F findings, R(rule),
# O obligations, Ob(upstream, what), C(id) component, E(to) edge types.
check() {
	if python3 -c "import json,sys; r=json.load(open(sys.argv[1])); \
F=r['findings']; O=r['obligations']; \
R=lambda n: [f for f in F if f['rule']==n]; \
V=lambda n: [f['verdict']['result'] for f in R(n)]; \
Ob=lambda u,w: [o for o in O if o['upstream']==u and o['obligation']==w]; \
C=lambda i: [c for c in r['components'] if c['id']==i]; \
E=lambda t: sorted(e['type'] for e in r['edges'] if e['to']==t); \
sys.exit(0 if ($3) else 1)" "$tmp/$1.json" 2>"$tmp/check.err"; then
		ok "$1: $2"
	else
		bad "$1: $2: $3"; sed 's/^/  | /' "$tmp/check.err"
		python3 -c "import json,sys; r=json.load(open(sys.argv[1])); \
[print('  |', f['rule'], f['verdict']['result'], f.get('subject'), \
f['message'][:150]) for f in r['findings'] if f['kind']=='conflict']; \
[print('  | O', o['upstream'], o['obligation'], o['status']) \
for o in r['obligations']]" "$tmp/$1.json" || true
	fi
}

python3 - "$tmp" <<'PY'
import json, os, struct, sys
T = sys.argv[1]

def put(rel, text):
    p = os.path.join(T, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, 'w', encoding='utf-8') as f:
        f.write(text)

def card(rel, front, body='Some words about the model.\n', title='Model'):
    put(rel, '---\n' + front + '---\n\n# ' + title + '\n\n' + body)

def jsonl(rel, records):
    put(rel, ''.join(json.dumps(r) + '\n' for r in records))

# A well-kept Llama 3.1 finetune: name prefix, attribution, notice and a
# licence file carrying the agreement's signature phrases.
llama_front = ('license: llama3.1\nbase_model: meta-llama/Llama-3.1-8B-Instruct\n'
               'base_model_relation: finetune\n')
card('llama-good/README.md', llama_front,
     'Built with Llama. Our support assistant, fine-tuned for tickets.\n',
     'Llama-3.1-Acme-Support')
put('llama-good/LICENSE', 'LLAMA 3.1 COMMUNITY LICENSE AGREEMENT\n\n'
    'Llama 3.1 Version Release Date: July 23, 2024\n\n'
    '(The full agreement ships with the weights; this stand-in names it.)\n'
    'You shall prominently display Built with Llama, and include Llama at '
    'the beginning of any such AI model name.\n')
put('llama-good/NOTICE', 'Llama 3.1 is licensed under the Llama 3.1 '
    'Community License, Copyright (c) Meta Platforms, Inc. All Rights '
    'Reserved.\n')
put('llama-good/USE_POLICY.md', 'This model follows the Llama 3.1 '
    'Acceptable Use Policy: https://llama.meta.com/llama3_1/use-policy\n')

# The same model relabelled Apache-2.0 and renamed: every Llama duty breaks.
card('llama-bad/README.md', 'license: apache-2.0\n'
     'base_model: meta-llama/Llama-3.1-8B-Instruct\n'
     'base_model_relation: finetune\n', 'Our support assistant.\n',
     'Acme-Support-8B')

# A student whose base is Qwen2.5-3B (research licence), with CC-BY-NC data.
card('qwen3b/README.md', 'license: other\nlicense_name: acme\n'
     'base_model: Qwen/Qwen2.5-3B-Instruct\nbase_model_relation: finetune\n',
     'Fine-tuned from Qwen/Qwen2.5-3B-Instruct.\n', 'Acme-3B')

# Training data passed with --dataset: CC-BY-NC, with gpt-4o records.
card('nc-data/README.md', 'license: cc-by-nc-4.0\n'
     'annotations_creators:\n- machine-generated\n', 'A chat dataset.\n',
     'nc-data')
jsonl('nc-data/train.jsonl', [
    {'model': 'gpt-4o', 'messages': [
        {'role': 'user', 'content': 'Hi'},
        {'role': 'assistant', 'content': 'Hello! How can I help?'}]}
    for _ in range(20)])

# Llama 3 (not 3.1) outputs used to train a model outside the family.
card('l3-student/README.md', 'license: mit\n',
     'A small MIT model trained on synthetic chats.\n', 'Tiny-Chat')
jsonl('l3-student/data/chats.jsonl', [
    {'generator': 'Meta-Llama-3-70B-Instruct', 'instruction': 'Say hi',
     'output': 'Hi there!'} for _ in range(10)])

# Qwen self-identifications with no model named anywhere: the checkpoint
# (and so the licence) is unknown.
card('qwen-unknown/README.md', 'license: mit\n', 'Trained on chats.\n',
     'Mystery-Chat')
jsonl('qwen-unknown/data/chats.jsonl', [
    {'conversations': [
        {'from': 'human', 'value': 'Who are you?'},
        {'from': 'gpt', 'value': 'I am Qwen, created by Alibaba Cloud.'}]}
    for _ in range(10)])

# An unknown custom licence, to be pinned by a clarification.
card('custom/README.md', 'license: other\nlicense_name: acme-weights\n',
     'Our own model.\n', 'Acme-Own')
put('custom/LICENSE', 'Acme Weights Licence\n\nYou may run these weights '
    'inside your organisation. You may not hand them to anyone else.\n')
PY

# ---- the worked sample, with its teachers' local folders -------------
teachers=(--component "Qwen/Qwen2.5-7B-Instruct=$samples/teachers/qwen2.5-7b-instruct"
	--component "google/gemma-2-9b-it=$samples/teachers/gemma-2-9b-it"
	--component "openai/gpt-oss-20b=$samples/teachers/gpt-oss-20b")
run avocado 1 --policy release "${teachers[@]}" "$samples/avocado"
check avocado "components and roles" "C('google/gemma-2-9b-it')[0]['role']==\
'teacher' and C('Qwen/Qwen2.5-7B-Instruct')[0]['role']=='base' and \
C('avocado-lab/avocado-chat-mix')[0]['role']=='dataset' and \
C('gpt-4o')[0]['role']=='teacher'"
check avocado "teacher licence from its local card" "C('google/gemma-2-9b-it')\
[0]['licenses'][0]['id']=='LicenseRef-Gemma-Terms' and \
C('google/gemma-2-9b-it')[0]['licenses'][0]['origin']=='model card' and \
C('google/gemma-2-9b-it')[0]['source'].endswith('gemma-2-9b-it')"
check avocado "edges of each teacher" "E('google/gemma-2-9b-it')==\
['distillation','trained-on-outputs'] and E('gpt-4o')==['trained-on-outputs'] \
and 'finetune' in E('Qwen/Qwen2.5-7B-Instruct')"
check avocado "Gemma derivative must carry the Gemma terms" \
"Ob('google/gemma-2-9b-it','carry-license')[0]['status']=='conflict' and \
V('license.incompatible')==['fail']"
check avocado "Gemma notice checked, not assumed" \
"Ob('google/gemma-2-9b-it','notice-file')[0]['status']=='unmet' and \
Ob('google/gemma-2-9b-it','notice-file')[0]['value']==\
'provided under and subject to the Gemma Terms of Use'"
check avocado "use restrictions must be passed on" \
"Ob('google/gemma-2-9b-it','pass-use-restrictions')[0]['status']=='unmet'"
check avocado "API outputs in a competing model fail" \
"Ob('gpt-4o','no-competing')[0]['status']=='conflict' and \
V('terms.competing-use')==['fail']"
check avocado "undeclared teachers named" "sorted(f['subject'] for f in \
R('lineage.undeclared'))==['google/gemma-2-9b-it','gpt-4o'] and \
set(V('lineage.undeclared'))=={'fail'}"
check avocado "declared teacher not flagged" "not [f for f in \
R('lineage.undeclared') if f['subject']=='openai/gpt-oss-20b']"
check avocado "gpt-oss outputs carry no terms" \
"Ob('openai/gpt-oss-20b','outputs-unrestricted')[0]['status']=='met'"
check avocado "dataset credited in the card" \
"Ob('avocado-lab/avocado-chat-mix','give-credit')[0]['status']=='met'"
check avocado "evidence of the conflict cites the data" "any('evidence' in \
f['properties'] and f['properties']['evidence'] for f in \
R('terms.competing-use'))"
check avocado "verdict reasons cite the policy" "all('release' in \
f['verdict']['reason'] for f in R('license.incompatible'))"

# The fingerprint test's verdicts are lineage evidence: each positive
# candidate's edge cites it, beside the weights metadata.
run avocado-fp 1 --policy release "${teachers[@]}" --fingerprint \
	"$samples/avocado/fingerprint/manifest.yaml" "$samples/avocado"
check avocado-fp "fingerprint verdicts are findings on each teacher" \
"sorted(f['subject'] for f in R('fingerprint.distilled-from'))==\
['Qwen/Qwen2.5-7B-Instruct','google/gemma-2-9b-it','openai/gpt-oss-20b']"
check avocado-fp "the distillation edge cites the fingerprint" "all(any(\
v['rule']=='fingerprint.distilled-from' for v in e['evidence']) for e in \
r['edges'] if e['type']=='distillation')"
check avocado-fp "the undeclared Gemma teacher still fails" \
"'google/gemma-2-9b-it' in [f['subject'] for f in R('lineage.undeclared')]"

run avocado-default 1 "$samples/avocado"
check avocado-default "no intent: competing use is for review" \
"Ob('gpt-4o','no-competing')[0]['status']=='review' and \
V('terms.competing-use')==['warn']"
run avocado-research 1 --policy research-only "$samples/avocado"
check avocado-research "research release does not compete" \
"Ob('gpt-4o','no-competing')[0]['status']=='met' and not \
R('terms.competing-use')"

# ---- Llama 3.1 duties --------------------------------------------------
run llama-good 0 --policy release "$tmp/llama-good"
check llama-good "every Llama 3.1 duty met" "all(o['status'] in \
('met','review') for o in O if o['license']==\
'LicenseRef-Llama-3.1-Community') and Ob('meta-llama/Llama-3.1-8B-Instruct',\
'name-prefix')[0]['status']=='met' and \
Ob('meta-llama/Llama-3.1-8B-Instruct','notice-file')[0]['status']=='met' \
and Ob('meta-llama/Llama-3.1-8B-Instruct','display-attribution')[0]\
['status']=='met'"
check llama-good "user threshold compared with the policy" \
"Ob('meta-llama/Llama-3.1-8B-Instruct','monthly-active-users')[0]\
['status']=='met'"
run llama-bad 1 --policy release "$tmp/llama-bad"
check llama-bad "Apache label on a Llama finetune conflicts" \
"Ob('meta-llama/Llama-3.1-8B-Instruct','carry-license')[0]['status']==\
'conflict'"
check llama-bad "name must begin with Llama" \
"'Acme-Support-8B' in Ob('meta-llama/Llama-3.1-8B-Instruct','name-prefix')\
[0]['note']"
check llama-bad "Built with Llama missing" \
"Ob('meta-llama/Llama-3.1-8B-Instruct','display-attribution')[0]['status']\
=='unmet'"

# ---- checkpoint licences, non-commercial inputs -------------------------
run qwen3b 1 --policy release --dataset "$tmp/nc-data" "$tmp/qwen3b"
check qwen3b "Qwen2.5-3B is research-only" "C('Qwen/Qwen2.5-3B-Instruct')[0]\
['licenses'][0]['id']=='LicenseRef-Qwen-Research' and \
V('license.non-commercial')[:1]==['fail']"
check qwen3b "denied licence in the lineage" "any(f['subject']==\
'LicenseRef-Qwen-Research' for f in R('policy.license-denied'))"
check qwen3b "--dataset licence flows to the model" "any(o['upstream']==\
'nc-data' and o['obligation']=='purpose' and o['status']=='conflict' \
for o in O)"
check qwen3b "--dataset records are trained-on-outputs" \
"E('gpt-4o')==['trained-on-outputs']"
run qwen3b-research 1 --policy research-only --dataset "$tmp/nc-data" \
	"$tmp/qwen3b"
check qwen3b-research "research use of research inputs is allowed" \
"not R('license.non-commercial') and not R('policy.license-denied') and \
Ob('Qwen/Qwen2.5-3B-Instruct','purpose')[0]['status']=='met'"
check qwen3b-research "but the research licence's notices still hold" \
"Ob('Qwen/Qwen2.5-3B-Instruct','notice-file')[0]['status']=='unmet'"

run l3-student 1 "$tmp/l3-student"
check l3-student "Llama 3 outputs may not improve other models" \
"Ob('Meta-Llama-3-70B-Instruct','outputs-prohibited')[0]['status']==\
'conflict' and V('terms.outputs-prohibited')==['fail']"

run qwen-unknown 0 "$tmp/qwen-unknown"
check qwen-unknown "unknown checkpoint asks for review" \
"C('alibaba-qwen')[0]['license_candidates'] and \
Ob('alibaba-qwen','identify-checkpoint')[0]['status']=='review'"

# ---- exceptions ---------------------------------------------------------
cat > "$tmp/excepted.yaml" <<'EOF'
policy: excepted
version: 1
intended_use:
  competes_with: ["*"]
rules:
  terms.*: fail
exceptions:
  - rule: terms.competing-use
    subject: LicenseRef-OpenAI-Terms
    reason: the API data was licensed separately under a written agreement
    approved_by: legal@avocado.example
    expires: 2999-12-31
EOF
sed 's/2999-12-31/2000-01-31/' "$tmp/excepted.yaml" > "$tmp/expired.yaml"
run excepted 1 --policy "$tmp/excepted.yaml" "$samples/avocado"
check excepted "exception passes the finding, with who and why" \
"V('terms.competing-use')==['pass'] and 'legal@avocado.example' in \
R('terms.competing-use')[0]['verdict']['reason']"
run expired 1 --policy "$tmp/expired.yaml" "$samples/avocado"
check expired "expired exception fails with a clear message" \
"V('terms.competing-use')==['fail'] and 'exception expired on 2000-01-31' \
in R('terms.competing-use')[0]['verdict']['reason']"

# ---- clarifications -----------------------------------------------------
hash=$("$PEDIGREE" policy hash "$tmp/custom/LICENSE" | cut -d' ' -f1)
cat > "$tmp/clarify.yaml" <<EOF
policy: clarify
version: 1
clarify:
  - path: LICENSE
    hash: $hash
    license: LicenseRef-Acme-Weights
    reason: our own licence, reviewed by legal
EOF
run clarified 0 --policy "$tmp/clarify.yaml" "$tmp/custom"
check clarified "licence pinned by hash" "[f['subject'] for f in \
R('license.clarified')]==['LicenseRef-Acme-Weights'] and not \
R('license.unknown')"
printf 'One more sentence.\n' >> "$tmp/custom/LICENSE"
run clarify-void 0 --policy "$tmp/clarify.yaml" "$tmp/custom"
check clarify-void "a changed file voids the clarification" \
"R('policy.clarification-void') and R('license.unknown') and not \
R('license.clarified')"

# ---- allow lists ---------------------------------------------------------
cat > "$tmp/allow.yaml" <<'EOF'
policy: apache-only
version: 1
licenses:
  allow: [Apache-2.0, MIT, "CC-BY-4.0", "LicenseRef-OpenAI-*",
          "LicenseRef-gpt-oss-*"]
EOF
run allow 1 --policy "$tmp/allow.yaml" "$samples/avocado"
check allow "Gemma teacher not on the allow list" "[f['subject'] for f in \
R('policy.license-not-allowed')]==['LicenseRef-Gemma-Terms']"

# ---- pedigree policy ------------------------------------------------------
rc=0; "$PEDIGREE" policy check release research-only default \
	"$tmp/excepted.yaml" >/dev/null || rc=$?
[ "$rc" -eq 0 ] && ok "policy check: built-ins and a file are valid" ||
	bad "policy check: exit $rc"
rc=0; "$PEDIGREE" policy check "$tmp/expired.yaml" >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 1 ] && ok "policy check: expired exception exits 1" ||
	bad "policy check expired: exit $rc"
printf 'policy: p\nversion: 1\nrules:\n  terms.*: fial\n' > "$tmp/bad1.yaml"
printf 'policy: p\nversion: 1\nexceptions:\n  - rule: x\n    reason: r\n    approved_by: a\n    expires: 2026-02-30\n' > "$tmp/bad2.yaml"
printf 'policy: p\nversion: 1\nintended_use:\n  competes_with: [opnai]\n' > "$tmp/bad3.yaml"
printf 'policy: p\nversion: 1\nexceptions:\n  - rule: x\n    approved_by: a\n    expires: 2026-02-01\n' > "$tmp/bad4.yaml"
printf 'policy: p\nversion: 1\nclarify:\n  - path: LICENSE\n    hash: abc\n    license: MIT\n' > "$tmp/bad5.yaml"
printf 'policy: p\nversion: 1\ncolour: red\n' > "$tmp/bad6.yaml"
for case in "bad1.yaml:4: bad action 'fial'" \
	"bad2.yaml:7: expires must be a date" \
	"bad3.yaml:4: competes_with: unknown provider 'opnai'" \
	"bad4.yaml:4: exception: 'reason' is required" \
	"bad5.yaml:5: hash must be" \
	"bad6.yaml:3: policy: unknown key 'colour'"; do
	f=${case%%:*}
	rc=0; "$PEDIGREE" policy check "$tmp/$f" >/dev/null 2>"$tmp/p.err" ||
		rc=$?
	if [ "$rc" -eq 2 ] && grep -qF "$case" "$tmp/p.err"; then
		ok "policy check: $case"
	else
		bad "policy check $f: exit $rc, want 2 and '$case'"
		sed 's/^/  | /' "$tmp/p.err"
	fi
done
rc=0; "$PEDIGREE" audit --policy "$tmp/bad1.yaml" "$tmp/custom" \
	>/dev/null 2>"$tmp/p.err" || rc=$?
[ "$rc" -eq 2 ] && grep -q "bad1.yaml:4" "$tmp/p.err" &&
	ok "audit --policy with a bad policy exits 2" ||
	bad "audit bad policy: exit $rc"
rc=0; "$PEDIGREE" audit --component nonsense "$tmp/custom" \
	>/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] && ok "--component without = is a usage error" ||
	bad "--component: exit $rc"

# ---- text report --------------------------------------------------------
"$PEDIGREE" audit --policy release "${teachers[@]}" "$samples/avocado" \
	> "$tmp/avocado.txt" || true
for want in "policy release" "-- lineage --" "-- obligations --" \
	"NOT declared in the model card" "CONFLICT  carry-license" \
	"verdict: fail (policy release: rule terms.*: fail)"; do
	grep -qF -- "$want" "$tmp/avocado.txt" && ok "text report: $want" ||
		bad "text report lacks '$want'"
done

[ "$fails" -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
