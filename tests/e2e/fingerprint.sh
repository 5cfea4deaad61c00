#!/usr/bin/env bash
# fingerprint.sh - `pedigree fingerprint` and `pedigree audit --fingerprint`
# on a tiny zoo written in server formats: verdicts, determinism, the
# simple command-line case, dense logits, and bad input (exit 2 naming
# the file).
set -euo pipefail
: "${PEDIGREE:?}" "${PEDIGREE_SOURCE_ROOT:?}" "${PEDIGREE_BUILD_ROOT:?}"
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
zoo=$PEDIGREE_BUILD_ROOT/bench/pedigree-zoo
"$zoo" write --size tiny --out "$tmp/z" > "$tmp/students.txt"
cd "$tmp/z"

verdict() {	# verdict REPORT.json TEACHER -> distilled-from|no-evidence
	python3 -c "import json,sys
r=json.load(open(sys.argv[1]))
print([c['verdict'] for c in r['candidates'] if c['teacher']==sys.argv[2]][0])" "$@"
}
positives() {	# number of positive verdicts
	python3 -c "import json,sys
r=json.load(open(sys.argv[1]))
print(sum(c['verdict']=='distilled-from' for c in r['candidates']))" "$1"
}

fp() { "$PEDIGREE" fingerprint --device cpu --permutations 2000 -q "$@"; }

fp -m student-1-seq.yaml -f json -o seq.json
[ "$(verdict seq.json zoo/teacher-0)" = distilled-from ] &&
	ok "sequence-level student: distilled from its teacher" ||
	bad "sequence-level student not found"
[ "$(positives seq.json)" = 1 ] && ok "and from no other candidate" ||
	bad "other candidates positive"
fp -m student-9-real.yaml -f json -o real.json
[ "$(positives real.json)" = 0 ] && ok "real-data student: no verdict" ||
	bad "real-data student positive"
fp -m student-3-top20.yaml -f json -o top.json
[ "$(verdict top.json zoo/teacher-1)" = distilled-from ] &&
	ok "top-20 student found" || bad "top-20 student not found"
python3 - seq.json <<'PY' && ok "JSON result fields" || bad "JSON result fields"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["schema"] == "pedigree-fingerprint" and r["schema_version"] == 1
assert r["student"] == "zoo/student-1-seq" and r["permutations"] == 2000
assert r["device"] == "cpu" and r["correction"] == "holm"
c = r["candidates"][0]
for k in ("verdict", "p_value", "p_permutation", "p_rank", "effect_nats",
          "queries", "method", "teacher", "student", "evidence"):
    assert k in c, k
assert 0 < c["p_permutation"] <= 1 and c["queries"] > 0
assert abs(c["p_permutation"] * 2001 - round(c["p_permutation"] * 2001)) < 1e-3
# the score ranks candidates: the panel's Z plus the permutation z, and
# the teacher (teacher-0) ranks first
for x in r["candidates"]:
    z = x["evidence"]["z_panel"] + x["z_permutation"]
    assert abs(x["score"] - z) < 1e-5 * max(1, abs(z)), (x["score"], z)
best = max(r["candidates"], key=lambda x: x["score"])
assert best["teacher"] == "zoo/teacher-0", best["teacher"]
PY

# deterministic for a seed; another seed moves the permutation p-values
fp -m student-1-seq.yaml -f json -o seq2.json
cmp -s seq.json seq2.json && ok "same seed, same bytes" ||
	bad "output differs between runs"
fp -m student-1-seq.yaml -f json --seed 9 -o seq3.json
cmp -s seq.json seq3.json && bad "--seed has no effect" ||
	ok "--seed changes the permutations"
fp -m student-1-seq.yaml > seq.txt
grep -q 'zoo/teacher-0 *distilled-from' seq.txt &&
	ok "text result lists the verdict" || bad "text result"

# dense logits of the student and its teacher: full-vocabulary KL
fp -m student-0-top20-dense.yaml -f json -o dense.json
python3 - dense.json <<'PY' && ok "dense logits: verdict and full KL" ||
import json, sys
r = json.load(open(sys.argv[1]))
c = [c for c in r["candidates"] if c["teacher"] == "zoo/teacher-0"][0]
assert c["verdict"] == "distilled-from"
assert c["evidence"]["kl_full"] is not None and c["evidence"]["kl_full"] > 0
PY
	bad "dense logits"

# the simple case: files on the command line, generators from the files
refs=()
for c in 0 1 2 3; do refs+=(--reference "zoo/control-$c=zoo_control-$c.jsonl"); done
fp --student zoo/student-1-seq=zoo_student-1-seq.jsonl \
	--teacher zoo/teacher-0=zoo_teacher-0.jsonl \
	--teacher zoo/teacher-1=zoo_teacher-1.jsonl \
	"${refs[@]}" -f json -o flags.json
[ "$(verdict flags.json zoo/teacher-0)" = distilled-from ] &&
	ok "--student/--teacher/--reference" || bad "flags case"

# the audit gets one lineage finding per candidate
"$PEDIGREE" audit -q --fingerprint student-1-seq.yaml --format json \
	-o audit.json "$PEDIGREE_SOURCE_ROOT/samples/avocado" || true
python3 "$PEDIGREE_SOURCE_ROOT/tests/tools/validate_report.py" audit.json &&
	ok "audit report with fingerprint findings validates" ||
	bad "audit report invalid"
python3 - audit.json <<'PY' && ok "audit findings: rules, subject, properties" ||
import json, sys
r = json.load(open(sys.argv[1]))
f = [f for f in r["findings"] if f["rule"].startswith("fingerprint.")]
assert len(f) == 3, len(f)
pos = [x for x in f if x["rule"] == "fingerprint.distilled-from"]
assert len(pos) == 1 and pos[0]["subject"] == "zoo/teacher-0"
assert pos[0]["kind"] == "lineage" and pos[0]["severity"] == "warning"
assert pos[0]["component"] == "avocado"
assert pos[0]["evidence"]["path"] == "student-1-seq.yaml"
p = pos[0]["properties"]
assert set(p) == {"verdict", "p_value", "p_permutation", "p_rank",
                  "effect_nats", "queries", "method", "teacher", "student"}
assert p["verdict"] == "distilled-from" and p["student"] == "zoo/student-1-seq"
neg = [x for x in f if x["rule"] == "fingerprint.no-evidence"]
assert all(x["severity"] == "info" for x in neg)
PY
	bad "audit findings"

# bad input: exit 2, the message names the file
expect2() {	# expect2 DESC PATTERN CMD...
	local desc=$1 pat=$2 rc=0
	shift 2
	"$@" > out.txt 2> err.txt || rc=$?
	if [ "$rc" -eq 2 ] && grep -q -- "$pat" err.txt; then ok "$desc"
	else bad "$desc (exit $rc: $(head -c 300 err.txt))"; fi
}
expect2 "missing manifest" "nope.yaml" fp -m nope.yaml
head -c 300 zoo_teacher-0.jsonl > broken.jsonl
sed 's/zoo_teacher-0.jsonl/broken.jsonl/' student-1-seq.yaml > broken.yaml
expect2 "truncated JSONL names file and line" "broken.jsonl:1" \
	fp -m broken.yaml
sed 's/probes.jsonl/..\/probes.jsonl/' student-1-seq.yaml > escape.yaml
expect2 "a file outside the manifest's folder" "escape.yaml" fp -m escape.yaml
printf 'fingerprint: 1\nmodels: []\n' > empty.yaml
expect2 "no models" "empty.yaml" fp -m empty.yaml
mkfifo fifo.jsonl
sed 's/zoo_teacher-0.jsonl/fifo.jsonl/' student-1-seq.yaml > fifo.yaml
expect2 "a FIFO is refused, not opened" "fifo.jsonl" fp -m fifo.yaml
expect2 "unknown option" "--bogus" fp --bogus
expect2 "manifest and flags together" "do not mix" \
	fp -m student-1-seq.yaml --teacher a=b
expect2 "bad --alpha" "alpha" fp -m student-1-seq.yaml --alpha 3
expect2 "a line over --max-line" "longer than 1000 bytes" \
	fp -m student-1-seq.yaml --max-line 1000
expect2 "more positions than --max-positions" "positions" \
	fp -m student-1-seq.yaml --max-positions 500
expect2 "one control is not a panel" "two control" \
	fp --student s=zoo_student-1-seq.jsonl \
	--teacher zoo/teacher-0=zoo_teacher-0.jsonl \
	--reference zoo/control-0=zoo_control-0.jsonl
expect2 "audit --fingerprint with a bad manifest" "nope.yaml" \
	"$PEDIGREE" audit -q --fingerprint nope.yaml "$PEDIGREE_SOURCE_ROOT/samples/avocado"
# CUDA asked for where it cannot run: exit 2 with the reason
if ! "$PEDIGREE" fingerprint -q --device cuda -m student-9-real.yaml \
	> /dev/null 2> cuda.txt; then
	grep -q 'device cuda' cuda.txt && ok "--device cuda without a GPU" ||
		bad "--device cuda message"
else
	ok "--device cuda ran on a GPU"
fi
# auto falls back to the CPU with one line
"$PEDIGREE" fingerprint --permutations 100 -m student-9-real.yaml \
	> /dev/null 2> auto.txt
[ "$(wc -l < auto.txt)" -le 1 ] && ok "--device auto: at most one note" ||
	bad "--device auto printed $(wc -l < auto.txt) lines"
# the worked sample: the committed files are the generator's, and the
# student's undeclared teacher comes out
"$zoo" sample --out "$tmp/sample" > /dev/null
diff -r -x README.md "$tmp/sample" "$PEDIGREE_SOURCE_ROOT/samples/avocado/fingerprint" \
	> /dev/null && ok "samples/avocado/fingerprint is the generator's output" ||
	bad "samples/avocado/fingerprint differs from pedigree-zoo sample"
fp -m "$PEDIGREE_SOURCE_ROOT/samples/avocado/fingerprint/manifest.yaml" \
	-f json -o sample.json
# the sample's student learnt from all three teachers at once: each must
# be found though the others' texts are also ones it likes (a test that
# took every other model's texts as controls lost all three)
for t in Qwen/Qwen2.5-7B-Instruct google/gemma-2-9b-it openai/gpt-oss-20b; do
	[ "$(verdict sample.json "$t")" = distilled-from ] &&
		ok "sample: distilled from $t" || bad "sample: $t not found"
done
"$PEDIGREE" fingerprint --help | grep -q -- '--manifest' &&
	ok "--help" || bad "--help"
[ "$fails" -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
