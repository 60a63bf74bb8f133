"""The indicator catalogue: what each code means, how it aggregates over months,
whether a ratio is capped at 100%, which codes are parts of which total, display
precision and targets. Validated on load (pydantic): a broken row is a clear error."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Literal, NamedTuple, Optional

from pydantic import BaseModel, ValidationError, field_validator, model_validator

from .errors import CatalogueError
from .text import LANG, Msg, PerLanguage, t
from .units import LEVELS as UNIT_LEVELS
from .values import MAX_BOUND_DIGITS


class Area(NamedTuple):
    """A reform area: its report heading and its entry-workbook sheet, in any language
    (``area.<code>`` and ``area.<code>.sheet`` in the message catalogues)."""
    code: str

    def name(self, lang: str) -> str:
        return t(lang, f"area.{self.code}")

    def sheet(self, lang: str) -> str:
        return t(lang, f"area.{self.code}.sheet")


# The one registry of reform areas, in report order (the report's sections, page one's lights,
# the catalogue's `area` column, the entry workbook's sheets).
AREAS = {code: Area(code) for code in ("chi_dao_dieu_hanh", "the_che", "tthc", "bo_may", "cong_vu",
                                       "tai_chinh_cong", "chinh_phu_so", "de_an_06")}
# The entry workbook's sheet order: the areas with most monthly figures first.
SHEET_ORDER = ("tthc", "chinh_phu_so", "de_an_06", "chi_dao_dieu_hanh", "the_che", "bo_may", "cong_vu",
               "tai_chinh_cong")
LEVELS = ("national", *UNIT_LEVELS)      # an indicator's levels: the units' (helpers.units owns them), and national
DEFAULT_PACE_TOLERANCE = Decimal(1)   # in the indicator's unit: percentage points for a rate
MAX_DECIMALS = 6          # display precision: more says nothing and a huge value exhausts memory


def _yes(v) -> bool:
    return str(v).strip().lower() in {"yes", "y", "true", "1", "x", "có"}


def target_op_of(direction: str) -> str:
    """How a value meets its target: ``<=`` for ``lower_better`` (or ``<=`` itself), else ``>=``
    (a neutral indicator's target is a floor). The one place where a direction becomes a comparison."""
    return "<=" if direction in ("lower_better", "<=") else ">="


class Indicator(BaseModel):
    """One catalogue row."""

    code: str
    area: str
    name_vi: str
    name_en: str
    unit: Literal["count", "percent", "points", "rank", "vnd"]
    direction: Literal["higher_better", "lower_better", "neutral"]
    kind: Literal["count", "amount", "ratio", "score", "rank", "derived"]
    aggregation: Literal["sum", "last", "ratio"]
    numerator: tuple[str, ...] = ()
    denominator: Optional[str] = None
    capped: bool = False
    parts_of: Optional[str] = None
    additive: bool = False
    decimals: int = 0
    target: Optional[Decimal] = None
    target_op: Optional[Literal[">=", "<="]] = None
    target_text: str = ""
    target_text_en: str = ""
    target_kind: Literal["always", "year_end"] = "always"   # year_end: judged against pace before December
    target_source: str = ""
    pace_tolerance: Decimal = DEFAULT_PACE_TOLERANCE   # a year-end target is behind only below pace by more
    rank_field: Optional[str] = None     # for a rank: the code of the figure giving the number ranked
    levels: tuple[str, ...] = ()
    cadence: str = "monthly"
    headline: bool = False
    from_source_article: str = ""
    definition_source: str = ""
    min: Optional[Decimal] = None       # valid range of an entered figure; blank: derived, see valid_range
    max: Optional[Decimal] = None

    @field_validator("code")
    @classmethod
    def _code_is_identifier(cls, v: str) -> str:
        if not v or not v.replace("_", "a").isalnum() or v != v.lower():
            raise ValueError(Msg("error.catalogue.bad_code", code=v))
        return v

    @field_validator("area")
    @classmethod
    def _known_area(cls, v: str) -> str:
        if v not in AREAS:
            raise ValueError(Msg("error.catalogue.unknown_area", area=v, areas=sorted(AREAS)))
        return v

    @field_validator("levels")
    @classmethod
    def _known_levels(cls, v):
        bad = [x for x in v if x not in LEVELS]
        if bad:
            raise ValueError(Msg("error.catalogue.bad_levels", bad=bad, levels=LEVELS))
        return v

    @model_validator(mode="after")
    def _ratio_has_parts(self):
        if self.aggregation == "ratio" and not (self.numerator and self.denominator):
            raise ValueError(Msg("error.catalogue.ratio_needs_parts"))
        if self.aggregation != "ratio" and (self.numerator or self.denominator):
            raise ValueError(Msg("error.catalogue.parts_only_for_ratio"))
        if self.target is not None and self.target_op is None:
            self.target_op = target_op_of(self.direction)
        return self

    # -- helpers --------------------------------------------------------------
    @property
    def valid_range(self) -> tuple[Optional[Decimal], Optional[Decimal]]:
        """``(min, max)`` of a figure (``None``: unbounded). The catalogue's ``min``/``max``
        columns when given; otherwise from the unit: counts and amounts >= 0, ranks >= 1,
        shares, scores in % and points 0–100; a ratio not capped at 100% ("vs quota") >= 0."""
        low, high = self.min, self.max
        if low is None:
            low = Decimal(1) if self.unit == "rank" else Decimal(0)
        if high is None and self.unit in ("percent", "points") and (self.capped or not self.is_ratio):
            high = Decimal(100)
        return low, high

    def name(self, lang: str = "vi") -> str:
        return self.name_en if lang == "en" else self.name_vi

    def target_label(self, lang: str = "vi") -> str:
        """The target as written in the plan (empty in English when no English text is given)."""
        return self.target_text_en if lang == "en" else self.target_text

    @property
    def year_end(self) -> bool:
        return self.target_kind == "year_end"

    @property
    def is_ratio(self) -> bool:
        return self.aggregation == "ratio"

    @property
    def inputs(self) -> tuple[str, ...]:
        """Codes whose monthly rows this indicator is computed from."""
        if self.is_ratio:
            return self.numerator + (self.denominator,)
        return (self.code,)


class Origin(NamedTuple):
    """Where a catalogue row was read: its file and line."""
    file: str
    row: int


@dataclass
class Catalogue:
    indicators: dict[str, Indicator]
    source: str = "built-in"
    origins: dict[str, Origin] = field(default_factory=dict)     # code -> the row that defined it
    _parts: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self):
        self._check_references()
        self._check_ratio_inputs()
        self._check_parts_chains()
        self._check_names_unique()
        for ind in self.indicators.values():
            if ind.parts_of:
                self._parts.setdefault(ind.parts_of, []).append(ind.code)

    def _error(self, key: str, code: str, column: str, **params) -> CatalogueError:
        """An error at the row that defined ``code``."""
        origin = self.origins.get(code)
        return CatalogueError(key, file=origin.file if origin else self.source, row=origin.row if origin else None,
                              column=column, indicator=code, code=code, **params)

    def _check_references(self):
        for ind in self.indicators.values():
            refs = [(r, "numerator") for r in ind.numerator] + [
                (ind.denominator, "denominator"), (ind.parts_of, "parts_of"), (ind.rank_field, "rank_field")]
            for ref, column in refs:
                if ref and ref not in self.indicators:
                    raise self._error("error.catalogue.unknown_reference", ind.code, column, ref=ref)

    def _check_ratio_inputs(self):
        """A ratio's numerator and denominator are figures entered each month, never ratios (nor the ratio
        itself): a ratio of ratios is no share of anything. A part named twice would be counted twice."""
        for ratio in self.indicators.values():
            if not ratio.is_ratio:
                continue
            for ref, column in [(r, "numerator") for r in ratio.numerator] + [(ratio.denominator, "denominator")]:
                if self.indicators[ref].is_ratio:
                    raise self._error("error.catalogue.ratio_of_a_ratio", ratio.code, column, ref=ref)
            repeated = [r for i, r in enumerate(ratio.numerator) if r in ratio.numerator[:i]]
            if repeated:
                raise self._error("error.catalogue.repeated_part", ratio.code, "numerator", ref=repeated[0])

    def _check_parts_chains(self):
        """``parts_of`` chains end at a total: A part of B part of A would make no total."""
        for ind in self.indicators.values():
            seen, code = [ind.code], ind.parts_of
            while code:
                if code == ind.code:
                    raise self._error("error.catalogue.parts_cycle", ind.code, "parts_of",
                                      cycle=" → ".join(seen + [code]))
                if code in seen:
                    break                              # a cycle further on: reported at its own rows
                seen.append(code)
                code = self.indicators[code].parts_of

    def _check_names_unique(self):
        """Two indicators never share a name in one language: a reader could not tell a rate from its count."""
        for column in ("name_vi", "name_en"):
            seen: dict[str, str] = {}
            for ind in self.indicators.values():
                name = " ".join(getattr(ind, column).split()).casefold()
                if name in seen:
                    raise self._error("error.catalogue.duplicate_name", ind.code, column, other=seen[name],
                                      name=getattr(ind, column))
                seen[name] = ind.code

    def __contains__(self, code) -> bool:
        return code in self.indicators

    def __getitem__(self, code) -> Indicator:
        return self.indicators[code]

    def __iter__(self):
        return iter(self.indicators.values())

    def get(self, code):
        return self.indicators.get(code)

    @property
    def codes(self) -> list[str]:
        return list(self.indicators)

    def parts(self, total_code: str) -> list[str]:
        """Codes that must add up to ``total_code`` (e.g. procedures by level)."""
        return list(self._parts.get(total_code, []))

    @property
    def totals_with_parts(self) -> list[str]:
        return list(self._parts)

    def in_area(self, area: str) -> list[Indicator]:
        return [i for i in self if i.area == area]

    def headline(self) -> list[Indicator]:
        return [i for i in self if i.headline]

    def ratios_using(self, code: str) -> list[Indicator]:
        return [i for i in self if i.is_ratio and code in i.inputs]

    def inputs(self, level: str | None = None) -> list[Indicator]:
        """The indicators whose figures are entered (aggregation ``sum`` or ``last``), not computed
        ratios: what a unit sends, each in the entry workbook's rows; with ``level``, only those the
        catalogue allows at that level (no ``levels``: every level)."""
        return [i for i in self if i.aggregation in ("sum", "last")
                and (level is None or not i.levels or level in i.levels)]

    def suggest(self, code: str) -> Optional[str]:
        """The nearest known code, for 'did you mean …?' messages."""
        m = difflib.get_close_matches(str(code).strip().lower(), self.codes, n=1, cutoff=0.6)
        return m[0] if m else None


# -- loading --------------------------------------------------------------------
_LIST_FIELDS = {"numerator": "+", "levels": ";"}
COLUMNS = tuple("level" if name == "levels" else name for name in Indicator.model_fields)   # of indicators.csv


class _CellError(ValueError):
    """A cell that cannot be read: its column and the message (a :class:`Msg`)."""

    def __init__(self, column: str, msg: Msg):
        self.column = column
        super().__init__(msg)


def _row_to_fields(row: dict) -> dict:
    from .names import text_problem
    out = {}
    for key, raw in row.items():
        if key is None:
            raise ValueError(Msg("error.catalogue.too_many_cells"))
        val = (raw or "").strip()
        problem = text_problem(val)
        if problem:
            raise _CellError(key, problem)
        try:
            _read_cell(out, key, val)
        except ValueError as exc:
            raise _CellError(key, exc.args[0]) from None
    return out


def _read_cell(out: dict, key: str, val: str) -> None:
    """Put the cell ``key`` = ``val`` into the fields ``out`` (a ValueError with a Msg when it is not valid)."""
    if key == "level":
        key = "levels"
    if key in _LIST_FIELDS:
        out[key] = tuple(x.strip() for x in val.split(_LIST_FIELDS[key]) if x.strip())
    elif key in {"capped", "additive", "headline"}:
        out[key] = _yes(val)
    elif key == "target":
        out[key] = _parse_target(val)
    elif key in {"min", "max"}:
        if val:
            out[key] = _parse_bound(key, val)
    elif key == "decimals":
        out[key] = _parse_decimals(val)
    elif key == "pace_tolerance":
        if val:
            out[key] = _parse_tolerance(val)
    elif val or key in {"code", "area", "name_vi", "name_en", "unit", "direction", "kind", "aggregation"}:
        out[key] = val


def _parse_decimals(val: str) -> int:
    if not val:
        return 0
    if not (val.isascii() and val.isdigit()) or int(val) > MAX_DECIMALS:
        raise ValueError(Msg("error.catalogue.bad_decimals", value=val, max=MAX_DECIMALS))
    return int(val)


def _parse_target(val: str):
    if not val:
        return None
    number = _number(val.rstrip("%").strip())
    if number is None:
        raise ValueError(Msg("error.catalogue.bad_target", value=val))
    return number


def _parse_tolerance(val: str) -> Decimal:
    number = _number(val)
    if number is None or number < 0:
        raise ValueError(Msg("error.catalogue.bad_pace_tolerance", value=val))
    return number


def _parse_bound(key: str, val: str) -> Decimal:
    number = _number(val)
    if number is None:
        raise ValueError(Msg("error.catalogue.bad_bound", column=key, value=val))
    return number


def _number(text: str) -> Optional[Decimal]:
    """A finite number of sane size (not NaN, Infinity or 1e100000000), or None."""
    try:
        d = Decimal(text)
    except InvalidOperation:
        return None
    return d if d.is_finite() and (d.is_zero() or -MAX_BOUND_DIGITS < d.adjusted() < MAX_BOUND_DIGITS) else None


def _read_rows(data: bytes | str, source: str) -> list[tuple[int, dict]]:
    """The rows of a catalogue file (its bytes, or its text) with their lines (see
    :func:`helpers.csvfile.table`), its columns checked."""
    from .csvfile import table
    header, rows = table(data, source)
    required = {"code", "area", "name_vi", "name_en", "unit", "direction", "kind", "aggregation"}
    missing = required - set(header)
    if missing:
        raise CatalogueError("error.catalogue.missing_column", missing=', '.join(sorted(missing)), n=len(missing),
                             file=source)
    from .names import column_problem
    problem = column_problem(header, COLUMNS)
    if problem:
        raise CatalogueError(problem[0], file=source, row=1, column=problem[1])
    return rows


def _parse_rows(rows, source: str) -> tuple[dict[str, Indicator], dict[str, Origin]]:
    """The indicators of ``rows`` and where each was defined."""
    out: dict[str, Indicator] = {}
    origins: dict[str, Origin] = {}
    for line, row in rows:
        code = (row.get("code") or "").strip()
        try:
            ind = Indicator(**_row_to_fields(row))
        except (ValidationError, ValueError) as exc:
            raise CatalogueError("error.catalogue.bad_row", problems=PerLanguage(_pydantic_summary, exc, LANG),
                                 file=source, row=line, column=_column_of(exc), indicator=code or None) from None
        if ind.code in out:
            raise CatalogueError("error.catalogue.duplicate_code", code=ind.code, file=source, row=line,
                                 column="code", indicator=ind.code)
        out[ind.code] = ind
        origins[ind.code] = Origin(source, line)
    return out, origins


def _column_of(exc) -> Optional[str]:
    """The column a row's error is about, when it is about one."""
    if isinstance(exc, _CellError):
        return exc.column
    if isinstance(exc, ValidationError) and exc.errors() and exc.errors()[0].get("loc"):
        column = str(exc.errors()[0]["loc"][0])
        return "level" if column == "levels" else column
    return None


def _refuse_ratio_changes(shipped: dict[str, Indicator], extra: dict[str, Indicator], origins) -> None:
    """A shipped indicator redefined in the data folder stays a ratio, or stays an entered figure: a ratio
    made a count has no monthly rows (its figures come out empty), a count made a ratio loses its rows."""
    for code, ind in extra.items():
        was = shipped.get(code)
        if was is None:
            continue
        for column in ("kind", "aggregation"):
            before, now = getattr(was, column), getattr(ind, column)
            if (before == "ratio") != (now == "ratio"):
                raise CatalogueError("error.catalogue.ratio_changed", code=code, column_name=column, was=before,
                                     now=now, file=origins[code].file, row=origins[code].row, column=column,
                                     indicator=code)


def _pydantic_summary(exc, lang: str = "vi") -> str:
    if isinstance(exc, ValidationError):
        parts = []
        for err in exc.errors():
            loc = ".".join(str(x) for x in err.get("loc", ())) or t(lang, "error.catalogue.row")
            error = (err.get("ctx") or {}).get("error")
            if isinstance(error, ValueError) and error.args and isinstance(error.args[0], Msg):
                msg = error.args[0].text(lang)
            else:
                msg = err.get("msg", "").removeprefix("Value error, ")
            parts.append(f"{loc}: {msg}")
        return "; ".join(parts)
    if isinstance(exc, ValueError) and exc.args and isinstance(exc.args[0], Msg):
        return exc.args[0].text(lang)
    return str(exc)


def builtin_catalogue_path():
    return resources.files("helpers").joinpath("data/indicators.csv")


def load_catalogue(data_dir=None) -> Catalogue:
    """The shipped catalogue, replaced/extended by ``<data_dir>/indicators.csv``."""
    base = builtin_catalogue_path()
    rows = _read_rows(base.read_text(encoding="utf-8"), "helpers/data/indicators.csv")
    indicators, origins = _parse_rows(rows, "helpers/data/indicators.csv")
    source = "built-in"
    if data_dir is not None:
        path = Path(data_dir) / "indicators.csv"
        if path.is_file():
            source = str(path)
            extra, extra_origins = _parse_rows(_read_rows(path.read_bytes(), source), source)
            _refuse_ratio_changes(indicators, extra, extra_origins)
            indicators.update(extra)
            origins.update(extra_origins)
    return Catalogue(indicators, source=source, origins=origins)
