"""Encryption at rest for sensitive personal information (PIPL art. 28: ID numbers, phone numbers).

A :class:`Vault` does two things with two independent keys:

* ``encrypt`` / ``decrypt``: AES-256-GCM (``cryptography``), one random 96-bit nonce per value. A token is
  ``v1.<key id>.<base64url(nonce || ciphertext || tag)>``; the key id (8 hex characters, a hash of the key,
  not secret) says which key wrote it, and the ``v1.<key id>`` header is authenticated as associated data.
  A modified token, or one written under a key the vault does not hold, raises :class:`TamperedData`.
* ``digest``: HMAC-SHA256 hex of a canonical value (e.g. the normalised ID number) under a separate look-up
  key. It is deterministic, so a unique index on it enforces "one person per ID number" and finds a person
  by number without decrypting anything.

Keys come from secrets with HKDF-SHA256 under distinct ``info`` labels, so the encryption key and the
look-up key derived from one secret are independent, and the same secret may also feed other subsystems
under other labels. The caller reads the secret from ``BANGFU_SECRET_KEY``, or from a key file made by
:func:`load_or_create_key_file` on first run.

Rotating the encryption key
---------------------------
1. Generate a new secret. Start the application with ``Vault.from_secret(new, old_secrets=(previous, ...,
   first))``, old secrets newest first. New values are written under the new key; tokens written under any
   old key still decrypt.
2. Run a re-encryption pass: for every stored token with ``vault.needs_rotation(token)``, store
   ``vault.rotate(token)``, one transaction per row. It is safe to rerun.
3. When no stored token needs rotation, an old secret may be dropped from ``old_secrets``.

The look-up key never rotates with the encryption key: digests are stored in unique indexes and changing the
key would silently break every look-up. It is derived from ``lookup_secret``, which defaults to the first
secret ever used: ``secret`` while there are no old secrets, otherwise the last (oldest) entry of
``old_secrets``. Before dropping that first secret from ``old_secrets`` in step 3, pass it explicitly as
``lookup_secret`` and keep it for as long as the digests live. ``Vault.lookup_key_id`` is a non-secret
fingerprint of the look-up key: store it once and refuse to start if it ever differs. Changing the look-up
key itself is a separate migration: decrypt every value and recompute its digest under the new vault.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
import secrets
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = ["Vault", "TamperedData", "load_or_create_key_file", "MIN_SECRET_LENGTH"]

log = logging.getLogger(__name__)

TOKEN_VERSION = "v1"
KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # the GCM standard nonce; random nonces are safe for up to 2**32 values per key
TAG_BYTES = 16
# A secret of 32 random URL-safe characters carries about 190 bits; shorter ones are likely hand-typed.
MIN_SECRET_LENGTH = 32

_ENCRYPTION_INFO = b"bangfu/vault/encryption/v1"
_LOOKUP_INFO = b"bangfu/vault/lookup/v1"
_KEY_ID_LABEL = b"bangfu/vault/key-id/v1"
_LOOKUP_KEY_ID_LABEL = b"bangfu/vault/lookup-key-id/v1"


class TamperedData(ValueError):
    """A token that was modified, truncated, or written under a key this vault does not hold."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _derive(secret: str, info: bytes) -> bytes:
    """HKDF-SHA256 (RFC 5869) of a secret into one 32-byte key for the purpose named by ``info``."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=info).derive(
        secret.encode("utf-8")
    )


def _check_secret(secret: str) -> None:
    if not isinstance(secret, str) or len(secret.strip()) < MIN_SECRET_LENGTH:
        raise ValueError(
            f"加密密钥太短：至少需要{MIN_SECRET_LENGTH}个字符的随机字符串"
            "（可用 python -c \"import secrets; print(secrets.token_urlsafe(48))\" 生成）。"
        )


def _fingerprint(label: bytes, key: bytes) -> str:
    """A short public identifier of a key (a hash of it; reveals nothing useful about the key)."""
    return hashlib.sha256(label + key).hexdigest()[:8]


class Vault:
    """Encrypts, decrypts and digests sensitive values.

    ``encryption_keys`` are 32-byte AES keys, newest first: new values are written under the first one;
    any of them decrypts. ``lookup_key`` keys the HMAC digests. Most callers use :meth:`from_secret`.
    """

    def __init__(self, encryption_keys: Sequence[bytes], lookup_key: bytes) -> None:
        if not encryption_keys:
            raise ValueError("Vault needs at least one encryption key")
        if any(len(key) != KEY_BYTES for key in [*encryption_keys, lookup_key]):
            raise ValueError(f"Vault keys must be {KEY_BYTES} bytes")
        self._ciphers: dict[str, AESGCM] = {}
        for key in encryption_keys:
            self._ciphers.setdefault(_fingerprint(_KEY_ID_LABEL, key), AESGCM(key))
        self._current_id = _fingerprint(_KEY_ID_LABEL, encryption_keys[0])
        self._lookup_key = lookup_key

    @classmethod
    def from_secret(
        cls, secret: str, old_secrets: Iterable[str] = (), *, lookup_secret: str | None = None
    ) -> Vault:
        """Build a vault from the current secret and older secrets (newest first) still to be read.

        The look-up key comes from ``lookup_secret``, by default the first secret ever used: the oldest of
        ``old_secrets``, or ``secret`` itself when there are none (see the module docstring).
        """
        old = list(old_secrets)
        for value in [secret, *old]:
            _check_secret(value)
        if lookup_secret is None:
            lookup_secret = old[-1] if old else secret
        _check_secret(lookup_secret)
        keys = [_derive(value, _ENCRYPTION_INFO) for value in [secret, *old]]
        return cls(keys, _derive(lookup_secret, _LOOKUP_INFO))

    @property
    def lookup_key_id(self) -> str:
        """Public fingerprint of the look-up key: persist it once and compare it at start-up."""
        return _fingerprint(_LOOKUP_KEY_ID_LABEL, self._lookup_key)

    @property
    def current_key_id(self) -> str:
        """Key id that new tokens carry."""
        return self._current_id

    def encrypt(self, plaintext: str) -> str:
        """Encrypt a string under the newest key; every call gives a different token."""
        if not isinstance(plaintext, str):
            raise TypeError(f"Vault.encrypt takes str, not {type(plaintext).__name__}")
        header = f"{TOKEN_VERSION}.{self._current_id}"
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[self._current_id].encrypt(
            nonce, plaintext.encode("utf-8"), header.encode("ascii")
        )
        body = base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode("ascii")
        return f"{header}.{body}"

    def decrypt(self, token: str) -> str:
        """Decrypt a token written under any key this vault holds; raise :class:`TamperedData` otherwise."""
        key_id, payload = self._split(token)
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise TamperedData(
                "无法解密：这条数据不是用本系统现有的密钥加密的（可能来自其他系统，或旧密钥已被删除）。"
            )
        header = f"{TOKEN_VERSION}.{key_id}".encode("ascii")
        try:
            plaintext = cipher.decrypt(payload[:NONCE_BYTES], payload[NONCE_BYTES:], header)
        except InvalidTag:
            raise TamperedData("无法解密：加密数据已被篡改或损坏。") from None
        return plaintext.decode("utf-8")

    def needs_rotation(self, token: str) -> bool:
        """True when the token was written under an older key (does not check its integrity)."""
        key_id, _payload = self._split(token)
        return key_id != self._current_id

    def rotate(self, token: str) -> str:
        """Re-encrypt a token under the newest key (after checking it decrypts)."""
        return self.encrypt(self.decrypt(token))

    def digest(self, value: str) -> str:
        """HMAC-SHA256 hex of ``value`` under the look-up key: deterministic, independent of key rotation.

        Pass the canonical form (e.g. the result of ``parse_id_number(...).number``) so that different
        spellings of one value share one digest.
        """
        if not isinstance(value, str):
            raise TypeError(f"Vault.digest takes str, not {type(value).__name__}")
        return hmac.new(self._lookup_key, value.encode("utf-8"), hashlib.sha256).hexdigest()

    @staticmethod
    def _split(token: str) -> tuple[str, bytes]:
        """Key id and raw payload of a token; :class:`TamperedData` if it is not shaped like one."""
        malformed = TamperedData("无法解密：数据格式不正确，可能已被篡改或不是本系统生成的加密数据。")
        if not isinstance(token, str):
            raise malformed
        parts = token.split(".")
        if len(parts) != 3 or parts[0] != TOKEN_VERSION or not parts[1].isascii():
            raise malformed
        try:
            payload = base64.urlsafe_b64decode(parts[2] + "=" * (-len(parts[2]) % 4))
        except (binascii.Error, ValueError):
            raise malformed from None
        if len(payload) < NONCE_BYTES + TAG_BYTES:
            raise malformed
        return parts[1], payload


def load_or_create_key_file(path: str | os.PathLike[str]) -> str:
    """Return the secret stored in ``path``, creating the file with a new random secret on first run.

    A new file holds ``secrets.token_urlsafe(48)`` (384 bits) and is created with mode 0600 (and its parent
    directory with 0700 when missing). Creation is atomic: concurrent first runs end up with one secret.
    """
    target = Path(path)
    if not target.exists():
        _create_key_file(target)
    secret = target.read_text(encoding="utf-8").strip()
    if not secret:
        raise ValueError(f"密钥文件 {target} 是空的：请恢复原来的密钥文件，不要新建，否则已加密的数据将无法解密。")
    _check_secret(secret)
    mode = stat.S_IMODE(target.stat().st_mode)
    if mode & 0o077:
        log.warning("key file %s is readable by other users (mode %o); it should be 0600", target, mode)
    return secret


def _create_key_file(target: Path) -> None:
    """Write a fresh secret to a private temporary file and link it into place if nobody else did."""
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            os.fchmod(handle.fileno(), 0o600)  # exactly 0600 whatever the umask
            handle.write(secrets.token_urlsafe(48) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, target)
        except FileExistsError:
            log.info("key file %s was created concurrently; using it", target)
        else:
            log.info("created key file %s", target)
    finally:
        temporary.unlink(missing_ok=True)
