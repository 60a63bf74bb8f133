#!/usr/bin/env bash
# Debian packages the tests need: poppler-utils (pdftotext/pdftoppm read the PDFs back).
# Rendering needs none: the PDF is typeset by the `typst` wheel with the Be Vietnam Pro
# fonts of the `fontpkg-be-vietnam-pro` wheel. Other packages can be named as arguments
# (scripts/install-bench-packages.sh does, for the benchmark's WeasyPrint chain).
set -euo pipefail
PKGS="${*:-poppler-utils}"
missing=$(for p in $PKGS; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || echo "$p"; done)
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
else
  echo "Cần cài các gói hệ thống / missing system packages: sudo apt-get install $missing" >&2
  exit 1
fi
