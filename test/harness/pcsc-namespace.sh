#!/usr/bin/env bash
# Runs a command inside a private mount + network namespace made for the real pcscd:
#   bash test/harness/pcsc-namespace.sh <command...>
#
# Why (see docs/reference pcsc-test-harness.md):
# - a tmpfs on /run/pcscd gives the namespace its own pcscd socket, so tests never talk to
#   (or clash with) a system pcscd, and parallel runs do not see each other;
# - a private loopback whose route has `quickack 1` removes the ~43 ms delayed-ACK stall that
#   vpcd's two small writes (length, then body) otherwise cause on every APDU.
# It does not start pcscd: test/harness/pcscd.ts does, per test file.
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: bash $0 <command...>" >&2
  exit 64
fi

# Already inside (a script calling another): a nested namespace would hide the outer pcscd.
# The variable alone is not trusted: someone may have exported it in a shell on the host.
if [[ "${MADOGUCHI_PCSC_NAMESPACE:-}" == 1 ]] &&
  [[ "$(findmnt -n -o FSTYPE --mountpoint /run/pcscd 2>/dev/null)" == tmpfs ]]; then
  exec "$@"
fi

if [[ "${1}" != --inside-namespace ]]; then
  if [[ "$(id -u)" -eq 0 ]]; then
    exec unshare -m -n -- bash "${BASH_SOURCE[0]}" --inside-namespace "$@"
  fi
  # As a user: a user namespace maps us to root so that mount and ip are allowed.
  exec unshare -r -m -n -- bash "${BASH_SOURCE[0]}" --inside-namespace "$@"
fi
shift

# unshare -m makes mounts private by default, so this tmpfs never shows outside.
if ! mkdir -p /run/pcscd 2>/dev/null; then
  echo "pcsc-namespace: cannot create /run/pcscd (install pcscd, or run once as root)" >&2
  exit 1
fi
mount -t tmpfs -o mode=0755 tmpfs /run/pcscd

ip link set lo up
ip route replace local 127.0.0.1 dev lo table local quickack 1 proto kernel scope host src 127.0.0.1

export MADOGUCHI_PCSC_NAMESPACE=1
exec "$@"
