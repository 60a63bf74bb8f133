"""What the official report says (helpers.report.official and its parts), without kernels: the sections
in the Ministry's order, sentences carrying the figures the progress report computes, the notes by their
headings (any case, NFC or NFD), tasks, proposals with their lead units, units below target by name, the
appendices by unit and the data window on both documents."""

import unicodedata

import pytest
from conftest import ROOT, csv_rows, write_data

from helpers import blocks, fmt
from helpers.catalogue import AREAS
from helpers.periods import Period
from helpers.report import Report
from helpers.report.official_text import period_words
from helpers.text import t

SAMPLE = str(ROOT / "data")
UNITS = """code,name_vi,name_en,level,parent
10,Tỉnh Thử,Test Province,province,
10-SNV,Sở Nội vụ,Department of Home Affairs,department,10
10-VP,Văn phòng Ủy ban nhân dân tỉnh,Office of the Provincial People's Committee,department,10
00001,Xã Một,Mot Commune,commune,10
00002,Xã Hai,Hai Commune,commune,10
00003,Xã Ba,Ba Commune,commune,10
"""
# online submission: departments 80% and 30%, communes 00001 and 00002 tied at 40% (below the catalogue's
# ≥ 50%), 00003 at 60%, the province 46%; only procedures' figures: every other area has none
MONTH = csv_rows("10-SNV,dossiers_received,100,", "10-SNV,dossiers_received_online,80,",
                 "10-VP,dossiers_received,200,", "10-VP,dossiers_received_online,60,",
                 "00001,dossiers_received,50,", "00001,dossiers_received_online,20,",
                 "00002,dossiers_received,100,", "00002,dossiers_received_online,40,",
                 "00003,dossiers_received,50,", "00003,dossiers_received_online,30,")


def small(tmp_path, notes=None, extra=None):
    files = {"2026-09.csv": MONTH, "2026-10.csv": MONTH}
    more = dict(extra or {})
    if notes is not None:
        more["notes/2026-10.md"] = notes
    return str(write_data(tmp_path, files, units=UNITS, extra=more))


def texts(items) -> list[str]:
    return [b.plain() for b in items]


def section(body, start: str, end: str | None = None) -> list[str]:
    """The plain texts from the heading starting with ``start`` to the next heading of its level."""
    out, level, inside = [], None, False
    for b in body:
        if isinstance(b, blocks.Heading):
            if inside and b.level <= level and not b.text.startswith(start):
                break
            if b.text.startswith(start):
                inside, level = True, b.level
                continue
        if inside:
            out.append(b.plain())
    return out


@pytest.fixture(scope="module")
def sample():
    return Report.open("2026-10", "15", SAMPLE, "vi")


# -- the sample ---------------------------------------------------------------------------------
def test_sections_i_to_v_in_order_and_one_numbered_part_per_reform_area(sample):
    body = sample.official_body()
    chapters = [b.text for b in body if isinstance(b, blocks.Heading) and b.level == 1]
    assert chapters == ["I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH",
                        "III. ĐÁNH GIÁ CHUNG", "IV. NHIỆM VỤ TRỌNG TÂM KỲ TỚI", "V. ĐỀ XUẤT, KIẾN NGHỊ"]
    parts = [b.text for b in body if isinstance(b, blocks.Heading) and b.level == 2]
    areas = [a.name("vi") for code, a in AREAS.items() if code != "chi_dao_dieu_hanh"]
    assert parts[:len(areas)] == [f"{n}. {name}" for n, name in enumerate(areas, start=1)]
    assert parts[len(areas):] == ["1. Ưu điểm", "2. Tồn tại, hạn chế", "3. Nguyên nhân"]
    assert all(isinstance(b, (blocks.Heading, blocks.Paragraph, blocks.Bullets, blocks.Table)) for b in body)


def test_the_dossiers_sentence_carries_the_figures_recomputed(sample):
    f = sample.figures
    received, online, rate = (f[c] for c in ("dossiers_received", "dossiers_received_online", "online_submission_rate"))
    points = rate.current.value - rate.previous.value
    expected = (f"Trong tháng, toàn tỉnh tiếp nhận {fmt.number(received.current.value)} hồ sơ, trong đó trực tuyến "
                f"{fmt.number(online.current.value)} hồ sơ, đạt {fmt.percent(rate.current.value)}, "
                f"{'tăng' if points > 0 else 'giảm'} {fmt.number(abs(points), 'vi', 2)} điểm phần trăm "
                "so với tháng trước")
    said = [s for s in texts(sample.official_body()) if s.startswith("Trong tháng, toàn tỉnh tiếp nhận")]
    assert len(said) == 1 and said[0].startswith(expected)
    assert expected.startswith("Trong tháng, toàn tỉnh tiếp nhận 61.417 hồ sơ, trong đó trực tuyến 49.405 hồ sơ, "
                               "đạt 80,44%, tăng 0,18 điểm phần trăm")        # the issue's own example
    ytd = fmt.percent(rate.ytd.value)
    assert f"lũy kế 10 tháng năm 2026 đạt {ytd}" in said[0] and "vượt chỉ tiêu (≥ 65%)" in said[0]


def test_a_year_end_target_behind_its_pace_reads_so_with_the_pace_and_the_weakest_unit(sample):
    plan = sample.figures["cchc_plan_completion_rate"]
    assert plan.status == "behind"
    line = next(s for s in texts(sample.official_body()) if "tỷ lệ hoàn thành Kế hoạch CCHC năm đạt" in s)
    assert f"đạt {fmt.percent(plan.ytd.value)}" in line
    assert f"chậm so với tiến độ (tiến độ {fmt.percent(plan.pace)}, chỉ tiêu năm 100%)" in line
    assert "đơn vị thấp nhất:" in line


def test_assessment_lists_what_is_met_and_what_is_not_from_the_judgements(sample):
    body = sample.official_body()
    strengths, weaknesses = section(body, "1. Ưu điểm"), section(body, "2. Tồn tại, hạn chế")
    met = [f for f in sample.figures.values() if f.target is not None and f.ytd_status == "met"
           and any(f is g for a in AREAS for g in sample.displayed(a))]
    assert strengths[0].startswith(f"Có {len(met)} chỉ tiêu đạt và vượt mục tiêu:")
    assert any(s.startswith("Còn ") and "chưa đạt mục tiêu" in s for s in weaknesses)
    assert any("Kết quả nổi bật" not in s and "hai cấp ổn định" in s for s in strengths)     # the notes
    assert any("chưa gửi số liệu tháng 10/2026" in s for s in weaknesses)


def test_appendices_list_every_department_and_commune(sample):
    appendices = sample.official_appendices()
    titles = [title for title, _b, _l in appendices]
    assert titles[0].startswith("TÌNH HÌNH TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ") and titles[0] == titles[0].upper()
    _title, items, landscape = appendices[0]
    table = items[0]
    names = {row[1].text for row in table.rows}
    subs = [u for u in sample.ds.units.descendants("15", "2026-10") if u.code != "15"]
    assert len(subs) > 100 and all(u.name("vi") in names for u in subs)
    assert landscape and table.pdf_rows is None
    first_data = next(row for row in table.rows if row[0].text == "1")
    assert first_data[1].text == min((u for u in subs if u.level == "department"), key=lambda u: u.code).name("vi")


def test_a_department_and_a_commune_get_a_document_without_appendices():
    for unit, name in (("15-SNV", "Sở Nội vụ"), ("02647", "Phường Lào Cai")):
        report = Report.open("2026-10", unit, SAMPLE, "vi")
        said = " ".join(texts(report.official_body()))
        assert f"Trong tháng, {name} tiếp nhận" in said and "toàn tỉnh" not in said
        assert report.official_appendices() == []


def test_the_english_catalogue_is_complete_for_the_document():
    report = Report.open("2026-10", "15", SAMPLE, "en")
    said = texts(report.official_body())
    assert said[0] == "I. DIRECTION AND COORDINATION" and report.official_subject().startswith("Results of")
    assert not [s for s in said if "official." in s]
    assert any(s.startswith("In the month, the province received 61,417 dossiers") for s in said)


# -- built data ---------------------------------------------------------------------------------------
def test_an_area_without_figures_says_so_in_one_sentence(tmp_path):
    report = Report.open("2026-10", "10", small(tmp_path), "vi")
    body = report.official_body()
    no_figures = t("vi", "official.area_no_figures")
    for code, area in AREAS.items():
        if code in ("chi_dao_dieu_hanh", "tthc"):
            continue
        number = [c for c in AREAS if c != "chi_dao_dieu_hanh"].index(code) + 1
        assert section(body, f"{number}. {area.name('vi')}") == [no_figures]
    assert section(body, "I. ") == [no_figures]
    assert section(body, "2. Cải cách thủ tục hành chính")[0].startswith("Trong tháng, toàn tỉnh tiếp nhận 500 hồ sơ")


def test_units_tied_below_target_are_all_named_in_code_order(tmp_path):
    report = Report.open("2026-10", "10", small(tmp_path), "vi")
    weak = section(report.official_body(), "2. Tồn tại, hạn chế")
    line = next(s for s in weak if s.startswith("Tỷ lệ hồ sơ nộp trực tuyến") and "xã, phường" in s)
    assert "2/3 đơn vị thuộc các xã, phường chưa đạt chỉ tiêu (≥ 50%)" in line
    assert line.endswith("gồm: Xã Một (40,00%); Xã Hai (40,00%).")


def test_notes_headings_feed_their_parts_in_any_case_and_in_nfd(tmp_path):
    note = ("# Ghi chú tháng 10\n\n"
            "## CẢI CÁCH THỦ TỤC HÀNH CHÍNH\n\nTrung tâm phục vụ hành chính công vận hành ổn định.\n\n"
            "## Chỉ đạo, điều hành:\n\n- Ban hành Kế hoạch kiểm tra CCHC năm 2026.\n\n"
            "## TỒN TẠI, HẠN CHẾ\n\n- Một số xã nộp số liệu chậm.\n\n"
            "## Nguyên nhân\n\nĐường truyền yếu ở vùng cao.\n\n"
            "## 5. Đề xuất, kiến nghị\n\nĐề nghị Bộ Nội vụ hướng dẫn.\n\n"
            "## Việc khác\n\nKhông thuộc phần nào.\n")
    report = Report.open("2026-10", "10", small(tmp_path, unicodedata.normalize("NFD", note)), "vi")
    body = report.official_body()
    nfc = unicodedata.normalize("NFC", note)
    assert "Trung tâm phục vụ hành chính công vận hành ổn định." in section(body, "2. Cải cách thủ tục")
    assert "• Ban hành Kế hoạch kiểm tra CCHC năm 2026." in section(body, "I. ")
    assert "• Một số xã nộp số liệu chậm." in section(body, "2. Tồn tại")
    assert section(body, "3. Nguyên nhân") == ["Đường truyền yếu ở vùng cao."]
    assert section(body, "V. ") == ["Đề nghị Bộ Nội vụ hướng dẫn."]
    assert all(unicodedata.is_normalized("NFC", s) for s in texts(body))
    unused = [f for f in report.official_findings() if f.check == "note_unused"]
    assert [(f.file, f.row) for f in unused] == [("notes/2026-10.md", nfc.split("\n").index("## Việc khác") + 1)]
    assert "Không thuộc phần nào" not in " ".join(texts(body))


def test_tasks_from_the_notes_with_a_warning_naming_the_line(tmp_path):
    note = ("## Nhiệm vụ tháng tới\n\n"
            "- Hoàn thiện số liệu các xã — chủ trì: Sở Nội vụ; thời hạn: 30/11/2026\n"
            "- Rà soát quy trình — chủ trì: Sở Không Có; thời hạn: 31/11/2026\n")
    report = Report.open("2026-10", "10", small(tmp_path, note), "vi")
    tasks = section(report.official_body(), "IV. ")
    assert tasks == ["1. Hoàn thiện số liệu các xã. Đơn vị chủ trì: Sở Nội vụ; thời hạn: 30/11/2026.",
                     "2. Rà soát quy trình. Đơn vị chủ trì: Sở Không Có; thời hạn: 31/11/2026."]
    warned = sorted((f.row, f.column) for f in report.official_findings() if f.check == "note_task")
    assert warned == [(4, "chủ trì"), (4, "thời hạn")]
    assert all(f.file == "notes/2026-10.md" for f in report.official_findings())


def test_without_tasks_in_the_notes_one_is_proposed_per_indicator_behind_with_its_lead(tmp_path):
    report = Report.open("2026-10", "10", small(tmp_path / "a"), "vi")
    proposed = section(report.official_body(), "IV. ")
    mark = t("vi", "official.task.proposed_mark")
    line = next(s for s in proposed if "tỷ lệ hồ sơ nộp trực tuyến" in s)
    assert line.endswith(mark) and "Đơn vị chủ trì: Văn phòng Ủy ban nhân dân tỉnh; thời hạn: 30/11/2026." in line
    override = {"responsibilities.csv": "indicator,unit\nonline_submission_rate,10-SNV\n"}
    report = Report.open("2026-10", "10", small(tmp_path / "b", extra=override), "vi")
    line = next(s for s in section(report.official_body(), "IV. ") if "tỷ lệ hồ sơ nộp trực tuyến" in s)
    assert "Đơn vị chủ trì: Sở Nội vụ;" in line


def test_the_data_window_on_the_official_and_the_progress_report(tmp_path, monkeypatch):
    calendar = Report.open("2026-10", "10", small(tmp_path / "a"), "vi")
    assert calendar.official_window() == "Số liệu từ ngày 1/10/2026 đến ngày 31/10/2026"
    official = Report.open("2026-10", "10", small(tmp_path / "b", extra={"reporting.yaml": "window: official\n"}), "vi")
    assert official.official_window() == "Số liệu từ ngày 15/9/2026 đến ngày 14/10/2026"
    shown = []
    monkeypatch.setattr(blocks, "show", lambda *items: shown.extend(items))
    official.cover()
    assert ("Thời gian lấy số liệu", "từ 15/09/2026 đến 14/10/2026") in shown[0].facts


@pytest.mark.parametrize("code,words", [("2026-10", "tháng 10 năm 2026"), ("2026-02", "tháng 2 năm 2026"),
                                        ("2026-Q3", "quý III năm 2026"), ("2026-H1", "6 tháng đầu năm 2026"),
                                        ("2026", "năm 2026")])
def test_the_subject_names_the_period_in_the_official_words(code, words):
    assert period_words(Period.parse(code), "vi") == words
    assert t("vi", "official.subject", period=words) == f"Kết quả công tác cải cách hành chính {words}"


def test_a_notes_section_becomes_paragraphs_lists_and_tables_as_text():
    from helpers.report.official import as_blocks
    made = as_blocks("Đoạn **đậm** và [liên kết](https://x.vn)\ntiếp.\n\n![ảnh](hinh.png)\n\n"
                     "| Đơn vị | Số |\n|---|---|\n| Xã A | 1 |\n\n- một\n- hai\n")
    assert [type(b).__name__ for b in made] == ["Paragraph", "Table", "Bullets"]       # no image
    assert made[0].text == "Đoạn đậm và liên kết tiếp."
    assert [c.title for c in made[1].columns] == ["Đơn vị", "Số"] and made[1].rows[0][0].text == "Xã A"
    assert made[2].items == ["một", "hai"]


def test_every_block_of_the_document_renders_in_both_formats(sample):
    appendix_blocks = [b for _title, items, _landscape in sample.official_appendices() for b in items]
    for block in sample.official_body() + appendix_blocks:
        assert block.html() and block.typst()
    widths = [sum(c.width for c in b.columns) for b in appendix_blocks]
    assert all(0.95 <= w <= 1.01 for w in widths)          # the columns fill the page's width


def test_a_month_without_the_dossiers_still_says_the_online_rate_of_the_year_to_date(tmp_path):
    files = {"2026-09.csv": MONTH, "2026-10.csv": csv_rows("10-SNV,staff_streamlined,3,")}
    report = Report.open("2026-10", "10", str(write_data(tmp_path, files, units=UNITS)), "vi")
    said = section(report.official_body(), "2. Cải cách thủ tục hành chính")
    rate = report.figures["online_submission_rate"].ytd.value
    assert any(s.startswith("Lũy kế 10 tháng năm 2026, tỷ lệ hồ sơ nộp trực tuyến đạt " + fmt.percent(rate))
               for s in said), said
