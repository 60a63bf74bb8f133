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
    n_err, n_warn = len(only_errors(found)), len(found) - len(only_errors(found))
    ok = n_err == 0 and not (args.strict and n_warn)
    if lang == "en":
        summary = f"{n_err} error(s), {n_warn} warning(s) in {data_dir}"
        verdict = "all good" if ok and not found else ("usable" if ok else "NOT usable")
    else:
        summary = f"{n_err} lỗi, {n_warn} cảnh báo trong {data_dir}"
        verdict = "số liệu hợp lệ" if ok and not found else ("dùng được" if ok else "KHÔNG dùng được")
    console.print(f"{summary} — {verdict}", markup=False)
    return 0 if ok else 1


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="cchc-report", description="Báo cáo tiến độ cải cách hành chính (CCHC) hằng tháng")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    v = sub.add_parser("validate", help="kiểm tra thư mục dữ liệu")
    v.add_argument("--data-dir", default=None, help="thư mục số liệu (mặc định: data/ của dự án)")
    v.add_argument("--period", action="append", help="kỳ cần kiểm tra (lặp lại hoặc phân cách bằng dấu phẩy)")
    v.add_argument("--strict", action="store_true", help="cảnh báo cũng làm lệnh thất bại")
    v.add_argument("--lang", choices=["vi", "en"], default="vi")
    v.set_defaults(func=cmd_validate)

    from . import commands, official
    commands.add_subcommands(sub)
    official.add_subcommand(sub)
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ParameterError as exc:
        err_console.print(f"[red]Lỗi tham số:[/red] {escape(str(exc))}")
        return 2
    except CchcError as exc:
        err_console.print(f"[red]Lỗi:[/red] {escape(str(exc))}")
        for f in getattr(exc, "findings", [])[1:]:
            err_console.print(f.line(), markup=False)
        return exc.exit_code
    except KeyboardInterrupt:
        err_console.print("Đã dừng (Ctrl-C).", markup=False)
        return 130


if __name__ == "__main__":
    sys.exit(main())
