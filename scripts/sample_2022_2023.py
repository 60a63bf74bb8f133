#!/usr/bin/env python3
"""The sample's first part: Lào Cai province, January 2022 to December 2023 (imported by
``scripts/make_sample_data.py``, which writes the whole sample into one data folder).

Writes, into the data folder:

* ``periods/YYYY-MM.csv`` for every month 2022-01 … 2023-12, long form
  ``unit,indicator,value,note``, UTF-8, ``\\n`` line ends, canonical numbers;
  except ``periods/2023-06.xlsx`` (long-form sheet ``so_lieu``, no CSV for that
  month) and ``periods/2023-03.csv``, which carries a UTF-8 byte-order mark as
  Excel's "CSV UTF-8" does;
* ``targets.csv``: a few province-specific targets;
* ``notes/2023-09.md`` and ``notes/2023-10.md``: analyst narratives.

Its units (the province ``10``, 15 of its departments and its 9 districts) are rows of
the sample's ``units.csv``, which the main script writes first. The output is deterministic:
a fixed seed, a fixed generation order, fixed XLSX timestamps; two runs give
byte-identical files.

The figures are invented but calibrated so that the province ``10`` and the
window January–October 2023 reproduce the reference article exactly (see
``shared/domain/README.md``). At the end the script reads back what it wrote and
asserts the calibration figures and the data-quality properties; it exits with
an error if any is off.

Deliberate data-quality quirks (the only ones):

1. ``2023-10``, province ``10``: ``tthc_published_total`` 1989 while the parts
   by level are 1473 + 294 + 132 = 1899 (the article's own inconsistency). Every
   other month the parts add up exactly.
2. ``2023-08``, district ``087`` (Huyện Bảo Yên): ``dossiers_received`` about 4×
   its July value (a land-registration campaign, explained in the note column);
   it falls back to normal in ``2023-09`` (also noted). Only that code jumps.

Conventions worth knowing when reading the data:

* the province has no own rows for the additive dossier, feedback and e-ID
  flows and quotas: its figure is the sum of its departments and districts;
  for the additive codes it does report (cchc_plan_tasks_done/_total,
  chip_id_issued, staff_streamlined) its own row equals the children's sum;
* quarterly *flows* (vbqppl_issued, vbqppl_flagged, vbqppl_flagged_handled,
  staff_streamlined) appear only in March, June, September and December, each
  holding the quarter's flow; quarterly and annual *stocks* are reported every
  month; the published annual scores (par_index_score, par_index_rank,
  sipas_score) only in December;
* ``cchc_plan_tasks_done`` is cumulative within the year and restarts in
  January (a January drop is expected, not a jump).
"""
from __future__ import annotations

import csv
import io
import random
import re
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CATALOGUE_CSV = REPO / "src" / "helpers" / "data" / "indicators.csv"
SEED = 20231114

MONTHS = [(y, m) for y in (2022, 2023) for m in range(1, 13)]
XLSX_MONTH = (2023, 6)
BOM_MONTH = (2023, 3)
ARTICLE_MONTH = (2023, 10)
QUARTER_END = (3, 6, 9, 12)
HEADER = ["unit", "indicator", "value", "note"]
XLSX_SHEET = "so_lieu"
XLSX_STAMP = "2023-07-05T08:00:00Z"
ZIP_DATE = (2023, 7, 5, 8, 0, 0)

PROVINCE = "10"
CAMPAIGN_UNIT, CAMPAIGN_MONTH, CAMPAIGN_FACTOR = "087", (2023, 8), 4.0

# Departments: code, typical monthly dossiers (mid-2023), online-share offset,
# fee-bearing share, share of dossiers whose result is a document.
DEPARTMENTS = [
    ("10-VP", 30, 0.20, 0.10, 0.60),
    ("10-SNV", 60, 0.15, 0.05, 0.80),
    ("10-STP", 800, 0.05, 0.90, 0.95),
    ("10-SKHDT", 1500, 0.25, 0.30, 0.90),
    ("10-STC", 50, 0.15, 0.10, 0.70),
    ("10-STTTT", 40, 0.25, 0.40, 0.85),
    ("10-STNMT", 900, -0.10, 0.85, 0.90),
    ("10-SXD", 150, 0.05, 0.60, 0.90),
    ("10-SGTVT", 2500, -0.05, 0.90, 0.95),
    ("10-SLDTBXH", 600, -0.05, 0.20, 0.70),
    ("10-SYT", 400, 0.00, 0.70, 0.85),
    ("10-SGDDT", 200, 0.10, 0.10, 0.80),
    ("10-SCT", 500, 0.15, 0.60, 0.90),
    ("10-SNNPTNT", 250, 0.00, 0.50, 0.80),
    ("10-CAT", 6000, 0.08, 0.45, 0.60),
]
# Districts: code, monthly dossiers (district + communes), online-share offset,
# fee share, document-result share, population, 2023 e-ID quota.
DISTRICTS = [
    ("080", 5500, 0.05, 0.50, 0.75, 130000, 18000),
    ("082", 2000, -0.05, 0.40, 0.70, 82000, 11000),
    ("083", 1400, -0.08, 0.35, 0.70, 66000, 9000),
    ("084", 800, -0.12, 0.35, 0.65, 40000, 5500),
    ("085", 1400, -0.08, 0.35, 0.70, 68000, 9500),
    ("086", 2600, 0.00, 0.45, 0.75, 112000, 15000),
    ("087", 1700, -0.04, 0.40, 0.70, 86000, 11500),
    ("088", 2200, 0.02, 0.45, 0.75, 74000, 10000),
    ("089", 1900, -0.06, 0.40, 0.70, 95000, 10500),
]

DOSSIER_FLOWS = [
    "dossiers_received", "dossiers_received_online", "dossiers_resolved",
    "dossiers_resolved_ontime", "dossiers_paid_online", "dossiers_with_fees",
    "dossiers_synced", "dossiers_digitised", "dossiers_reusing_data",
    "dossiers_e_result", "dossiers_requiring_document_result",
    "pakn_received", "pakn_handled_ontime",
]
EID_CODES = ["eid_applications", "eid_quota", "eid_activated", "eid_activation_quota"]
IDX766_GROUPS = [("idx766_ckmb", 18, 0.05), ("idx766_tdgq", 20, 0.08), ("idx766_dvtt", 22, -0.05),
                 ("idx766_mdhl", 18, 0.06), ("idx766_mdsh", 22, -0.12)]
QUARTERLY_FLOWS = {"vbqppl_issued", "vbqppl_flagged", "vbqppl_flagged_handled", "staff_streamlined"}
DECEMBER_ONLY = {"par_index_score", "par_index_rank", "sipas_score"}
CUMULATIVE_STOCKS = ["tthc_time_cut30", "de06_models_count", "chip_id_issued",
                     "internal_tthc_simplified", "dvctt_full_count", "dvctt_partial_count",
                     "tthc_full_eligible", "health_facilities_chip_id", "de06_essential_dvc_live",
                     "internal_cost_saved", "staff_reduction"]
# Optional inputs the sample leaves out, as many provinces will: the number of units ranked
# (the report then uses 63/34) and dossiers pending past their deadline.
NOT_IN_SAMPLE = {"idx766_rank_field", "par_index_rank_field", "dossiers_pending_overdue"}

# Province-level annual published scores (invented, plausible).
PAR_INDEX = {2022: ("87.25", 16), 2023: ("88.12", 14)}
SIPAS = {2022: "82.35", 2023: "84.10"}


def ym(y: int, m: int) -> str:
    return f"{y}-{m:02d}"


def t_index(y: int, m: int) -> int:
    return (y - 2022) * 12 + (m - 1)


def season(y: int, m: int) -> float:
    """Dossier-volume seasonality: Tết dip (Feb 2022, late Jan 2023), year-end push."""
    base = {1: 0.95, 2: 1.0, 3: 1.0, 4: 1.0, 5: 1.02, 6: 1.03, 7: 1.0, 8: 0.98,
            9: 1.02, 10: 1.04, 11: 1.06, 12: 1.10}[m]
    if y == 2022 and m in (1, 2):
        base = {1: 0.92, 2: 0.74}[m]
    if y == 2023 and m in (1, 2):
        base = {1: 0.80, 2: 0.86}[m]
    return base


def growth(t: int) -> float:
    return 0.85 + 0.15 * t / 23


def yearly(y: int, m: int, a22: float, s22: float, a23: float, s23: float) -> float:
    return (a22 + s22 * (m - 1)) if y == 2022 else (a23 + s23 * (m - 1))


def clip(x: float, lo: float, hi: float) -> float:
    return max(lo, min(hi, x))


def allocate(total: int, weights: list[float]) -> list[int]:
    """Integers proportional to ``weights`` summing exactly to ``total`` (largest remainder)."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    out = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - out[i]), i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def dec2(x: float) -> Decimal:
    return Decimal(repr(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def fmt_value(v) -> str:
    if isinstance(v, bool):
        raise TypeError(v)
    if isinstance(v, int):
        return str(v)
    s = format(v, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


class Data:
    """Rows per month in a fixed order, with a lookup by (month, unit, code)."""

    def __init__(self):
        self.rows: dict[tuple[int, int], list[list]] = {k: [] for k in MONTHS}
        self.val: dict[tuple, object] = {}

    def put(self, month, unit, code, value, note=""):
        key = (month, unit, code)
        if key in self.val:
            raise AssertionError(f"duplicate row {key}")
        if isinstance(value, float):
            raise TypeError(f"{key}: give int or Decimal, not float")
        self.val[key] = value
        self.rows[month].append([unit, code, value, note])

    def get(self, month, unit, code):
        return self.val[(month, unit, code)]


# ---------------------------------------------------------------- generators
def gen_unit_flows(rng: random.Random, data: Data):
    """Dossier and feedback flows of departments and districts."""
    units = [(c, v, o, f, d, "department") for c, v, o, f, d in DEPARTMENTS] + \
            [(c, v, o, f, d, "district") for c, v, o, f, d, _p, _q in DISTRICTS]
    for code, vol, off_online, fee_share, doc_share, _level in units:
        off_ontime = rng.uniform(-0.008, 0.008)
        off_dig = rng.uniform(-0.05, 0.05)
        off_pay = rng.uniform(-0.05, 0.05)
        for (y, m) in MONTHS:
            t = t_index(y, m)
            v = max(12, round(vol * growth(t) * season(y, m) * (1 + clip(rng.gauss(0, 0.035), -0.08, 0.08))))
            received = v
            note = ""
            if code == CAMPAIGN_UNIT and (y, m) == CAMPAIGN_MONTH:
                received = round(v * CAMPAIGN_FACTOR)
                note = ("Tăng đột biến do đợt cao điểm đăng ký, cấp giấy chứng nhận quyền sử dụng đất "
                        "lần đầu trên địa bàn huyện (tháng 8/2023)")
            if code == CAMPAIGN_UNIT and (y, m) == (2023, 9):
                note = "Kết thúc đợt cao điểm đăng ký đất đai, số hồ sơ trở lại mức bình thường"
            if code == "080" and (y, m) in ((2022, 2), (2023, 1)):
                note = "Tháng có kỳ nghỉ Tết Nguyên đán, số hồ sơ tiếp nhận giảm"
            online_share = clip(yearly(y, m, 0.30, 0.011, 0.47, 0.012) + off_online + rng.gauss(0, 0.01), 0.03, 0.97)
            online = min(received, round(v * online_share))
            resolved = min(received, round(v * rng.uniform(0.93, 0.99)))
            ontime_share = clip(yearly(y, m, 0.955, 0.002, 0.975, 0.0015) + off_ontime + rng.gauss(0, 0.003),
                                0.95, 0.995)
            ontime = min(resolved, round(resolved * ontime_share))
            with_fees = max(1, round(v * fee_share * rng.uniform(0.96, 1.04)))
            pay_share = clip(yearly(y, m, 0.32, 0.012, 0.59, 0.012) + off_pay + rng.gauss(0, 0.01), 0.05, 0.95)
            paid = min(with_fees, round(with_fees * pay_share))
            synced = min(received, round(v * clip(yearly(y, m, 0.80, 0.01, 0.92, 0.005) + rng.gauss(0, 0.005),
                                                  0.5, 0.99)))
            digitised = min(received, round(v * clip(yearly(y, m, 0.30, 0.02, 0.58, 0.018) + off_dig
                                                     + rng.gauss(0, 0.01), 0.1, 0.95)))
            reusing = min(received, round(v * clip(yearly(y, m, 0.08, 0.01, 0.22, 0.015)
                                                   * (1 + clip(rng.gauss(0, 0.03), -0.06, 0.06)), 0.02, 0.9)))
            requiring = max(1, round(v * doc_share * rng.uniform(0.97, 1.03)))
            e_result = min(requiring, round(requiring * clip(yearly(y, m, 0.10, 0.012, 0.32, 0.015)
                                                             * (1 + clip(rng.gauss(0, 0.03), -0.06, 0.06)),
                                                             0.02, 0.9)))
            pakn = max(6, round((8 + v / 150) * rng.uniform(0.9, 1.1)))
            pakn_ontime = min(pakn, round(pakn * clip(yearly(y, m, 0.85, 0.006, 0.92, 0.005)
                                                      + rng.gauss(0, 0.01), 0.7, 1.0)))
            values = dict(zip(DOSSIER_FLOWS, [received, online, resolved, ontime, paid, with_fees, synced,
                                              digitised, reusing, e_result, requiring, pakn, pakn_ontime]))
            for c in DOSSIER_FLOWS:
                data.put((y, m), code, c, values[c], note if c == "dossiers_received" else "")


def gen_eid(rng: random.Random, data: Data):
    """District e-ID flows and quotas; exact 143.84% / 105.62% for Jan–Oct 2023."""
    profile_2023 = [0.12, 0.14, 0.17, 0.17, 0.16, 0.15, 0.14, 0.13, 0.13, 0.12, 0.10, 0.09]
    perf = {d[0]: rng.uniform(0.88, 1.15) for d in DISTRICTS}
    act_share = {d[0]: rng.uniform(0.55, 0.65) for d in DISTRICTS}
    apps, act = {}, {}
    for code, *_rest, quota in DISTRICTS:
        for (y, m) in MONTHS:
            p = 0.03 + (0.11 - 0.03) * (m - 1) / 11 if y == 2022 else profile_2023[m - 1]
            apps[(y, m), code] = quota * perf[code] * p * (1 + clip(rng.gauss(0, 0.04), -0.08, 0.08))
    window = [(2023, m) for m in range(1, 11)]
    keys = [(mo, d[0]) for d in DISTRICTS for mo in window]
    for k, n in zip(keys, allocate(143840, [apps[k] for k in keys])):
        apps[k] = n
    for k in apps:
        apps[k] = round(apps[k]) if isinstance(apps[k], float) else apps[k]
    for k in sorted(apps):
        (y, _m), code = k
        act[k] = apps[k] * act_share[code] * (1.0 if y == 2023 else 0.85) * rng.uniform(0.95, 1.05)
    for k, n in zip(keys, allocate(84496, [act[k] for k in keys])):
        act[k] = n
    for k in act:
        act[k] = min(apps[k], round(act[k])) if isinstance(act[k], float) else act[k]
    for code, *_rest, quota in DISTRICTS:
        for (y, m) in MONTHS:
            q = quota if y == 2023 else quota * 8 // 10
            aq = q * 8 // 10
            data.put((y, m), code, "eid_applications", apps[(y, m), code])
            data.put((y, m), code, "eid_quota", q)
            data.put((y, m), code, "eid_activated", act[(y, m), code])
            data.put((y, m), code, "eid_activation_quota", aq)


def gen_chip_ids(rng: random.Random, data: Data):
    for code, *_r, pop, _q in DISTRICTS:
        level = round(pop * rng.uniform(0.60, 0.64))
        for (y, m) in MONTHS:
            t = t_index(y, m)
            if t > 0:
                level += round(pop * (0.008 - 0.005 * t / 23) * rng.uniform(0.85, 1.15))
            data.put((y, m), code, "chip_id_issued", level)


def gen_plan_tasks(rng: random.Random, data: Data):
    units = [d[0] for d in DEPARTMENTS] + [d[0] for d in DISTRICTS]
    for code in units:
        lo, hi = (15, 30) if code.startswith("10-") else (25, 45)
        totals = {2022: rng.randint(lo, hi), 2023: rng.randint(lo, hi)}
        for y in (2022, 2023):
            done = 0
            for m in range(1, 13):
                frac = min(1.0, (m / 12) * rng.uniform(0.9, 1.02))
                done = max(done, min(totals[y], round(totals[y] * frac)))
                data.put((y, m), code, "cchc_plan_tasks_done", done)
                data.put((y, m), code, "cchc_plan_tasks_total", totals[y])


def gen_scores(rng: random.Random, data: Data, unit: str, q0: float, sat0: float):
    """766 group scores (2 decimals, each ≤ its max, total = their sum) and satisfaction."""
    for (y, m) in MONTHS:
        t = t_index(y, m)
        q = q0 + 0.003 * t + rng.gauss(0, 0.01)
        cents = []
        for _code, pts, off in IDX766_GROUPS:
            share = clip(q + off + rng.gauss(0, 0.015), 0.3, 1.0)
            cents.append(round(pts * 100 * share))
        data.put((y, m), unit, "idx766_total_score", Decimal(sum(cents)) / 100)
        for (code, _pts, _off), c in zip(IDX766_GROUPS, cents):
            data.put((y, m), unit, code, Decimal(c) / 100)
        sat = clip(sat0 + 0.22 * t + rng.gauss(0, 0.5), 85.0, 99.8)
        data.put((y, m), unit, "satisfaction_tthc_rate", dec2(sat))


def gen_staff_streamlined(rng: random.Random, data: Data):
    for code in [d[0] for d in DEPARTMENTS] + [d[0] for d in DISTRICTS]:
        lo, hi = (0, 4) if code.startswith("10-") else (1, 7)
        for (y, m) in MONTHS:
            if m in QUARTER_END:
                data.put((y, m), code, "staff_streamlined", rng.randint(lo, hi))


def monotone_path(rng: random.Random, start: int, end: int, steps: int) -> list[int]:
    """start, …, end over ``steps`` increments (non-negative, random sizes)."""
    incs = allocate(end - start, [rng.uniform(0.5, 1.5) for _ in range(steps)])
    path = [start]
    for i in incs:
        path.append(path[-1] + i)
    return path


def gen_province(rng: random.Random, data: Data):
    P = PROVINCE
    oct_t = t_index(*ARTICLE_MONTH)  # 21
    n = len(MONTHS)

    def series_to(start, at_oct, after):
        """Non-decreasing: start at 2022-01, ``at_oct`` at 2023-10, then ``after`` = [Nov, Dec]."""
        return monotone_path(rng, start, at_oct, oct_t) + list(after)

    published_total = series_to(1862, 1989, [1992, 1996])
    full = series_to(560, 1277, [1289, 1302])
    partial = series_to(410, 520, [523, 525])
    eligible_raw = series_to(1150, 1290, [1300, 1312])
    eligible, floor_ = [], 0
    for f, e in zip(full, eligible_raw):
        floor_ = max(floor_, e, f + 5)
        eligible.append(floor_)
    cut30 = series_to(612, 977, [980, 984])
    models = series_to(10, 43, [45, 46])
    facilities = series_to(35, 196, [203, 210])
    dvc_live = monotone_path(rng, 14, 25, 17) + [25] * (n - 18)
    simplified = monotone_path(rng, 8, 26, 11) + monotone_path(rng, 27, 39, 9) + [40, 41]
    saved_m = monotone_path(rng, 300, 1600, 11) + monotone_path(rng, 1650, 2367, 9) + [2410, 2450]
    staff_red = monotone_path(rng, 180, 1250, n - 1)

    # monthly flows with exact Jan–Oct 2023 totals
    def flows(level22, level23, total_window, unit_size):
        w = [season(y, m) * growth(t_index(y, m)) * rng.uniform(0.93, 1.07) for (y, m) in MONTHS]
        out = [round(level22 * w[i]) if MONTHS[i][0] == 2022 else None for i in range(n)]
        win = [i for i, (y, m) in enumerate(MONTHS) if y == 2023 and m <= 10]
        for i, v in zip(win, allocate(total_window // unit_size, [w[i] for i in win])):
            out[i] = v * unit_size
        for i in range(n):
            if out[i] is None:
                out[i] = round(level23 * w[i] / unit_size) * unit_size
        return out

    time_cut = flows(4200, 6000, 60000, 1)
    cost_saved = [v * 1_000_000 for v in flows(2300, 3500, 35000, 1)]  # in million VND → VND

    parts_d = series_to(281, 294, [295, 296])
    parts_c = [max(120, 139 - t // 3) for t in range(n)]
    parts_c[oct_t], parts_c[oct_t + 1], parts_c[oct_t + 2] = 132, 132, 132
    plan_vnd = {2022: 5_612_000_000_000, 2023: 6_285_000_000_000}
    disb_share = [0.06, 0.05, 0.07, 0.07, 0.08, 0.09, 0.08, 0.08, 0.09, 0.09, 0.10, 0.11]

    for i, (y, m) in enumerate(MONTHS):
        mo = (y, m)
        t = i
        put = lambda code, value, note="", mo=mo: data.put(mo, P, code, value, note)  # noqa: E731
        # chỉ đạo điều hành: own rows equal to the children's sum (additive codes)
        for code in ("cchc_plan_tasks_done", "cchc_plan_tasks_total"):
            put(code, sum(data.get(mo, u, code) for u in CHILDREN))
        if m == 12:
            put("par_index_score", Decimal(PAR_INDEX[y][0]))
            put("par_index_rank", PAR_INDEX[y][1])
            put("sipas_score", Decimal(SIPAS[y]))
        # 766 index
        gen_scores_month(rng, data, mo, P, 0.74)
        put("idx766_rank", int(clip(round(38 - 1.3 * t + rng.gauss(0, 1.2)), 5, 63)))
        # thể chế (quarterly flows)
        if m in QUARTER_END:
            issued = rng.randint(18, 40)
            flagged = rng.randint(2, 7)
            put("vbqppl_issued", issued)
            put("vbqppl_flagged", flagged)
            put("vbqppl_flagged_handled", rng.randint(max(0, flagged - 2), flagged))
        # TTHC
        total = published_total[i]
        note = ""
        if mo == ARTICLE_MONTH:
            prov, dist, comm = 1473, 294, 132
            note = ("Theo báo cáo: 1.989 TTHC; số theo cấp (1.473 + 294 + 132 = 1.899) "
                    "chưa khớp tổng, đang rà soát trên CSDL quốc gia")
        else:
            dist, comm = parts_d[i], parts_c[i]
            prov = total - dist - comm
        put("tthc_published_total", total, note)
        put("tthc_published_province", prov)
        put("tthc_published_district", dist)
        put("tthc_published_commune", comm)
        in_period = rng.randint(20, 45)
        put("tthc_published_ontime", min(in_period, round(in_period * rng.uniform(0.88, 1.0))))
        put("tthc_published_in_period", in_period)
        put("tthc_time_cut30", cut30[i])
        put("dossiers_time_cut", time_cut[i])
        put("cost_saved_time_cut", cost_saved[i])
        put("internal_tthc_simplified", simplified[i])
        put("internal_tthc_total", 47 if y == 2022 else 51)
        put("internal_cost_saved", saved_m[i] * 1_000_000)
        put("internal_cost_baseline", 9_400_000_000 if y == 2022 else 10_000_000_000)
        put("satisfaction_tthc_rate", dec2(clip(90.0 + 0.3 * t + rng.gauss(0, 0.4), 85, 99.5)))
        # chính phủ số
        put("dvctt_full_count", full[i])
        put("dvctt_partial_count", partial[i])
        put("tthc_full_eligible", eligible[i])
        # Đề án 06
        put("de06_models_count", models[i])
        put("de06_essential_dvc_live", dvc_live[i])
        put("de06_essential_dvc_total", 25)
        put("chip_id_issued", sum(data.get(mo, d[0], "chip_id_issued") for d in DISTRICTS))
        put("health_facilities_chip_id", facilities[i])
        # bộ máy, công vụ, tài chính công
        if m in QUARTER_END:
            put("staff_streamlined", sum(data.get(mo, u, "staff_streamlined") for u in CHILDREN))
        put("staff_reduction", staff_red[i])
        put("staff_baseline", 25860)
        put("psu_count", 466 if y == 2022 else 451)
        put("psu_self_financed", 41 if y == 2022 else 47)
        put("specialised_agencies_count", 19)
        plan_m = plan_vnd[y] // 1_000_000
        put("public_invest_disbursed", round(plan_m * disb_share[m - 1] * rng.uniform(0.95, 1.05)) * 1_000_000)
        put("public_invest_plan", plan_vnd[y])


def gen_scores_month(rng, data, mo, unit, q0):
    t = t_index(*mo)
    q = q0 + 0.003 * t + rng.gauss(0, 0.01)
    cents = []
    for _code, pts, off in IDX766_GROUPS:
        cents.append(round(pts * 100 * clip(q + off + rng.gauss(0, 0.015), 0.3, 1.0)))
    data.put(mo, unit, "idx766_total_score", Decimal(sum(cents)) / 100)
    for (code, _pts, _off), c in zip(IDX766_GROUPS, cents):
        data.put(mo, unit, code, Decimal(c) / 100)


CHILDREN = [d[0] for d in DEPARTMENTS] + [d[0] for d in DISTRICTS]


def generate() -> Data:
    rng = random.Random(SEED)
    data = Data()
    # order inside a month file: province, departments, districts; catalogue-ish order per unit
    gen_unit_flows(rng, data)
    gen_eid(rng, data)
    gen_chip_ids(rng, data)
    gen_plan_tasks(rng, data)
    # 766 quality tracks the unit's online uptake (mountain districts lower)
    for code, _v, off, *_ in DEPARTMENTS:
        gen_scores(rng, data, code, 0.70 + 0.5 * off + rng.uniform(-0.04, 0.04), rng.uniform(88.0, 92.0))
    for code, _v, off, *_ in DISTRICTS:
        gen_scores(rng, data, code, 0.72 + 0.8 * off + rng.uniform(-0.03, 0.03), rng.uniform(87.0, 91.0))
    gen_staff_streamlined(rng, data)
    gen_province(rng, data)
    return data


# ---------------------------------------------------------------- writing
def sorted_rows(rows, unit_order, code_order):
    return sorted(rows, key=lambda r: (unit_order[r[0]], code_order[r[1]]))


def write_csv(path: Path, rows, bom: bool):
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADER)
    for unit, code, value, note in rows:
        w.writerow([unit, code, fmt_value(value), note])
    text = buf.getvalue()
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))


def write_xlsx(path: Path, rows):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = XLSX_SHEET
    ws.append(HEADER)
    for unit, code, value, note in rows:
        ws.append([unit, code, value if isinstance(value, int) else float(value), note or None])
    for (cell,) in ws.iter_rows(min_row=2, min_col=1, max_col=1):
        cell.number_format = "@"  # unit codes are text: 080 keeps its zero
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 36
    ws.column_dimensions["C"].width = 18
    ws.column_dimensions["D"].width = 60
    ws.freeze_panes = "A2"
    raw = io.BytesIO()
    wb.save(raw)
    path.write_bytes(stable_xlsx(raw.getvalue(), XLSX_STAMP, ZIP_DATE))


def stable_xlsx(raw: bytes, stamp: str, date_time: tuple) -> bytes:
    """An openpyxl workbook's bytes made reproducible: fixed document timestamps and zip entry dates."""
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                                 rb"\g<1>" + stamp.encode() + rb"\g<3>", content)
            entry = zipfile.ZipInfo(info.filename, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, content)
    return out.getvalue()


TARGETS = [
    ("online_submission_rate", "10", 2022, "30"),
    ("online_payment_rate", "10", 2022, "30"),
    ("online_submission_rate", "10", 2023, "50", "KH 18/KH-UBND ngày 16/01/2023"),
    ("online_payment_rate", "10", 2023, "60", "KH 18/KH-UBND ngày 16/01/2023"),
    ("digitization_rate", "10", 2023, "80"),
    ("dvctt_coverage_rate", "10", 2023, "80"),
    ("ontime_resolution_rate", "10", 2023, "98"),
    ("internal_tthc_cost_cut_pct", "10", 2023, "20"),
    ("eid_collection_vs_target", "10", 2023, "100"),
    ("online_submission_rate", "080", 2023, "60"),
]


def write_targets(path: Path, rows=TARGETS):
    """targets.csv; a row's fifth element, when given, is the document that set the target (``source``)."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["indicator", "unit", "year", "target", "source"])
    for row in rows:
        w.writerow((tuple(row) + ("",))[:5])
    path.write_bytes(buf.getvalue().encode("utf-8"))


# ---------------------------------------------------------------- reading back
NUM_RE = re.compile(r"^\d+(\.\d+)?$")


def read_back(out: Path):
    """{month: [(unit, code, Fraction, note)]} plus raw facts about the files."""
    from openpyxl import load_workbook

    months, facts = {}, {}
    for (y, m) in MONTHS:
        csv_path = out / "periods" / f"{ym(y, m)}.csv"
        xlsx_path = out / "periods" / f"{ym(y, m)}.xlsx"
        rows = []
        if (y, m) == XLSX_MONTH:
            assert not csv_path.exists(), f"{csv_path} must not exist"
            wb = load_workbook(xlsx_path)
            assert wb.sheetnames == [XLSX_SHEET], wb.sheetnames
            ws = wb[XLSX_SHEET]
            it = ws.iter_rows(values_only=True)
            assert list(next(it)) == HEADER
            for r in it:
                unit, code, value, note = r
                assert isinstance(unit, str), f"xlsx unit {unit!r} is not text"
                assert isinstance(value, (int, float)) and not isinstance(value, bool), (unit, code, value)
                rows.append((unit, code, Fraction(str(value)), note or ""))
            facts["xlsx_unit_types"] = sorted({type(r[0]).__name__ for r in rows})
        else:
            assert not xlsx_path.exists() or (y, m) == XLSX_MONTH
            raw = csv_path.read_bytes()
            has_bom = raw.startswith(b"\xef\xbb\xbf")
            assert has_bom == ((y, m) == BOM_MONTH), f"{csv_path}: BOM={has_bom}"
            assert b"\r" not in raw, f"{csv_path}: CR line ends"
            text = raw.decode("utf-8-sig")
            reader = csv.reader(io.StringIO(text, newline=""))
            assert next(reader) == HEADER, csv_path
            for line_no, r in enumerate(reader, start=2):
                assert len(r) == 4, (csv_path, line_no, r)
                unit, code, value, note = r
                assert NUM_RE.match(value), f"{csv_path}:{line_no}: non-canonical value {value!r}"
                rows.append((unit, code, Fraction(value), note))
        months[(y, m)] = rows
    return months, facts


# ---------------------------------------------------------------- checks
def pct(num, den) -> Decimal:
    f = Fraction(num) / Fraction(den) * 100
    return (Decimal(f.numerator) / Decimal(f.denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def load_catalogue():
    with CATALOGUE_CSV.open(encoding="utf-8", newline="") as fh:
        return {r["code"]: r for r in csv.DictReader(fh)}


def load_units(units_csv: Path) -> dict:
    """The rows of ``units_csv`` for this part's units, in the generator's order (province,
    departments, districts: the order of the rows in a month file)."""
    with units_csv.open(encoding="utf-8", newline="") as fh:
        rows = {r["code"]: r for r in csv.DictReader(fh) if r["code"] in {PROVINCE, *CHILDREN}}
    return {code: rows[code] for code in [PROVINCE, *CHILDREN] if code in rows}


class Checker:
    def __init__(self, months):
        self.months = months
        self.v = {}
        self.notes = {}
        for mo, rows in months.items():
            for unit, code, value, note in rows:
                key = (mo, unit, code)
                assert key not in self.v, f"duplicate {key}"
                self.v[key] = value
                if note:
                    self.notes[key] = note

    def get(self, mo, unit, code):
        return self.v.get((mo, unit, code))

    def fig(self, mo, unit, code):
        """A unit's figure for one month: own row, else the sum of its children's rows."""
        own = self.get(mo, unit, code)
        if own is not None or unit != PROVINCE:
            return own
        kids = [self.get(mo, c, code) for c in CHILDREN]
        kids = [k for k in kids if k is not None]
        return sum(kids) if kids else None

    def window_sum(self, mos, unit, code):
        return sum(self.fig(mo, unit, code) or 0 for mo in mos)


def run_checks(out: Path, data: Data) -> list[str]:
    cat, units = load_catalogue(), load_units(out / "units.csv")
    months, facts = read_back(out)
    ck = Checker(months)
    printed = []

    def say(line):
        printed.append(line)
        print(line)

    # --- structure ---------------------------------------------------------
    used_codes = set()
    for mo, rows in months.items():
        assert rows, mo
        for unit, code, value, _note in rows:
            assert unit in units, f"{mo}: unknown unit {unit!r}"
            assert code in cat, f"{mo}: unknown indicator {code!r}"
            spec = cat[code]
            assert spec["aggregation"] in ("sum", "last"), f"{mo}: ratio/unknown aggregation in data: {code}"
            level = units[unit]["level"]
            assert level in spec["level"].split(";"), f"{mo}: {code} not reported at level {level} ({unit})"
            assert value >= 0, f"{mo}: negative {unit} {code}"
            if spec["kind"] in ("count", "amount", "rank"):
                assert value.denominator == 1, f"{mo}: non-integer count {unit} {code} {value}"
            used_codes.add(code)
        if mo[1] != 12:
            assert not any(r[1] in DECEMBER_ONLY for r in rows), mo
        if mo[1] not in QUARTER_END:
            assert not any(r[1] in QUARTERLY_FLOWS for r in rows), mo
    expected = {c for c, s in cat.items() if s["aggregation"] in ("sum", "last") and c not in NOT_IN_SAMPLE
                and set(s["level"].split(";")) & {"province", "department", "district"}}
    assert used_codes == expected, f"missing {sorted(expected - used_codes)}, extra {sorted(used_codes - expected)}"
    assert set(CHILDREN) | {PROVINCE} == set(units), "generator units differ from units.csv"
    for code in CHILDREN:
        assert units[code]["parent"] == PROVINCE

    # written back == generated
    for (mo, unit, code), value in data.val.items():
        assert ck.get(mo, unit, code) == Fraction(fmt_value(value)), (mo, unit, code)
    assert len(ck.v) == len(data.val)

    # --- numerators never exceed denominators; capped percentages ≤ 100 -------
    ratios = [(c, s["numerator"].split("+"), s["denominator"]) for c, s in cat.items()
              if s["aggregation"] == "ratio" and s["capped"] == "yes"]
    for mo in MONTHS:
        for unit in [PROVINCE] + CHILDREN:
            for rcode, nums, den in ratios:
                nv = [ck.fig(mo, unit, n) for n in nums]
                dv = ck.fig(mo, unit, den)
                if dv is None or any(x is None for x in nv):
                    continue
                assert sum(nv) <= dv, f"{ym(*mo)} {unit}: {rcode} numerator {sum(nv)} > denominator {dv}"
            for code in ("satisfaction_tthc_rate",):
                x = ck.get(mo, unit, code)
                assert x is None or x <= 100
        for d in DISTRICTS:
            assert ck.get(mo, d[0], "eid_activated") <= ck.get(mo, d[0], "eid_applications")

    # --- 766 groups add up and stay within their maxima -----------------------
    for (mo, unit, code), value in ck.v.items():
        if code == "idx766_total_score":
            groups = [ck.get(mo, unit, g) for g, _p, _o in IDX766_GROUPS]
            assert sum(groups) == value, (mo, unit)
            for (g, pts, _o), x in zip(IDX766_GROUPS, groups):
                assert 0 <= x <= pts, (mo, unit, g, x)

    # --- province own rows for additive codes equal the children's sum --------
    for (mo, unit, code), value in ck.v.items():
        if unit == PROVINCE and cat[code]["additive"] == "yes":
            kids = sum(ck.get(mo, c, code) or 0 for c in CHILDREN)
            assert value == kids, f"{ym(*mo)}: province {code} {value} ≠ children {kids}"

    # --- parts by level: exact except the article's month ---------------------
    parts = ["tthc_published_province", "tthc_published_district", "tthc_published_commune"]
    mismatches = []
    for mo in MONTHS:
        s = sum(ck.get(mo, PROVINCE, p) for p in parts)
        tot = ck.get(mo, PROVINCE, "tthc_published_total")
        if s != tot:
            mismatches.append((ym(*mo), int(tot), int(s)))
    assert mismatches == [("2023-10", 1989, 1899)], mismatches

    # --- cumulative stocks never fall; plan tasks rise within the year ---------
    for code in CUMULATIVE_STOCKS:
        for unit in [PROVINCE] + CHILDREN:
            seq = [ck.get(mo, unit, code) for mo in MONTHS]
            seq = [x for x in seq if x is not None]
            assert all(a <= b for a, b in zip(seq, seq[1:])), f"{code} {unit} decreases"
    for unit in [PROVINCE] + CHILDREN:
        for y in (2022, 2023):
            seq = [ck.get((y, m), unit, "cchc_plan_tasks_done") for m in range(1, 13)]
            assert all(a <= b for a, b in zip(seq, seq[1:])), unit
        for code in ("eid_quota", "eid_activation_quota"):
            for y in (2022, 2023):
                vals = {ck.get((y, m), unit, code) for m in range(1, 13)}
                assert len(vals) == 1 or unit == PROVINCE and vals == {None}, (unit, code, vals)

    # --- month-on-month jumps in flows: only the deliberate one ---------------
    jumps = []
    for i in range(1, len(MONTHS)):
        prev, cur = MONTHS[i - 1], MONTHS[i]
        for unit in CHILDREN:
            for code in [c for c, s in cat.items() if s["aggregation"] == "sum"]:
                a, b = ck.get(prev, unit, code), ck.get(cur, unit, code)
                if a is None or b is None or a < 20:
                    continue
                r = b / a
                if not (Fraction(1, 2) <= r <= 2):
                    jumps.append((ym(*cur), unit, code, round(float(r), 2)))
    assert [j[:3] for j in jumps] == [("2023-08", CAMPAIGN_UNIT, "dossiers_received"),
                                     ("2023-09", CAMPAIGN_UNIT, "dossiers_received")], jumps
    assert 3.5 <= jumps[0][3] <= 4.5, jumps
    assert (CAMPAIGN_MONTH, CAMPAIGN_UNIT, "dossiers_received") in ck.notes

    # --- calibration: province 10, January–October 2023 -----------------------
    O = ARTICLE_MONTH
    win23 = [(2023, m) for m in range(1, 11)]
    win22 = [(2022, m) for m in range(1, 11)]
    P = PROVINCE

    def exact(label, got, want):
        assert got == want, f"calibration {label}: got {got}, want {want}"
        say(f"  OK  {label} = {got}")

    say("Calibration, province 10, 10 tháng năm 2023 (Jan–Oct 2023, stocks at 2023-10):")
    exact("tthc_published_total", int(ck.get(O, P, "tthc_published_total")), 1989)
    exact("tthc_published_province/district/commune",
          tuple(int(ck.get(O, P, p)) for p in parts), (1473, 294, 132))
    say(f"  OK  parts sum {sum(int(ck.get(O, P, p)) for p in parts)} ≠ total 1989 "
        f"(deliberate; parts add up in every other month)")
    exact("dvctt_full_count", int(ck.get(O, P, "dvctt_full_count")), 1277)
    exact("dvctt_partial_count", int(ck.get(O, P, "dvctt_partial_count")), 520)
    exact("dvctt_coverage_rate % (1797/1989)",
          pct(ck.get(O, P, "dvctt_full_count") + ck.get(O, P, "dvctt_partial_count"),
              ck.get(O, P, "tthc_published_total")), Decimal("90.35"))
    exact("tthc_time_cut30", int(ck.get(O, P, "tthc_time_cut30")), 977)
    exact("Σ dossiers_time_cut", int(ck.window_sum(win23, P, "dossiers_time_cut")), 60000)
    exact("Σ cost_saved_time_cut (VND)", int(ck.window_sum(win23, P, "cost_saved_time_cut")), 35_000_000_000)
    exact("internal_tthc_simplified/total", (int(ck.get(O, P, "internal_tthc_simplified")),
                                             int(ck.get(O, P, "internal_tthc_total"))), (39, 51))
    exact("internal_tthc_simplified_rate % (1 decimal)",
          pct(39, 51).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), Decimal("76.5"))
    exact("internal_tthc_cost_cut_pct %", pct(ck.get(O, P, "internal_cost_saved"),
                                              ck.get(O, P, "internal_cost_baseline")), Decimal("23.67"))
    assert Fraction(ck.get(O, P, "internal_cost_saved"), ck.get(O, P, "internal_cost_baseline")) \
        == Fraction(2367, 10000)
    apps = ck.window_sum(win23, P, "eid_applications")
    quota = ck.fig(O, P, "eid_quota")
    exact("Σ eid_applications / Σ eid_quota", (int(apps), int(quota)), (143840, 100000))
    assert Fraction(apps, quota) * 100 == Fraction(14384, 100)
    exact("eid_collection_vs_target %", pct(apps, quota), Decimal("143.84"))
    act = ck.window_sum(win23, P, "eid_activated")
    aq = ck.fig(O, P, "eid_activation_quota")
    assert Fraction(act, aq) * 100 == Fraction(10562, 100)
    exact("eid_activation_vs_target %", pct(act, aq), Decimal("105.62"))
    say(f"      (activated {int(act)} / activation quota {int(aq)})")
    exact("de06_models_count", int(ck.get(O, P, "de06_models_count")), 43)

    def rate(mos, num, den, unit=P):
        return pct(ck.window_sum(mos, unit, num), ck.window_sum(mos, unit, den))

    on23, on22 = rate(win23, "dossiers_received_online", "dossiers_received"), \
        rate(win22, "dossiers_received_online", "dossiers_received")
    pay23, pay22 = rate(win23, "dossiers_paid_online", "dossiers_with_fees"), \
        rate(win22, "dossiers_paid_online", "dossiers_with_fees")
    assert 50 < on23 < 60, on23
    assert 60 < pay23 < 70, pay23
    assert 30 <= on22 <= 40 and on22 < on23, on22
    assert pay22 < pay23 and pay22 < 45, pay22
    say(f"  OK  online_submission_rate Jan–Oct 2023 = {on23}% (50–60; 2022: {on22}%)")
    say(f"  OK  online_payment_rate Jan–Oct 2023 = {pay23}% (60–70; 2022: {pay22}%)")
    for label, num, den, lo, hi in [
        ("ontime_resolution_rate", "dossiers_resolved_ontime", "dossiers_resolved", 95, 99.5),
        ("digitization_rate", "dossiers_digitised", "dossiers_received", 50, 80),
        ("data_reuse_rate", "dossiers_reusing_data", "dossiers_received", 10, 50),
        ("e_result_rate", "dossiers_e_result", "dossiers_requiring_document_result", 20, 60),
        ("dossier_sync_rate", "dossiers_synced", "dossiers_received", 80, 100),
        ("pakn_ontime_rate", "pakn_handled_ontime", "pakn_received", 80, 100),
    ]:
        r23, r22 = rate(win23, num, den), rate(win22, num, den)
        assert lo <= r23 <= hi and r22 < r23, (label, r22, r23)
        say(f"  OK  {label} Jan–Oct 2023 = {r23}% (2022: {r22}%)")
    rows_per_month = {ym(*mo): len(rows) for mo, rows in months.items()}
    say(f"Rows per month: {min(rows_per_month.values())}–{max(rows_per_month.values())} "
        f"({sum(rows_per_month.values())} in all, 24 files)")
    say(f"Month-on-month flow jumps (×½…×2 bounds, previous ≥ 20): {jumps}")
    return printed


# ---------------------------------------------------------------- notes
def vn(x, decimals=0) -> str:
    """Vietnamese number: dot thousands, comma decimals."""
    d = Decimal(x).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    s = f"{d:,.{decimals}f}"
    return s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def note_figures(data: Data) -> dict:
    def s(mos, code, units=CHILDREN):
        return sum(data.get(mo, u, code) for mo in mos for u in units)

    def r(mos, num, den, units=CHILDREN):
        return pct(s(mos, num, units), s(mos, den, units))

    w10 = [(2023, m) for m in range(1, 11)]
    w9 = [(2023, m) for m in range(1, 10)]
    w10_22 = [(2022, m) for m in range(1, 11)]
    w9_22 = [(2022, m) for m in range(1, 10)]
    f = {
        "on10": r(w10, "dossiers_received_online", "dossiers_received"),
        "on10_22": r(w10_22, "dossiers_received_online", "dossiers_received"),
        "pay10": r(w10, "dossiers_paid_online", "dossiers_with_fees"),
        "pay10_22": r(w10_22, "dossiers_paid_online", "dossiers_with_fees"),
        "dig10": r(w10, "dossiers_digitised", "dossiers_received"),
        "reuse10": r(w10, "dossiers_reusing_data", "dossiers_received"),
        "ontime10": r(w10, "dossiers_resolved_ontime", "dossiers_resolved"),
        "rec10": s(w10, "dossiers_received"),
        "on9": r(w9, "dossiers_received_online", "dossiers_received"),
        "on9_22": r(w9_22, "dossiers_received_online", "dossiers_received"),
        "pay9": r(w9, "dossiers_paid_online", "dossiers_with_fees"),
        "ontime9": r(w9, "dossiers_resolved_ontime", "dossiers_resolved"),
        "dig9": r(w9, "dossiers_digitised", "dossiers_received"),
        "on10_084": r(w10, "dossiers_received_online", "dossiers_received", ["084"]),
        "on10_083": r(w10, "dossiers_received_online", "dossiers_received", ["083"]),
        "by_jul": data.get((2023, 7), CAMPAIGN_UNIT, "dossiers_received"),
        "by_aug": data.get((2023, 8), CAMPAIGN_UNIT, "dossiers_received"),
        "by_sep": data.get((2023, 9), CAMPAIGN_UNIT, "dossiers_received"),
    }
    assert f["dig10"] < 80 and f["on10_084"] < f["on10"] and f["on10_083"] < f["on10"]
    return f


def write_notes(notes_dir: Path, data: Data):
    f = note_figures(data)
    p = lambda x: vn(x, 2) + "%"  # noqa: E731
    oct_note = f"""## Kết quả nổi bật
- Toàn tỉnh đã công bố 1.989 TTHC (cấp tỉnh 1.473, cấp huyện 294, cấp xã 132); cung cấp 1.277 dịch vụ công trực tuyến toàn trình và 520 dịch vụ công trực tuyến một phần, đạt 90,35% tổng số TTHC.
- 10 tháng năm 2023, các cơ quan, đơn vị tiếp nhận {vn(f["rec10"])} hồ sơ; tỷ lệ nộp hồ sơ trực tuyến đạt {p(f["on10"])} (cùng kỳ năm 2022: {p(f["on10_22"])}), tỷ lệ thanh toán trực tuyến đạt {p(f["pay10"])} (cùng kỳ: {p(f["pay10_22"])}); tỷ lệ giải quyết đúng hạn {p(f["ontime10"])}.
- 977 TTHC được cắt giảm từ 30% thời gian giải quyết trở lên, khoảng 60.000 hồ sơ được hưởng lợi, tiết kiệm 35 tỷ đồng chi phí.
- Đơn giản hóa 39/51 TTHC nội bộ (76,5%), cắt giảm 23,67% chi phí tuân thủ, vượt mức tối thiểu 20%.
- Đề án 06: thu nhận hồ sơ định danh điện tử đạt 143,84% chỉ tiêu, kích hoạt tài khoản đạt 105,62% chỉ tiêu; triển khai 43 mô hình điểm.

## Tồn tại, hạn chế
- Số TTHC theo cấp (1.473 + 294 + 132 = 1.899) chưa khớp tổng số 1.989 TTHC đã công bố; cần rà soát, thống nhất số liệu trên Cơ sở dữ liệu quốc gia về TTHC.
- Tỷ lệ số hóa hồ sơ, kết quả giải quyết TTHC 10 tháng mới đạt {p(f["dig10"])}, chưa đạt chỉ tiêu 80%; tỷ lệ khai thác, sử dụng lại dữ liệu đã số hóa còn thấp ({p(f["reuse10"])}).
- Tỷ lệ nộp hồ sơ trực tuyến ở một số huyện vùng cao còn thấp: Huyện Si Ma Cai {p(f["on10_084"])}, Huyện Mường Khương {p(f["on10_083"])}.
- Huyện Bảo Yên tiếp nhận {vn(f["by_aug"])} hồ sơ trong tháng 8 (tháng 7: {vn(f["by_jul"])}) do đợt cao điểm đăng ký đất đai; cần theo dõi tiến độ giải quyết số hồ sơ này.

## Nhiệm vụ tháng tới
- Văn phòng UBND tỉnh chủ trì rà soát, chuẩn hóa số liệu TTHC công bố theo từng cấp trước kỳ báo cáo năm.
- Các sở, ngành, UBND cấp huyện đẩy mạnh số hóa hồ sơ, kết quả giải quyết TTHC, phấn đấu đạt chỉ tiêu 80% đến cuối năm.
- Tiếp tục tuyên truyền, hướng dẫn người dân nộp hồ sơ và thanh toán trực tuyến, tập trung tại các huyện vùng cao.
- Duy trì tiến độ thu nhận, kích hoạt tài khoản định danh điện tử; nhân rộng các mô hình điểm Đề án 06.
"""
    sep_note = f"""## Kết quả nổi bật
- 9 tháng năm 2023, tỷ lệ nộp hồ sơ trực tuyến đạt {p(f["on9"])} (cùng kỳ năm 2022: {p(f["on9_22"])}); tỷ lệ thanh toán trực tuyến đạt {p(f["pay9"])}.
- Tỷ lệ hồ sơ giải quyết đúng hạn đạt {p(f["ontime9"])}.

## Tồn tại, hạn chế
- Tỷ lệ số hóa hồ sơ đạt {p(f["dig9"])}, còn thấp so với chỉ tiêu 80%.
- Huyện Bảo Yên: số hồ sơ tiếp nhận tháng 8 tăng đột biến do đợt cao điểm đăng ký đất đai; tháng 9 đã trở lại mức bình thường ({vn(f["by_sep"])} hồ sơ).

## Nhiệm vụ tháng tới
- Chuẩn bị số liệu báo cáo 10 tháng năm 2023 phục vụ phiên họp Ban Chỉ đạo CCHC của Chính phủ.
"""
    (notes_dir / "2023-10.md").write_bytes(oct_note.encode("utf-8"))
    (notes_dir / "2023-09.md").write_bytes(sep_note.encode("utf-8"))


# ---------------------------------------------------------------- writing the part
def write(out: Path) -> Data:
    """This part's month files, targets and notes under ``out``; the generated data."""
    cat, units = load_catalogue(), load_units(out / "units.csv")
    unit_order = {c: i for i, c in enumerate(units)}
    code_order = {c: i for i, c in enumerate(cat)}
    data = generate()
    for mo in MONTHS:
        rows = sorted_rows(data.rows[mo], unit_order, code_order)
        name = ym(*mo)
        if mo == XLSX_MONTH:
            write_xlsx(out / "periods" / f"{name}.xlsx", rows)
        else:
            write_csv(out / "periods" / f"{name}.csv", rows, bom=(mo == BOM_MONTH))
    write_notes(out / "notes", data)
    for indicator, unit, *_rest in TARGETS:
        assert indicator in cat and cat[indicator]["aggregation"] == "ratio", indicator
        assert unit in units, unit
    return data
