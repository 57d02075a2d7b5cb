"""Fixtures for the subsidy engine tests: the shipped packs, the made-up test packs and a facts factory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

import pytest

from jobs.subsidy import (
    BrokerFacts,
    CheckFacts,
    ClaimResult,
    Pack,
    PersonFacts,
    PlacementFacts,
    load_pack,
    shipped_packs,
)
from jobs.subsidy.engine import add_months

PACKS_DIR = Path(__file__).parent / "packs"
_DEFAULT = object()


class Facts:
    """Builds engine inputs with sensible defaults: a 脱贫人口 from 宁乡市 (430182) placed in 东莞 (441900)
    through a qualified agency that runs organised output."""

    def person(self, key: str = "p1", category: str = "脱贫人口", origin: str = "430182",
               birth: dt.date | None = dt.date(1990, 3, 15)) -> PersonFacts:
        return PersonFacts(key=key, category=category, origin_county=origin, birth_date=birth)

    def broker(self, key: str = "b1", kind: str = "agency", qualified: bool = True,
               organised_output: bool = True) -> BrokerFacts:
        return BrokerFacts(key=key, kind=kind, qualified=qualified, organised_output=organised_output)

    def placement(self, key: str = "pl1", *, person: PersonFacts | None = None, broker: object = _DEFAULT,
                  employer: str = "e1", job: str = "441900", start: dt.date = dt.date(2024, 2, 22),
                  end: dt.date | None = None, contract: int | None = 12, insurance: bool = True,
                  employment: str = "direct", dispatch: str | None = None, cost: str | None = None,
                  checks: Iterable[tuple[dt.date, bool]] = ()) -> PlacementFacts:
        return PlacementFacts(
            key=key,
            person=person or self.person(),
            broker=self.broker() if broker is _DEFAULT else broker,  # type: ignore[arg-type]
            employer_key=employer,
            job_county=job,
            start_date=start,
            end_date=end,
            contract_months=contract,
            social_insurance=insurance,
            employment_type=employment,
            dispatch_key=dispatch,
            round_trip_cost=None if cost is None else Decimal(cost),
            checks=tuple(CheckFacts(date=d, employed=e) for d, e in checks),
        )

    @staticmethod
    def verified(start: dt.date, months: int, late_days: int = 0) -> tuple[dt.date, bool]:
        """A check saying "employed", ``late_days`` after start + ``months`` calendar months."""
        return (add_months(start, months) + dt.timedelta(days=late_days), True)


@pytest.fixture
def facts() -> Facts:
    return Facts()


@pytest.fixture(scope="session")
def shipped() -> list[Pack]:
    return shipped_packs()


@pytest.fixture(scope="session")
def with_test_packs(shipped: list[Pack]) -> list[Pack]:
    """The shipped packs plus the made-up county and prefecture packs of tests/jobs/subsidy/packs/."""
    return shipped + [load_pack(path) for path in sorted(PACKS_DIR.glob("*.yaml"))]


def pick(claims: list[ClaimResult], kind: str, placement: str = "pl1", instalment: int = 1) -> ClaimResult:
    """The one claim of that placement, kind and instalment."""
    found = [c for c in claims if (c.placement, c.kind, c.instalment) == (placement, kind, instalment)]
    assert len(found) == 1, f"expected one {kind} claim for {placement}/{instalment}, got {found}"
    return found[0]


@pytest.fixture
def claim():
    """``claim(claims, kind, placement="pl1", instalment=1)`` → the single matching ClaimResult."""
    return pick
