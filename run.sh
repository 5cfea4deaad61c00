#!/usr/bin/env bash
# run.sh - set up, build and run pedigree on a fresh Debian 12 machine.
#
#   ./run.sh demo    install what is missing, build, audit samples/avocado
#   ./run.sh test    install what is missing, build twice (-Werror, and
#                    ASan+UBSan) and run the whole test suite in each
#   ./run.sh build   install what is missing and build into build/
#   ./run.sh fuzz [SECONDS]  run each libFuzzer target SECONDS (600)
#
# Packages are installed with apt-get when missing (as root, or via sudo).
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(
	gcc clang libclang-rt-14-dev meson ninja-build pkg-config git
	libgit2-dev libarchive-dev libjansson-dev libyaml-dev libxxhash-dev
	libcmocka-dev libvectorscan-dev
	python3 python3-jsonschema zstd xz-utils p7zip-full time
	chromium
)
# Installed only when the command is missing: a Node.js from elsewhere
# (with its own npm) must not be replaced by Debian's.
NODE_PACKAGES=(nodejs npm)

log() { printf '==> %s\n' "$*" >&2; }

install_missing() {
	local missing=()
	for p in "${PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	command -v npm >/dev/null 2>&1 || missing+=("${NODE_PACKAGES[@]}")
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing: ${missing[*]}"
	local sudo=()
	[ "$(id -u)" -eq 0 ] || sudo=(sudo)
	export DEBIAN_FRONTEND=noninteractive
	"${sudo[@]}" apt-get update -qq
	"${sudo[@]}" apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >&2
}

# setup DIR [meson options...]: configure DIR once, reconfigure if needed.
setup() {
	local dir=$1; shift
	if [ -f "$dir/build.ninja" ]; then
		meson configure "$dir" "$@" >/dev/null
	else
		meson setup "$dir" "$@" >&2
	fi
}

build() {
	install_missing
	setup build -Dwerror=true
	ninja -C build >&2
}

# The worked case: the student samples/avocado, local copies of its three
# teachers, judged by the release policy (README.md walks through it).
DEMO_ARGS=(
	--policy release
	--component Qwen/Qwen2.5-7B-Instruct=samples/teachers/qwen2.5-7b-instruct
	--component google/gemma-2-9b-it=samples/teachers/gemma-2-9b-it
	--component openai/gpt-oss-20b=samples/teachers/gpt-oss-20b
	--fingerprint samples/avocado/fingerprint/manifest.yaml
	samples/avocado
)

cmd_demo() {
	build
	log "pedigree audit ${DEMO_ARGS[*]}"
	local rc=0
	./build/core/pedigree audit "${DEMO_ARGS[@]}" || rc=$?
	log "exit status $rc (0 pass, 1 a finding failed the audit," \
	    "2 bad input, 3 internal error)"
	# The demo shows the audit; a failing verdict is its expected output.
	[ "$rc" -le 1 ]
}

# summary DIR...: one "N passed, N failed" line over meson's test logs.
summary() {
	python3 - "$@" <<'PY'
import json, sys
ok = bad = skip = 0
for d in sys.argv[1:]:
    for line in open(d + "/meson-logs/testlog.json"):
        r = json.loads(line)["result"]
        if r in ("OK", "EXPECTEDFAIL"): ok += 1
        elif r == "SKIP": skip += 1
        else: bad += 1
print(f"tests: {ok} passed, {bad} failed, {skip} skipped")
PY
}

# fuzz [SECONDS]: build the libFuzzer targets (clang, ASan+UBSan) into
# build-fuzz and run each for SECONDS (default 15) on its generated seed
# corpus; what it learns is kept in build-fuzz/corpus for the next run.
fuzz() {
	local secs=${1:-15} rc=0 t
	local targets=(fuzz_pickle fuzz_classify fuzz_archive fuzz_safetensors
		fuzz_gguf fuzz_card fuzz_onnx fuzz_keras fuzz_license fuzz_records
		fuzz_policy fuzz_fp_jsonl fuzz_fp_manifest fuzz_fp_dense)
	CC=clang setup build-fuzz -Dwerror=true -Dfuzz=true -Dtests=false \
		-Db_lundef=false -Db_sanitize=address,undefined \
		-Dc_args=-fsanitize=fuzzer-no-link
	ninja -C build-fuzz "${targets[@]/#/tests/fuzz/}" >&2
	rm -rf build-fuzz/seeds
	tests/fuzz/make-seeds.sh build-fuzz/seeds
	for t in "${targets[@]}"; do
		log "fuzz $t (${secs}s)"
		mkdir -p "build-fuzz/corpus/$t"
		if "build-fuzz/tests/fuzz/$t" -max_total_time="$secs" \
			-timeout=10 -rss_limit_mb=2048 \
			-artifact_prefix="build-fuzz/crash-$t-" \
			"build-fuzz/corpus/$t" "build-fuzz/seeds/$t" \
			>"build-fuzz/$t.log" 2>&1; then
			grep '^Done' "build-fuzz/$t.log" >&2 || true
		else
			tail -n 40 "build-fuzz/$t.log" >&2
			rc=1
		fi
	done
	return $rc
}

# The validators the report tests run (tests/tools/package.json, pinned by
# its package-lock.json) go into build/npm once per machine, and again
# when the lock file changes.  Tests never download anything.
npm_tools() {
	local dir=build/npm
	local mt=$dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
	if cmp -s tests/tools/package-lock.json "$dir/.installed-lock" &&
		[ -e "$mt" ]; then
		return 0
	fi
	log "installing the report validators (npm ci into $dir)"
	mkdir -p "$dir"
	cp tests/tools/package.json tests/tools/package-lock.json "$dir/"
	npm ci --prefix "$dir" --omit=optional --no-audit --no-fund \
		--loglevel=error >&2
	# Newer npm runs no install scripts unless allowed; the multitool's
	# only one makes its binary executable.
	chmod u+x "$mt"
	cp tests/tools/package-lock.json "$dir/.installed-lock"
}

cmd_test() {
	build
	npm_tools
	export PEDIGREE_NODE_MODULES=$PWD/build/npm/node_modules
	local rc=0
	log "test suite (gcc, -Werror)"
	meson test -C build --print-errorlogs || rc=1
	log "test suite (clang, ASan+UBSan)"
	CC=clang setup build-asan -Dwerror=true \
		-Db_sanitize=address,undefined -Db_lundef=false
	ninja -C build-asan >&2
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		meson test -C build-asan --print-errorlogs || rc=1
	log "fuzzing (libFuzzer, 15 s per target)"
	fuzz 15 || rc=1
	summary build build-asan
	return $rc
}

case "${1:-}" in
demo) cmd_demo ;;
test) cmd_test ;;
build) build ;;
fuzz) install_missing; fuzz "${2:-600}" ;;
*) echo "usage: ./run.sh demo|test|build|fuzz [SECONDS]" >&2; exit 2 ;;
esac
