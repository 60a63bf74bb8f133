"""The command line's traps for a newcomer and its hostile inputs (issue 16): a run that
would render nothing is an error saying why, commands agree with each other, and what a
user types is checked at the edge — one readable message, never a traceback or a hang."""

from __future__ import annotations

import pytest
from conftest import cli, csv_rows, write_data

UNITS_TO_JUNE = """code,name_vi,name_en,level,parent,valid_from,valid_to
10,Tỉnh Thử,Test Province,province,,,2023-06-30
080,Thành phố Thử,Test City,district,10,,2023-06-30
"""


def month(*rows: str) -> str:
    return csv_rows(*(rows or ("10,cchc_plan_tasks_done,5,",)))


def assert_clean_failure(r, status: int = 1, *texts: str) -> None:
    assert r.returncode == status, r.stdout + r.stderr
    assert "Traceback" not in r.stderr + r.stdout
    for text in texts:
        assert text in r.stderr + r.stdout


# -- 1. a run that renders nothing -------------------------------------------------------------
@pytest.mark.parametrize("period, lang, says", [
    ("2026-11", "vi", "không có số liệu tháng 11/2026 trong data/"),
    ("2026-Q4", "vi", "không có số liệu quý IV/2026 trong data/"),
    ("2200-01", "en", "no figures for January 2200 in data/"),
])
def test_a_run_of_a_period_without_figures_is_an_error_and_writes_nothing(tmp_path, period, lang, says):
    write_data(tmp_path, {"2023-10.csv": month()})
    r = cli("run", "--period", period, "--data-dir", "data", "--out", "out", "--lang", lang, cwd=tmp_path)
    assert_clean_failure(r, 1, says, "2023")                 # and names the latest month with figures
    assert not (tmp_path / "out").exists()


def test_a_run_of_a_period_no_unit_is_active_in_is_an_error_and_writes_nothing(tmp_path):
    write_data(tmp_path, {"2023-10.csv": month()}, units=UNITS_TO_JUNE)
    r = cli("run", "--period", "2023-10", "--data-dir", "data", "--out", "out", "--lang", "en", cwd=tmp_path)
    assert_clean_failure(r, 1, "no unit of data/units.csv is active in October 2023")
    assert not (tmp_path / "out").exists()
