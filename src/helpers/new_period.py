"""What ``new-period`` and ``template`` write: a month's parameters file, its entry workbook
(backed up before ``--force`` writes over it), and the reminders of the periods a month closes."""

from __future__ import annotations

import shlex
from pathlib import Path

from .errors import DataError, ParameterError
from .params import as_parameter, check_unit, cli_path, project_root, resolve, write_params_file
from .periods import Period
from .plan import as_typed, data_folder
from .terminal import console
from .text import LANG, PerLanguage, t


def cmd_new_period(args) -> int:
    """``params/<period>.yaml`` (and the entry workbook): every check first, so that a
    failed command leaves nothing behind; the workbook before the params file."""
    from .units import read_units
    root, lang = project_root(), args.lang or "vi"
    period = Period.parse(args.period)
    data_dir = data_folder(cli_path(args.data_dir))
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
                        units_file=as_typed(data_dir / "units.csv"))
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
    return {"file": str(Path(arg_data_dir) / "periods" / target.name) if arg_data_dir else as_typed(target),
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
    lang = args.lang or "vi"
    data_path = data_folder(cli_path(args.data_dir))
    console.print(t(lang, "cli.written", path=_write_template(period, data_path, args.unit, args.force, lang,
                                                                  args.data_dir)),
                  markup=False)
    return 0

