"""The API's marshmallow schemas. Input schemas refuse unknown fields (``unknown=RAISE``); output schemas are
built from the read side's rows (:mod:`jobs.access.queries`), which carry ID numbers and phones masked only and
never an encrypted column."""

from __future__ import annotations

from collections.abc import Mapping

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate

from jobs.people.reveal import Revealable
from jobs.storage.enums import ClaimStatus, DispatchStatus, EmploymentStatus, LabourAbility, MatchStatus, \
    PersonCategory, PlacementStatus, PostStatus, PushKind
from web.routing import MAX_ROW_ID

MAX_PER_PAGE = 100


#: The media type of every error answer (RFC 9457).
PROBLEM_JSON = "application/problem+json"


class DecimalText(fields.Decimal):
    """A decimal written as text (``"90.0"``): exact, unlike a JSON number. Documented as a string (see
    :func:`web.api.init_app`), which is what it is on the wire."""

    def __init__(self, **kwargs):
        super().__init__(as_string=True, **kwargs)


class Input(Schema):
    class Meta:
        unknown = RAISE

    @pre_load
    def _refuse_nul(self, data, **kwargs):
        """A NUL character is refused with the field's name: no stored text may hold one (PostgreSQL cannot)."""
        if isinstance(data, Mapping):
            wrong = {key: ["不能包含空字符（\\0）"] for key, value in data.items() if _holds_nul(value)}
            if wrong:
                raise ValidationError(wrong)
        return data


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\0" in value
    if isinstance(value, Mapping):
        return any(_holds_nul(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_holds_nul(v) for v in value)
    return False


def row_id(**kwargs) -> fields.Integer:
    """An id filter: in a row id's range (1 to 2³¹−1), so a larger number is refused with its name rather than
    reaching the database."""
    return fields.Integer(validate=validate.Range(min=1, max=MAX_ROW_ID), **kwargs)


class TokenRequest(Input):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, validate=validate.Length(min=1, max=256), load_only=True)


class TokenResponse(Schema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True, metadata={"example": "Bearer"})
    expires_at = fields.AwareDateTime(required=True)
    token_id = fields.Integer(required=True)


class PageArgs(Input):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PER_PAGE))


class PeopleArgs(PageArgs):
    name = fields.String(validate=validate.Length(max=64))
    id_tail = fields.String(validate=validate.Length(equal=4), metadata={"description": "身份证号后4位"})
    village = fields.String(validate=validate.Length(max=64))
    status = fields.Enum(EmploymentStatus, by_value=True)
    category = fields.Enum(PersonCategory, by_value=True)
    ability = fields.Enum(LabourAbility, by_value=True)
    wanted = fields.String(validate=validate.Length(max=64))


class PostArgs(PageArgs):
    status = fields.Enum(PostStatus, by_value=True)
    region = fields.String(validate=validate.Length(min=2, max=12))
    occupation = fields.String(validate=validate.Length(max=16))


class PlacementArgs(PageArgs):
    status = fields.Enum(PlacementStatus, by_value=True)
    person_id = row_id()


class ClaimArgs(PageArgs):
    status = fields.Enum(ClaimStatus, by_value=True)
    person_id = row_id()


class DispatchArgs(PageArgs):
    status = fields.Enum(DispatchStatus, by_value=True)


class RejectBody(Input):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class PayBody(Input):
    reference = fields.String(required=True, validate=validate.Length(min=1, max=64))
    paid_on = fields.Date(required=True)


class EmptyBody(Input):
    pass


def page_of(item: type[Schema], name: str) -> type[Schema]:
    """The envelope of one page of a list: its items and where the page is in the whole list."""
    return Schema.from_dict({
        "items": fields.List(fields.Nested(item), required=True),
        "total": fields.Integer(required=True),
        "page": fields.Integer(required=True),
        "per_page": fields.Integer(required=True),
        "pages": fields.Integer(required=True),
    }, name=name)


class PersonOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    id_masked = fields.String(required=True, metadata={"description": "身份证号（遮盖）"})
    phone_masked = fields.String(allow_none=True, metadata={"description": "电话（遮盖）"})
    household = fields.String()
    category = fields.String()
    ability = fields.String()
    status = fields.String()
    wanted = fields.List(fields.String())


class OfferOut(Schema):
    match_id = fields.Integer(required=True)
    post_id = fields.Integer(required=True)
    title = fields.String()
    employer = fields.String()
    place = fields.String()
    wage = fields.String()
    score = DecimalText(metadata={"description": "匹配度（0–100，一位小数）", "example": "90.0"})
    reasons = fields.String()
    status = fields.String()


class PlacementOut(Schema):
    id = fields.Integer(required=True)
    person_id = fields.Integer(required=True)
    person = fields.String()
    id_masked = fields.String()
    employer = fields.String()
    title = fields.String(allow_none=True)
    place = fields.String()
    status = fields.String()
    start_date = fields.Date(allow_none=True)
    end_date = fields.Date(allow_none=True)
    broker = fields.String(allow_none=True)


class ClaimOut(Schema):
    id = fields.Integer(required=True)
    placement_id = fields.Integer()
    person_id = fields.Integer()
    person = fields.String()
    id_masked = fields.String()
    kind = fields.String()
    instalment = fields.Integer()
    status = fields.String()
    amount = fields.String(allow_none=True, metadata={"description": "金额（元，两位小数）"})
    milestone_date = fields.Date(allow_none=True)
    policy = fields.String(allow_none=True)
    fund = fields.String(allow_none=True)
    reason = fields.String()


class PersonDetailOut(PersonOut):
    offers = fields.List(fields.Nested(OfferOut))
    placements = fields.List(fields.Nested(PlacementOut))
    claims = fields.List(fields.Nested(ClaimOut))


class PostOut(Schema):
    id = fields.Integer(required=True)
    title = fields.String()
    employer = fields.String()
    place = fields.String()
    headcount = fields.Integer(allow_none=True)
    filled = fields.Integer()
    wage = fields.String()
    status = fields.String()
    closing_date = fields.Date(allow_none=True)


class DispatchOut(Schema):
    id = fields.Integer(required=True)
    key = fields.String(allow_none=True)
    origin = fields.String()
    destination = fields.String()
    departure_date = fields.Date()
    status = fields.String()
    organiser = fields.String()
    members = fields.Integer()
    arrived = fields.Integer()


class MeOut(Schema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    display_name = fields.String()
    role = fields.String(required=True)
    organisation = fields.String(allow_none=True)
    person_id = fields.Integer(allow_none=True)
    token_expires_at = fields.AwareDateTime()


PeoplePage = page_of(PersonOut, "PeoplePage")
OfferPage = page_of(OfferOut, "OfferPage")
PostPage = page_of(PostOut, "PostPage")
PlacementPage = page_of(PlacementOut, "PlacementPage")
ClaimPage = page_of(ClaimOut, "ClaimPage")
DispatchPage = page_of(DispatchOut, "DispatchPage")


class Problem(Schema):
    """An error (RFC 9457 problem details, ``application/problem+json``): Chinese ``title`` and ``detail``, and
    ``errors`` mapping each wrong field to its messages."""

    type = fields.String(metadata={"example": "about:blank"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


# ------------------------------------------------------------------------------------------------------------
# Staff lists and actions: matches, pushes, the training catalogue, revealing numbers, revoking claims


class MatchArgs(PageArgs):
    person_id = row_id()
    post_id = row_id()
    status = fields.Enum(MatchStatus, by_value=True)


class PushArgs(PageArgs):
    person_id = row_id()
    kind = fields.Enum(PushKind, by_value=True)
    date_from = fields.Date(metadata={"description": "发送日期起（含，北京时间）"})
    date_to = fields.Date(metadata={"description": "发送日期止（含，北京时间）"})


class CourseArgs(PageArgs):
    region = fields.String(validate=validate.Length(min=2, max=12))
    occupation = fields.String(validate=validate.Length(max=16))
    starting_from = fields.Date(metadata={"description": "开班日期不早于"})


class RevealBody(Input):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500),
                           metadata={"description": "查看完整号码的原因（记入审计日志）"})
    fields_ = fields.List(fields.Enum(Revealable, by_value=True), data_key="fields",
                          load_default=lambda: [Revealable.PHONE],
                          validate=validate.Length(min=1, max=2),
                          metadata={"description": "要查看的号码：id_number、phone（默认 phone）"})


class RevokeBody(Input):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class MatchOut(Schema):
    id = fields.Integer(required=True)
    person_id = fields.Integer(required=True)
    person = fields.String()
    post_id = fields.Integer(required=True)
    title = fields.String()
    employer = fields.String()
    place = fields.String()
    score = DecimalText(metadata={"description": "匹配度（0–100，一位小数）", "example": "90.0"})
    reasons = fields.String()
    status = fields.String()


class PushOut(Schema):
    id = fields.Integer(required=True)
    person_id = fields.Integer(required=True)
    person = fields.String()
    kind = fields.String()
    post_id = fields.Integer(allow_none=True)
    content = fields.String()
    channel = fields.String()
    sent_on = fields.Date()
    done = fields.Boolean()


class CourseOut(Schema):
    id = fields.Integer(required=True)
    course = fields.String()
    provider = fields.String()
    place = fields.String()
    address = fields.String(allow_none=True)
    start_date = fields.Date()
    end_date = fields.Date()
    occupation = fields.String(allow_none=True)
    occupation_code = fields.String(allow_none=True)
    cost = fields.String(allow_none=True, metadata={"description": "培训费用（元）"})
    subsidy = fields.String(allow_none=True, metadata={"description": "培训补贴（元）"})
    capacity = fields.Integer(allow_none=True)
    contact = fields.String(allow_none=True)


class RevealedOut(Schema):
    person_id = fields.Integer(required=True)
    id_number = fields.String(allow_none=True, metadata={"description": "完整身份证号（未请求时为空）"})
    phone = fields.String(allow_none=True, metadata={"description": "完整电话（未请求或未登记时为空）"})


MatchPage = page_of(MatchOut, "MatchPage")
PushPage = page_of(PushOut, "PushPage")
CoursePage = page_of(CourseOut, "CoursePage")
