"""Turn one month of a data folder's long-form CSV into per-unit files, assembled as units would send
them: ``collect`` writes each unit's workbook, each is filled from the CSV's rows with openpyxl (as a
unit types its figures), ``intake`` accepts them into ``periods/<month>/<unit>.xlsx``; then the CSV is
moved out of ``periods/`` (to ``backups/``), so that the month's figures come only from the units' files.

    python scripts/sample_per_unit.py [--data-dir data] [--month 2026-09]

The figures stay the same: the script stops, leaving the CSV where it is, when a CSV row has no cell
in its unit's workbook, when a note would be lost, or when intake refuses a workbook. The register
(``received/<month>/register.jsonl``) says when the files were accepted: set ``SOURCE_DATE_EPOCH`` for
a fixed time (reproducible sample data).

``scripts/make_sample_data.py`` calls :func:`assemble_sample` for the sample's 2026-09 (a fixed key, clock
and time zone, and :func:`stable_xlsx` on each filled workbook), so that the filed workbooks and the
register are the same bytes on every run; it ships neither the key nor the collected blank workbooks."""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))      # sample_2022_2023, beside it

import sample_2022_2023  # noqa: E402

from helpers.collect import collect, key_path  # noqa: E402
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


STAMP = "2026-10-03T10:00:00Z"          # the document dates of a stable workbook
ZIP_DATE = (2026, 10, 3, 10, 0, 0)


def stable_xlsx(path: Path) -> None:
    """Rewrite an openpyxl workbook with fixed document dates and zip entry times (the same bytes for
    the same cells on every run)."""
    path.write_bytes(sample_2022_2023.stable_xlsx(path.read_bytes(), STAMP, ZIP_DATE))


@contextlib.contextmanager
def fixed_clock(epoch: str, tz: str):
    """``SOURCE_DATE_EPOCH`` and ``TZ`` set for the block (the register's times and offsets)."""
    saved = {k: os.environ.get(k) for k in ("SOURCE_DATE_EPOCH", "TZ")}
    os.environ.update(SOURCE_DATE_EPOCH=epoch, TZ=tz)
    time.tzset()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        time.tzset()


def assemble(data: Path, month: str, figures: dict[str, dict[str, str]], stable: bool = False) -> list:
    """``collect`` the units of ``figures``, fill each one's workbook, ``intake`` them: the refused verdicts.
    ``stable``: each filled workbook made byte-stable (:func:`stable_xlsx`) before it is taken in."""
    written = {w.unit: w.path for w in collect(data, month, sorted(figures))}
    with tempfile.TemporaryDirectory() as tmp:
        for unit, values in figures.items():
            fill(written[unit], Path(tmp) / f"{unit}.xlsx", values)
            if stable:
                stable_xlsx(Path(tmp) / f"{unit}.xlsx")
        return [v for v in intake(data, [tmp], [month]) if not v.accepted]


def assemble_sample(data: Path, month: str, figures, key: bytes, epoch: str, tz: str) -> list:
    """:func:`assemble` with the fixed ``key`` (hex in ``collect/.key`` while it runs), clock and time
    zone; afterwards the key and the blank workbooks are removed (what ``collect`` made, not data)."""
    path = key_path(data)
    if path.exists():
        raise SystemExit(f"{path} exists: the sample is assembled with its own fixed key")
    received = data / "received"
    made = [p for p in (path.parent, path.parent / month, received / ".incoming", received / ".intake.lock")
            if not p.exists()]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(key.hex() + "\n", encoding="ascii")
    try:
        with fixed_clock(epoch, tz):
            return assemble(data, month, figures, stable=True)
    finally:
        path.unlink()
        for made_path in reversed(made):
            if made_path.is_dir():
                shutil.rmtree(made_path)
            elif made_path.exists():
                made_path.unlink()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", default=str(ROOT / "data"))
    ap.add_argument("--month", default="2026-09")
    args = ap.parse_args(argv)
    data = Path(args.data_dir).resolve()
    source = data / "periods" / f"{args.month}.csv"
    if not source.is_file():
        raise SystemExit(f"{source}: no such file (the month's long-form CSV to turn into per-unit files)")
    figures = csv_figures(source)
    refused = assemble(data, args.month, figures)
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
