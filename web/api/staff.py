"""The staff endpoints of the API beyond people, posts, placements, dispatches and claims (:mod:`web.api.views`):
matches, pushes, the training catalogue, revealing one person's clear numbers, and revoking a claim. Same
patterns: reads through :mod:`jobs.access.queries`, changes through the use cases with the token's user as the
actor, so scoping (404 outside), role rules (403) and the audit trail are those of the pages."""

from __future__ import annotations

import dataclasses

from flask import g

from jobs.access import queries
from jobs.people.reveal import reveal_person
from jobs.subsidy import claims as claim_cases
from web.api import schemas as s
from web.api.views import _blueprint, _decided, _decision, _page, _runtime, claims, people

matches = _blueprint("matches", "/matches", "人岗匹配结果")
pushes = _blueprint("pushes", "/pushes", "信息推送（岗位信息、培训信息、职业指导）")
training_courses = _blueprint("training_courses", "/training-courses", "职业技能培训目录")
BLUEPRINTS = (matches, pushes, training_courses)


@matches.get("")
@matches.arguments(s.MatchArgs, location="query")
@matches.response(200, s.MatchPage)
def list_matches(args):
    """可见劳动力的人岗匹配结果，匹配度高的在前；按劳动力、岗位、状态筛选"""
    with _runtime().db.session() as db:
        return _page(queries.matches(db, g.api_user, **args))


@pushes.get("")
@pushes.arguments(s.PushArgs, location="query")
@pushes.response(200, s.PushPage)
@pushes.alt_response(422, schema=s.Problem, description="筛选条件有误")
def list_pushes(args):
    """可见劳动力收到的信息推送，新的在前；按劳动力、推送类别、发送日期（北京时间）筛选"""
    with _runtime().db.session() as db:
        return _page(queries.pushes(db, g.api_user, **args))


@training_courses.get("")
@training_courses.arguments(s.CourseArgs, location="query")
@training_courses.response(200, s.CoursePage)
@training_courses.alt_response(422, schema=s.Problem, description="筛选条件有误")
def list_training_courses(args):
    """职业技能培训目录，按开班日期排序；按地区（行政区划代码）、职业代码、开班日期筛选"""
    with _runtime().db.session() as db:
        return _page(queries.training_courses(db, g.api_user, **args))


@people.post("/<int:person_id>/reveal")
@people.arguments(s.RevealBody)
@people.response(200, s.RevealedOut)
@people.alt_response(403, schema=s.Problem, description="该角色无权查看完整号码")
@people.alt_response(404, schema=s.Problem, description="不存在或不在可见范围内")
def reveal(body, person_id):
    """查看一名劳动力的完整身份证号或电话（须说明原因，记入审计日志；县级工作人员和经纪人）"""
    runtime = _runtime()
    with runtime.db.transaction() as db:
        revealed = reveal_person(db, runtime.vault, person_id=person_id, actor=g.api_user, reason=body["reason"],
                                 fields=tuple(body["fields_"]))
    return dataclasses.asdict(revealed)


@claims.post("/<int:claim_id>/revoke")
@claims.arguments(s.RevokeBody)
@claims.response(200, s.ClaimOut)
@_decision
def revoke(body, claim_id):
    """撤销一条已审核或已发放的补贴申领（须说明原因，如事后发现不符合条件）"""
    with _runtime().db.transaction() as db:
        claim_cases.revoke_claim(db, claim_id, actor=g.api_user, reason=body["reason"])
    return _decided(claim_id)
