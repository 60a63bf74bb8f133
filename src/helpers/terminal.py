"""What a run shows in the terminal: a progress bar over reports and the summary table at the end (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.progress import Progress as _RichProgress
from rich.table import Table

from .text import t

console = Console(highlight=False, soft_wrap=True)               # what a command prints
err_console = Console(stderr=True, highlight=False, soft_wrap=True)   # its warnings and errors

STATUS = {"ok": "terminal.status.ok", "failed": "terminal.status.failed", "skipped": "terminal.status.skipped"}


class Progress:
    def __init__(self, total: int, quiet: bool = False, console: Console | None = None, lang: str = "vi"):
        self.total = total
        self.lang = lang
        self.quiet = quiet
        self.console = console or Console(highlight=False)
        self.counts = {"ok": 0, "failed": 0, "skipped": 0}
        self._bar = None

    def __enter__(self):
        if not self.quiet:
            self._bar = _RichProgress(TextColumn(f"[bold]{t(self.lang, 'terminal.reports')}"), BarColumn(),
                                      MofNCompleteColumn(),
                                      TextColumn("{task.fields[counts]}"), TimeElapsedColumn(),
                                      TextColumn(t(self.lang, "terminal.remaining")), TimeRemainingColumn(),
                                      console=self.console,
                                      transient=False)
            self._bar.__enter__()
            self._task = self._bar.add_task("run", total=self.total, counts=self._counts())
        return self

    def __exit__(self, *exc):
        if self._bar:
            self._bar.__exit__(*exc)

    def _counts(self) -> str:
        c = self.counts
        return t(self.lang, "terminal.counts", ok=c["ok"], failed=c["failed"], skipped=c["skipped"])

    def advance(self, outcome) -> None:
        self.counts[outcome.status] = self.counts.get(outcome.status, 0) + 1
        if self._bar:
            where = f"{outcome.period} {outcome.unit} {outcome.report}"
            style = {"ok": "green", "failed": "red", "skipped": "dim"}[outcome.status]
            self._bar.console.print(f"[{style}]{t(self.lang, STATUS[outcome.status]):>6}[/{style}] {escape(where)}"
                                    + (f" ({outcome.seconds:.1f} s)" if outcome.seconds else ""))
            self._bar.update(self._task, advance=1, counts=self._counts())

    def summary(self, outcomes, out_dir=None) -> None:
        """The table of outcomes, the counts, and the output folder in full on its own line
        (a table column would cut it at the terminal's width); then each failure."""
        failed = [o for o in outcomes if o.status == "failed"]
        if not self.quiet:
            table = Table(title=t(self.lang, "terminal.summary"), show_lines=False)
            for col in ("terminal.period", "terminal.unit", "terminal.report", "terminal.outcome"):
                table.add_column(t(self.lang, col))
            for o in sorted(outcomes, key=lambda o: (o.period, o.unit, o.report)):
                table.add_row(*(escape(str(x)) for x in (o.period, o.unit, o.report, t(self.lang, STATUS[o.status]))))
            self.console.print(table)
            self.console.print(self._counts())
            if out_dir is not None:
                self.console.print(t(self.lang, "terminal.folder", path=out_dir), markup=False, soft_wrap=True)
        err = Console(stderr=True, highlight=False, soft_wrap=True)
        for o in failed:
            failed = t(self.lang, "terminal.status.failed")
            err.print(f"[red]{failed}[/red] {escape(f'{o.period} {o.unit} {o.report}: {o.error}')}"
                      + (f"\n  {t(self.lang, 'terminal.failed_notebook')}: {escape(str(o.failed_notebook))}"
                         if o.failed_notebook else ""))
