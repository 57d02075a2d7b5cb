"""Key rotation: old tokens stay readable, a re-encryption pass moves them to the new key, look-ups hold."""

from __future__ import annotations

import pytest

from jobs.storage.crypto import Vault
from jobs.storage.keys import LookupKeyMismatch, check_lookup_key, reencrypt_all
from jobs.storage.models import Person
from jobs.people.persons import find_person
from tests.conftest import TEST_SECRET
from tests.factories import make_person

NEW_SECRET = "a-brand-new-secret-for-the-next-year-2027"


def test_a_pass_after_rotation_reencrypts_everything_and_look_ups_still_work(runtime):
    with runtime.db.transaction() as session:
        person = make_person(session, runtime.vault)
        number = runtime.vault.decrypt(person.id_number_encrypted)
    rotated_vault = Vault.from_secret(NEW_SECRET, old_secrets=(TEST_SECRET,))
    first = reencrypt_all(runtime.db, rotated_vault)
    assert first.rotated == 2  # the ID number and the phone
    again = reencrypt_all(runtime.db, rotated_vault)
    assert again.rotated == 0
    new_only = Vault.from_secret(NEW_SECRET, lookup_secret=TEST_SECRET)
    with runtime.db.session() as session:
        stored = session.get(Person, person.id)
        assert new_only.decrypt(stored.id_number_encrypted) == number
        assert find_person(session, new_only, number).id == person.id


def test_a_vault_with_another_look_up_key_is_refused(session, vault):
    check_lookup_key(session, vault)
    check_lookup_key(session, vault)
    with pytest.raises(LookupKeyMismatch, match="查找密钥"):
        check_lookup_key(session, Vault.from_secret(NEW_SECRET))


def test_a_pass_fills_a_missing_phone_digest_so_the_worker_can_sign_in_by_code(runtime):
    with runtime.db.transaction() as session:
        person = make_person(session, runtime.vault, phone="13912345678")
        expected = person.phone_hash
        person.phone_hash = None  # as a row stored without it
    reencrypt_all(runtime.db, runtime.vault)
    with runtime.db.session() as session:
        assert session.get(Person, person.id).phone_hash == expected == runtime.vault.digest("13912345678")
