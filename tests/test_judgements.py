"""The judgements leadership reads, pinned on small hand-computed data sets:
year-end targets against pace, ranks with their field, exact values, evaluable
targets, doubtful figures, league tables and overdue dossiers."""

import json
from decimal import Decimal

import pytest
from conftest import csv_rows, write_data

from helpers.figures import Calculator, compute_figures, pace_of
from helpers.findings import Finding
from helpers.load import load_data
from helpers.periods import Period
from helpers.report import display, leadership
from helpers.report.leagues import leagues, overdue
from helpers.text import Msg

PLAN = "cchc_plan_completion_rate"


def _plan(tmp_path, months: dict, targets: str = ""):
    files = {f"{m}.csv": csv_rows(f"10,cchc_plan_tasks_done,{done},", "10,cchc_plan_tasks_total,100,")
             for m, done in months.items()}
    extra = {"targets.csv": "indicator,unit,year,target,month\n" + targets} if targets else None
    return load_data(write_data(tmp_path, files, extra=extra))


@pytest.mark.parametrize("done,status", [(45, "on_track"), (38, "behind")])
def test_year_end_target_in_may_is_judged_against_pace(tmp_path, done, status):
    # pace in May: 5/12 of 100% = 41.67%; 45/100 is ahead of it, 38/100 behind
    fig = compute_figures(_plan(tmp_path, {"2023-05": done}), "10", "2023-05")[PLAN]
    assert fig.status == status and fig.ytd_status == status
    assert fig.pace == Decimal(100) * 5 / 12
    d = fig.to_dict()
    assert d["status"] == status and d["target_kind"] == "year_end" and abs(d["pace_target"] - 41.6667) < 1e-3


@pytest.mark.parametrize("period", ["2023-12", "2023-Q4", "2023-H2", "2023"])
def test_year_end_target_is_met_or_not_in_a_period_ending_in_december(tmp_path, period):
    figs = compute_figures(_plan(tmp_path / "a", {"2023-11": 90, "2023-12": 100}), "10", period)
    assert figs[PLAN].status == "met" and figs[PLAN].pace is None
    figs = compute_figures(_plan(tmp_path / "b", {"2023-11": 90, "2023-12": 95}), "10", period)
    assert figs[PLAN].status == "not_met"


def test_milestones_from_targets_csv_set_the_pace(tmp_path):
    # milestone 60% at the end of June: pace in May = 60 * 5/6 = 50 -> 45 is behind
    ds = _plan(tmp_path, {"2023-05": 45}, "cchc_plan_completion_rate,10,2023,60,6\n"
                                          "cchc_plan_completion_rate,10,2023,100,\n")
    fig = compute_figures(ds, "10", "2023-05")[PLAN]
    assert fig.pace == Decimal(50) and fig.status == "behind" and fig.target == 100
    assert pace_of(Decimal(100), 9, {6: Decimal(60)}) == Decimal(80)     # 60 + 40 * 3/6


def test_target_that_holds_at_all_times_is_met_or_not_every_month(tmp_path):
    ds = load_data(write_data(tmp_path, {"2023-05.csv": csv_rows("10,dossiers_received,100,",
                                                                 "10,dossiers_received_online,45,")}))
    fig = compute_figures(ds, "10", "2023-05")["online_submission_rate"]
    assert fig.status == "not_met" and fig.pace is None          # ≥ 50% always: no pace


def test_rank_30_to_21_prints_its_field_and_places(tmp_path):
    ds = load_data(write_data(tmp_path, {"2023-04.csv": csv_rows("10,idx766_rank,30,"),
                                         "2023-05.csv": csv_rows("10,idx766_rank,21,")}))
    fig = compute_figures(ds, "10", "2023-05")["idx766_rank"]
    assert fig.rank_field == 63 and fig.rank_change(fig.previous) == 9
    assert display.rank_text(fig.current.value, fig.rank_field) == "21/63"
    assert display.change_text(fig, fig.previous, "vi") == "↑9 bậc"
    assert display.change_text(fig, fig.previous, "en") == "↑9 places"
    assert display.places_text(1, "en") == "↑1 place" and display.places_text(-1, "vi") == "↓1 bậc"
    line = leadership.rank_line({"idx766_rank": fig}, "vi")
    assert "21/63" in line and "↑9 bậc" in line and "%" not in line
    d = fig.to_dict()
    assert d["rank_field"] == 63 and d["rank_change_places"] == 9


def test_rank_field_from_the_data_and_after_the_2025_merger(tmp_path):
    ds = load_data(write_data(tmp_path, {"2023-05.csv": csv_rows("10,idx766_rank,21,", "10,idx766_rank_field,40,"),
                                         "2025-08.csv": csv_rows("10,idx766_rank,5,")}))
    assert compute_figures(ds, "10", "2023-05")["idx766_rank"].rank_field == 40
    assert compute_figures(ds, "10", "2025-08")["idx766_rank"].rank_field == 34
    assert compute_figures(ds, "080", "2025-08")["idx766_rank"].rank_field is None    # not a province


def test_rank_falling_reads_as_a_fall(tmp_path):
    ds = load_data(write_data(tmp_path, {"2023-04.csv": csv_rows("10,idx766_rank,11,"),
                                         "2023-05.csv": csv_rows("10,idx766_rank,14,")}))
    fig = compute_figures(ds, "10", "2023-05")["idx766_rank"]
    assert display.change_text(fig, fig.previous, "vi") == "↓3 bậc"


def test_exact_values_and_statuses_on_exact_values(tmp_path):
    ds = load_data(write_data(tmp_path, {"2023-05.csv": csv_rows(
        "080,dossiers_received,48,", "080,dossiers_received_online,35,",
        "082,dossiers_received,20000,", "082,dossiers_received_online,9999,")}))
    figs = compute_figures(ds, "080", "2023-05")
    d = figs["online_submission_rate"].to_dict()
    assert d["value"] == pytest.approx(72.91666666666667, abs=1e-12) and d["value"] != 72.92
    assert json.loads(json.dumps(d))["value"] == 3500 / 48
    # 9999/20000 = 49.995%: shown as 50,00% but judged on the exact value
    f = compute_figures(ds, "082", "2023-05")["online_submission_rate"]
    assert f.status == "not_met" and display.show(f.value, f.indicator, "vi") == "50,00%"


def test_rates_show_two_decimals(tmp_path):
    ds = load_data(write_data(tmp_path, {"2023-05.csv": csv_rows("10,internal_tthc_simplified,39,",
                                                                 "10,internal_tthc_total,51,")}))
    f = compute_figures(ds, "10", "2023-05")["internal_tthc_simplified_rate"]
    assert display.show(f.value, f.indicator, "vi") == "76,47%"


def test_text_target_is_evaluated_where_the_catalogue_can(tmp_path):
    ds = load_data(write_data(tmp_path, {"2023-10.csv": csv_rows("10,tthc_time_cut30,977,",
                                                                 "10,tthc_published_total,1989,")}))
    f = compute_figures(ds, "10", "2023-10")["tthc_time_cut30_share"]
    assert display.show(f.value, f.indicator, "vi") == "49,12%" and f.target == 30 and f.status == "met"


def test_sub_units_inherit_the_parents_target(tmp_path):
    data = write_data(tmp_path, {"2023-05.csv": csv_rows("082,dossiers_received,100,",
                                                         "082,dossiers_received_online,55,")},
                      extra={"targets.csv": "indicator,unit,year,target\nonline_submission_rate,10,2023,60\n"})
    f = compute_figures(load_data(data), "082", "2023-05")["online_submission_rate"]
    assert f.target == 60 and f.status == "not_met"


def test_sum_missing_sub_units_is_flagged_n_of_N(tmp_path):
    ds = load_data(write_data(tmp_path, {"2023-05.csv": csv_rows("080,dossiers_received,100,")}))
    calc = Calculator(ds)
    figs = calc.figures("10", Period.parse("2023-05"))
    v = figs["dossiers_received"].current
    assert v.value == 100 and v.computed and (v.reported, v.expected) == (1, 2) and v.incomplete
    flags = leadership.flags(figs, [], calc, "10", "vi")
    assert [f.text for f in flags["dossiers_received"]] == [
        "Tổng hợp từ 1/2 đơn vị trực thuộc (còn đơn vị chưa báo cáo)"]
    assert figs["dossiers_received"].to_dict()["sub_units_reported"] == 1


def test_doubtful_figure_footnote_names_indicators_not_codes(tmp_path):
    ds = load_data(write_data(tmp_path, {"2023-10.csv": csv_rows("10,tthc_published_total,1989,")}))
    calc = Calculator(ds)
    figs = calc.figures("10", Period.parse("2023-10"))
    message = Msg("finding.parts_sum", total="1.989", terms="1.899", sum="1.899", parts="tthc_published_province")
    finding = Finding("warning", "parts_sum", message, file="periods/2023-10.csv",
                      row=5, unit="10", indicator="tthc_published_total", period="2023-10")
    for lang, name in (("vi", "Số TTHC cấp tỉnh"), ("en", "Provincial-level procedures")):
        text = leadership.flags(figs, [finding], calc, "10", lang)["tthc_published_total"][0].text
        assert name in text and "tthc_" not in text and "periods/" not in text


def _leader_text(tmp_path, message: Msg, lang: str, check: str = "jump") -> str:
    calc = Calculator(load_data(write_data(tmp_path, {"2023-10.csv": csv_rows("10,tthc_published_total,1989,")})))
    return leadership.leader_message(Finding("warning", check, message, unit="10"), calc, lang)


def test_a_leaders_message_names_every_listed_indicator_from_the_parameters(tmp_path):
    parts = "tthc_published_province, tthc_published_district, tthc_published_commune"
    message = Msg("finding.parts_sum", total="1.989", terms="1.899 + 0 + 0", sum="1.899", parts=parts)
    text = _leader_text(tmp_path, message, "en", "parts_sum")
    assert text.startswith("Total 1.989 ≠ 1.899 + 0 + 0 = 1.899 («Provincial-level procedures», «")
    assert "tthc_" not in text and text.count("«") == 3


def test_a_leaders_message_shows_a_file_by_its_name_in_the_leaders_words(tmp_path):
    ignored = Msg("finding.ignored_file", name="2023-10 (1).csv", code="2023-10")
    for lang, words in (("vi", "không đúng quy ước"), ("en", "does not follow the convention")):
        text = _leader_text(tmp_path, ignored, lang, "ignored_file")
        assert words in text and "2023-10 (1).csv" in text and "periods/" not in text and "—" not in text
    image = Msg("finding.notes.image_removed", ref="/home/analyst/Desktop/bieu-do.png",
                why=Msg("finding.notes.remote_image"))
    text = _leader_text(tmp_path, image, "vi", "note_reference")
    assert text == "Đã bỏ hình “bieu-do.png” khỏi nhận xét: hình ở địa chỉ trên mạng hoặc ngoài thư mục dữ liệu " \
                   "không được tải về"
    missing = Msg("finding.missing_unit_month", month="09/2023")           # a slash that is not a path
    assert "09/2023" in _leader_text(tmp_path, missing, "vi", "missing_unit_month")


def _units_data(tmp_path, pending=True):
    rows = {
        # unit: received, online, resolved, ontime, pending overdue
        "080": (100, 70, 100, 99, 3), "082": (100, 30, 100, 90, 10), "083": (100, 55, 200, 190, None),
    }
    units = ("code,name_vi,name_en,level,parent\n10,Tỉnh Khác,Other Province,province,\n"
             + "".join(f"{c},Huyện {c},District {c},district,10\n" for c in rows))
    files = {}
    for month, scale in (("2023-04", 1), ("2023-05", 2)):
        lines = []
        for u, (rec, onl, res, ont, pend) in rows.items():
            if u == "083" and month == "2023-04":
                onl = 80                 # 083 was first in April
            lines += [f"{u},dossiers_received,{rec * scale},", f"{u},dossiers_received_online,{onl * scale},",
                      f"{u},dossiers_resolved,{res * scale},", f"{u},dossiers_resolved_ontime,{ont * scale},"]
            if pending and pend is not None:
                lines.append(f"{u},dossiers_pending_overdue,{pend},")
        files[f"{month}.csv"] = csv_rows(*lines)
    return Calculator(load_data(write_data(tmp_path, files, units=units)))


def test_league_table_sorted_with_status_and_rank_change(tmp_path):
    calc = _units_data(tmp_path)
    may, april = Period.parse("2023-05"), Period.parse("2023-04")
    lgs = leagues(calc, "10", may, april, 2023)
    online = next(lg for lg in lgs if lg.indicator.code == "online_submission_rate")
    assert [r.unit.code for r in online.rows] == ["080", "083", "082"]            # 70%, 55%, 30%
    assert [r.status for r in online.rows] == ["met", "met", "not_met"]            # ≥ 50%
    assert [r.rank_change for r in online.rows] == [1, -1, 0]                       # 083 was first in April
    assert online.level == "district"


def test_overdue_dossiers_worst_first(tmp_path):
    calc = _units_data(tmp_path)
    own, rows = overdue(calc, "10", Period.parse("2023-05"))
    # May: late = resolved − on time: 080 2, 082 20, 083 20; Jan–May: 3, 30, 30; pending 3, 10, none
    assert [(r.unit.code, r.late, r.late_ytd, r.pending) for r in rows] == [
        ("082", 20, 30, 10), ("083", 20, 30, None), ("080", 2, 3, 3)]
    assert (own.late, own.late_ytd) == (42, 63) and own.pending == 13
    assert rows[0].late_rate_ytd == Decimal(30) * 100 / Decimal(300)


def test_key_messages_and_area_lights(tmp_path):
    calc = _units_data(tmp_path)
    period = Period.parse("2023-05")
    figs = calc.figures("10", period)
    lgs = leagues(calc, "10", period.ytd(), Period.parse("2023-04").ytd(), 2023)
    msgs = leadership.key_messages(calc, figs, period, "vi", True, {}, lgs)
    assert 3 <= len(msgs) <= 6
    text = " ".join(msgs)
    assert "Huyện 082" in text                     # the unit that lags, named
    assert "Tỷ lệ hồ sơ nộp trực tuyến" in text
    by_area = {}
    for f in figs.values():
        if f.current.value is not None:
            by_area.setdefault(f.indicator.area, []).append(f)
    lights = {a.area: a for a in leadership.area_lights(by_area, "vi", True)}
    assert "de_an_06" in lights and lights["de_an_06"].status == "no_data"
    assert lights["tthc"].status in ("met", "not_met")
    en = " ".join(leadership.key_messages(calc, figs, period, "en", True, {}, lgs))
    for word in ("Đạt", "Chưa đạt", "chỉ tiêu", "tối đa", "kỳ trước", "mục tiêu"):
        assert word not in en


def test_a_milestone_month_outside_1_to_12_is_a_clear_error(tmp_path):
    data = write_data(tmp_path, {"2023-05.csv": csv_rows("10,cchc_plan_tasks_done,45,")},
                      extra={"targets.csv": "indicator,unit,year,target,month\n"
                                             "cchc_plan_completion_rate,10,2023,60,13\n"})
    ds = load_data(data)
    (err,) = [f for f in ds.findings if f.is_error]
    assert err.file.endswith("targets.csv") and err.row == 2 and err.indicator == "cchc_plan_completion_rate"
    assert "tháng" in err.message_vi and "month" in err.message_en


def test_the_leaders_appendix_lists_twenty_findings_errors_and_the_units_own_first(monkeypatch):
    """A hundred communes' jumps are the analysts' list: the PDF shows 20 and says how many there are."""
    from dataclasses import replace

    from helpers import blocks
    from helpers.report import LEADER_FINDINGS, open_report
    rep = open_report("2023-10", "10", "data", "vi")
    (own,) = rep.findings                                    # the province's 1.989 ≠ its parts
    districts = [u.code for u in rep.ds.units.children("10", "2023-10") if u.level == "district"]
    others = [replace(own, unit=code) for code in districts for _ in range(3)]
    error = replace(own, severity="error", unit=districts[-1])
    rep.findings = [*others, own, error]
    shown = []
    monkeypatch.setattr(blocks, "show", lambda *b: shown.extend(b))
    rep.findings_block()
    _head, table, cut = shown
    assert len(table.rows) == len(rep.findings) > LEADER_FINDINGS               # the HTML has them all
    pdf = table._pdf_rows()
    assert len(pdf) == LEADER_FINDINGS + 1 and pdf[-1][0].text == "…"
    assert pdf[0][0].text == "Lỗi" and pdf[1][1].text == rep.leader_where(own)    # error, then the unit's own
    assert cut.text == (f"Bản PDF nêu {LEADER_FINDINGS} trong {len(rep.findings)} phát hiện (lỗi và phát hiện về "
                        "số liệu của chính đơn vị trước); bản HTML và báo cáo chất lượng số liệu có đủ danh sách.")
