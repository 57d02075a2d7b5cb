"""Password hashing, strength and generation."""

from __future__ import annotations

import pytest

from jobs.access import passwords

CHEAP = passwords.Cost(n=2**8, r=8, p=1)


def test_a_hash_verifies_its_own_password_only_and_is_salted():
    first = passwords.hash_password("Gongzuo-2026", cost=CHEAP)
    second = passwords.hash_password("Gongzuo-2026", cost=CHEAP)
    assert first != second and first.startswith("scrypt$256$8$1$")
    assert passwords.verify_password(first, "Gongzuo-2026")
    assert not passwords.verify_password(first, "gongzuo-2026")


def test_the_production_cost_is_the_owasp_scrypt_setting():
    assert passwords.CURRENT_COST == passwords.Cost(n=2**17, r=8, p=1)


@pytest.mark.parametrize("stored", [None, "", "plain-text", "scrypt$x$8$1$AAAA$BBBB", "bcrypt$whatever"])
def test_a_missing_or_malformed_hash_matches_nothing(monkeypatch, stored):
    monkeypatch.setattr(passwords, "CURRENT_COST", CHEAP)
    assert passwords.verify_password(stored, "anything-1") is False


def test_a_hash_made_at_another_cost_needs_rehashing(monkeypatch):
    old = passwords.hash_password("Gongzuo-2026", cost=CHEAP)
    monkeypatch.setattr(passwords, "CURRENT_COST", passwords.Cost(n=2**9, r=8, p=1))
    assert passwords.needs_rehash(old)
    assert not passwords.needs_rehash(passwords.hash_password("Gongzuo-2026"))


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("Ab1-xyz", "密码至少需要 10 个字符"),
        ("abcdefghijkl", "密码需同时包含字母、数字、符号中的至少两种"),
        ("zhangsan-2026", "密码不能包含用户名"),
        ("woaini1314", "密码过于常见或简单，请换一个"),
        ("1111111111", "密码过于常见或简单，请换一个"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason_in_chinese(password, problem):
    assert problem in passwords.strength_problems(password, username="zhangsan")


def test_a_long_mixed_password_is_strong_enough():
    assert passwords.strength_problems("Huanghe-2026-chun", username="zhangsan") == []


def test_generated_passwords_are_strong_unambiguous_and_different():
    generated = {passwords.generate_password() for _ in range(50)}
    assert len(generated) == 50
    for password in generated:
        assert passwords.strength_problems(password) == []
        assert not set(password) & set("0O1lI")
