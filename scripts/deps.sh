#!/bin/sh
# Install the Debian packages snnc needs to build and test, when missing.
# Called by `make`; quiet when everything is there.
set -e
need=""
command -v flex  >/dev/null 2>&1 || need="$need flex"
command -v bison >/dev/null 2>&1 || need="$need bison"
command -v make  >/dev/null 2>&1 || need="$need make"
command -v cc    >/dev/null 2>&1 || need="$need gcc libc6-dev"
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
pkg-config --exists check 2>/dev/null || need="$need check"
[ -f /usr/include/Random123/philox.h ] || need="$need librandom123-dev"
[ -n "$need" ] || exit 0
echo "deps: installing$need" >&2
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
$SUDO apt-get install -y -qq --no-install-recommends $need >&2
