#!/usr/bin/env bash
# plugin-sdk.sh - an outside author's path: install pedigree, build the
# example plugin out of tree against the installed header via pkg-config,
# and load it with `pedigree plugins`.
set -euo pipefail

: "${PEDIGREE:?set PEDIGREE to the pedigree binary}"
: "${PEDIGREE_BUILD_ROOT:?set PEDIGREE_BUILD_ROOT}"
: "${PEDIGREE_SOURCE_ROOT:?set PEDIGREE_SOURCE_ROOT}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pdg-plugin-sdk.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# The test runs after the build: never re-enter ninja from here.
"${MESON:-meson}" install --quiet --no-rebuild --destdir "$tmp/dest" \
	-C "$PEDIGREE_BUILD_ROOT" >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log" >&2; fail "meson install"; }

pc=$(find "$tmp/dest" -name pedigree-plugin.pc | head -n 1)
[ -n "$pc" ] || fail "pedigree-plugin.pc was not installed"
[ -f "$(find "$tmp/dest" -path '*/include/pedigree/plugin.h' | head -n 1)" ] ||
	fail "pedigree/plugin.h was not installed"

# The .pc file names the real prefix; the sysroot maps it into DESTDIR.
# Allow system cflags so a /usr prefix still yields -I<destdir>/usr/include.
cflags=$(PKG_CONFIG_PATH="$(dirname "$pc")" PKG_CONFIG_LIBDIR='' \
	PKG_CONFIG_SYSROOT_DIR="$tmp/dest" PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=1 \
	pkg-config --cflags pedigree-plugin)
case "$cflags" in
*"$tmp/dest"*) ;;
*) fail "pkg-config cflags do not point into the install: '$cflags'" ;;
esac

mkdir "$tmp/out"
# shellcheck disable=SC2086 # cflags is a list of flags
${CC:-cc} -shared -fPIC -std=c17 -Wall -Wextra -Werror $cflags \
	-o "$tmp/out/example.so" \
	"$PEDIGREE_SOURCE_ROOT/plugins/example/example.c"

"$PEDIGREE" plugins --plugin-path "$tmp/out" --format json >"$tmp/list.json"
python3 - "$tmp/list.json" "$tmp/out/example.so" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
mine = [p for p in doc["plugins"] if p["path"] == sys.argv[2]]
assert len(mine) == 1, doc
p = mine[0]
assert p["loaded"] is True, p
assert p["name"] == "example", p
assert p["abi_version"] == 1, p
assert p["kinds"] == ["model-card", "license"], p
assert p["description"], p
# The build tree's own example comes later in the search path, so it is
# listed as shadowed by ours.
others = [q for q in doc["plugins"]
          if q["path"].endswith("/plugins/example/example.so")
          and q["path"] != sys.argv[2]]
assert len(others) == 1, doc
assert others[0]["loaded"] is False, others
assert others[0]["error"] == "shadowed by " + sys.argv[2], others
EOF

# The environment variable works the same way.
PEDIGREE_PLUGIN_PATH="$tmp/out" "$PEDIGREE" plugins --format json |
	python3 -c '
import json, sys
doc = json.load(sys.stdin)
assert any(p["loaded"] and p["path"] == sys.argv[1]
           for p in doc["plugins"]), doc
' "$tmp/out/example.so"

# A file that is not a plugin is listed with its reason; the others load;
# the exit status is still 0.
printf 'not a plugin\n' >"$tmp/out/fake.so"
status=0
"$PEDIGREE" plugins --plugin-path "$tmp/out" >"$tmp/list.txt" || status=$?
[ "$status" -eq 0 ] || fail "pedigree plugins exited $status"
show() {
	cat "$tmp/list.txt" >&2
	fail "$1"
}
grep -qF "$tmp/out/fake.so  FAILED: not an ELF shared object" \
	"$tmp/list.txt" || show "fake.so not listed with its reason"
want="^example +1\.0\.0 +abi 1 +model-card,license +$tmp/out/example\.so\$"
grep -qE "$want" "$tmp/list.txt" || show "example not listed as loaded"

# Usage errors exit 2; --help documents the search path.
status=0
"$PEDIGREE" plugins --format yaml >/dev/null 2>&1 || status=$?
[ "$status" -eq 2 ] || fail "--format yaml exited $status, want 2"
status=0
"$PEDIGREE" plugins stray >/dev/null 2>&1 || status=$?
[ "$status" -eq 2 ] || fail "a stray argument exited $status, want 2"
"$PEDIGREE" plugins --help | grep -q PEDIGREE_PLUGIN_PATH ||
	fail "--help does not mention PEDIGREE_PLUGIN_PATH"

echo "ok"
