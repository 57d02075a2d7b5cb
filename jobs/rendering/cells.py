"""How one value is written into a cell so that a spreadsheet program shows it and never runs it.

A cell text that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return in front of one) is
a formula to Excel, WPS and LibreOffice when they read CSV, and ``=`` is one to openpyxl when it writes
xlsx. The rule follows OWASP's "CSV Injection" guidance: in CSV such text is written behind an apostrophe,
which the programs take as "this is text"; in xlsx every string is stored as a string cell.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

__all__ = ["FORMULA_STARTS", "looks_like_formula", "csv_value", "sheet_text", "MAX_CELL_TEXT"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel's own limit on the characters of one cell.
MAX_CELL_TEXT = 32_767


def looks_like_formula(text: object) -> bool:
    """Whether a spreadsheet program could read ``text`` as a formula (or DDE command)."""
    return isinstance(text, str) and text.startswith(FORMULA_STARTS)


def sheet_text(value: str) -> str:
    """A string as an xlsx cell can hold it: without the control characters XML cannot carry, at most
    :data:`MAX_CELL_TEXT` characters."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL_TEXT]


def csv_value(value: object) -> object:
    """A value for a CSV cell: numbers and dates as they are, text that could run as a formula behind an
    apostrophe (a negative number stored as text, "-5", is text too and gets one)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float, Decimal, dt.date)):
        return value
    text = str(value)
    return "'" + text if looks_like_formula(text) else text
