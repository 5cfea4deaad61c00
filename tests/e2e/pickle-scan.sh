#!/usr/bin/env bash
# pickle-scan.sh - the pickle-scan plugin end to end: hostile pickles are
# named and never run, benign ones pass, torch.save zips are read through
# libarchive, and broken or absurd streams stop fast with a finding.
set -euo pipefail
: "${PEDIGREE:?}" "${PEDIGREE_SOURCE_ROOT:?}"
tmp=$(mktemp -d)
marker="/tmp/PWNED_pedigree_$$"
trap 'rm -rf "$tmp" "$marker"' EXIT
fails=0
. "$(dirname "$0")/lib.sh"

# Fixtures: one directory per case.  The expected offset of the hostile
# import is found with pickletools, independently of the walker.
python3 - "$tmp" "$marker" <<'PY'
import collections, io, os, pickle, pickletools, struct, sys, zipfile
root, marker = sys.argv[1], sys.argv[2]

def put(case, name, data):
    d = os.path.join(root, case)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)

class Evil:
    def __reduce__(self):
        return (os.system, ('touch ' + marker,))

for proto in (0, 2, 4, 5):
    data = pickle.dumps({'weights': [1.0, 2.0], 'x': Evil()},
                        protocol=proto)
    ops = list(pickletools.genops(data))
    off = [pos for op, arg, pos in ops
           if op.name in ('GLOBAL', 'STACK_GLOBAL', 'INST')][0]
    call = [pos for op, arg, pos in ops
            if op.name == 'REDUCE' and pos > off][0]
    put('evil%d' % proto, 'model.pkl', data)
    with open(os.path.join(root, 'evil%d.off' % proto), 'w') as f:
        f.write(str(off))
    with open(os.path.join(root, 'evil%d.call' % proto), 'w') as f:
        f.write(str(call))

benign = collections.OrderedDict(
    [('layer.0', [1, 2, 3]), ('names', ('a', 'b')), ('s', {1, 2})])
put('benign', 'state.pkl', pickle.dumps(benign, protocol=4))
put('benign0', 'state.pkl', pickle.dumps([1, 'two', 3.0], protocol=0))

# A torch.save-style zip: archive/data.pkl rebuilds a tensor from a
# storage; the opcodes are written by hand (no torch needed).
def sbu(s):
    b = s.encode()
    return b'\x8c' + bytes([len(b)]) + b + b'\x94'
data_pkl = (b'\x80\x02}q\x00X\x06\x00\x00\x00weightq\x01'
            b'ctorch._utils\n_rebuild_tensor_v2\nq\x02'
            b'((X\x07\x00\x00\x00storageq\x03ctorch\nFloatStorage\nq\x04'
            b'X\x01\x00\x00\x000q\x05X\x03\x00\x00\x00cpuq\x06K\x04tq\x07'
            b'QK\x00K\x04\x85q\x08K\x01\x85q\tccollections\nOrderedDict\n'
            b'q\n)Rq\x0btq\x0cRq\rs.')
buf = io.BytesIO()
with zipfile.ZipFile(buf, 'w', zipfile.ZIP_STORED) as z:
    z.writestr('archive/data.pkl', data_pkl)
    z.writestr('archive/data/0', b'\0' * 16)
    z.writestr('archive/version', b'3\n')
put('torchzip', 'pytorch_model.bin', buf.getvalue())

# The same with a protocol-4 STACK_GLOBAL whose strings come back from
# the memo after the stack was cleared: only a real stack model sees it.
hidden = (b'\x80\x04' + sbu('os') + sbu('system') + b'00'
          b'h\x00h\x01\x93' + sbu('echo') + b'\x85R.')
buf = io.BytesIO()
with zipfile.ZipFile(buf, 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('archive/data.pkl', hidden)
put('torchzip-evil', 'pytorch_model.bin', buf.getvalue())

whole = pickle.dumps(benign, protocol=2)
put('truncated', 'state.pkl', whole[:len(whole) // 2])
put('huge', 'state.pkl', b'\x80\x05\x8d' + struct.pack('<Q', 1 << 62) +
    b'x' * 16)
put('unknown', 'state.pkl', pickle.dumps(zipfile.ZipInfo('a'), protocol=4))
PY

audit() {
	local rc=0 start end
	start=$(date +%s)
	timeout 20 "$PEDIGREE" audit --format json -o "$tmp/$1.json" \
		"$tmp/$1" >/dev/null 2>"$tmp/$1.err" || rc=$?
	end=$(date +%s)
	if [ "$rc" -eq "$2" ]; then ok "$1: exit $rc ($((end - start))s)"
	else bad "$1: exit $rc, want $2"; sed 's/^/  | /' "$tmp/$1.err"; fi
}
# check CASE NAME EXPR: EXPR holds; P lists this plugin's findings,
# R(rule) those of one rule, OFF and CALL the offsets of the import and of
# the REDUCE that calls it, as pickletools found them.
check() {
	local off=-1 call=-1
	[ -f "$tmp/$1.off" ] && off=$(cat "$tmp/$1.off")
	[ -f "$tmp/$1.call" ] && call=$(cat "$tmp/$1.call")
	if python3 -c "import json,sys; r=json.load(open(sys.argv[1])); \
OFF=int(sys.argv[2]); CALL=int(sys.argv[3]); A=r['artifacts']; \
P=[f for f in r['findings'] if f['plugin']=='pickle-scan']; \
R=lambda n: [f for f in P if f['rule']==n]; \
I=(R('pickle.imports') or [{'properties':{}}])[0]['properties']; \
sys.exit(0 if ($3) else 1)" "$tmp/$1.json" "$off" "$call" \
		2>"$tmp/check.err"
	then
		ok "$1: $2"
	else
		bad "$1: $2: $3"; sed 's/^/  | /' "$tmp/check.err"
		show_findings "$tmp/$1.json"
	fi
}
dangerous="R('pickle.dangerous-import')"

for p in 0 2 4 5; do
	audit "evil$p" 1
	check "evil$p" "os.system named, error, at the opcode" "len($dangerous)\
==1 and $dangerous[0]['subject'] in ('posix.system','os.system') and \
$dangerous[0]['severity']=='error' and $dangerous[0]['kind']=='security' \
and $dangerous[0]['evidence']['byte_offset']==OFF and \
'loading it runs code' in $dangerous[0]['message'] and \
I['dangerous']==1"
	check "evil$p" "the REDUCE that calls it" "$dangerous[0]['properties']\
=={'called_by':'REDUCE','call_offset':CALL} and \
'calls it (REDUCE at byte %d)' % CALL in $dangerous[0]['message'] and \
I['called']==1"
done
if [ -e "$marker" ]; then bad "the hostile pickle ran"
else ok "nothing ran (no $marker)"; fi

audit benign 0
check benign "no warnings" "not [f for f in P if f['severity']!='info'] \
and I['safe']==1 and I['imports']==['collections.OrderedDict']"
audit benign0 0
check benign0 "protocol 0, no imports" "len(P)==1 and I['imports']==[]"

audit torchzip 0
check torchzip "classified pytorch-zip" "A[0]['kind']=='pytorch-zip'"
check torchzip "rebuild_tensor_v2 safe" "I['dangerous']==0 and \
I['unknown']==0 and 'torch._utils._rebuild_tensor_v2' in I['imports'] \
and 'torch.FloatStorage' in I['imports'] and \
not [f for f in P if f['severity']!='info']"
audit torchzip-evil 1
check torchzip-evil "memo-hidden os.system in data.pkl" "$dangerous and \
$dangerous[0]['subject']=='os.system' and \
$dangerous[0]['evidence']['path'].endswith('!/archive/data.pkl') and \
$dangerous[0]['evidence']['byte_offset']==22"

audit truncated 0
check truncated "malformed with offset" "R('pickle.malformed') and \
R('pickle.malformed')[0]['kind']=='input' and \
R('pickle.malformed')[0]['severity']=='warning' and \
R('pickle.malformed')[0]['evidence']['byte_offset']>0"
audit huge 0
check huge "BINUNICODE8 length 2^62 refused" "R('pickle.malformed') and \
R('pickle.malformed')[0]['evidence']['byte_offset']==2"
audit unknown 0
check unknown "unknown import warned" "R('pickle.unknown-import') and \
R('pickle.unknown-import')[0]['subject']=='zipfile.ZipInfo' and \
R('pickle.unknown-import')[0]['severity']=='warning'"

[ "$fails" -eq 0 ] || { echo "$fails failed"; exit 1; }
