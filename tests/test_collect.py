"""Collecting a month's figures: ``collect`` writes one signed workbook per reporting unit, units fill
them (openpyxl, as Excel would save them), ``intake`` files the good ones and refuses the others one
by one, and ``status`` reads the register. Each test works on a copy of the sample data folder."""

from __future__ import annotations

import csv
import functools
import hashlib
import importlib.util
import io
import json
import os
import re
import shutil
import stat
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT, cli

from helpers.workbook.layout import CODE_COL, FIRST_DATA_ROW, FIRST_UNIT_COL, HEADER_ROW, META_SHEET

MONTH = "2026-09"
ON_TIME = "1791021600"         # 2026-10-03 10:00 UTC: before the default deadline, 5 October
LATE = "1791540000"            # 2026-10-09 10:00 UTC: after it


def _script():
    spec = importlib.util.spec_from_file_location("sample_per_unit", ROOT / "scripts" / "sample_per_unit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT = _script()


def without_september(folder: Path) -> Path:
    """``folder`` (a copy of the sample) without its September: neither the units' files nor the register."""
    shutil.rmtree(folder / "periods" / MONTH)
    shutil.rmtree(folder / "received" / MONTH)
    return folder


@pytest.fixture
def data(tmp_path):
    """A copy of the sample data without September's figures (the units send theirs)."""
    folder = tmp_path / "data"
    shutil.copytree(ROOT / "data", folder)
    return without_september(folder)


@functools.cache
def _figures() -> tuple:
    from helpers.load import load_data
    ds = load_data(ROOT / "data", months=[MONTH])
    return tuple((u, i, str(r.value)) for (m, u, i), r in sorted(ds.records.items())
                 if m == MONTH and r.value is not None)


def sample_figures() -> dict[str, dict[str, str]]:
    """The sample's September figures, ``{unit: {indicator: value}}`` (as the month's CSV wrote them)."""
    out: dict[str, dict[str, str]] = {}
    for unit, code, value in _figures():
        out.setdefault(unit, {})[code] = value
    return out


def write_month_csv(path: Path) -> None:
    """The sample's September as one analyst's long-form CSV."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["unit", "indicator", "value", "note"])
        w.writerows([unit, code, value, ""] for unit, code, value in _figures())


def communes(n: int = 2) -> list[str]:
    with (ROOT / "data" / "units.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["level"] == "commune" and not r["valid_to"]]
    figures = sample_figures()
    return [r["code"] for r in rows if len(figures.get(r["code"], {})) > 4][:n]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def with_cached_formula(path: Path, formula: str, value) -> None:
    """Give the formula cells ``formula`` the value Excel would have saved (openpyxl writes none)."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                body = body.replace(f"<f>{formula}</f><v></v>".encode(), f"<f>{formula}</f><v>{value}</v>".encode())
            dst.writestr(item, body)
    os.replace(tmp, path)


def set_cell(path: Path, out: Path, sheet: str | None, cell: str, value) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet] if sheet else wb.worksheets[1]
    ws[cell] = value
    wb.save(out)


def meta_cell(path: Path, key: str) -> str:
    wb = openpyxl.load_workbook(path)
    for row in wb[META_SHEET].iter_rows():
        if row[0].value == key:
            return row[1].coordinate
    raise AssertionError(key)


def intake(data: Path, *args, at: str, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", at)
    return cli("intake", *map(str, args), "--data-dir", data, "--lang", "en", cwd=data.parent)


# -- collect ---------------------------------------------------------------------------------------------
def test_collect_writes_one_workbook_per_unit_with_its_indicators_and_a_key(data):
    from helpers.catalogue import load_catalogue
    from helpers.workbook.layout import accepts, input_indicators
    c1, _ = communes()
    r = cli("collect", MONTH, "--unit", "15-SNV,15", "--unit", c1, "--data-dir", data, cwd=data.parent)
    assert r.returncode == 0, r.stderr
    folder = data / "collect" / MONTH
    assert sorted(p.name for p in folder.iterdir()) == sorted(["15-SNV.xlsx", "15.xlsx", f"{c1}.xlsx"])
    key = data / "collect" / ".key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(bytes.fromhex(key.read_text().strip())) == 32
    assert not list((data / "periods").rglob(".key"))
    wb = openpyxl.load_workbook(folder / f"{c1}.xlsx")
    guide = "\n".join(str(c.value) for c in wb.worksheets[0]["A"] if c.value)
    assert c1 in guide and "05/10/2026" in guide and "01/09/2026" in guide and "30/09/2026" in guide
    codes, comments = set(), 0
    for ws in wb.worksheets[1:-1]:
        assert ws.cell(HEADER_ROW, FIRST_UNIT_COL).value == c1 and ws.cell(HEADER_ROW, FIRST_UNIT_COL + 1).value is None
        for r in range(FIRST_DATA_ROW, ws.max_row + 1):
            codes.add(ws.cell(r, CODE_COL).value)
            comments += ws.cell(r, FIRST_UNIT_COL).comment is not None
    from helpers.units import read_units
    unit = read_units(data / "units.csv").get(c1, MONTH)
    wanted = {i.code for i in input_indicators(load_catalogue(data)) if accepts(i, unit)}
    assert codes == wanted
    assert comments > 0                        # August's figures as comments
    assert wb[META_SHEET].sheet_state == "hidden"


def test_a_collected_workbook_has_the_validation_of_the_entry_workbook(data):
    from helpers.load import load_data
    from helpers.workbook import write_entry_workbook
    assert cli("collect", MONTH, "--unit", "15-SNV", "--data-dir", data, cwd=data.parent).returncode == 0
    ds = load_data(data, months=[])
    write_entry_workbook(data.parent / "all.xlsx", MONTH, ds.catalogue, ds.units)
    own = openpyxl.load_workbook(data / "collect" / MONTH / "15-SNV.xlsx")
    full = openpyxl.load_workbook(data.parent / "all.xlsx")

    def rules(wb, unit):
        out = {}
        for ws in wb.worksheets[1:-1]:
            col = next(c for c in range(FIRST_UNIT_COL, ws.max_column + 1) if ws.cell(HEADER_ROW, c).value == unit)
            for dv in ws.data_validations.dataValidation:
                for r in range(FIRST_DATA_ROW, ws.max_row + 1):
                    if ws.cell(r, col).coordinate in dv.sqref:
                        out[ws.cell(r, CODE_COL).value] = (dv.type, dv.operator, dv.formula1, dv.formula2, dv.error)
        return out

    mine = rules(own, "15-SNV")
    assert mine and mine == {k: v for k, v in rules(full, "15-SNV").items() if k in mine}


def test_collect_keeps_a_filled_workbook_unless_forced_and_then_backs_it_up(data):
    assert cli("collect", MONTH, "--unit", "15-SNV", "--data-dir", data, cwd=data.parent).returncode == 0
    target = data / "collect" / MONTH / "15-SNV.xlsx"
    SCRIPT.fill(target, target, {"dossiers_received": "503"})
    filled = sha(target)
    r = cli("collect", MONTH, "--unit", "15-SNV", "--data-dir", data, "--lang", "en", cwd=data.parent)
    assert r.returncode == 0 and "holds figures" in r.stderr and "--force" in r.stderr
    assert sha(target) == filled
    r = cli("collect", MONTH, "--unit", "15-SNV", "--force", "--data-dir", data, "--lang", "en", cwd=data.parent)
    assert r.returncode == 0, r.stderr
    backups = list((data / "backups").iterdir())
    assert len(backups) == 1 and sha(backups[0]) == filled and "backed up" in r.stdout
    assert sha(target) != filled
    assert cli("collect", MONTH, "--unit", "15-SNV", "--data-dir", data, cwd=data.parent).returncode == 0
    assert len(list((data / "backups").iterdir())) == 1          # a blank workbook is simply written again


def test_collect_refuses_a_quarter_and_an_unknown_unit(data):
    assert cli("collect", "2026-Q3", "--data-dir", data, cwd=data.parent).returncode == 2
    r = cli("collect", MONTH, "--unit", "nope", "--data-dir", data, cwd=data.parent)
    assert r.returncode == 2 and "nope" in r.stderr
    assert not (data / "collect" / MONTH).exists()


# -- intake and status -------------------------------------------------------------------------------------
@pytest.fixture
def returned(data, tmp_path):
    """Workbooks as units return them, in ``inbox/``: which file is which."""
    c1, c2 = communes()
    units = f"15-SNV,15-STP,15-VP,{c1},{c2},15"
    assert cli("collect", MONTH, "--unit", units, "--data-dir", data, cwd=data.parent).returncode == 0
    assert cli("collect", "2026-08", "--unit", "15-VP", "--data-dir", data, cwd=data.parent).returncode == 0
    other = tmp_path / "other" / "data"
    shutil.copytree(ROOT / "data", other)
    assert cli("collect", MONTH, "--unit", "15-SNV", "--data-dir", other, cwd=other.parent).returncode == 0
    sent = data / "collect" / MONTH
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    figures = sample_figures()
    files = {"renamed": inbox / "2026-08.xlsx", "formula": inbox / "15-STP.xlsx",
             "commune": inbox / f"{c1}.xlsx", "foreign": inbox / f"{c2}.xlsx", "tampered": inbox / "15-VP.xlsx",
             "august": inbox / "15-VP thang 8.xlsx", "other_folder": inbox / "SNV khac.xlsx",
             "not_a_workbook": inbox / "ghi chu.txt", "uncached": inbox / "15.xlsx"}
    SCRIPT.fill(sent / "15-SNV.xlsx", files["renamed"], figures["15-SNV"])
    stp = dict(figures["15-STP"])
    stp.pop("dossiers_received")
    SCRIPT.fill(sent / "15-STP.xlsx", files["formula"], stp)
    _formula_in(files["formula"], "dossiers_received", "400+72")
    with_cached_formula(files["formula"], "400+72", 472)
    SCRIPT.fill(sent / f"{c1}.xlsx", files["commune"], figures[c1])
    SCRIPT.fill(sent / f"{c2}.xlsx", files["foreign"], figures[c2])
    set_cell(files["foreign"], files["foreign"], None, "D4", "15-SNV")          # another unit's column
    SCRIPT.fill(sent / "15-VP.xlsx", files["tampered"], figures["15-VP"])
    set_cell(files["tampered"], files["tampered"], META_SHEET, meta_cell(sent / "15-VP.xlsx", "unit"), "15-SNV")
    SCRIPT.fill(data / "collect" / "2026-08" / "15-VP.xlsx", files["august"], {"dossiers_received": "100"})
    SCRIPT.fill(other / "collect" / MONTH / "15-SNV.xlsx", files["other_folder"], figures["15-SNV"])
    files["not_a_workbook"].write_text("xin gửi số liệu tháng 9\n", encoding="utf-8")
    SCRIPT.fill(sent / "15.xlsx", files["uncached"], {"idx766_rank": "3"})
    _formula_in(files["uncached"], "vbqppl_issued", "10+20")
    files["units"] = (c1, c2)
    return files


def _formula_in(path: Path, indicator: str, formula: str) -> None:
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets[1:-1]:
        for r in range(FIRST_DATA_ROW, ws.max_row + 1):
            if ws.cell(r, CODE_COL).value == indicator:
                ws.cell(r, FIRST_UNIT_COL).value = f"={formula}"
                wb.save(path)
                return
    raise AssertionError(indicator)


def _lines(text: str, name: str) -> list[str]:
    return [line for line in text.splitlines() if name in line]


def test_intake_files_the_good_workbooks_and_refuses_each_bad_one(data, returned, monkeypatch):
    c1, c2 = returned.pop("units")
    given = {k: sha(p) for k, p in returned.items()}
    r = intake(data, returned["renamed"].parent, at=ON_TIME, monkeypatch=monkeypatch)
    assert r.returncode == 1
    assert {k: sha(p) for k, p in returned.items()} == given               # nothing given is modified
    filed = data / "periods" / MONTH
    assert sorted(p.name for p in filed.iterdir()) == sorted(["15-SNV.xlsx", "15-STP.xlsx", f"{c1}.xlsx"])
    assert sha(filed / "15-SNV.xlsx") == given["renamed"]
    out, err = r.stdout, r.stderr
    assert "2026-08.xlsx → periods/2026-09/15-SNV.xlsx" in out       # its name says August: it is September's
    assert "files accepted: 3, refused: 6" in out
    (foreign,) = _lines(err, f"{c2}.xlsx")
    assert "D4" in foreign or "!D" in foreign
    assert "unit 15-SNV" in foreign and f"unit {c2}'s" in foreign
    (tampered,) = _lines(err, "15-VP.xlsx")
    assert "_cchc!B" in tampered and "signature does not match" in tampered
    (august,) = _lines(err, "thang 8")
    assert "2026-08" in august and "--period 2026-08" in august and "_cchc!B2" in august
    (other,) = _lines(err, "SNV khac")
    assert "another data folder" in other and "_cchc!B" in other
    (text,) = _lines(err, "ghi chu.txt")
    assert "not an Excel workbook (.xlsx)" in text
    (uncached,) = _lines(err, "15.xlsx")
    assert "formula without a computed value" in uncached and "!D" in uncached
    entries = [json.loads(line) for line in (data / "received" / MONTH / "register.jsonl").read_text().splitlines()]
    by_unit = {e["unit"]: e for e in entries}
    assert sorted(by_unit) == sorted(["15-SNV", "15-STP", c1])
    assert by_unit["15-SNV"]["original"] == "2026-08.xlsx"
    assert by_unit["15-SNV"]["figures"] == len(sample_figures()["15-SNV"])
    assert by_unit["15-SNV"]["sha256"] == given["renamed"] and by_unit["15-SNV"]["late"] is False
    assert by_unit["15-SNV"]["received_at"].startswith("2026-10-03")
    from helpers.load import load_data, read_xlsx_rows
    ds = load_data(data, months=[])
    rows = {code: raw for _l, _u, code, raw, _n, _c in read_xlsx_rows(filed / "15-STP.xlsx", "x", ds.catalogue,
                                                                      ds.units)}
    assert rows["dossiers_received"] == 472                     # the formula's value, as Excel computed it
    assert by_unit["15-STP"]["figures"] == len(sample_figures()["15-STP"])
    r = intake(data, returned["august"], "--period", "2026-08", at=LATE, monkeypatch=monkeypatch)
    assert r.returncode == 0 and (data / "periods" / "2026-08" / "15-VP.xlsx").is_file()


def test_a_second_submission_replaces_the_first_and_keeps_it(data, returned, monkeypatch):
    c1, _ = returned["units"]
    first = returned["commune"]
    assert intake(data, first, at=ON_TIME, monkeypatch=monkeypatch).returncode == 0
    again = intake(data, first, at=ON_TIME, monkeypatch=monkeypatch)
    assert again.returncode == 0 and "identical" in again.stdout
    second = first.with_name("sua lai.xlsx")
    SCRIPT.fill(first, second, {"dossiers_received": "999"})
    r = intake(data, second, at=LATE, monkeypatch=monkeypatch)
    assert r.returncode == 0 and "LATE" in r.stdout
    kept = list((data / "received" / MONTH).glob(f"{c1}-*.xlsx"))
    assert len(kept) == 1 and sha(kept[0]) == sha(first)
    assert re.fullmatch(rf"{re.escape(c1)}-2026100\d-\d{{6}}\.xlsx", kept[0].name)
    assert f"received/{MONTH}/{kept[0].name}" in r.stdout
    assert sha(data / "periods" / MONTH / f"{c1}.xlsx") == sha(second)
    from helpers import register
    entries = register.entries(data, MONTH)
    assert len(entries) == 2 and entries[-1].replaced == f"received/{MONTH}/{kept[0].name}" and entries[-1].late


def test_status_lists_who_has_not_reported_first_then_late_then_received(data, returned, monkeypatch):
    c1, c2 = returned["units"]
    intake(data, returned["renamed"], returned["formula"], at=ON_TIME, monkeypatch=monkeypatch)
    intake(data, returned["commune"], at=LATE, monkeypatch=monkeypatch)
    out = data.parent / "status.csv"
    r = cli("status", MONTH, "--data-dir", data, "--csv", out, "--lang", "en", cwd=data.parent)
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert list(rows[0]) == ["unit", "name", "level", "status", "received_at", "file", "figures", "problems",
                             "last_period"]
    status = {row["unit"]: row for row in rows}
    assert status[c1]["status"] == "late" and status["15-SNV"]["status"] == "received"
    assert status["15-STP"]["status"] == "received" and status["15-VP"]["status"] == "not_received"
    assert status[c2]["status"] == "not_received" and status[c2]["last_period"] == "2026-08"
    assert status["15-SNV"]["file"] == "periods/2026-09/15-SNV.xlsx"
    assert status["15-SNV"]["figures"] == str(len(sample_figures()["15-SNV"]))
    levels = {"province": 0, "department": 1, "district": 2, "commune": 3}
    order = [({"not_received": 0, "late": 1, "received": 2}[row["status"]], levels[row["level"]], row["unit"])
             for row in rows]
    assert order == sorted(order) and order[0][0] == 0 and order[-1][0] == 2
    assert "not received" in r.stdout and "late: 1" in r.stdout
    # every commune of the province is expected once communes report; none of the others has sent
    assert sum(row["level"] == "commune" and row["status"] == "not_received" for row in rows) > 50


def test_status_counts_the_analysts_own_file_as_received(data, returned, monkeypatch):
    write_month_csv(data / "periods" / f"{MONTH}.csv")
    c1, _ = returned["units"]
    intake(data, returned["commune"], at=ON_TIME, monkeypatch=monkeypatch)
    out = data.parent / "status.csv"
    assert cli("status", MONTH, "--data-dir", data, "--csv", out, cwd=data.parent).returncode == 0
    rows = {row["unit"]: row for row in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))}
    assert rows[c1]["file"] == f"periods/{MONTH}/{c1}.xlsx"
    assert rows["15-SNV"]["status"] == "received" and rows["15-SNV"]["file"] == f"periods/{MONTH}.csv"
    assert all(row["status"] == "received" for row in rows.values())


def test_intake_refuses_a_workbook_returned_empty(data, monkeypatch):
    assert cli("collect", MONTH, "--unit", "15-SNV", "--data-dir", data, cwd=data.parent).returncode == 0
    r = intake(data, data / "collect" / MONTH / "15-SNV.xlsx", at=ON_TIME, monkeypatch=monkeypatch)
    assert r.returncode == 1 and "unit 15-SNV" in r.stderr and "no figure" in r.stderr
    assert not (data / "periods" / MONTH).exists() and not (data / "received" / MONTH / "register.jsonl").exists()


def test_intake_without_collect_is_a_usage_error(data, tmp_path):
    r = cli("intake", tmp_path, "--data-dir", data, cwd=data.parent)
    assert r.returncode == 2 and "collect" in r.stderr


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """A copy of the sample whose September comes as per-unit files (``scripts/sample_per_unit.py``)."""
    data = tmp_path_factory.mktemp("converted") / "data"
    shutil.copytree(ROOT / "data", data)
    write_month_csv(without_september(data) / "periods" / f"{MONTH}.csv")
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = ON_TIME
    try:
        assert SCRIPT.main(["--data-dir", str(data), "--month", MONTH]) == 0
    finally:
        if before is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before
    return data


def _sample_records(months=(MONTH,)):
    from helpers.load import load_data
    ds = load_data(ROOT / "data", months=list(months))
    return ds, {(u, i): r.value for (m, u, i), r in ds.records.items() if m == MONTH and r.value is not None}


def test_the_sample_script_gives_the_same_figures_as_the_csv(converted):
    from helpers.load import read_xlsx_rows
    from helpers.values import parse_value
    assert not (converted / "periods" / f"{MONTH}.csv").exists()
    ds, want = _sample_records()
    got = {}
    for path in (converted / "periods" / MONTH).glob("*.xlsx"):
        for _l, unit, code, raw, _n, _c in read_xlsx_rows(path, path.name, ds.catalogue, ds.units):
            assert unit == path.stem
            got[(unit, code)] = parse_value(raw, ds.catalogue.get(code).unit)[0]
    assert got == want
    register = converted / "received" / MONTH / "register.jsonl"
    entries = [json.loads(line) for line in register.read_text().splitlines()]
    assert len(entries) == len({u for u, _ in want}) and not any(e["late"] for e in entries)


def test_the_loader_reads_the_converted_month_with_the_same_figures(converted):
    from helpers.load import load_data
    loaded = load_data(converted, months=[MONTH])
    if not any(Path(f).parent.name == MONTH for f in loaded.files.get(MONTH, [])):
        pytest.skip("the loader does not read periods/<month>/ yet (brief U)")
    _ds, want = _sample_records()
    assert {(u, i): r.value for (m, u, i), r in loaded.records.items() if m == MONTH and r.value is not None} == want


def test_the_signature_covers_the_period_the_unit_and_the_layout(data):
    from helpers.collect import folder_key
    from helpers.workbook.identity import genuine, read_identity
    assert cli("collect", MONTH, "--unit", "15-SNV", "--data-dir", data, cwd=data.parent).returncode == 0
    key = folder_key(data)
    rows = [tuple(c.value for c in r)
            for r in openpyxl.load_workbook(data / "collect" / MONTH / "15-SNV.xlsx")[META_SHEET].iter_rows()]
    ident = read_identity(rows)
    assert (ident.period, ident.unit) == (MONTH, "15-SNV") and genuine(ident, key)
    assert not genuine(ident, bytes(32))
    for edit in (lambda r: ("period", "2026-10") if r[0] == "period" else r,
                 lambda r: ("unit", "15-STP") if r[0] == "unit" else r,
                 lambda r: (*r[:4], 99, *r[5:]) if r[0] == "TTHC" else r):       # the last data row
        edited = read_identity([edit(r) for r in rows])
        assert not genuine(edited, key)


def test_figures_in_error_are_accepted_listed_and_shown_by_status(data, monkeypatch, tmp_path):
    assert cli("collect", MONTH, "--unit", "15-SNV", "--data-dir", data, cwd=data.parent).returncode == 0
    book = tmp_path / "snv.xlsx"
    SCRIPT.fill(data / "collect" / MONTH / "15-SNV.xlsx", book, {"dossiers_received": "503"})
    set_cell(book, book, "TTHC", _cell_of(book, "dossiers_synced"), "1.989")       # text: ambiguous
    r = intake(data, book, at=ON_TIME, monkeypatch=monkeypatch)
    assert r.returncode == 0, r.stderr
    assert "dossiers_synced" in r.stderr and "1.989" in r.stderr
    out = tmp_path / "status.csv"
    assert cli("status", MONTH, "--data-dir", data, "--csv", out, "--lang", "en", cwd=data.parent).returncode == 0
    row = next(r for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))) if r["unit"] == "15-SNV")
    assert row["figures"] == "1" and "figures in error: 1" in row["problems"] and row["status"] == "received"


def _cell_of(path: Path, indicator: str) -> str:
    ws = openpyxl.load_workbook(path)["TTHC"]
    row = next(r for r in range(FIRST_DATA_ROW, ws.max_row + 1) if ws.cell(r, CODE_COL).value == indicator)
    return ws.cell(row, FIRST_UNIT_COL).coordinate
