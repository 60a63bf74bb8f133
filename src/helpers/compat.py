"""The one place where cchc-report relies on a third-party library's internals.

Each section names the library, what it uses that is not public API, why no public API does it, and the
versions it was checked against; pyproject.toml bounds each library to that range. Everything else in
the package uses public APIs only."""

from __future__ import annotations

# --- openpyxl ---------------------------------------------------------------------------------------


# --- matplotlib -------------------------------------------------------------------------------------


# --- nbconvert --------------------------------------------------------------------------------------


# --- jupyter_client / ipykernel ---------------------------------------------------------------------


# --- jsonschema (import-time) -----------------------------------------------------------------------
