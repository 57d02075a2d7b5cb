"""CSV lines built a column at a time are the lines the csv module writes, byte for byte."""

from __future__ import annotations

import io
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from jobs.rendering.csvfile import csv_lines, write_csv, write_csv_columns

TEXT = st.text(alphabet=st.sampled_from(list('ab,"\r\n \t=+-@\x00是，；✓')), max_size=8)
VALUE = st.one_of(TEXT, st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False),
                  st.none(), st.decimals(allow_nan=False, allow_infinity=False, places=2), st.booleans())


@given(st.integers(1, 4).flatmap(lambda width: st.lists(st.lists(VALUE, min_size=width, max_size=width),
                                                         min_size=1, max_size=12)))
def test_columns_give_the_bytes_the_row_writer_gives(rows):
    by_rows, by_columns = io.BytesIO(), io.BytesIO()
    headers = [f"c{i}" for i in range(len(rows[0]))]
    write_csv(by_rows, headers, rows)
    write_csv_columns(by_columns, headers, list(zip(*rows, strict=True)))
    assert by_columns.getvalue() == by_rows.getvalue()


def test_a_field_is_quoted_only_where_needed_and_formulas_are_defused():
    lines = csv_lines([["=1+1", "a,b", 'say "x"', "plain"], [1, 2.5, Decimal("3.10"), None]])
    assert lines == ["'=1+1,1\n", '"a,b",2.5\n', '"say ""x""",3.10\n', "plain,\n"]
