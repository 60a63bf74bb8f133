"""``cchc-report``: run, validate, template, new-period, units, index."""

from __future__ import annotations

import argparse
import sys

from rich.console import Console
from rich.markup import escape

from .errors import CchcError, ParameterError

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # usage errors exit 2, without a traceback
        self.print_usage(sys.stderr)
        err_console.print(f"cchc-report: {message}", markup=False)
        raise SystemExit(2)


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
    for f in found:
        style = "red" if f.is_error else "yellow"
        console.print(f"[{style}]{escape(f.line(lang))}[/{style}]", highlight=False)   # names may hold [brackets]
    n_err = sum(f.count for f in only_errors(found))
    n_warn = sum(f.count for f in found) - n_err
    ok = n_err == 0 and not (args.strict and n_warn)
    from . import fmt
    if lang == "en":
        summary = f"{fmt.number(n_err, 'en')} error(s), {fmt.number(n_warn, 'en')} warning(s) in {data_dir}"
        verdict = "all good" if ok and not found else ("usable" if ok else "NOT usable")
    else:
        summary = f"{fmt.number(n_err)} lỗi, {fmt.number(n_warn)} cảnh báo trong {data_dir}"
        verdict = "số liệu hợp lệ" if ok and not found else ("dùng được" if ok else "KHÔNG dùng được")
    console.print(f"{summary} — {verdict}", markup=False)
    return 0 if ok else 1


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="cchc-report", description="Báo cáo tiến độ cải cách hành chính (CCHC) hằng tháng",
                epilog="ví dụ (example): cchc-report template 2026-11 --data-dir data-2026 · cchc-report validate "
                       "--data-dir data-2026 --period 2026-11 · cchc-report run --data-dir data-2026 --period "
                       "2026-11;  cchc-report <lệnh> --help: chi tiết từng lệnh (each command's options)")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    from . import commands
    v = sub.add_parser("validate", help="kiểm tra thư mục dữ liệu", epilog=commands.EXAMPLES["validate"],
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    v.add_argument("--data-dir", default=None, help="thư mục số liệu (mặc định: data/ của dự án)")
    v.add_argument("--period", action="append", help="kỳ cần kiểm tra (lặp lại hoặc phân cách bằng dấu phẩy)")
    v.add_argument("--strict", action="store_true", help="cảnh báo cũng làm lệnh thất bại")
    v.add_argument("--lang", choices=["vi", "en"], default="vi", help="ngôn ngữ của thông báo: vi (mặc định) hoặc en")
    v.set_defaults(func=cmd_validate)

    from . import official
    commands.add_subcommands(sub)
    official.add_subcommand(sub)
    return p


MAX_LISTED = 50


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    lang = getattr(args, "lang", None) or "vi"
    en = lang == "en"
    try:
        return args.func(args)
    except ParameterError as exc:
        err_console.print(f"[red]{'Usage error' if en else 'Lỗi tham số'}:[/red] {escape(exc.text(lang))}")
        return 2
    except CchcError as exc:
        findings = getattr(exc, "findings", [])
        if findings and exc.message == findings[0].line():       # the error is its first finding
            err_console.print(f"[red]{escape(findings[0].line(lang))}[/red]")
        else:
            err_console.print(f"[red]{'Error' if en else 'Lỗi'}:[/red] {escape(exc.text(lang))}")
        for f in findings[1:MAX_LISTED]:
            err_console.print(f.line(lang), markup=False)
        if len(findings) > MAX_LISTED:
            more = len(findings) - MAX_LISTED
            err_console.print(f"… and {more} more" if en else f"… và {more} lỗi khác", markup=False)
        return exc.exit_code
    except KeyboardInterrupt:
        err_console.print("Stopped (Ctrl-C)." if en else "Đã dừng (Ctrl-C).", markup=False)
        return 130


if __name__ == "__main__":
    sys.exit(main())
