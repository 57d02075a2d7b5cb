"""An evaluation works in batches of workers, each its own transaction, and decides exactly as one batch would."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import event, select

from jobs.access.permissions import SYSTEM
from jobs.subsidy.claims import evaluate_claims
from jobs.storage.models import SubsidyClaim
from tests.factories import make_broker, make_placement

AS_OF = dt.date(2024, 12, 31)


def _world(session, vault):
    """Five workers; one of them placed twice in a year, so a yearly limit is in play within a worker."""
    broker = make_broker(session)
    placements = [make_placement(session, vault, "verified_6_months", broker=broker) for _ in range(4)]
    twice = placements[0].person
    placements.append(make_placement(session, vault, "verified_6_months", broker=broker, person=twice,
                                     start_date=dt.date(2024, 2, 20)))
    return placements


def _claims(session):
    return sorted((c.placement_id, c.kind, c.instalment, c.status.value, c.amount, c.reason, c.counts_toward_limit)
                  for c in session.scalars(select(SubsidyClaim)))


def test_batches_of_one_worker_decide_as_one_batch_and_commit_each(session, vault):
    _world(session, vault)
    commits = []
    event.listen(session, "after_commit", lambda _s: commits.append(1))
    summary = evaluate_claims(session, as_of=AS_OF, batch_size=1, actor=SYSTEM, vault=vault)
    batched = _claims(session)
    assert summary.placements == 5 and len(commits) >= 4  # four workers: a commit after each
    again = evaluate_claims(session, as_of=AS_OF, actor=SYSTEM, vault=vault)
    assert _claims(session) == batched and again.unchanged == len(batched) and again.created == 0
    # Within a worker the yearly limit still holds: one of the two placements lost its slot.
    assert [row[3] for row in batched if row[1] == "referral"].count("ineligible") == 1
