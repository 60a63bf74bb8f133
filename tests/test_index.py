"""reports/index.html lists every report, newest period first, with working links."""

import json

from helpers.index import write_index


def _report(out, period, unit, name="progress_report", unit_name="Tỉnh Lào Cai"):
    folder = out / period / unit
    folder.mkdir(parents=True)
    (folder / f"{name}.html").write_text("<html></html>", encoding="utf-8")
    (folder / f"{name}.pdf").write_bytes(b"%PDF-1.7")
    (folder / f"{name}.failed.ipynb").write_text("{}", encoding="utf-8")
    (folder / "metrics.json").write_text(json.dumps({"unit_name": unit_name, "generated_at": "2023-11-14T08:00:00"}),
                                         encoding="utf-8")


def test_index_lists_newest_first_with_links(tmp_path):
    for period in ("2023-09", "2023-Q3", "2023-10", "2022", "2023-H1"):
        _report(tmp_path, period, "10")
    _report(tmp_path, "2023-10", "080", unit_name="Thành phố <Lào Cai>")
    html = write_index(tmp_path).read_text(encoding="utf-8")
    order = [html.index(f">{p}<") for p in ("2023-10", "2023-Q3", "2023-09", "2023-H1", "2022")]
    assert order == sorted(order)
    assert 'href="2023-10/10/progress_report.pdf"' in html and 'href="2023-10/080/progress_report.html"' in html
    assert "Thành phố &lt;Lào Cai&gt;" in html and "failed" not in html


def test_index_has_human_labels_and_both_languages(tmp_path):
    _report(tmp_path, "2023-Q3", "10")
    folder = tmp_path / "2023-Q3" / "10"
    (folder / "progress_report.en.html").write_text("<html></html>", encoding="utf-8")
    (folder / "progress_report.en.pdf").write_bytes(b"%PDF-1.7")
    (folder / "data_quality.html").write_text("<html></html>", encoding="utf-8")
    html = write_index(tmp_path).read_text(encoding="utf-8")
    for needle in ("Báo cáo tiến độ", "Báo cáo chất lượng số liệu", "quý III/2023", "14/11/2023",
                   'href="2023-Q3/10/progress_report.en.html"', 'href="2023-Q3/10/progress_report.en.pdf"',
                   'href="2023-Q3/10/progress_report.pdf"', 'href="2023-Q3/10/metrics.json"'):
        assert needle in html, needle
    assert html.count("<tr><td>") == 2          # the English files are the same report, not a third row
    assert "progress_report.en</td>" not in html and "2023-11-14T08" not in html


def test_index_is_the_jinja_template_and_escapes_every_text(tmp_path):
    """The page comes from ``templates/index_page.html.j2``; a unit name (or a folder name) with markup or
    quotes is text, also inside a link."""
    from pathlib import Path

    import helpers
    assert (Path(helpers.__file__).parent / "templates" / "index_page.html.j2").is_file()
    _report(tmp_path, "2023-10", "10", unit_name='<script>alert("x")</script> & Co\'s')
    html = write_index(tmp_path).read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co&#39;s" in html
    assert html.startswith("<!DOCTYPE html>\n<html lang=\"vi\">") and html.endswith("</body></html>\n")
    assert "<p class=\"muted\">1 báo cáo, kỳ mới nhất trước.</p>" in html
    assert html.count("<tr><td>") == 1 and html.count("<th>") == 7
