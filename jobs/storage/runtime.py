"""What every entry point (web, scheduler, CLI) shares: the database and the vault for personal data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from jobs.storage.crypto import Vault, load_or_create_key_file
from jobs.storage.db import Database, sqlite_url_for

KEY_FILE_NAME = "secret.key"


@dataclass
class Runtime:
    db: Database
    vault: Vault
    instance_path: Path
    session_key: str


def derive_session_key(secret: str) -> str:
    """The key that signs web sessions, derived so that it never equals the data-encryption key."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"bangfu web session v1")
    return hkdf.derive(secret.encode("utf-8")).hex()


def resolve_secret(secret: str | None, instance_path: Path) -> str:
    """``BANGFU_SECRET_KEY`` when set, else a key file generated on first run in the instance folder."""
    if secret:
        return secret
    return load_or_create_key_file(instance_path / KEY_FILE_NAME)


def build_runtime(
    *,
    instance_path: str | Path,
    database_url: str | None = None,
    secret: str | None = None,
    old_secrets: tuple[str, ...] = (),
    lookup_secret: str | None = None,
    echo_sql: bool = False,
) -> Runtime:
    instance = Path(instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    db = Database(database_url or sqlite_url_for(instance), echo=echo_sql)
    key = resolve_secret(secret, instance)
    vault = Vault.from_secret(key, old_secrets=old_secrets, lookup_secret=lookup_secret)
    return Runtime(db=db, vault=vault, instance_path=instance, session_key=derive_session_key(key))
