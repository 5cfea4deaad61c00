"""hostile_lib.py - what every hostile-input case asserts.

Each case runs `pedigree audit` under `timeout 20` (a hang guard) and GNU
time (peak RSS), then checks the exit status, that the JSON report is
valid against docs/report.schema.json, that the run stayed under 512 MB,
and whatever findings or messages the case expects.  Fixtures are written
by the cases themselves into the build directory and removed at the end;
nothing large is stored in the repository.
"""
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
import zlib

PEDIGREE = os.environ.get('PEDIGREE')
SOURCE_ROOT = os.environ.get('PEDIGREE_SOURCE_ROOT')
BUILD_ROOT = os.environ.get('PEDIGREE_BUILD_ROOT')
TIME = '/usr/bin/time'
TIME_LIMIT_S = 20
RSS_LIMIT_KB = 512 * 1024


def _load_validator():
    path = os.path.join(SOURCE_ROOT, 'tests', 'tools', 'validate_report.py')
    spec = importlib.util.spec_from_file_location('validate_report', path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


class Suite:
    def __init__(self, group):
        if not (PEDIGREE and SOURCE_ROOT and BUILD_ROOT):
            sys.exit('PEDIGREE, PEDIGREE_SOURCE_ROOT and '
                     'PEDIGREE_BUILD_ROOT must be set (meson test does)')
        if not os.access(TIME, os.X_OK):
            sys.exit('%s (GNU time) is needed to measure peak RSS' % TIME)
        self.group = group
        self.root = os.path.join(BUILD_ROOT, 'tests', 'hostile',
                                 'fx-' + group)
        shutil.rmtree(self.root, ignore_errors=True)
        os.makedirs(self.root)
        self.fails = 0
        self._baseline = None
        self.validator = _load_validator()
        import jsonschema
        with open(os.path.join(SOURCE_ROOT, 'docs',
                               'report.schema.json')) as f:
            self.schema = jsonschema.Draft202012Validator(json.load(f))

    # --- fixtures ------------------------------------------------------

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def put(self, rel, data):
        """Write bytes (or text) to a file under the fixture root."""
        p = self.path(rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, 'wb') as f:
            f.write(data.encode() if isinstance(data, str) else data)
        return p

    def mkdir(self, rel):
        p = self.path(rel)
        os.makedirs(p, exist_ok=True)
        return p

    # --- assertions ----------------------------------------------------

    def ok(self, msg):
        print('ok - %s' % msg, flush=True)

    def bad(self, msg, detail=None):
        self.fails += 1
        print('FAIL - %s' % msg, flush=True)
        if detail:
            for line in str(detail).splitlines()[:40]:
                print('  | ' + line)

    def check(self, case, desc, cond, report=None):
        if cond:
            self.ok('%s: %s' % (case, desc))
            return True
        self.bad('%s: %s' % (case, desc),
                 '\n'.join('%s %s %s %s' % (f['rule'], f.get('subject'),
                                            f['evidence'].get('path'),
                                            f['message'][:200])
                           for f in (report or {}).get('findings', [])))
        return False

    def baseline_rss(self):
        """Peak RSS of auditing an empty folder, in this build (plugins,
        knowledge base, sanitizer runtime): what a case costs beyond it
        is what its input costs."""
        if self._baseline is None:
            d = self.mkdir('.empty')
            self._baseline = 0
            self._baseline = self._run('.baseline', [d], ())[2]
        return self._baseline

    def _run(self, case, paths, args, fmt='json', argv=None):
        out = self.path(case + '.report')
        rss_file = self.path(case + '.rss')
        if argv is None:
            argv = ['audit', '--format', fmt, '-o', out] + list(args) + \
                list(paths)
        cmd = [TIME, '-f', '%M', '-o', rss_file, 'timeout', '-s', 'KILL',
               str(TIME_LIMIT_S), PEDIGREE] + argv
        # Under AddressSanitizer, freed memory waits in a 256 MB
        # quarantine that counts in the RSS: keep it small, so the limit
        # measures pedigree, not the sanitizer.  (No effect otherwise.)
        env = dict(os.environ)
        env['ASAN_OPTIONS'] = (env.get('ASAN_OPTIONS', '') +
                               ':quarantine_size_mb=16').lstrip(':')
        start = time.monotonic()
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        wall = time.monotonic() - start
        # GNU time prints "Command terminated by signal N" first when the
        # child was killed; the RSS is the last line.
        try:
            with open(rss_file) as f:
                rss = int(f.read().split()[-1])
        except (OSError, ValueError, IndexError):
            rss = -1
        return p, wall, rss, out

    def cli(self, case, argv, want_rc, stderr_has):
        """Another command (identify, scan-data) under the same guards:
        exit status, message, 20 s, 512 MB."""
        p, wall, rss, _ = self._run(case, (), (), argv=argv)
        err = p.stderr.decode('utf-8', 'replace')
        if p.returncode in (124, 137) or wall >= TIME_LIMIT_S:
            self.bad('%s: hang guard: did not finish within %d s'
                     % (case, TIME_LIMIT_S), err)
            return
        self.check(case, 'exit %d (want %d)' % (p.returncode, want_rc),
                   p.returncode == want_rc)
        self.check(case, 'peak RSS %d KiB' % rss, 0 <= rss < RSS_LIMIT_KB)
        self.check(case, 'stderr names the problem', stderr_has in err)
        if stderr_has not in err:
            print('  | ' + err[:400])

    def audit(self, case, paths, want_rc, args=(), stderr_has=None,
              fmt='json', growth_kb=None):
        """Run pedigree audit; returns the parsed report (json) or the
        report text, None when the run itself failed its checks.  With
        growth_kb, the case may use at most that much memory beyond an
        empty audit (baseline_rss), to show it does not grow with its
        input."""
        if isinstance(paths, str):
            paths = [paths]
        p, wall, rss, out = self._run(case, paths, args, fmt)
        err = p.stderr.decode('utf-8', 'replace')
        good = True
        if p.returncode in (124, 137) or wall >= TIME_LIMIT_S:
            self.bad('%s: hang guard: did not finish within %d s'
                     % (case, TIME_LIMIT_S), err)
            return None
        if p.returncode != want_rc:
            self.bad('%s: exit %d, want %d' % (case, p.returncode,
                                                want_rc), err)
            good = False
        else:
            self.ok('%s: exit %d in %.1f s' % (case, p.returncode, wall))
        limit = RSS_LIMIT_KB
        if growth_kb is not None:
            limit = min(limit, self.baseline_rss() + growth_kb)
        if 0 <= rss < limit:
            self.ok('%s: peak RSS %d KiB' % (case, rss))
        else:
            self.bad('%s: peak RSS %d KiB, limit %d KiB'
                     % (case, rss, limit))
            good = False
        if stderr_has is not None:
            if stderr_has in err:
                self.ok('%s: stderr names the problem' % case)
            else:
                self.bad('%s: stderr lacks %r' % (case, stderr_has), err)
                good = False
        if want_rc == 2:
            return err if good else None
        try:
            with open(out, 'rb') as f:
                raw = f.read()
        except OSError as e:
            self.bad('%s: no report: %s' % (case, e), err)
            return None
        if fmt == 'text':
            return raw
        try:
            report = self.validator.load_json(raw.decode('utf-8'))
        except ValueError as e:
            self.bad('%s: report is not valid JSON: %s' % (case, e))
            return None
        errors = list(self.schema.iter_errors(report))
        if errors:
            self.bad('%s: report violates the schema' % case,
                     '\n'.join(e.message for e in errors[:5]))
            return None
        return report if good else report

    def done(self):
        if os.environ.get('HOSTILE_KEEP') != '1':
            shutil.rmtree(self.root, ignore_errors=True)
        if self.fails:
            print('%d failed' % self.fails)
            sys.exit(1)


# --- report helpers ---------------------------------------------------

def findings(report, rule=None, plugin=None):
    return [f for f in (report or {}).get('findings', [])
            if (rule is None or f['rule'] == rule)
            and (plugin is None or f['plugin'] == plugin)]


def has(report, rule, severity=None, path_end=None, msg=None):
    for f in findings(report, rule):
        if severity and f['severity'] != severity:
            continue
        if path_end and not (f['evidence'].get('path') or '').endswith(
                path_end):
            continue
        if msg and msg not in f['message']:
            continue
        return True
    return False


# --- generators -------------------------------------------------------

def zero_deflate_blocks():
    """One raw-deflate block of 1 MiB of zeros, ended by a full flush so
    that repeating it N times inflates to N MiB; and the final block."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    c.compress(b'\0' * (1 << 20))
    c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(b'\0' * (1 << 20)) + c.flush(zlib.Z_FULL_FLUSH)
    return block, c.flush(zlib.Z_FINISH)


def _gf2_times(mat, vec):
    s, i = 0, 0
    while vec:
        if vec & 1:
            s ^= mat[i]
        vec >>= 1
        i += 1
    return s


def _gf2_square(mat):
    return [_gf2_times(mat, mat[n]) for n in range(32)]


def _zero_operator(nbytes):
    """The GF(2) matrix that appends nbytes zero bytes to a CRC-32."""
    m = [0xedb88320] + [1 << n for n in range(31)]   # one zero bit
    for _ in range(3):
        m = _gf2_square(m)                            # one zero byte
    result = [1 << n for n in range(32)]
    while nbytes:
        if nbytes & 1:
            result = [_gf2_times(m, result[i]) for i in range(32)]
        m = _gf2_square(m)
        nbytes >>= 1
    return result


def crc32_zeros(n_mib, crc=0):
    """CRC-32 of data with CRC crc followed by n_mib MiB of zeros, as
    zlib's crc32_combine computes it, without touching the zeros."""
    one = zlib.crc32(b'\0' * (1 << 20))
    op = _zero_operator(1 << 20)
    for _ in range(n_mib):
        crc = _gf2_times(op, crc) ^ one
    return crc
