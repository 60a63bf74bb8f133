#!/usr/bin/env python3
"""The sample's second part: Lào Cai across the July 2025 merger, 2024-01 to 2026-10
(imported by ``scripts/make_sample_data.py``, which writes the whole sample into one data
folder, its ``units.csv`` first).

Writes, into the data folder:

* ``periods/YYYY-MM.csv`` for every month 2024-01 … 2026-10, long form
  ``unit,indicator,value,note``, UTF-8, canonical numbers:
  - 2024-01 … 2025-06: old Lào Cai ``10`` and old Yên Bái ``15`` (province rows,
    their departments ``10-…``/``15-…`` and districts);
  - 2025-07 … 2026-10: new Lào Cai ``15`` (province rows, its 14 departments after
    the 2025 restructuring and a set of communes/wards: every third commune in
    code order reports; the others are missing, as in real reporting, except
    for the e-ID figures, which the province police's system gives for every
    commune, so a year-to-date e-ID rate against its quota compares like with
    like across the merger);
  2026-09 comes instead as per-unit workbooks, collected and taken in (``PER_UNIT``: the month's
  rows are handed to ``make_sample_data.py``, which assembles them with ``sample_per_unit.py``);
* ``notes/2026-10.md``; its targets (province 15, 2025 and 2026) are ``TARGETS``.

Ranks: the 766 rank is out of 63 provinces before July 2025 and out of 34 after.
"""

from __future__ import annotations

import random
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sample_2022_2023 as base  # noqa: E402  (shared helpers: allocate, write_csv, …)

SEED = 20261031
NEW, OLD = "15", ("10", "15")
OLD_MONTHS = [(y, m) for y in (2024, 2025) for m in range(1, 13) if (y, m) <= (2025, 6)]
NEW_MONTHS = [(y, m) for y in (2025, 2026) for m in range(1, 13) if (2025, 7) <= (y, m) <= (2026, 10)]
MONTHS = OLD_MONTHS + NEW_MONTHS
QUARTER_END = (3, 6, 9, 12)
PER_UNIT = (2026, 9)          # this month's figures come as the units' own workbooks
COMMUNE_STEP = 3              # every third commune (in code order) reports
PROVINCE_SIZE = {"10": 1.0, "15": 0.85}
PLAN_2026 = "KH 45/KH-UBND ngày 10/01/2026"        # the province's CCHC plan of the year (sample)
TARGETS = [("online_submission_rate", NEW, 2025, "55", "KH 09/KH-UBND ngày 14/01/2025"),
           ("online_submission_rate", NEW, 2026, "65", PLAN_2026),
           ("online_payment_rate", NEW, 2026, "70", PLAN_2026), ("digitization_rate", NEW, 2026, "80", PLAN_2026)]


def t_index(y: int, m: int) -> int:
    return (y - 2024) * 12 + (m - 1)



class Sample(base.Data):
    def __init__(self):
        self.rows = {k: [] for k in MONTHS}
        self.val = {}


def flows(rng, data, mo, unit, vol, off):
    """The dossier and feedback flows of one unit in one month (parts never exceed wholes)."""
    y, m = mo
    v = max(12, round(vol * base.season(2023, m) * (1 + base.clip(rng.gauss(0, 0.03), -0.06, 0.06))))
    share = lambda lo, hi, x: base.clip(x + rng.gauss(0, 0.01), lo, hi)  # noqa: E731
    t = t_index(y, m)
    online = min(v, round(v * share(0.05, 0.97, 0.55 + 0.008 * t + off)))
    resolved = min(v, round(v * rng.uniform(0.94, 0.99)))
    ontime = min(resolved, round(resolved * share(0.95, 0.998, 0.978 + 0.0004 * t)))
    fees = max(1, round(v * rng.uniform(0.3, 0.5)))
    paid = min(fees, round(fees * share(0.05, 0.95, 0.62 + 0.006 * t + off)))
    synced = min(v, round(v * share(0.5, 0.99, 0.93 + 0.001 * t)))
    digitised = min(v, round(v * share(0.1, 0.95, 0.62 + 0.007 * t + off)))
    reusing = min(v, round(v * share(0.02, 0.9, 0.25 + 0.006 * t)))
    requiring = max(1, round(v * rng.uniform(0.6, 0.9)))
    e_result = min(requiring, round(requiring * share(0.02, 0.95, 0.35 + 0.01 * t)))
    pakn = max(6, round((6 + v / 150) * rng.uniform(0.9, 1.1)))
    pakn_ok = min(pakn, round(pakn * share(0.7, 1.0, 0.92 + 0.002 * t)))
    for code, value in zip(base.DOSSIER_FLOWS, [v, online, resolved, ontime, paid, fees, synced, digitised,
                                                reusing, e_result, requiring, pakn, pakn_ok]):
        data.put(mo, unit, code, value)


def scores(rng, data, mo, unit, q0):
    base.gen_scores_month(rng, data, mo, unit, q0 - 0.003 * base.t_index(*mo) + 0.003 * t_index(*mo))
    data.put(mo, unit, "satisfaction_tthc_rate",
             base.dec2(base.clip(92.0 + 0.15 * t_index(*mo) + rng.gauss(0, 0.4), 85, 99.5)))


def eid(rng, data, mo, unit, quota):
    y, m = mo
    apps = round(quota / 12 * rng.uniform(0.9, 1.3))
    data.put(mo, unit, "eid_applications", apps)
    data.put(mo, unit, "eid_quota", quota)
    data.put(mo, unit, "eid_activated", round(apps * rng.uniform(0.55, 0.7)))
    data.put(mo, unit, "eid_activation_quota", quota * 8 // 10)


def plan_tasks(rng, data, months, unit, plan):
    for (y, m) in months:
        total = plan.setdefault((unit, y), rng.randint(15, 35))
        done = min(total, round(total * m / 12 * rng.uniform(0.92, 1.0)))
        key = (unit, y, "done")
        done = max(done, plan.get(key, 0))
        plan[key] = done
        data.put((y, m), unit, "cchc_plan_tasks_done", done)
        data.put((y, m), unit, "cchc_plan_tasks_total", total)


def province_rows(rng, data, months, unit, size, rank_field, state):
    """A province's own rows: procedures, services, scores and a 766 rank out of ``rank_field``."""
    for (y, m) in months:
        mo, t = (y, m), t_index(y, m)
        put = lambda code, value, mo=mo: data.put(mo, unit, code, value)  # noqa: E731
        st = state.setdefault((unit, rank_field), {"total": round(1900 * size), "full": round(1250 * size),
                                     "partial": round(500 * size), "cut": round(950 * size), "models": 40})
        st["total"] += rng.randint(0, 4)
        st["full"] = min(st["total"] - st["partial"] - 50, st["full"] + rng.randint(2, 8))
        st["partial"] = st["partial"] + rng.randint(0, 2)
        st["cut"] += rng.randint(0, 3)
        st["models"] += rng.randint(0, 1)
        district = 0 if (y, m) >= (2025, 7) else round(290 * size)
        commune = round(135 * size) if (y, m) < (2025, 7) else 410
        put("tthc_published_total", st["total"])
        put("tthc_published_province", st["total"] - district - commune)
        put("tthc_published_district", district)
        put("tthc_published_commune", commune)
        in_period = rng.randint(20, 45)
        put("tthc_published_ontime", min(in_period, round(in_period * rng.uniform(0.9, 1.0))))
        put("tthc_published_in_period", in_period)
        put("dvctt_full_count", st["full"])
        put("dvctt_partial_count", st["partial"])
        put("tthc_full_eligible", st["full"] + round(40 * size))
        put("tthc_time_cut30", st["cut"])
        put("dossiers_time_cut", round(6000 * size * rng.uniform(0.9, 1.1)))
        put("cost_saved_time_cut", round(3500 * size * rng.uniform(0.9, 1.1)) * 1_000_000)
        put("de06_models_count", st["models"])
        put("de06_essential_dvc_live", 25)
        put("de06_essential_dvc_total", 25)
        put("health_facilities_chip_id", round(200 * size) + t)
        put("chip_id_issued", round(560000 * size) + 4000 * t)
        rank = int(base.clip(round((14 if rank_field == 63 else 9) - 0.2 * t + rng.gauss(0, 1)), 1, rank_field))
        base.gen_scores_month(rng, data, mo, unit, 0.80)
        put("idx766_rank", rank)
        put("satisfaction_tthc_rate", base.dec2(base.clip(93.0 + 0.1 * t + rng.gauss(0, 0.3), 85, 99.5)))
        if m in QUARTER_END:
            flagged = rng.randint(2, 7)
            put("vbqppl_issued", rng.randint(18, 40))
            put("vbqppl_flagged", flagged)
            put("vbqppl_flagged_handled", rng.randint(max(0, flagged - 2), flagged))
        if m == 12:
            put("par_index_score", Decimal("88.40") + Decimal(t) / 100)
            put("par_index_rank", 12 if rank_field == 63 else 8)
            put("sipas_score", Decimal("85.20") + Decimal(t) / 100)
        put("internal_tthc_simplified", min(50, 20 + m * 2))
        put("internal_tthc_total", 52)
        put("internal_cost_saved", (1000 + 120 * m) * 1_000_000)
        put("internal_cost_baseline", 10_000_000_000)
        put("staff_reduction", round(1300 * size) + 40 * t)
        put("staff_baseline", round(26000 * size))
        put("psu_count", round(450 * size) - t // 6)
        put("psu_self_financed", round(48 * size) + t // 6)
        put("specialised_agencies_count", 14 if (y, m) >= (2025, 7) else 19)
        plan = round(6_300_000 * size) * 1_000_000
        put("public_invest_disbursed", round(plan / 1_000_000 * 0.08 * rng.uniform(0.9, 1.1)) * 1_000_000)
        put("public_invest_plan", plan)


def generate(units) -> Sample:
    rng = random.Random(SEED)
    data, plan, state = Sample(), {}, {}
    for p in OLD:
        size = PROVINCE_SIZE[p]
        depts = [u for u in units if u.level == "department" and u.parent == p and u.valid_to is not None]
        districts = [u for u in units if u.level == "district" and u.parent == p]
        profile = {u.code: (rng.uniform(40, 2500) * size, rng.uniform(-0.1, 0.15)) for u in depts + districts}
        for mo in OLD_MONTHS:
            for u in depts + districts:
                flows(rng, data, mo, u.code, *profile[u.code])
                scores(rng, data, mo, u.code, 0.74 + profile[u.code][1] / 2)
                if m_quarter(mo):
                    data.put(mo, u.code, "staff_streamlined", rng.randint(0, 5))
            for u in districts:
                eid(rng, data, mo, u.code, round(9000 * size))
        plan_tasks_all(rng, data, OLD_MONTHS, depts + districts, plan)
        province_rows(rng, data, OLD_MONTHS, p, size, 63, state)
    depts = [u for u in units if u.level == "department" and u.parent == NEW and u.valid_from is not None]
    communes = sorted((u for u in units if u.level == "commune" and u.parent == NEW), key=lambda u: u.code)
    reporting = communes[::COMMUNE_STEP]
    profile = {u.code: (rng.uniform(80, 3500), rng.uniform(-0.08, 0.12)) for u in depts}
    profile.update({u.code: (rng.uniform(500, 1500), rng.uniform(-0.12, 0.08)) for u in reporting})
    for mo in NEW_MONTHS:
        for u in depts + reporting:
            flows(rng, data, mo, u.code, *profile[u.code])
            scores(rng, data, mo, u.code, 0.76 + profile[u.code][1] / 2)
        for u in depts:
            if m_quarter(mo):
                data.put(mo, u.code, "staff_streamlined", rng.randint(0, 5))
        for u in reporting:
            eid(rng, data, mo, u.code, 1500)
    police = random.Random(SEED + 1)      # its own draws: every other figure stays as it was
    silent = [u for u in communes if u not in reporting]
    for mo in NEW_MONTHS:
        for u in silent:
            eid(police, data, mo, u.code, 1500)
    plan_tasks_all(rng, data, NEW_MONTHS, depts, plan)
    province_rows(rng, data, NEW_MONTHS, NEW, 1.85, 34, state)
    return data


def m_quarter(mo) -> bool:
    return mo[1] in QUARTER_END


def plan_tasks_all(rng, data, months, units, plan):
    for u in units:
        plan_tasks(rng, data, months, u.code, plan)


NOTE_2026_10 = """## Kết quả nổi bật
- Tỉnh Lào Cai (mới) vận hành chính quyền địa phương hai cấp ổn định; các sở sau sắp xếp tiếp nhận, giải quyết hồ sơ đúng quy trình.
- Tỷ lệ nộp hồ sơ và thanh toán trực tuyến tiếp tục tăng so với cùng kỳ (cùng kỳ là tổng số liệu của tỉnh Lào Cai và tỉnh Yên Bái trước hợp nhất).

## Tồn tại, hạn chế
- Một số xã, phường chưa gửi số liệu tháng 10/2026; cần đôn đốc để số liệu toàn tỉnh đầy đủ.

## Nguyên nhân
- Sau sắp xếp, một số xã, phường chưa ổn định đội ngũ công chức làm công tác thống kê, báo cáo.
- Hạ tầng, đường truyền ở một số xã vùng cao còn hạn chế, ảnh hưởng đến việc số hóa và khai thác lại dữ liệu.

## Nhiệm vụ tháng tới
- Hoàn thiện số liệu các xã, phường; chuẩn bị báo cáo năm 2026.

## Đề xuất, kiến nghị
- Đề nghị Văn phòng Chính phủ tiếp tục hướng dẫn việc đồng bộ hồ sơ từ Hệ thống thông tin giải quyết TTHC của tỉnh lên Cổng Dịch vụ công quốc gia.
"""


def write(out: Path) -> Sample:
    """This part's month files and note under ``out`` (whose ``units.csv`` holds its units)."""
    from helpers.units import read_units
    units = read_units(out / "units.csv").all_versions()
    order = {}
    for u in units:
        order.setdefault(u.code, len(order))
    codes = {c: i for i, c in enumerate(base.load_catalogue())}
    data = generate(units)
    for mo in MONTHS:
        if mo == PER_UNIT:
            continue
        rows = sorted(data.rows[mo], key=lambda r: (order[r[0]], codes[r[1]]))
        base.write_csv(out / "periods" / f"{base.ym(*mo)}.csv", rows, bom=False)
    (out / "notes" / "2026-10.md").write_bytes(NOTE_2026_10.encode("utf-8"))
    return data


def per_unit_figures(data: Sample) -> dict[str, dict[str, str]]:
    """``{unit: {indicator: value as written}}`` of the ``PER_UNIT`` month (its rows have no notes)."""
    out: dict[str, dict[str, str]] = {}
    for unit, code, value, note in data.rows[PER_UNIT]:
        assert not note, (unit, code)
        out.setdefault(unit, {})[code] = base.fmt_value(value)
    return out


def check(out: Path) -> int:
    from helpers.findings import errors
    from helpers.validate import validate
    found = validate(out)
    bad = errors(found)
    for f in bad[:10]:
        print(f.line(), file=sys.stderr)
    if bad:
        print(f"SAMPLE DATA CHECK FAILED: {len(bad)} errors", file=sys.stderr)
        return 1
    months = len({p.stem for p in (out / "periods").iterdir()})
    print(f"Wrote {months} month files, units.csv, targets.csv and 3 notes under {out} "
          f"({len(found)} warnings from the data checks)")
    return 0

