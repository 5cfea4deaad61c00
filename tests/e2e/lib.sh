# lib.sh - helpers shared by the end-to-end scripts (sourced, not run).
# Each script keeps `fails` and ends by failing when it is not zero.
ok() { printf 'ok - %s\n' "$1"; }
bad() { printf 'FAIL - %s\n' "$1"; fails=$((fails + 1)); }
# e2e_init: check the environment, make $tmp (removed on exit), zero fails.
e2e_init() {
	: "${PEDIGREE:?}" "${PEDIGREE_SOURCE_ROOT:?}"
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	fails=0
}
# show_findings REPORT: one line per finding, for a failed check's log.
show_findings() {
	python3 -c "import json,sys; [print('  |', f['rule'], \
f.get('subject'), f['evidence'].get('byte_offset'), f['message']) for f \
in json.load(open(sys.argv[1]))['findings']]" "$1" || true
}
