"""Aggregation rules pinned with hand-computed expectations."""

from decimal import Decimal

from conftest import csv_rows, write_data

from helpers.figures import Calculator, compute_figures
from helpers.load import load_data
from helpers.periods import Period


def _quarter_data(tmp_path):
    # Q3 2023 for district 080: received 100/200/700, online 90/20/70 -> 180/1000 = 18%
    # (the mean of monthly rates would be (90% + 10% + 10%) / 3 = 36.67%).
    months = {
        "2023-07.csv": (100, 90, 1900, 1200),
        "2023-08.csv": (200, 20, 1950, 1250),
        "2023-09.csv": (700, 70, 1989, 1277),
    }
    files = {}
    for name, (rec, onl, total, full) in months.items():
        files[name] = csv_rows(f"080,dossiers_received,{rec},", f"080,dossiers_received_online,{onl},",
                               "082,dossiers_received,50,", "082,dossiers_received_online,25,",
                               f"10,tthc_published_total,{total},", f"10,dvctt_full_count,{full},",
                               "10,dvctt_partial_count,520,")
    return load_data(write_data(tmp_path, files))


def test_quarter_ratio_is_sum_over_sum_not_mean_of_rates(tmp_path):
    calc = Calculator(_quarter_data(tmp_path))
    v = calc.value("080", "online_submission_rate", Period.parse("2023-Q3"))
    assert v.value == Decimal("18")
    assert (v.numerator, v.denominator) == (180, 1000)


def test_flow_sums_and_stock_takes_period_end(tmp_path):
    calc = Calculator(_quarter_data(tmp_path))
    q3 = Period.parse("2023-Q3")
    assert calc.value("080", "dossiers_received", q3).value == 1000
    assert calc.value("10", "tthc_published_total", q3).value == 1989      # September, not a sum
    assert calc.value("10", "dvctt_full_count", q3).value == 1277
    # coverage from period-end stocks: (1277 + 520) / 1989 = 90.3469…, exact (the page rounds)
    assert calc.value("10", "dvctt_coverage_rate", q3).value == Decimal(1797) * 100 / Decimal(1989)


def test_parent_without_own_row_is_sum_of_children_marked_computed(tmp_path):
    calc = Calculator(_quarter_data(tmp_path))
    v = calc.value("10", "dossiers_received", Period.parse("2023-07"))
    assert v.value == 150 and v.computed
    r = calc.value("10", "online_submission_rate", Period.parse("2023-Q3"))
    # (180 + 75) / (1000 + 150) = 22.1739…%
    assert r.value == Decimal(255) * 100 / Decimal(1150) and r.computed


def test_zero_denominator_gives_no_figure_not_zero(tmp_path):
    ds = load_data(write_data(tmp_path, {"2023-01.csv": csv_rows("080,dossiers_received,0,",
                                                                 "080,dossiers_received_online,0,")}))
    v = Calculator(ds).value("080", "online_submission_rate", Period.parse("2023-01"))
    assert v.value is None


def test_uncapped_ratio_over_100_is_kept(tmp_path):
    ds = load_data(write_data(tmp_path, {"2023-01.csv": csv_rows("080,eid_applications,14384,",
                                                                 "080,eid_quota,10000,")}))
    assert Calculator(ds).value("080", "eid_collection_vs_target", Period.parse("2023-01")).value == Decimal("143.84")


def test_comparisons_and_status(tmp_path):
    files = {}
    for month, (rec, onl) in {"2022-10": (100, 30), "2023-09": (100, 45), "2023-10": (100, 55)}.items():
        files[f"{month}.csv"] = csv_rows(f"080,dossiers_received,{rec},", f"080,dossiers_received_online,{onl},")
    figs = compute_figures(load_data(write_data(tmp_path, files)), "080", "2023-10")
    f = figs["online_submission_rate"]
    assert (f.value, f.previous.value, f.last_year.value) == (Decimal("55"), Decimal("45"), Decimal("30"))
    assert f.target == Decimal("50") and f.status == "met"
    assert f.value - f.previous.value == Decimal("10")
    # year to date Jan-Oct 2023 has only Sep and Oct: (45 + 55) / 200
    assert f.ytd.value == Decimal("50") and f.ytd.months == 2
    assert figs["dossiers_received"].status == "no_target"
    assert figs["digitization_rate"].status == "no_data"
    d = f.to_dict()
    assert d["value"] == 55.0 and d["previous"] == 45.0 and d["target"] == 50 and d["status"] == "met"


def test_targets_csv_overrides_catalogue(tmp_path):
    files = {"2023-10.csv": csv_rows("080,dossiers_received,100,", "080,dossiers_received_online,55,")}
    data = write_data(tmp_path, files, extra={"targets.csv": "indicator,unit,year,target\n"
                                                             "online_submission_rate,080,2023,60\n"})
    f = compute_figures(load_data(data), "080", "2023-10")["online_submission_rate"]
    assert f.target == Decimal("60") and f.status == "not_met"
