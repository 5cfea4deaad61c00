#!/usr/bin/env bash
# model-card.sh - the model-card plugin end to end: licence tags mapped
# through the knowledge base, base models with their relation, datasets,
# unknown and missing licences, malformed front matter, an alias bomb
# (refused fast), a dataset card inside a tar.gz, and the worked sample.
set -euo pipefail
: "${PEDIGREE:?}" "${PEDIGREE_SOURCE_ROOT:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
. "$(dirname "$0")/lib.sh"

# card NAME: write stdin to $tmp/NAME/README.md.
card() { mkdir -p "$tmp/$1"; cat > "$tmp/$1/README.md"; }
# audit NAME: audit $tmp/NAME into $tmp/NAME.json, with a watchdog.
audit() {
	local rc=0
	timeout 20 "$PEDIGREE" audit --format json -o "$tmp/$1.json" \
		"$tmp/$1" 2>"$tmp/$1.err" || rc=$?
	if [ "$rc" -gt 1 ]; then
		bad "audit $1: exit $rc"; sed 's/^/  | /' "$tmp/$1.err"
	fi
}
# check NAME DESCRIPTION EXPR: EXPR over the report of NAME; c(rule)
# lists the plugin's findings with that rule, one(rule) the only one.
check() {
	if python3 - "$tmp/$1.json" "$3" <<'PY'; then ok "$1: $2"
import json, sys
r = json.load(open(sys.argv[1]))
fs = [f for f in r['findings'] if f.get('plugin') == 'model-card']
def c(rule):
    return [f for f in fs if f['rule'] == rule]
def one(rule):
    l = c(rule)
    assert len(l) == 1, (rule, l)
    return l[0]
def line(f):
    return f['evidence']['line_start']
try:
    good = eval(sys.argv[2])
except Exception as e:
    print('  |', repr(e)); good = False
if not good:
    for f in fs:
        print('  |', json.dumps(f))
sys.exit(0 if good else 1)
PY
	else bad "$1: $2: $3"; fi
}

card llama <<'C'
---
license: llama3.1
base_model:
- meta-llama/Llama-3.1-8B
- meta-llama/Llama-3.1-8B-Instruct
base_model_relation: merge
datasets:
  - org/one
  - org/two
---
# A merge
C
audit llama
check llama "llama3.1 mapped" \
  "one('card.license')['subject']=='LicenseRef-Llama-3.1-Community' and \
line(one('card.license'))==2 and one('card.license')['severity']=='info' \
and one('card.license')['properties']['tag']=='llama3.1'"
check llama "two base models, merge, key line" \
  "[f['subject'] for f in c('card.base-model')]==['meta-llama/Llama-3.1-8B',\
'meta-llama/Llama-3.1-8B-Instruct'] and all(f['kind']=='lineage' and \
f['properties']['relation']=='merge' and line(f)==3 and \
f['properties']['declared_in']=='model-card' for f in c('card.base-model'))"
check llama "datasets" \
  "[f['subject'] for f in c('card.dataset')]==['org/one','org/two'] and \
all(line(f)==7 and f['properties']['relation']=='dataset' \
for f in c('card.dataset'))"

card qwen <<'C'
---
# a comment line
license: other
license_name: tongyi-qianwen
license_link: https://example.invalid/LICENSE
base_model: Qwen/Qwen-7B
---
C
audit qwen
check qwen "other + license_name mapped" \
  "one('card.license')['subject']=='LicenseRef-Tongyi-Qianwen' and \
line(one('card.license'))==3 and \
one('card.license')['properties']['license_name']=='tongyi-qianwen'"
check qwen "base model without relation" \
  "one('card.base-model')['subject']=='Qwen/Qwen-7B' and \
one('card.base-model')['properties']['relation'] is None"

card multi <<'C'
---
license:
- apache-2.0
- mit
---
C
audit multi
check multi "a list of licences" \
  "sorted(f['subject'] for f in c('card.license'))==['Apache-2.0','MIT']"

card unknown <<'C'
---
tags: [a, b]
license: frobnicate-1.0
---
C
audit unknown
check unknown "unknown tag is a warning" \
  "one('card.license-unknown')['subject']=='LicenseRef-unknown' and \
one('card.license-unknown')['severity']=='warning' and \
one('card.license-unknown')['properties']['tag']=='frobnicate-1.0' and \
line(one('card.license-unknown'))==3 and not c('card.license')"

card nolicense <<'C'
---
pipeline_tag: text-generation
library_name: transformers
---
C
audit nolicense
check nolicense "no licence" \
  "one('card.no-license')['severity']=='warning' and \
one('card.no-license')['kind']=='license' and \
one('card.metadata')['properties']['library_name']=='transformers'"

card nofm <<'C'
# Just a heading

No front matter here.
C
audit nofm
check nofm "no front matter" \
  "one('card.no-front-matter')['severity']=='info' and \
one('card.no-front-matter')['kind']=='metadata' and len(fs)==1"

card malformed <<'C'
---
license: apache-2.0
datasets: [a, b
base_model: x
---
C
audit malformed
check malformed "malformed YAML" \
  "one('card.front-matter-invalid')['kind']=='input' and \
one('card.front-matter-invalid')['severity']=='warning' and \
line(one('card.front-matter-invalid'))>=3 and len(fs)==1"

card notamap <<'C'
---
- just
- a list
---
C
audit notamap
check notamap "front matter that is not a mapping" \
  "one('card.front-matter-invalid')['kind']=='input'"

# An alias bomb: ten levels, each nine references to the one below.
python3 - "$tmp" <<'PY'
import os, sys
d = os.path.join(sys.argv[1], 'bomb')
os.makedirs(d)
lines = ['---', 'license: mit', 'a0: &a0 [x,x,x,x,x,x,x,x,x]']
for i in range(1, 10):
    lines.append('a%d: &a%d [%s]' % (i, i, ','.join(['*a%d' % (i - 1)] * 9)))
lines += ['---', '']
open(os.path.join(d, 'README.md'), 'w').write('\n'.join(lines))
PY
# audit's watchdog, not a timing: expanding the aliases (9^10 nodes) would
# not finish within it, however fast the machine.
audit bomb
check bomb "alias bomb refused" \
  "line(one('card.front-matter-invalid'))==3 and \
'alias' in one('card.front-matter-invalid')['message']"

# Deep nesting is bounded too.
python3 - "$tmp" <<'PY'
import os, sys
d = os.path.join(sys.argv[1], 'deep')
os.makedirs(d)
open(os.path.join(d, 'README.md'), 'w').write(
    '---\nlicense: mit\nx: ' + '[' * 5000 + ']' * 5000 + '\n---\n')
PY
audit deep
check deep "deep nesting refused" \
  "'deeply' in one('card.front-matter-invalid')['message']"

# A dataset card inside a tar.gz beside a model card.
card archived <<'C'
---
license: apache-2.0
---
C
mkdir -p "$tmp/ds/mix"
printf -- '---\npretty_name: Mix\nlicense: cc-by-4.0\n---\n# Mix\n' \
	> "$tmp/ds/mix/README.md"
printf '{"text": "hi"}\n' > "$tmp/ds/mix/shard.jsonl"
tar -czf "$tmp/archived/mix.tar.gz" -C "$tmp/ds" mix
audit archived
check archived "dataset card licence" \
  "one('card.dataset-license')['subject']=='CC-BY-4.0' and \
one('card.dataset-license')['evidence']['path']=='mix.tar.gz!/mix/README.md' \
and one('card.dataset-license')['properties']['card_of']=='dataset' and \
line(one('card.dataset-license'))==3"
check archived "model card licence unaffected" \
  "one('card.license')['subject']=='Apache-2.0' and \
one('card.license')['evidence']['path']=='README.md'"

# The worked sample.
cd "$PEDIGREE_SOURCE_ROOT"
rc=0
"$PEDIGREE" audit --format json -o "$tmp/avocado.json" samples/avocado || rc=$?
[ "$rc" -le 1 ] || bad "avocado: audit exit $rc"
check avocado "other/avocado-proprietary is unknown" \
  "one('card.license-unknown')['subject']=='LicenseRef-unknown' and \
one('card.license-unknown')['properties']['license_name']==\
'avocado-proprietary' and one('card.license-unknown')['severity'] in \
('warning','info')"
check avocado "fine-tuned from Qwen2.5-7B-Instruct" \
  "one('card.base-model')['subject']=='Qwen/Qwen2.5-7B-Instruct' and \
one('card.base-model')['properties']['relation']=='finetune' and \
line(one('card.base-model'))==5"
check avocado "trained on avocado-chat-mix" \
  "one('card.dataset')['subject']=='avocado-lab/avocado-chat-mix'"
check avocado "dataset card is CC-BY-4.0" \
  "one('card.dataset-license')['subject']=='CC-BY-4.0'"
check avocado "no input problems" "not c('card.front-matter-invalid')"

[ "$fails" -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
