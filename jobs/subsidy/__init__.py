"""Policy packs (政策文件 as data) and the pure subsidy engine.

``load_pack``/``shipped_packs`` read packs; ``governing`` says which pack governs a county on a day;
``evaluate`` turns placements into subsidy claims (docs/policies.md; docs/formats.md). No database, no Flask.
"""

from jobs.subsidy.engine import (
    CORE_KINDS,
    EVALUATION_STATUSES,
    BrokerFacts,
    CheckFacts,
    ClaimResult,
    ClaimStatus,
    PersonFacts,
    PlacementFacts,
    evaluate,
    job_scope,
    verified_stable_employment,
)
from jobs.subsidy.packs import Governing, PackError, covering, governing, load_pack, parse_pack, shipped_packs
from jobs.subsidy.schema import CATEGORIES, Pack, PackLevel, Rule, Scope, ServiceStandard

__all__ = [
    "CATEGORIES",
    "CORE_KINDS",
    "EVALUATION_STATUSES",
    "BrokerFacts",
    "CheckFacts",
    "ClaimResult",
    "ClaimStatus",
    "Governing",
    "Pack",
    "PackError",
    "PackLevel",
    "PersonFacts",
    "PlacementFacts",
    "Rule",
    "Scope",
    "ServiceStandard",
    "covering",
    "evaluate",
    "governing",
    "job_scope",
    "load_pack",
    "parse_pack",
    "shipped_packs",
    "verified_stable_employment",
]
