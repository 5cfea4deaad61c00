#!/usr/bin/env bash
# limits.sh - plugin limits end to end: `pedigree plugins --limits` lists
# what every shipped plugin enforces, docs/limits.md documents each one
# with its default, and `pedigree audit --limit NAME=VALUE` reaches the
# plugin (a test plugin reports the values in force) or fails with exit 2.
set -euo pipefail
: "${PEDIGREE:?}" "${PEDIGREE_SOURCE_ROOT:?}" "${PEDIGREE_BUILD_ROOT:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
. "$(dirname "$0")/lib.sh"
testplugins="$PEDIGREE_BUILD_ROOT/tests/plugins"

# --- every declared limit is documented, with its default -----------------
"$PEDIGREE" plugins --limits >"$tmp/limits.txt"
if [ -s "$tmp/limits.txt" ]; then ok "plugins --limits lists limits"
else bad "plugins --limits printed nothing"; fi
while read -r name value _; do
	if grep -q "^| \`$name\` | $value |" \
		"$PEDIGREE_SOURCE_ROOT/docs/limits.md"; then
		ok "documented: $name = $value"
	else
		bad "docs/limits.md lacks a row '| \`$name\` | $value |'"
	fi
done <"$tmp/limits.txt"
"$PEDIGREE" plugins --format json >"$tmp/plugins.json"
if python3 -c "import json,sys; p=json.load(open(sys.argv[1]))['plugins']; \
w=[x for x in p if x.get('name')=='weights-metadata'][0]; \
l={x['name']:x['default'] for x in w['limits']}; \
sys.exit(0 if l['weights-metadata.gguf-kv']==65536 else 1)" \
	"$tmp/plugins.json"; then ok "plugins --format json carries limits"
else bad "plugins --format json: limits missing"; fi

# --- --limit reaches the plugin that declared it ---------------------------
m=$tmp/model
mkdir -p "$m"
printf '{"model_type": "llama"}\n' >"$m/config.json"
values() { # values ARGS...: the test plugin's message for this audit
	"$PEDIGREE" audit --plugin-path "$testplugins" --format json \
		-o "$tmp/r.json" "$@" "$m" >/dev/null 2>"$tmp/err" || true
	python3 -c "import json,sys; print([f['message'] for f in \
json.load(open(sys.argv[1]))['findings'] if f['rule']=='limits.values'][0])" \
		"$tmp/r.json"
}
got=$(values)
if [ "$got" = "max-things=10 max-depth=3 undeclared=77" ]; then
	ok "defaults in force without --limit"
else bad "defaults: got '$got'"; fi
got=$(values --limit limits.max-things=2K --limit limits.max-depth=7)
if [ "$got" = "max-things=2048 max-depth=7 undeclared=77" ]; then
	ok "--limit values reach the plugin"
else bad "--limit: got '$got'"; fi

# --- bad --limit arguments are usage errors --------------------------------
expect_usage() { # expect_usage NAME MESSAGE ARGS...
	local name=$1 want=$2 rc=0; shift 2
	"$PEDIGREE" audit --plugin-path "$testplugins" "$@" "$m" \
		>/dev/null 2>"$tmp/err" || rc=$?
	if [ "$rc" -eq 2 ] && grep -qF -- "$want" "$tmp/err"; then
		ok "$name: exit 2 and says why"
	else
		bad "$name: exit $rc"; sed 's/^/  | /' "$tmp/err"
	fi
}
expect_usage "unknown limit" "unknown limit 'limits.nope'" \
	--limit limits.nope=3
expect_usage "undeclared name" "unknown limit 'pickle.max'" \
	--limit pickle.max=3
expect_usage "no value" "--limit wants NAME=VALUE" --limit limits.max-depth
expect_usage "bad value" "--limit wants NAME=VALUE" \
	--limit limits.max-depth=lots
expect_usage "no name" "--limit wants NAME=VALUE" --limit =4

[ "$fails" -eq 0 ] || { echo "$fails failed"; exit 1; }
