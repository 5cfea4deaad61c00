#!/usr/bin/env python3
"""hostile.py GROUP - pedigree against inputs built to hurt it.

Groups (one meson test each): weights, pickle, formats, archives, tree,
text.
Every case asserts the exit status, the finding or message that names the
problem, a finish within 20 s and a peak RSS under 512 MB, and that the
JSON report stays valid (hostile_lib.Suite.audit).
"""
import io
import json
import os
import pickle
import pickletools
import stat
import struct
import sys
import tarfile
import zipfile
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hostile_lib import (Suite, findings, has, zero_deflate_blocks,  # noqa
                         crc32_zeros)

MIB = 1 << 20


def st_file(header, data_len, raw_len=None):
    h = header if isinstance(header, bytes) else json.dumps(header).encode()
    n = len(h) if raw_len is None else raw_len
    return struct.pack('<Q', n) + h + b'\0' * data_len


def gs(s):
    b = s.encode() if isinstance(s, str) else s
    return struct.pack('<Q', len(b)) + b


def gguf(kvs, tensors=0, kv_count=None):
    n = len(kvs) if kv_count is None else kv_count
    return b'GGUF' + struct.pack('<IQQ', 3, tensors, n) + b''.join(kvs)


def kv_str(k, v):
    return gs(k) + struct.pack('<I', 8) + gs(v)


def tar_bytes(members, mode='w'):
    """members: (name, data) for files, (name, None, target, type) for
    links."""
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode=mode, format=tarfile.GNU_FORMAT) as t:
        for m in members:
            ti = tarfile.TarInfo(m[0])
            if m[1] is None:
                ti.type = m[3]
                ti.linkname = m[2]
                t.addfile(ti)
            else:
                ti.size = len(m[1])
                t.addfile(ti, io.BytesIO(m[1]))
    return b.getvalue()


# --- weights ------------------------------------------------------------

def group_weights(s):
    invalid = 'weights.header-invalid'
    s.put('st-beyond/model.safetensors',
          struct.pack('<Q', 4096) + b'{"a":1}' + b'\0' * 100)
    r = s.audit('st-beyond', s.path('st-beyond'), 1)
    s.check('st-beyond', 'header length beyond the file: error',
            has(r, invalid, 'error', msg='header length 4096 beyond the '
                'file (size 115)'), r)

    s.put('st-2p63/model.safetensors', struct.pack('<Q', 1 << 63) + b'{}')
    r = s.audit('st-2p63', s.path('st-2p63'), 1)
    s.check('st-2p63', 'header length 2^63 refused',
            has(r, invalid, 'error', msg='header length 9223372036854775808'
                ' beyond the file'), r)

    # 1 MiB of '[': jansson's depth limit stops it, not the stack.
    deep = b'{"a":' + b'[' * MIB + b'}'
    s.put('st-nesting/model.safetensors', st_file(deep, 0))
    r = s.audit('st-nesting', s.path('st-nesting'), 1)
    s.check('st-nesting', 'pathological nesting: not valid JSON',
            has(r, invalid, 'error', msg='not valid JSON'), r)

    # Found by this suite: a header past the 16 MiB head was read short
    # and reported unreadable; and, read whole, 20 MB of "0," made
    # jansson build 10M values (860 MB).  Values are counted first.
    s.put('st-values/model.safetensors', st_file(
        b'{"__metadata__":{"x":[' + b'0,' * (10 << 20) + b'0]}}', 0))
    r = s.audit('st-values', s.path('st-values'), 1, growth_kb=64 * 1024)
    s.check('st-values', '10M JSON values refused before parsing',
            has(r, invalid, 'error', msg='JSON values, more than the limit'),
            r)
    meta = {'k%d' % i: 'v' * (1 << 20) for i in range(20)}
    meta['license'] = 'mit'
    s.put('st-20m/model.safetensors', st_file({'__metadata__': meta,
        'w': {'dtype': 'F32', 'shape': [1], 'data_offsets': [0, 4]}}, 4))
    r = s.audit('st-20m', s.path('st-20m'), 0)
    s.check('st-20m', 'a 20 MiB header past the head is read whole',
            has(r, 'weights.license') and not findings(r, invalid), r)

    s.put('st-lies/model.safetensors', st_file({
        'x': {'dtype': 'F32', 'shape': [4], 'data_offsets': [0, 16]},
        'y': {'dtype': 'F32', 'shape': [2], 'data_offsets': [8, 16]},
        'z': {'dtype': 'F32', 'shape': [1 << 40], 'data_offsets': [0, 4]},
        'w': {'dtype': 'U8', 'shape': [64], 'data_offsets': [1 << 61,
                                                         1 << 62]},
    }, 16))
    r = s.audit('st-lies', s.path('st-lies'), 1)
    s.check('st-lies', 'overlap, size mismatch, offsets outside',
            has(r, invalid, msg='overlaps') and
            has(r, invalid, msg='need a different size') and
            has(r, invalid, msg='outside the data section'), r)

    # The same lie inside a tar.gz: the header is read from a stream.
    s.put('st-stream.tar.gz', tar_bytes(
        [('m/model.safetensors', struct.pack('<Q', (1 << 64) - 1) +
          b'{}' + b'\0' * 1000)], 'w:gz'))
    r = s.audit('st-stream', s.path('st-stream.tar.gz'), 1)
    s.check('st-stream', 'header length 2^64-1 inside an archive',
            has(r, invalid, 'error', path_end='m/model.safetensors',
                msg='beyond the file'), r)

    # Integers past 2^63 are not JSON jansson reads: refused as such.
    s.put('st-bigint/model.safetensors', st_file(
        b'{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,'
        b'18446744073709551616]}}', 1))
    r = s.audit('st-bigint', s.path('st-bigint'), 1)
    s.check('st-bigint', 'offset of 2^64 refused',
            has(r, invalid, 'error', msg='too big integer'), r)

    whole = st_file({'a': {'dtype': 'F32', 'shape': [256],
                           'data_offsets': [0, 1024]}}, 1024)
    s.put('st-truncated/model.safetensors', whole[:600])
    r = s.audit('st-truncated', s.path('st-truncated'), 1)
    s.check('st-truncated', 'truncated data section named',
            has(r, invalid, msg='outside the data section'), r)

    s.put('gguf-kvcount/model.gguf', gguf([], kv_count=(1 << 64) - 1))
    r = s.audit('gguf-kvcount', s.path('gguf-kvcount'), 1)
    s.check('gguf-kvcount', 'absurd metadata count refused',
            has(r, invalid, 'error', msg='metadata entry count'), r)

    s.put('gguf-tensors/model.gguf',
          gguf([kv_str('general.name', 'x')], tensors=(1 << 64) - 1))
    r = s.audit('gguf-tensors', s.path('gguf-tensors'), 1)
    s.check('gguf-tensors', 'absurd tensor count refused',
            has(r, invalid, 'error', msg='tensor count'), r)

    s.put('gguf-keylen/model.gguf',
          gguf([struct.pack('<Q', 1 << 63) + b'general.name']))
    r = s.audit('gguf-keylen', s.path('gguf-keylen'), 1)
    s.check('gguf-keylen', 'key length 2^63 refused',
            has(r, invalid, 'error', msg='string length'), r)

    s.put('gguf-vallen/model.gguf',
          gguf([gs('general.name') + struct.pack('<I', 8) +
                struct.pack('<Q', (1 << 64) - 2) + b'abc']))
    r = s.audit('gguf-vallen', s.path('gguf-vallen'), 0)
    s.check('gguf-vallen', 'value length 2^64 stops at the file end',
            has(r, invalid, 'warning', msg='truncated'), r)

    s.put('gguf-arrlen/model.gguf', gguf([
        gs('tokenizer.ggml.tokens') + struct.pack('<I', 9) +
        struct.pack('<IQ', 8, 1 << 62) + gs('a') * 1000]))
    r = s.audit('gguf-arrlen', s.path('gguf-arrlen'), 0)
    s.check('gguf-arrlen', 'array count 2^62 stops at the file end',
            has(r, invalid, 'warning', msg='truncated'), r)

    nested = struct.pack('<IQ', 9, 1)
    s.put('gguf-nested/model.gguf', gguf([
        gs('x.deep') + struct.pack('<I', 9) + nested * 200]))
    r = s.audit('gguf-nested', s.path('gguf-nested'), 1)
    s.check('gguf-nested', 'nested arrays bounded',
            has(r, invalid, 'error', msg='array nesting'), r)

    whole = gguf([kv_str('general.architecture', 'llama'),
                  kv_str('general.name', 'A model with a long name')])
    for cut in (3, 20, len(whole) - 5):
        s.put('gguf-trunc%d/model.gguf' % cut, whole[:cut])
    r = s.audit('gguf-trunc', [s.path('gguf-trunc%d' % c)
                               for c in (3, 20, len(whole) - 5)], 0)
    s.check('gguf-trunc', 'truncated files are warnings',
            len([f for f in findings(r, invalid)
                 if f['severity'] == 'warning']) == 3, r)

    # Found by fuzz_gguf: a string that is not UTF-8 made the metadata
    # finding invalid JSON, so the host refused it and the GGUF header
    # went unreported.
    s.put('gguf-utf8/model.gguf', gguf([
        gs('general.name') + struct.pack('<I', 8) + gs(b'\xff\xfe\0ab\x1b'),
        kv_str('general.architecture', 'llama')]))
    r = s.audit('gguf-utf8', s.path('gguf-utf8'), 0)
    m = findings(r, 'weights.metadata')
    s.check('gguf-utf8', 'invalid UTF-8 and NUL in a GGUF string',
            not findings(r, 'core.plugin-failed') and len(m) == 1 and
            m[0].get('properties', {}).get('general', {}).get(
                'general.name') == '???ab?', r)

    s.put('config-deep/config.json', b'[' * (3 * MIB))
    r = s.audit('config-deep', s.path('config-deep'), 0)
    s.check('config-deep', 'deep config.json read without a crash',
            r is not None and not findings(r, 'core.plugin-failed'), r)


# --- pickle -------------------------------------------------------------

class Evil:
    marker = None

    def __reduce__(self):
        return (os.system, ('touch ' + Evil.marker,))


def legacy_torch(payload):
    """A torch.save file of the pre-zip format: magic number, protocol
    version and sys_info pickles, the object, the storage keys, then raw
    storage bytes."""
    out = pickle.dumps(0x1950a86a20f9469cfc6c, protocol=2)
    out += pickle.dumps(1001, protocol=2)
    out += pickle.dumps({'protocol_version': 1001, 'little_endian': True,
                         'type_sizes': {'short': 2, 'int': 4,
                                        'long': 4}}, protocol=2)
    out += pickle.dumps(payload, protocol=2)
    out += pickle.dumps(['0'], protocol=2)
    return out + struct.pack('<Q', 4) + b'\0' * 16


def group_pickle(s):
    marker = s.path('PWNED')
    Evil.marker = marker
    data = pickle.dumps({'w': [1.0], 'x': Evil()}, protocol=2)
    off = [p for op, a, p in pickletools.genops(data)
           if op.name == 'GLOBAL'][0]
    s.put('raw/model.pkl', data)
    r = s.audit('raw', s.path('raw'), 1)
    s.check('raw', 'os.system is a dangerous import at its offset',
            any(f['subject'] in ('posix.system', 'os.system') and
                f['severity'] == 'error' and f['kind'] == 'security' and
                f['evidence']['byte_offset'] == off
                for f in findings(r, 'pickle.dangerous-import')), r)

    b = io.BytesIO()
    with zipfile.ZipFile(b, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('archive/data.pkl', pickle.dumps(Evil(), protocol=4))
        z.writestr('archive/version', '3\n')
    s.put('torchzip/pytorch_model.bin', b.getvalue())
    r = s.audit('torchzip', s.path('torchzip'), 1)
    s.check('torchzip', 'os.system inside data.pkl of a torch zip',
            has(r, 'pickle.dangerous-import', 'error',
                path_end='!/archive/data.pkl'), r)

    s.put('legacy/model.pt', legacy_torch({'x': Evil()}))
    r = s.audit('legacy', s.path('legacy'), 1)
    s.check('legacy', 'os.system in a legacy torch.save file',
            has(r, 'pickle.dangerous-import', 'error') and
            findings(r, 'pickle.imports')[0]['properties']['format'] ==
            'torch-legacy' and
            findings(r, 'pickle.imports')[0]['properties']['pickles'] == 5,
            r)
    s.check('nothing-ran', 'no marker file: no payload ran',
            not os.path.exists(marker))

    s.put('marks/x.pkl', b'\x80\x02' + b'(' * (8 * MIB) + b'.')
    r = s.audit('marks', s.path('marks'), 0)
    s.check('marks', '8M nested marks bounded',
            has(r, 'pickle.malformed', msg='deeper than'), r)

    s.put('memo/x.pkl', b'\x80\x04' + b'N\x940' * (4 * MIB) + b'.')
    r = s.audit('memo', s.path('memo'), 0)
    s.check('memo', '4M memo entries bounded',
            has(r, 'pickle.malformed', msg='memo'), r)

    # 5000 distinct globals, then 2M more uses of one of them: every
    # import is looked up, so the lookup must not be linear.
    flood = b''.join(b'cm%d\nn\n0' % i for i in range(5000))
    flood += b'cm1\nn\n0' * (2 << 20)
    s.put('globals/x.pkl', b'\x80\x02' + flood + b'N.')
    r = s.audit('globals', s.path('globals'), 0)
    imp = findings(r, 'pickle.imports')
    s.check('globals', '2M imports of 5000 globals: bounded report',
            len(imp) == 1 and imp[0]['properties'].get('imports_truncated')
            and len(imp[0]['properties']['imports']) == 4096, r)

    # Memo keys spread over the 32-bit range (LONG_BINPUT), 1M of them.
    keys = b''.join(b'r' + struct.pack('<I', (i * 2654435761) & 0xffffffff)
                    for i in range(1 << 20))
    s.put('memo-keys/x.pkl', b'\x80\x02N' + keys + b'.')
    r = s.audit('memo-keys', s.path('memo-keys'), 0)
    s.check('memo-keys', '1M scattered memo keys walked',
            findings(r, 'pickle.imports') and
            not findings(r, 'pickle.malformed'), r)

    s.put('huge-len/x.pkl', b'\x80\x05\x8e' + struct.pack('<Q', 1 << 63) +
          b'x' * 64)
    r = s.audit('huge-len', s.path('huge-len'), 0)
    s.check('huge-len', 'BINBYTES8 of 2^63 bytes refused',
            has(r, 'pickle.malformed', msg='beyond any input'), r)

    # A 300 MiB data.pkl (one BINBYTES8 of zeros, deflated to 300 KiB):
    # reading it must not cost its size in memory.
    big = 300 * MIB
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    head = (b'\x80\x04\x8c\x02os\x8c\x06system\x93\x8e' +
            struct.pack('<Q', big))
    comp = c.compress(head)
    crc = zlib.crc32(head)
    zero = b'\0' * MIB
    for _ in range(300):
        comp += c.compress(zero)
    crc = crc32_zeros(300, crc)
    tail = b'\x85R.'
    comp += c.compress(tail) + c.flush()
    crc = zlib.crc32(tail, crc)
    usize = len(head) + big + len(tail)
    s.put('bigpkl/pytorch_model.bin', zip_one('archive/data.pkl', comp,
                                              crc, usize))
    r = s.audit('bigpkl', s.path('bigpkl'), 1, growth_kb=32 * 1024)
    s.check('bigpkl', 'os.system before 300 MiB of bytes, and called',
            has(r, 'pickle.dangerous-import', 'error',
                msg='calls it (REDUCE at byte %d)' % (len(head) + big
                                                       + 1)), r)

    # 1.5 GiB of padding (a sparse file) hides the call: the walk stops
    # at pickle-scan.max-bytes and says so.
    p = s.put('padded/x.pkl', b'\x80\x04\x8e' + struct.pack('<Q', 3 << 29))
    with open(p, 'r+b') as f:
        f.truncate(11 + (3 << 29))
        f.seek(0, 2)
        f.write(b'\x8c\x02os\x8c\x06system\x93)R.')
    r = s.audit('padded', s.path('padded'), 0, growth_kb=32 * 1024)
    s.check('padded', '1.5 GiB pickle: partial at max-bytes',
            has(r, 'pickle.partial', 'warning', msg='pickle-scan.max-bytes'),
            r)
    r = s.audit('padded-limit', s.path('padded'), 1,
                ['--limit', 'pickle-scan.max-bytes=2G'])
    s.check('padded-limit', '--limit max-bytes=2G reads to the call',
            has(r, 'pickle.dangerous-import', 'error', msg='REDUCE'), r)

    # A member of unknown size (data descriptor) is 4 GiB of zeros:
    # skipping it means inflating it, so it counts against max-bytes.
    s.put('zipbomb/pytorch_model.bin', descriptor_zip_bomb(
        4095, pickle.dumps(Evil(), protocol=2)))
    r = s.audit('zipbomb', s.path('zipbomb'), 0,
                ['--limit', 'pickle-scan.max-bytes=256M'])
    s.check('zipbomb', 'inflating stops at max-bytes',
            has(r, 'pickle.partial', 'warning', msg='decompresses to more'),
            r)

    whole = pickle.dumps({'a': list(range(100))}, protocol=4)
    s.put('truncated/x.pkl', whole[:len(whole) // 2])
    r = s.audit('truncated', s.path('truncated'), 0)
    s.check('truncated', 'truncated pickle: malformed with an offset',
            any(f['evidence'].get('byte_offset', -1) > 0
                for f in findings(r, 'pickle.malformed')), r)


def descriptor_zip_bomb(mib, pkl):
    """A torch zip whose first member, sizes left to a data descriptor,
    inflates to mib MiB of zeros; archive/data.pkl follows."""
    block, final = zero_deflate_blocks()
    crc, usize = crc32_zeros(mib), mib * MIB
    csize = len(block) * mib + len(final)
    n = b'archive/junk'
    out = struct.pack('<IHHHHHIIIHH', 0x04034b50, 20, 8, 8, 0, 0x21, 0, 0,
                      0, len(n), 0) + n
    out += block * mib + final
    out += struct.pack('<IIII', 0x08074b50, crc, csize, usize)
    return out + zip_one('archive/data.pkl', pkl, zlib.crc32(pkl), len(pkl),
                         method=0, offset=len(out))[0]


def zip_one(name, comp, crc, usize, method=8, offset=0):
    """A zip of one member whose data is already compressed.  With an
    offset, (local + data, central + end) of a member placed there."""
    n = name.encode()
    local = struct.pack('<IHHHHHIIIHH', 0x04034b50, 20, 0, method, 0, 0x21,
                        crc, len(comp), usize, len(n), 0) + n
    central = struct.pack('<IHHHHHHIIIHHHHHII', 0x02014b50, 20, 20, 0,
                          method, 0, 0x21, crc, len(comp), usize, len(n),
                          0, 0, 0, 0, 0, offset) + n
    end = struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, 1, 1, len(central),
                      offset + len(local) + len(comp), 0)
    if offset:
        return local + comp + central + end, None
    return local + comp + central + end


# --- archives -----------------------------------------------------------

def write_zip_bomb(path, members, mib_each):
    """`members` entries of mib_each MiB of zeros each, deflated from one
    repeated block: 4 GiB costs 4 MiB of disk and no compression time."""
    block, final = zero_deflate_blocks()
    crc = crc32_zeros(mib_each)
    usize = mib_each * MIB
    csize = len(block) * mib_each + len(final)
    central = b''
    with open(path, 'wb') as f:
        for i in range(members):
            n = ('zeros%d.bin' % i).encode()
            off = f.tell()
            f.write(struct.pack('<IHHHHHIIIHH', 0x04034b50, 20, 0, 8, 0,
                                0x21, crc, csize, usize, len(n), 0) + n)
            for _ in range(mib_each):
                f.write(block)
            f.write(final)
            central += struct.pack('<IHHHHHHIIIHHHHHII', 0x02014b50, 20,
                                   20, 0, 8, 0, 0x21, crc, csize, usize,
                                   len(n), 0, 0, 0, 0, 0, off) + n
        cd = f.tell()
        f.write(central)
        f.write(struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, members,
                            members, len(central), cd, 0))


def write_targz_bomb(path, mib):
    """A tar.gz holding one file of `mib` MiB of zeros."""
    ti = tarfile.TarInfo('zeros.bin')
    ti.size = mib * MIB
    header = ti.tobuf(tarfile.GNU_FORMAT)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(header) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(b'\0' * MIB) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(b'\0' * MIB) + c.flush(zlib.Z_FULL_FLUSH)
    assert block == again
    end = c.compress(b'\0' * 1024) + c.flush(zlib.Z_FINISH)
    crc = crc32_zeros(mib, zlib.crc32(header))
    crc = zlib.crc32(b'\0' * 1024, crc)
    total = len(header) + mib * MIB + 1024
    with open(path, 'wb') as f:
        f.write(b'\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff')
        f.write(first)
        f.write(block)
        for _ in range(mib - 1):
            f.write(block)
        f.write(end)
        f.write(struct.pack('<II', crc, total & 0xffffffff))


def group_archives(s):
    # With the default limits a bomb stops at the expansion ratio, soon
    # after 64 MiB; with the ratio out of the way, at the total.
    write_zip_bomb(s.path('bomb.zip'), 4, 4095)
    r = s.audit('zip-bomb', s.path('bomb.zip'), 0, growth_kb=32 * 1024)
    s.check('zip-bomb', '16 GB of zeros stop at max_expand_ratio',
            has(r, 'source.expand-ratio', 'warning', msg='limit '
                'max_expand_ratio 250'), r)
    r = s.audit('zip-bomb-total', s.path('bomb.zip'), 0,
                ['--max-expand', '128M', '--max-expand-ratio', '1000000'])
    s.check('zip-bomb-total', '16 GB of zeros stop at max_expand',
            has(r, 'source.expand-limit', 'warning', msg='limit '
                'max_expand 134217728'), r)

    write_targz_bomb(s.path('bomb.tar.gz'), 4096)
    r = s.audit('targz-bomb', s.path('bomb.tar.gz'), 0)
    s.check('targz-bomb', '4 GB tar.gz stops at max_expand_ratio',
            has(r, 'source.expand-ratio', 'warning'), r)
    r = s.audit('targz-bomb-total', s.path('bomb.tar.gz'), 0,
                ['--max-expand', '128M', '--max-expand-ratio', '1000000'])
    s.check('targz-bomb-total', '4 GB tar.gz stops at max_expand',
            has(r, 'source.expand-limit', 'warning'), r)

    # A bomb nested in an archive: the limit counts every level.
    write_zip_bomb(s.path('inner.zip'), 1, 1024)
    with open(s.path('inner.zip'), 'rb') as f:
        inner = f.read()
    s.put('nested-bomb.tar', tar_bytes([('a/inner.zip', inner)]))
    r = s.audit('nested-bomb', s.path('nested-bomb.tar'), 0,
                ['--max-expand', '128M', '--max-expand-ratio', '1000000'])
    s.check('nested-bomb', 'bomb inside a tar stops at max_expand',
            has(r, 'source.expand-limit', 'warning'), r)

    escape = s.path('escaped')
    s.put('traversal.tar', tar_bytes([
        ('../../escaped', b'x'), (escape, b'x'),
        ('ok/../../escaped2', b'x'),
        ('etc-link', None, '/etc/passwd', tarfile.SYMTYPE),
        ('up-link', None, '../../../etc', tarfile.SYMTYPE),
        ('hard', None, '/etc/shadow', tarfile.LNKTYPE),
        ('README.md', b'# fine\n'),
    ]))
    r = s.audit('traversal', s.path('traversal.tar'), 0)
    unsafe = findings(r, 'source.archive-unsafe-path')
    s.check('traversal', '../ and absolute member names reported',
            len(unsafe) == 3, r)
    s.check('traversal', 'links to /etc reported, not followed',
            len([f for f in findings(r, 'source.archive-link')
                 if 'outside the archive' in f['message']]) == 3, r)
    s.check('traversal', 'nothing extracted',
            not os.path.exists(escape) and
            not os.path.exists(os.path.join(os.path.dirname(s.root),
                                            'escaped')))

    inner = tar_bytes([('deepest/config.json', b'{"model_type":"x"}')],
                      'w:gz')
    for i in range(40):
        inner = tar_bytes([('level%d.tar.gz' % i, inner)], 'w:gz')
    s.put('nested40.tar.gz', inner)
    r = s.audit('nested40', s.path('nested40.tar.gz'), 0)
    s.check('nested40', '40 levels stop at max_archive_depth',
            has(r, 'source.archive-depth', 'warning', msg='limit '
                'max_archive_depth 8'), r)

    body = tar_bytes([('a/README.md', b'# model\n' * 100),
                      ('a/big.bin', os.urandom(256 * 1024)),
                      ('a/LICENSE', b'MIT License\n')], 'w:gz')
    s.put('truncated.tar.gz', body[:len(body) // 2])
    r = s.audit('truncated', s.path('truncated.tar.gz'), 0)
    s.check('truncated', 'truncated tar.gz: partial report and a finding',
            has(r, 'source.archive-truncated', 'warning') and
            any(a['path'].endswith('a/README.md')
                for a in r['artifacts']), r)

    names = [b'ctl-\x1b[31m-\x07.md', b'bad-utf8-\xff\xfe.txt',
             b'nl-\n-name/README.md', b'\xc3(-LICENSE']
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode='w', format=tarfile.GNU_FORMAT,
                      encoding='utf-8', errors='surrogateescape') as t:
        for n in names:
            ti = tarfile.TarInfo(n.decode('utf-8', 'surrogateescape'))
            ti.size = 3
            t.addfile(ti, io.BytesIO(b'hi\n'))
    s.put('names.tar', b.getvalue())
    r = s.audit('tar-names', s.path('names.tar'), 0)
    s.check('tar-names', 'odd member names: report is valid JSON',
            r is not None and len(r['sources']) == 1, r)

    s.put('many.tar.gz', many_member_tar(30000))
    r = s.audit('many-members', s.path('many.tar.gz'), 0)
    s.check('many-members', '30k members read',
            r is not None and r['sources'][0]['artifacts'] == 30000, r)

    # Findings and listed artifacts are capped: 100k symlinks and 30k
    # lying GGUF headers make a bounded report, with the same verdict.
    s.put('links.tar.gz', link_tar(100000))
    r = s.audit('links', s.path('links.tar.gz'), 0, growth_kb=64 * 1024)
    t = findings(r, 'core.findings-truncated')
    s.check('links', '100k link findings: 1000 listed, the rest counted',
            len(findings(r, 'source.archive-link')) == 1000 and len(t) == 1
            and t[0]['properties'] == {'rule': 'source.archive-link',
                                       'not_listed': 99000,
                                       'limit': 1000} and
            t[0]['severity'] == 'warning', r)
    s.put('ggufs.tar.gz', many_member_tar(30000, 'd%d/m%d.gguf', gguf(
        [], kv_count=1 << 63)))
    r = s.audit('ggufs', s.path('ggufs.tar.gz'), 1,
                ['--max-artifacts', '5000', '--max-findings', '10'])
    s.check('ggufs', '30k lying GGUF: 5000 listed, errors still fail',
            len(r['artifacts']) == 5000 and
            r['sources'][0]['kinds'] == {'gguf': 30000} and
            has(r, 'core.artifacts-truncated', 'info') and
            len(findings(r, 'weights.header-invalid')) == 10 and
            findings(r, 'core.findings-truncated')[0]['severity'] ==
            'error', r)


def link_tar(n):
    """n symlinks to /etc/passwd: each is a finding, if nothing caps
    them (a 1 MB tar.gz for 100k)."""
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode='w:gz', format=tarfile.GNU_FORMAT,
                      compresslevel=1) as t:
        for i in range(n):
            ti = tarfile.TarInfo('l%d' % i)
            ti.type = tarfile.SYMTYPE
            ti.linkname = '/etc/passwd'
            t.addfile(ti)
    return b.getvalue()


def many_member_tar(n, name='d%d/f%d.txt', data=b''):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode='w:gz', format=tarfile.GNU_FORMAT,
                      compresslevel=1) as t:
        for i in range(n):
            ti = tarfile.TarInfo(name % (i % 100, i))
            ti.size = len(data)
            t.addfile(ti, io.BytesIO(data))
    return b.getvalue()


# --- tree ---------------------------------------------------------------

def group_tree(s):
    d = s.mkdir('names')
    for n in [b'ctl-\x1b[31m-\x07.md', b'bad-utf8-\xff\xfe.txt',
              b'tab\tnl\nname.json', b'\xc3(-LICENSE', b'\x7f.pkl']:
        with open(os.path.join(d.encode(), n), 'wb') as f:
            f.write(b'MIT License\n' if n.endswith(b'LICENSE') else b'{}')
    r = s.audit('names', d, 0)
    s.check('names', 'control characters and bad UTF-8: valid JSON',
            r is not None and len(r['artifacts']) >= 3, r)
    t = s.audit('names-text', d, 0, fmt='text')
    s.check('names-text', 'text report carries no control characters',
            t is not None and not any(c < 0x20 and c not in (0x0a,)
                                      for c in t) and b'\x7f' not in t)

    d = s.mkdir('fifo')
    os.mkfifo(os.path.join(d, 'LICENSE'))
    s.put('fifo/README.md', '# model\n')
    r = s.audit('fifo', d, 0)
    s.check('fifo', 'FIFO named LICENSE skipped, never opened',
            has(r, 'source.special-file-skipped', path_end='LICENSE'), r)
    r = s.audit('fifo-file', os.path.join(d, 'LICENSE'), 2,
                stderr_has='LICENSE')
    s.cli('identify-fifo', ['identify', os.path.join(d, 'LICENSE')], 2,
          'not a regular file')
    s.cli('identify-devzero', ['identify', '/dev/zero'], 2,
          'not a regular file')
    s.cli('scan-data-fifo', ['scan-data', os.path.join(d, 'LICENSE')], 2,
          'LICENSE')

    d = s.mkdir('loop')
    os.symlink('b', os.path.join(d, 'a'))
    os.symlink('a', os.path.join(d, 'b'))
    os.symlink('self', os.path.join(d, 'self'))
    os.symlink('.', os.path.join(d, 'dot'))
    r = s.audit('loop', d, 0)
    s.check('loop', 'symlink loops reported',
            len([f for f in findings(r, 'source.symlink-broken')
                 if 'loops' in f['message']]) == 3 and
            has(r, 'source.symlink-dir-skipped', path_end='dot'), r)

    d = s.mkdir('devzero')
    os.symlink('/dev/zero', os.path.join(d, 'model.safetensors'))
    inner = s.mkdir('devzero/in')
    try:
        os.mknod(os.path.join(inner, 'zero.gguf'),
                 stat.S_IFCHR | 0o644, os.makedev(1, 5))
        dev = True
    except PermissionError:
        dev = False
    r = s.audit('devzero', d, 0)
    s.check('devzero', 'symlink to /dev/zero never read',
            has(r, 'source.symlink-escape', path_end='model.safetensors'),
            r)
    if dev:
        s.check('devzero', 'character device never read',
                has(r, 'source.special-file-skipped',
                    path_end='zero.gguf'), r)

    d = s.mkdir('deep')
    p = d
    for i in range(300):
        p = os.path.join(p, 'd')
        os.mkdir(p)
    with open(os.path.join(p, 'README.md'), 'w') as f:
        f.write('# deep\n')
    r = s.audit('deep', d, 0)
    s.check('deep', '300 directories stop at the depth limit',
            has(r, 'source.depth-limit', 'warning', msg='deeper than 256'),
            r)
    r = s.audit('deep-10', d, 0, ['--max-dir-depth', '10'])
    s.check('deep-10', '--max-dir-depth 10 stops at 10',
            has(r, 'source.depth-limit', 'warning', msg='deeper than 10 '),
            r)
    s.audit('deep-usage', d, 2, ['--max-dir-depth', '5000'],
            stderr_has='--max-dir-depth at most 4096')

    d = s.mkdir('many')
    for i in range(100):
        sub = os.path.join(d, 'd%02d' % i)
        os.mkdir(sub)
        for j in range(1000):
            fd = os.open(os.path.join(sub, 'f%04d.py' % j),
                         os.O_CREAT | os.O_WRONLY, 0o644)
            os.close(fd)
    s.put('many/README.md', '---\nlicense: mit\n---\n# many\n')
    r = s.audit('many', d, 0)
    s.check('many', '100k files walked',
            r is not None and r['sources'][0]['artifacts'] == 100001, r)
    r = s.audit('many-limit', d, 0, ['--max-files', '5000'])
    s.check('many-limit', 'max_files stops the walk with a finding',
            has(r, 'source.file-limit', 'warning') and
            r['sources'][0]['artifacts'] == 5000, r)


# --- text: cards, JSON lines, licences ----------------------------------

def group_text(s):
    lines = ['---', 'a: &a ["lol","lol","lol","lol","lol","lol","lol"]']
    prev = 'a'
    for c in 'bcdefghijklmnop':
        lines.append('%s: &%s [%s]' % (c, c, ','.join(['*' + prev] * 9)))
        prev = c
    lines += ['license: mit', '---', '# bomb']
    s.put('yaml-bomb/README.md', '\n'.join(lines) + '\n')
    r = s.audit('yaml-bomb', s.path('yaml-bomb'), 0)
    s.check('yaml-bomb', 'alias bomb refused as invalid front matter',
            has(r, 'card.front-matter-invalid', msg='alias'), r)

    s.put('yaml-deep/README.md', '---\nx: ' + '[' * 100000 + '\n---\n')
    r = s.audit('yaml-deep', s.path('yaml-deep'), 0)
    s.check('yaml-deep', 'deep YAML nesting refused',
            has(r, 'card.front-matter-invalid', msg='nested too deeply'), r)
    s.put('yaml-3/README.md', '---\nlicense: mit\nx: [[[1]]]\n---\n')
    r = s.audit('yaml-3-default', s.path('yaml-3'), 0)
    s.check('yaml-3-default', '3 levels are fine by default',
            r is not None and not findings(r, 'card.front-matter-invalid'),
            r)
    r = s.audit('yaml-3', s.path('yaml-3'), 0,
                ['--limit', 'model-card.max-depth=2'])
    s.check('yaml-3', '--limit model-card.max-depth=2 refuses 3 levels',
            has(r, 'card.front-matter-invalid', msg='nested too deeply'), r)

    # One JSON line of 256 MiB, then a normal record.
    p = s.mkdir('longline')
    with open(os.path.join(p, 'train.jsonl'), 'wb') as f:
        f.write(b'{"text": "')
        chunk = b'a' * MIB
        for _ in range(256):
            f.write(chunk)
        f.write(b'"}\n{"text": "hello", "model": "gpt-4"}\n')
    r = s.audit('longline', p, 0, growth_kb=96 * 1024)
    s.check('longline', '256 MiB line: line-too-long finding',
            has(r, 'dataset.line-too-long', 'warning'), r)

    p = s.mkdir('biglicense')
    with open(os.path.join(p, 'LICENSE'), 'wb') as f:
        f.write(b'MIT License\n\nPermission is hereby granted')
        for _ in range(64):
            f.write(b'x' * MIB)
    with open(os.path.join(p, 'README.md'), 'wb') as f:
        f.write(b'---\nlicense: mit\n---\n')
        f.write(b'#' * (64 * MIB))
    r = s.audit('biglicense', p, 0)
    s.check('biglicense', '64 MiB licence and card read within limits',
            r is not None and not findings(r, 'core.plugin-failed'), r)


# --- formats: ONNX and Keras --------------------------------------------

def pb_varint(n):
    out = b''
    while True:
        b, n = n & 0x7f, n >> 7
        out += bytes([b | 0x80]) if n else bytes([b])
        if not n:
            return out


def pb(num, payload):
    payload = payload.encode() if isinstance(payload, str) else payload
    return pb_varint(num << 3 | 2) + pb_varint(len(payload)) + payload


def onnx_tensor(name, location):
    return (pb(8, name) + pb(13, pb(1, 'location') + pb(2, location)) +
            pb_varint(14 << 3) + b'\x01')


def group_formats(s):
    # 2 GiB of raw_data (a sparse file) before a tensor whose data is
    # /etc/passwd: the walker skips the bytes by length.
    big = 2 << 30
    t1 = pb_varint(8 << 3 | 2) + b'\x01w' + pb_varint(9 << 3 | 2) + \
        pb_varint(big)
    t2 = pb(5, onnx_tensor('up', '/etc/passwd'))
    graph_len = len(pb_varint(5 << 3 | 2)) + len(pb_varint(len(t1) + big))\
        + len(t1) + big + len(t2)
    head = (pb_varint(1 << 3) + b'\x08' + pb_varint(7 << 3 | 2) +
            pb_varint(graph_len) + pb_varint(5 << 3 | 2) +
            pb_varint(len(t1) + big) + t1)
    p = s.put('onnx-big/model.onnx', head)
    with open(p, 'r+b') as f:
        f.truncate(len(head) + big)
        f.seek(0, 2)
        f.write(t2)
    r = s.audit('onnx-big', s.path('onnx-big'), 1, growth_kb=32 * 1024)
    s.check('onnx-big', 'escape found after 2 GiB of raw_data',
            has(r, 'onnx.external-data-escape', 'error'), r)

    # 20000 graphs nested in attributes: the depth limit, not the stack.
    g = pb(5, onnx_tensor('bottom', '../../x'))
    for _ in range(20000):
        g = pb(1, pb(5, pb(6, g)))
    s.put('onnx-deep/model.onnx', pb(7, g))
    r = s.audit('onnx-deep', s.path('onnx-deep'), 0)
    s.check('onnx-deep', '20000 nested graphs stop at the depth limit',
            has(r, 'onnx.partial', 'warning', msg='deeper than the limit'),
            r)

    # A 1 GiB .h5 (sparse) whose model_config sits at 2 MiB: found; one
    # at 512 MiB is past unsafe-formats.h5-scan.
    cfg = json.dumps({'class_name': 'Sequential', 'config': {'layers': [
        {'class_name': 'Lambda', 'config': {'name': 'evil'}}]}}).encode()
    for case, at in (('h5-near', 2 << 20), ('h5-far', 512 << 20)):
        p = s.put(case + '/model.h5', b'\x89HDF\r\n\x1a\n')
        with open(p, 'r+b') as f:
            f.seek(at)
            f.write(b'model_config' + cfg)
            f.truncate(1 << 30)
    r = s.audit('h5-near', s.path('h5-near'), 1, growth_kb=32 * 1024)
    s.check('h5-near', 'Lambda at 2 MiB of a 1 GiB file',
            has(r, 'keras.lambda-layer', 'error'), r)
    r = s.audit('h5-far', s.path('h5-far'), 0, growth_kb=32 * 1024)
    s.check('h5-far', 'past the scan limit: partial, bounded',
            has(r, 'keras.partial') and
            not findings(r, 'keras.lambda-layer'), r)


GROUPS = {
    'formats': group_formats,
    'weights': group_weights,
    'pickle': group_pickle,
    'archives': group_archives,
    'tree': group_tree,
    'text': group_text,
}


def main(argv):
    if len(argv) != 2 or argv[1] not in GROUPS:
        sys.exit('usage: hostile.py %s' % '|'.join(GROUPS))
    s = Suite(argv[1])
    GROUPS[argv[1]](s)
    s.done()


if __name__ == '__main__':
    main(sys.argv)
