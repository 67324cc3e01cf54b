#!/usr/bin/env bash
# Install the Debian packages the tests need, when missing:
#   chromium        headless browser for the page tests (playwright drives /usr/bin/chromium)
#   gdal-bin        ogrinfo, to check exported files as GDAL itself sees them
#   fonts-noto-cjk  Chinese glyphs for static figures and screenshots
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v ogrinfo >/dev/null 2>&1 || missing+=(gdal-bin)
fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-noto-cjk)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
