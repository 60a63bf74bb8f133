"""Exception hierarchy. Every error carries where it happened as fields and a message
key with its parameters (see ``helpers.text``); it renders as one readable line in
the language asked for (no traceback is shown for these at the CLI)."""

from __future__ import annotations

from .findings import location
from .text import DEFAULT, Msg


class CchcError(Exception):
    """Base class. ``exit_code`` is what the command line returns for it.

    ``CchcError("error.units.missing_column", missing="code", file=path, row=1)``: the
    key's text (and its ``.hint``) in the catalogue, the other keywords its parameters."""

    exit_code = 1

    def __init__(self, key: str | Msg, /, *, file=None, row=None, column=None, unit=None,
                 indicator=None, **params):
        self.msg = key if isinstance(key, Msg) else Msg(key, **params)
        self.file = None if file is None else str(file)
        self.row = row
        self.column = column
        self.unit = unit
        self.indicator = indicator
        super().__init__(self.__str__())

    @property
    def message(self) -> str:
        """The Vietnamese message, without its hint."""
        return self.msg.main(DEFAULT)

    @property
    def hint(self) -> str | None:
        return self.msg.hint(DEFAULT)

    def location(self, lang: str = DEFAULT) -> str:
        return location(lang, self.file, self.row, self.column)

    def text(self, lang: str = DEFAULT) -> str:
        """One line in ``lang``: where, the message and what to do."""
        loc = self.location(lang)
        message = self.msg.text(lang)
        return f"{loc}: {message}" if loc else message

    def __str__(self) -> str:
        return self.text(DEFAULT)


class ParameterError(CchcError):
    """Bad report parameters or command-line usage (exit status 2)."""

    exit_code = 2


class CatalogueError(CchcError):
    """The indicator catalogue (shipped or data_dir/indicators.csv) is broken."""


class DataError(CchcError):
    """The data folder cannot be used. ``findings`` holds every error found."""

    def __init__(self, key, /, findings=(), **kw):
        self.findings = list(findings)
        super().__init__(key, **kw)


class ReportError(CchcError):
    """A report failed to execute or render."""

    def __init__(self, key, /, failed_notebook=None, **kw):
        self.failed_notebook = None if failed_notebook is None else str(failed_notebook)
        super().__init__(key, **kw)
