"""What every entry point (web, scheduler, CLI) shares: the database and the vault for personal data."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from jobs.storage.crypto import Vault, load_or_create_key_file
from jobs.storage.db import Database, sqlite_url_for
from jobs.storage.keys import check_lookup_key, lookup_key_recorded
from jobs.storage.models import AppMeta

KEY_FILE_NAME = "secret.key"


@dataclass
class Runtime:
    db: Database
    vault: Vault
    instance_path: Path
    session_key: str
    lookup_key_checked: bool = field(default=False, compare=False)

    def check_lookup_key(self) -> bool:
        """Refuse to run with a look-up key other than the one the database was filled with.

        Raises :class:`jobs.storage.keys.LookupKeyMismatch` on a mismatch (every "one person per ID number"
        look-up would silently find nobody). Returns True once the key has been checked (or recorded, on a new
        database), False while the database cannot be reached or has no schema yet: callers check again later
        (the web app before each request until it succeeds, the command line after bringing SQLite up to date).
        """
        if self.lookup_key_checked:
            return True
        try:
            ready = inspect(self.db.engine).has_table(AppMeta.__tablename__)
        except SQLAlchemyError:
            return False  # unreachable for now: the health check reports it, the next call checks again
        if not ready:
            return False
        # The check reads (no write lock); only the very first run of a database writes the fingerprint.
        with self.db.reading() as session:
            recorded = lookup_key_recorded(session)
            if recorded:
                check_lookup_key(session, self.vault)
        if not recorded:
            with self.db.transaction() as session:
                check_lookup_key(session, self.vault)
        self.lookup_key_checked = True
        return True


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
    """What every entry point starts with: the database, the vault, and the look-up key checked against the
    database (raises :class:`jobs.storage.keys.LookupKeyMismatch`), so that no entry point can skip the check."""
    instance = Path(instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    db = Database(database_url or sqlite_url_for(instance), echo=echo_sql)
    key = resolve_secret(secret, instance)
    vault = Vault.from_secret(key, old_secrets=old_secrets, lookup_secret=lookup_secret)
    runtime = Runtime(db=db, vault=vault, instance_path=instance, session_key=derive_session_key(key))
    try:
        runtime.check_lookup_key()
    except BaseException:
        db.dispose()  # the process will not start: release the connections it opened
        raise
    return runtime
