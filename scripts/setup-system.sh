#!/usr/bin/env bash
# Installs the Debian tools the test suite drives for real (tshark decodes captures, prometheus scrapes the
# exporter, chromium opens the report, osmo-hlr is the real HLR of the conformance lane, freeDiameterd relays S6a
# as a Diameter Edge Agent). Only what is missing; nothing when every tool is there.
# Without root or apt-get it says what is missing and carries on: those tests then skip, saying why.
set -euo pipefail
declare -A wanted=([tshark]=tshark [prometheus]=prometheus [promtool]=prometheus [chromium]=chromium [osmo-hlr]=osmo-hlr [freeDiameterd]=freediameterd)
# Packages that install no command: a file of theirs says whether they are there.
declare -A wanted_files=([/usr/lib/freeDiameter/acl_wl.fdx]=freediameter-extensions [/usr/lib/freeDiameter/rt_default.fdx]=freediameter-extensions)
missing=()
for tool in "${!wanted[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("${wanted[$tool]}")
done
for file in "${!wanted_files[@]}"; do
  [ -e "$file" ] || missing+=("${wanted_files[$file]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
packages=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-system: missing $packages; install them (Debian: apt-get install -y $packages) or the tests that need them skip" >&2
  exit 0
fi
echo "setup-system: installing $packages" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq -o DPkg::Lock::Timeout=300 >/dev/null
# shellcheck disable=SC2086
apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends $packages >/dev/null
