#!/usr/bin/env bash
# make-seeds.sh DIR - write seed corpora for the fuzz targets under
# DIR/<target>/ (generated here, so no binaries are committed).
set -euo pipefail
out=${1:?usage: make-seeds.sh DIR}
mkdir -p "$out/fuzz_pickle" "$out/fuzz_classify" "$out/fuzz_archive" \
	"$out/fuzz_fp_jsonl" "$out/fuzz_fp_manifest" "$out/fuzz_fp_dense"
python3 - "$out" <<'PY'
import collections, io, os, pickle, struct, sys, tarfile, zipfile, gzip
out = sys.argv[1]

def put(target, name, data):
    with open(os.path.join(out, target, name), 'wb') as f:
        f.write(data)

class Evil:
    def __reduce__(self):
        return (os.system, ('true',))

values = [collections.OrderedDict(a=[1, 2.5, 'x', b'y', {3}]),
          (None, True, 10 ** 30, frozenset([1]), bytearray(b'z')),
          {'e': Evil(), 's': slice(1, 2), 'c': 1j}]
for p in range(0, 6):
    for i, v in enumerate(values):
        put('fuzz_pickle', 'p%d_%d.pkl' % (p, i),
            pickle.dumps(v, protocol=p))
put('fuzz_pickle', 'memo.pkl', b'\x80\x04\x8c\x02os\x94\x8c\x06system'
    b'\x94\x30\x30h\x00h\x01\x93\x8c\x04echo\x85R.')
put('fuzz_pickle', 'inst.pkl', b'(S\'x\'\nios\nsystem\n.')

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

pkl = pickle.dumps(values[0], protocol=2)
st = b'{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}'
st = struct.pack('<Q', len(st)) + st + b'\0' * 4
classify = {
    'st': st, 'gguf': b'GGUF' + struct.pack('<IQQ', 3, 0, 0),
    'pkl': pkl, 'zip': zipped([('archive/data.pkl', pkl)]),
    'lfs': b'version https://git-lfs.github.com/spec/v1\noid sha256:' +
           b'a' * 64 + b'\nsize 12345\n',
    'par': b'PAR1' + b'\0' * 8, 'tar': tarred([('a.txt', b'hi')]),
    'md': b'---\nlicense: mit\n---\n# Model\n',
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

# fingerprint: one line of each server shape, manifests, headers, vocabs
import json
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
