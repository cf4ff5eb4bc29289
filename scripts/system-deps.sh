#!/usr/bin/env bash
# Debian packages gkportal needs outside Python: WeasyPrint's libraries, CJK fonts, Chromium and its
# headless build for the browser tests, poppler-utils for looking at PDFs. Installed when we are root and
# apt-get works; otherwise a clear message says what to install.
set -u
PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fonts-arphic-ukai
          fonts-arphic-gkai00mp chromium chromium-headless-shell poppler-utils)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "gkportal needs these system packages (or their equivalents): ${missing[*]}" >&2
  echo "This machine has no apt-get: install them with its package manager, then run make again." >&2
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "gkportal needs these Debian packages: ${missing[*]}" >&2
  echo "Run as root:  apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 0
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || echo "apt-get update failed; trying the install with the lists we have." >&2
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/gkportal-apt.log 2>&1; then
  echo "apt-get install failed (see /tmp/gkportal-apt.log). Install by hand: ${missing[*]}" >&2
fi
