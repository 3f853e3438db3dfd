#!/usr/bin/env bash
# kabsd-guard installer.
#
#   ./install.sh [REPO]   install build dependencies (Debian 12), build in
#                         Release, install kabsd-guard, then set REPO up
#                         (default: the current git repository, if any):
#                         hooks, sequence sync and a check report.
#   ./install.sh --test   install dependencies, build with tests and run the
#                         whole suite through ctest, then again under
#                         AddressSanitizer + UndefinedBehaviorSanitizer,
#                         then (with clang) each libFuzzer target for 20 s.
#
# Options:
#   --prefix DIR          install prefix (default /usr/local)
#   --no-deps             do not call apt-get
#   --no-sanitize         with --test: skip the sanitizer pass
#   --no-fuzz             with --test: skip the fuzzing pass
#   -j N                  parallel build jobs (default: nproc)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
mode=install
repo=
prefix=/usr/local
deps=1
sanitize=1
fuzz=1
jobs=$(nproc 2>/dev/null || echo 2)

while [ $# -gt 0 ]; do
  case "$1" in
    --test) mode=test ;;
    --prefix) prefix=$2; shift ;;
    --prefix=*) prefix=${1#--prefix=} ;;
    --no-deps) deps=0 ;;
    --no-sanitize) sanitize=0 ;;
    --no-fuzz) fuzz=0 ;;
    -j) jobs=$2; shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) repo=$1 ;;
  esac
  shift
done

say() { printf 'install.sh: %s\n' "$*"; }
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

build_deps=(g++ cmake pkg-config make libgit2-dev libsqlite3-dev libyaml-cpp-dev zlib1g-dev
            libcli11-dev libtomlplusplus-dev nlohmann-json3-dev git)
test_deps=(libgtest-dev sqlite3 python3 python3-yaml pre-commit strace clang libclang-rt-14-dev)

install_deps() {
  [ "$deps" = 1 ] || return 0
  local want=("$@") missing=()
  for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build() { # build DIR cmake-args...
  local dir=$1; shift
  cmake -S "$here" -B "$dir" "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
}

if [ "$mode" = test ]; then
  # npm: the hook managers of tests/e2e (prek, lefthook, husky,
  # simple-git-hooks) come from it. Debian's only when there is none at all.
  command -v npm >/dev/null 2>&1 || test_deps+=(npm)
  install_deps "${build_deps[@]}" "${test_deps[@]}"
  say "installing the hook managers the tests use (npm, pinned versions) into build/hook-managers"
  bash "$here/tests/e2e/hook-managers.sh" "$here/build/hook-managers" ||
    say "warning: the hook managers could not be installed; their tests will say why"
  build "$here/build/test" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKG_TESTS=ON -DKG_WERROR=ON
  (cd "$here/build/test" && ctest --output-on-failure -j "$jobs")
  if [ "$sanitize" = 1 ]; then
    say "running the suite again under ASan + UBSan"
    build "$here/build/asan" -DCMAKE_BUILD_TYPE=Debug -DKG_TESTS=ON -DKG_SANITIZE=ON
    (cd "$here/build/asan" && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j "$jobs")
  fi
  if [ "$fuzz" = 1 ] && command -v clang++ >/dev/null 2>&1; then
    say "fuzzing each parser for 20 s (fuzz/, docs/fuzzing.md)"
    CC=clang CXX=clang++ cmake -S "$here" -B "$here/build/fuzz" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKG_FUZZ=ON >/dev/null
    cmake --build "$here/build/fuzz" --target fuzzers -j "$jobs"
    "$here/fuzz/run" --build "$here/build/fuzz" --seconds 20 --jobs "$jobs"
  fi
  if [ -x "$here/bench/run" ]; then
    say "benchmark smoke test (1,000 items, no timing assertion)"
    "$here/bench/run" --smoke --binary "$here/build/test/kabsd-guard"
  fi
  exit 0
fi

install_deps "${build_deps[@]}"
build "$here/build/release" -DCMAKE_BUILD_TYPE=Release
if [ -w "$prefix" ] || [ "$(id -u)" -eq 0 ]; then
  cmake --install "$here/build/release" --prefix "$prefix" >/dev/null
else
  as_root cmake --install "$here/build/release" --prefix "$prefix" >/dev/null
fi
bin="$prefix/bin/kabsd-guard"
say "installed $bin ($("$bin" --version))"

if [ -z "$repo" ]; then
  if git rev-parse --git-dir >/dev/null 2>&1 && [ "$(git rev-parse --show-toplevel 2>/dev/null)" != "$here" ]; then
    repo=$(git rev-parse --show-toplevel)
  else
    exit 0
  fi
fi
say "setting up $repo"
"$bin" -C "$repo" install
