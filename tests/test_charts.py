"""Charts: what is drawn (bars, lines, gaps), how numbers read (Vietnamese
format), and how a figure leaves the module (SVG with glyphs as paths)."""

from decimal import Decimal

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib import pyplot
from matplotlib.text import Text

from helpers import charts

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
    labels = tick_labels(fig.axes[0].yaxis)
    assert labels and all(label.endswith("%") for label in labels)


def test_trend_count_axis_uses_dot_thousands():
    counts = [1200, 1350, Decimal(1989), 2100, None, 2450, 2600, 2800, 3100, 3350, 3600, 3900]
    fig = charts.trend_chart(MONTHS, counts, title="Số hồ sơ tiếp nhận", unit="count")
    assert "1.000" in tick_labels(fig.axes[0].yaxis)
    assert "3.900" in texts(fig)


def test_trend_small_percent_ticks_use_decimal_comma():
    small = [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.62]
    fig = charts.trend_chart(MONTHS, small, title="Tỷ lệ hồ sơ trễ hạn", unit="percent")
    assert any("," in label for label in tick_labels(fig.axes[0].yaxis))


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
    assert all(label.endswith("%") for label in tick_labels(fig.axes[0].xaxis))


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
    monkeypatch.setattr(charts, "display", lambda data, raw=False: shown.append((data, raw)))
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
