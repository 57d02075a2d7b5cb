"""Enum labels: each member has its own Chinese label, even when two enums share a value."""

from __future__ import annotations

from jobs.storage.enums import OrganisationKind, Role


def test_a_role_and_an_organisation_kind_with_the_same_value_keep_their_own_labels():
    assert Role.BROKER.value == OrganisationKind.BROKER.value == "broker"
    assert Role.BROKER.label == "劳务经纪人"
    assert OrganisationKind.BROKER.label == "劳务经纪机构"
