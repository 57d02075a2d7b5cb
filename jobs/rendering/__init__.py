"""Everything bangfu writes for people to open in Excel or WPS: xlsx workbooks and CSV files.

Every writer goes through :mod:`jobs.rendering.cells`, so that no value ever becomes a live formula
(OWASP "CSV injection"): in xlsx every string is written as string data, in CSV a string that a
spreadsheet would read as a formula gets a leading apostrophe.
"""

from jobs.rendering.cells import FORMULA_STARTS, csv_value, looks_like_formula, sheet_text
from jobs.rendering.csvfile import write_csv
from jobs.rendering.xlsx import (
    TEXT_FORMAT,
    StreamingSheet,
    append_row,
    new_streaming_workbook,
    put,
    save,
    simple_workbook,
)

__all__ = [
    "FORMULA_STARTS",
    "TEXT_FORMAT",
    "StreamingSheet",
    "append_row",
    "csv_value",
    "looks_like_formula",
    "new_streaming_workbook",
    "put",
    "save",
    "sheet_text",
    "simple_workbook",
    "write_csv",
]
