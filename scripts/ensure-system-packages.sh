#!/usr/bin/env bash
# System packages the test suite needs: Pango and HarfBuzz for WeasyPrint, Noto fonts with
# every Vietnamese letter, poppler-utils for PDF checks. On Debian/Ubuntu as root, missing
# ones are installed; anywhere else this stops with the exact list of what is missing.
# libzbar0: the results tests decode the QR codes printed on issued documents; softhsm2: they
# sign with a key on a PKCS#11 token (skipped where SoftHSM2 is missing).
set -euo pipefail
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core poppler-utils libzbar0 softhsm2)
packages+=(chromium)  # the SPA's browser tests (tests/e2e) drive Debian's Chromium
# Playwright's bundled Node (its driver) links libatomic; a minimal Debian lacks it, and the
# browser tests then fail with "Connection closed while reading from the driver".
packages+=(libatomic1)

if command -v dpkg-query >/dev/null 2>&1; then
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
  exit 0
fi

# Not Debian: look for the libraries, fonts and tools themselves.
missing=()
python3 - <<'PY' || missing+=("Pango >= 1.44 and HarfBuzz (libpango-1.0, libpangoft2-1.0, libharfbuzz-subset)")
import ctypes.util, sys
sys.exit(0 if all(ctypes.util.find_library(n) for n in ("pango-1.0", "pangoft2-1.0", "harfbuzz-subset")) else 1)
PY
if ! { command -v fc-list >/dev/null 2>&1 && fc-list | grep -qi "Noto Sans"; }; then
  missing+=("Noto fonts (Noto Sans / Noto Serif, e.g. package fonts-noto-core or google-noto-sans-fonts)")
fi
command -v pdftoppm >/dev/null 2>&1 || missing+=("poppler-utils (pdftoppm, pdfsig)")
python3 -c 'import ctypes.util, sys; sys.exit(0 if ctypes.util.find_library("zbar") else 1)' \
  || missing+=("zbar (libzbar0), to decode QR codes in tests")
[[ -x /usr/bin/chromium ]] || missing+=("chromium at /usr/bin/chromium (browser tests of the SPA)")
python3 -c 'import ctypes.util, sys; sys.exit(0 if ctypes.util.find_library("atomic") else 1)' \
  || missing+=("libatomic (libatomic1), for Playwright's driver in the browser tests")
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "Missing system requirements:" >&2
  printf '  - %s\n' "${missing[@]}" >&2
  exit 1
fi
