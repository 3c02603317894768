#!/usr/bin/env bash
# samdesk's set-up script: installs what is missing (Debian 12, apt), builds into build/, then
#   ./samdesk.sh run [app arguments...]   starts the GUI (arguments pass through to samdesk)
#   ./samdesk.sh test [ctest arguments...] runs every test through CTest
#   ./samdesk.sh build                      only installs and builds
# Idempotent and incremental: a second run installs nothing and rebuilds only what changed.
# Environment: BUILD_DIR (default build), BUILD_TYPE (Release), JOBS (default: cores),
#              CMAKE_ARGS (extra configure arguments, e.g. -DTorch_DIR=... -DSAMDESK_BUILD_UI=OFF),
#              SAMDESK_SKIP_APT=1 (never call apt; for machines set up by hand).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT=$(pwd)
BUILD_DIR=${BUILD_DIR:-build}
BUILD_TYPE=${BUILD_TYPE:-Release}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

PACKAGES=(
    cmake ninja-build g++ pkg-config
    qt6-base-dev
    libtorch-dev
    libopenblas0-pthread # without it libtorch uses the reference BLAS: ~100x slower
    libopencv-dev
    nlohmann-json3-dev
    # tst_exportconsumers draws the exports as labelme (PIL) and ultralytics (OpenCV) do,
    # with Debian's /usr/bin/python3
    python3-pil python3-opencv python3-numpy
)

log() { printf '\033[1m[samdesk]\033[0m %s\n' "$*"; }

install_packages() {
    if [[ "${SAMDESK_SKIP_APT:-0}" == 1 ]]; then
        return
    fi
    local missing=()
    for p in "${PACKAGES[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$p")
        fi
    done
    if ((${#missing[@]} == 0)); then
        return
    fi
    if ! command -v apt-get >/dev/null; then
        log "missing packages: ${missing[*]} (no apt-get here: install them by hand, or set SAMDESK_SKIP_APT=1)"
        exit 1
    fi
    local sudo=()
    if [[ $(id -u) != 0 ]]; then
        sudo=(sudo)
    fi
    log "installing: ${missing[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

configure_and_build() {
    if [[ ! -f "$BUILD_DIR/build.ninja" ]]; then
        log "configuring $BUILD_DIR ($BUILD_TYPE)"
        # shellcheck disable=SC2086
        cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE" ${CMAKE_ARGS:-}
    fi
    log "building with $JOBS jobs"
    cmake --build "$BUILD_DIR" --parallel "$JOBS"
}

cmd=${1:-run}
shift || true
case "$cmd" in
run)
    install_packages
    configure_and_build
    if [[ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" && -z "${QT_QPA_PLATFORM:-}" ]]; then
        log "no DISPLAY: starting anyway (set QT_QPA_PLATFORM=offscreen, or run under xvfb-run)"
    fi
    exec "$BUILD_DIR/app/samdesk" "$@"
    ;;
test)
    install_packages
    configure_and_build
    log "running tests"
    cd "$BUILD_DIR"
    exec ctest --output-on-failure --timeout 900 "$@"
    ;;
build)
    install_packages
    configure_and_build
    ;;
*)
    echo "usage: $0 run [samdesk arguments] | test [ctest arguments] | build" >&2
    exit 2
    ;;
esac
