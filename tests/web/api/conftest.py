"""The API's world: the permission tests' world (objects inside and outside each role's scope) stored in the
app's database, and one bearer token per user, issued through the token use case."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from jobs.access import tokens
from jobs.storage.models import User
from tests.jobs.access.conftest import build_world


@dataclass(frozen=True)
class ApiWorld:
    ids: dict[str, int]  # object name → id (people, posts, placements, claims, dispatches)
    bearer: dict[str, dict[str, str]]  # user name in the world → the Authorization header of their token


USERS = ("county", "other_county", "city", "province", "broker_x", "broker_y", "workstation", "other_workstation",
         "seeker", "admin")
OBJECTS = ("ningxiang", "ningxiang_old_code", "xiangtan", "post", "placement_x", "placement_y", "claim_x",
           "dispatch_x")


@pytest.fixture
def api_world(runtime, frozen_clock) -> ApiWorld:
    # evaluate_claims commits its batches itself, so the world is built in a plain writer session.
    with runtime.db.writer() as session:
        world = build_world(session, runtime.vault)
        session.flush()
        ids = {name: getattr(world, name).id for name in OBJECTS}
        bearer = {}
        for name in USERS:
            user: User = getattr(world, name)
            issued = tokens.issue_token(session, user=user, days=30, label=f"test-{name}")
            bearer[name] = {"Authorization": f"Bearer {issued.token}"}
        session.commit()
    return ApiWorld(ids, bearer)
