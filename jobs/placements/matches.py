"""Person-post matching in the database: the lifecycle of an offer, and the runs that feed the pure engine.

The lifecycle of a match (an offer of a post to a worker) is :data:`TRANSITIONS`::

    proposed → pushed → interested / declined → placed
    proposed, pushed, interested → withdrawn          (the post filled or closed, the worker was placed elsewhere)
    placed → withdrawn                                (the hire was called off or the job ended)
    withdrawn → proposed                              (the cause went away: see below)

A withdrawn match keeps its reason (:class:`~jobs.storage.enums.WithdrawnReason`), which decides whether it
may come back. Placements drive the matches in the same transaction as the placement change
(``jobs.placements.placements``):

* a hire takes a seat of the post: the worker's match for that post becomes ``placed``, their other standing
  offers are withdrawn (``placed_elsewhere``), and when the post is full every other standing offer of it is
  withdrawn (``post_full``);
* a hire called off or a job that ends gives the seat back: the post reopens if it was full, and its
  ``post_full`` offers come back as ``proposed`` — to workers still looking for work; for a worker who found a
  job meanwhile the reason becomes ``placed_elsewhere``. When the worker holds no other job, their
  ``placed_elsewhere`` offers come back as ``proposed`` where the post still has a seat, or take the post's
  reason (``post_full``/``post_closed``) so that the post reopening brings them back. An offer comes back as
  ``proposed`` (not ``pushed``): time has passed and it is offered afresh. The match of the placement itself is
  withdrawn (``placement_ended``) and never comes back by itself: the worker knows that employer.
* declined offers stay declined: it was the worker's decision.

A run (:func:`run_matching`) re-matches what changed: the outbox ``MatchChange`` lists workers and posts
changed since a run last saw them. It works in batches, each in its own transaction: a batch of changed
workers is matched against every post with a seat, its matches upserted, and the outbox rows it read deleted,
all in one commit; then the changed posts against every worker looking for work. A run only ever deletes the
outbox rows it read before loading the rows they name, so a change committed during a run is matched by the
next one. Results go to both sides, the worker and the employer (湘人社发〔2017〕58号 一、（二））. A run never
offers a full or closed post or offers work to someone who holds a job, and it never brings back a withdrawn or
declined offer: an existing pair gets its new score and reasons but keeps its status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import and_, delete, exists, not_, or_, select, update
from sqlalchemy.orm import Session, selectinload

from jobs.access.permissions import Actor, is_system, visible
from jobs.errors import Conflict, NotFound
from jobs.people.persons import masked_id_number
from jobs.storage.crypto import TamperedData, Vault
from jobs.people.regions import RegionError, region_table
from jobs.placements.engine_input import post_of, seeker_of
from jobs.storage import audit
from jobs.storage.enums import (
    EmploymentStatus,
    LabourAbility,
    MatchStatus,
    PlacementStatus,
    PostStatus,
    WithdrawnReason,
)
from jobs.storage.locks import locked, share_locked_ids
from jobs.storage.models import Match, MatchChange, Person, Placement, Post, User
from matching import PostIndex, SeekerIndex, iter_matches
from matching import Match as EngineMatch


#: Workers (or posts) matched per transaction.
BATCH = 2_000

_P, _PU, _I, _D, _PL, _W = (MatchStatus.PROPOSED, MatchStatus.PUSHED, MatchStatus.INTERESTED,
                            MatchStatus.DECLINED, MatchStatus.PLACED, MatchStatus.WITHDRAWN)

#: Allowed moves of a match.
TRANSITIONS: dict[MatchStatus, frozenset[MatchStatus]] = {
    _P: frozenset({_PU, _PL, _W}),
    _PU: frozenset({_I, _D, _PL, _W}),
    _I: frozenset({_D, _PL, _W}),
    _D: frozenset(),
    _PL: frozenset({_W}),
    _W: frozenset({_P}),
}

#: Offers still standing: what a full post or a placed worker must not keep.
STANDING = (_P, _PU, _I)

#: A worker holds (or is about to take up) a job in these placement statuses.
HOLDING = (PlacementStatus.HIRED, PlacementStatus.ACTIVE)


class MatchError(Conflict):
    """A match cannot make the move asked for; ``message`` is the Chinese text shown to the user."""


def move(match: Match, target: MatchStatus, *, reason: WithdrawnReason | None = None) -> None:
    """Move one match along :data:`TRANSITIONS` (a withdrawal needs its reason), or raise MatchError."""
    if target not in TRANSITIONS[match.status]:
        raise MatchError(f"匹配结果当前状态为“{match.status.label}”，不能变更为“{target.label}”")
    if (target is _W) != (reason is not None):
        raise ValueError("a withdrawal, and only a withdrawal, has a reason")
    match.status = target
    match.withdrawn_reason = reason


def _sources(target: MatchStatus, wanted: Sequence[MatchStatus]) -> list[MatchStatus]:
    """The statuses of ``wanted`` from which ``target`` is an allowed move (all of them, or a bug here)."""
    allowed = [s for s in wanted if target in TRANSITIONS[s]]
    if len(allowed) != len(wanted):
        raise AssertionError(f"not every status of {wanted} may move to {target}")
    return allowed


def _bulk_move(session: Session, criteria, sources: Sequence[MatchStatus], target: MatchStatus,
               reason: WithdrawnReason | None) -> int:
    """Move every match meeting ``criteria`` whose status is one of ``sources`` (checked against the table)."""
    statement = (
        update(Match)
        .where(Match.status.in_(_sources(target, sources)), *criteria)
        .values(status=target, withdrawn_reason=reason)
        .execution_options(synchronize_session="fetch")
    )
    return session.execute(statement).rowcount or 0


def _retag(session: Session, criteria, reason: WithdrawnReason) -> int:
    """Change why withdrawn matches are withdrawn (they stay withdrawn)."""
    statement = (
        update(Match).where(Match.status == _W, *criteria).values(withdrawn_reason=reason)
        .execution_options(synchronize_session="fetch")
    )
    return session.execute(statement).rowcount or 0


# --- what is offered ------------------------------------------------------------------------------------------


def has_seat(post: Post) -> bool:
    """An open post with a seat left (no headcount: unlimited)."""
    return post.status is PostStatus.OPEN and (post.headcount is None or post.filled < post.headcount)


def _post_has_seat():
    return and_(Post.status == PostStatus.OPEN, or_(Post.headcount.is_(None), Post.filled < Post.headcount))


def _holds_job(person_id_column=Person.id):
    return exists().where(Placement.person_id == person_id_column, Placement.status.in_(HOLDING))


def _looking_for_work():
    """Workers who want work and hold none (they come back after a job loss)."""
    return and_(
        Person.employment_intent.is_(True),
        Person.employment_status == EmploymentStatus.UNEMPLOYED,
        Person.labour_ability != LabourAbility.NONE,
        not_(_holds_job()),
    )


def _is_looking(session: Session, person_id: int) -> bool:
    return session.scalar(select(Person.id).where(Person.id == person_id, _looking_for_work())) is not None


def _post_ids_without_seat(reason: WithdrawnReason):
    if reason is WithdrawnReason.POST_CLOSED:
        return select(Post.id).where(Post.status != PostStatus.OPEN, Post.status != PostStatus.FILLED)
    return select(Post.id).where(not_(_post_has_seat()))


# --- the lifecycle, driven by placements (same transaction as the placement change) --------------------------


def took_seat(session: Session, *, person_id: int, post: Post | None) -> None:
    """A worker was hired (into ``post``, when the job is one of ours): update the matches it affects."""
    if post is not None:
        _bulk_move(session, [Match.person_id == person_id, Match.post_id == post.id], STANDING, _PL, None)
        if not has_seat(post):
            reason = WithdrawnReason.POST_FULL if post.status is not PostStatus.CLOSED else WithdrawnReason.POST_CLOSED
            _bulk_move(session, [Match.post_id == post.id, Match.person_id != person_id], STANDING, _W, reason)
    others = [Match.person_id == person_id] + ([Match.post_id != post.id] if post is not None else [])
    _bulk_move(session, others, STANDING, _W, WithdrawnReason.PLACED_ELSEWHERE)


def gave_seat_back(session: Session, *, person_id: int, post: Post | None) -> None:
    """A hire was called off or a job ended (``post`` already has its seat back): see the module docstring."""
    if post is not None:
        _bulk_move(session, [Match.person_id == person_id, Match.post_id == post.id], [_PL], _W,
                   WithdrawnReason.PLACEMENT_ENDED)
        if has_seat(post):
            full = [Match.post_id == post.id, Match.withdrawn_reason == WithdrawnReason.POST_FULL]
            busy = select(Person.id).where(not_(_looking_for_work()))
            _retag(session, [*full, Match.person_id.in_(busy)], WithdrawnReason.PLACED_ELSEWHERE)
            _bulk_move(session, full, [_W], _P, None)
    if _is_looking(session, person_id):
        restore_workers(session, person_ids=[person_id])


def restore_workers(session: Session, *, person_ids: Sequence[int]) -> None:
    """Workers look for work again: offers withdrawn because they were placed come back where the post has a
    seat, and wait for the post (taking its reason) otherwise."""
    elsewhere = [Match.person_id.in_(list(person_ids)), Match.withdrawn_reason == WithdrawnReason.PLACED_ELSEWHERE]
    for reason in (WithdrawnReason.POST_CLOSED, WithdrawnReason.POST_FULL):
        _retag(session, [*elsewhere, Match.post_id.in_(_post_ids_without_seat(reason))], reason)
    _bulk_move(session, elsewhere, [_W], _P, None)


def withdraw_workers(session: Session, *, person_ids: Sequence[int]) -> int:
    """Workers no longer look for work (employed, or no longer willing): withdraw their standing offers."""
    return _bulk_move(session, [Match.person_id.in_(list(person_ids))], STANDING, _W,
                      WithdrawnReason.PLACED_ELSEWHERE)


def post_changed(session: Session, *, post: Post) -> None:
    """Bring a post's offers in line with its state: withdrawn when it has no seat, back when it has one again."""
    if has_seat(post):
        gone = [Match.post_id == post.id,
                Match.withdrawn_reason.in_([WithdrawnReason.POST_FULL, WithdrawnReason.POST_CLOSED])]
        busy = select(Person.id).where(not_(_looking_for_work()))
        _retag(session, [*gone, Match.person_id.in_(busy)], WithdrawnReason.PLACED_ELSEWHERE)
        _bulk_move(session, gone, [_W], _P, None)
        return
    reason = WithdrawnReason.POST_FULL if post.status is not PostStatus.CLOSED else WithdrawnReason.POST_CLOSED
    _bulk_move(session, [Match.post_id == post.id], STANDING, _W, reason)
    other = WithdrawnReason.POST_CLOSED if reason is WithdrawnReason.POST_FULL else WithdrawnReason.POST_FULL
    _retag(session, [Match.post_id == post.id, Match.withdrawn_reason == other], reason)


# --- the worker's side ----------------------------------------------------------------------------------------


def _locked_match(session: Session, match_id: int) -> Match:
    match = locked(session, Match, match_id)
    if match is None:
        raise NotFound(f"匹配结果{match_id}不存在")
    return match


def _audited_move(session: Session, match_id: int, target: MatchStatus, action: str, user: User | None) -> Match:
    match = _locked_match(session, match_id)
    before = {"status": match.status.value}
    move(match, target)
    session.flush()
    audit.record(session, action=action, actor=user, object_type="match", object_id=match.id, before=before,
                 after={"status": match.status.value, "person_id": match.person_id, "post_id": match.post_id})
    return match


def push_match(session: Session, *, match_id: int, user: User | None = None) -> Match:
    """The offer was sent to the worker (已推送)."""
    return _audited_move(session, match_id, _PU, "match.push", user)


def answer_match(session: Session, *, match_id: int, interested: bool, user: User | None = None) -> Match:
    """The worker answered a pushed offer: interested (有意向) or not (已谢绝)."""
    return _audited_move(session, match_id, _I if interested else _D, "match.answer", user)


def answer_offer(session: Session, *, match_id: int, interested: bool, reason: str | None = None,
                 actor: Actor, now: dt.datetime) -> Match:
    """The worker (or staff for them) answers an offer on their phone: 感兴趣 (interested) or 不感兴趣
    (declined), with an optional reason in their words.

    An offer still only ``proposed`` was shown to them all the same, so it is first marked ``pushed`` and then
    answered, both along :data:`TRANSITIONS`. Saying the same again changes nothing; an interested worker may
    still decline, a declined offer stays declined, and a withdrawn or placed one cannot be answered. Another
    person's offer is not found (the permission module's scope).
    """
    match = visible(session, actor, Match, match_id, for_update=True, what="岗位推荐")
    target = _I if interested else _D
    note = " ".join((reason or "").split())[:200] or None
    if match.status is target:
        if note and note != match.answer_note:
            match.answer_note = note
        return match
    if match.status is _D:
        raise MatchError("您已表示对这个岗位不感兴趣；如改变主意，请联系为您服务的经纪人或县人社部门")
    if match.status not in STANDING:
        raise MatchError("这个岗位已不再推荐给您（岗位已招满、已关闭，或您已在别处就业）")
    before = {"status": match.status.value}
    if match.status is _P:
        move(match, _PU)
    move(match, target)
    match.answered_at = now
    match.answer_note = note
    session.flush()
    audit.record(session, action="match.answer", actor=actor if not is_system(actor) else None,
                 actor_label=actor.username, object_type="match", object_id=match.id, before=before,
                 after={"status": match.status.value, "person_id": match.person_id, "post_id": match.post_id,
                        "note": note})
    return match


def rematch_person(session: Session, *, vault: Vault, person_id: int, today: dt.date,
                   top_k: int = 10) -> MatchRunSummary:
    """Match one worker again now (after they changed what they want on their phone), against every post with a
    seat, in the caller's transaction; the outbox rows of that worker are consumed. Statuses are kept as in
    :func:`run_matching`."""
    summary = MatchRunSummary()
    session.flush()
    changes = list(session.scalars(select(MatchChange.id).where(MatchChange.kind == "person",
                                                                 MatchChange.ref_id == person_id)))
    seekers = _seekers(session, vault, [person_id], summary, reconcile=True)
    summary.seekers = len(seekers)
    posts = _available_posts(session, summary) if seekers else []
    if seekers and posts:
        _store(session, iter_matches(SeekerIndex(seekers), PostIndex(posts), today=today, top_k=top_k, by="seeker"),
               summary)
    _consume(session, changes)
    summary.batches = 1
    return summary


def close_post(session: Session, *, post_id: int, user: User | None = None) -> Post:
    """The employer stops recruiting for a post (已关闭): its standing offers are withdrawn."""
    post = locked(session, Post, post_id)
    if post is None:
        raise NotFound(f"岗位{post_id}不存在")
    if post.status is PostStatus.CLOSED:
        raise Conflict(f"岗位“{post.title}”已关闭")
    before = {"status": post.status.value}
    post.status = PostStatus.CLOSED
    session.flush()
    post_changed(session, post=post)
    audit.record(session, action="post.close", actor=user, object_type="post", object_id=post.id, before=before,
                 after={"status": post.status.value})
    return post


# --- runs -----------------------------------------------------------------------------------------------------


@dataclass
class MatchRunSummary:
    seekers: int = 0
    posts: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    batches: int = 0
    since: dt.datetime | None = None
    skipped: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "seekers": self.seekers,
            "posts": self.posts,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "batches": self.batches,
            "since": self.since.isoformat() if self.since else None,
            "skipped": self.skipped,
        }


def run_matching(
    session: Session,
    *,
    vault: Vault,
    today: dt.date,
    origin: str | None = None,
    since: dt.datetime | None = None,
    top_k: int = 10,
    everything: bool = False,
    batch_size: int = BATCH,
    progress: Callable[[int], None] | None = None,
) -> MatchRunSummary:
    """Match the workers and posts that changed (listed in the outbox), or everything, or those updated after
    ``since``. Commits one transaction per batch; anything pending in ``session`` is committed first.

    ``origin`` limits the run to workers from that area (its posts still see every worker of it); the outbox
    rows of other workers stay for a later run. ``progress`` is told how many workers each committed batch
    matched (nothing of the run is pending in ``session`` when it is called).
    """
    area = region_table().resolve(origin).code if origin else None
    session.commit()
    summary = MatchRunSummary(since=since)
    posts = _available_posts(session, summary)
    post_index = PostIndex(posts) if posts else None
    for ids, changes in _worker_batches(session, area, since, everything, batch_size):
        seekers = _seekers(session, vault, ids, summary, reconcile=True)
        summary.seekers += len(seekers)
        if seekers and post_index is not None:
            _store(session, iter_matches(SeekerIndex(seekers), post_index, today=today, top_k=top_k, by="seeker"),
                   summary)
        _consume(session, changes)
        session.commit()
        summary.batches += 1
        if progress is not None:
            progress(len(ids))
    if not everything:
        _match_changed_posts(session, vault, area, since, today, top_k, batch_size, summary)
    return summary


def _match_changed_posts(session: Session, vault: Vault, area: str | None, since: dt.datetime | None,
                         today: dt.date, top_k: int, batch_size: int, summary: MatchRunSummary) -> None:
    batches = list(_post_batches(session, since, batch_size))
    if not batches:
        return
    seekers: list = []
    for ids, _changes in _worker_batches(session, area, None, True, batch_size, consume=False):
        seekers.extend(_seekers(session, vault, ids, summary, reconcile=False))
    seeker_index = SeekerIndex(seekers) if seekers else None
    for ids, changes in batches:
        changed = _posts(session, ids, summary)
        summary.posts += len(changed)
        if seeker_index is not None and changed:
            _store(session, iter_matches(seeker_index, PostIndex(changed), today=today, top_k=top_k, by="post"),
                   summary)
        if area is None:
            # Other areas' workers have not seen these posts yet: their rows wait for a run of every area.
            _consume(session, changes)
        session.commit()
        summary.batches += 1


def _worker_batches(session: Session, area: str | None, since: dt.datetime | None, everything: bool,
                    size: int, consume: bool = True) -> Iterator[tuple[list[int], list[int]]]:
    """Batches of (worker ids, outbox row ids read for them), in id order.

    The outbox rows are read before the workers are loaded, so every change whose row is consumed is visible
    to the load (READ COMMITTED: a later statement sees at least what an earlier one saw).
    """
    last = 0
    while True:
        if everything or since is not None:
            query = select(Person.id).where(Person.id > last)
            if since is not None:
                query = query.where(Person.updated_at > since)
        else:
            query = select(MatchChange.ref_id).join(Person, Person.id == MatchChange.ref_id).where(
                MatchChange.kind == "person", MatchChange.ref_id > last).distinct()
        if area is not None:
            query = query.where(Person.household_region_code.startswith(area))
        ids = list(session.scalars(query.order_by(query.selected_columns[0]).limit(size)))
        if not ids:
            if area is None and consume and not everything and since is None:
                # Rows for workers deleted since: nothing to match, only to clear.
                orphans = select(MatchChange.id).where(MatchChange.kind == "person",
                                                      ~exists().where(Person.id == MatchChange.ref_id))
                _consume(session, list(session.scalars(orphans)))
                session.commit()
            return
        changes = list(session.scalars(select(MatchChange.id).where(
            MatchChange.kind == "person", MatchChange.ref_id.in_(ids)))) if consume else []
        yield ids, changes
        last = ids[-1]


def _post_batches(session: Session, since: dt.datetime | None, size: int) -> Iterator[tuple[list[int], list[int]]]:
    last = 0
    while True:
        if since is not None:
            query = select(Post.id).where(Post.id > last, Post.updated_at > since).order_by(Post.id)
        else:
            query = select(MatchChange.ref_id).where(MatchChange.kind == "post", MatchChange.ref_id > last) \
                .distinct().order_by(MatchChange.ref_id)
        ids = list(session.scalars(query.limit(size)))
        if not ids:
            return
        changes = list(session.scalars(select(MatchChange.id).where(
            MatchChange.kind == "post", MatchChange.ref_id.in_(ids))))
        yield ids, changes
        last = ids[-1]


def _consume(session: Session, change_ids: list[int]) -> None:
    for start in range(0, len(change_ids), 5000):
        session.execute(delete(MatchChange).where(MatchChange.id.in_(change_ids[start:start + 5000])))


def _available_posts(session: Session, summary: MatchRunSummary) -> list:
    """Every post with a seat, as the engine sees it."""
    out = []
    last = 0
    while True:
        page = list(session.scalars(select(Post).where(Post.id > last, _post_has_seat()).order_by(Post.id)
                                    .limit(BATCH)))
        if not page:
            return out
        out.extend(_engine_posts(page, summary))
        last = page[-1].id


def _engine_posts(posts: list[Post], summary: MatchRunSummary) -> list:
    out = []
    for post in posts:
        try:
            out.append(post_of(post))
        except ValueError as error:
            summary.skipped.append(f"岗位{post.id}：{getattr(error, 'message', error)}")
    return out


def _posts(session: Session, ids: list[int], summary: MatchRunSummary) -> list:
    """Changed posts: their offers brought in line with their state; those with a seat, for the engine."""
    posts = list(session.scalars(select(Post).where(Post.id.in_(ids)).order_by(Post.id)))
    for post in posts:
        post_changed(session, post=post)
    return _engine_posts([p for p in posts if has_seat(p)], summary)


def _seekers(session: Session, vault: Vault, ids: list[int], summary: MatchRunSummary, *,
             reconcile: bool) -> list:
    """Of these workers, those looking for work, for the engine. ``reconcile``: the others' standing offers are
    withdrawn and the lookers' offers withdrawn while they held a job come back."""
    people = list(session.scalars(
        select(Person).where(Person.id.in_(ids), _looking_for_work())
        .options(selectinload(Person.wanted_occupations), selectinload(Person.wanted_regions))
        .order_by(Person.id)
    ))
    if reconcile:
        looking = {p.id for p in people}
        if looking:
            restore_workers(session, person_ids=sorted(looking))
        if len(looking) < len(ids):
            withdraw_workers(session, person_ids=[i for i in ids if i not in looking])
    seekers = []
    for person in people:
        try:
            seekers.append(seeker_of(person, vault))
        except (RegionError, ValueError) as error:
            summary.skipped.append(f"劳动力{_label(person, vault)}：{getattr(error, 'message', error)}")
    return seekers


def _label(person: Person, vault: Vault) -> str:
    """Name and masked ID number; the record number when the ID number itself cannot be decrypted."""
    try:
        return f"{person.name}（{masked_id_number(person, vault)}）"
    except TamperedData:
        return f"{person.name}（人员编号{person.id}）"


def _store(session: Session, results: Iterator[list[EngineMatch]], summary: MatchRunSummary) -> None:
    """Upsert the engine's results, chunk by chunk. A new pair is only offered if, at the moment of writing,
    the post still has a seat and the worker still looks for work: both are share-locked until the batch
    commits, so a hire running at the same time waits and then withdraws what this batch wrote."""
    for chunk in results:
        best: dict[tuple[int, int], EngineMatch] = {}
        for result in chunk:
            key = (int(result.seeker_key), int(result.post_key))
            if key not in best or result.score > best[key].score:
                best[key] = result
        if not best:
            continue
        open_posts = share_locked_ids(session, Post, {post for _, post in best}, _post_has_seat())
        lookers = share_locked_ids(session, Person, {person for person, _ in best}, _looking_for_work())
        person_ids = sorted({p for p, _ in best})
        existing = {}
        for start in range(0, len(person_ids), 5000):
            for row in session.scalars(select(Match).where(Match.person_id.in_(person_ids[start:start + 5000]))):
                if (row.person_id, row.post_id) in best:
                    existing[(row.person_id, row.post_id)] = row
        for key, result in sorted(best.items()):
            score = Decimal(str(result.score)).quantize(Decimal("0.1"))
            components = {name: round(value, 2) for name, value in result.components.items()}
            row = existing.get(key)
            if row is None:
                if key[0] in lookers and key[1] in open_posts:
                    session.add(Match(person_id=key[0], post_id=key[1], score=score, components=components,
                                      reasons=result.reasons, status=MatchStatus.PROPOSED))
                    summary.created += 1
            elif (row.score, row.components, row.reasons) != (score, components, result.reasons):
                row.score, row.components, row.reasons = score, components, result.reasons
                summary.updated += 1
            else:
                summary.unchanged += 1
        session.flush()


__all__ = [
    "BATCH",
    "HOLDING",
    "STANDING",
    "TRANSITIONS",
    "MatchError",
    "MatchRunSummary",
    "answer_match",
    "answer_offer",
    "close_post",
    "gave_seat_back",
    "has_seat",
    "move",
    "post_changed",
    "post_of",
    "push_match",
    "rematch_person",
    "restore_workers",
    "run_matching",
    "seeker_of",
    "took_seat",
    "withdraw_workers",
]
