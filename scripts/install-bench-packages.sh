#!/usr/bin/env bash
# Only for benchmarks/bench_batch.py: the naive chain it compares against prints the PDF
# with WeasyPrint, which needs Pango (and HarfBuzz subsetting) and fonts with Vietnamese
# glyphs from the system. The product itself needs none of these.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-packages.sh poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
  fonts-noto-core fonts-dejavu-core
"${VENV:-.venv}/bin/pip" install -q -e ".[dev,bench]"
