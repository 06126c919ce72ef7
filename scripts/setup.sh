#!/usr/bin/env bash
# Sets up Salon on a Debian machine with Node 20+: system packages (only those
# missing), npm dependencies, and the build. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# The stated requirement (package.json "engines"): every dependency is pinned to
# a release that supports it, and npm warns of none.
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "Salon needs Node.js 20 or newer (found: $(node -v 2>/dev/null || echo none))." >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
have() { command -v "$1" >/dev/null 2>&1; }
have janus || missing+=(janus)               # the media server (AudioBridge, Streaming)
have ffmpeg || missing+=(ffmpeg)             # HLS packaging and recordings
have chromium || missing+=(chromium)         # browser tests
[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || missing+=(fonts-noto-color-emoji)  # reactions in browser-test screenshots
have ip || missing+=(iproute2)               # network namespaces for media tests
have nginx || missing+=(nginx-light)         # the HLS benchmark's baseline
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)  # throwaway test databases
have redis-server || missing+=(redis-server) # multi-node tests
# The embedded captions engine loads libpocketsphinx.so.3 (through koffi), not the CLI.
ldconfig -p 2>/dev/null | grep -q 'libpocketsphinx\.so\.3 ' || missing+=(libpocketsphinx3)
[ -e /usr/share/pocketsphinx/model/en-us/en-us.lm.bin ] || missing+=(pocketsphinx-en-us)  # its English model
have espeak-ng || missing+=(espeak-ng)       # speaks the captions tests' and bench's sentences
have turnserver || missing+=(coturn)         # TURN relay of deploy/, started by server/test/deploy

# Janus loads libsrtp2 built with OpenSSL (scripts/build-libsrtp.sh): Debian's
# goes through NSS and costs ~28 % more Janus CPU per WebRTC listener.
# SALON_LIBSRTP=system keeps Debian's and skips the build.
build_libsrtp=0
if [ "${SALON_LIBSRTP:-openssl}" != system ]; then
  build_libsrtp=1
  have cc || missing+=(gcc libc6-dev)
  have make || missing+=(make)
  have pkg-config || missing+=(pkg-config)
  have dpkg-source || missing+=(dpkg-dev)
  [ -e /usr/include/openssl/evp.h ] || missing+=(libssl-dev)
fi

if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ "$build_libsrtp" = 1 ]; then
  $SUDO bash scripts/build-libsrtp.sh ||
    echo "warning: libsrtp2 with OpenSSL was not built; Janus uses the system's (more CPU per listener)" >&2
fi

# `npm install` rather than `npm ci`: it follows package-lock.json, and tolerates a
# lock written on a machine whose registry lacked some other platforms' optional
# binaries (which `npm ci` refuses as "out of sync").
npm install --no-audit --no-fund
npm run build
echo "Salon is set up. Start it with: npm start"
