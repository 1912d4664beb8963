#!/bin/sh
# setup.sh - install what is missing, build, then run the main job or the tests.
#
#   ./setup.sh          install, build, open the inspector on the demo scenario
#                       (or, without a display, run the demo headless and print it)
#   ./setup.sh test     install, build, run the whole test suite
#
# Works on a fresh Debian 12 machine: Debian packages are installed with
# apt-get (through sudo when not root). Safe to run again: it only installs
# what is missing and only reconfigures when needed.
set -eu

cd "$(dirname "$0")"
MODE="${1:-run}"
BUILD="${MMR_BUILD_DIR:-build}"

PACKAGES="build-essential pkg-config meson ninja-build libglib2.0-dev
  libjson-glib-dev libsqlite3-dev libgtk-4-dev libgtest-dev libgmock-dev
  xvfb xauth"

missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "setup: installing$missing"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi

if [ ! -f "$BUILD/build.ninja" ]; then
  meson setup "$BUILD" --buildtype=debugoptimized
fi
ninja -C "$BUILD"

case "$MODE" in
  run)
    if [ -x "$BUILD/gui/mmr-inspector" ] && [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
      exec "$BUILD/gui/mmr-inspector" docs/examples/demo.mmr
    fi
    echo "setup: no display; running the demo scenario headless"
    echo "\$ mmr run docs/examples/demo.mmr"
    exec "$BUILD/src/cli/mmr" run docs/examples/demo.mmr
    ;;
  test)
    # GUI tests need a display: run the suite under a virtual X server.
    exec xvfb-run -a -s '-screen 0 1400x900x24' \
      meson test -C "$BUILD" --print-errorlogs --num-processes 2
    ;;
  *)
    echo "usage: ./setup.sh [test]" >&2
    exit 2
    ;;
esac
