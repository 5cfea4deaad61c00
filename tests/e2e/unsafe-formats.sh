#!/usr/bin/env bash
# unsafe-formats.sh - the unsafe-formats plugin end to end: ONNX external
# data that leaves the model's folder (read by a bounded protobuf walk of
# models written here byte by byte), Keras Lambda layers in .keras
# configs and in the model_config of .h5 files, and malformed or absurd
# inputs that stop fast with a finding.
set -euo pipefail
: "${PEDIGREE:?}" "${PEDIGREE_SOURCE_ROOT:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
. "$(dirname "$0")/lib.sh"

python3 - "$tmp" <<'PY'
import io, json, os, struct, sys, tarfile, zipfile
root = sys.argv[1]

def put(case, name, data):
    d = os.path.join(root, case)
    os.makedirs(os.path.dirname(os.path.join(d, name)), exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)

# --- a protobuf writer, enough for ONNX ---
def varint(n):
    out = b''
    while True:
        b = n & 0x7f
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])

def fld(num, payload):             # length-delimited
    if isinstance(payload, str):
        payload = payload.encode()
    return varint(num << 3 | 2) + varint(len(payload)) + payload

def fint(num, v):
    return varint(num << 3) + varint(v)

def tensor(name, location=None, external=True):
    t = fint(1, 4) + fint(2, 1) + fld(8, name)
    if location is not None:
        t += fld(13, fld(1, 'location') + fld(2, location))
        t += fld(13, fld(1, 'offset') + fld(2, '0'))
    if external:
        t += fint(14, 1)
    return t

def graph(inits=(), nodes=(), sparse=()):
    g = b''.join(fld(1, n) for n in nodes) + fld(2, 'main')
    g += b''.join(fld(5, t) for t in inits)
    g += b''.join(fld(15, s) for s in sparse)
    return g

def node(attrs):
    return fld(4, 'If') + b''.join(fld(5, a) for a in attrs)

def model(g, training=()):
    m = fint(1, 8) + fld(2, 'pytorch') + fld(3, '2.1.0') + fld(7, g)
    m += fld(8, fld(1, '') + fint(2, 17))
    m += b''.join(fld(20, t) for t in training)
    return m

put('onnx-good', 'model.onnx', model(graph(
    [tensor('w1', 'model.onnx.data'), tensor('w2', 'data/w2.bin'),
     tensor('inline', None, False)])))

sub = graph([tensor('deep', '..\\..\\windows\\win.ini')])
put('onnx-escape', 'model.onnx', model(graph(
    inits=[tensor('ok', 'weights.bin'), tensor('up', '../../../etc/passwd')],
    nodes=[node([fld(1, 'then_branch') + fld(6, sub),
                 fld(1, 'value') + fld(5, tensor('attr', '/etc/shadow'))])],
    sparse=[fld(1, tensor('sp', 'C:\\secrets.bin')) + fld(2, tensor('ix'))]),
    training=[fld(1, graph([tensor('train', 'a/../../b')]))]))

whole = model(graph([tensor('w', 'ok.bin')] * 10))
put('onnx-truncated', 'model.onnx', whole[:len(whole) - 7])
put('onnx-garbage', 'model.onnx', b'\xff' * 64)
g = graph([tensor('bottom', '../x')])
for _ in range(100):
    g = graph(nodes=[node([fld(1, 'body') + fld(6, g)])])
put('onnx-deep', 'model.onnx', model(g))
# A field length of 2^62: refused by the enclosing message's length.
put('onnx-huge', 'model.onnx', fint(1, 8) + varint(7 << 3 | 2) +
    varint(1 << 62) + b'\x00' * 32)

b = io.BytesIO()
with tarfile.open(fileobj=b, mode='w:gz') as t:
    data = model(graph([tensor('up', '../../../../root/.ssh/id_rsa')]))
    ti = tarfile.TarInfo('release/model.onnx')
    ti.size = len(data)
    t.addfile(ti, io.BytesIO(data))
put('onnx-tar', 'release.tar.gz', b.getvalue())

# --- Keras ---
def keras_config(layers):
    return {'module': 'keras', 'class_name': 'Functional',
            'config': {'name': 'model', 'layers': layers},
            'registered_name': 'Functional'}

dense = {'module': 'keras.layers', 'class_name': 'Dense',
         'config': {'name': 'dense', 'units': 4}}
lam = {'module': 'keras.layers', 'class_name': 'Lambda',
       'config': {'name': 'my_lambda', 'function': {
           'class_name': '__lambda__',
           'config': {'code': '4wEAAAAAAAAA', 'defaults': None}}}}

def keras_zip(layers):
    b = io.BytesIO()
    with zipfile.ZipFile(b, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('metadata.json', json.dumps({'keras_version': '3.3'}))
        z.writestr('config.json', json.dumps(keras_config(layers)))
        z.writestr('model.weights.h5', b'\x89HDF\r\n\x1a\n' + b'\0' * 64)
    return b.getvalue()

put('keras-lambda', 'model.keras', keras_zip([dense, lam]))
put('keras-clean', 'model.keras', keras_zip([dense]))

# A legacy .h5: HDF5 signature, binary filler, then the model_config
# attribute text; the Lambda straddles the plugin's 256 KiB reads.
cfg = json.dumps({'class_name': 'Sequential', 'config': {'name': 's',
      'layers': [dense, {'class_name': 'Lambda', 'config': {
          'name': 'h5_lambda', 'function': ['4wEAAAAA', None, None]}}]}})
pos = cfg.index('"class_name": "Lambda"')
pad = (256 << 10) - 6 - 8 - len('model_config') - pos
h5 = (b'\x89HDF\r\n\x1a\n' + b'\x01' * pad + b'model_config' +
      cfg.encode() + b'\x00' * 5000)
put('h5-lambda', 'model.h5', h5)
put('h5-clean', 'weights.h5', b'\x89HDF\r\n\x1a\n' + os.urandom(1 << 20))
PY

audit() { # audit CASE WANT [ARGS...]
	local case=$1 want=$2 rc=0; shift 2
	timeout 20 "$PEDIGREE" audit --format json -o "$tmp/$case.json" "$@" \
		"$tmp/$case" >/dev/null 2>"$tmp/$case.err" || rc=$?
	if [ "$rc" -eq "$want" ]; then ok "$case: exit $rc"
	else bad "$case: exit $rc, want $want"; sed 's/^/  | /' "$tmp/$case.err"
	fi
}
# check CASE NAME EXPR: P lists this plugin's findings, R(rule) one rule's,
# S(rule) their subjects.
check() {
	if python3 -c "import json,sys; r=json.load(open(sys.argv[1])); \
P=[f for f in r['findings'] if f['plugin']=='unsafe-formats']; \
R=lambda n: [f for f in P if f['rule']==n]; \
S=lambda n: sorted(f.get('subject') for f in R(n)); \
sys.exit(0 if ($3) else 1)" "$tmp/$1.json" 2>"$tmp/check.err"; then
		ok "$1: $2"
	else
		bad "$1: $2: $3"; sed 's/^/  | /' "$tmp/check.err"
		show_findings "$tmp/$1.json"
	fi
}
esc="R('onnx.external-data-escape')"
model="R('onnx.model')[0]['properties']"

audit onnx-good 0
check onnx-good "external data inside the folder" "not $esc and \
$model['external_files']==['model.onnx.data','data/w2.bin'] and \
$model['tensors']==3 and $model['external_tensors']==2 and \
$model['ir_version']==8 and $model['producer']=='pytorch 2.1.0'"
audit onnx-escape 1
check onnx-escape "every escaping location, wherever the tensor is" \
	"S('onnx.external-data-escape')==['../../../etc/passwd',\
'..\\\\..\\\\windows\\\\win.ini','/etc/shadow','C:\\\\secrets.bin','a/../../b'] and \
all(f['severity']=='error' and f['kind']=='security' for f in $esc)"
check onnx-escape "tensor, place and offset named" "any(f['properties']==\
{'tensor':'up','in':'initializer','location_too_long':False} and \
f['evidence']['byte_offset']>0 for f in $esc) and any(f['properties']\
['in']=='attribute' and f['properties']['tensor']=='attr' for f in $esc) \
and any(f['properties']['in']=='sparse initializer' for f in $esc)"
audit onnx-truncated 0
check onnx-truncated "truncated: malformed warning" \
	"R('onnx.malformed')[0]['severity']=='warning' and \
'ends inside' in R('onnx.malformed')[0]['message']"
audit onnx-garbage 0
check onnx-garbage "garbage: malformed warning" "R('onnx.malformed')"
audit onnx-deep 0
check onnx-deep "100 nested graphs stop at the depth limit" \
	"R('onnx.partial') and 'deeper than the limit' in \
R('onnx.partial')[0]['message'] and not $esc"
audit onnx-deep 1 --limit unsafe-formats.onnx-depth=500
check onnx-deep "--limit onnx-depth=500 reaches the bottom" \
	"S('onnx.external-data-escape')==['../x']"
audit onnx-huge 0
check onnx-huge "a 2^62-byte field refused" "R('onnx.malformed')"
audit onnx-tar 1
check onnx-tar "inside a tar.gz stream" "$esc[0]['evidence']['path']==\
'release.tar.gz!/release/model.onnx'"

lam="R('keras.lambda-layer')"
audit keras-lambda 1
check keras-lambda "Lambda layer and its lambda in config.json" \
	"sorted(((f.get('subject'), f['properties']['form']) for f in $lam),\
key=str)==[('my_lambda','Lambda layer'),(None,'lambda function')] and \
all(f['evidence']['path'].endswith('model.keras!/config.json') and \
f['severity']=='error' for f in $lam)"
audit keras-clean 0
check keras-clean "no Lambda: metadata only" "not $lam and \
S('keras.model')==['Functional']"
audit h5-lambda 1
check h5-lambda "Lambda in model_config across a read boundary" \
	"S('keras.lambda-layer')==['h5_lambda'] and \
$lam[0]['evidence']['byte_offset']==(256<<10)-6 and R('keras.model')"
audit h5-lambda 0 --limit unsafe-formats.h5-scan=64K
check h5-lambda "past the scan limit: partial, not found" \
	"not $lam and R('keras.partial')"
audit h5-clean 0
check h5-clean "weights only: nothing" "not P"

[ "$fails" -eq 0 ] || { echo "$fails failed"; exit 1; }
