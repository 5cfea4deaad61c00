"""Helpers shared by the licence benchmarks (bench/licence-*)."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_CORPUS = os.path.join(os.path.dirname(ROOT), 'shared', 'corpus')


def find_pedigree():
    env = os.environ.get('PEDIGREE')
    if env:
        return env
    # build/ is the optimised build that ./run.sh makes; others may be
    # sanitizer builds, whose speed means nothing.
    main = os.path.join(ROOT, 'build', 'core', 'pedigree')
    if os.access(main, os.X_OK):
        return main
    cands = []
    for d in sorted(os.listdir(ROOT)):
        p = os.path.join(ROOT, d, 'core', 'pedigree')
        if d.startswith('build') and os.access(p, os.X_OK):
            cands.append((os.path.getmtime(p), p))
    if not cands:
        sys.exit(os.path.basename(sys.argv[0]) +
                 ': no pedigree binary; build first or set PEDIGREE')
    return max(cands)[1]


def corpus_files(corpus):
    files = []
    spdx = os.path.join(corpus, 'spdx')
    if os.path.isdir(spdx):
        for name in sorted(os.listdir(spdx)):
            if name.endswith('.txt'):
                files.append(('spdx', name[:-4], os.path.join(spdx, name)))
    models = os.path.join(corpus, 'models')
    if os.path.isdir(models):
        for ident in sorted(os.listdir(models)):
            d = os.path.join(models, ident)
            if not os.path.isdir(d):
                continue
            for name in sorted(os.listdir(d)):
                p = os.path.join(d, name)
                if os.path.isfile(p) and not name.startswith('.'):
                    files.append(('models', ident, p))
    return files
