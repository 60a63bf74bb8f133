"""Issue 18, "Pace": a year-end target before December is behind only when its figure falls short of the
pace by more than the catalogue's `pace_tolerance` (default 1 percentage point), and the page says the gap
in words."""

import csv
import io
from decimal import Decimal

import pytest
from conftest import write_data

from helpers.catalogue import builtin_catalogue_path, load_catalogue
from helpers.errors import CatalogueError
from helpers.figures import BEHIND, MET, NOT_MET, ON_TRACK, judge, pace_of

UNITS = "code,name_vi,name_en,level,parent\n10,Tỉnh Thử,Test Province,province,\n"


def shipped_row(code: str) -> dict:
    with builtin_catalogue_path().open(encoding="utf-8") as fh:
        return next(row for row in csv.DictReader(fh) if row["code"] == code)


def catalogue_file(tmp_path, *rows: dict):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(shipped_row("dossiers_received")), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return write_data(tmp_path, {}, units=UNITS, extra={"indicators.csv": out.getvalue()})


# -- the judgement ----------------------------------------------------------------------------------------
def test_the_sample_disbursement_is_on_track_within_one_point_of_its_pace():
    """78,78% against a pace of 79,17% (95% × 10/12) was "Chậm tiến độ"; 0,39 points is within the tolerance."""
    pace = pace_of(Decimal(95), 10)
    assert round(pace, 2) == Decimal("79.17")
    assert judge(Decimal("78.78"), Decimal(95), ">=", True, 10) == (ON_TRACK, pace)


@pytest.mark.parametrize("value, tolerance, status", [
    ("79.17", 1, ON_TRACK), ("78.17", 1, ON_TRACK), ("78.16", 1, BEHIND), ("70", 1, BEHIND),
    ("78.78", 0, BEHIND), ("77", "2.5", ON_TRACK), ("76", "2.5", BEHIND)])
def test_behind_only_below_the_pace_by_more_than_the_tolerance(value, tolerance, status):
    pace = Decimal(95) * 10 / 12                                   # 79,1666…
    got, at = judge(Decimal(value), Decimal(95), ">=", True, 10, tolerance=Decimal(tolerance))
    assert (got, at) == (status, pace)


def test_december_judges_the_target_itself_without_tolerance():
    """In December the year is over: 94,5% of a 95% target is not met, whatever the tolerance."""
    assert judge(Decimal("94.5"), Decimal(95), ">=", True, 12, tolerance=Decimal(5)) == (NOT_MET, None)
    assert judge(Decimal(95), Decimal(95), ">=", True, 12) == (MET, None)


def test_a_target_that_holds_at_all_times_has_no_tolerance():
    assert judge(Decimal("49.9"), Decimal(50), ">=", False, 10, tolerance=Decimal(5)) == (NOT_MET, None)


# -- the catalogue column ------------------------------------------------------------------------------------
def test_pace_tolerance_defaults_to_one_point_and_is_read_from_the_catalogue(tmp_path):
    assert load_catalogue()["public_invest_disbursement_rate"].pace_tolerance == 1
    data = catalogue_file(tmp_path, {**shipped_row("public_invest_disbursement_rate"), "pace_tolerance": "0.5"})
    assert load_catalogue(data)["public_invest_disbursement_rate"].pace_tolerance == Decimal("0.5")


@pytest.mark.parametrize("value", ["-1", "one", "NaN", "1e999"])
def test_a_pace_tolerance_that_is_no_number_at_least_zero_is_refused(tmp_path, value):
    data = catalogue_file(tmp_path, {**shipped_row("public_invest_disbursement_rate"), "pace_tolerance": value})
    with pytest.raises(CatalogueError) as exc:
        load_catalogue(data)
    err = exc.value
    assert (err.row, err.column) == (2, "pace_tolerance")
    assert f"pace_tolerance '{value}' is not a number ≥ 0" in err.text("en")
    assert "không phải một số ≥ 0" in err.text("vi")


def test_the_sample_disbursement_reads_on_track_with_its_gap_in_words():
    """2026-10: 78,78% against 79,17% was "Chậm tiến độ"; it is on track, 0,39 points below pace as printed."""
    from helpers.report import open_report
    from helpers.report.display import pace_gap_text
    report = open_report("2026-10", "15", "data", "vi")
    fig = report.figures["public_invest_disbursement_rate"]
    assert fig.status == ON_TRACK and round(fig.pace, 2) == Decimal("79.17")
    assert pace_gap_text(fig, "vi") == "thấp hơn tiến độ 0,39 điểm phần trăm"
    assert pace_gap_text(fig, "en") == "0.39 points below pace"
    assert report.figures["cchc_plan_completion_rate"].status == BEHIND           # 80,80% against 83,33%
