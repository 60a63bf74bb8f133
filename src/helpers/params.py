"""Report parameters (papermill), resolved once, at the edge.

The command line (or a notebook's first cell, when a reviewer runs it by hand)
turns the strings it is given into one :class:`ReportParams`: a parsed
:class:`~helpers.periods.Period`, a unit code, an absolute data folder and a
language. That object travels inward; nothing below parses the period or
resolves the data folder again. ``notebook_parameters()`` gives the strings papermill
injects into a notebook's ``parameters`` cell."""

from __future__ import annotations

import ast
import datetime as _dt
import functools
from pathlib import Path
from typing import Annotated, Literal, Optional

import yaml
from pydantic import BaseModel, ConfigDict, PlainSerializer, PlainValidator, ValidationError, field_validator

from .errors import ParameterError
from .periods import Period
from .text import LANG, Msg, PerLanguage, t
from .units import valid_code

PROJECT_ROOT_MARKERS = ("pyproject.toml",)
DEFAULTS_NOTEBOOK = Path("notebooks") / "progress_report.ipynb"    # its parameters cell: the defaults
DEFAULTED = ("data_dir", "language")        # period and unit: the command line asks the data
CLI_DATA_DIR = "data"      # the command line's data folder without --data-dir, in the working folder


def _absolute(value) -> Path:
    path = Path(value)
    if not path.is_absolute():
        raise ValueError(Msg("error.params.relative_data_dir", data_dir=str(value)))
    return path


def official_number(value) -> str | None:
    """``--number``: the document's number, digits (``5`` and ``05`` are both 5), or None."""
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or int(text) == 0 or len(text) > 6:
        raise ParameterError("error.params.bad_number", number=text[:20])
    return str(int(text))


def official_date(value) -> _dt.date | None:
    """``--issued-on``: YYYY-MM-DD, or None (the notebook takes today)."""
    if value is None or isinstance(value, _dt.date) or str(value).strip() == "":
        return value or None
    try:
        return _dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ParameterError("error.params.bad_issued_on", value=str(value)[:20]) from None


PeriodField = Annotated[Period, PlainValidator(Period.parse), PlainSerializer(lambda p: p.code, return_type=str)]
FolderField = Annotated[Path, PlainValidator(_absolute), PlainSerializer(str, return_type=str)]
NumberField = Annotated[Optional[str], PlainValidator(official_number)]
DateField = Annotated[Optional[_dt.date], PlainValidator(official_date),
                      PlainSerializer(lambda d: None if d is None else d.isoformat(), return_type=Optional[str])]


class ReportParams(BaseModel):
    """The names every notebook's ``parameters`` cell defines, resolved."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    period: PeriodField
    unit: str
    data_dir: FolderField
    language: Literal["vi", "en"]
    number: NumberField = None       # the official report's only (``run --number``)
    issued_on: DateField = None      # the official report's only (``run --issued-on``; default today)

    def notebook_parameters(self) -> dict:
        """What papermill injects (the two official parameters only when given), as strings."""
        return self.model_dump(exclude_none=True)

    @field_validator("unit", mode="before")
    @classmethod
    def _unit(cls, v):
        code = str(v).strip()
        if not valid_code(code):
            raise ValueError(Msg("error.params.bad_unit_code", code=code))
        return code

    @property
    def stem_suffix(self) -> str:
        """What an edition adds to a report's file names: ``""`` (vi) or ``".en"``."""
        return "" if self.language == "vi" else f".{self.language}"


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


def resolve_data_dir(data_dir, root=None, source=None) -> Path:
    """A ``data_dir`` parameter as an absolute folder: relative ones are relative to
    the project root (params files, notebooks). Called at the edge only."""
    if data_dir is None or not str(data_dir).strip():
        raise ParameterError("error.params.empty_data_dir", file=source)
    p = Path(str(data_dir)).expanduser()
    return p if p.is_absolute() else ((Path(root) if root else project_root()) / p).resolve()


def cli_path(arg, default: str = CLI_DATA_DIR) -> Path:
    """A folder named on the command line, or its ``default`` (the data folder): taken from the
    working folder in every command (as the README says). Existence is checked by the caller,
    who names the path tried."""
    return (Path.cwd() / Path(arg or default).expanduser()).resolve()


def as_parameter(data_dir: Path, root: Path) -> str:
    """A data folder as a params file says it: relative to the project ``root`` when inside
    it (``data``), else absolute."""
    try:
        return Path(data_dir).resolve().relative_to(Path(root).resolve()).as_posix() or "."
    except ValueError:
        return str(Path(data_dir).resolve())


def _refuse_references(text: str, path: Path) -> None:
    """Anchors, aliases and tags have no place in a parameters file (an alias bomb is 511 bytes)."""
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        if isinstance(token, (yaml.AnchorToken, yaml.AliasToken, yaml.TagToken)):
            mark = token.start_mark
            raise ParameterError("error.params.yaml_anchors", file=path, row=mark.line + 1)


class _TextLoader(yaml.SafeLoader):
    """A parameters file's keys and values as the text written (``unit: 010`` is unit ``010``,
    not the octal 8; ``1_0`` stays ``1_0``); a plain ``~``/``null`` or nothing is None; a key
    given twice (the second would silently win), a list or a map is refused."""


class _NotFlat(yaml.YAMLError):
    """A key given twice (``duplicate_key``) or a key or value that is not one plain text
    (``not_a_single_value``), at a row of the file."""

    def __init__(self, key: str, name, row: int):
        super().__init__(key, name, row)
        self.key, self.name, self.row = key, name, row


def _text_mapping(loader: _TextLoader, node: yaml.MappingNode) -> dict:
    out = {}
    for key_node, value_node in node.value:
        row = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):
            raise _NotFlat("error.params.not_a_single_value", "?", row)
        key = key_node.value
        if key in out:
            raise _NotFlat("error.params.duplicate_key", key, row)
        if not isinstance(value_node, yaml.ScalarNode):
            raise _NotFlat("error.params.not_a_single_value", key, row)
        out[key] = _text(loader, value_node)
    return out


def _text(loader: _TextLoader, node: yaml.ScalarNode):
    if node.style is None and loader.resolve(yaml.ScalarNode, node.value, (True, False)) == "tag:yaml.org,2002:null":
        return None
    return node.value


_TextLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _text_mapping)


class _Quoted(str):
    """A value written in double quotes, so that it reads back as the same text."""


class _ParamsDumper(yaml.SafeDumper):
    pass


_ParamsDumper.add_representer(_Quoted, lambda dumper, v: dumper.represent_scalar("tag:yaml.org,2002:str", v,
                                                                                   style='"'))


def write_params_file(path: Path, values: dict, title: str) -> None:
    """A parameters file written by the YAML library (each value a quoted string, whatever
    characters it holds), atomically, under the comment line ``title``."""
    from . import files
    body = yaml.dump({k: _Quoted(v) for k, v in values.items()}, Dumper=_ParamsDumper, allow_unicode=True,
                     sort_keys=False, width=1_000)
    files.atomic_write(path, f"# {' '.join(title.split())}\n{body}")


MAX_PARAMS_BYTES = 64 * 1024         # four lines of YAML; anything near this is not a parameters file


def read_params_file(path) -> dict:
    """A parameters file: a small, flat YAML mapping (``period: "2023-10"`` …). Checked before
    parsing: over :data:`MAX_PARAMS_BYTES`, or with anchors/aliases (``&a``/``*a``, which can grow
    a few hundred bytes into gigabytes), it is refused; values must be plain (no lists, no maps)."""
    path = Path(path)
    if not path.is_file():
        raise ParameterError("error.params.no_file", file=path)
    size = path.stat().st_size
    if size > MAX_PARAMS_BYTES:
        raise ParameterError("error.params.too_large", kb=size // 1024,
                             max_kb=MAX_PARAMS_BYTES // 1024, file=path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
        _refuse_references(text, path)
        data = yaml.load(text, Loader=_TextLoader)
    except _NotFlat as exc:
        raise ParameterError(exc.key, name=exc.name, file=path, row=exc.row) from None
    except RecursionError:            # lists nested thousands deep: no parameters file
        raise ParameterError("error.params.not_a_mapping", file=path) from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise ParameterError("error.params.unreadable", problem=problem, file=path,
                             row=None if mark is None else mark.line + 1) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ParameterError("error.params.not_a_mapping", file=path)
    for key, value in data.items():
        if value is None or not value.strip():
            raise ParameterError("error.params.empty_value", name=key, file=path)
    return data


def notebook_defaults(root=None) -> dict:
    """The defaults of the data folder and the language: those of the notebook's ``parameters``
    cell (read with ``papermill.inspect_notebook``), the one place JupyterLab and plain papermill
    take them from too."""
    path = (Path(root) if root else project_root()) / DEFAULTS_NOTEBOOK
    if not path.is_file():
        raise ParameterError("error.params.no_defaults_notebook", file=path)
    return {name: value for name, value in _parameters_cell(path.resolve(), path.stat().st_mtime_ns).items()
            if name in DEFAULTED}


@functools.lru_cache(maxsize=4)
def _parameters_cell(path: Path, _mtime_ns: int) -> dict:
    import papermill
    return {name: ast.literal_eval(p["default"]) for name, p in papermill.inspect_notebook(str(path)).items()}


def resolve(values: dict, root=None, source=None) -> ReportParams:
    """Parse the strings once: names and types, the period, the unit code, and the data
    folder made absolute (a relative one is relative to the project ``root``); the data
    folder and the language default to the notebook's (:func:`notebook_defaults`)."""
    defaults = notebook_defaults(root) if any(name not in values for name in DEFAULTED) else {}
    values = {**defaults, **values}
    if not isinstance(values["data_dir"], Path):
        values["data_dir"] = resolve_data_dir(values["data_dir"], root, source)
    try:
        return ReportParams(**values)
    except ValidationError as exc:
        raise ParameterError("error.params.invalid", problems=PerLanguage(_summary, exc, LANG), file=source) from None
    except ParameterError as exc:
        exc.file = exc.file or (None if source is None else str(source))
        raise


def units_of(data_dir: Path):
    """The units of a data folder, or None when ``units.csv`` is missing or broken
    (the data checks report that, with file and row)."""
    from .errors import DataError
    from .units import read_units
    try:
        return read_units(Path(data_dir) / "units.csv")
    except DataError:
        return None


def check_params(values: dict, root=None, source=None) -> ReportParams:
    """Resolve the parameters and check that the data folder exists and holds the unit
    (a caller checking many sets reads the units once and calls :func:`check_unit`)."""
    params = resolve(values, root, source)
    if not params.data_dir.is_dir():
        raise ParameterError("error.params.no_data_dir", data_dir=str(params.data_dir), file=source)
    check_unit(params, units_of(params.data_dir), source)
    return params


def check_unit(params: ReportParams, units, source=None) -> None:
    """The unit must be one of the folder's ``units`` (None: unreadable, reported by the data checks)."""
    if units is not None and params.unit not in units:
        hint = units.suggest(params.unit)
        guess = Msg("error.params.did_you_mean", hint=hint) if hint else Msg("error.params.see_units")
        raise ParameterError("error.params.unknown_unit", unit_code=params.unit,
                             units_file=params.data_dir / "units.csv", guess=guess, file=source)
    if units is not None:
        _exists_in_period(units, params, source)


def _exists_in_period(units, params: ReportParams, source) -> None:
    """A unit that ended (a district after June 2025) has no report for a later period."""
    months = params.period.month_codes()
    versions = units.versions(params.unit)
    if any(v.valid_in(m) for v in versions for m in months):
        return
    spans = "; ".join(f"{v.valid_from or '…'} → {v.valid_to or '…'}" for v in versions)
    raise ParameterError("error.params.unit_not_valid", unit_code=params.unit, code=params.period.code, spans=spans,
                         file=source)


def _summary(exc: ValidationError, lang: str = "vi") -> str:
    parts = []
    for err in exc.errors():
        name = ".".join(str(x) for x in err.get("loc", ()))
        error = (err.get("ctx") or {}).get("error")
        if err.get("type") == "extra_forbidden":
            parts.append(t(lang, "error.params.unknown_name", name=name))
        elif name == "language":
            parts.append(t(lang, "error.params.bad_language"))
        elif isinstance(error, ValueError) and error.args and isinstance(error.args[0], Msg):
            parts.append(f"{name}: {error.args[0].text(lang)}")
        else:
            msg = err.get("msg", "").removeprefix("Value error, ")
            parts.append(f"{name}: {msg}")
    return "; ".join(parts)
