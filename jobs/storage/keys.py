"""Key management for personal data at rest: the look-up key guard and the re-encryption pass.

See ``jobs/storage/crypto.py`` for how rotation works. The look-up key's fingerprint is stored once in the
database; a vault with a different look-up key would silently break every "one person per ID number"
look-up, so it is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs.storage.crypto import Vault
from jobs.storage.db import Database
from jobs.people.persons import id_tail_digest
from jobs.storage.models import AppMeta, Person, Post

LOOKUP_KEY_META = "lookup_key_id"
# Every encrypted column: (model, column attribute name).
ENCRYPTED_COLUMNS = (
    (Person, "id_number_encrypted"),
    (Person, "phone_encrypted"),
    (Post, "contact_phone_encrypted"),
)


class LookupKeyMismatch(RuntimeError):
    def __init__(self, stored: str, configured: str) -> None:
        self.message = (
            f"查找密钥与数据库不一致（数据库 {stored}，当前配置 {configured}）：请在 BANGFU_LOOKUP_KEY 中填写最初使用的密钥，"
            "否则按身份证号查找的人员都将找不到"
        )
        super().__init__(self.message)


def lookup_key_recorded(session: Session) -> bool:
    """Whether the database has recorded a look-up key fingerprint (a read; see :func:`check_lookup_key`)."""
    return session.get(AppMeta, LOOKUP_KEY_META) is not None


def check_lookup_key(session: Session, vault: Vault) -> None:
    """Record the look-up key's fingerprint on first use; refuse a vault whose look-up key differs."""
    stored = session.get(AppMeta, LOOKUP_KEY_META)
    if stored is None:
        session.add(AppMeta(key=LOOKUP_KEY_META, value=vault.lookup_key_id))
        return
    if stored.value != vault.lookup_key_id:
        raise LookupKeyMismatch(stored.value, vault.lookup_key_id)


@dataclass
class RotationReport:
    examined: int = 0
    rotated: int = 0


def reencrypt_all(db: Database, vault: Vault, *, batch_size: int = 500) -> RotationReport:
    """Re-encrypt every stored value not yet under the newest key, one transaction per batch; safe to rerun."""
    report = RotationReport()
    for model, attribute in ENCRYPTED_COLUMNS:
        column = getattr(model, attribute)
        last_id = 0
        while True:
            with db.transaction() as session:
                rows = session.scalars(
                    select(model).where(model.id > last_id, column.is_not(None)).order_by(model.id).limit(batch_size)
                ).all()
                for row in rows:
                    report.examined += 1
                    token = getattr(row, attribute)
                    if vault.needs_rotation(token):
                        setattr(row, attribute, vault.rotate(token))
                        report.rotated += 1
                    if attribute == "id_number_encrypted" and row.id_tail_digest is None:
                        # Rows stored before the tail digest existed (migration 0009) get it here.
                        row.id_tail_digest = id_tail_digest(vault.decrypt(token)[-4:], vault)
                    if attribute == "phone_encrypted" and row.phone_hash is None:
                        # A phone without its keyed hash cannot be signed in with (seeker sign-in by code).
                        row.phone_hash = vault.digest(vault.decrypt(token))
            if len(rows) < batch_size:
                break
            last_id = rows[-1].id
    return report
