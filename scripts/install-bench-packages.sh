#!/usr/bin/env bash
# Only for benchmarks/bench_batch.py: the naive chain it compares against prints the PDF
# with WeasyPrint, which needs Pango (and HarfBuzz subsetting) and fonts with Vietnamese
# glyphs from the system. The product itself needs none of these.
set -euo pipefail
PKGS="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core fonts-dejavu-core"
missing=$(for p in $PKGS; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || echo "$p"; done)
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  else
    echo "missing system packages for the benchmark: sudo apt-get install $missing" >&2
    exit 1
  fi
fi
"${VENV:-.venv}/bin/pip" install -q -e ".[dev,bench]"
