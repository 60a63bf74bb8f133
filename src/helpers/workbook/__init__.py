"""The Excel entry workbook: written by ``cchc-report template PERIOD`` for analysts to fill
(:mod:`.write`), read back by :mod:`helpers.load` into the same rows as a long-form CSV (:mod:`.read`);
what both rely on, its sheets, cells and hidden ``_cchc`` sheet, is :mod:`.layout`. ``collect`` writes the
same workbook for one unit, with that unit's instruction sheet (:mod:`.guide`) and a signed identity in
``_cchc`` (:mod:`.identity`)."""

from .layout import (
                     FORMAT_NAME,
                     FORMAT_VERSION,
                     HEADER_FILL,
                     INPUT_FILL,
                     LOCKED_FILL,
                     META_SHEET,
                     input_indicators,
                     is_entry_workbook,
                     workbook_units,
)
from .read import previous_values, read_entry_workbook
from .write import write_entry_workbook

__all__ = ["FORMAT_NAME", "FORMAT_VERSION", "HEADER_FILL", "INPUT_FILL", "LOCKED_FILL", "META_SHEET",
           "input_indicators", "is_entry_workbook", "previous_values", "read_entry_workbook", "workbook_units",
           "write_entry_workbook"]
