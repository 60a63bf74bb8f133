"""Ties are decided once, on the figures, by unit code (issue 18): both editions name the same units in
the same order, and every unit tied at the extreme is named."""

from __future__ import annotations

from conftest import csv_rows, write_data

from helpers.figures import Calculator
from helpers.load import load_data
from helpers.periods import Period
from helpers.report.leadership import lagging_units
from helpers.report.leagues import leagues

# names whose alphabetical order differs between the languages: code order is neither
UNITS = """code,name_vi,name_en,level,parent,valid_from,valid_to
15,Tỉnh Thử,Test Province,province,,2025-07-01,
001,Xã Yên,Alpha Commune,commune,15,2025-07-01,
002,Xã Bình,Middle Commune,commune,15,2025-07-01,
003,Xã An,Zeta Commune,commune,15,2025-07-01,
"""


def commune(code, online, ontime):
    return (f"{code},dossiers_received,100,", f"{code},dossiers_received_online,{online},",
            f"{code},dossiers_resolved,100,", f"{code},dossiers_resolved_ontime,{ontime},")


def tied_leagues(tmp_path):
    rows = commune("001", 20, 90) + commune("002", 80, 99) + commune("003", 30, 80)   # 001 and 003 miss both
    ds = load_data(write_data(tmp_path, {"2026-10.csv": csv_rows(*rows)}, units=UNITS))
    p = Period.parse("2026-10")
    return leagues(Calculator(ds), "15", p, p.previous(), 2026)


def test_units_tied_on_targets_missed_are_all_named_in_code_order_in_both_languages(tmp_path):
    lg = tied_leagues(tmp_path)
    vi, en = lagging_units(lg, "vi"), lagging_units(lg, "en")
    assert "2 đơn vị cùng chưa đạt 2/2" in vi and "2 units each missed 2 of 2" in en
    assert vi.index("Xã Yên") < vi.index("Xã An")                 # 001 before 003, not "An" before "Yên"
    assert en.index("Alpha Commune") < en.index("Zeta Commune")
    assert "Xã Bình" not in vi and "Middle Commune" not in en


def test_league_order_breaks_ties_by_code(tmp_path):
    rows = commune("003", 50, 99) + commune("001", 50, 99) + commune("002", 60, 99)
    ds = load_data(write_data(tmp_path, {"2026-10.csv": csv_rows(*rows)}, units=UNITS))
    p = Period.parse("2026-10")
    online = next(lg for lg in leagues(Calculator(ds), "15", p, p.previous(), 2026)
                  if lg.indicator.code == "online_submission_rate")
    assert [(r.unit.code, r.rank) for r in online.rows] == [("002", 1), ("001", 2), ("003", 2)]
