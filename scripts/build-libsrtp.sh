#!/usr/bin/env bash
# Builds libsrtp2 with its OpenSSL crypto backend, from the Debian source
# package of the libsrtp2 this machine has, into a folder the Janus that Salon
# runs loads it from (JanusProcess sets LD_LIBRARY_PATH to it).
#
# Why: Debian builds libsrtp2 with NSS, which sets up a new PKCS #11 context
# for every packet's AES-CTR and HMAC-SHA1. In bench/media that was ~34 % of
# Janus's CPU with 200 WebRTC listeners; the same libsrtp2 release built with
# OpenSSL costs ~28 % less Janus CPU per listener (bench/media/README.md).
# Same release, same API and soname (libsrtp2.so.1), so Debian's Janus uses
# it as is.
#
# Usage: scripts/build-libsrtp.sh [DIR]   (default /usr/local/lib/salon/libsrtp-openssl)
# Needs: apt-get, dpkg-source, a C compiler, make, pkg-config, the OpenSSL headers
# (scripts/setup.sh installs them). The source comes from the deb-src twin
# of this machine's own apt sources, through a private apt state folder:
# the system's apt configuration is not changed. Safe to run again: it only
# rebuilds when the installed libsrtp2 version differs from the one built.
set -euo pipefail

dest="${1:-/usr/local/lib/salon/libsrtp-openssl}"
version="$(dpkg-query -W -f '${Version}' libsrtp2-1 2>/dev/null || true)"
[[ -n "$version" ]] || { echo "build-libsrtp: libsrtp2-1 is not installed (is janus?)" >&2; exit 2; }
if [[ -f "$dest/libsrtp2.so.1" && "$(cat "$dest/VERSION" 2>/dev/null)" == "$version openssl" ]]; then
  echo "build-libsrtp: $dest already holds libsrtp2 $version (OpenSSL)"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# deb-src twins of this machine's Debian sources (suites named after its
# release, e.g. bookworm, bookworm-updates; one-line .list and deb822 .sources).
codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
[[ -n "$codename" ]] || { echo "build-libsrtp: no VERSION_CODENAME in /etc/os-release" >&2; exit 2; }
mkdir -p "$work/apt/parts" "$work/apt/lists/partial"
: >"$work/apt/sources.list"
for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
  [[ -f "$file" ]] || continue
  awk -v c="$codename" '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ "^" c "(-|/|$)") { $1 = "deb-src"; print; next } }' \
    "$file" >>"$work/apt/sources.list"
done
for file in /etc/apt/sources.list.d/*.sources; do
  [[ -f "$file" ]] || continue
  # Keep the stanzas whose Suites name this release; make them deb-src.
  awk -v c="$codename" 'BEGIN { RS = ""; ORS = "\n\n" }
    { keep = 0; n = split($0, lines, "\n")
      for (i = 1; i <= n; i++) if (lines[i] ~ /^Suites:/) { m = split(lines[i], w, /[ \t]+/)
        for (j = 2; j <= m; j++) if (w[j] ~ "^" c "(-|/|$)") keep = 1 }
      if (keep) { sub(/(^|\n)Types:[^\n]*/, "\nTypes: deb-src"); sub(/^\n/, ""); print } }' \
    "$file" >"$work/apt/parts/$(basename "$file")"
done
apt_opts=(
  -o "Dir::Etc::SourceList=$work/apt/sources.list"
  -o "Dir::Etc::SourceParts=$work/apt/parts"
  -o "Dir::State::Lists=$work/apt/lists"
  -o "Debug::NoLocking=true"
  -o "APT::Sandbox::User=root"
)
# A source without a deb-src twin only costs a warning; the package is what matters.
apt-get "${apt_opts[@]}" -qq update || true
(cd "$work" && apt-get "${apt_opts[@]}" -qq source "libsrtp2=$version" >/dev/null 2>&1) ||
  (cd "$work" && apt-get "${apt_opts[@]}" -qq source libsrtp2 >/dev/null)
src="$(find "$work" -maxdepth 1 -type d -name 'libsrtp2-*' | head -1)"
[[ -d "$src" ]] || { echo "build-libsrtp: no libsrtp2 source unpacked" >&2; exit 1; }

# As Debian builds it (its CFLAGS), with OpenSSL instead of NSS.
(
  cd "$src"
  CFLAGS="-O2 -g -D_REENTRANT" ./configure --enable-openssl --prefix="$work/install" \
    >"$work/configure.log"
  make -j"$(nproc)" shared_library >"$work/make.log"
  make install >"$work/install.log"
)
built="$work/install/lib/libsrtp2.so.1"
[[ -f "$built" ]] || { echo "build-libsrtp: build produced no libsrtp2.so.1" >&2; exit 1; }
if ! ldd "$built" | grep -q libcrypto; then
  echo "build-libsrtp: the built libsrtp2 does not use OpenSSL" >&2
  exit 1
fi
mkdir -p "$dest"
install -m 0644 "$built" "$dest/libsrtp2.so.1.tmp"
mv -f "$dest/libsrtp2.so.1.tmp" "$dest/libsrtp2.so.1"
echo "$version openssl" >"$dest/VERSION"
echo "build-libsrtp: libsrtp2 $version with OpenSSL in $dest"
