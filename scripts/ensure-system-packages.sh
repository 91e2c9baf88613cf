#!/usr/bin/env bash
# System packages the test suite needs (WeasyPrint's Pango, fonts with Vietnamese coverage,
# PDF tools). On Debian/Ubuntu as root, missing ones are installed; elsewhere this stops
# with the exact list to install.
set -euo pipefail
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core poppler-utils)

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "Not a Debian-based system: install the equivalents of: ${packages[*]}" >&2
  echo "(Pango 1.44+, HarfBuzz subset library, Noto fonts, poppler-utils), then re-run." >&2
  exit 0
fi
missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ $status == *"install ok installed"* ]] || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
if [[ $(id -u) -ne 0 ]]; then
  echo "Missing system packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
