"""Specification of encryption at rest (PIPL art. 28): AES-GCM tokens, HMAC look-up digests, key rotation."""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import re
import stat

import pytest

from jobs.storage.crypto import TamperedData, Vault, load_or_create_key_file

FIRST = "first-secret-" + "a" * 40
SECOND = "second-secret-" + "b" * 40
THIRD = "third-secret-" + "c" * 40
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def flip_payload_byte(token: str, index: int) -> str:
    header, body = token.rsplit(".", 1)
    raw = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    raw[index] ^= 0x01
    return f"{header}.{base64.urlsafe_b64encode(bytes(raw)).rstrip(b'=').decode()}"


class TestEncryption:
    @pytest.mark.parametrize("plaintext", ["430124199003154513", "13800000000", "张三 0769-85551234", ""])
    def test_decrypt_returns_what_was_encrypted(self, plaintext):
        vault = Vault.from_secret(FIRST)
        assert vault.decrypt(vault.encrypt(plaintext)) == plaintext

    def test_each_encryption_gives_a_different_token_without_the_plaintext(self):
        vault = Vault.from_secret(FIRST)
        tokens = {vault.encrypt("430124199003154513") for _ in range(20)}
        assert len(tokens) == 20
        assert not any("430124" in token for token in tokens)

    def test_a_token_is_versioned_and_names_its_key(self):
        vault = Vault.from_secret(FIRST)
        version, key_id, _body = vault.encrypt("x").split(".")
        assert (version, key_id) == ("v1", vault.current_key_id)

    def test_only_strings_are_encrypted(self):
        with pytest.raises(TypeError):
            Vault.from_secret(FIRST).encrypt(b"bytes")  # type: ignore[arg-type]


class TestTamperDetection:
    @pytest.mark.parametrize("index", [0, 11, 12, -1])  # nonce start and end, ciphertext, tag
    def test_flipping_one_byte_of_the_payload_is_detected(self, index):
        vault = Vault.from_secret(FIRST)
        with pytest.raises(TamperedData) as info:
            vault.decrypt(flip_payload_byte(vault.encrypt("430124199003154513"), index))
        assert CHINESE.search(info.value.message) and "篡改" in info.value.message

    def test_a_changed_key_id_is_detected(self):
        vault = Vault.from_secret(FIRST)
        version, key_id, body = vault.encrypt("13800000000").split(".")
        other_id = format(int(key_id, 16) ^ 1, "08x")
        with pytest.raises(TamperedData):
            vault.decrypt(f"{version}.{other_id}.{body}")

    def test_a_token_from_a_foreign_key_is_rejected(self):
        foreign = Vault.from_secret(SECOND).encrypt("13800000000")
        with pytest.raises(TamperedData) as info:
            Vault.from_secret(FIRST).decrypt(foreign)
        assert "密钥" in info.value.message

    def test_a_token_under_a_foreign_key_with_the_same_id_fails_authentication(self):
        ours, theirs = Vault.from_secret(FIRST), Vault.from_secret(SECOND)
        _v, their_id, body = theirs.encrypt("13800000000").split(".")
        with pytest.raises(TamperedData):
            ours.decrypt(f"v1.{ours.current_key_id}.{body}")
        assert their_id != ours.current_key_id

    @pytest.mark.parametrize(
        "token", ["", "plaintext", "v1.abc", "v2.0000000a.AAAA", "v1.0000000a.!!!!", "v1.0000000a.AAAA", None]
    )
    def test_malformed_tokens_are_rejected(self, token):
        with pytest.raises(TamperedData):
            Vault.from_secret(FIRST).decrypt(token)  # type: ignore[arg-type]


class TestDigest:
    def test_the_digest_is_deterministic_hex_sha256_and_keyed(self):
        vault = Vault.from_secret(FIRST)
        digest = vault.digest("430124199003154513")
        assert digest == vault.digest("430124199003154513")
        assert re.fullmatch(r"[0-9a-f]{64}", digest)
        assert digest != hashlib.sha256(b"430124199003154513").hexdigest()
        assert digest != vault.digest("430124199003154521")

    def test_different_lookup_secrets_give_different_digests(self):
        assert Vault.from_secret(FIRST).digest("x") != Vault.from_secret(SECOND).digest("x")

    def test_the_lookup_key_is_independent_of_the_encryption_key(self):
        # Same secret, distinct HKDF labels: knowing the digest key must not open tokens and vice versa.
        vault = Vault.from_secret(FIRST)
        lookup_only = Vault.from_secret(SECOND, lookup_secret=FIRST)
        assert lookup_only.digest("x") == vault.digest("x")
        with pytest.raises(TamperedData):
            lookup_only.decrypt(vault.encrypt("x"))


class TestRotation:
    def test_old_tokens_stay_readable_and_new_ones_use_the_newest_key(self):
        old = Vault.from_secret(FIRST)
        token = old.encrypt("430124199003154513")
        rotated = Vault.from_secret(SECOND, old_secrets=[FIRST])
        assert rotated.decrypt(token) == "430124199003154513"
        fresh = rotated.encrypt("13800000000")
        assert fresh.split(".")[1] == rotated.current_key_id != old.current_key_id
        with pytest.raises(TamperedData):
            old.decrypt(fresh)

    def test_digests_stay_the_same_across_rotations(self):
        original = Vault.from_secret(FIRST)
        once = Vault.from_secret(SECOND, old_secrets=[FIRST])
        twice = Vault.from_secret(THIRD, old_secrets=[SECOND, FIRST])
        after_cleanup = Vault.from_secret(THIRD, lookup_secret=FIRST)
        digests = {v.digest("430124199003154513") for v in (original, once, twice, after_cleanup)}
        assert len(digests) == 1
        assert len({v.lookup_key_id for v in (original, once, twice, after_cleanup)}) == 1

    def test_dropping_the_first_secret_without_naming_it_lookup_secret_changes_the_lookup_key_id(self):
        forgetful = Vault.from_secret(THIRD, old_secrets=[SECOND])
        assert forgetful.lookup_key_id != Vault.from_secret(FIRST).lookup_key_id

    def test_a_re_encryption_pass_moves_tokens_to_the_newest_key(self):
        token = Vault.from_secret(FIRST).encrypt("13800000000")
        rotated = Vault.from_secret(SECOND, old_secrets=[FIRST])
        assert rotated.needs_rotation(token)
        new_token = rotated.rotate(token)
        assert not rotated.needs_rotation(new_token)
        assert Vault.from_secret(SECOND, lookup_secret=FIRST).decrypt(new_token) == "13800000000"

    def test_rotating_a_tampered_token_fails(self):
        rotated = Vault.from_secret(SECOND, old_secrets=[FIRST])
        token = flip_payload_byte(Vault.from_secret(FIRST).encrypt("13800000000"), 20)
        with pytest.raises(TamperedData):
            rotated.rotate(token)


class TestSecrets:
    @pytest.mark.parametrize("secret", ["", "short", " " * 40, "x" * 31])
    def test_short_secrets_are_refused_with_a_chinese_message(self, secret):
        with pytest.raises(ValueError) as info:
            Vault.from_secret(secret)
        assert CHINESE.search(str(info.value))

    def test_a_short_old_secret_is_refused_too(self):
        with pytest.raises(ValueError):
            Vault.from_secret(FIRST, old_secrets=["short"])


class TestKeyFile:
    def test_a_missing_key_file_is_created_with_mode_0600_and_a_strong_secret(self, tmp_path):
        path = tmp_path / "instance" / "bangfu.key"
        secret = load_or_create_key_file(path)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert len(secret) >= 64 and path.read_text().strip() == secret
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        assert [p.name for p in path.parent.iterdir()] == ["bangfu.key"]

    def test_the_mode_is_0600_even_under_a_permissive_umask(self, tmp_path):
        previous = os.umask(0)
        try:
            path = tmp_path / "bangfu.key"
            load_or_create_key_file(path)
        finally:
            os.umask(previous)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600

    def test_an_existing_key_file_is_reused_unchanged(self, tmp_path):
        path = tmp_path / "bangfu.key"
        first = load_or_create_key_file(path)
        before = path.stat().st_mtime_ns
        assert load_or_create_key_file(path) == first
        assert path.stat().st_mtime_ns == before
        token = Vault.from_secret(first).encrypt("13800000000")
        assert Vault.from_secret(load_or_create_key_file(path)).decrypt(token) == "13800000000"

    def test_two_new_key_files_hold_different_secrets(self, tmp_path):
        assert load_or_create_key_file(tmp_path / "a.key") != load_or_create_key_file(tmp_path / "b.key")

    def test_an_empty_key_file_is_an_error_not_silently_replaced(self, tmp_path):
        path = tmp_path / "bangfu.key"
        path.write_text("")
        with pytest.raises(ValueError) as info:
            load_or_create_key_file(path)
        assert CHINESE.search(str(info.value))
        assert path.read_text() == ""

    def test_a_key_file_readable_by_others_is_used_but_logged(self, tmp_path, caplog):
        path = tmp_path / "bangfu.key"
        path.write_text(FIRST + "\n")
        path.chmod(0o644)
        with caplog.at_level(logging.WARNING, logger="jobs.storage.crypto"):
            assert load_or_create_key_file(path) == FIRST
        assert "0600" in caplog.text
