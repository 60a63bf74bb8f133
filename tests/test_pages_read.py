"""What the pages say holds on the sample data (no kernel): the levels a period has, chart titles that
promise only the lines drawn, even values said in a sentence instead of thirty bars."""
import pytest

from helpers import blocks, charts
from helpers import report as report_module


@pytest.fixture(scope="module")
def province():
    return {lang: report_module.open_report("2026-10", "15", "data", lang) for lang in ("vi", "en")}


@pytest.mark.parametrize("lang, district", [("vi", "Số TTHC cấp huyện"), ("en", "District-level procedures")])
def test_after_the_merger_the_district_part_of_the_procedures_is_not_shown(province, lang, district):
    rep = province[lang]
    names = [f.indicator.name(lang) for f in rep.displayed("tthc")]
    assert district not in names
    assert rep.ds.catalogue["tthc_published_commune"].name(lang) in names
    assert rep.figures["tthc_published_district"].current.value == 0     # the data keeps its row (metrics)


def test_before_the_merger_the_district_part_is_shown():
    rep = report_module.open_report("2023-10", "10", "data", "vi")
    assert "tthc_published_district" in [f.code for f in rep.displayed("tthc")]


def trend_titles(monkeypatch, rep, area) -> list[str]:
    titles = []
    real = charts.trend_chart
    monkeypatch.setattr(charts, "trend_chart", lambda *a, **kw: titles.append(kw["title"]) or real(*a, **kw))
    monkeypatch.setattr(blocks, "show", lambda *shown: None)
    rep.section(area)
    return titles


@pytest.mark.parametrize("lang, alone, compared", [
    ("vi", "lũy kế từ đầu năm 2026", "năm 2026 so với năm 2025"),
    ("en", "year to date, 2026", "2026 against 2025")])
def test_a_trend_without_last_years_line_does_not_say_it_compares_with_last_year(monkeypatch, lang, alone,
                                                                                 compared):
    """New commune 02647 began in July 2025: its e-ID year to date has no 2025 line, so no "so với năm
    2025"; the province, whose predecessors reported, keeps it."""
    (commune,) = trend_titles(monkeypatch, report_module.open_report("2026-10", "02647", "data", lang), "de_an_06")
    assert commune.endswith(alone) and compared not in commune
    (whole,) = trend_titles(monkeypatch, report_module.open_report("2026-10", "15", "data", lang), "de_an_06")
    assert whole.endswith(compared)


def test_values_even_across_the_units_are_a_sentence_not_thirty_bars(province, monkeypatch):
    drawn = []
    monkeypatch.setattr(charts, "comparison_chart", lambda *a, **kw: drawn.append(kw["title"]))
    code = "dossier_sync_rate"
    said = {lang: province[lang].compare(province[lang].ds.catalogue[code]) for lang in ("vi", "en")}
    assert drawn == [] and all(isinstance(p, blocks.Paragraph) for p in said.values())
    assert said["vi"].text == ("Tỷ lệ hồ sơ đồng bộ lên Cổng DVCQG, 10 tháng năm 2026: đồng đều ở 47 đơn vị, "
                               "từ 94,98% đến 96,46%; 0/47 đơn vị đạt mức chỉ tiêu 100%.")
    assert said["en"].text.endswith("even across the 47 units, from 94.98% to 96.46%; 0 of 47 reach the "
                                    "target of 100%.")


def test_values_that_differ_across_the_units_are_still_drawn(province, monkeypatch):
    drawn = []
    monkeypatch.setattr(charts, "comparison_chart", lambda labels, values, **kw: drawn.append(values))
    monkeypatch.setattr(blocks.Chart, "from_figure", classmethod(lambda cls, fig: fig))
    province["vi"].compare(province["vi"].ds.catalogue["eid_collection_vs_target"])
    assert len(drawn) == 1 and len(drawn[0]) == 2 * report_module.COMPARE_ENDS


@pytest.mark.parametrize("lang, name", [("vi", "Sở Lao động - Thương binh và Xã hội"),
                                        ("en", "Department of Labour, Invalids and Social Affairs")])
def test_a_departments_cover_names_a_split_predecessor_once(lang, name):
    """Old Lào Cai's and old Yên Bái's labour departments (two codes, one name) were both split."""
    note = report_module.open_report("2026-10", "15-SNV", "data", lang).ds.units.merger_note("15-SNV", "2026-10",
                                                                                              lang)
    assert note.count(name) == 1


def test_even_values_against_a_year_end_target_before_december_keep_their_bars(province, monkeypatch):
    """Before December a year-end target is judged on its pace (on track / behind): a sentence of who
    reached the target would say less than the coloured bars."""
    drawn = []
    monkeypatch.setattr(charts, "comparison_chart", lambda labels, values, **kw: drawn.append(kw["statuses"]))
    monkeypatch.setattr(blocks.Chart, "from_figure", classmethod(lambda cls, fig: fig))
    rep = province["vi"]
    year_end = rep.ds.catalogue["dossier_sync_rate"].model_copy(update={"target_kind": "year_end"})
    rep.compare(year_end)
    assert len(drawn) == 1 and set(drawn[0]) <= {"on_track", "behind"}
