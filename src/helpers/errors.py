"""Exception hierarchy. Every error carries where it happened as fields and
renders as one readable line (no traceback is shown for these at the CLI)."""

from __future__ import annotations


class CchcError(Exception):
    """Base class. ``exit_code`` is what the command line returns for it."""

    exit_code = 1

    def __init__(self, message: str, *, file=None, row=None, column=None, unit=None,
                 indicator=None, hint: str | None = None):
        self.message = message
        self.file = None if file is None else str(file)
        self.row = row
        self.column = column
        self.unit = unit
        self.indicator = indicator
        self.hint = hint
        super().__init__(self.__str__())

    def location(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.row is not None:
            parts.append(f"dòng {self.row}" if isinstance(self.row, int) else str(self.row))
        if self.column:
            parts.append(f"cột {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        loc = self.location()
        text = f"{loc}: {self.message}" if loc else self.message
        if self.hint:
            text += f" — {self.hint}"
        return text


class ParameterError(CchcError):
    """Bad report parameters or command-line usage (exit status 2)."""

    exit_code = 2


class CatalogueError(CchcError):
    """The indicator catalogue (shipped or data_dir/indicators.csv) is broken."""


class DataError(CchcError):
    """The data folder cannot be used. ``findings`` holds every error found."""

    def __init__(self, message: str, findings=(), **kw):
        self.findings = list(findings)
        super().__init__(message, **kw)


class ReportError(CchcError):
    """A report failed to execute or render."""

    def __init__(self, message: str, failed_notebook=None, **kw):
        self.failed_notebook = None if failed_notebook is None else str(failed_notebook)
        super().__init__(message, **kw)
