"""Page one's "use with care" line names exactly the rows the tables print with ⚠ (issue 18): in the
order of the tables, every one of them counted, the same rows in both languages."""
from pathlib import Path

import pytest

from helpers import report as report_module
from helpers.catalogue import AREAS

ROOT = Path(__file__).resolve().parents[1]


def marked_in_tables(rep) -> list[str]:
    """Row names the area tables print with a ⚠ in some cell, area by area."""
    out = []
    for area in AREAS:
        for shown in rep._tables(rep.displayed(area)):
            table = shown.items[-1] if hasattr(shown, "items") else shown     # a note + table group, or a block
            for row in getattr(table, "rows", []):                           # (a paragraph has none)
                if any("⚠" in (cell.mark or "") for cell in row[1:]):
                    out.append(row[0].text)
    return out


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_doubtful_line_counts_every_marked_row(lang):
    rep = report_module.open_report("2026-10", "15", str(ROOT / "data"), lang)
    marked = list(rep.marked_rows)
    names = [rep.figures[c].indicator.name(lang) for c in marked]
    assert marked, "the sample's partial sums are marked"
    line = rep.key_messages()[-1]
    named = names if len(names) <= 5 else names[:4]
    assert all(n in line for n in named), line
    if len(names) > 5:
        rest = len(names) - 4
        assert (f"và {rest} chỉ tiêu khác" if lang == "vi" else f"and {rest} other indicator") in line, line
    shown = marked_in_tables(rep)
    assert sorted(set(shown)) == sorted(set(names)), (set(shown) ^ set(names))


def test_both_editions_mark_the_same_rows():
    vi = report_module.open_report("2026-10", "15", str(ROOT / "data"), "vi")
    en = report_module.open_report("2026-10", "15", str(ROOT / "data"), "en")
    assert list(vi.marked_rows) == list(en.marked_rows)
