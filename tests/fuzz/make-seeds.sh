#!/usr/bin/env bash
# make-seeds.sh DIR - write seed corpora for the fuzz targets under
# DIR/<target>/ (generated here, so no binaries are committed).
set -euo pipefail
out=${1:?usage: make-seeds.sh DIR}
mkdir -p "$out/fuzz_pickle" "$out/fuzz_classify" "$out/fuzz_archive" \
	"$out/fuzz_license"
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
PY
