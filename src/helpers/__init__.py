"""CCHC monthly progress reports: data core, figures, charts and rendering.

The public API is small: load a data folder, validate it, compute figures for a
unit and a period, and run a report notebook.
"""

__version__ = "0.1.0"

from .errors import CatalogueError, CchcError, DataError, ParameterError, ReportError  # noqa: F401
