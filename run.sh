#!/usr/bin/env bash
# posledger developer entry point. Every subcommand installs what it needs first.
#
#   ./run.sh demo     build, then serve the HTTP API on port ${PORT:-3001} over ./data, seeding
#                     the demo data of api-contract section 12 (through ordinary commands)
#                     when the ledger is empty; Ctrl-C stops it cleanly
#   ./run.sh test     build (release + ASan/UBSan) and run the whole test suite
#   ./run.sh build    only build the release tree (build/release: server, tools, benches)
#   ./run.sh bench    build and run the engine benchmark
#   ./run.sh setup    only install the Debian 12 packages
set -euo pipefail
cd "$(dirname "$0")"

packages=(cmake ninja-build g++ pkg-config ccache
          libboost1.81-dev libboost-system1.81-dev librocksdb-dev
          libflatbuffers-dev flatbuffers-compiler libsimdjson-dev libfmt-dev
          doctest-dev libsodium-dev)

setup() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "run.sh: installing ${missing[*]}"
    local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

jobs() { nproc 2>/dev/null || echo 2; }

configure_build() { # dir build_type sanitize
  local dir=$1 type=$2 sanitize=$3
  if [ ! -f "$dir/build.ninja" ]; then
    cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" \
      -DPOSLEDGER_SANITIZE="$sanitize" -DPOSLEDGER_WERROR=ON >/dev/null
  fi
  cmake --build "$dir" -j "$(jobs)"
}

cmd=${1:-help}; shift || true
case "$cmd" in
  setup) setup ;;
  build) setup; configure_build build/release RelWithDebInfo OFF ;;
  demo)
    setup; configure_build build/release RelWithDebInfo OFF
    exec ./build/release/posledger serve --demo --data "${DATA_DIR:-./data}" "$@" ;;
  test)
    setup
    configure_build build/release RelWithDebInfo OFF
    (cd build/release && ctest --output-on-failure -j "$(jobs)")
    configure_build build/asan Debug ON
    (cd build/asan && ctest --output-on-failure -j "$(jobs)") ;;
  bench)
    setup; configure_build build/release RelWithDebInfo OFF
    ./build/release/engine_throughput_bench "$@" ;;
  *) sed -n '2,10p' "$0"; [ "$cmd" = help ] ;;
esac
