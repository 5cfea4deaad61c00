#!/usr/bin/env bash
# make-seeds.sh DIR - write seed corpora for the fuzz targets under
# DIR/<target>/ (generated here, so no binaries are committed).  Targets
# whose first input byte selects a mode get each seed under several
# selector bytes.
set -euo pipefail
out=${1:?usage: make-seeds.sh DIR}
root=$(cd "$(dirname "$0")/../.." && pwd)
for t in pickle classify archive safetensors gguf card onnx keras license \
	records policy fp_jsonl fp_manifest fp_dense; do
	mkdir -p "$out/fuzz_$t"
done
python3 - "$out" "$root" <<'PY'
import collections, io, json, os, pickle, struct, sys, tarfile, zipfile, gzip
out, root = sys.argv[1], sys.argv[2]

def put(target, name, data):
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(out, target, name), 'wb') as f:
        f.write(data)

def put_sel(target, name, data, selectors):
    if isinstance(data, str):
        data = data.encode()
    for s in selectors:
        put(target, '%s_%02x' % (name, s), bytes([s]) + data)

class Evil:
    def __reduce__(self):
        return (os.system, ('true',))

def zipped(members, method=zipfile.ZIP_STORED):
    b = io.BytesIO()
    with zipfile.ZipFile(b, 'w', method) as z:
        for n, d in members:
            z.writestr(n, d)
    return b.getvalue()

def tarred(members, mode='w'):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode=mode) as t:
        for n, d in members:
            ti = tarfile.TarInfo(n)
            ti.size = len(d)
            t.addfile(ti, io.BytesIO(d))
    return b.getvalue()

# --- pickles: walker (0, tight 0x10..), raw plugin (2), torch zip (3) ---
values = [collections.OrderedDict(a=[1, 2.5, 'x', b'y', {3}]),
          (None, True, 10 ** 30, frozenset([1]), bytearray(b'z')),
          {'e': Evil(), 's': slice(1, 2), 'c': 1j}]
for p in range(0, 6):
    for i, v in enumerate(values):
        put_sel('fuzz_pickle', 'p%d_%d' % (p, i),
                pickle.dumps(v, protocol=p), (0x00, 0x51, 0x02))
memo = (b'\x80\x04\x8c\x02os\x94\x8c\x06system\x94\x30\x30h\x00h\x01\x93'
        b'\x8c\x04echo\x85R.')
put_sel('fuzz_pickle', 'memo', memo, (0x00, 0x31, 0x0a))
put_sel('fuzz_pickle', 'inst', b'(S\'x\'\nios\nsystem\n.', (0x00, 0x11))
put_sel('fuzz_pickle', 'obj', b'\x80\x02ccollections\nOrderedDict\n)\x81}b.',
        (0x00, 0x71))
legacy = b''.join(pickle.dumps(v, protocol=2) for v in
                  (0x1950a86a20f9469cfc6c, 1001, {'little_endian': True},
                   {'w': Evil()}, ['0'])) + struct.pack('<Q', 2) + b'\0' * 8
put_sel('fuzz_pickle', 'legacy', legacy, (0x00, 0x02, 0x06))
pkl = pickle.dumps(values[0], protocol=2)
put_sel('fuzz_pickle', 'torchzip', zipped([
    ('archive/data.pkl', pickle.dumps(values[2], protocol=4)),
    ('archive/data/0', b'\0' * 16), ('archive/version', b'3\n')]),
    (0x03, 0x07, 0x0b))
put_sel('fuzz_pickle', 'torchzip-deflate', zipped([
    ('archive/data.pkl', pkl)], zipfile.ZIP_DEFLATED), (0x03, 0x0f))

# --- classifier and archives ---
st = b'{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}'
st = struct.pack('<Q', len(st)) + st + b'\0' * 4
classify = {
    'st': st, 'gguf': b'GGUF' + struct.pack('<IQQ', 3, 0, 0),
    'pkl': pkl, 'zip': zipped([('archive/data.pkl', pkl)]),
    'lfs': b'version https://git-lfs.github.com/spec/v1\noid sha256:' +
           b'a' * 64 + b'\nsize 12345\n',
    'par': b'PAR1' + b'\0' * 8, 'tar': tarred([('a.txt', b'hi')]),
    'md': b'---\nlicense: mit\n---\n# Model\n',
    'h5': b'\x89HDF\r\n\x1a\n' + b'\0' * 16,
}
for i, (n, d) in enumerate(sorted(classify.items())):
    for j in (0, 1, 3):
        put('fuzz_classify', '%s_%d' % (n, j), bytes([i + j]) + d)

inner = tarred([('x/config.json', b'{"model_type":"llama"}')], 'w:gz')
archive = {
    'tar': tarred([('README.md', b'# hi\n'), ('w.pkl', pkl)]),
    'tgz': tarred([('a/b.txt', b'x' * 1000)], 'w:gz'),
    'zip': zipped([('m.bin', pkl), ('in.tar.gz', inner)],
                  zipfile.ZIP_DEFLATED),
    'nested': tarred([('in.tar.gz', inner)]),
    'gz': gzip.compress(tarred([('f', b'y' * 100)])),
}
for n, d in archive.items():
    put('fuzz_archive', n, d)

# --- safetensors (selector 0/4/8) and config.json (3/7) ---
def st_file(header, data_len):
    h = json.dumps(header).encode()
    return struct.pack('<Q', len(h)) + h + b'\0' * data_len

put_sel('fuzz_safetensors', 'good', st_file({
    '__metadata__': {'base_model': 'a/b', 'license': 'mit',
                     'teachers': 'x/y, z/w'},
    'a': {'dtype': 'F32', 'shape': [2, 2], 'data_offsets': [0, 16]},
    'b': {'dtype': 'BF16', 'shape': [4], 'data_offsets': [16, 24]}}, 24),
    (0x00, 0x04, 0x08))
put_sel('fuzz_safetensors', 'lies', st_file({
    'x': {'dtype': 'F32', 'shape': [4], 'data_offsets': [0, 16]},
    'y': {'dtype': 'F32', 'shape': [2], 'data_offsets': [8, 16]},
    'z': {'dtype': 'F16', 'shape': [3, 3], 'data_offsets': [0, 4]}}, 16),
    (0x00, 0x0c))
put_sel('fuzz_safetensors', 'config', json.dumps({
    '_name_or_path': 'mistralai/Mistral-7B-v0.1',
    'architectures': ['MistralForCausalLM'], 'model_type': 'mistral'}),
    (0x03, 0x07))

# --- GGUF (selector 0..3) ---
def gs(s):
    b = s.encode()
    return struct.pack('<Q', len(b)) + b

def kv_str(k, v):
    return gs(k) + struct.pack('<I', 8) + gs(v)

kvs = [kv_str('general.architecture', 'llama'), kv_str('general.name', 'T'),
       kv_str('general.license', 'mit'),
       gs('general.base_model.count') + struct.pack('<II', 4, 1),
       kv_str('general.base_model.0.name', 'Base'),
       kv_str('general.base_model.0.organization', 'org'),
       gs('tokenizer.ggml.tokens') + struct.pack('<IIQ', 9, 8, 3) +
       gs('a') + gs('b') + gs('c'),
       gs('tokenizer.ggml.scores') + struct.pack('<IIQ', 9, 6, 3) +
       b'\0' * 12]
gguf = b'GGUF' + struct.pack('<IQQ', 3, 1, len(kvs)) + b''.join(kvs)
put_sel('fuzz_gguf', 'good', gguf + b'\0' * 32, (0, 1, 2, 3))
# The crash fuzz_gguf found: a general.* string that is not UTF-8.
bad = b'GGUF' + struct.pack('<IQQ', 3, 0, 1) + gs('general.name') + \
    struct.pack('<I', 8) + struct.pack('<Q', 3) + b'\xff\0\x1b'
put_sel('fuzz_gguf', 'utf8', bad, (0, 2))

# --- model cards ---
cards = {
    'avocado': open(os.path.join(root, 'samples/avocado/README.md'),
                    'rb').read(),
    'lists': b'---\nlicense: [mit, apache-2.0]\nbase_model:\n- a/b\n- c/d\n'
             b'base_model_relation: quantized\ndatasets: [x/y]\n---\n# M\n',
    'alias': b'---\na: &x [1]\nb: *x\nlicense: mit\n---\n',
    'nested': b'---\nmodel-index:\n- name: m\n  results:\n  - task: '
              b'{type: t}\n---\n',
}
for n, d in cards.items():
    put_sel('fuzz_card', n, d, (0, 1, 2))

# --- ONNX: a protobuf writer, enough for the walker's messages ---
def varint(n):
    b = b''
    while True:
        c = n & 0x7f
        n >>= 7
        b += bytes([c | 0x80]) if n else bytes([c])
        if not n:
            return b

def fld(num, payload):
    payload = payload.encode() if isinstance(payload, str) else payload
    return varint(num << 3 | 2) + varint(len(payload)) + payload

def fint(num, v):
    return varint(num << 3) + varint(v)

def tensor(name, loc):
    return (fint(1, 4) + fint(2, 1) + fld(8, name) +
            fld(13, fld(1, 'location') + fld(2, loc)) + fint(14, 1))

sub = fld(2, 'sub') + fld(5, tensor('deep', '../x'))
node = fld(4, 'If') + fld(5, fld(1, 'then_branch') + fld(6, sub))
graph = (fld(1, node) + fld(2, 'main') + fld(5, tensor('w', 'w.bin')) +
         fld(15, fld(1, tensor('sp', '/abs')) + fld(2, tensor('ix', 'i'))))
onnx = (fint(1, 8) + fld(2, 'pytorch') + fld(3, '2.1') + fld(7, graph) +
        fld(8, fld(1, '') + fint(2, 17)) + fld(20, fld(1, graph)))
put_sel('fuzz_onnx', 'model', onnx, (0, 1, 2, 3))

# --- Keras: .h5 bytes (odd selectors) and config.json (even) ---
lam = {'class_name': 'Lambda', 'config': {'name': 'l', 'function':
       {'class_name': '__lambda__', 'config': {'code': 'AA'}}}}
cfg = json.dumps({'class_name': 'Functional', 'config': {
    'name': 'm', 'layers': [{'class_name': 'Dense', 'config': {}}, lam]}})
put_sel('fuzz_keras', 'h5', b'\x89HDF\r\n\x1a\n' + b'\0' * 100 +
        b'model_config' + cfg.encode() + b'\0' * 64, (1, 3, 5))
put_sel('fuzz_keras', 'config', cfg, (0, 2, 4))

# --- licence identification: texts of this repository, and phrases ---
put('fuzz_license', 'avocado', b'\0' + open(os.path.join(
    root, 'samples/avocado/LICENSE'), 'rb').read())
put('fuzz_license', 'card', b'\1' + cards['avocado'])
put('fuzz_license', 'spdx', b'SPDX-License-Identifier: (Apache-2.0 OR '
    b'MIT) AND LLVM-exception\n')
put('fuzz_license', 'mit', b'\1MIT License\n\nPermission is hereby '
    b'granted, free of charge, to any person\n')

# The first byte: format (% 3: lines, json, csv), piece size, header bit.
records = {
    'jsonl': b'\x00{"text": "I\\u2019m Qwen"}\n\n{"a": [1, "]"]}\r\n',
    'json': b'\x05[\n {"a": "x\\"y"},\n [1, {"b": 2}], "s", 3\n]\n',
    'jsonseq': b'\x01{"a":\n 1}\n{"b": 2} 7 "t"',
    'csv': b'\x42a,b\n1,"two\nlines ""q"""\n3,4\n',
    'norm': b'\x08As\\nan  AI&#39;s \\ud83d\\ude00 \xc2\xa0\xff\n',
    'card': b'\x80---\nlicense: mit\nannotations_creators: [machine-generated]'
            b'\ntags:\n- gpt-4\n- {a: [b]}\nx: &a [*a]\n---\n# c\n',
}
for n, d in records.items():
    put('fuzz_records', n, d)

# Licence texts written here: naming lines, clauses, notices, SPDX lines,
# a gated card, Chinese.  The first byte picks the entry points (15: all).
licence = {
    'llama': 'LLAMA 3.1 COMMUNITY LICENSE AGREEMENT\nLlama 3.1 Version '
             'Release Date: July 23, 2024\n1. Grant. You may use it.\n',
    'clauses': 'You may not use the Model for commercial purposes. More '
               'than 700,000,000 monthly active users need a licence. '
               'Names must begin with "Foo". Display "Built with Foo".\n',
    'notice': 'The code is licensed under the Apache License, Version 2.0.'
              '\nData: CC BY-NC-SA 4.0.\n',
    'spdx': 'SPDX-License-Identifier: (MIT OR Apache-2.0) AND '
            'GPL-2.0-only WITH Classpath-exception-2.0\n',
    'card': '---\nlicense: other\nlicense_name: qwen\nextra_gated_prompt:'
            ' "Qwen LICENSE AGREEMENT\\nYou may use it.\\u201cq\\u201d"'
            '\n---\n# Card\n\n## License\n\nSee above.\n',
    'zh': '\u6a21\u578b\u8bb8\u53ef\u534f\u8bae\u3002\u4e0d\u5f97'
          '\u7528\u4e8e\u5546\u4e1a\u7528\u9014\u3002\u6708\u6d3b'
          '\u8dc3\u7528\u6237\u8d85\u8fc7 1 \u4ebf\u3002\n',
}
for n, t in licence.items():
    put('fuzz_license', n, bytes([15]) + t.encode('utf-8'))

# --- policies: the built-in ones, and one of every section ---
for n in ('default', 'release', 'research-only'):
    put('fuzz_policy', n, open(os.path.join(root, 'policies', n + '.yaml'),
                               'rb').read())
put('fuzz_policy', 'all', b"""policy: p
version: 1
intended_use:
  commercial: true
  distributes_weights: true
  competes_with: [openai, anthropic]
  monthly_active_users: 1000000
licenses:
  allow: [Apache-2.0, MIT]
  deny: [LicenseRef-*-NC*]
rules:
  terms.*: fail
  lineage.undeclared: warn
severity:
  warning: warn
  info: pass
exceptions:
  - rule: obligation.*
    subject: Apache-2.0
    reason: r
    approved_by: a
    component: a*
    path: "data/*"
    expires: 2030-01-01
clarify:
  - path: LICENSE
    component: avocado
    hash: xxh3:0123456789abcdef
    license: MIT
    reason: reviewed
""")

# fingerprint: one line of each server shape, manifests, headers, vocabs
def entry(tok, lp, top=()):
    return {"token": tok, "logprob": lp, "bytes": list(tok.encode()),
            "top_logprobs": [{"token": t, "logprob": l} for t, l in top]}
chat = {"probe": "p1", "response": {"choices": [{"logprobs": {"content": [
    entry("He", -0.5, [("He", -0.5), ("Hi", -1.5)]), entry("llo", -0.1)]}}]}}
vllm = {"probe": "p2", "response": {"choices": [{"prompt_logprobs": [None,
    {"5": {"logprob": -0.2, "rank": 1, "decoded_token": " a"}},
    {"7": {"logprob": -4.0, "rank": 3, "decoded_token": "c"},
     "3": {"logprob": -0.1, "rank": 1, "decoded_token": "d"}}],
    "prompt_token_ids": [1, 5, 7]}]}}
legacy = {"probe": "p3", "response": {"choices": [{"logprobs": {
    "tokens": ["A", " b"], "token_logprobs": [None, -1.0],
    "top_logprobs": [None, {" b": -1.0, " q": -2.0}]}}]}}
ollama = {"probe": "p4", "response": {"model": "m", "response": "hi",
    "logprobs": [entry("hi", -0.3, [("hi", -0.3)])]}}
batch = {"custom_id": "p5", "response": {"status_code": 200,
    "body": chat["response"]}, "error": None}
for n, d in (("chat", chat), ("vllm", vllm), ("legacy", legacy),
             ("ollama", ollama), ("batch", batch)):
    put('fuzz_fp_jsonl', n, json.dumps(d).encode())
manifest = (b"fingerprint: 1\nstudent: s\nalpha: 0.05\nmodels:\n"
            b"  - {id: s, role: student, scores: s.jsonl}\n"
            b"  - id: t\n    role: teacher\n    scores: [a.jsonl]\n"
            b"    serving: {temperature: 1.0}\n"
            b"  - id: c\n    role: control\n"
            b"    dense: {logits: c.safetensors, vocab: v.json}\n"
            b"probes: [{id: q, generator: t, text: hello}]\n")
put('fuzz_fp_manifest', 'yaml', manifest)
put('fuzz_fp_manifest', 'json', json.dumps({"fingerprint": 1, "models": [
    {"id": "s", "role": "student", "scores": "s.jsonl"}],
    "probes": "p.jsonl"}).encode())
hdr = json.dumps({"logits.a": {"dtype": "BF16", "shape": [2, 3],
                               "data_offsets": [0, 12]},
                  "input_ids.a": {"dtype": "I64", "shape": [2],
                                  "data_offsets": [12, 28]}}).encode()
put('fuzz_fp_dense', 'st', b"\x03" + struct.pack('<Q', len(hdr)) + hdr +
    b"\0" * 28)
put('fuzz_fp_dense', 'vocab', b"\x00" + json.dumps({"model": {"vocab": {
    "a": 0, "\u0120b": 1}}, "decoder": {"type": "ByteLevel"},
    "added_tokens": [{"id": 2, "content": "<s>", "special": True}]}).encode())
put('fuzz_fp_dense', 'list', b"\x00" + json.dumps(["a", " b"]).encode())
PY
