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


def _refuse_references(text: str, path: Path) -> None:
    """Anchors, aliases and tags have no place in a parameters file (an alias bomb is 511 bytes)."""
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        if isinstance(token, (yaml.AnchorToken, yaml.AliasToken, yaml.TagToken)):
            mark = token.start_mark
            raise ParameterError("tệp tham số không được dùng neo, tham chiếu hay thẻ YAML (&, *, !)", file=path,
                                 row=mark.line + 1, hint='chỉ ghi các dòng dạng khóa: giá trị, ví dụ period: "2023-10"',
                                 en="the parameters file must not use YAML anchors, aliases or tags (&, *, !)",
                                 hint_en='write only key: value lines, e.g. period: "2023-10"')


MAX_PARAMS_BYTES = 64 * 1024         # four lines of YAML; anything near this is not a parameters file


def read_params_file(path) -> dict:
    """A parameters file: a small, flat YAML mapping (``period: "2023-10"`` …). Checked before
    parsing: over :data:`MAX_PARAMS_BYTES`, or with anchors/aliases (``&a``/``*a``, which can grow
    a few hundred bytes into gigabytes), it is refused; values must be plain (no lists, no maps)."""
    path = Path(path)
    if not path.is_file():
        raise ParameterError("không tìm thấy tệp tham số", file=path, en="parameters file not found")
    size = path.stat().st_size
    if size > MAX_PARAMS_BYTES:
        raise ParameterError(f"tệp tham số quá lớn ({size // 1024} KB; tối đa {MAX_PARAMS_BYTES // 1024} KB)",
                             file=path, hint='tệp tham số chỉ gồm vài dòng, ví dụ: period: "2023-10"',
                             en=f"the parameters file is too large ({size // 1024} KB; at most "
                                f"{MAX_PARAMS_BYTES // 1024} KB)",
                             hint_en='it holds a few lines, e.g. period: "2023-10"')
    try:
        text = path.read_bytes().decode("utf-8-sig")
        _refuse_references(text, path)
        data = yaml.safe_load(text)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise ParameterError(f"tệp tham số không đọc được ({problem})",
                             file=path, row=None if mark is None else mark.line + 1,
                             hint='viết dạng YAML, ví dụ: period: "2023-10"',
                             en=f"cannot read the parameters file ({problem})",
                             hint_en='write YAML, e.g. period: "2023-10"') from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ParameterError("tệp tham số phải là các cặp khóa: giá trị", file=path,
                             en="the parameters file must be key: value lines")
    for key, value in data.items():
        if not isinstance(key, str) or isinstance(value, (dict, list, set, tuple)):
            raise ParameterError(f"tham số {key!r} phải là một giá trị đơn (chuỗi hoặc số), không phải danh sách "
                                 "hay bảng", file=path,
                                 en=f"parameter {key!r} must be a single value (text or number), not a list or map")
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
    return params


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
