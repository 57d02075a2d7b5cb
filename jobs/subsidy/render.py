"""Claim ledgers and the public notice as files: xlsx workbooks and a printable HTML page.

The use cases in :mod:`jobs.subsidy.claims` return rows (:class:`~jobs.subsidy.claims.LedgerRow`,
:class:`~jobs.subsidy.claims.NoticeRow`); this module only renders rows to a binary stream, so the command line
writes them to a file and the web sends them as a download. Cells that a spreadsheet would read as a formula
(starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) are written as text with a leading
apostrophe (OWASP, "CSV injection"), since names and places come from imported lists.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any, BinaryIO

from jobs.rendering.xlsx import simple_workbook
from jobs.subsidy.claims import LedgerRow, NoticeRow

__all__ = ["LEDGER_HEADERS", "NOTICE_HEADERS", "ledger_xlsx", "notice_html", "notice_xlsx"]

LEDGER_HEADERS = ("资金渠道", "状态", "户籍地（县）", "月份", "笔数", "金额（元）")
NOTICE_HEADERS = ("序号", "姓名", "身份证号", "户籍地", "补贴项目", "补贴对象", "金额（元）", "达标日期", "政策依据")


def _xlsx(stream: BinaryIO, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    # Every cell through jobs.rendering: a name beginning with "=" is text, never a live formula.
    stream.write(simple_workbook(title, headers, rows))


def ledger_xlsx(rows: Sequence[LedgerRow], stream: BinaryIO) -> None:
    """The ledger (台账) as an xlsx workbook written to ``stream`` (money as numbers with two decimals)."""
    _xlsx(stream, "补贴台账", LEDGER_HEADERS,
          ((r.fund, r.status, r.origin_county, r.month, r.count, float(r.amount)) for r in rows))


def _notice_cells(row: NoticeRow) -> tuple[Any, ...]:
    return (row.number, row.name, row.id_masked, row.origin, row.kind, row.beneficiary, row.amount,
            row.milestone_date, row.policy)


def notice_xlsx(rows: Sequence[NoticeRow], stream: BinaryIO) -> None:
    """The public-notice list (公示名单) as an xlsx workbook written to ``stream``."""
    _xlsx(stream, "公示名单", NOTICE_HEADERS, (_notice_cells(r) for r in rows))


def notice_html(rows: Sequence[NoticeRow], stream: BinaryIO, *, title: str = "就业帮扶补贴公示名单") -> None:
    """The public-notice list as a printable, PDF-ready HTML page (A4, table headers repeated per page), UTF-8."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in NOTICE_HEADERS)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in _notice_cells(r)) + "</tr>" for r in rows
    )
    page = (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title><style>"
        "@page{size:A4 landscape;margin:15mm}body{font-family:sans-serif;font-size:11pt}"
        "table{border-collapse:collapse;width:100%}th,td{border:1px solid #000;padding:3px 6px}"
        "thead{display:table-header-group}tr{page-break-inside:avoid}"
        f"</style></head><body><h1>{html.escape(title)}</h1>"
        f"<p>共{len(rows)}人次。公示期内如有异议，请向当地人力资源和社会保障部门反映。</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></body></html>\n"
    )
    stream.write(page.encode("utf-8"))
