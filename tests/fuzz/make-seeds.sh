#!/usr/bin/env bash
# make-seeds.sh DIR - write seed corpora for the fuzz targets under
# DIR/<target>/ (generated here, so no binaries are committed).
set -euo pipefail
out=${1:?usage: make-seeds.sh DIR}
mkdir -p "$out/fuzz_pickle" "$out/fuzz_classify" "$out/fuzz_archive" \
	"$out/fuzz_records"
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
PY
