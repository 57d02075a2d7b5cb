"""Pages of a list: ``?page=N`` (from 1), a fixed page size, and the other query arguments kept in the links."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import request

PER_PAGE = 50


@dataclass
class Page:
    number: int
    per_page: int
    total: int = 0
    items: list[Any] = field(default_factory=list)
    args: dict[str, str] = field(default_factory=dict)

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def requested_page(per_page: int = PER_PAGE) -> Page:
    """The page asked for in the query string (a bad or missing number is page 1)."""
    raw = request.args.get("page", "1")
    number = int(raw) if raw.isdigit() and 0 < int(raw) < 1_000_000 else 1
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return Page(number=number, per_page=per_page, args=args)
