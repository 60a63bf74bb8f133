"""Data checks. Errors mean the data cannot be used; warnings are reported.

Errors come from reading (see ``load``), from a capped ratio whose part exceeds
its whole and from an intake register that cannot be read. Warnings: parts that do
not add up to their total, a unit's own figure differing from the sum of its
children, missing months in a year-to-date window, a month-on-month jump beyond a
sane bound."""

from __future__ import annotations

from decimal import Decimal

from . import fmt
from .coverage import acceptances
from .errors import DataError
from .figures import Calculator
from .findings import ERROR, WARNING, Finding, sort_key
from .inputs import shown as shown_path
from .load import DataSet, load_data
from .periods import Period
from .register import register_path
from .text import LANG, Msg, PerLanguage

JUMP_FACTOR = 3            # a flow or stock more than 3× or less than 1/3 of last month
JUMP_MIN_BASE = 20         # ignore jumps on tiny numbers
JUMP_RATIO_POINTS = 25     # a ratio moving more than 25 percentage points


def validate(data_dir, periods=None) -> list[Finding]:
    """Load ``data_dir`` and check it. ``periods`` (codes) limits the months checked."""
    ds = load_data(data_dir)
    return check(ds, periods)


def scope_months(ds: DataSet, periods=None) -> list[str]:
    if not periods:
        return ds.months
    months = set()
    for p in periods:
        months.update(Period.parse(p).month_codes())
    return sorted(months)


def check(ds: DataSet, periods=None) -> list[Finding]:
    months = scope_months(ds, periods)
    calc = Calculator(ds)
    asked = set(periods or [])          # a quarter's own notes file carries the quarter's code
    out = [f for f in ds.findings if not periods or f.period is None or f.period in months or f.period in asked]
    for month in months:
        out += part_exceeds_whole(ds, month)
        out += parts_do_not_add_up(ds, month)
        out += children_differ(ds, calc, month)
        out += jumps(ds, calc, month)
        out += silent_units(ds, month)
    out += missing_months(ds, periods or ([ds.latest_month()] if ds.latest_month() else []))
    out += register_problems(ds, months)
    for p in periods or []:
        period = Period.parse(p)
        if ds.files and not any(m in ds.files for m in period.month_codes()):
            out.append(Finding(ERROR, "no_data", Msg("finding.no_data.period",
                                                     period=PerLanguage(period.label, LANG),
                                                     code=period.end.code), period=period.code))
    if not ds.files and not any(f.check == "bad_file_name" for f in out):
        out.append(Finding(ERROR, "no_data", Msg("finding.no_data.folder"),
                           file=shown_path(ds.data_dir / "periods", ds.data_dir)))
    return sorted(out, key=sort_key)


def _where(rec, **kw):
    return dict(file=rec.file, row=rec.row, unit=rec.unit, period=rec.period, **kw)


def _n(v, lang="vi"):
    return fmt.number(v, lang, 0) if isinstance(v, int) else fmt.number(v, lang, 2)


def part_exceeds_whole(ds: DataSet, month: str) -> list[Finding]:
    out = []
    for ind in ds.catalogue:
        if not (ind.is_ratio and ind.capped):
            continue
        for unit in ds.units.codes:
            den = ds.record(month, unit, ind.denominator)
            nums = [ds.record(month, unit, c) for c in ind.numerator]
            if den is None or den.value is None or any(n is None or n.value is None for n in nums):
                continue
            total = sum(n.value for n in nums)
            if total > den.value:
                parts = " + ".join(ind.numerator)
                out.append(Finding(
                    ERROR, "part_exceeds_whole",
                    Msg("finding.part_exceeds_whole", parts=parts,
                        total=PerLanguage(_n, total, LANG), denominator=ind.denominator,
                        value=PerLanguage(_n, den.value, LANG), code=ind.code),
                    **_where(nums[0], indicator=ind.numerator[0])))
    return out


def parts_do_not_add_up(ds: DataSet, month: str) -> list[Finding]:
    out = []
    for total_code in ds.catalogue.totals_with_parts:
        parts = ds.catalogue.parts(total_code)
        for unit in ds.units.codes:
            total = ds.record(month, unit, total_code)
            recs = [ds.record(month, unit, p) for p in parts]
            if total is None or total.value is None or any(r is None or r.value is None for r in recs):
                continue
            s = sum(r.value for r in recs)
            if s != total.value:
                out.append(Finding(
                    WARNING, "parts_sum",
                    Msg("finding.parts_sum", total=PerLanguage(_n, total.value, LANG),
                        terms=PerLanguage(_terms, [r.value for r in recs], LANG), sum=PerLanguage(_n, s, LANG),
                        parts=", ".join(parts)),
                    **_where(total, indicator=total_code)))
    return out


def _terms(values, lang: str) -> str:
    return " + ".join(_n(v, lang) for v in values)


def children_differ(ds: DataSet, calc: Calculator, month: str) -> list[Finding]:
    out = []
    for ind in ds.catalogue:
        if not ind.additive:
            continue
        for unit in ds.units:
            own = ds.record(month, unit.code, ind.code)
            children = [c for c in ds.units.children(unit.code, month) if c.code != unit.code]
            if own is None or own.value is None or not children:
                continue
            values = [calc.month_value(c.code, ind.code, month).value for c in children]
            values = [v for v in values if v is not None]
            if values and sum(values) != own.value:
                out.append(Finding(
                    WARNING, "children_sum",
                    Msg("finding.children_sum", value=PerLanguage(_n, own.value, LANG),
                        n_values=len(values), sum_values=PerLanguage(_n, sum(values), LANG)),
                    **_where(own, indicator=ind.code)))
    return out


def _previous_month(month: str) -> str:
    return Period.parse(month).previous().code


def jumps(ds: DataSet, calc: Calculator, month: str) -> list[Finding]:
    out = []
    prev = _previous_month(month)
    for (m, unit, code), rec in ds.records.items():
        if m != month or rec.value is None:
            continue
        ind = ds.catalogue[code]
        before = ds.record(prev, unit, code)
        if before is None or before.value is None or ind.kind in {"rank"}:
            continue
        if ds.units.get(unit, prev) != ds.units.get(unit, month):
            continue  # another version of the code (a merger): not the same unit
        if ind.aggregation == "last" and month.endswith("-01"):
            continue  # yearly stocks (plans, quotas) restart in January
        if ind.unit == "percent" or ind.kind == "score":
            if abs(Decimal(rec.value) - Decimal(before.value)) > JUMP_RATIO_POINTS:
                out.append(_jump(rec, before, ind))
        elif before.value >= JUMP_MIN_BASE and (rec.value > before.value * JUMP_FACTOR
                                                or rec.value * JUMP_FACTOR < before.value):
            out.append(_jump(rec, before, ind))
    for ind in ds.catalogue:
        if not ind.is_ratio:
            continue
        if month.endswith("-01") and any(ds.catalogue[c].aggregation == "last" for c in ind.inputs):
            continue
        for unit in ds.units.codes:
            if ds.record(month, unit, ind.denominator) is None:
                continue
            now = calc.value(unit, ind.code, Period.parse(month))
            then = calc.value(unit, ind.code, Period.parse(prev), at=month)
            if _small(now) or _small(then):
                continue
            now, then = now.value, then.value
            if abs(now - then) > JUMP_RATIO_POINTS:
                rec = ds.record(month, unit, ind.denominator)
                out.append(Finding(
                    WARNING, "jump",
                    Msg("finding.jump.ratio", code=ind.code,
                        before=PerLanguage(fmt.percent, then, LANG),
                        now=PerLanguage(fmt.percent, now, LANG)),
                    file=rec.file, unit=unit, indicator=ind.code, period=month))
    return out


def _small(v) -> bool:
    return v.value is None or v.denominator is None or v.denominator < JUMP_MIN_BASE


def _jump(rec, before, ind) -> Finding:
    return Finding(
        WARNING, "jump",
        Msg("finding.jump.month", before=PerLanguage(_n, before.value, LANG), now=PerLanguage(_n, rec.value, LANG),
            note=Msg("finding.jump.note", note=rec.note) if rec.note else ""),
        **_where(rec, indicator=ind.code))


def silent_units(ds: DataSet, month: str) -> list[Finding]:
    """Units that reported last month but have no row at all this month."""
    prev = _previous_month(month)
    if prev not in ds.files or month not in ds.files or month in ds.unreadable:
        return []             # a file that cannot be read is one error, not one warning per unit
    now = {u for (m, u, _c) in ds.records if m == month}
    before = {u for (m, u, _c) in ds.records if m == prev and ds.units.get(u, month) == ds.units.get(u, prev)}
    shown = _month_source(ds, month)
    return [Finding(WARNING, "missing_unit_month",
                    Msg("finding.missing_unit_month", month=month),
                    file=shown, unit=u, period=month)
            for u in sorted(before - now)]


def _month_source(ds: DataSet, month: str) -> str:
    """Where a month's figures are, as findings name it: its file, or ``periods/<month>/`` when it comes
    only as the units' own files."""
    first = ds.files[month][0]
    folder = first if first.parent.name == "periods" else first.parent
    return shown_path(folder, ds.data_dir) + ("" if folder is first else "/")


def missing_months(ds: DataSet, periods) -> list[Finding]:
    out, seen = [], set()
    for p in periods:
        period = Period.parse(p)
        for m in period.ytd().month_codes():
            if m not in ds.files and m not in seen:
                seen.add(m)
                out.append(Finding(
                    WARNING, "missing_month",
                    Msg("finding.missing_month", month=m,
                        window=PerLanguage(period.ytd().label, LANG)),
                    period=m))
    return out


def register_problems(ds: DataSet, months) -> list[Finding]:
    """An intake register (``received/<month>/register.jsonl``) of a month checked that cannot be read:
    the reports' coverage reads it to say who was late."""
    out = []
    for month in months:
        try:
            acceptances(ds.data_dir, month)
        except DataError as exc:
            out.append(Finding(ERROR, "register", exc.msg, file=shown_path(register_path(ds.data_dir, month),
                                                                           ds.data_dir), row=exc.row, period=month))
    return out
