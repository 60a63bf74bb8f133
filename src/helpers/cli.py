"""``cchc-report``: the command line (run, validate, template, new-period, units, index, collect,
intake, status).

Each command is a ``cmd_*`` function taking the parsed arguments and returning the exit
status; :func:`main` turns the package's errors into one readable message (exit 1 for bad
data or a failed report, 2 for a usage error) instead of a traceback. Which reports a
command means is :mod:`helpers.plan`; what ``new-period`` and ``template`` write is
:mod:`helpers.new_period`; what collection does, :mod:`helpers.collect`,
:mod:`helpers.intake` and :mod:`helpers.status`."""

from __future__ import annotations

import argparse
import functools
import os
import sys
from pathlib import Path

from rich.markup import escape

from .errors import CchcError, ParameterError
from .kernel import DEFAULT_CELL_TIMEOUT
from .new_period import cmd_new_period, cmd_template
from .params import cli_path, project_root
from .periods import Period
from .plan import (
    DataFolders,
    as_typed,
    capped_jobs,
    check_data,
    checked_out,
    cli_out,
    data_folder,
    keep_text_sizes_in,
    new_reports,
    param_sets,
    report_pairs,
    several_reports,
    split,
    warnings_line,
)
from .terminal import console, err_console
from .text import t, tn

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


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # usage errors exit 2, without a traceback
        self.print_usage(sys.stderr)
        err_console.print(f"cchc-report: {message}", markup=False)
        raise SystemExit(2)


def cmd_validate(args) -> int:
    from .findings import errors as only_errors
    from .validate import validate

    for p in split(args.period):
        Period.parse(p)
    data_dir = cli_path(args.data_dir)
    found = validate(data_dir, split(args.period) or None)
    lang = args.lang
    for f in listed(found, data_dir):
        style = "red" if f.is_error else "yellow"
        console.print(f"[{style}]{escape(f.line(lang))}[/{style}]", highlight=False)   # names may hold [brackets]
    n_err = sum(f.count for f in only_errors(found))
    n_warn = sum(f.count for f in found) - n_err
    ok = n_err == 0 and not (args.strict and n_warn)
    from . import fmt
    summary = t(lang, "cli.validate.summary", errors=tn(lang, "cli.validate.errors", n_err, n=fmt.number(n_err, lang)),
                warnings=tn(lang, "cli.validate.warnings", n_warn, n=fmt.number(n_warn, lang)), data_dir=data_dir)
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
        if f.file and not Path(f.file).is_absolute():       # findings name files relative to the data folder
            f = dataclasses.replace(f, file=as_typed(Path(data_dir) / f.file))
        if f.file is None or f.count > 1:              # a line that counts others is listed as it is
            out.append(f)
        else:
            caps.setdefault(f.file, FindingCap(out, f.file))(f)
    for cap in caps.values():
        cap.close()
    return out


def _positive(text: str, lang: str = "vi") -> int:
    """An argparse type: a whole number of at least 1."""
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


def write_index(out_dir: Path, lang: str) -> Path:
    """``<out>/index.html``, saying which metrics.json it left out and why."""
    from .index import write_index as write
    skipped: list = []
    path = write(out_dir, skipped)
    for metrics, reason in skipped:
        err_console.print(t(lang, "cli.index_skipped", path=metrics, reason=t(lang, reason)), style="yellow",
                          markup=False)
    return path


def cmd_run(args) -> int:
    from .batch import start_pool
    from .run import start_up

    start_up()
    n_jobs = args.jobs or os.cpu_count() or 1
    sizes = keep_text_sizes_in(cli_out(args.out))
    # a pool's servers import for a second or two: start them now, while the data is read and checked
    local = args.executor != "dask" and not args.scheduler
    started = start_pool() if n_jobs > 1 and local and several_reports(args) and new_reports(args) else None
    try:
        return _run(args, n_jobs, started)
    finally:
        if started:
            started.close()
        sizes()


def _run(args, n_jobs: int, started) -> int:
    from .batch import Job, run_jobs
    from .run import OFFICIAL_FORMATS, REPORT_FORMATS, formats_of, notebook_path
    from .terminal import Progress

    root = project_root()
    folders = DataFolders()
    sets = param_sets(args, root, folders)
    asked = split(args.report)
    for r in asked:
        notebook_path(r, root)
    formats = tuple(split([args.formats or ""]))
    bad = [f for f in formats if f not in {*REPORT_FORMATS, *OFFICIAL_FORMATS}]
    if bad:
        raise ParameterError("error.cli.bad_format", bad=', '.join(bad))
    pairs, notices = report_pairs(sets, asked, folders, args.number, args.issued_on)
    for notice in notices:
        console.print(notice.text(args.lang or "vi"), markup=False)
    executor = _executor(args.executor, args.scheduler)
    out_dir = checked_out(cli_out(args.out), {p.data_dir for p in sets})
    warnings = check_data(sets, folders, args.lang)
    if warnings:
        console.print(warnings_line(warnings, sets, args.lang, args.data_dir), markup=False)
    jobs = [Job(p, r, str(out_dir), formats_of(r, formats), str(root), args.force, cell_timeout=args.cell_timeout)
            for p, r in pairs if formats_of(r, formats)]
    n_jobs, capped = capped_jobs(args.jobs, n_jobs, len(jobs))
    if capped:
        err_console.print(capped.text(args.lang or "vi"), style="yellow", markup=False)
    with Progress(len(jobs), quiet=args.quiet, lang=args.lang or "vi") as progress:
        outcomes = run_jobs(jobs, n_jobs=n_jobs, executor=executor, scheduler=args.scheduler,
                            on_done=progress.advance, started=started)
    write_index(out_dir, args.lang or "vi")
    progress.summary(outcomes, out_dir)
    return 1 if any(o.status == "failed" for o in outcomes) else 0


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
    r.add_argument("--formats", default=None, help=_h("cli.run.formats"))
    r.add_argument("--number", default=None, help=_h("cli.run.number"))
    r.add_argument("--issued-on", default=None, metavar="YYYY-MM-DD", help=_h("cli.run.issued_on"))
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
    from .unit_lists import build_units, write_units
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
    from .unit_lists import SOURCES
    u = sub.add_parser("units", help=_h("cli.units.help"),
                       epilog=_h("cli.units.examples"), formatter_class=argparse.RawDescriptionHelpFormatter)
    u.add_argument("--province", required=True, help=_h("cli.units.province"))
    u.add_argument("--legacy", action="store_true",
                   help=_h("cli.units.legacy"))
    u.add_argument("--out", default=None, help=_h("cli.units.out"))
    u.add_argument("--source", choices=SOURCES, default=SOURCES[0],
                   help=_h("cli.units.source"))
    u.set_defaults(func=cmd_units)


def cmd_collect(args) -> int:
    from .collect import collect
    from .reporting import read_reporting
    lang, data_dir = args.lang or "vi", data_folder(cli_path(args.data_dir))
    written = collect(data_dir, args.period, split(args.unit), args.force, lang)
    for w in written:
        if w.backup:
            console.print(t(lang, "cli.backed_up", path=as_typed(w.backup)), markup=False)
        if w.kept:
            err_console.print(t(lang, "cli.collect.kept", path=as_typed(w.path), period=args.period), style="yellow",
                              markup=False)
    from . import fmt
    made = [w for w in written if not w.kept]
    deadline = fmt.date(read_reporting(data_dir).deadline(Period.parse(args.period)), lang)
    folder = as_typed(data_dir / "collect" / Period.parse(args.period).code)
    console.print(t(lang, "cli.collect.summary", n=len(made), folder=folder, deadline=deadline),
                  markup=False)
    return 0


def cmd_intake(args) -> int:
    from .intake import MAX_LISTED_PROBLEMS, intake
    lang, data_dir = args.lang or "vi", data_folder(cli_path(args.data_dir))
    verdicts = intake(data_dir, args.files, split(args.period), shown=as_typed)
    for v in verdicts:
        if not v.accepted:
            err_console.print(f"[red]{escape(v.line(lang))}[/red]")
            continue
        e = v.entry
        values = dict(file=v.file, filed=e.file, unit=e.unit, name=v.version.name(lang), figures=e.figures)
        console.print(t(lang, "cli.intake.same" if v.same else ("cli.intake.late" if e.late else "cli.intake.accepted"),
                        **values), markup=False)
        if e.replaced and not v.same:
            console.print(t(lang, "cli.intake.replaced", kept=e.replaced), markup=False)
        for cell, code, problem in v.problems[:MAX_LISTED_PROBLEMS]:
            err_console.print(t(lang, "cli.intake.problem", cell=cell, indicator=code, problem=problem.text(lang)),
                              style="yellow", markup=False)
        if len(v.problems) > MAX_LISTED_PROBLEMS:
            err_console.print(t(lang, "cli.intake.more_problems", n=len(v.problems) - MAX_LISTED_PROBLEMS,
                                period=e.period), style="yellow", markup=False)
    refused = sum(not v.accepted for v in verdicts)
    console.print(t(lang, "cli.intake.summary", accepted=len(verdicts) - refused, refused=refused), markup=False)
    return 1 if refused else 0


def cmd_status(args) -> int:
    from . import files
    from .status import as_csv, counts, status, table
    lang, data_dir = args.lang or "vi", data_folder(cli_path(args.data_dir))
    period = Period.parse(args.period)
    rows = status(data_dir, period, lang)
    console.print(table(rows, period, lang))
    console.print(t(lang, "cli.status.counts", **counts(rows)), markup=False)
    if args.csv:
        out = Path(args.csv).expanduser().resolve()
        files.check_output_folder(out.parent, "--csv")
        files.atomic_write(out, as_csv(rows))
        console.print(t(lang, "cli.written", path=as_typed(out)), markup=False)
    return 0


def _add_collect_commands(sub, lang: str) -> None:
    _h, raw = functools.partial(t, lang), argparse.RawDescriptionHelpFormatter
    c = sub.add_parser("collect", help=_h("cli.collect.help"), epilog=_h("cli.collect.examples"), formatter_class=raw)
    c.add_argument("period", help=_h("cli.collect.period"))
    c.add_argument("--unit", action="append", help=_h("cli.collect.unit"))
    c.add_argument("--force", action="store_true", help=_h("cli.collect.force"))
    c.set_defaults(func=cmd_collect)
    i = sub.add_parser("intake", help=_h("cli.intake.help"), epilog=_h("cli.intake.examples"), formatter_class=raw)
    i.add_argument("files", nargs="+", metavar="FILE|FOLDER", help=_h("cli.intake.files"))
    i.add_argument("--period", action="append", help=_h("cli.intake.period"))
    i.set_defaults(func=cmd_intake)
    s = sub.add_parser("status", help=_h("cli.status.help"), epilog=_h("cli.status.examples"), formatter_class=raw)
    s.add_argument("period", help=_h("cli.status.period"))
    s.add_argument("--csv", default=None, metavar="FILE", help=_h("cli.status.csv_file"))
    s.set_defaults(func=cmd_status)
    for p in (c, i, s):
        p.add_argument("--data-dir", default=None, help=_h("cli.collect.data_dir"))
        p.add_argument("--lang", choices=["vi", "en"], default=None, help=_h("cli.collect.lang"))


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
    _add_collect_commands(sub, lang)
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
