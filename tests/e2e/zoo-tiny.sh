#!/usr/bin/env bash
# zoo-tiny.sh - the tiny zoo (seconds): the detector, through its real
# parsers, finds every same-tokenizer distilled student, flags no null
# pair, and its null p-values are not small (pedigree-zoo --assert).
set -euo pipefail
: "${PEDIGREE_BUILD_ROOT:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$PEDIGREE_BUILD_ROOT/bench/pedigree-zoo" run --size tiny --assert \
	--work "$tmp/zoo"
