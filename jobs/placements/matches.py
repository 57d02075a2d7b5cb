"""Person-post matching in the database: feed the pure engine (``matching``) and store ``Match`` rows.

A run re-matches what changed since the previous run (new or edited workers and posts): changed workers
against every open post, changed posts against every worker looking for work. Results are upserted by
(person, post): a new pair is ``proposed``; an existing pair gets its new score and reasons but keeps its
status (pushed, interested, declined, placed are decisions people made). Results go to both sides, the
worker and the employer (湘人社发〔2017〕58号 一、（二）).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from jobs.people.persons import birth_date_of, masked_id_number
from jobs.storage.clock import now_utc
from jobs.storage.crypto import TamperedData, Vault
from jobs.storage.enums import EmploymentStatus, LabourAbility, MatchStatus, PostStatus
from jobs.storage.models import AppMeta, Match, Person, Post
from jobs.people.regions import RegionError, region_table
from matching import ANY, PostIndex, SeekerIndex, match
from matching import Match as EngineMatch
from matching import Post as EnginePost
from matching import Seeker as EngineSeeker

LAST_RUN_META = "last_match_run"


@dataclass
class MatchRunSummary:
    seekers: int = 0
    posts: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    since: dt.datetime | None = None
    skipped: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "seekers": self.seekers,
            "posts": self.posts,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "since": self.since.isoformat() if self.since else None,
            "skipped": self.skipped,
        }


def seeker_of(person: Person, vault: Vault) -> EngineSeeker:
    """The engine's view of a worker: current home county, wanted places as code prefixes (不限 = ANY).

    Post age limits need the exact age, so the birth date comes from the decrypted ID number (it is not
    stored in clear).
    """
    table = region_table()
    areas = tuple(region.region_code or ANY for region in person.wanted_regions) or (ANY,)
    labels = tuple(region.text for region in person.wanted_regions) or ("不限",)
    return EngineSeeker(
        key=str(person.id),
        home_county=table.current(person.household_region_code).code,
        birth_date=birth_date_of(person, vault),
        category=person.category.value,
        labour_ability=person.labour_ability.value,
        wanted_titles=tuple(o.text for o in person.wanted_occupations),
        wanted_areas=areas,
        wanted_area_labels=labels,
        expected_wage_min=person.expected_wage_min,
        expected_wage_max=person.expected_wage_max,
        skills=person.skills or "",
        education=person.education,
    )


def post_of(post: Post) -> EnginePost:
    """The engine's view of a post; its place must be known to the county (raises RegionError otherwise)."""
    county = region_table().current(post.region_code)
    if county.level != "county":
        raise RegionError(f"岗位“{post.title}”的工作地点只到{county.full_name}，无法按县匹配")
    return EnginePost(
        key=str(post.id),
        title=post.title,
        region_code=county.code,
        occupation_code=post.occupation_code,
        wage_min=post.wage_min,
        wage_max=post.wage_max,
        age_min=post.age_min,
        age_max=post.age_max,
        education=post.education,
        skills_required=post.skills_required or "",
        labour_intensity=post.labour_intensity.value if post.labour_intensity else None,
        board=post.board,
        lodging=post.lodging,
        headcount=post.headcount,
        filled=post.filled,
        open=post.status is PostStatus.OPEN,
        closing_date=post.closing_date,
    )


def _job_seekers(session: Session, origin: str | None) -> list[Person]:
    """Workers who want work and have none (they re-enter matching after a job loss)."""
    query = (
        select(Person)
        .where(
            Person.employment_intent.is_(True),
            Person.employment_status == EmploymentStatus.UNEMPLOYED,
            Person.labour_ability != LabourAbility.NONE,
        )
        .options(selectinload(Person.wanted_occupations), selectinload(Person.wanted_regions))
        .order_by(Person.id)
    )
    if origin:
        # A province (2 digits), prefecture (4) or county (6), named or by code; retired codes resolved.
        area = region_table().resolve(origin).code
        if area is not None:
            query = query.where(Person.household_region_code.startswith(area))
    return list(session.scalars(query))


def _open_posts(session: Session) -> list[Post]:
    return list(session.scalars(select(Post).where(Post.status == PostStatus.OPEN).order_by(Post.id)))


def run_matching(
    session: Session,
    *,
    vault: Vault,
    today: dt.date,
    origin: str | None = None,
    since: dt.datetime | None = None,
    top_k: int = 10,
    everything: bool = False,
) -> MatchRunSummary:
    """Match what changed since ``since`` (default: the previous run; everything on the first run)."""
    started = now_utc()
    stored = session.get(AppMeta, LAST_RUN_META)
    if since is None and not everything and stored is not None:
        since = dt.datetime.fromisoformat(stored.value)
    summary = MatchRunSummary(since=since)

    people = _job_seekers(session, origin)
    posts = _open_posts(session)
    seekers, posts_in = _engine_inputs(people, posts, summary, vault)
    if since is None:
        changed_seekers, changed_posts = seekers, []
    else:
        changed_ids = {str(p.id) for p in people if p.updated_at > since}
        changed_seekers = [s for s in seekers if s.key in changed_ids]
        changed_post_ids = {str(p.id) for p in posts if p.updated_at > since}
        changed_posts = [p for p in posts_in if p.key in changed_post_ids]

    results: list[EngineMatch] = []
    if changed_seekers and posts_in:
        results += match(SeekerIndex(changed_seekers), PostIndex(posts_in), today=today, top_k=top_k, by="seeker")
    if changed_posts and seekers:
        results += match(SeekerIndex(seekers), PostIndex(changed_posts), today=today, top_k=top_k, by="post")
    summary.seekers = len(changed_seekers)
    summary.posts = len(posts_in) if since is None else len(changed_posts)
    _store(session, results, summary)

    if origin is None:
        if stored is None:
            session.add(AppMeta(key=LAST_RUN_META, value=started.isoformat()))
        else:
            stored.value = started.isoformat()
    return summary


def _engine_inputs(people: list[Person], posts: list[Post], summary: MatchRunSummary, vault: Vault):
    seekers = []
    for person in people:
        try:
            seekers.append(seeker_of(person, vault))
        except (RegionError, ValueError) as error:
            summary.skipped.append(f"劳动力{_label(person, vault)}：{getattr(error, 'message', error)}")
    posts_in = []
    for post in posts:
        try:
            posts_in.append(post_of(post))
        except (RegionError, ValueError) as error:
            summary.skipped.append(f"岗位{post.id}：{getattr(error, 'message', error)}")
    return seekers, posts_in


def _label(person: Person, vault: Vault) -> str:
    """Name and masked ID number; the record number when the ID number itself cannot be decrypted."""
    try:
        return f"{person.name}（{masked_id_number(person, vault)}）"
    except TamperedData:
        return f"{person.name}（人员编号{person.id}）"


def _store(session: Session, results: list[EngineMatch], summary: MatchRunSummary) -> None:
    best: dict[tuple[int, int], EngineMatch] = {}
    for result in results:
        key = (int(result.seeker_key), int(result.post_key))
        if key not in best or result.score > best[key].score:
            best[key] = result
    if not best:
        return
    person_ids = sorted({p for p, _ in best})
    existing = {
        (m.person_id, m.post_id): m
        for m in session.scalars(select(Match).where(Match.person_id.in_(person_ids)))
        if (m.person_id, m.post_id) in best
    }
    for key, result in sorted(best.items()):
        score = Decimal(str(result.score)).quantize(Decimal("0.1"))
        components = {name: round(value, 2) for name, value in result.components.items()}
        row = existing.get(key)
        if row is None:
            session.add(Match(person_id=key[0], post_id=key[1], score=score, components=components,
                              reasons=result.reasons, status=MatchStatus.PROPOSED))
            summary.created += 1
        elif (row.score, row.components, row.reasons) != (score, components, result.reasons):
            row.score, row.components, row.reasons = score, components, result.reasons
            summary.updated += 1
        else:
            summary.unchanged += 1
    session.flush()
