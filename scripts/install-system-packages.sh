#!/usr/bin/env bash
# Debian packages the tests need: poppler-utils (pdftotext/pdftoppm read the PDFs back) and
# libreoffice-writer-nogui (the official report's .docx must open in LibreOffice headless, issue 19),
# with fonts-liberation2 (LibreOffice's Times New Roman). Its cost, measured on Debian 12 over a base
# with python3 and poppler-utils, without recommends: 77 packages, 103 MB to download (3.8 s from
# deb.debian.org here), 320 MB installed (8 s to unpack; with recommends 211 packages, 185 MB, 660 MB).
# Rendering needs none: the PDF is typeset by the `typst` wheel with the Be Vietnam Pro
# fonts of the `fontpkg-be-vietnam-pro` wheel. Other packages can be named as arguments
# (scripts/install-bench-packages.sh does, for the benchmark's WeasyPrint chain).
set -euo pipefail
PKGS="${*:-poppler-utils libreoffice-writer-nogui fonts-liberation2}"
missing=$(for p in $PKGS; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || echo "$p"; done)
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
  echo "Cần cài các gói hệ thống / missing system packages: sudo apt-get install $missing" >&2
  exit 1
fi
