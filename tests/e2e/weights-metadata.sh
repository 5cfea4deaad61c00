#!/usr/bin/env bash
# weights-metadata.sh - the weights-metadata plugin end to end: safetensors
# metadata and header checks, GGUF metadata with bounded parsing of hostile
# headers, config.json lineage, and the avocado sample.
set -euo pipefail
: "${PEDIGREE:?}" "${PEDIGREE_SOURCE_ROOT:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
. "$(dirname "$0")/lib.sh"

# Fixtures: one directory per case, written with python3's struct module.
python3 - "$tmp" <<'PY'
import json, os, struct, sys
root = sys.argv[1]

def put(case, name, data):
    d = os.path.join(root, case)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)

def st(header, data_len, raw_len=None):
    h = json.dumps(header).encode()
    n = len(h) if raw_len is None else raw_len
    return struct.pack('<Q', n) + h + b'\0' * data_len

good = {
    '__metadata__': {'base_model': 'acme/base-7b', 'license': 'apache-2.0',
                     'teachers': 'big/teacher-a, big/teacher-b'},
    'a': {'dtype': 'F32', 'shape': [2, 2], 'data_offsets': [0, 16]},
    'b': {'dtype': 'BF16', 'shape': [4], 'data_offsets': [16, 24]},
}
put('st-good', 'model.safetensors', st(good, 24))
put('st-huge', 'model.safetensors', struct.pack('<Q', 1 << 63) + b'{}')
put('st-beyond', 'model.safetensors', struct.pack('<Q', 1000) + b'{}' * 8)
put('st-overlap', 'model.safetensors', st({
    'x': {'dtype': 'F32', 'shape': [4], 'data_offsets': [0, 16]},
    'y': {'dtype': 'F32', 'shape': [2], 'data_offsets': [8, 16]},
}, 16))
put('st-mismatch', 'model.safetensors', st({
    'w': {'dtype': 'F16', 'shape': [3, 3], 'data_offsets': [0, 16]},
}, 16))
put('st-outside', 'model.safetensors', st({
    'w': {'dtype': 'U8', 'shape': [64], 'data_offsets': [0, 64]},
}, 16))
put('st-dtype', 'model.safetensors', st({
    'w': {'dtype': 'Q4_WAT', 'shape': [4], 'data_offsets': [0, 4]},
}, 4))

def gs(s):
    b = s.encode()
    return struct.pack('<Q', len(b)) + b

def kv_str(k, v):
    return gs(k) + struct.pack('<I', 8) + gs(v)

def kv_u32(k, v):
    return gs(k) + struct.pack('<I', 4) + struct.pack('<I', v)

def gguf(kvs, tensors=0, kv_count=None):
    n = len(kvs) if kv_count is None else kv_count
    return (b'GGUF' + struct.pack('<IQQ', 3, tensors, n) + b''.join(kvs))

tokens = [gs('tok%d' % i) for i in range(200000)]
big = (gs('tokenizer.ggml.tokens') + struct.pack('<I', 9) +
       struct.pack('<IQ', 8, len(tokens)) + b''.join(tokens))
scores = (gs('tokenizer.ggml.scores') + struct.pack('<I', 9) +
          struct.pack('<IQ', 6, 100000) + b'\0' * 400000)
put('gguf-good', 'model.gguf', gguf([
    kv_str('general.architecture', 'llama'),
    kv_str('general.name', 'Tiny'),
    kv_str('general.license', 'mit'),
    big, scores,
    kv_u32('general.base_model.count', 2),
    kv_str('general.base_model.0.name', 'Llama-3-8B'),
    kv_str('general.base_model.0.organization', 'meta-llama'),
    kv_str('general.base_model.1.repo_url',
           'https://huggingface.co/other/model'),
    kv_str('general.source.huggingface.repository', 'acme/tiny'),
]) + b'\0' * 64)
put('gguf-kvcount', 'model.gguf', gguf([], kv_count=1 << 62))
put('gguf-strlen', 'model.gguf', gguf([
    struct.pack('<Q', 1 << 62) + b'general.name']))
put('gguf-arrlen', 'model.gguf', gguf([
    gs('tokenizer.ggml.tokens') + struct.pack('<I', 9) +
    struct.pack('<IQ', 8, 1 << 60) + gs('a')]))
whole = gguf([kv_str('general.architecture', 'llama'),
              kv_str('general.name', 'A model with a long name')])
put('gguf-trunc', 'model.gguf', whole[:len(whole) - 10])

put('config', 'config.json', json.dumps({
    '_name_or_path': 'mistralai/Mistral-7B-v0.1',
    'architectures': ['MistralForCausalLM'], 'model_type': 'mistral',
}).encode())
put('config-local', 'config.json', json.dumps({
    '_name_or_path': '/home/me/checkpoints/run-3',
    'model_type': 'llama'}).encode())
PY

# audit CASE WANT: audit one fixture directory under a watchdog.
audit() {
	local rc=0 start end
	start=$(date +%s)
	timeout 20 "$PEDIGREE" audit --format json -o "$tmp/$1.json" \
		"${3:-$tmp/$1}" >/dev/null 2>"$tmp/$1.err" || rc=$?
	end=$(date +%s)
	if [ "$rc" -eq "$2" ]; then ok "$1: exit $rc ($((end - start))s)"
	else bad "$1: exit $rc, want $2"; sed 's/^/  | /' "$tmp/$1.err"; fi
}
# check CASE NAME EXPR: EXPR holds for the report; W lists this plugin's
# findings.
check() {
	if python3 -c "import json,sys; r=json.load(open(sys.argv[1])); \
F=r['findings']; W=[f for f in F if f['plugin']=='weights-metadata']; \
R=lambda n: [f for f in W if f['rule']==n]; \
S=lambda n: sorted(f.get('subject') for f in R(n)); \
sys.exit(0 if ($3) else 1)" "$tmp/$1.json" 2>"$tmp/check.err"; then
		ok "$1: $2"
	else
		bad "$1: $2: $3"; sed 's/^/  | /' "$tmp/check.err"
		python3 -c "import json,sys; [print('  |', f['rule'], \
f['kind'], f.get('subject'), f['message']) for f in \
json.load(open(sys.argv[1]))['findings']]" "$tmp/$1.json" || true
	fi
}
invalid="R('weights.header-invalid')"

audit st-good 0
check st-good "base model" "S('weights.base-model')==['acme/base-7b']"
check st-good "teachers split" \
	"S('weights.teacher')==['big/teacher-a','big/teacher-b']"
check st-good "licence" "S('weights.license')==['apache-2.0'] and \
R('weights.license')[0]['kind']=='license'"
check st-good "counts" "R('weights.metadata')[0]['properties']\
['tensor_count']==2 and R('weights.metadata')[0]['properties']\
['parameter_count']==8"
check st-good "no header problem" "not $invalid"

audit st-huge 1
check st-huge "length 2^63 refused" "$invalid and \
$invalid[0]['kind']=='security' and $invalid[0]['severity']=='error' and \
'beyond the file' in $invalid[0]['message']"
audit st-beyond 1
check st-beyond "length beyond the file" "'header length 1000 beyond \
the file (size 24)' in $invalid[0]['message']"
audit st-overlap 1
check st-overlap "overlap named" "any('overlaps' in f['message'] and \
'\"y\"' in f['message'] for f in $invalid)"
audit st-mismatch 1
check st-mismatch "shape x dtype != size" \
	"len($invalid)==1 and '\"w\"' in $invalid[0]['message']"
audit st-outside 1
check st-outside "offsets outside data" \
	"'outside the data section' in $invalid[0]['message']"
audit st-dtype 1
check st-dtype "unknown dtype" "'unknown dtype' in $invalid[0]['message']"

# A Llama 3 finetune labelled MIT: the lineage pass says the Llama terms
# govern it (exit 1 under the default policy).
audit gguf-good 1
check gguf-good "Llama 3 derivative labelled MIT conflicts" "any(f['rule']==\
'license.incompatible' and f['subject']=='LicenseRef-Llama-3-Community' \
for f in F)"
check gguf-good "licence" "S('weights.license')==['mit']"
check gguf-good "base models" "S('weights.base-model')==\
['https://huggingface.co/other/model','meta-llama/Llama-3-8B']"
check gguf-good "base model offset" "all(f['evidence']['byte_offset']>24 \
for f in R('weights.base-model'))"
check gguf-good "source" "S('weights.source')==['acme/tiny']"
check gguf-good "architecture" "S('weights.architecture')==['llama']"
check gguf-good "metadata" "R('weights.metadata')[0]['properties']\
['general']['general.name']=='Tiny' and not $invalid"
audit gguf-kvcount 1
check gguf-kvcount "absurd kv_count bounded" \
	"'metadata entry count' in $invalid[0]['message']"
audit gguf-strlen 1
check gguf-strlen "absurd key length bounded" \
	"$invalid[0]['kind']=='security' and 'string length' in \
$invalid[0]['message']"
audit gguf-arrlen 0
check gguf-arrlen "absurd array length bounded" \
	"$invalid and $invalid[0]['kind']=='input'"
audit gguf-trunc 0
check gguf-trunc "truncated: warning with offset" \
	"$invalid[0]['kind']=='input' and $invalid[0]['severity']=='warning' \
and $invalid[0]['evidence']['byte_offset']>24"

# A Mistral-7B finetune with no copy of Apache-2.0 fails its include-licence
# duty.
audit config 1
check config "Apache duty of the base model" "any(f['rule']==\
'obligation.unmet' and f['subject']=='Apache-2.0' for f in F)"
check config "_name_or_path" "S('weights.base-model')==\
['mistralai/Mistral-7B-v0.1'] and R('weights.base-model')[0]\
['properties']=={'declared_in':'config.json','field':'_name_or_path'}"
check config "architecture" "S('weights.architecture')==\
['MistralForCausalLM']"
audit config-local 0
check config-local "local path is not a base model" \
	"not R('weights.base-model') and S('weights.architecture')==['llama']"

audit avocado 1 "$PEDIGREE_SOURCE_ROOT/samples/avocado"
check avocado "safetensors base model" "any(f['subject']==\
'Qwen/Qwen2.5-7B-Instruct' and f['evidence']['path']=='model.safetensors' \
for f in R('weights.base-model'))"
check avocado "config.json base model" "any(f['subject']==\
'Qwen/Qwen2.5-7B-Instruct' and f['evidence']['path']=='config.json' \
for f in R('weights.base-model'))"
check avocado "no header problems" "not $invalid"

[ "$fails" -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
