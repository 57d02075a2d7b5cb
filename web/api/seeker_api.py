"""The seeker's own API, next to ``GET /me/offers`` (``web.api.views``): answering an offer and the in-app inbox.
The same use cases as the phone pages (``web.seeker``): ``jobs.placements.matches.answer_offer`` and
``jobs.service.inbox``, with the token's user as the actor, so another seeker's offer or message is 404."""

from __future__ import annotations

from flask import g
from marshmallow import Schema, fields, validate

from jobs.placements.matches import answer_offer
from jobs.service import inbox
from jobs.storage.clock import now_utc
from web.api import schemas as s
from web.api.views import _blueprint, _runtime, _seeker

me_seeker = _blueprint("me_seeker", "/me", "求职者本人：回复岗位推荐、站内消息")
BLUEPRINTS = (me_seeker,)
MAX_MESSAGES = 100


class InterestBody(s.Input):
    interested = fields.Boolean(required=True, metadata={"description": "true：感兴趣；false：不感兴趣"})
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200),
                           metadata={"description": "原因（可不填）"})


class InterestOut(Schema):
    match_id = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"description": "interested（有意向）或 declined（已谢绝）"})
    status_label = fields.String()
    answer_note = fields.String(allow_none=True)
    answered_at = fields.AwareDateTime(allow_none=True)


class MessageArgs(s.PageArgs):
    unread = fields.Boolean(load_default=False, metadata={"description": "只列未读消息"})


class MessageOut(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    body = fields.String(required=True)
    created_at = fields.AwareDateTime()
    read_at = fields.AwareDateTime(allow_none=True)
    unread = fields.Boolean()


MessagePage = s.page_of(MessageOut, "MessagePage")


@me_seeker.post("/offers/<int:match_id>/interest")
@me_seeker.arguments(InterestBody)
@me_seeker.response(200, InterestOut)
@me_seeker.alt_response(403, schema=s.Problem, description="非求职者账号")
@me_seeker.alt_response(404, schema=s.Problem, description="不是本人的岗位推荐")
@me_seeker.alt_response(409, schema=s.Problem, description="该推荐已不能回复（已谢绝、已撤回或已就业）")
def answer(body, match_id):
    """求职者回复一条岗位推荐：感兴趣或不感兴趣（可附原因）；感兴趣会出现在经纪人和县人社的“求职者意向”中"""
    user = _seeker()
    with _runtime().db.transaction() as db:
        match = answer_offer(db, match_id=match_id, interested=body["interested"], reason=body["reason"],
                             actor=user, now=now_utc())
        return {"match_id": match.id, "status": match.status.value, "status_label": match.status.label,
                "answer_note": match.answer_note, "answered_at": match.answered_at}


def _message(message) -> dict:
    return {"id": message.id, "title": message.title, "body": message.body, "created_at": _aware(message.created_at),
            "read_at": _aware(message.read_at), "unread": message.read_at is None}


def _aware(moment):
    import datetime as dt

    return moment if moment is None or moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


@me_seeker.get("/messages")
@me_seeker.arguments(MessageArgs, location="query")
@me_seeker.response(200, MessagePage)
def messages(args):
    """当前用户的站内消息（岗位推送、培训信息、职业指导、出发通知等），未读的在前，其次按时间从新到旧"""
    page, per_page = args["page"], args["per_page"]
    with _runtime().db.session() as db:
        found = inbox.inbox(db, user=g.api_user, unread_only=args["unread"], limit=MAX_MESSAGES * 10)
        total = inbox.unread_count(db, user=g.api_user) if args["unread"] else None
    found.sort(key=lambda m: (m.read_at is not None, -m.id))
    total = len(found) if total is None else min(total, len(found))
    items = [_message(m) for m in found[(page - 1) * per_page:page * per_page]]
    return {"items": items, "total": total, "page": page, "per_page": per_page,
            "pages": max(1, -(-total // per_page))}


@me_seeker.post("/messages/<int:message_id>/read")
@me_seeker.arguments(s.EmptyBody, required=False)
@me_seeker.response(200, MessageOut)
@me_seeker.alt_response(404, schema=s.Problem, description="不是本人的消息")
def read_message(body, message_id):
    """把一条消息标为已读"""
    with _runtime().db.transaction() as db:
        return _message(inbox.mark_read(db, user=g.api_user, message_id=message_id, now=now_utc()))
