#!/usr/bin/env bash
# Runs a command in a network namespace of its own: loopback up, and a veth pair holding the documentation
# address 192.0.2.201/32 (TEST-NET-1, RFC 5737) because freeDiameterd refuses to start on a host whose only
# addresses are loopback ones. Nothing in the namespace can reach any network; every peer uses 127.0.0.1.
# Needs root and unshare(1): `scripts/in-netns.sh node --test tests/relay/diameter-relay.test.ts`.
set -euo pipefail
if [ "$(id -u)" != 0 ]; then echo "in-netns: needs root (unshare -n)" >&2; exit 77; fi
command -v unshare >/dev/null 2>&1 || { echo "in-netns: unshare(1) is not installed (Debian: util-linux)" >&2; exit 77; }
exec unshare -n bash -c '
  set -e
  ip link set lo up
  ip link add dea0 type veth peer name dea1
  ip addr add 192.0.2.201/32 dev dea0
  ip link set dea0 up
  ip link set dea1 up
  exec "$@"' in-netns "$@"
