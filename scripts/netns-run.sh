#!/usr/bin/env bash
# Runs a command inside a fresh, private network (and PID) namespace that has
# a veth pair: v0 10.77.0.1/24 and v1 10.77.0.2/24, lo up, IPv6 off.
#
# Why: Janus (libnice) and libwebrtc never gather loopback ICE candidates, so
# media tests need a real interface; the namespace keeps that traffic off the
# host. The PID namespace makes the command PID 1's only child, so when the
# command ends every process it left behind (a Janus child, say) is killed
# with the namespace, and the veth pair disappears with it.
#
# Usage: scripts/netns-run.sh -- <command...>
# Exits with the command's exit code. Needs root, or unprivileged user
# namespaces (then it maps the caller to root inside).
set -euo pipefail

usage() {
  echo "usage: $0 -- <command...>" >&2
  exit 2
}

if [[ "${1:-}" == "--inside" ]]; then
  shift
  [[ "${1:-}" == "--" ]] || usage
  shift
  # IPv6 off before the links come up, so no link-local addresses appear.
  echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6 2>/dev/null || true
  echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6 2>/dev/null || true
  ip link set lo up
  ip link add v0 type veth peer name v1
  ip addr add 10.77.0.1/24 dev v0
  ip addr add 10.77.0.2/24 dev v1
  ip link set v0 up
  ip link set v1 up
  # Not exec: this shell is PID 1 of the namespace and must outlive the
  # command to return its status; the kernel then reaps everything else.
  set +e
  "$@"
  exit $?
fi

[[ "${1:-}" == "--" ]] || usage
shift
[[ $# -gt 0 ]] || usage

command -v unshare >/dev/null || { echo "netns-run: unshare (util-linux) is required" >&2; exit 2; }
command -v ip >/dev/null || { echo "netns-run: ip (iproute2) is required" >&2; exit 2; }

as_root=()
if [[ "$(id -u)" != 0 ]]; then
  as_root=(--map-root-user)
fi

# --kill-child: if unshare itself is killed, the namespace's PID 1 dies too,
# which takes every process in the namespace with it.
exec unshare "${as_root[@]}" --net --pid --fork --kill-child --mount-proc \
  bash "${BASH_SOURCE[0]}" --inside -- "$@"
