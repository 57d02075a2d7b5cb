"""Reference data stored in the database: the region table (current and retired codes).

The packaged CSV files are the source; ``sync_reference_data`` upserts them and records their digest, so an
upgrade of the package refreshes the table and an unchanged one costs a single look-up.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs.storage.db import file_digest
from jobs.storage.models import AppMeta, Region
from jobs.people.regions import region_table

REGION_FILES = ("provinces.csv", "cities.csv", "areas.csv", "retired_regions.csv", "statistical_zones.csv")
META_KEY = "regions_digest"


def regions_digest() -> str:
    return "-".join(file_digest("jobs.data", name) for name in REGION_FILES)


def reference_data_is_current(session: Session) -> bool:
    stored = session.get(AppMeta, META_KEY)
    return stored is not None and stored.value == regions_digest()


def sync_reference_data(session: Session) -> int:
    """Upsert every province, prefecture and county (retired ones too). Returns the number of rows written."""
    if reference_data_is_current(session):
        return 0
    existing = {region.code: region for region in session.scalars(select(Region))}
    written = 0
    for row in region_table().iter_db_rows():
        region = existing.get(row["code"])
        if region is None:
            session.add(Region(**row))
            written += 1
            continue
        changed = False
        for key, value in row.items():
            if getattr(region, key) != value:
                setattr(region, key, value)
                changed = True
        written += int(changed)
    meta = session.get(AppMeta, META_KEY)
    if meta is None:
        session.add(AppMeta(key=META_KEY, value=regions_digest()))
    else:
        meta.value = regions_digest()
    return written
