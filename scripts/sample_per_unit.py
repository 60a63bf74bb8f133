"""Turn one month of a data folder's long-form CSV into per-unit files, assembled as units would send
them: ``collect`` writes each unit's workbook, each is filled from the CSV's rows with openpyxl (as a
unit types its figures), ``intake`` accepts them into ``periods/<month>/<unit>.xlsx``; then the CSV is
moved out of ``periods/`` (to ``backups/``), so that the month's figures come only from the units' files.

    python scripts/sample_per_unit.py [--data-dir data] [--month 2026-09]

The figures stay the same: the script stops, leaving the CSV where it is, when a CSV row has no cell
in its unit's workbook, when a note would be lost, or when intake refuses a workbook. The register
(``received/<month>/register.jsonl``) says when the files were accepted: set ``SOURCE_DATE_EPOCH`` for
a fixed time (reproducible sample data)."""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from helpers.collect import collect  # noqa: E402
from helpers.intake import intake  # noqa: E402
from helpers.workbook.layout import CODE_COL, FIRST_DATA_ROW, FIRST_UNIT_COL, META_SHEET  # noqa: E402


def csv_figures(path: Path) -> dict[str, dict[str, str]]:
    """``{unit: {indicator: value}}`` of a long-form CSV (rows with a value)."""
    out: dict[str, dict[str, str]] = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            if (row.get("note") or "").strip():
                raise SystemExit(f"{path}: a note for {row['unit']} {row['indicator']} would be lost")
            if (row.get("value") or "").strip():
                out.setdefault(row["unit"].strip(), {})[row["indicator"].strip()] = row["value"].strip()
    return out


def as_number(text: str):
    """A canonical figure as a number typed into a cell (``1989`` -> int, ``90.35`` -> float)."""
    return int(text) if text.lstrip("-").isdigit() else float(text)


def fill(workbook: Path, out: Path, figures: dict[str, str]) -> None:
    """Type ``figures`` (indicator -> value) into a unit's workbook and save it as ``out``."""
    import openpyxl
    wb = openpyxl.load_workbook(workbook)
    left = dict(figures)
    for ws in wb.worksheets:
        if ws.title == META_SHEET or ws.max_column < FIRST_UNIT_COL:
            continue
        for r in range(FIRST_DATA_ROW, ws.max_row + 1):
            code = ws.cell(r, CODE_COL).value
            if code in left:
                ws.cell(r, FIRST_UNIT_COL).value = as_number(left.pop(code))
    if left:
        raise SystemExit(f"{workbook}: no cell for {', '.join(sorted(left))}")
    wb.save(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", default=str(ROOT / "data"))
    ap.add_argument("--month", default="2026-09")
    args = ap.parse_args(argv)
    data = Path(args.data_dir).resolve()
    source = data / "periods" / f"{args.month}.csv"
    figures = csv_figures(source)
    written = {w.unit: w.path for w in collect(data, args.month, sorted(figures))}
    with tempfile.TemporaryDirectory() as tmp:
        for unit, values in figures.items():
            fill(written[unit], Path(tmp) / f"{unit}.xlsx", values)
        refused = [v for v in intake(data, [tmp], [args.month]) if not v.accepted]
    if refused:
        for v in refused:
            print(v.line("en"), file=sys.stderr)
        return 1
    backups = data / "backups"
    backups.mkdir(exist_ok=True)
    shutil.move(source, backups / source.name)
    print(f"{len(figures)} units' files in {data / 'periods' / args.month}; {source.name} moved to {backups}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
