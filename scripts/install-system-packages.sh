#!/usr/bin/env bash
# Debian packages the reports need: Pango for WeasyPrint (PDF), HarfBuzz subsetting
# (3x faster PDF fonts), fonts with Vietnamese glyphs, poppler-utils (pdftotext for tests).
set -euo pipefail
PKGS="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core fonts-dejavu-core poppler-utils"
missing=$(for p in $PKGS; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || echo "$p"; done)
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
else
  echo "Cần cài các gói hệ thống / missing system packages: sudo apt-get install $missing" >&2
  exit 1
fi
