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
