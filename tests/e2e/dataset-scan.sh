#!/usr/bin/env bash
# dataset-scan.sh - `pedigree scan-data` end to end: the JSON report and
# its schema; compressed shards (.gz, .zst, .xz, .bz2, inside archives
# too); JSON arrays and CSV with quoted newlines; chat formats and whose
# turn a phrase is in; the forms real exports write phrases in, against
# a naive substring search; templates; metadata keys; dataset cards;
# samples; the same output whatever the number of threads; bad input
# (truncated streams and archives, invalid UTF-8, NUL bytes, a 256 MB
# line, archives nested too deep, path-traversal names, Parquet).
set -euo pipefail
: "${PEDIGREE:?}" "${PEDIGREE_SOURCE_ROOT:?}"
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
fails=0
. "$(dirname "$0")/lib.sh"
SCHEMA=$PEDIGREE_SOURCE_ROOT/docs/scan-data.schema.json

if ! "$PEDIGREE" plugins 2>/dev/null | grep -q dataset-origin; then
	echo "1..0 # SKIP dataset-origin plugin not built (no libhs)"
	exit 77
fi

# scan NAME [options]: scan-data --format json of $tmp/NAME into
# $tmp/NAME.json.
scan() {
	local name=$1 rc=0
	shift
	timeout 120 "$PEDIGREE" scan-data --format json -o "$tmp/$name.json" \
		"$@" "$tmp/$name" 2>"$tmp/$name.err" || rc=$?
	if [ "$rc" -ne 0 ]; then
		bad "scan-data $name: exit $rc"; sed 's/^/  | /' "$tmp/$name.err"
	fi
}
# q NAME DESCRIPTION EXPR: a check of $tmp/NAME.json, run by `checks`.
q() {
	printf '%s\037%s\036' "$2" "$3" >> "$tmp/$1.checks"
}
# checks NAME: validate $tmp/NAME.json against the schema and evaluate
# the queued checks, in one Python: r is the report, o(provider) its
# origin (None if absent), sh(path) the shard whose path ends with path,
# shp(path, provider) that shard's counts for the provider, lines(x) the
# sample lines of an origin, probs(rule) the problems with that rule.
checks() {
	local out rc=0 n
	out=$(python3 - "$tmp/$1.json" "$tmp/$1.checks" "$SCHEMA" <<'PY'
import json, sys
import jsonschema
r = json.load(open(sys.argv[1]))
def o(p):
    l = [x for x in r['origins'] if x['provider'] == p]
    return l[0] if l else None
def sh(path):
    l = [x for x in r['shards'] if x['path'].endswith(path)]
    assert len(l) <= 1, l
    return l[0] if l else None
def shp(path, p):
    s = sh(path)
    l = [x for x in s['origins'] if x['provider'] == p] if s else []
    return l[0] if l else None
def lines(x):
    return [s['line'] for s in x['samples']]
def probs(rule):
    return [p for p in r['problems'] if p['rule'] == rule]
errors = list(jsonschema.Draft202012Validator(
    json.load(open(sys.argv[3]))).iter_errors(r))
print(('FAIL' if errors else 'ok') + ' - %s: the report matches the schema'
      % sys.argv[1].rsplit('/', 1)[-1])
for e in errors[:5]:
    print('  |', list(e.absolute_path), e.message[:200])
for item in open(sys.argv[2]).read().split('\x1e'):
    if not item:
        continue
    desc, expr = item.split('\x1f')
    try:
        good = eval(expr)
    except Exception as e:
        print('  |', repr(e)); good = False
    print(('ok - ' if good else 'FAIL - ') + desc)
    if not good:
        print('  |', expr)
        print('  |', json.dumps(r)[:3000])
PY
) || rc=$?
	rm -f "$tmp/$1.checks"
	printf '%s\n' "$out"
	n=$(printf '%s\n' "$out" | grep -c '^FAIL' || true)
	fails=$((fails + n + rc))
}

# --- compressed shards ---------------------------------------------------
mkdir -p "$tmp/packed/deep"
python3 - "$tmp" <<'PY'
import json, sys
d = sys.argv[1]
rows = []
for i in range(40):
    if i % 10 == 3:
        t = "I am Qwen, created by Alibaba Cloud."
    elif i % 10 == 7:
        t = "As an AI language model, I can't."
    else:
        t = "Bread needs time number %d." % i
    rows.append({"instruction": "q%d" % i, "output": t})
open(d + "/rows.jsonl", "w").write(
    "\n".join(json.dumps(r) for r in rows) + "\n")
json.dump(rows, open(d + "/rows.json", "w"), indent=2)
# The offsets of lines 4 and 14, where the first Qwen records are.
lines = open(d + "/rows.jsonl", "rb").read().split(b"\n")
open(d + "/offsets.txt", "w").write("%d %d\n" % (
    sum(len(l) + 1 for l in lines[:3]), sum(len(l) + 1 for l in lines[:13])))
import csv
with open(d + "/rows.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["instruction", "output"])
    for r in rows:
        w.writerow([r["instruction"], r["output"].replace(" ", "\n", 1)])
PY
gzip -c "$tmp/rows.jsonl" > "$tmp/packed/a.jsonl.gz"
zstd -q -c "$tmp/rows.jsonl" > "$tmp/packed/b.jsonl.zst"
xz -c "$tmp/rows.jsonl" > "$tmp/packed/c.jsonl.xz"
bzip2 -c "$tmp/rows.jsonl" > "$tmp/packed/d.jsonl.bz2"
gzip -c "$tmp/rows.json" > "$tmp/packed/e.json.gz"
gzip -c "$tmp/rows.csv" > "$tmp/packed/f.csv.gz"
cp "$tmp/rows.json" "$tmp/packed/g.json"
cp "$tmp/rows.csv" "$tmp/packed/h.csv"
mkdir -p "$tmp/inner"
cp "$tmp/packed/a.jsonl.gz" "$tmp/inner/in.jsonl.gz"
tar -C "$tmp/inner" --zstd -cf "$tmp/packed/deep/t.tar.zst" in.jsonl.gz
scan packed --samples 100
read -r off4 off14 < "$tmp/offsets.txt"
for f in a.jsonl.gz b.jsonl.zst c.jsonl.xz d.jsonl.bz2 e.json.gz f.csv.gz \
	g.json h.csv t.tar.zst!/in.jsonl.gz; do
	q packed "$f: 4 Qwen and 4 OpenAI records of 40" \
		"sh('$f')['records'] == 40 and \
		 shp('$f', 'alibaba-qwen')['records'] == 4 and \
		 shp('$f', 'openai')['records'] == 4"
done
q packed "all shards: totals and shares" \
	"r['files'] == 9 and r['records'] == 360 and \
	 o('openai')['records'] == 36 and o('openai')['files'] == 9 and \
	 abs(o('openai')['share'] - 0.1) < 1e-9 and r['problems'] == []"
q packed "decompressed offsets and lines in samples" \
	"[(s['record'], s['line'], s['offset']) for s in \
	  o('alibaba-qwen')['samples'][:2]] == [(4, 4, $off4), (14, 14, $off14)]"
q packed "JSON array: record lines are where elements start" \
	"sh('g.json')['format'] == 'alpaca' and \
	 [s['line'] for s in o('alibaba-qwen')['samples'] \
	  if s['file'] == 'g.json'] == [14, 54, 94, 134]"
checks packed
scan packed --samples 2
q packed "--samples bounds the sample list" \
	"[len(x['samples']) for x in r['origins']] == [2, 2]"
checks packed
scan packed/b.jsonl.zst
q packed/b.jsonl.zst "a .jsonl.zst given alone is a shard, not an archive" \
	"r['files'] == 1 and r['records'] == 40 and \
	 shp('b.jsonl.zst', 'openai')['records'] == 4"
checks packed/b.jsonl.zst

# --- whose turn, chat formats, templates, metadata keys --------------------
mkdir -p "$tmp/turns"
python3 - "$tmp/turns" <<'PY'
import json, sys
d = sys.argv[1]
def w(name, recs):
    open(d + "/" + name, "w").write(
        "\n".join(json.dumps(r) for r in recs) + "\n")
w("sharegpt.jsonl", [
    {"conversations": [{"from": "human", "value": "Say: I am ChatGPT."},
                       {"from": "gpt", "value": "No."}]},
    {"conversations": [{"from": "human", "value": "who?"},
                       {"from": "gpt", "value": "I am ChatGPT."}]},
    {"conversations": [{"from": "human", "value": "hi"},
                       {"from": "gpt", "value": "hello"}]},
])
w("messages.jsonl", [
    {"messages": [{"role": "system", "content": "You are ChatGPT, a large "
                   "language model trained by OpenAI."},
                  {"role": "user", "content": "hi"}]},
    {"messages": [{"role": "user", "content": [
        {"type": "text", "text": "Pretend: I'm Claude, made by Anthropic"}]},
                  {"role": "assistant", "content": "ok"}]},
])
w("alpaca.jsonl", [
    {"instruction": "Rewrite 'I am Grok, built by xAI'", "input": "",
     "output": "Done."},
    {"instruction": "q", "input": "", "output": "I am Grok, built by xAI."},
    {"instruction": "q", "input": "",
     "output": "I'm sorry, but I can't assist with that."},
    {"instruction": "q", "input": "", "output": "I'm just a language "
     "model, so I can't help with that."},
])
w("text.jsonl", [{"text": "User: hi\nAssistant: I am Gemma, an open model."}])
# Metadata columns of CSV and TSV.
open(d + "/cols.csv", "w").write(
    'prompt,"response, long",Model\n'
    'a,"x, y\nz",gpt-4o\n'
    'b,plain, "claude-3-opus"\n'
    'c,"the model gpt-4 said",my-model\n'
    'd,e\n')
open(d + "/cols.tsv", "w").write(
    "generator\ttext\nQwen/Qwen2.5-7B-Instruct\thi\n\tho\n")
# A byte order mark does not keep the first record from being parsed.
open(d + "/bom.jsonl", "w").write("\ufeff" + json.dumps(
    {"conversations": [{"from": "human", "value": "Say: I am Grok, built "
                        "by xAI"}, {"from": "gpt", "value": "no"}]}) + "\n")
w("meta.jsonl", [
    {"text": "a", "meta": {"response": {"model": "claude-3-5-haiku"}}},
    {"text": "b", "teacher": "Qwen/Qwen2.5-72B-Instruct"},
    {"text": "c", "source": "wikipedia"},
    {"text": "d", "model": "gpt2"},
    {"text": "e", "model" : "mistralai/Mixtral-8x7B-Instruct-v0.1"},
    {"text": "f", "generator": "gemma-2-27b-it"},
    {"text": "the key \"model\": \"gpt-4\" quoted in text is no key"},
])
PY
scan turns --samples 100
q turns "ShareGPT: a phrase only the human says is not counted" \
	"shp('sharegpt.jsonl', 'openai')['records'] == 1 and \
	 sh('sharegpt.jsonl')['format'] == 'sharegpt' and \
	 [s['line'] for s in o('openai')['samples'] \
	  if s['file'] == 'sharegpt.jsonl'] == [2]"
q turns "OpenAI messages: the system prompt counts, a user's quote not" \
	"shp('messages.jsonl', 'openai')['records'] == 1 and \
	 shp('messages.jsonl', 'anthropic') is None and \
	 sh('messages.jsonl')['format'] == 'openai-messages'"
q turns "Alpaca: output counts, instruction not" \
	"shp('alpaca.jsonl', 'xai')['records'] == 1 and \
	 sh('alpaca.jsonl')['format'] == 'alpaca'"
q turns "refusal templates of OpenAI and Google" \
	"shp('alpaca.jsonl', 'openai')['records'] == 1 and \
	 shp('alpaca.jsonl', 'google-gemini')['records'] == 1 and \
	 'refusal-template' in o('google-gemini')['evidence'] and \
	 'self-identification' not in o('google-gemini')['evidence']"
q turns "CSV and TSV metadata columns, quoted fields, short rows" \
	"sh('cols.csv')['records'] == 4 and \
	 shp('cols.csv', 'openai')['model'] == 'gpt-4o' and \
	 shp('cols.csv', 'openai')['records'] == 1 and \
	 shp('cols.csv', 'anthropic')['model'] == 'claude-3-opus' and \
	 shp('cols.tsv', 'alibaba-qwen')['records'] == 1 and \
	 sh('cols.tsv')['records'] == 2"
q turns "a byte order mark before the first record" \
	"sh('bom.jsonl') is None and sh('alpaca.jsonl') is not None"
q turns "plain text counts" \
	"shp('text.jsonl', 'google-gemma')['records'] == 1 and \
	 sh('text.jsonl')['format'] == 'text'"
q turns "metadata keys at any depth, org prefixes, names kept" \
	"shp('meta.jsonl', 'anthropic')['model'] == 'claude-3-5-haiku' and \
	 shp('meta.jsonl', 'alibaba-qwen')['model'] == \
	 'Qwen/Qwen2.5-72B-Instruct' and \
	 shp('meta.jsonl', 'mistral')['records'] == 1 and \
	 shp('meta.jsonl', 'google-gemma')['model'] == 'gemma-2-27b-it' and \
	 shp('meta.jsonl', 'openai') is None and \
	 sum(x['records'] for x in sh('meta.jsonl')['origins']) == 4"

checks turns

# --- the forms phrases are written in, against a naive search -------------
mkdir -p "$tmp/forms"
python3 - "$tmp/forms" <<'PY'
import json, sys
d = sys.argv[1]
forms = [
    "I'm Qwen, a helpful assistant.",              # straight
    "I\u2019m Qwen, a helpful assistant.",         # curly
    "I&#39;m Qwen, a helpful assistant.",          # HTML entity
    "Hello!\nI am Qwen.",                          # after an escaped newline
    "i AM qwen",                                   # case
    "I am   Qwen",                                 # blanks
    "I am\u00a0Qwen",                              # no-break space
    "\u201cI am Qwen\u201d, it said.",             # after a curly quote
    "I am\nQwen",                                  # newline inside
]
recs = [json.dumps({"output": f}) for f in forms]
recs += [json.dumps({"output": f}, ensure_ascii=False) for f in forms]
recs.append(json.dumps({"output": "I am Qwenlike, not Qwen."}))
open(d + "/forms.jsonl", "w").write("\n".join(recs) + "\n")
# What a naive search finds: the phrases as written, in the raw lines.
naive = sum(1 for r in recs[:-1]
            if "I am Qwen" in r or "I'm Qwen" in r)
open(d + "/../naive.txt", "w").write(str(naive))
PY
naive=$(cat "$tmp/naive.txt")
scan forms
q forms "every form of the phrase, each record once" \
	"shp('forms.jsonl', 'alibaba-qwen')['records'] == 18 and \
	 sh('forms.jsonl')['records'] == 19"
q forms "a naive substring search misses at least a third ($naive of 18)" \
	"$naive <= 12"

checks forms

# --- how far from its anchor a phrase is looked for -------------------------
# "Technology" anchors the Falcon phrase near its end: the bytes before it,
# every blank and apostrophe escaped, are the most the window must reach
# back.  Mixed case no encoder writes ("cHaTgPt") is matched too: the
# anchors' lower-case literals only speed the search up.
mkdir -p "$tmp/reach"
python3 - "$tmp/reach" <<'PY'
import json, sys
d = sys.argv[1]
falcon = ("I'm Falcon, a large language model built by the Technology "
          "Innovation Institute")
esc = falcon.replace("'", "\\u2019").replace(" ", "\\n")
recs = [
    '{"output": "%s"}' % esc,                            # all escaped
    json.dumps({"output": "x" * 3000 + " " + falcon}),  # far into a record
    json.dumps({"output": "Oh, I am cHaTgPt."}),        # mixed case
    json.dumps({"output": "Falcon, built by the Technology Innovation "
                          "Institute"}),                 # no phrase
]
open(d + "/reach.jsonl", "w").write("\n".join(recs) + "\n")
PY
scan reach
q reach "a phrase reaching far before its anchor, every blank escaped" \
	"shp('reach.jsonl', 'tii-falcon')['records'] == 2 and \
	 lines(o('tii-falcon')) == [1, 2]"
q reach "mixed case" "shp('reach.jsonl', 'openai')['records'] == 1"

checks reach

# --- dataset cards ---------------------------------------------------------
mkdir -p "$tmp/cards/a" "$tmp/cards/b" "$tmp/cards/c"
printf -- '---\nlicense: cc-by-4.0\nannotations_creators:\n- machine-generated\nsource_datasets:\n- original\n---\n# A\n' \
	> "$tmp/cards/a/README.md"
printf -- '---\nlicense: apache-2.0\ntask_categories: [text-generation]\ntags:\n- synthetic\n- gpt-4\n- llama\n---\n# B\n' \
	> "$tmp/cards/b/README.md"
printf -- '---\nlicense: mit\nbase_model: Qwen/Qwen2.5-7B\ntags: [gpt-4]\n---\n# a model card\n' \
	> "$tmp/cards/c/README.md"
scan cards
q cards "machine-generated annotations; a model named in tags" \
	"sorted((c['path'], c['machine_generated'], c['provider'], c['model'], \
	 c['license']) for c in r['cards']) == \
	 [('a/README.md', True, None, None, 'cc-by-4.0'), \
	  ('b/README.md', False, 'openai', 'gpt-4', 'apache-2.0')]"
q cards "a card naming a model is an origin without records" \
	"o('openai')['cards'] == 1 and o('openai')['records'] == 0 and \
	 o('openai')['evidence'] == ['dataset-card'] and \
	 o('meta-llama') is None"

checks cards

# --- threads, samples, chunks ----------------------------------------------
mkdir -p "$tmp/big"
python3 - "$tmp/big" <<'PY'
import json, sys, random
d = sys.argv[1]
rng = random.Random(7)
filler = " ".join("word%d" % i for i in range(60))
with open(d + "/big.jsonl", "w") as f:
    for i in range(1, 60001):
        if i == 30000:
            # longer than a chunk, between chunks in flight
            f.write(json.dumps({"text": "I am Qwen " + "b" * (5 << 20) +
                                " I am Qwen"}) + "\n")
            continue
        if i % 997 == 0:
            t = "As an AI language model, I cannot."
        elif i % 1499 == 0:
            f.write(json.dumps({"model": "gpt-4o", "text": filler}) + "\n")
            continue
        else:
            t = filler + " " + str(rng.random())
        f.write(json.dumps({"text": t}) + "\n")
# 1.5 MB: cut in chunks of 256 KiB so that every thread has some
with open(d + "/mid.jsonl", "w") as f:
    for i in range(1, 7001):
        t = "I'm Gemma, hi." if i % 97 == 0 else filler[:150]
        f.write(json.dumps({"text": t, "n": i}) + "\n")
PY
scan big -j 1 --samples 100
cp "$tmp/big.json" "$tmp/big1.json"
scan big -j 3 --samples 100
if cmp -s "$tmp/big.json" "$tmp/big1.json"; then
	ok "the same report with 1 and 3 threads (chunks of 4 MiB, a long record)"
else
	bad "the report depends on the number of threads"
fi
q big "a small shard cut in several chunks: every record, in order" \
	"sh('mid.jsonl')['records'] == 7000 and \
	 lines(o('google-gemma')) == list(range(97, 7001, 97))"
q big "a record longer than a chunk among chunks in flight" \
	"lines(o('alibaba-qwen')) == [30000] and \
	 [p['rule'] for p in r['problems']] == ['dataset.line-too-long']"
q big "every generated record, in order, across chunks" \
	"r['records'] == 67000 and r['bytes'] > 12 * 2**20 and \
	 o('openai')['records'] == 60 + 40 - 0 and \
	 lines(o('openai')) == sorted([i for i in range(1, 60001) \
	   if i % 997 == 0 or i % 1499 == 0])[:100] and \
	 o('openai')['model'] == 'gpt-4o'"

checks big

# --- bad input --------------------------------------------------------------
mkdir -p "$tmp/bad/arc"
# Shards that do not compress to nothing, so that a cut stream still
# holds whole blocks of records before the cut.
python3 - "$tmp/bad" "$tmp/rows.jsonl" <<'PY'
import bz2, gzip, io, json, os, random, sys, tarfile
d, rows = sys.argv[1], open(sys.argv[2], "rb").read()
rng = random.Random(3)
big = b"".join(json.dumps({"output": ("As an AI language model, no. "
               if i % 10 == 0 else "") + "%0256x" % rng.getrandbits(1024)
               }).encode() + b"\n" for i in range(4000))
z = gzip.compress(big)
open(d + "/cut.jsonl.gz", "wb").write(z[: len(z) // 2])
open(d + "/big.jsonl", "wb").write(big)
def tar(members, mode="w"):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode=mode) as t:
        for n, data in members:
            ti = tarfile.TarInfo(n)
            ti.size = len(data)
            t.addfile(ti, io.BytesIO(data))
    return b.getvalue()
open(d + "/arc/evil.tar", "wb").write(tar([("../../escape.jsonl", rows)]))
t = tar([("deep0.jsonl", rows)], "w:gz")
for i in range(1, 11):
    t = tar([("deep%d.jsonl" % i, rows), ("n%d.tar.gz" % i, t)], "w:gz")
open(d + "/arc/nest.tar.gz", "wb").write(t)
whole = tar([("a.jsonl", big), ("b.jsonl", big)], "w:gz")
open(d + "/arc/cut.tar.gz", "wb").write(whole[: len(whole) * 3 // 4])
PY
zstd -q -c "$tmp/bad/big.jsonl" > "$tmp/bad/big.zst"
head -c $(( $(stat -c %s "$tmp/bad/big.zst") / 2 )) "$tmp/bad/big.zst" \
	> "$tmp/bad/cut.jsonl.zst"
rm "$tmp/bad/big.zst"
rm "$tmp/bad/big.jsonl"
printf '{"text": "I am Qwen \xff\xfe, created"}\n{"t": "a\0b I am ChatGPT\0"}\n{"text": "I am Gemma"}\n' \
	> "$tmp/bad/bytes.jsonl"
printf 'PAR1\0\0\0\0PAR1' > "$tmp/bad/x.parquet"
scan bad
for f in cut.jsonl.zst cut.jsonl.gz; do
	q bad "truncated $f: reported with the offset, partial counts kept" \
		"[p['offset'] > 0 for p in probs('dataset.read-error') \
		  if p['path'] == '$f'] == [True] and \
		 100 <= shp('$f', 'openai')['records'] < 400"
done
q bad "invalid UTF-8 and NUL bytes: still matched, no crash" \
	"shp('bytes.jsonl', 'alibaba-qwen')['records'] == 1 and \
	 shp('bytes.jsonl', 'openai')['records'] == 1 and \
	 shp('bytes.jsonl', 'google-gemma')['records'] == 1"
q bad "Parquet: reported as not scanned" \
	"[p['path'] for p in probs('dataset.not-scanned')] == ['x.parquet']"
q bad "path traversal: named, scanned in place, nothing written" \
	"len(probs('source.archive-unsafe-path')) == 1 and \
	 sh('evil.tar!/../../escape.jsonl')['records'] == 40"
q bad "archives nested too deep: the deeper ones are not opened" \
	"len(probs('source.archive-depth')) == 1 and \
	 sh('deep10.jsonl') is not None and \
	 not [s for s in r['shards'] if s['path'].endswith('deep0.jsonl')]"
q bad "truncated archive: reported, the members read are kept" \
	"[p['path'] for p in r['problems'] if 'cut.tar.gz' in p['path']] \
	 == ['arc/cut.tar.gz', 'arc/cut.tar.gz!/b.jsonl'] and \
	 sh('cut.tar.gz!/a.jsonl')['records'] == 4000 and \
	 shp('cut.tar.gz!/a.jsonl', 'openai')['records'] == 400"
if [ ! -e "$tmp/escape.jsonl" ] && [ ! -e "$tmp/../escape.jsonl" ]; then
	ok "nothing extracted"
else bad "a member was written to disk"; fi

checks bad

# A 256 MB line: scanned as a stream in bounded memory, reported.
mkdir -p "$tmp/huge"
{
	printf '{"text": "I am Qwen, created by Alibaba Cloud '
	head -c 268435456 /dev/zero | tr '\0' 'a'
	printf ' As an AI language model"}\n{"text": "I am Gemma"}\n'
} > "$tmp/huge/huge.jsonl"
rss=
if [ -x /usr/bin/time ]; then
	/usr/bin/time -f %M -o "$tmp/rss" timeout 120 "$PEDIGREE" scan-data \
		-f json -o "$tmp/huge.json" "$tmp/huge" 2>"$tmp/huge.err" || true
	rss=$(tail -n 1 "$tmp/rss")
else
	scan huge
fi
q huge "256 MB line: reported, matched at both ends, next record read" \
	"[p['rule'] for p in r['problems']] == ['dataset.line-too-long'] and \
	 shp('huge.jsonl', 'alibaba-qwen')['records'] == 1 and \
	 shp('huge.jsonl', 'openai')['records'] == 1 and \
	 lines(o('google-gemma')) == [2] and r['records'] == 2"
checks huge
if [ -z "$rss" ]; then
	echo "# /usr/bin/time missing: RSS not measured"
elif grep -q __asan_init "$PEDIGREE" 2>/dev/null; then
	ok "256 MB line: peak RSS ${rss} KiB (sanitizer build, not judged)"
elif [ "$rss" -lt 131072 ]; then
	ok "256 MB line: peak RSS ${rss} KiB"
else
	bad "256 MB line: peak RSS ${rss} KiB"
fi

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
