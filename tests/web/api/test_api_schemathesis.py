"""A property-based run of schemathesis against the app's own OpenAPI document, in process (WSGI, no network),
as each role with a real bearer token: for every operation, generated requests (valid by the document, and with
path ids of the world's real objects) must never answer 5xx, and every answer must be one the document
declares, with the declared content type and a body that fits the declared schema.

Kept small (a few examples per operation and role) so a role's run takes seconds; ``BANGFU_SCHEMATHESIS_EXAMPLES``
raises it for a deeper run by hand.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.errors import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from web.api import PREFIX

ROLES = ("admin", "county", "broker_x", "workstation", "seeker")
EXAMPLES = int(os.environ.get("BANGFU_SCHEMATHESIS_EXAMPLES", "6"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
#: Revoking the caller's own token would leave the rest of the run unauthenticated.
SKIPPED = {("DELETE", f"{PREFIX}/auth/token")}


@dataclass
class Run:
    operations: int = 0
    examples: int = 0
    failures: dict[str, str] = field(default_factory=dict)  # "METHOD path: check" → the first report


def _world_ids(api_world, service_world) -> dict[str, list[int]]:
    """Path ids of real objects (inside and outside each role's scope), so the run reaches stored rows."""
    ids = api_world.ids
    return {
        "person_id": [ids["ningxiang"], ids["ningxiang_old_code"], ids["xiangtan"]],
        "post_id": [ids["post"], service_world.open_post],
        "placement_id": [ids["placement_x"], ids["placement_y"]],
        "claim_id": [ids["claim_x"]],
        "dispatch_id": [ids["dispatch_x"]],
        "match_id": list(service_world.matches.values()),
    }


def _exercise(operation, strategy, headers: dict[str, str], run: Run) -> None:
    label = f"{operation.method.upper()} {operation.path}"

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def exercise(case) -> None:
        run.examples += 1
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        except FailureGroup as failure:  # every distinct failure is kept, and the run goes on
            for single in failure.exceptions:
                key = f"{label}: {single.title}"
                run.failures.setdefault(key, str(failure)[:2000])

    exercise()


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
def test_no_operation_answers_5xx_or_outside_its_document(app, api_world, service_world, role):
    schema = schemathesis.openapi.from_wsgi(f"{PREFIX}/openapi.json", app)
    headers = api_world.bearer[role]
    ids = _world_ids(api_world, service_world)
    run = Run()
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue
        run.operations += 1
        _exercise(operation, operation.as_strategy(), headers, run)
        # Requests the document forbids (wrong types, unknown fields, out-of-range values): a 4xx problem
        # document, never a 5xx.
        _exercise(operation, operation.as_strategy(GenerationMode.NEGATIVE), headers, run)
        names = [p.name for p in operation.path_parameters]
        for name in names:
            for value in ids.get(name, []):
                _exercise(operation, operation.as_strategy(path_parameters={name: value}), headers, run)
    print(f"\nschemathesis as {role}: {run.operations} operations, {run.examples} examples, "
          f"{len(run.failures)} failures")
    assert run.operations >= 20
    assert not run.failures, "\n\n".join(f"{key}\n{report}" for key, report in run.failures.items())
