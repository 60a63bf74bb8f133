"""The data folder's YAML settings (reporting.yaml) and the intake register: untrusted input read
with one clear message, defaults when absent."""

import datetime as dt

import pytest

from helpers import register
from helpers.errors import DataError
from helpers.reporting import Reporting, read_reporting
from helpers.yamlfile import read_settings


def test_no_reporting_file_gives_the_defaults(tmp_path):
    r = read_reporting(tmp_path)
    assert r.window == "calendar" and r.deadline("2026-10") == dt.date(2026, 11, 5)


def test_official_window_runs_from_the_15th_to_the_14th(tmp_path):
    (tmp_path / "reporting.yaml").write_text("window: official\ndeadline_day: 20\n", encoding="utf-8")
    r = read_reporting(tmp_path)
    assert r.window_dates("2026-Q3") == (dt.date(2026, 6, 15), dt.date(2026, 9, 14))
    assert r.window_dates("2026-01") == (dt.date(2025, 12, 15), dt.date(2026, 1, 14))
    assert r.deadline("2026-12") == dt.date(2027, 1, 20)
    assert Reporting().window_dates("2026-02") == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))


@pytest.mark.parametrize("text, words", [
    ("window: weekly\n", ["reporting.yaml", "window", "weekly"]),
    ("deadline_day: 31\n", ["reporting.yaml", "deadline_day", "31"]),
    ("deadline: 5\n", ["reporting.yaml", "deadline"]),
    ("window: calendar\nwindow: official\n", ["reporting.yaml", "2", "window"]),
    ("a: &x [1]\nb: *x\n", ["reporting.yaml"]),
    ("- window\n", ["reporting.yaml"]),
    ("window: [\n", ["reporting.yaml"]),
])
def test_a_bad_reporting_file_is_named_with_what_is_wrong(tmp_path, text, words):
    (tmp_path / "reporting.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_reporting(tmp_path)
    for word in words:
        assert word in err.value.text("en")


def test_settings_keep_the_text_written(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("number: 05\nflag: yes\nitems: [a, 'Lưu: VT, CCHC']\nempty:\n", encoding="utf-8")
    assert read_settings(path) == {"number": "05", "flag": "yes", "items": ["a", "Lưu: VT, CCHC"], "empty": None}
    path.write_bytes(b"x" * 70_000)
    with pytest.raises(DataError, match="KB"):
        read_settings(path)


def test_the_register_keeps_the_last_acceptance_of_each_unit(tmp_path):
    first = register.Entry("15", "2026-10", "2026-11-03T09:00:00+07:00", "periods/2026-10/15.xlsx",
                           "BaoCao.xlsx", 12, "ab" * 32)
    second = register.Entry("15", "2026-10", "2026-11-06T10:00:00+07:00", "periods/2026-10/15.xlsx",
                            "BaoCao (2).xlsx", 13, "cd" * 32, late=True,
                            replaced="received/2026-10/15-20261103-090000.xlsx")
    register.append(tmp_path, first)
    register.append(tmp_path, second)
    assert register.entries(tmp_path, "2026-10") == [first, second]
    assert register.latest(tmp_path, "2026-10") == {"15": second}
    assert register.latest(tmp_path, "2026-09") == {}
    register.register_path(tmp_path, "2026-10").write_text("{not json\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        register.entries(tmp_path, "2026-10")
    assert "register.jsonl" in err.value.text("en") and "1" in err.value.location("en")
