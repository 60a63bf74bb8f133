"""``cchc-report``: the command line (run, validate, template, new-period, units, index).

Each command is a ``cmd_*`` function taking the parsed arguments and returning the exit
status; :func:`main` turns the package's errors into one readable message (exit 1 for bad
data or a failed report, 2 for a usage error) instead of a traceback."""

from __future__ import annotations

import argparse
import functools
import os
import shlex
import sys
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from .errors import CchcError, DataError, ParameterError
from .kernel import DEFAULT_CELL_TIMEOUT
from .params import (
    DEFAULT_DATA_DIR,
    ReportParams,
    as_parameter,
    check_unit,
    cli_path,
    project_root,
    read_params_file,
    resolve,
    resolve_data_dir,
    write_params_file,
)
from .periods import Period
from .text import LANG, PerLanguage, t

LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")      # the first one set names the locale


def help_language(argv: list[str]) -> str:
    """The language of ``--help`` and of usage errors: ``--lang``, else the locale (``en*`` is
    English, anything else Vietnamese). The locale never changes a report's language."""
    for i, arg in enumerate(argv):
        value = arg.removeprefix("--lang=") if arg.startswith("--lang=") else (
            argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else None)
        if value in ("vi", "en"):
            return value
    locale = next((os.environ[v] for v in LOCALE_VARIABLES if os.environ.get(v)), "")
    return "en" if locale.lower().startswith("en") else "vi"


console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # usage errors exit 2, without a traceback
        self.print_usage(sys.stderr)
        err_console.print(f"cchc-report: {message}", markup=False)
        raise SystemExit(2)


def _lang(args) -> str:
    """The language of a command's messages: ``--lang``, else Vietnamese."""
    return getattr(args, "lang", None) or "vi"


def _periods(values):
    out = []
    for v in values or []:
        out.extend(x.strip() for x in v.split(",") if x.strip())
    return out


def cmd_validate(args) -> int:
    from .findings import errors as only_errors
    from .params import cli_path
    from .periods import Period
    from .validate import validate

    for p in _periods(args.period):
        Period.parse(p)
    data_dir = cli_path(args.data_dir, "data")
    found = validate(data_dir, _periods(args.period) or None)
    lang = args.lang
    for f in listed(found, data_dir):
        style = "red" if f.is_error else "yellow"
        console.print(f"[{style}]{escape(f.line(lang))}[/{style}]", highlight=False)   # names may hold [brackets]
    n_err = sum(f.count for f in only_errors(found))
    n_warn = sum(f.count for f in found) - n_err
    ok = n_err == 0 and not (args.strict and n_warn)
    from . import fmt
    summary = t(lang, "cli.validate.summary", errors=fmt.number(n_err, lang), warnings=fmt.number(n_warn, lang),
                data_dir=data_dir)
    verdict = t(lang, "cli.validate.all_good" if ok and not found else ("cli.validate.usable" if ok else
                                                                        "cli.validate.not_usable"))
    console.print(f"{summary} — {verdict}", markup=False)
    return 0 if ok else 1


def listed(found: list, data_dir: Path) -> list:
    """The findings as ``validate`` lists them: a file inside the data folder named as the
    errors name it (from the working folder when inside it), and of each kind in a file the
    first :data:`helpers.load.MAX_PER_KIND`, then one line counting the others."""
    import dataclasses

    from .load import FindingCap
    out: list = []
    caps: dict = {}
    for f in found:
        if f.file and Path(f.file).is_absolute() and Path(data_dir) in Path(f.file).parents:
            f = dataclasses.replace(f, file=_typed(Path(f.file)))
        if f.file is None or f.count > 1:              # a line that counts others is listed as it is
            out.append(f)
        else:
            caps.setdefault(f.file, FindingCap(out, f.file))(f)
    for cap in caps.values():
        cap.close()
    return out


def _positive(text: str, lang: str = "vi") -> int:
    """An argparse type: a whole number of at least 1."""
    import argparse
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(t(lang, "cli.not_positive", text=text))
    return n


MAX_CELL_TIMEOUT = 24 * 3600            # seconds: a cell that needs longer is a hang


def _seconds(text: str, lang: str = "vi") -> int:
    """An argparse type: seconds from above 0 up to :data:`MAX_CELL_TIMEOUT`, a fraction
    rounded up to the whole second the kernel client counts in."""
    import argparse
    import math
    try:
        n = float(text)
    except ValueError:
        n = 0
    if not (0 < n <= MAX_CELL_TIMEOUT):
        raise argparse.ArgumentTypeError(t(lang, "cli.not_seconds", text=text, max=MAX_CELL_TIMEOUT))
    return math.ceil(n)


def _executor(executor: str | None, scheduler: str | None) -> str:
    """``--scheduler`` means Dask; with ``--executor local`` it is a mistake."""
    if scheduler and executor == "local":
        raise ParameterError("error.cli.scheduler_without_dask")
    executor = executor or ("dask" if scheduler else "local")
    if executor == "dask":
        try:
            import dask.distributed  # noqa: F401
        except ImportError:
            raise ParameterError("error.cli.no_dask") from None
    return executor


def _split(values) -> list[str]:
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


def write_index(out_dir: Path, lang: str) -> Path:
    """``<out>/index.html``, saying which metrics.json it left out and why."""
    from .index import write_index as write
    skipped: list = []
    path = write(out_dir, skipped)
    for metrics, reason in skipped:
        err_console.print(t(lang, "cli.index_skipped", path=metrics, reason=t(lang, reason)), style="yellow",
                          markup=False)
    return path


# -- run ---------------------------------------------------------------------------------------------
def _data_folder(path: Path, source=None) -> Path:
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


def _latest_month(data_dir: Path, folders: DataFolders) -> Period:
    """The latest month with figures in the data folder."""
    months = sorted(folders.reported(data_dir))
    if not months:
        raise DataError("error.cli.no_month_files", data_dir=_typed(data_dir / "periods"))
    return Period.parse(months[-1])


def _check_figures(period: Period, data_dir: Path, folders: DataFolders, source=None) -> None:
    """A report of a period without a figure or a month file in the data folder renders
    nothing (a month file without figures: the data checks name its rows)."""
    reported, files = folders.reported(data_dir), folders(data_dir).files
    if not any(m in reported or m in files for m in period.month_codes()):
        latest = _latest_month(data_dir, folders)
        raise DataError("error.cli.no_figures", period=PerLanguage(period.label, LANG), data_dir=_typed(data_dir),
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
                        units_file=_typed(data_dir / "units.csv"))
    if arg_units == ["all"]:
        return list(dict.fromkeys(u.code for u in active))
    reported = set().union(*(folders.reported(data_dir).get(m, set()) for m in months))
    top = [u for u in active if not u.parent or u.parent not in units]
    with_figures = [u.code for u in top if _has_figures(u.code, units, months, reported)]
    if not with_figures:
        _checked(folders, data_dir, [period])           # a month file that cannot be read: say that first
        raise DataError("error.cli.no_top_unit_figures", period=PerLanguage(period.label, LANG),
                        data_dir=_typed(data_dir), units=", ".join(dict.fromkeys(u.code for u in top)))
    return list(dict.fromkeys(with_figures))


def _has_figures(code: str, units, months: list[str], reported: set[str]) -> bool:
    return code in reported or any(d.code in reported for m in months for d in units.descendants(code, m))


def param_sets(args, root: Path, folders: DataFolders | None = None) -> list[ReportParams]:
    """Every parameter set the command asks for, resolved once (a Period, an absolute data
    folder) and checked (the unit against the folder's units, read once per folder).
    Nothing runs before this passes."""
    folders = folders or DataFolders()
    lang = {"language": args.lang} if args.lang else {}
    override = _data_folder(cli_path(args.data_dir, "data")) if args.data_dir else None
    raw = []
    if args.params:
        for f in args.params:
            values = {**read_params_file(f), **({"data_dir": override} if override else {}), **lang}
            raw += _sets_of_file(values, f, _split(args.unit), root, folders)
    else:
        data_dir = override or _data_folder(cli_path(None, "data"))
        periods = [Period.parse(p) for p in _split(args.period)]
        if args.all:
            periods = [Period.parse(m) for m in sorted(folders.reported(data_dir))]
        periods = periods or [_latest_month(data_dir, folders)]
        for p in periods:
            _check_figures(p, data_dir, folders)
        raw = [({"period": p, "unit": u, "data_dir": data_dir, **lang}, None)
               for p in periods for u in _units_for(_split(args.unit), data_dir, folders, p)]
    out = []
    for values, source in raw:
        params = resolve(values, root, source)
        ds = folders(_data_folder(params.data_dir, source))
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
    data_dir = values.get("data_dir", DEFAULT_DATA_DIR)
    data_dir = _data_folder(data_dir if isinstance(data_dir, Path) else resolve_data_dir(data_dir, root, source),
                            source)
    values = {**values, "data_dir": data_dir}
    period = _period_of(values, source) if "period" in values else _latest_month(data_dir, folders)
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
        warnings += _checked(folders, data_dir, sorted(wanted))
    return warnings


def _checked(folders: DataFolders, data_dir: Path, periods: list[Period]) -> list:
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
    if len(folders) == 1 and folders != {cli_path(None, "data")}:
        options = ["--data-dir", typed or _typed(folders.pop()), *options]
    return t(lang or "vi", "cli.warnings_line", n=len(warnings), options=shlex.join(options))


def _typed(path: Path) -> str:
    """A folder as one would type it here: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve())) or "."
    except ValueError:
        return str(path)


def cmd_run(args) -> int:
    from .batch import start_pool
    from .run import start_up

    start_up()
    n_jobs = args.jobs or os.cpu_count() or 1
    sizes = _keep_text_sizes_in(cli_out(args.out))
    # a pool's servers import for a second or two: start them now, while the data is read and checked
    local = args.executor != "dask" and not args.scheduler
    started = start_pool() if n_jobs > 1 and local and _several_reports(args) and _new_reports(args) else None
    try:
        return _run(args, n_jobs, started)
    finally:
        if started:
            started.close()
        sizes()


def _keep_text_sizes_in(out: Path):
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


def _several_reports(args) -> bool:
    """Whether the command asks for more than one report (before the data is read)."""
    from .run import DEFAULT_REPORTS
    reports = len(_split(args.report)) or len(DEFAULT_REPORTS)
    periods = len(_split(args.period)) + len(args.params or []) or 1
    units = 2 if args.all or _split(args.unit) == ["all"] else len(_split(args.unit)) or 1
    return reports * periods * units > 1


def _new_reports(args) -> bool:
    """Whether the command likely renders (a period without an output folder yet, or
    ``--force``), judged before the data is read: a run of reports that are all up to
    date starts no server at all."""
    if args.force or args.all:
        return True
    try:
        periods = _split(args.period) + [str(read_params_file(f).get("period", "")) for f in args.params or []]
        return not periods or any(not (cli_out(args.out) / Period.parse(p).code).is_dir() for p in periods)
    except CchcError:                 # a malformed period or file: param_sets says so
        return True


def _run(args, n_jobs: int, started) -> int:
    from .batch import Job, run_jobs
    from .run import DEFAULT_REPORTS, notebook_path
    from .terminal import Progress

    root = project_root()
    folders = DataFolders()
    sets = param_sets(args, root, folders)
    reports = _split(args.report) or list(DEFAULT_REPORTS)
    for r in reports:
        notebook_path(r, root)
    formats = tuple(_split([args.formats])) or ("html", "pdf")
    bad = [f for f in formats if f not in {"html", "pdf"}]
    if bad:
        raise ParameterError("error.cli.bad_format", bad=', '.join(bad))
    executor = _executor(args.executor, args.scheduler)
    out_dir = checked_out(cli_out(args.out), {p.data_dir for p in sets})
    warnings = check_data(sets, folders, args.lang)
    if warnings:
        console.print(warnings_line(warnings, sets, args.lang, args.data_dir), markup=False)
    jobs = [Job(p, r, str(out_dir), formats, str(root), args.force, cell_timeout=args.cell_timeout)
            for p in sets for r in reports]
    n_jobs = _capped_jobs(args.jobs, n_jobs, len(jobs), args.lang)
    with Progress(len(jobs), quiet=args.quiet, lang=args.lang or "vi") as progress:
        outcomes = run_jobs(jobs, n_jobs=n_jobs, executor=executor, scheduler=args.scheduler,
                            on_done=progress.advance, started=started)
    write_index(out_dir, args.lang or "vi")
    progress.summary(outcomes, out_dir)
    return 1 if any(o.status == "failed" for o in outcomes) else 0


def _capped_jobs(asked: int | None, n_jobs: int, n_reports: int, lang: str | None) -> int:
    """No more workers than reports or cores: each more only costs memory; an explicit
    ``--jobs`` above that is said to be capped."""
    cores = os.cpu_count() or 1
    capped = max(1, min(n_jobs, n_reports, cores))
    if asked and asked > capped:
        err_console.print(t(lang or "vi", "cli.jobs_capped", asked=asked, n=capped, reports=n_reports, cores=cores),
                          style="yellow", markup=False)
    return capped


# -- new-period, template, index ------------------------------------------------------------------------
def cmd_new_period(args) -> int:
    """``params/<period>.yaml`` (and the entry workbook): every check first, so that a
    failed command leaves nothing behind; the workbook before the params file."""
    from .units import read_units
    root, lang = project_root(), _lang(args)
    period = Period.parse(args.period)
    data_dir = _data_folder(cli_path(args.data_dir, "data"))
    path = root / "params" / f"{period.code}.yaml"
    if path.exists() and not args.force:
        raise ParameterError("error.cli.exists", path=path)
    units = read_units(data_dir / "units.csv")
    unit = args.unit or _only_top_unit(units, period, data_dir)
    values = {"period": period.code, **({"unit": unit} if unit else {}),
              "data_dir": as_parameter(data_dir, root), "language": "vi"}      # --lang: this command's messages
    if unit:
        check_unit(resolve(values, root), units)
    written = []
    if args.workbook and period.kind == "month":
        written.append(_write_template(period, data_dir, args.unit, args.force, lang, args.data_dir))
    path.parent.mkdir(parents=True, exist_ok=True)
    write_params_file(path, values, t("vi", "cli.params_file_title", period=period.label("vi")))
    written.insert(0, path)
    for p in written:
        console.print(t(lang, "cli.written", path=p), markup=False)
    options = _typed_options(args.data_dir, args.unit)
    for closing in closing_periods(period):
        console.print(t(lang, "cli.closes", month=period.label(lang), closing=closing.label(lang),
                        new_period=shlex.join([closing.code, *options]),
                        run=shlex.join(["--period", closing.code, *options])), markup=False)
    return 0


def _only_top_unit(units, period: Period, data_dir: Path) -> str | None:
    """The top unit active in the period when there is one (a params file names it); with
    several, None: ``run`` renders each top unit that has figures."""
    months = period.month_codes()
    top = list(dict.fromkeys(u.code for u in units.all_versions()
                             if any(u.valid_in(m) for m in months) and (not u.parent or u.parent not in units)))
    if not top:
        raise DataError("error.cli.no_unit_active", period=PerLanguage(period.label, LANG),
                        units_file=_typed(data_dir / "units.csv"))
    return top[0] if len(top) == 1 else None


def _typed_options(arg_data_dir, unit=None) -> list[str]:
    """The ``--data-dir`` (as typed) and ``--unit`` a printed command needs to mean what the user gave."""
    return [*(["--data-dir", arg_data_dir] if arg_data_dir else []), *(["--unit", unit] if unit else [])]


def _workbook_commands(target: Path, period: Period, arg_data_dir, unit, lang: str) -> dict:
    """What the entry workbook's instruction sheet names, as the user typed it: the file to
    save it as, and the arguments of ``validate`` (no unit: it checks the folder), ``run`` and
    ``template`` (to make it again over the file: ``--force``, which backs it up); in the
    workbook's language (``--lang en`` for the messages of an English one)."""
    typed, messages = _typed_options(arg_data_dir), (["--lang", "en"] if lang == "en" else [])
    return {"file": str(Path(arg_data_dir) / "periods" / target.name) if arg_data_dir else _typed(target),
            "validate": shlex.join(["--period", period.code, *typed, *messages]),
            "run": shlex.join(["--period", period.code, *_typed_options(arg_data_dir, unit)]),
            "template": shlex.join([period.code, *_typed_options(arg_data_dir, unit), "--force", *messages])}


def closing_periods(period: Period) -> list[Period]:
    """Quarter, half-year and year that a month closes (e.g. 2023-06 closes Q2 and H1)."""
    if period.kind != "month":
        return []
    out = []
    m, y = period.first, period.year
    if m % 3 == 0:
        out.append(Period.parse(f"{y}-Q{m // 3}"))
    if m % 6 == 0 and m != 12:
        out.append(Period.parse(f"{y}-H{m // 6}"))
    if m == 12:
        out += [Period.parse(f"{y}-H2"), Period.parse(f"{y}")]
    return out


def _write_template(period: Period, data_path: Path, unit, force, lang: str = "vi", arg_data_dir=None) -> Path:
    from .load import load_data
    from .workbook import previous_values, write_entry_workbook
    target = data_path / "periods" / f"{period.code}.xlsx"
    csv_file = target.with_suffix(".csv")
    if csv_file.exists():
        raise ParameterError("error.cli.already_holds_month_one", csv_file=csv_file, code=period.code)
    if target.exists() and not force:
        raise ParameterError("error.cli.already_exists", target=target)
    ds = load_data(data_path)
    backup = backup_file(target, data_path) if target.exists() else None
    written = write_entry_workbook(target, period, ds.catalogue, ds.units, unit=unit,
                                   previous=previous_values(ds, period), lang=lang,
                                   commands=_workbook_commands(target, period, arg_data_dir, unit, lang))
    if backup is not None:
        console.print(t(lang, "cli.backed_up", path=backup), markup=False)
    return written


def backup_file(path: Path, data_dir: Path) -> Path:
    """Copy ``path`` to ``<data_dir>/backups/<name>-<timestamp><suffix>`` (outside ``periods/``, so it
    is never read as data) and return the copy."""
    import datetime as _dt
    import shutil
    folder = data_dir / "backups"
    if folder.exists() and not folder.is_dir():
        raise DataError("error.cli.backups_not_a_folder", folder=folder, target=path)
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    copy = folder / f"{path.stem}-{stamp}{path.suffix}"
    n = 2
    while copy.exists():
        copy = folder / f"{path.stem}-{stamp}-{n}{path.suffix}"
        n += 1
    try:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, copy)
    except OSError as exc:
        raise DataError("error.cli.backup_failed", copy=copy, target=path, reason=exc.strerror or exc) from None
    return copy


def cmd_template(args) -> int:
    period = Period.parse(args.period)
    if period.kind != "month":
        raise ParameterError("error.cli.template_needs_month")
    lang = _lang(args)
    data_path = _data_folder(cli_path(args.data_dir, "data"))
    console.print(t(lang, "cli.written", path=_write_template(period, data_path, args.unit, args.force, lang,
                                                                  args.data_dir)),
                  markup=False)
    return 0


def cmd_index(args) -> int:
    lang = getattr(args, "lang", None) or "vi"
    out = cli_out(args.out)
    if not out.is_dir():                 # an index of reports that were never made: say so, create nothing
        raise ParameterError("error.cli.index_no_reports", out=out)
    console.print(t(lang, "cli.updated", path=write_index(checked_out(out), lang)), markup=False)
    return 0


def _add_report_commands(sub, lang: str) -> None:
    _h = functools.partial(t, lang)
    raw = argparse.RawDescriptionHelpFormatter
    r = sub.add_parser("run", help=_h("cli.run.help"), epilog=_h("cli.run.examples"),
                       formatter_class=raw)
    r.add_argument("--params", nargs="+", help=_h("cli.run.params"))
    r.add_argument("--period", action="append", help=_h("cli.run.period"))
    r.add_argument("--unit", action="append", help=_h("cli.run.unit"))
    r.add_argument("--all", action="store_true", help=_h("cli.run.all"))
    r.add_argument("--data-dir", default=None, help=_h("cli.run.data_dir"))
    r.add_argument("--out", default=None, help=_h("cli.run.out"))
    r.add_argument("--report", action="append", help=_h("cli.run.report"))
    r.add_argument("--formats", default="html,pdf", help=_h("cli.run.formats"))
    r.add_argument("--lang", choices=["vi", "en"], default=None,
                   help=_h("cli.run.lang"))
    r.add_argument("--jobs", type=functools.partial(_positive, lang=lang), default=None, help=_h("cli.run.jobs"))
    r.add_argument("--force", action="store_true", help=_h("cli.run.force"))
    r.add_argument("--quiet", action="store_true", help=_h("cli.run.quiet"))
    r.add_argument("--executor", choices=["local", "dask"], default=None,
                   help=_h("cli.run.executor"))
    r.add_argument("--scheduler", default=None, help=_h("cli.run.scheduler"))
    r.add_argument("--cell-timeout", type=functools.partial(_seconds, lang=lang), default=DEFAULT_CELL_TIMEOUT,
                   metavar=_h("cli.run.seconds"),
                   help=_h("cli.run.cell_timeout", default=DEFAULT_CELL_TIMEOUT))
    r.set_defaults(func=cmd_run)

    n = sub.add_parser("new-period", help=_h("cli.new_period.help"),
                       epilog=_h("cli.new_period.examples"), formatter_class=raw)
    n.add_argument("period", help=_h("cli.new_period.period"))
    n.add_argument("--unit", default=None, help=_h("cli.new_period.unit"))
    n.add_argument("--data-dir", default=None, help=_h("cli.new_period.data_dir"))
    n.add_argument("--lang", choices=["vi", "en"], default=None, help=_h("cli.new_period.lang"))
    n.add_argument("--workbook", action="store_true", help=_h("cli.new_period.workbook"))
    n.add_argument("--force", action="store_true",
                   help=_h("cli.new_period.force"))
    n.set_defaults(func=cmd_new_period)

    tp = sub.add_parser("template", help=_h("cli.template.help"),
                       epilog=_h("cli.template.examples"), formatter_class=raw)
    tp.add_argument("period", help=_h("cli.template.period"))
    tp.add_argument("--unit", default=None, help=_h("cli.template.unit"))
    tp.add_argument("--data-dir", default=None, help=_h("cli.template.data_dir"))
    tp.add_argument("--force", action="store_true", help=_h("cli.template.force"))
    tp.add_argument("--lang", choices=["vi", "en"], default=None, help=_h("cli.template.lang"))
    tp.set_defaults(func=cmd_template)

    i = sub.add_parser("index", help=_h("cli.index.help"), epilog=_h("cli.index.examples"), formatter_class=raw)
    i.add_argument("--out", default=None, help=_h("cli.index.out"))
    i.add_argument("--lang", choices=["vi", "en"], default=None, help=_h("cli.index.lang"))
    i.set_defaults(func=cmd_index)

def cmd_units(args) -> int:
    from . import files
    from .official import build_units, write_units
    out = Path(args.out).expanduser().resolve() if args.out else project_root() / "data" / "units.csv"
    if out.is_dir():
        raise ParameterError("error.cli.units_out_is_folder", out=out)
    files.check_output_folder(out.parent)              # under a file, or not writable: one line
    units = build_units(args.province, legacy=args.legacy, source=args.source)
    try:
        _path, message = write_units(out, units)
    except OSError as exc:
        raise files.write_error(out, exc) from None
    console.print(message, markup=False)
    return 0


def _add_units_command(sub, lang: str) -> None:
    _h = functools.partial(t, lang)
    from .official import SOURCES
    u = sub.add_parser("units", help=_h("cli.units.help"),
                       epilog=_h("cli.units.examples"), formatter_class=argparse.RawDescriptionHelpFormatter)
    u.add_argument("--province", required=True, help=_h("cli.units.province"))
    u.add_argument("--legacy", action="store_true",
                   help=_h("cli.units.legacy"))
    u.add_argument("--out", default=None, help=_h("cli.units.out"))
    u.add_argument("--source", choices=SOURCES, default=SOURCES[0],
                   help=_h("cli.units.source"))
    u.set_defaults(func=cmd_units)


def build_parser(lang: str = "vi") -> argparse.ArgumentParser:
    """The command line, its help in ``lang``."""
    _h = functools.partial(t, lang)
    p = _Parser(prog="cchc-report", description=_h("cli.description"), epilog=_h("cli.epilog"))
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    v = sub.add_parser("validate", help=_h("cli.validate.help"), epilog=_h("cli.validate.examples"),
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    v.add_argument("--data-dir", default=None, help=_h("cli.validate.data_dir"))
    v.add_argument("--period", action="append", help=_h("cli.validate.period"))
    v.add_argument("--strict", action="store_true", help=_h("cli.validate.strict"))
    v.add_argument("--lang", choices=["vi", "en"], default="vi", help=_h("cli.validate.lang"))
    v.set_defaults(func=cmd_validate)

    _add_report_commands(sub, lang)
    _add_units_command(sub, lang)
    return p


MAX_LISTED = 50


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(help_language(argv)).parse_args(argv)
    lang = getattr(args, "lang", None) or "vi"
    try:
        return args.func(args)
    except ParameterError as exc:
        err_console.print(f"[red]{t(lang, 'cli.usage_error')}:[/red] {escape(exc.text(lang))}")
        return 2
    except CchcError as exc:
        findings = getattr(exc, "findings", [])
        if findings and exc.message == findings[0].line():       # the error is its first finding
            err_console.print(f"[red]{escape(findings[0].line(lang))}[/red]")
        else:
            err_console.print(f"[red]{t(lang, 'cli.error')}:[/red] {escape(exc.text(lang))}")
        for f in findings[1:MAX_LISTED]:
            err_console.print(f.line(lang), markup=False)
        if len(findings) > MAX_LISTED:
            more = len(findings) - MAX_LISTED
            err_console.print(t(lang, "cli.more_errors", n=more), markup=False)
        return exc.exit_code
    except KeyboardInterrupt:
        err_console.print(t(lang, "cli.stopped"), markup=False)
        return 130


if __name__ == "__main__":
    sys.exit(main())
