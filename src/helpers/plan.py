"""Which reports a command means, checked at the run's edge before any report starts.

The command line's arguments become parameter sets here (:func:`param_sets`: the periods, by
default the latest month with figures, and the units, by default the top units with figures),
each data folder read once (:class:`DataFolders`) and checked (:func:`check_data`); the output
folder is checked (:func:`checked_out`); and what the run's start depends on is judged from the
arguments alone (:func:`several_reports`, :func:`new_reports`, :func:`capped_jobs`)."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from .errors import CchcError, DataError, ParameterError
from .params import (
    ReportParams,
    check_unit,
    cli_path,
    notebook_defaults,
    project_root,
    read_params_file,
    resolve,
    resolve_data_dir,
)
from .periods import Period
from .text import LANG, Msg, PerLanguage, tn


def split(values) -> list[str]:
    out = []
    for v in values or []:
        out.extend(x.strip() for x in v.split(",") if x.strip())
    return out



def cli_out(arg) -> Path:
    """``--out``: as given (relative to the working folder), default the project's reports/."""
    return Path(arg).resolve() if arg else project_root() / "reports"


def checked_out(out: Path, data_dirs=()) -> Path:
    """An output folder that is neither the file system's root nor the data folder or a
    folder inside it (data files are input: never written over), and can take files."""
    from . import files
    out = out.resolve()
    if out == Path(out.anchor):
        raise ParameterError("error.cli.out_is_root", out=out)
    for data_dir in [*data_dirs, *_data_folders_around(out)]:
        data_dir = Path(data_dir).resolve()
        if out == data_dir or data_dir in out.parents:
            raise ParameterError("error.cli.out_in_data", out=out, data_dir=data_dir)
    return files.check_output_folder(out)


def _data_folders_around(folder: Path) -> list[Path]:
    """The folder or those above it that look like a data folder (``units.csv`` and
    ``periods/``): ``index`` knows no data folder, yet must not write into one."""
    return [f for f in (folder, *folder.parents) if (f / "units.csv").is_file() and (f / "periods").is_dir()]



def data_folder(path: Path, source=None) -> Path:
    """A folder to read data from: it exists and holds ``units.csv`` (checked before anything
    reads or lists the folder: ``--data-dir /`` is no data folder)."""
    if not path.is_dir():
        raise ParameterError("error.cli.no_data_dir", path=str(path), file=source)
    if not (path / "units.csv").exists():      # one that is no regular file: the loader names it
        raise DataError("error.units.missing", file=path / "units.csv")
    return path


class DataFolders:
    """Each data folder a command names, read once (``units.csv`` included), and which
    units have figures in which month."""

    def __init__(self):
        self._read: dict = {}
        self._reported: dict = {}

    def __call__(self, data_dir: Path):
        from .load import load_data_cached
        if data_dir not in self._read:
            self._read[data_dir] = load_data_cached(data_dir)
        return self._read[data_dir]

    def reported(self, data_dir: Path) -> dict[str, set[str]]:
        """``{month: {unit codes with at least one figure}}``."""
        if data_dir not in self._reported:
            found: dict[str, set[str]] = {}
            for record in self(data_dir).records.values():
                if record.value is not None:
                    found.setdefault(record.period, set()).add(record.unit)
            self._reported[data_dir] = found
        return self._reported[data_dir]


def latest_month(data_dir: Path, folders: DataFolders) -> Period:
    """The latest month with figures in the data folder."""
    months = sorted(folders.reported(data_dir))
    if not months:
        raise DataError("error.cli.no_month_files", data_dir=as_typed(data_dir / "periods"))
    return Period.parse(months[-1])


def _check_figures(period: Period, data_dir: Path, folders: DataFolders, source=None) -> None:
    """A report of a period without a figure or a month file in the data folder renders
    nothing (a month file without figures: the data checks name its rows)."""
    reported, files = folders.reported(data_dir), folders(data_dir).files
    if not any(m in reported or m in files for m in period.month_codes()):
        latest = latest_month(data_dir, folders)
        raise DataError("error.cli.no_figures", period=PerLanguage(period.label, LANG), data_dir=as_typed(data_dir),
                        latest=PerLanguage(latest.label, LANG), file=source)


def _units_for(arg_units, data_dir: Path, folders: DataFolders, period: Period) -> list[str]:
    """The units asked for; by default the top units active in the period that have
    figures in it (their own or their sub-units'); ``all``: every unit active then."""
    if arg_units and arg_units != ["all"]:
        return arg_units
    units = folders(data_dir).units
    months = period.month_codes()
    active = [u for u in units.all_versions() if any(u.valid_in(m) for m in months)]
    if not active:
        raise DataError("error.cli.no_unit_active", period=PerLanguage(period.label, LANG),
                        units_file=as_typed(data_dir / "units.csv"))
    if arg_units == ["all"]:
        return list(dict.fromkeys(u.code for u in active))
    reported = set().union(*(folders.reported(data_dir).get(m, set()) for m in months))
    top = [u for u in active if not u.parent or u.parent not in units]
    with_figures = [u.code for u in top if _has_figures(u.code, units, months, reported)]
    if not with_figures:
        checked(folders, data_dir, [period])           # a month file that cannot be read: say that first
        raise DataError("error.cli.no_top_unit_figures", period=PerLanguage(period.label, LANG),
                        data_dir=as_typed(data_dir), units=", ".join(dict.fromkeys(u.code for u in top)))
    return list(dict.fromkeys(with_figures))


def _has_figures(code: str, units, months: list[str], reported: set[str]) -> bool:
    return code in reported or any(d.code in reported for m in months for d in units.descendants(code, m))


def param_sets(args, root: Path, folders: DataFolders | None = None) -> list[ReportParams]:
    """Every parameter set the command asks for, resolved once (a Period, an absolute data
    folder) and checked (the unit against the folder's units, read once per folder).
    Nothing runs before this passes."""
    folders = folders or DataFolders()
    lang = {"language": args.lang} if args.lang else {}
    override = data_folder(cli_path(args.data_dir)) if args.data_dir else None
    raw = []
    if args.params:
        for f in args.params:
            values = {**read_params_file(f), **({"data_dir": override} if override else {}), **lang}
            raw += _sets_of_file(values, f, split(args.unit), root, folders)
    else:
        data_dir = override or data_folder(cli_path(None))
        periods = [Period.parse(p) for p in split(args.period)]
        if args.all:
            periods = [Period.parse(m) for m in sorted(folders.reported(data_dir))]
        periods = periods or [latest_month(data_dir, folders)]
        for p in periods:
            _check_figures(p, data_dir, folders)
        raw = [({"period": p, "unit": u, "data_dir": data_dir, **lang}, None)
               for p in periods for u in _units_for(split(args.unit), data_dir, folders, p)]
    out = []
    for values, source in raw:
        params = resolve(values, root, source)
        ds = folders(data_folder(params.data_dir, source))
        _check_figures(params.period, params.data_dir, folders, source)
        check_unit(params, ds.units, source)
        out.append(params)
    return out


def _period_of(values: dict, source) -> Period:
    try:
        return Period.parse(str(values["period"]))
    except ParameterError as exc:
        exc.file = exc.file or str(source)
        raise


def _sets_of_file(values: dict, source, units: list[str], root: Path, folders: DataFolders) -> list:
    """A params file's sets: its period (default: the latest month with figures) for the
    units asked for, its own unit, or by default the data folder's top units of the period."""
    data_dir = values["data_dir"] if "data_dir" in values else notebook_defaults(root)["data_dir"]
    data_dir = data_folder(data_dir if isinstance(data_dir, Path) else resolve_data_dir(data_dir, root, source),
                            source)
    values = {**values, "data_dir": data_dir}
    period = _period_of(values, source) if "period" in values else latest_month(data_dir, folders)
    if not units:
        units = [values["unit"]] if "unit" in values else _units_for(None, data_dir, folders, period)
    return [({**values, "period": period, "unit": u}, source) for u in units]


def check_data(sets: list[ReportParams], folders: DataFolders, lang: str | None = None) -> list:
    """The data checks of every period asked for, once per data folder, before any
    report starts: errors stop the run (DataError), warnings are returned."""
    periods: dict = {}
    for p in sets:
        periods.setdefault(p.data_dir, set()).add(p.period)
    warnings = []
    for data_dir, wanted in periods.items():
        warnings += checked(folders, data_dir, sorted(wanted))
    return warnings


def checked(folders: DataFolders, data_dir: Path, periods: list[Period]) -> list:
    """The findings of the data checks of ``periods``; a DataError when one is an error."""
    from .findings import errors as only_errors
    from .validate import check
    found = check(folders(data_dir), periods)
    errs = only_errors(found)
    if errs:
        raise DataError("error.cli.data_errors", n=len(errs), first=PerLanguage(errs[0].line, LANG), findings=errs)
    return found


def warnings_line(warnings: list, sets: list[ReportParams], lang: str | None, typed: str | None = None) -> str:
    """One line: how many warnings the data checks found, and the command that lists them
    (with the data folder when it is not ``data/``: ``typed``, as the user gave ``--data-dir``)."""
    options = ["--period", ",".join(sorted({p.period.code for p in sets}))]
    folders = {Path(p.data_dir) for p in sets}
    if len(folders) == 1 and folders != {cli_path(None)}:
        options = ["--data-dir", typed or as_typed(folders.pop()), *options]
    return tn(lang or "vi", "cli.warnings_line", len(warnings), options=shlex.join(options))


def as_typed(path: Path) -> str:
    """A folder as one would type it here: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve())) or "."
    except ValueError:
        return str(path)


def keep_text_sizes_in(out: Path):
    """The run's kernels keep the chart text sizes they measure in ``<out>/.cache``
    (:mod:`helpers.textsizes`), for the run's later reports and the next run's; returns
    what puts the environment back."""
    from .textsizes import FOLDER_VARIABLE
    before = os.environ.get(FOLDER_VARIABLE)
    os.environ[FOLDER_VARIABLE] = str(out.resolve() / ".cache")

    def restore():
        if before is None:
            os.environ.pop(FOLDER_VARIABLE, None)
        else:
            os.environ[FOLDER_VARIABLE] = before
    return restore


def several_reports(args) -> bool:
    """Whether the command asks for more than one report (before the data is read)."""
    from .run import DEFAULT_REPORTS
    reports = len(split(args.report)) or len(DEFAULT_REPORTS)
    periods = len(split(args.period)) + len(args.params or []) or 1
    units = 2 if args.all or split(args.unit) == ["all"] else len(split(args.unit)) or 1
    return reports * periods * units > 1


def new_reports(args) -> bool:
    """Whether the command likely renders (a period without an output folder yet, or
    ``--force``), judged before the data is read: a run of reports that are all up to
    date starts no server at all."""
    if args.force or args.all:
        return True
    try:
        periods = split(args.period) + [str(read_params_file(f).get("period", "")) for f in args.params or []]
        return not periods or any(not (cli_out(args.out) / Period.parse(p).code).is_dir() for p in periods)
    except CchcError:                 # a malformed period or file: param_sets says so
        return True



def capped_jobs(asked: int | None, n_jobs: int, n_reports: int) -> tuple[int, Msg | None]:
    """No more workers than reports or cores: each more only costs memory; an explicit
    ``--jobs`` above that comes with the message saying it was capped."""
    cores = os.cpu_count() or 1
    capped = max(1, min(n_jobs, n_reports, cores))
    if asked and asked > capped:
        return capped, Msg("cli.jobs_capped", asked=asked, n=capped, reports=n_reports, cores=cores)
    return capped, None


def report_pairs(sets: list[ReportParams], asked: list[str], folders: DataFolders, number=None,
                 issued_on=None) -> tuple[list[tuple[ReportParams, str]], list[Msg]]:
    """``(parameters, report)`` for every report of the run and the notices to print. The official
    report (:data:`helpers.run.OFFICIAL_REPORT`) runs when asked for (a data folder without
    ``document.yaml`` is then an error naming it) and, by default, for every set whose data folder has
    one; a unit without an issuer, or an English edition, gets none and a notice says so. ``number``
    and ``issued_on`` are that report's only: they need exactly one official report in the run."""
    from .params import official_date, official_number
    from .run import DEFAULT_REPORTS, OFFICIAL_REPORT
    number, issued_on = official_number(number), official_date(issued_on)
    reports = asked or list(DEFAULT_REPORTS)
    pairs, notices, without = [], [], {}
    for p in sets:
        pairs += [(p, r) for r in reports if r != OFFICIAL_REPORT]
        if OFFICIAL_REPORT in reports or (not asked and _has_document(p.data_dir)):
            notice = _official_notice(p, folders)
            if notice is None:
                pairs.append((p, OFFICIAL_REPORT))
            elif notice.key == "cli.official.no_issuer":        # one line per document.yaml, the units listed
                without.setdefault(notice.params["file"], []).append(p.unit)
            elif notice not in notices:
                notices.append(notice)
    notices += [Msg("cli.official.no_issuer", file=file, unit_code=_listed(list(dict.fromkeys(units))))
                for file, units in without.items()]
    official = [i for i, (_p, r) in enumerate(pairs) if r == OFFICIAL_REPORT]
    if number is not None or issued_on is not None:
        if len(official) != 1:
            raise ParameterError("error.cli.number_needs_one_official", n=len(official))
        p = pairs[official[0]][0]
        pairs[official[0]] = (p.model_copy(update={"number": number, "issued_on": issued_on}), OFFICIAL_REPORT)
    return pairs, notices


def _has_document(data_dir: Path) -> bool:
    from .document import has_document
    return has_document(data_dir)


def _official_notice(p: ReportParams, folders: DataFolders) -> Msg | None:
    """Why ``p`` gets no official report (None: it gets one); a broken document.yaml is a DataError."""
    from .document import document_path, read_document
    issuer = read_document(p.data_dir).issuer_for(folders(p.data_dir).units, p.unit)   # broken: an error
    if p.language != "vi":
        return Msg("cli.official.vietnamese_only")
    if issuer is None:
        return Msg("cli.official.no_issuer", unit_code=p.unit, file=as_typed(document_path(p.data_dir)))
    return None


def _listed(codes: list[str], most: int = 8) -> str:
    return ", ".join(codes[:most]) + (f", … (+{len(codes) - most})" if len(codes) > most else "")
