"""Keeping the supply side by hand: a workstation corrects an employer or a post between two list imports, or
closes a post when the employer stops recruiting.

Only what the user may edit is found (workstation staff: what their organisation created or what lies in their
city, :func:`jobs.access.permissions.permitted`); anything else is reported as missing. Values are checked by
the same parsers as the supply list's cells, so a post edited by hand reads like one imported. Every change is
written to the audit log with the fields before and after, as the supply import writes its updates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs.access.permissions import Action, Actor, require, visible
from jobs.errors import InvalidInput
from jobs.lists.importing import occupation_code
from jobs.lists.values import CellError, clean_name, clean_text, parse_education
from jobs.people.identity import InvalidValue, normalise_credit_code
from jobs.placements.matches import close_post, post_changed
from jobs.storage import audit
from jobs.storage.models import Employer, Post

__all__ = ["EmployerChanges", "PostChanges", "close_kept_post", "edit_employer", "edit_post"]

#: Age limits a post may state (the working ages of the lists' age column).
AGE_BOUNDS = (16, 70)


@dataclass(frozen=True)
class EmployerChanges:
    """What an employer's edit form sends."""

    name: str
    credit_code: str | None = None


@dataclass(frozen=True)
class PostChanges:
    """What a post's edit form sends (None: left empty)."""

    title: str
    headcount: int | None = None
    wage_min: int | None = None
    wage_max: int | None = None
    age_min: int | None = None
    age_max: int | None = None
    education: str | None = None
    skills_required: str | None = None
    address: str | None = None
    contact_name: str | None = None
    closing_date: dt.date | None = None
    board: bool = False
    lodging: bool = False
    notes: str | None = None


class _Errors:
    """Collects every field's problem, so the form shows them all at once."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, []).append(message)

    def take(self, name: str, parse, raw):
        try:
            return parse(raw)
        except (CellError, InvalidValue) as error:
            self.add(name, error.message)
            return None

    def check(self) -> None:
        if self.fields:
            raise InvalidInput("请按提示修改后重新提交", self.fields)


def _logged(value: object) -> object:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


def _apply(target: object, values: dict[str, object]) -> tuple[dict[str, object], dict[str, object]]:
    before: dict[str, object] = {}
    after: dict[str, object] = {}
    for name, value in values.items():
        if getattr(target, name) != value:
            before[name], after[name] = _logged(getattr(target, name)), _logged(value)
            setattr(target, name, value)
    return before, after


def _kept(session: Session, actor: Actor, model: type, object_id: int, *, for_update: bool = False):
    """The object if ``actor`` may edit it: a role that never edits such objects is refused (403), one the user
    does not keep is reported as missing (404)."""
    require(actor, Action.EDIT, model, session=session)
    return visible(session, actor, model, object_id, for_update=for_update, action=Action.EDIT)


def edit_employer(session: Session, *, employer_id: int, changes: EmployerChanges, actor: Actor) -> Employer:
    """Correct an employer's name or unified social credit code (unique among employers)."""
    employer = _kept(session, actor, Employer, employer_id, for_update=True)
    errors = _Errors()
    name = errors.take("name", lambda raw: clean_name(raw, limit=128, label="单位名称"), changes.name)
    if name is None and "name" not in errors.fields:
        errors.add("name", "请填写用人单位全称")
    code = errors.take("credit_code", lambda raw: normalise_credit_code(raw) if (raw or "").strip() else None,
                       changes.credit_code)
    if code and session.scalar(select(Employer.id).where(Employer.credit_code == code, Employer.id != employer.id)):
        errors.add("credit_code", f"统一社会信用代码 {code} 已属于另一个用人单位")
    errors.check()
    before, after = _apply(employer, {"name": name, "credit_code": code})
    if before:
        session.flush()
        audit.record(session, action="update", actor=actor, object_type="employer", object_id=employer.id,
                     before=before, after=after)
    return employer


def edit_post(session: Session, *, post_id: int, changes: PostChanges, actor: Actor) -> Post:
    """Correct a post's details. The title stays unique for its employer and place; the headcount may not fall
    below the workers already placed; the post's offers follow a changed headcount."""
    post = _kept(session, actor, Post, post_id, for_update=True)
    errors = _Errors()
    title = errors.take("title", lambda raw: clean_text(raw, limit=128, label="岗位名称"), changes.title)
    if title is None and "title" not in errors.fields:
        errors.add("title", "请填写岗位名称")
    if title and title != post.title and session.scalar(select(Post.id).where(
            Post.employer_id == post.employer_id, Post.title == title, Post.region_code == post.region_code,
            Post.id != post.id)):
        errors.add("title", f"该用人单位在同一地点已有名为“{title}”的岗位")
    if changes.headcount is not None and changes.headcount < 0:
        errors.add("headcount", "招聘人数不能为负数")
    elif changes.headcount is not None and changes.headcount < post.filled:
        errors.add("headcount", f"招聘人数不能少于已上岗的 {post.filled} 人")
    for name in ("wage_min", "wage_max"):
        value = getattr(changes, name)
        if value is not None and not 0 <= value <= 1_000_000:
            errors.add(name, "月薪应在 0 到 1,000,000 元之间")
    if changes.wage_min is not None and changes.wage_max is not None and changes.wage_max < changes.wage_min:
        errors.add("wage_max", "月薪上限不能低于下限")
    low, high = AGE_BOUNDS
    for name in ("age_min", "age_max"):
        value = getattr(changes, name)
        if value is not None and not low <= value <= high:
            errors.add(name, f"年龄应在 {low} 到 {high} 岁之间")
    if changes.age_min is not None and changes.age_max is not None and changes.age_max < changes.age_min:
        errors.add("age_max", "年龄上限不能低于下限")
    education = errors.take("education", parse_education, changes.education)
    texts = {
        name: errors.take(name, lambda raw, n=name, lim=limit, label=label: clean_text(raw, limit=lim, label=label),
                          getattr(changes, name))
        for name, limit, label in (("skills_required", None, "技能要求"), ("address", 256, "工作地址"),
                                   ("notes", None, "备注"))
    }
    contact = errors.take("contact_name", lambda raw: clean_name(raw, limit=64, label="联系人"), changes.contact_name)
    errors.check()
    values: dict[str, object] = {
        "title": title, "headcount": changes.headcount, "wage_min": changes.wage_min, "wage_max": changes.wage_max,
        "age_min": changes.age_min, "age_max": changes.age_max, "education": education, "contact_name": contact,
        "closing_date": changes.closing_date, "board": changes.board, "lodging": changes.lodging, **texts,
    }
    if (changes.wage_min, changes.wage_max) != (post.wage_min, post.wage_max):
        values["wage_text"] = None  # the list's wording no longer says what the post pays
    if title != post.title:
        values["occupation_code"] = occupation_code(title)
    before, after = _apply(post, values)
    if before:
        session.flush()
        post_changed(session, post=post)
        audit.record(session, action="update", actor=actor, object_type="post", object_id=post.id,
                     before=before, after=after)
    return post


def close_kept_post(session: Session, *, post_id: int, actor: Actor) -> Post:
    """Close a post the user keeps (已关闭): its standing offers are withdrawn. Conflict when already closed."""
    post = _kept(session, actor, Post, post_id)
    return close_post(session, post_id=post.id, user=actor)

