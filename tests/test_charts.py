"""Charts: what is drawn (bars, lines, gaps), how numbers read (Vietnamese
format), and how a figure leaves the module (SVG, text as text, drawn once)."""

import re
from decimal import Decimal
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib import pyplot
from matplotlib.text import Text

from helpers import blocks, charts

MONTHS = [f"T{m}/2023" for m in range(1, 13)]
ONLINE = [28.4, 31.2, 33.9, None, 38.7, 41.05, 43.6, 45.2, 47.9, 51.35, None, None]
ONLINE_2022 = [18.2, 19.5, 21.0, 22.4, 24.1, 25.0, 26.8, 28.3, 29.9, 31.2, 33.0, 35.2]
DISTRICTS = ["Thành phố Lào Cai", "Thị xã Sa Pa", "Huyện Bát Xát", "Huyện Mường Khương",
             "Huyện Si Ma Cai", "Huyện Bắc Hà", "Huyện Bảo Thắng", "Huyện Bảo Yên", "Huyện Văn Bàn"]
DISTRICT_RATES = [Decimal("62.35"), Decimal("55.10"), 41.2, 38.75, None, 47.5, 52.0, 44.9, 36.05]
PROGRESS = [
    {"label": "Tỷ lệ thu nhận hồ sơ định danh điện tử so với chỉ tiêu", "value": Decimal("143.84"),
     "target": 100, "unit": "percent", "direction": "higher_better"},
    {"label": "Tỷ lệ hồ sơ nộp trực tuyến", "value": 41.05, "target": 50, "unit": "percent",
     "direction": "higher_better"},
    {"label": "Tỷ lệ hồ sơ giải quyết quá hạn", "value": 2.3, "target": 5, "unit": "percent",
     "direction": "lower_better"},
    {"label": "Số cuộc kiểm tra CCHC", "value": 18, "target": 10, "unit": "count",
     "direction": "higher_better"},
    {"label": "Tỷ lệ hồ sơ có kết quả được số hóa", "value": None, "target": 80,
     "unit": "percent", "direction": "higher_better"},
]


@pytest.fixture(autouse=True)
def _no_open_figures():
    yield
    pyplot.close("all")


def texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text)]


def tick_labels(axis) -> list[str]:
    return [t.get_text() for t in axis.get_majorticklabels() if t.get_text()]


def legend_labels(fig) -> list[str]:
    return [t.get_text() for t in fig.legends[0].get_texts()]


# -- style ---------------------------------------------------------------------
def test_report_style_sets_fonts_and_svg_text_only_inside_the_block():
    with charts.report_style():
        assert matplotlib.rcParams["font.family"] == ["Be Vietnam Pro"]
        assert not matplotlib.rcParams["text.parse_math"]
        assert matplotlib.rcParams["svg.fonttype"] == "none"
        assert not matplotlib.rcParams["axes.spines.top"]
    assert matplotlib.rcParams["font.family"] != charts.STYLE["font.family"]


def test_charts_are_page_wide():
    fig = charts.trend_chart(MONTHS, ONLINE, title="Tỷ lệ hồ sơ nộp trực tuyến")
    assert fig.get_figwidth() == pytest.approx(16 / 2.54)


# -- trend ---------------------------------------------------------------------
def test_trend_draws_this_year_last_year_and_target():
    fig = charts.trend_chart(MONTHS, ONLINE, ONLINE_2022, title="Tỷ lệ hồ sơ nộp trực tuyến",
                             unit="percent", target=50)
    ax = fig.axes[0]
    assert ax.figure.get_suptitle() == "Tỷ lệ hồ sơ nộp trực tuyến"
    assert len(ax.lines) == 3
    assert legend_labels(fig) == ["Năm nay", "Cùng kỳ năm trước", "Chỉ tiêu 50%"]
    assert charts.category_labels(ax) == MONTHS
    assert "51,35%" in texts(fig)  # the latest reported value is written


def test_trend_not_reported_months_are_gaps_not_zeros():
    fig = charts.trend_chart(MONTHS, ONLINE, ONLINE_2022, title="Tỷ lệ hồ sơ nộp trực tuyến",
                             unit="percent")
    y = np.asarray(fig.axes[0].lines[0].get_ydata(), dtype=float)
    assert np.isnan(y[[3, 10, 11]]).all()
    assert not (y == 0).any()


def test_trend_percent_axis_ticks_end_with_percent():
    fig = charts.trend_chart(MONTHS, ONLINE, title="Tỷ lệ hồ sơ nộp trực tuyến", unit="percent")
    labels = charts.value_labels(fig.axes[0])
    assert labels and all(label.endswith("%") for label in labels)


def test_trend_count_axis_uses_dot_thousands():
    counts = [1200, 1350, Decimal(1989), 2100, None, 2450, 2600, 2800, 3100, 3350, 3600, 3900]
    fig = charts.trend_chart(MONTHS, counts, title="Số hồ sơ tiếp nhận", unit="count")
    assert "1.000" in charts.value_labels(fig.axes[0])
    assert "3.900" in texts(fig)


def test_trend_small_percent_ticks_use_decimal_comma():
    small = [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.62]
    fig = charts.trend_chart(MONTHS, small, title="Tỷ lệ hồ sơ trễ hạn", unit="percent")
    assert any("," in label for label in charts.value_labels(fig.axes[0]))


def test_trend_in_english():
    fig = charts.trend_chart(MONTHS, ONLINE, ONLINE_2022, title="Online applications",
                             unit="percent", lang="en", target=50)
    assert legend_labels(fig) == ["This year", "Same month last year", "Target 50%"]
    assert "51.35%" in texts(fig)


def test_trend_custom_series_labels():
    fig = charts.trend_chart(MONTHS, ONLINE, ONLINE_2022, title="Tỷ lệ", unit="percent",
                             this_year_label="Năm 2023", last_year_label="Năm 2022")
    assert legend_labels(fig) == ["Năm 2023", "Năm 2022"]


def test_trend_rejects_values_that_do_not_match_labels():
    with pytest.raises(ValueError, match="12 values"):
        charts.trend_chart(MONTHS, ONLINE[:6], title="Tỷ lệ")


# -- comparison ----------------------------------------------------------------
def comparison(**kwargs):
    return charts.comparison_chart(DISTRICTS, DISTRICT_RATES, unit="percent",
                                   title="Tỷ lệ hồ sơ nộp trực tuyến theo huyện", **kwargs)


def test_comparison_one_bar_per_unit_sorted_descending_with_missing_last():
    ax = comparison().axes[0]
    widths = [bar.get_width() for bar in ax.patches]
    assert len(widths) == len(DISTRICTS)
    assert widths[:-1] == sorted(widths[:-1], reverse=True)
    assert np.isnan(widths[-1])
    assert charts.category_labels(ax)[0] == "Thành phố Lào Cai"
    assert charts.category_labels(ax)[-1] == "Huyện Si Ma Cai"


def test_comparison_writes_values_and_no_data():
    fig = comparison()
    assert {"62,35%", "38,75%", "không có số liệu"} <= set(texts(fig))
    assert fig.get_suptitle() == "Tỷ lệ hồ sơ nộp trực tuyến theo huyện"
    assert all(label.endswith("%") for label in charts.value_labels(fig.axes[0]))


def test_comparison_colors_bars_by_target():
    ax = comparison(target=50).axes[0]
    colors = [matplotlib.colors.to_hex(bar.get_facecolor()).upper() for bar in ax.patches[:-1]]
    assert colors[:3] == [charts.COLORS["met"]] * 3  # 62,35 55,10 52,00
    assert colors[3:] == [charts.COLORS["not_met"]] * 5
    assert any(line.get_xdata()[0] == 50 for line in ax.lines)
    assert "Chỉ tiêu 50%" in legend_labels(ax.figure)


def test_comparison_without_target_is_one_colour():
    ax = comparison().axes[0]
    assert {matplotlib.colors.to_hex(bar.get_facecolor()).upper() for bar in ax.patches} == {
        charts.COLORS["this_year"]}


def test_comparison_lower_better_target():
    fig = charts.comparison_chart(["A", "B"], [2, 8], title="Tỷ lệ trễ hạn", unit="percent",
                                  target=5, direction="lower_better")
    colors = [matplotlib.colors.to_hex(bar.get_facecolor()).upper() for bar in fig.axes[0].patches]
    assert colors == [charts.COLORS["not_met"], charts.COLORS["met"]]  # 8 first, then 2


def test_comparison_highlight_and_computed():
    fig = comparison(highlight="Huyện Mường Khương", computed=["Thị xã Sa Pa"])
    ax = fig.axes[0]
    bold = [t.get_text() for t in ax.texts if t.get_gid() == "category" and t.get_fontweight() == "bold"]
    assert bold == ["Huyện Mường Khương"]
    assert "Thị xã Sa Pa (*)" in charts.category_labels(ax)
    assert [bar.get_hatch() for bar in ax.patches].count("////") == 1
    assert any(label.startswith("(*)") for label in legend_labels(fig))


def test_comparison_height_grows_with_units():
    names = [f"Xã số {i}" for i in range(40)]
    tall = charts.comparison_chart(names, list(range(40)), title="Số hồ sơ")
    short = charts.comparison_chart(names[:5], list(range(5)), title="Số hồ sơ")
    assert len(tall.axes[0].patches) == 40
    assert tall.get_figheight() > 2 * short.get_figheight()
    assert tall.get_figheight() < 10.5  # still fits an A4 page


# -- target progress -------------------------------------------------------------
def test_progress_bars_are_percent_of_target_capped_at_150():
    fig = charts.target_progress_chart(PROGRESS, title="Tiến độ thực hiện các chỉ tiêu năm 2023")
    ax = fig.axes[0]
    widths = [bar.get_width() for bar in ax.containers[0]]
    assert len(widths) == len(PROGRESS)
    assert widths[:4] == pytest.approx([143.84, 82.1, 46.0, 150.0])
    assert np.isnan(widths[4])
    assert ax.figure.get_suptitle() == "Tiến độ thực hiện các chỉ tiêu năm 2023"


def test_progress_writes_real_figures_and_wraps_long_labels():
    fig = charts.target_progress_chart(PROGRESS, title="Tiến độ")
    written = texts(fig)
    assert {"143,84% / chỉ tiêu 100%", "2,3% / chỉ tiêu ≤ 5%", "18 / chỉ tiêu 10",
            "không có số liệu"} <= set(written)
    first = charts.category_labels(fig.axes[0])[0]
    assert "\n" in first and first.replace("\n", " ") == PROGRESS[0]["label"]


def test_progress_colours_follow_direction():
    bars = charts.target_progress_chart(PROGRESS, title="Tiến độ").axes[0].containers[0]
    colors = [matplotlib.colors.to_hex(bar.get_facecolor()).upper() for bar in bars][:4]
    assert colors == [charts.COLORS["met"], charts.COLORS["not_met"], charts.COLORS["met"],
                      charts.COLORS["met"]]


def test_progress_in_english_and_without_target():
    items = [{"label": "Online payments", "value": 35.5, "target": None, "unit": "percent",
              "direction": "higher_better"}]
    fig = charts.target_progress_chart(items + PROGRESS[:1], title="Progress", lang="en")
    assert {"35.5% / no target", "143.84% / target 100%"} <= set(texts(fig))


# -- findings --------------------------------------------------------------------
def test_findings_stacked_by_severity_most_first():
    counts = {"Thị xã Sa Pa": {"error": 4}, "Tỷ lệ hồ sơ nộp trực tuyến": {"error": 3, "warning": 5},
              "Kế hoạch CCHC": {"warning": 2, "info": 1}}
    fig = charts.findings_bar(counts, title="Kết quả kiểm tra chất lượng số liệu")
    ax = fig.axes[0]
    assert [len(c) for c in ax.containers] == [3, 3, 3]
    assert legend_labels(fig) == ["Lỗi", "Cảnh báo", "Thông tin"]
    assert charts.category_labels(ax)[0] == "Tỷ lệ hồ sơ nộp trực tuyến"
    assert {"8", "4", "3"} <= set(texts(fig))
    warnings = ax.containers[1]
    assert [bar.get_x() for bar in warnings] == [3, 4, 0]  # stacked after the errors


# -- no data -------------------------------------------------------------------
@pytest.mark.parametrize("lang, note", [("vi", "Không có số liệu"), ("en", "No data")])
def test_all_missing_data_draws_an_empty_chart_with_a_note(lang, note):
    figures = [
        charts.trend_chart(MONTHS, [None] * 12, [None] * 12, title="T", lang=lang, target=50),
        charts.comparison_chart(DISTRICTS, [None] * 9, title="T", lang=lang, target=50),
        charts.target_progress_chart([dict(PROGRESS[0], value=None)], title="T", lang=lang),
        charts.target_progress_chart([], title="T", lang=lang),
        charts.findings_bar({}, title="T", lang=lang),
    ]
    for fig in figures:
        assert note in texts(fig)
        assert charts.to_svg(fig)


# -- output --------------------------------------------------------------------
def test_to_svg_keeps_vietnamese_text_and_is_repeatable():
    def svg():
        return charts.to_svg(charts.trend_chart(MONTHS, ONLINE, title="Tỷ lệ hồ sơ nộp trực tuyến", unit="percent"))
    first = svg()
    assert first.startswith("<?xml") and "<svg" in first
    assert "<text" in first and "Tỷ lệ hồ sơ nộp trực tuyến" in first      # searchable in the PDF
    assert "<dc:date>" not in first and svg() == first


def test_show_displays_svg_and_closes_the_figure(monkeypatch):
    shown = []
    monkeypatch.setattr(charts.output, "display", lambda data, raw=False: shown.append((data, raw)))
    fig = pyplot.figure()
    fig.add_subplot().plot([1, 2])
    charts.show(fig)
    (data, raw), = shown
    assert raw and list(data) == ["image/svg+xml"]                    # one image, no PNG copy
    assert data["image/svg+xml"].startswith("<svg") and data["image/svg+xml"].rstrip().endswith("</svg>")
    assert not pyplot.fignum_exists(fig.number)


def test_save_writes_by_suffix(tmp_path):
    fig = charts.findings_bar({"A": {"error": 1}}, title="Lỗi")
    charts.save(fig, tmp_path / "a.png", dpi=50)
    charts.save(fig, tmp_path / "a.svg")
    assert (tmp_path / "a.png").read_bytes()[:4] == b"\x89PNG"
    assert "<svg" in (tmp_path / "a.svg").read_text()


# -- issue 12: honest marks ---------------------------------------------------------
def hex_colors(patches) -> list[str]:
    return [matplotlib.colors.to_hex(p.get_facecolor()).upper() for p in patches]


@pytest.mark.parametrize("target", [50, 500, 5000])
def test_trend_target_inside_the_axis_even_far_above_the_data(target):
    fig = charts.trend_chart(MONTHS, ONLINE, ONLINE_2022, title="T", unit="count", target=target)
    lo, hi = fig.axes[0].get_ylim()
    assert lo <= target < hi
    assert max(v for v in ONLINE if v is not None) < hi


@pytest.mark.parametrize("target, direction", [(400, "higher_better"), (1, "lower_better"),
                                               (-30, "higher_better")])
def test_comparison_target_inside_the_axis(target, direction):
    fig = charts.comparison_chart(DISTRICTS, DISTRICT_RATES, title="T", unit="percent",
                                  target=target, direction=direction)
    lo, hi = fig.axes[0].get_xlim()
    assert lo <= target <= hi


def test_comparison_bars_have_their_own_status_and_the_legend_only_those_drawn():
    # every district below a 100% target: all bars not met, and no "met" entry in the legend
    ax = comparison(target=100).axes[0]
    assert set(hex_colors(ax.patches[:-1])) == {charts.COLORS["not_met"]}
    labels = legend_labels(ax.figure)
    assert "Chưa đạt chỉ tiêu" in labels and "Đạt chỉ tiêu" not in labels


def test_comparison_colours_follow_given_statuses_and_the_legend_lists_them():
    statuses = ["on_track", "behind", "met", "behind", None, "on_track", "behind", "behind", "behind"]
    ax = comparison(target=60, statuses=statuses).axes[0]
    by_name = dict(zip(charts.category_labels(ax), hex_colors(ax.patches)))
    expected = dict(zip(DISTRICTS, statuses))
    for name, color in by_name.items():
        if expected[name] is not None:
            assert color == charts.COLORS[expected[name]], name
    assert legend_labels(ax.figure) == ["Chỉ tiêu 60%", "Đạt chỉ tiêu", "Đúng tiến độ", "Chậm tiến độ"]


def test_comparison_without_target_has_no_status_legend_even_with_statuses():
    fig = charts.comparison_chart(["A", "B"], [30, 70], title="T", unit="percent",
                                  statuses=["no_target", "no_target"])
    assert set(hex_colors(fig.axes[0].patches)) == {charts.COLORS["no_target"]}
    assert not fig.legends


def test_comparison_neutral_indicator_with_a_target_is_judged_as_a_floor():
    fig = charts.comparison_chart(["A", "B"], [30, 70], title="T", unit="percent", target=50,
                                  direction="neutral")
    assert hex_colors(fig.axes[0].patches) == [charts.COLORS["met"], charts.COLORS["not_met"]]
    assert legend_labels(fig) == ["Chỉ tiêu 50%", "Đạt chỉ tiêu", "Chưa đạt chỉ tiêu"]


def test_progress_legend_lists_only_statuses_drawn_and_uses_given_statuses():
    items = [dict(PROGRESS[0], status="on_track"), dict(PROGRESS[1], status="behind")]
    fig = charts.target_progress_chart(items, title="Tiến độ")
    assert hex_colors(fig.axes[0].containers[0]) == [charts.COLORS["on_track"], charts.COLORS["behind"]]
    assert legend_labels(fig) == ["Chỉ tiêu", "Đúng tiến độ", "Chậm tiến độ"]
    only_met = charts.target_progress_chart(PROGRESS[:1], title="Tiến độ")
    assert legend_labels(only_met) == ["Chỉ tiêu", "Đạt chỉ tiêu"]


def test_trend_last_year_is_a_distinct_line_drawn_over_this_year():
    fig = charts.trend_chart(MONTHS, ONLINE, ONLINE, title="T", unit="percent")
    this_year, last_year = fig.axes[0].lines[:2]
    assert this_year.get_linestyle() == "-" and last_year.get_linestyle() == "--"
    assert this_year.get_color() != last_year.get_color()
    assert last_year.get_marker() == "o" and last_year.get_markerfacecolor() == "white"
    assert last_year.get_zorder() > this_year.get_zorder()   # visible even where the values are equal
    assert legend_labels(fig) == ["Năm nay", "Cùng kỳ năm trước"]


def test_trend_without_last_year_figures_has_no_last_year_legend():
    fig = charts.trend_chart(MONTHS, ONLINE, [None] * 12, title="T", unit="percent", year=2023)
    assert legend_labels(fig) == ["Năm 2023"]
    assert len(fig.axes[0].lines) == 1


def test_trend_without_this_years_figures_lists_only_what_is_drawn():
    fig = charts.trend_chart(MONTHS, [None] * 12, ONLINE_2022, title="T", unit="percent", year=2023, target=50)
    assert legend_labels(fig) == ["Năm 2022", "Chỉ tiêu 50%"]


def test_trend_named_by_year():
    fig = charts.trend_chart(MONTHS, ONLINE, ONLINE_2022, title="T", unit="percent", year=2023, lang="en")
    assert legend_labels(fig) == ["2023", "2022"]


# -- mathtext: names are text -------------------------------------------------------
@pytest.mark.parametrize("name", [r"$\undefinedmacro$", "50%_$x$", r"Huyện $\frac{1}{2}$ & <b>"])
def test_names_that_look_like_tex_are_drawn_as_typed(name):
    import html
    figures = [
        charts.comparison_chart([name, "B"], [1, 2], title=name, unit="percent", target=1),
        charts.trend_chart([name, "T2"], [1, 2], [None, 1], title=name, this_year_label=name),
        charts.target_progress_chart([dict(PROGRESS[0], label=name)], title=name),
        charts.findings_bar({name: {"error": 1}}, title=name),
    ]
    for fig in figures:
        svg = charts.svg(fig)
        assert html.escape(name, quote=False) in svg


# -- fonts ------------------------------------------------------------------------------
def test_charts_use_be_vietnam_pro_from_the_package():
    from matplotlib import font_manager
    charts.register_fonts()
    fig = charts.comparison_chart(DISTRICTS, DISTRICT_RATES, title="Tỷ lệ", unit="percent")
    with charts.report_style():
        path = font_manager.findfont(font_manager.FontProperties(family=charts.FONT_FAMILY),
                                     fallback_to_default=False)
    assert "fontpkg_be_vietnam_pro" in path and path.endswith("BeVietnamPro-Regular.ttf")
    svg = charts.svg(fig)
    assert "Be Vietnam Pro" in svg and "DejaVu" not in svg


def test_vietnamese_labels_are_svg_text():
    fig = charts.comparison_chart(DISTRICTS, DISTRICT_RATES, unit="percent", target=50,
                                  title="Tỷ lệ hồ sơ nộp trực tuyến theo huyện")
    svg = charts.svg(fig)
    assert svg.startswith("<svg")
    for text in ["Huyện Mường Khương", "Thị xã Sa Pa", "Tỷ lệ hồ sơ nộp trực tuyến theo huyện",
                 "62,35%", "không có số liệu", "Chưa đạt chỉ tiêu", "Chỉ tiêu 50%"]:
        assert text in svg, text
    import re
    assert re.search(r"<text[^>]*>Huyện Mường Khương</text>", svg)   # a text element, not glyph paths
    assert "Be Vietnam Pro" in svg


# -- layout ------------------------------------------------------------------------------
def _drawn_text_boxes(fig):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    canvas = FigureCanvasAgg(fig)
    with charts.report_style():
        canvas.draw()
        renderer = canvas.get_renderer()
        return [(t.get_text(), t.get_window_extent(renderer)) for t in fig.findobj(Text)
                if t.get_visible() and t.get_text()], fig.bbox


@pytest.mark.parametrize("build", [
    lambda: charts.comparison_chart(DISTRICTS, DISTRICT_RATES, title="Tỷ lệ hồ sơ nộp trực tuyến theo huyện "
                                    "trong mười tháng đầu năm 2023 so với chỉ tiêu", unit="percent", target=50),
    lambda: charts.trend_chart(MONTHS, ONLINE, ONLINE_2022, title="T", unit="percent", target=50),
    lambda: charts.target_progress_chart(PROGRESS, title="Tiến độ"),
    lambda: charts.findings_bar({"Thị xã Sa Pa": {"error": 4}, "Kế hoạch CCHC": {"warning": 2}}, title="F"),
])
def test_every_text_lies_inside_the_figure(build):
    boxes, frame = _drawn_text_boxes(build())
    for text, box in boxes:
        assert box.x0 >= frame.x0 - 1 and box.x1 <= frame.x1 + 1, text
        assert box.y0 >= frame.y0 - 1 and box.y1 <= frame.y1 + 1, text


# -- the report's trend windows -----------------------------------------------------------
def report_trends(monkeypatch, period, areas=("chi_dao_dieu_hanh", "tai_chinh_cong", "de_an_06")):
    """The trend charts a sample report asks for: (title, labels, values, last year, kwargs)."""
    from helpers import report as report_module
    calls = []
    real = charts.trend_chart

    def record(labels, values, last_year=None, **kwargs):
        calls.append((kwargs["title"], list(labels), list(values), list(last_year), kwargs))
        return real(labels, values, last_year, **kwargs)

    monkeypatch.setattr(charts, "trend_chart", record)
    monkeypatch.setattr(blocks, "show", lambda *shown: None)
    rep = report_module.open_report(period, "10", "data", "vi")
    for area in areas:
        rep.section(area)
    return rep, calls


@pytest.mark.parametrize("period, last_month", [("2023-10", 10), ("2023-01", 1), ("2023-Q3", 9)])
def test_report_trends_are_this_calendar_year_against_last(monkeypatch, period, last_month):
    rep, calls = report_trends(monkeypatch, period)
    assert calls
    for title, labels, values, last_year, kwargs in calls:
        assert labels == [f"T{m}" for m in range(1, 13)], title
        assert all(v is None for v in values[last_month:]), title     # no month after the period
        assert any(v is not None for v in values[:last_month]), title
        assert sum(v is not None for v in last_year) > last_month or last_month == 12, title
        assert kwargs["year"] == 2023


def test_report_trend_of_a_year_to_date_indicator_does_not_fall_in_january(monkeypatch):
    from helpers.periods import Period
    rep, calls = report_trends(monkeypatch, "2023-10")
    eid = rep.ds.catalogue["eid_collection_vs_target"]
    assert rep._cumulative(eid)
    (title, labels, values, last_year, _kw), = [c for c in calls if c[0].startswith(eid.name("vi"))]
    assert "lũy kế từ đầu năm" in title
    # each point is the year to date the report judges, and it only grows through the year
    expected = [rep.calc.value("10", eid.code, Period.ytd_until(2023, m)).value for m in range(1, 11)]
    assert values[:10] == expected
    reported = [float(v) for v in values if v is not None]
    assert reported == sorted(reported) and len(reported) == 10
    assert [float(v) for v in last_year if v is not None] == sorted(float(v) for v in last_year if v is not None)


def test_only_notes_that_cross_the_target_line_get_a_white_backing():
    fig = charts.comparison_chart(["A", "B", "C"], [10, 49.5, 90], title="T", unit="percent", target=50)
    backed = {t.get_text(): t.get_bbox_patch() is not None for t in fig.axes[0].texts
              if t.get_gid() is None}
    assert backed == {"10,0%": False, "49,5%": True, "90,0%": False}


# -- cost: what is done, not how long it takes ----------------------------------------------
def test_a_chart_writes_the_same_svg_every_time_it_is_built():
    """The same figures give the same bytes (ids from content), so an unchanged report's HTML is unchanged."""
    def built():
        return [charts.trend_chart(MONTHS, ONLINE, ONLINE_2022, title="T", unit="percent", target=50),
                comparison(target=50), charts.target_progress_chart(PROGRESS, title="P"),
                charts.findings_bar({"A": {"error": 1}}, title="F")]
    assert [charts.to_svg(f) for f in built()] == [charts.to_svg(f) for f in built()]


def test_every_unit_and_value_label_is_text_in_the_svg_once():
    """Labels stay searchable text (the PDF's text search and the page checker read them), each drawn once."""
    svg = charts.to_svg(comparison(target=50))
    texts_in_svg = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    for name in DISTRICTS:
        assert texts_in_svg.count(name) == 1, name


def test_rates_keep_the_indicators_decimals_targets_their_own():
    fig = charts.target_progress_chart([dict(PROGRESS[0], value=109.2, decimals=2)], title="P")
    assert "109,20% / chỉ tiêu 100%" in texts(fig)
    trend = charts.trend_chart(MONTHS, ONLINE[:9] + [51.3, None, None], title="T", unit="percent", decimals=2)
    assert "51,30%" in texts(trend)


@pytest.mark.parametrize("period", ["2023-Q3", "2023-01"])
def test_report_trends_read_only_the_months_the_report_declares(monkeypatch, period):
    """Provenance lists months_read(period); a trend reads nothing else (no month after the period)."""
    from helpers import report as report_module
    from helpers.periods import Period, months_read
    monkeypatch.setattr(charts, "show", lambda fig: None)
    rep = report_module.open_report(period, "10", "data", "vi")
    read = set()
    month_value = rep.calc.month_value
    monkeypatch.setattr(rep.calc, "month_value", lambda unit, code, month: read.add(month) or
                        month_value(unit, code, month))
    for code in ("eid_collection_vs_target", "online_submission_rate", "cchc_plan_completion_rate"):
        rep.trend(rep.ds.catalogue[code])
    assert read and read <= set(months_read(Period.parse(period)))


def test_a_comparison_across_a_hundred_sub_units_shows_the_ten_highest_and_lowest(monkeypatch):
    """New Lào Cai's e-ID figures come from its 99 communes and wards: 99 bars would be unreadable."""
    from helpers import report as report_module
    from helpers.periods import Period
    calls = []
    monkeypatch.setattr(charts, "comparison_chart", lambda labels, values, **kw: calls.append((labels, values, kw)))
    monkeypatch.setattr(blocks.Chart, "from_figure", classmethod(lambda cls, fig: fig))
    rep = report_module.open_report("2026-10", "15", "data", "vi")
    code = "eid_collection_vs_target"
    every = {u.name("vi"): v.value for u, v in rep.calc.children("15", code, Period.parse("2026-10").ytd())
             if v.value is not None}
    assert len(every) == 99
    rep.compare(rep.ds.catalogue[code])
    (labels, values, kw), = calls
    ranked = sorted(every.values(), reverse=True)
    assert values == ranked[:10] + ranked[-10:]
    assert [every[name] for name in labels] == values
    assert kw["title"].endswith(f"(10 đơn vị cao nhất và 10 đơn vị thấp nhất trong {len(every)} đơn vị)")


def test_a_comparison_of_thirty_sub_units_or_fewer_shows_them_all():
    from helpers.report import highest_and_lowest
    rows = [(f"u{i}", SimpleNamespace(value=i)) for i in range(30)]
    assert [v.value for _u, v in highest_and_lowest(rows, 15)] == list(range(29, -1, -1))
    assert [v.value for _u, v in highest_and_lowest(rows + [("x", SimpleNamespace(value=99))], 15)] == \
        [99, *range(29, 15, -1), *range(14, -1, -1)]


def test_a_new_communes_year_to_date_trend_has_no_2025_line_of_months_since_july(monkeypatch):
    """02647 began in July 2025 and its predecessors have no figures: a 2025 year to date of its
    months since July would look like a poor year; the line is left out. The province, whose
    predecessors reported, keeps its whole 2025 line."""
    from helpers import report as report_module
    calls = []
    real = charts.trend_chart

    def record(labels, values, last_year=None, **kw):
        calls.append((kw["title"], list(values), list(last_year)))
        return real(labels, values, last_year, **kw)

    monkeypatch.setattr(charts, "trend_chart", record)
    monkeypatch.setattr(blocks, "show", lambda *shown: None)
    eid = "Tỷ lệ thu nhận hồ sơ định danh điện tử so với chỉ tiêu"
    for unit, whole_2025 in (("02647", False), ("15", True)):
        calls.clear()
        report_module.open_report("2026-10", unit, "data", "vi").section("de_an_06")
        (_title, values, last_year), = [c for c in calls if c[0].startswith(eid)]
        assert all(v is not None for v in values[:10])
        assert all(v is not None for v in last_year) if whole_2025 else all(v is None for v in last_year)
