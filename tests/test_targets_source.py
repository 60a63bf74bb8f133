"""Issue 18, "One target per row, with its source": targets.csv's optional `source` column (untrusted text),
a catalogue default said to be one, the one judged target per table row, the appendix "Phụ lục: Nguồn số
liệu và cách tính" (formulas in words from the catalogue), the gap to pace in words, the area lights' rule
and counts, and one name per indicator in each language."""

import csv
import io
from dataclasses import replace
from decimal import Decimal

import pytest
from conftest import cli, csv_rows, write_data

from helpers import blocks
from helpers.catalogue import builtin_catalogue_path, load_catalogue
from helpers.errors import CatalogueError
from helpers.figures import BEHIND, MET, NO_DATA, NOT_MET, ON_TRACK
from helpers.load import load_data
from helpers.report import open_report
from helpers.report.display import pace_gap_text
from helpers.report.leadership import AMBER, GREEN, RED, area_lights, light_of
from helpers.report.sources import formula

UNITS = ("code,name_vi,name_en,level,parent\n10,Tỉnh Thử,Test Province,province,\n"
         "080,Huyện Một,District One,district,10\n082,Huyện Hai,District Two,district,10\n")
PLAN = "KH 45/KH-UBND ngày 10/01/2026"


def month(done=79):
    """October 2023: online submission 60% (target 65% in targets.csv), on-time resolution 99% (catalogue
    default ≥ 98%), the year's plan ``done``/100 tasks (year-end target 100%, pace 83,33%)."""
    rows = []
    for unit in ("080", "082"):
        rows += [f"{unit},dossiers_received,100,", f"{unit},dossiers_received_online,60,",
                 f"{unit},dossiers_resolved,100,", f"{unit},dossiers_resolved_ontime,99,"]
    rows += [f"10,cchc_plan_tasks_done,{done},", "10,cchc_plan_tasks_total,100,"]
    return csv_rows(*rows)


def data_with(tmp_path, targets: str, done=79):
    return write_data(tmp_path, {"2023-10.csv": month(done)}, units=UNITS, extra={"targets.csv": targets})


def shown_blocks(monkeypatch, call) -> list:
    shown = []
    monkeypatch.setattr(blocks, "show", lambda *b: shown.extend(b))
    call()
    return shown


def kpi_rows(report, monkeypatch) -> dict:
    """``{indicator name: [cell texts and notes]}`` of the summary's judged table."""
    table = next(b for b in shown_blocks(monkeypatch, report.summary) if isinstance(b, blocks.Table))
    out = {}
    for row in table.rows:
        out[row[0].text] = [x for c in row for x in (c.text, c.note) if x]
    return out


# -- the source column -------------------------------------------------------------------------------------
def test_a_source_is_read_and_shown_under_the_name_with_one_target(tmp_path, monkeypatch):
    data = data_with(tmp_path, f"indicator,unit,year,target,source\nonline_submission_rate,10,2023,65,{PLAN}\n")
    assert load_data(data).target_sources == {("online_submission_rate", "10", 2023): PLAN}
    for lang, said, default in (("vi", f"Mục tiêu theo {PLAN}", "Mục tiêu mặc định theo danh mục"),
                                ("en", f"Target set by {PLAN}", "Catalogue default target")):
        report = open_report("2023-10", "10", str(data), lang)
        rows = kpi_rows(report, monkeypatch)
        online = rows[report.ds.catalogue["online_submission_rate"].name(lang)]
        assert said in online and "≥ 65%" in online
        assert not any("50%" in text for text in online), online          # the catalogue's target is not shown
        ontime = rows[report.ds.catalogue["ontime_resolution_rate"].name(lang)]
        assert default in ontime and "≥ 98%" in ontime


def test_a_sub_unit_shows_its_parents_source(tmp_path):
    data = data_with(tmp_path, f"indicator,unit,year,target,source\nonline_submission_rate,10,2023,65,{PLAN}\n")
    report = open_report("2023-10", "080", str(data), "vi")
    from helpers.report.sources import source_note
    assert source_note(report.calc, report.figures["online_submission_rate"], "vi") == f"Mục tiêu theo {PLAN}"


def test_a_target_without_a_source_says_none_was_named(tmp_path, monkeypatch):
    data = data_with(tmp_path, "indicator,unit,year,target\nonline_submission_rate,10,2023,65\n")
    report = open_report("2023-10", "10", str(data), "vi")
    online = kpi_rows(report, monkeypatch)["Tỷ lệ hồ sơ nộp trực tuyến"]
    assert "Mục tiêu do địa phương giao (chưa ghi văn bản)" in online


@pytest.mark.parametrize("source, expected", [
    ("KH 45\x07/KH-UBND", "U+0007"), ("KH\u202e 45", "U+202E"), ("K" * 121, "121 characters long")])
def test_a_bad_source_is_refused_naming_the_row_and_column(tmp_path, source, expected):
    data = data_with(tmp_path, "indicator,unit,year,target,source\nonline_payment_rate,10,2023,60,\n"
                                f"online_submission_rate,10,2023,65,{source}\n")
    ds = load_data(data)
    (bad,) = [f for f in ds.findings if f.is_error]
    assert (bad.file, bad.row, bad.column, bad.indicator) == ("targets.csv", 3, "source", "online_submission_rate")
    assert expected in bad.message_en
    assert ("online_submission_rate", "10", 2023) not in ds.targets
    r = cli("validate", "--data-dir", str(data), "--lang", "en", cwd=tmp_path)
    assert r.returncode == 1 and "targets.csv, row 3, column source" in r.stdout + r.stderr
    assert "Traceback" not in r.stdout + r.stderr


# -- the appendix ------------------------------------------------------------------------------------------
def test_a_ratio_and_a_sum_in_words_in_both_languages():
    cat = load_catalogue()
    text, how = formula(cat, cat["online_submission_rate"], "vi")
    assert text == "Số hồ sơ tiếp nhận trực tuyến ÷ Tổng số hồ sơ TTHC tiếp nhận trong kỳ × 100%"
    assert how.startswith("Tử số và mẫu số: tổng các tháng trong kỳ, tổng các đơn vị trực thuộc")
    assert "không lấy bình quân các tháng" in how
    text, how = formula(cat, cat["online_submission_rate"], "en")
    assert text == "Dossiers received online ÷ Dossiers received in period × 100%"
    assert "never averaged" in how
    assert formula(cat, cat["dossiers_received"], "vi") == (
        "Tổng các tháng trong kỳ, tổng các đơn vị trực thuộc khi đơn vị không báo cáo riêng", "")
    assert formula(cat, cat["tthc_published_total"], "en")[0].startswith("Value at the end of the period")
    assert formula(cat, cat["idx766_total_score"], "vi")[0] == "Giá trị cuối kỳ do cơ quan có thẩm quyền công bố"


def test_the_appendix_lists_each_shown_indicator_with_its_formula_and_source(tmp_path, monkeypatch):
    data = data_with(tmp_path, f"indicator,unit,year,target,source\nonline_submission_rate,10,2023,65,{PLAN}\n")
    report = open_report("2023-10", "10", str(data), "vi")
    heading, lead, table = shown_blocks(monkeypatch, report.sources_appendix)
    assert heading.text == "Phụ lục: Nguồn số liệu và cách tính" and heading.level == 1
    rows = {row[0].text: row for row in table.rows}
    assert set(rows) == {f.indicator.name("vi") for f in report.shown_figures()}
    online = rows["Tỷ lệ hồ sơ nộp trực tuyến"]
    assert online[1].text.endswith("× 100%") and (online[2].text, online[2].note) == ("≥ 65%", f"Mục tiêu theo {PLAN}")
    plan = rows["Tỷ lệ hoàn thành Kế hoạch CCHC năm"]
    assert plan[2].note.startswith("Mục tiêu mặc định theo danh mục; mục tiêu đến cuối năm")
    assert "quá 1 điểm phần trăm" in plan[2].note


def test_the_notebook_calls_the_appendix_before_the_provenance(root):
    import json
    cells = json.loads((root / "notebooks" / "progress_report.ipynb").read_text(encoding="utf-8"))["cells"]
    sources = ["".join(c["source"]) for c in cells]
    assert sources.index("report.sources_appendix()") + 1 == sources.index("report.provenance()")


# -- pace, in words -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("done, status, vi, en", [
    (79, BEHIND, "thấp hơn tiến độ 4,33 điểm phần trăm", "4.33 points below pace"),
    (83, ON_TRACK, "thấp hơn tiến độ 0,33 điểm phần trăm", "0.33 points below pace"),
    (90, ON_TRACK, "cao hơn tiến độ 6,67 điểm phần trăm", "6.67 points above pace")])
def test_the_gap_to_pace_is_said_in_words_beside_the_judgement(tmp_path, monkeypatch, done, status, vi, en):
    data = data_with(tmp_path, "indicator,unit,year,target\n", done=done)
    report = open_report("2023-10", "10", str(data), "vi")
    fig = report.figures["cchc_plan_completion_rate"]
    assert fig.status == status
    assert (pace_gap_text(fig, "vi"), pace_gap_text(fig, "en")) == (vi, en)
    assert vi in kpi_rows(report, monkeypatch)["Tỷ lệ hoàn thành Kế hoạch CCHC năm"]


# -- area lights ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("statuses, light", [
    ([MET, MET], GREEN), ([MET, ON_TRACK], GREEN), ([MET, NOT_MET], AMBER), ([MET, MET, BEHIND], AMBER),
    ([MET, NOT_MET, BEHIND], RED), ([BEHIND], RED), ([NOT_MET, MET, MET, NOT_MET], AMBER)])
def test_the_light_rule_over_all_rows(statuses, light):
    assert light_of(statuses) == light


def test_an_area_light_counts_its_rows_and_those_apart(tmp_path):
    data = data_with(tmp_path, "indicator,unit,year,target\n")
    report = open_report("2023-10", "10", str(data), "vi")
    judged = report.figures["online_submission_rate"]
    reference = report.figures["dossiers_received"]
    rows = [replace(judged, status=s, ytd_status=s) for s in (MET, MET, MET, NOT_MET, NOT_MET, NO_DATA)]
    lights = {a.area: a for a in area_lights({"tthc": rows + [reference, reference]}, "vi", ytd=False)}
    tthc = lights["tthc"]
    assert tthc.light == AMBER and tthc.label("vi") == "Đạt một phần" and tthc.mark == BEHIND
    assert tthc.detail.startswith("3/5 đạt; 2 chưa đạt — Tỷ lệ hồ sơ nộp trực tuyến: 60,00% (mục tiêu ≥ 50%)")
    assert tthc.detail.endswith("; 2 chỉ tiêu chưa có mục tiêu; 1 chỉ tiêu chưa có số liệu")
    assert tthc.status == NOT_MET                               # metrics.json: the worst row, as before
    red = area_lights({"tthc": [replace(judged, status=BEHIND, ytd_status=BEHIND)]}, "en", ytd=False)
    tthc = next(a for a in red if a.area == "tthc")
    assert (tthc.light, tthc.label("en"), tthc.mark) == (RED, "Behind pace", NOT_MET)
    assert tthc.detail.startswith("0/1 met; 1 behind")
    green = area_lights({"tthc": [replace(judged, status=s, ytd_status=s) for s in (MET, ON_TRACK)]}, "vi", False)
    tthc = next(a for a in green if a.area == "tthc")
    assert (tthc.light, tthc.label("vi"), tthc.detail) == (GREEN, "Đạt, đúng tiến độ", "2/2 đạt hoặc đúng tiến độ")
    paced = area_lights({"tthc": [replace(judged, status=ON_TRACK, ytd_status=ON_TRACK)]}, "vi", False)
    assert next(a.label("vi") for a in paced if a.area == "tthc") == "Đúng tiến độ"      # never "Đạt" before December


def test_page_one_says_the_rule_under_the_lights(tmp_path, monkeypatch):
    data = data_with(tmp_path, "indicator,unit,year,target\n")
    for lang, words in (("vi", "quá nửa"), ("en", "more than half")):
        report = open_report("2023-10", "10", str(data), lang)
        group = shown_blocks(monkeypatch, report.conclusions)[-1]
        _heading, grid, rule = group.items
        assert words in rule.text and len(grid.rows) == 8


# -- names -----------------------------------------------------------------------------------------------------
def shipped_row(code: str) -> dict:
    with builtin_catalogue_path().open(encoding="utf-8") as fh:
        return next(row for row in csv.DictReader(fh) if row["code"] == code)


def test_every_shipped_indicator_has_a_name_of_its_own_in_each_language():
    cat = load_catalogue()
    for lang in ("vi", "en"):
        names = [i.name(lang).casefold() for i in cat]
        assert len(names) == len(set(names)), lang
    assert cat["dossier_sync_rate"].name("en") != cat["dossiers_synced"].name("en")


@pytest.mark.parametrize("column", ["name_en", "name_vi"])
def test_a_name_used_twice_in_one_language_is_refused_naming_both_codes(tmp_path, column):
    row = {**shipped_row("dossiers_received_online"), column: f"  {shipped_row('dossiers_received')[column].upper()} "}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(row), lineterminator="\n")
    writer.writeheader()
    writer.writerow(row)
    data = write_data(tmp_path, {"2023-10.csv": month()}, units=UNITS, extra={"indicators.csv": out.getvalue()})
    with pytest.raises(CatalogueError) as exc:
        load_catalogue(data)
    err = exc.value
    assert (err.row, err.column) == (2, column)
    text = err.text("en")
    assert "dossiers_received_online" in text and "dossiers_received" in text.replace("dossiers_received_online", "")
    r = cli("validate", "--data-dir", str(data), "--lang", "vi", cwd=tmp_path)
    assert r.returncode != 0 and "Traceback" not in r.stdout + r.stderr
    assert "có cùng tên" in r.stdout + r.stderr


def test_the_sample_targets_name_their_sources(root):
    with (root / "data" / "targets.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["source"] for r in rows if r["year"] == "2026"} == {PLAN}
    assert Decimal(next(r["target"] for r in rows if r["indicator"] == "online_submission_rate"
                        and r["year"] == "2026")) == 65
