"""Accounts and organisations: the use cases behind ``bangfu user …``, ``bangfu org …``, sign-in and the
administrator's pages. The web and the command line only translate.

Sign-in locks an account for :data:`LOCK_MINUTES` after :data:`LOCK_THRESHOLD` consecutive failures (GB/T
22239-2019 等级保护基本要求 8.1.4.1 b: 应具有登录失败处理功能, 应配置并启用结束会话、限制非法登录次数和当
登录连接超时自动退出等相关措施). Every sign-in, good or bad, and every lock-out is audited with the address.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, joinedload

from jobs.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from jobs.access import passwords
from jobs.people.identity import InvalidIdNumber, parse_id_number
from jobs.people.persons import find_person
from jobs.people.regions import RegionError, region_table
from jobs.storage import audit
from jobs.storage.clock import CHINA, china_today, now_utc
from jobs.storage.crypto import Vault
from jobs.storage.enums import OrganisationKind, Role
from jobs.storage.models import Organisation, Region, User

LOCK_THRESHOLD = 5
LOCK_MINUTES = 15

# Which kinds of organisation each staff role may belong to: the organisation is the unit of scoping, so a
# broker account must sit in a broker organisation, and so on.
ROLE_ORGANISATION_KINDS: dict[Role, frozenset[OrganisationKind]] = {
    Role.ADMIN: frozenset({OrganisationKind.HR_BUREAU}),
    Role.COUNTY_STAFF: frozenset({OrganisationKind.COUNTY_OFFICE, OrganisationKind.HR_BUREAU}),
    Role.BROKER: frozenset({OrganisationKind.BROKER}),
    Role.WORKSTATION_STAFF: frozenset({OrganisationKind.WORKSTATION}),
}
USERNAME_ALPHABET = set("abcdefghijklmnopqrstuvwxyz0123456789._-")


class SignInRefused(DomainError):
    """Wrong user name or password, or a disabled account: one message for all, so nothing is disclosed."""

    status = 401

    def __init__(self, message: str = "用户名或密码错误") -> None:
        super().__init__(message)


class LockedOut(SignInRefused):
    """Too many failed sign-ins: the account is locked until ``until``."""

    def __init__(self, until: dt.datetime) -> None:
        local = until.astimezone(CHINA)
        super().__init__(
            f"连续 {LOCK_THRESHOLD} 次密码错误，账号已锁定，请于 {local:%H:%M} 后再试，或联系管理员重置密码"
        )
        self.until = until


@dataclass(frozen=True)
class NewUser:
    user: User
    generated_password: str | None


# -- organisations ---------------------------------------------------------------------------------


def add_organisation(
    session: Session, *, name: str, kind: OrganisationKind | str, region: str, actor: User | None = None,
    remote_addr: str | None = None,
) -> Organisation:
    """Create an organisation in a region (a code of any level, or a place name; retired codes resolve)."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput.field("name", "请填写机构名称")
    if len(name) > 128:
        raise InvalidInput.field("name", "机构名称不能超过 128 个字")
    try:
        kind = OrganisationKind(kind)
    except ValueError:
        raise InvalidInput.field("kind", f"机构类型“{kind}”无效") from None
    region_code = _region_code(session, region)
    if session.scalar(select(Organisation.id).where(Organisation.name == name, Organisation.kind == kind)):
        raise Conflict(f"已有同名同类型的机构“{name}”")
    organisation = Organisation(name=name, kind=kind, region_code=region_code)
    session.add(organisation)
    session.flush()
    audit.record(session, action="organisation.add", actor=actor, object_type="organisation",
                 object_id=organisation.id, after=_org_snapshot(organisation), remote_addr=remote_addr)
    return organisation


def _region_code(session: Session, text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput.field("region", "请填写所在地区（行政区划代码或名称）")
    try:
        resolution = region_table().resolve(text)
    except RegionError as error:
        raise InvalidInput.field("region", error.message) from None
    code = resolution.code
    if code is None:
        raise InvalidInput.field("region", "机构所在地区需是具体的省、市或县，不能是“不限”")
    if session.get(Region, code) is None:
        raise InvalidInput.field("region", f"地区“{text}”不在行政区划表中")
    return code


def _org_snapshot(organisation: Organisation) -> dict[str, object]:
    return {"name": organisation.name, "kind": organisation.kind.value, "region": organisation.region_code}


def list_organisations(session: Session) -> list[Organisation]:
    """Every organisation, by kind then name."""
    return list(session.scalars(select(Organisation).order_by(Organisation.kind, Organisation.name)).all())


def organisation_named(session: Session, name: str) -> Organisation:
    """The organisation with this name; a name shared by organisations of several kinds is refused."""
    rows = session.scalars(select(Organisation).where(Organisation.name == (name or "").strip())).all()
    if not rows:
        raise NotFound(f"没有名为“{name}”的机构（可用 bangfu org list 查看）")
    if len(rows) > 1:
        raise Conflict(f"有多个名为“{name}”的机构，请先给它们改用不同的名称")
    return rows[0]


def organisation_by_id(session: Session, organisation_id: int) -> Organisation:
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise InvalidInput.field("organisation", "没有该机构，请从列表中选择")
    return organisation


def region_name(code: str) -> str:
    """A region's full Chinese name, or the code itself when the table does not know it."""
    record = region_table().get(code)
    return record.full_name if record is not None else code


# -- users -----------------------------------------------------------------------------------------


def add_user(
    session: Session,
    vault: Vault,
    *,
    username: str,
    role: Role | str,
    organisation: Organisation | None = None,
    id_number: str | None = None,
    password: str | None = None,
    display_name: str | None = None,
    actor: User | None = None,
    remote_addr: str | None = None,
) -> NewUser:
    """Create an account. Staff belong to an organisation of a matching kind; a seeker is tied to the person
    with ``id_number``. Without ``password`` one is generated, returned once, and must be changed at the first
    sign-in."""
    username = _checked_username(session, username)
    try:
        role = Role(role)
    except ValueError:
        raise InvalidInput.field("role", f"角色“{role}”无效") from None
    person = None
    if role is Role.SEEKER:
        if not id_number:
            raise InvalidInput.field("id_number", "求职者账号需要填写本人的身份证号")
        try:
            canonical = parse_id_number(id_number, today=china_today()).number
        except InvalidIdNumber as error:
            raise InvalidInput.field("id_number", error.message) from None
        person = find_person(session, vault, canonical)
        if person is None:
            raise NotFound("没有登记该身份证号的劳动力，请先导入就业需求清单")
        if session.scalar(select(User.id).where(User.person_id == person.id)):
            raise Conflict("该劳动力已有账号")
        organisation = None
    else:
        if organisation is None:
            raise InvalidInput.field("organisation", "工作人员账号需要指定所属机构")
        allowed = ROLE_ORGANISATION_KINDS[role]
        if organisation.kind not in allowed:
            kinds = "、".join(k.label for k in sorted(allowed, key=lambda k: k.value))
            raise InvalidInput.field(
                "organisation", f"{role.label}只能属于{kinds}，“{organisation.name}”是{organisation.kind.label}"
            )
    generated = None
    if password is None:
        password = generated = passwords.generate_password()
    else:
        problems = passwords.strength_problems(password, username=username)
        if problems:
            raise InvalidInput("密码强度不够：" + "；".join(problems), {"password": problems})
    user = User(
        username=username,
        display_name=(display_name or (person.name if person is not None else username)).strip()[:64],
        password_hash=passwords.hash_password(password),
        role=role,
        organisation=organisation,
        person_id=person.id if person is not None else None,
        active=True,
        must_change_password=generated is not None,
    )
    session.add(user)
    session.flush()
    audit.record(session, action="user.add", actor=actor, object_type="user", object_id=user.id,
                 after=_user_snapshot(user), remote_addr=remote_addr)
    return NewUser(user, generated)


def _checked_username(session: Session, username: str) -> str:
    username = (username or "").strip().lower()
    if not 3 <= len(username) <= 64:
        raise InvalidInput.field("username", "用户名需 3 到 64 个字符")
    if not set(username) <= USERNAME_ALPHABET:
        raise InvalidInput.field("username", "用户名只能使用小写字母、数字和 . _ -")
    if session.scalar(select(User.id).where(User.username == username)):
        # Said next to the user-name field: choosing another name is the fix, as with any bad input.
        raise InvalidInput.field("username", f"用户名“{username}”已被使用")
    return username


def _user_snapshot(user: User) -> dict[str, object]:
    return {
        "username": user.username,
        "role": user.role.value,
        "organisation_id": user.organisation_id,
        "person_id": user.person_id,
        "active": user.active,
    }


def list_users(session: Session, *, offset: int = 0, limit: int | None = None) -> list[User]:
    """Accounts by user name, with their organisations loaded."""
    query = select(User).options(joinedload(User.organisation)).order_by(User.username).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query).all())


def count_users(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0


def user_named(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == (username or "").strip().lower()))
    if user is None:
        raise NotFound(f"没有用户“{username}”")
    return user


def user_by_id(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("没有该用户")
    return user


def set_active(
    session: Session, *, user: User, active: bool, actor: User | None = None, remote_addr: str | None = None
) -> User:
    """Disable (or enable again) an account. Disabling ends its sessions; nobody disables themselves, so an
    administrator cannot lock the last way in."""
    if actor is not None and actor.id == user.id and not active:
        raise Forbidden("不能停用自己的账号")
    if user.active == active:
        return user
    before = _user_snapshot(user)
    user.active = active
    user.session_version += 1
    if active:
        user.failed_logins = 0
        user.locked_until = None
    audit.record(session, action="user.enable" if active else "user.disable", actor=actor, object_type="user",
                 object_id=user.id, before=before, after=_user_snapshot(user), remote_addr=remote_addr)
    return user


def reset_password(session: Session, *, user: User, actor: User | None = None, remote_addr: str | None = None) -> str:
    """Give the account a generated password (returned once), to be changed at the next sign-in; unlocks it and
    ends its sessions."""
    password = passwords.generate_password()
    user.password_hash = passwords.hash_password(password)
    user.must_change_password = True
    user.failed_logins = 0
    user.locked_until = None
    user.session_version += 1
    audit.record(session, action="user.reset_password", actor=actor, object_type="user", object_id=user.id,
                 remote_addr=remote_addr)
    return password


def change_password(
    session: Session, *, user: User, current: str, new: str, remote_addr: str | None = None
) -> User:
    """The user replaces their own password: the current one is checked, the new one must be strong and
    different. Other sessions of the account end."""
    if not passwords.verify_password(user.password_hash, current):
        raise InvalidInput.field("current", "当前密码不正确")
    problems = passwords.strength_problems(new, username=user.username)
    if problems:
        raise InvalidInput("新密码强度不够", {"new": problems})
    if passwords.verify_password(user.password_hash, new):
        raise InvalidInput.field("new", "新密码不能与当前密码相同")
    user.password_hash = passwords.hash_password(new)
    user.must_change_password = False
    user.session_version += 1
    audit.record(session, action="user.change_password", actor=user, object_type="user", object_id=user.id,
                 remote_addr=remote_addr)
    return user


# -- sign-in ---------------------------------------------------------------------------------------


def authenticate(session: Session, *, username: str, password: str, remote_addr: str | None = None) -> User:
    """Check a sign-in. Returns the user (its failure count cleared, ``last_login_at`` set) or raises
    :class:`LockedOut` / :class:`SignInRefused`; either way the attempt is audited in ``session``, which the
    caller commits even when this raises."""
    now = now_utc()
    name = (username or "").strip().lower()[:64]
    user = session.scalar(select(User).where(User.username == name).with_for_update()) if name else None
    if user is not None and user.locked_until is not None and _aware(user.locked_until) > now:
        audit.record(session, action="auth.sign_in_locked", actor=user, object_type="user", object_id=user.id,
                     remote_addr=remote_addr)
        # The hash is still checked so that a locked account answers as slowly as any other.
        passwords.verify_password(user.password_hash, password)
        raise LockedOut(_aware(user.locked_until))
    good = passwords.verify_password(user.password_hash if user is not None else None, password)
    if user is None or not good or not user.active:
        _failed(session, user, name, now, remote_addr, wrong_password=user is not None and not good)
        raise SignInRefused()
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if passwords.needs_rehash(user.password_hash or ""):
        user.password_hash = passwords.hash_password(password)
    audit.record(session, action="auth.sign_in", actor=user, object_type="user", object_id=user.id,
                 remote_addr=remote_addr)
    return user


def _failed(
    session: Session, user: User | None, name: str, now: dt.datetime, remote_addr: str | None, *, wrong_password: bool
) -> None:
    audit.record(session, action="auth.sign_in_failed", actor=user, actor_label=name or "(空)",
                 object_type="user", object_id=user.id if user is not None else None,
                 after={"reason": "inactive" if user is not None and not wrong_password else "credentials"},
                 remote_addr=remote_addr)
    if user is None or not wrong_password:
        return
    user.failed_logins += 1
    if user.failed_logins >= LOCK_THRESHOLD:
        user.locked_until = now + dt.timedelta(minutes=LOCK_MINUTES)
        user.failed_logins = 0
        audit.record(session, action="auth.locked_out", actor=user, object_type="user", object_id=user.id,
                     after={"until": user.locked_until.isoformat()}, remote_addr=remote_addr)
        session.flush()
        raise LockedOut(user.locked_until)


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite hands timestamps back naive; they were stored as UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def sign_out(session: Session, *, user: User, remote_addr: str | None = None, reason: str = "user") -> None:
    """Record that a session ended (by the user, or by the idle or absolute timeout)."""
    audit.record(session, action="auth.sign_out", actor=user, object_type="user", object_id=user.id,
                 after={"reason": reason}, remote_addr=remote_addr)


#: The signed-in user of a web request, with the organisation (staff's scope needs its region) but not the person
#: (a seeker's pages read what they need of it). Built once: every signed-in request runs it.
_SIGNED_IN_USER = select(User).options(joinedload(User.organisation)).where(User.id == bindparam("user_id"))


def active_user(session: Session, user_id: int, session_version: int) -> User | None:
    """The signed-in user behind a web session, or None when the account was disabled or its password changed
    since the session began."""
    user = session.scalar(_SIGNED_IN_USER, {"user_id": user_id})
    if user is None or not user.active or user.session_version != session_version:
        return None
    return user


__all__ = [
    "LOCK_MINUTES",
    "LOCK_THRESHOLD",
    "LockedOut",
    "NewUser",
    "SignInRefused",
    "active_user",
    "add_organisation",
    "add_user",
    "authenticate",
    "change_password",
    "count_users",
    "list_organisations",
    "list_users",
    "organisation_by_id",
    "organisation_named",
    "region_name",
    "reset_password",
    "set_active",
    "sign_out",
    "user_by_id",
    "user_named",
]
