"""Report parameters (papermill): checked with pydantic before any kernel starts."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from .errors import ParameterError
from .periods import Period

PROJECT_ROOT_MARKERS = ("pyproject.toml",)


class ReportParams(BaseModel):
    """The names every notebook's ``parameters`` cell defines."""

    model_config = ConfigDict(extra="forbid")

    period: str = "2023-10"
    unit: str = "10"
    data_dir: str = "data"
    language: Literal["vi", "en"] = "vi"

    @field_validator("period", mode="before")
    @classmethod
    def _period(cls, v):
        return Period.parse(str(v)).code

    @field_validator("unit", mode="before")
    @classmethod
    def _unit(cls, v):
        return str(v).strip()


def _is_root(p: Path) -> bool:
    return all((p / m).is_file() for m in PROJECT_ROOT_MARKERS) and (p / "notebooks").is_dir()


def project_root(start=None) -> Path:
    """The project folder: at or above ``start`` (default: cwd), else the checkout
    this package was installed from (editable install), else the cwd."""
    here = Path(start or Path.cwd()).resolve()
    for p in [here, *here.parents]:
        if _is_root(p):
            return p
    source = Path(__file__).resolve().parents[2]
    return source if _is_root(source) else Path.cwd().resolve()


def resolve_data_dir(data_dir, root=None) -> Path:
    p = Path(data_dir).expanduser()
    return p if p.is_absolute() else (Path(root) if root else project_root()) / p


def cli_path(arg, default: str) -> Path:
    """A folder named on the command line: relative to the working folder when it
    exists there, else to the project root (where the defaults live)."""
    if arg:
        p = Path(arg).expanduser()
        if p.is_absolute() or (Path.cwd() / p).exists():
            return (Path.cwd() / p).resolve()
        return project_root() / p
    return project_root() / default


def read_params_file(path) -> dict:
    path = Path(path)
    if not path.is_file():
        raise ParameterError("không tìm thấy tệp tham số", file=path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ParameterError(f"tệp tham số không đọc được ({getattr(exc, 'problem', None) or type(exc).__name__})",
                             file=path, row=None if mark is None else mark.line + 1,
                             hint='viết dạng YAML, ví dụ: period: "2023-10"') from None
    if not isinstance(data, dict):
        raise ParameterError("tệp tham số phải là các cặp khóa: giá trị", file=path)
    return data


def check_params(values: dict, root=None, source=None) -> ReportParams:
    """Validate names and types, the period, the data folder and the unit."""
    try:
        params = ReportParams(**values)
    except ValidationError as exc:
        raise ParameterError(_summary(exc), file=source) from None
    except ParameterError as exc:
        exc.file = exc.file or (None if source is None else str(source))
        raise
    data_dir = resolve_data_dir(params.data_dir, root)
    if not data_dir.is_dir():
        raise ParameterError(f"không tìm thấy thư mục dữ liệu {str(data_dir)!r}", file=source,
                             hint="sửa data_dir hoặc dùng --data-dir")
    units_csv = data_dir / "units.csv"
    if units_csv.is_file():
        from .errors import DataError
        from .units import read_units
        try:
            units = read_units(units_csv)
        except DataError:
            return params  # reported by the data checks, with file and row
        if params.unit not in units:
            hint = units.suggest(params.unit)
            raise ParameterError(
                f"đơn vị {params.unit!r} không có trong {units_csv}", file=source,
                hint=f"có phải là {hint!r}?" if hint else "xem danh sách mã trong units.csv")
        _exists_in_period(units, params, source)
    return params


def _exists_in_period(units, params, source) -> None:
    """A unit that ended (a district after June 2025) has no report for a later period."""
    from .periods import Period
    months = Period.parse(params.period).month_codes()
    versions = units.versions(params.unit)
    if any(v.valid_in(m) for v in versions for m in months):
        return
    spans = "; ".join(f"{v.valid_from or '…'} → {v.valid_to or '…'}" for v in versions)
    raise ParameterError(f"đơn vị {params.unit} không có hiệu lực trong kỳ {params.period} (hiệu lực: {spans})",
                         file=source, hint="chọn một kỳ trong thời gian hiệu lực của đơn vị; báo cáo cấp huyện "
                                           "kết thúc ở tháng 6/2025")


def _summary(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        name = ".".join(str(x) for x in err.get("loc", ()))
        if err.get("type") == "extra_forbidden":
            parts.append(f"tham số không hợp lệ {name!r} (chỉ dùng period, unit, data_dir, language)")
        elif name == "language":
            parts.append("language phải là 'vi' hoặc 'en'")
        else:
            msg = err.get("msg", "").removeprefix("Value error, ")
            parts.append(f"{name}: {msg}")
    return "; ".join(parts)
