"""Exception hierarchy. Every error carries where it happened as fields and
renders as one readable line (no traceback is shown for these at the CLI)."""

from __future__ import annotations


class CchcError(Exception):
    """Base class. ``exit_code`` is what the command line returns for it."""

    exit_code = 1

    def __init__(self, message: str, *, file=None, row=None, column=None, unit=None,
                 indicator=None, hint: str | None = None, en: str | None = None, hint_en: str | None = None):
        self.message = message
        self.message_en = en            # the English message (``text("en")``), when one was written
        self.hint_en = hint_en
        self.file = None if file is None else str(file)
        self.row = row
        self.column = column
        self.unit = unit
        self.indicator = indicator
        self.hint = hint
        super().__init__(self.__str__())

    def location(self, lang: str = "vi") -> str:
        row, column = ("row", "column") if lang == "en" else ("dòng", "cột")
        parts = []
        if self.file:
            parts.append(self.file)
        if self.row is not None:
            parts.append(f"{row} {self.row}" if isinstance(self.row, int) else str(self.row))
        if self.column:
            parts.append(f"{column} {self.column}")
        return ", ".join(parts)

    def text(self, lang: str = "vi") -> str:
        """One line in ``lang`` (Vietnamese where no English message was written)."""
        english = lang == "en" and self.message_en is not None
        message = self.message_en if english else self.message
        hint = (self.hint_en if english else self.hint) or (None if english else self.hint)
        loc = self.location("en" if english else "vi")
        text = f"{loc}: {message}" if loc else message
        if hint:
            text += f" — {hint}"
        return text

    def __str__(self) -> str:
        return self.text("vi")


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
