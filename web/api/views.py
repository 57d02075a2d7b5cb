"""The API's endpoints: each reads through :mod:`jobs.access.queries` or calls a use case with the token's user
as the actor, so scoping (404 outside), role rules (403) and the audit trail are those of the pages."""

from __future__ import annotations

import dataclasses

from flask import current_app, g, request
from flask_smorest import Blueprint as SmorestBlueprint
from webargs.flaskparser import FlaskParser

from jobs.access import accounts, queries, tokens
from jobs.errors import DomainError, Forbidden
from jobs.storage.clock import now_utc
from jobs.storage.enums import Role
from jobs.subsidy import claims as claim_cases
from web import runtime_of
from web.api import bearer_token, schemas as s
from web.reads import read_session, shares_read_session
from web.security import limiter_of, remote_addr


class Unauthorized(DomainError):
    """No valid bearer token: missing, unknown, expired, revoked, or its user disabled or re-passworded."""

    status = 401


def _runtime():
    return runtime_of(current_app)


def _authenticate() -> None:
    token = bearer_token()
    if token is None:
        raise Unauthorized("缺少接口令牌：请在请求头中提供 Authorization: Bearer <令牌>")
    database = _runtime().db
    # A read session (begins deferred: never SQLite's write lock); what was loaded is kept, detached. A hot read's
    # view reads on in this session (web.reads).
    with read_session(detach=True) as db:
        found = tokens.user_for_token(db, token)
        if found is None:
            raise Unauthorized("接口令牌无效、已过期或已撤销，请重新申请")
        user, row = found
        g.api_token_id, g.api_token_expires = row.id, row.expires_at
        now = now_utc()
        due = tokens.token_use_due(row, now)
    if due:  # at most once a minute per token
        with database.transaction() as db:
            tokens.note_token_use(db, token_id=row.id, now=now)
    g.api_user = user


class StrictParser(FlaskParser):
    """webargs ignores unknown query parameters by default; here every schema's own ``unknown = RAISE`` holds,
    so a misspelt filter is refused instead of silently listing everything."""

    DEFAULT_UNKNOWN_BY_LOCATION: dict[str, str | None] = {}


class Blueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = StrictParser()

    def alt_response(self, status_code, *, schema=None, content_type=None, **kwargs):
        """An error answer (a :class:`~web.api.schemas.Problem`) is documented as ``application/problem+json``,
        the media type ``web.errors`` answers it with."""
        if schema is s.Problem and content_type is None:
            content_type = s.PROBLEM_JSON
        return super().alt_response(status_code, schema=schema, content_type=content_type, **kwargs)


def _blueprint(name: str, prefix: str, description: str, *, authenticated: bool = True) -> Blueprint:
    blueprint = Blueprint(f"api_{name}", __name__, url_prefix=prefix, description=description)
    if authenticated:
        blueprint.before_request(_authenticate)
    return blueprint


auth = _blueprint("auth", "/auth", "令牌：以用户名和密码换取，或撤销", authenticated=False)
me = _blueprint("me", "/me", "当前用户")
people = _blueprint("people", "/people", "劳动力（身份证号、电话均遮盖）")
posts = _blueprint("posts", "/posts", "岗位")
placements = _blueprint("placements", "/placements", "就业安置")
claims = _blueprint("claims", "/claims", "补贴申领：查看、审核、驳回、发放")
dispatches = _blueprint("dispatches", "/dispatches", "劳务输出批次")
BLUEPRINTS = (auth, me, people, posts, placements, claims, dispatches)


def _page(found: queries.Page) -> dict:
    return {"items": found.items, "total": found.total, "page": found.page, "per_page": found.per_page,
            "pages": found.pages}


# ------------------------------------------------------------------------------------------------------------
# Tokens


@auth.post("/token")
@auth.arguments(s.TokenRequest)
@auth.response(201, s.TokenResponse)
@auth.alt_response(401, schema=s.Problem, description="用户名或密码错误，或账号已锁定")
@auth.alt_response(429, schema=s.Problem, description="尝试过于频繁")
@auth.doc(security=[])
def token(body):
    """以用户名和密码换取接口令牌（有效期1天）"""
    refused = None
    with _runtime().db.transaction() as db:
        try:
            issued = tokens.token_for_password(db, username=body["username"], password=body["password"],
                                               remote_addr=remote_addr())
        except accounts.SignInRefused as error:
            refused = error  # the failed attempt and any lock-out are committed with the audit trail
    if refused is not None:
        raise refused
    return {"access_token": issued.token, "token_type": "Bearer", "expires_at": issued.expires_at,
            "token_id": issued.token_id}


@auth.delete("/token")
@auth.response(204)
@auth.alt_response(401, schema=s.Problem, description="令牌无效")
def revoke():
    """撤销本次请求所用的令牌"""
    _authenticate()
    with _runtime().db.transaction() as db:
        tokens.revoke_token(db, token_id=g.api_token_id, actor=g.api_user, remote_addr=remote_addr())
    return ""


def _account_key() -> str:
    body = request.get_json(silent=True)
    name = body.get("username") if isinstance(body, dict) else None
    return "api-account:" + (name if isinstance(name, str) else "").strip().lower()[:64]


def limit_token_endpoint(app) -> None:
    """The token endpoint is limited exactly like the sign-in page (per address and per account name): it is the
    same password check. Wrapped here because each app has its own limiter (see ``web.auth``)."""
    limiter = limiter_of(app)
    message = "登录尝试过于频繁，请稍后再试"
    endpoint = f"{auth.name}.token"
    limited = limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"],
                            error_message=message)(app.view_functions[endpoint])
    limited = limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"],
                            key_func=_account_key, error_message=message)(limited)
    app.view_functions[endpoint] = limited


# ------------------------------------------------------------------------------------------------------------
# The caller


@me.get("")
@me.response(200, s.MeOut)
def whoami():
    """当前令牌对应的用户"""
    user = g.api_user
    return {"id": user.id, "username": user.username, "display_name": user.display_name, "role": user.role.value,
            "organisation": user.organisation.name if user.organisation else None, "person_id": user.person_id,
            "token_expires_at": g.api_token_expires}


@me.get("/offers")
@shares_read_session
@me.arguments(s.PageArgs, location="query")
@me.response(200, s.OfferPage)
@me.alt_response(403, schema=s.Problem, description="非求职者账号")
def my_offers(args):
    """求职者本人的岗位推荐，匹配度高的在前"""
    user = _seeker()
    with read_session() as db:
        return _page(queries.offers_for_seeker(db, user, user.person_id, **args))


def _seeker():
    user = g.api_user
    if user.role is not Role.SEEKER:
        raise Forbidden("此接口只对求职者本人开放，工作人员请用 /api/v1/placements 和 /api/v1/claims")
    return user


@me.get("/placements")
@me.arguments(s.PageArgs, location="query")
@me.response(200, s.PlacementPage)
@me.alt_response(403, schema=s.Problem, description="非求职者账号")
def my_placements(args):
    """求职者本人的就业安置"""
    user = _seeker()
    runtime = _runtime()
    with runtime.db.session() as db:
        return _page(queries.placements(db, user, vault=runtime.vault, person_id=user.person_id, **args))


@me.get("/claims")
@me.arguments(s.PageArgs, location="query")
@me.response(200, s.ClaimPage)
@me.alt_response(403, schema=s.Problem, description="非求职者账号")
def my_claims(args):
    """与求职者本人有关的补贴（交通补贴、为其支付的介绍补贴等）"""
    user = _seeker()
    runtime = _runtime()
    with runtime.db.session() as db:
        return _page(queries.claims(db, user, vault=runtime.vault, person_id=user.person_id, **args))


# ------------------------------------------------------------------------------------------------------------
# People


@people.get("")
@people.arguments(s.PeopleArgs, location="query")
@people.response(200, s.PeoplePage)
def list_people(args):
    """可见范围内的劳动力，按姓名、身份证号后4位、村组、就业状态、人员类别、劳动能力、意向工种筛选"""
    page, per_page = args.pop("page"), args.pop("per_page")
    runtime = _runtime()
    with runtime.db.session() as db:
        return _page(queries.people(db, g.api_user, queries.PeopleFilters(**args), vault=runtime.vault, page=page,
                                    per_page=per_page))


@people.get("/<int:person_id>")
@people.response(200, s.PersonDetailOut)
@people.alt_response(404, schema=s.Problem, description="不存在或不在可见范围内")
def get_person(person_id):
    """一名劳动力及其岗位推荐、就业安置和补贴"""
    runtime = _runtime()
    with runtime.db.session() as db:
        detail = queries.person_detail(db, g.api_user, person_id, vault=runtime.vault)
    return {**dataclasses.asdict(detail.person), "offers": detail.offers, "placements": detail.placements,
            "claims": detail.claims}


@people.get("/<int:person_id>/offers")
@people.arguments(s.PageArgs, location="query")
@people.response(200, s.OfferPage)
@people.alt_response(404, schema=s.Problem, description="不存在或不在可见范围内")
def person_offers(args, person_id):
    """一名劳动力的岗位推荐"""
    with _runtime().db.session() as db:
        return _page(queries.offers_for_seeker(db, g.api_user, person_id, **args))


# ------------------------------------------------------------------------------------------------------------
# Posts, placements, dispatches


@posts.get("")
@posts.arguments(s.PostArgs, location="query")
@posts.response(200, s.PostPage)
def list_posts(args):
    """可见的岗位，按状态、地区（行政区划代码）、职业代码筛选"""
    with _runtime().db.session() as db:
        return _page(queries.posts(db, g.api_user, **args))


@posts.get("/<int:post_id>")
@posts.response(200, s.PostOut)
@posts.alt_response(404, schema=s.Problem, description="不存在或不在可见范围内")
def get_post(post_id):
    """一个岗位"""
    with _runtime().db.session() as db:
        return queries.post(db, g.api_user, post_id)


@placements.get("")
@placements.arguments(s.PlacementArgs, location="query")
@placements.response(200, s.PlacementPage)
def list_placements(args):
    """可见的就业安置，按状态或劳动力筛选"""
    runtime = _runtime()
    with runtime.db.session() as db:
        return _page(queries.placements(db, g.api_user, vault=runtime.vault, **args))


@placements.get("/<int:placement_id>")
@placements.response(200, s.PlacementOut)
@placements.alt_response(404, schema=s.Problem, description="不存在或不在可见范围内")
def get_placement(placement_id):
    """一条就业安置"""
    runtime = _runtime()
    with runtime.db.session() as db:
        return queries.placement(db, g.api_user, placement_id, vault=runtime.vault)


@dispatches.get("")
@dispatches.arguments(s.DispatchArgs, location="query")
@dispatches.response(200, s.DispatchPage)
def list_dispatches(args):
    """可见的劳务输出批次（县：本县输出；工作站：到达本市；经纪人：本机构组织）"""
    with _runtime().db.session() as db:
        return _page(queries.dispatches(db, g.api_user, **args))


@dispatches.get("/<int:dispatch_id>")
@dispatches.response(200, s.DispatchOut)
@dispatches.alt_response(404, schema=s.Problem, description="不存在或不在可见范围内")
def get_dispatch(dispatch_id):
    """一个劳务输出批次"""
    with _runtime().db.session() as db:
        return queries.dispatch(db, g.api_user, dispatch_id)


# ------------------------------------------------------------------------------------------------------------
# Claims


@claims.get("")
@claims.arguments(s.ClaimArgs, location="query")
@claims.response(200, s.ClaimPage)
def list_claims(args):
    """可见的补贴申领，按状态或劳动力筛选"""
    runtime = _runtime()
    with runtime.db.session() as db:
        return _page(queries.claims(db, g.api_user, vault=runtime.vault, **args))


@claims.get("/<int:claim_id>")
@claims.response(200, s.ClaimOut)
@claims.alt_response(404, schema=s.Problem, description="不存在或不在可见范围内")
def get_claim(claim_id):
    """一条补贴申领"""
    runtime = _runtime()
    with runtime.db.session() as db:
        return queries.claim(db, g.api_user, claim_id, vault=runtime.vault)


def _decided(claim_id: int):
    runtime = _runtime()
    with runtime.db.session() as db:
        return queries.claim(db, g.api_user, claim_id, vault=runtime.vault)


_DECISION_ERRORS = ((403, "该角色无权进行此操作"), (404, "不存在或不在可见范围内"), (409, "当前状态不允许此操作"))


def _decision(blueprint_view):
    for status, description in _DECISION_ERRORS:
        blueprint_view = claims.alt_response(status, schema=s.Problem, description=description)(blueprint_view)
    return blueprint_view


@claims.post("/<int:claim_id>/approve")
@claims.arguments(s.EmptyBody, required=False)
@claims.response(200, s.ClaimOut)
@_decision
def approve(body, claim_id):
    """审核通过一条符合条件的补贴申领（劳动力所在县的工作人员）"""
    with _runtime().db.transaction() as db:
        claim_cases.approve_claim(db, claim_id, actor=g.api_user)
    return _decided(claim_id)


@claims.post("/<int:claim_id>/reject")
@claims.arguments(s.RejectBody)
@claims.response(200, s.ClaimOut)
@_decision
def reject(body, claim_id):
    """驳回一条补贴申领（须说明原因）"""
    with _runtime().db.transaction() as db:
        claim_cases.reject_claim(db, claim_id, actor=g.api_user, reason=body["reason"])
    return _decided(claim_id)


@claims.post("/<int:claim_id>/pay")
@claims.arguments(s.PayBody)
@claims.response(200, s.ClaimOut)
@_decision
def pay(body, claim_id):
    """登记一条已审核补贴的发放（支付凭证号、发放日期）"""
    with _runtime().db.transaction() as db:
        claim_cases.pay_claim(db, claim_id, actor=g.api_user, reference=body["reference"], paid_on=body["paid_on"])
    return _decided(claim_id)
