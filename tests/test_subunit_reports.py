"""A department's or commune's report (issue 18, sub-unit reports) on data built in the test: its own rank
among the units of its level, the level's average and the province's figure beside its own, and a table of
its own overdue dossiers that does not speak of an order."""
import pytest
from conftest import csv_rows, write_data

from helpers import blocks
from helpers import report as report_module

UNITS = """code,name_vi,name_en,level,parent,valid_from,valid_to
15,Tỉnh Thử,Test Province,province,,2025-07-01,
15-A,Sở Một,First Department,department,15,2025-07-01,
15-B,Sở Hai,Second Department,department,15,2025-07-01,
15-C,Sở Ba,Third Department,department,15,2025-07-01,
15-D,Sở Bốn,Fourth Department,department,15,2025-07-01,
15-E,Sở Năm,Fifth Department,department,15,2025-07-01,
"""
SCORES = {"15-A": 91, "15-B": 84.5, "15-C": 88, "15-D": 88}       # 15-E sends no score


def department(code, received, online, late):
    rows = [f"{code},dossiers_received,{received},", f"{code},dossiers_received_online,{online},",
            f"{code},dossiers_resolved,{received},", f"{code},dossiers_resolved_ontime,{received - late},"]
    return rows + ([f"{code},idx766_total_score,{SCORES[code]},"] if code in SCORES else [])


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    rows = [*department("15-A", 100, 90, 0), *department("15-B", 100, 50, 3), *department("15-C", 200, 150, 1),
            *department("15-D", 100, 60, 2), *department("15-E", 100, 55, 0), "15,idx766_total_score,94.64,"]
    return write_data(tmp_path_factory.mktemp("sub"), {"2026-09.csv": csv_rows(*rows), "2026-10.csv": csv_rows(*rows)},
                      units=UNITS)


def opened(data, unit, lang):
    return report_module.open_report("2026-10", unit, str(data), lang)


def shown(monkeypatch, call) -> list:
    out = []
    monkeypatch.setattr(blocks, "show", lambda *items: out.extend(items))
    call()
    return out


def texts(items) -> list[str]:
    flat = []
    for item in items:
        flat += texts(item.items) if isinstance(item, blocks.Group) else [getattr(item, "text", None)]
    return [x for x in flat if x]


@pytest.mark.parametrize("lang, line", [
    ("vi", "Xếp thứ 2/4 trong các sở, ban, ngành về Tổng điểm Bộ chỉ số 766: 88,00 (bình quân các sở, ban, "
           "ngành: 87,88; toàn tỉnh: 94,64). Xếp hạng trên 4/5 đơn vị có số liệu."),
    ("en", "Ranked 2 of 4 departments on Decision 766 service index total: 88.00 (average of the departments: "
           "87.88; the province: 94.64). Ranked among the 4 of 5 units with figures.")])
def test_a_departments_page_one_gives_its_rank_among_its_level_and_the_averages(data, monkeypatch, lang, line):
    """15-C and 15-D tie at 88 behind 15-A: both are 2nd (ties share a rank); the average is the four
    departments' scores, unweighted; 15-E, with no score, is not ranked and the line says so."""
    rep = opened(data, "15-C", lang)
    assert rep.standing_line() == line
    assert line in texts(shown(monkeypatch, rep.conclusions))
    assert opened(data, "15-D", lang).standing_line().startswith(line[:13])     # the tie: 2/4 too


def test_a_departments_standing_lists_each_league_indicator_beside_the_level_and_the_province(data, monkeypatch):
    rep = opened(data, "15-C", "vi")
    (group,) = shown(monkeypatch, rep.league_tables)
    heading, lead, table = group.items
    assert heading.text == "Vị trí trong các sở, ban, ngành" and heading.level == 2
    assert [c.title for c in table.columns] == ["Chỉ tiêu", "Sở Ba", "Hạng", "Thay đổi hạng",
                                                "Bình quân các sở, ban, ngành", "Toàn tỉnh"]
    rows = [[getattr(c, "text", c) for c in row] for row in table.rows]
    assert [r[0] for r in rows] == ["Tổng điểm Bộ chỉ số 766", "Tỷ lệ hồ sơ nộp trực tuyến",
                                    "Tỷ lệ hồ sơ giải quyết trước hạn và đúng hạn"]
    # 15-C 75% is 2nd of 90, 75, 60, 55, 50; the average of the five is 66%; the province pools 405/600
    assert rows[1][1:] == ["75,00%", "2/5", "không đổi", "66,00%", "67,50%"]


def test_the_province_has_no_standing_and_keeps_its_league_tables(data, monkeypatch):
    rep = opened(data, "15", "vi")
    assert rep.standing_line() is None
    heading = shown(monkeypatch, rep.league_tables)[0]
    assert heading.text == "Xếp hạng các đơn vị"


@pytest.mark.parametrize("lang, order_words", [("vi", "đứng đầu"), ("en", "first")])
def test_a_units_own_overdue_row_is_its_name_without_an_order(data, monkeypatch, lang, order_words):
    own = shown(monkeypatch, opened(data, "15-B", lang).overdue)
    lead = texts(own)[1]
    table = own[-1]
    assert order_words not in lead and len(table.rows) == 1
    assert table.rows[0][0].text == ("Sở Hai" if lang == "vi" else "Second Department")
    province = shown(monkeypatch, opened(data, "15", lang).overdue)
    assert order_words in texts(province)[1] and len(province[-1].rows) == 6
