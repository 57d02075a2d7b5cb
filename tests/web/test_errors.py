"""One handler maps the domain's refusals: 404, 403, 409 and 422 (with field errors); JSON problems for the API,
a Chinese page otherwise; an audited denial is kept although the refused transaction was rolled back. The
command line maps the same refusals to its three exit statuses."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from jobs.access.permissions import visible
from jobs.errors import Conflict, Forbidden, InvalidInput, NotFound
from jobs.storage.enums import Role
from jobs.storage.models import AuditEvent, Person, User
from tests.factories import make_person, make_user
from web import runtime_of
from web.cli_support import EXIT_BAD_INPUT, EXIT_FAILED, exit_status

REFUSALS = {
    "missing": NotFound("补贴申领7不存在"),
    "forbidden": Forbidden("劳务经纪人“b1”无权审核该补贴申领"),
    "conflict": Conflict("补贴申领7当前状态为“已发放”"),
    "invalid": InvalidInput.field("reference", "发放补贴须填写支付凭证号"),
}


@pytest.fixture
def refusing_app(app):
    def refuse(kind: str):
        raise REFUSALS[kind]

    app.add_url_rule("/api/refuse/<kind>", "api_refuse", refuse)
    app.add_url_rule("/refuse/<kind>", "page_refuse", refuse)
    return app


@pytest.mark.parametrize(("kind", "status"), [("missing", 404), ("forbidden", 403), ("conflict", 409),
                                              ("invalid", 422)])
def test_the_api_answers_a_problem_document_with_the_status_of_the_refusal(refusing_app, kind, status):
    response = refusing_app.test_client().get(f"/api/refuse/{kind}")
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert (body["status"], body["detail"]) == (status, REFUSALS[kind].message)
    if kind == "invalid":
        assert body["errors"] == {"reference": ["发放补贴须填写支付凭证号"]}


def test_pages_answer_a_chinese_page_with_the_message_and_the_field_errors(refusing_app):
    response = refusing_app.test_client().get("/refuse/invalid")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and response.mimetype == "text/html"
    assert "提交的数据有误" in page and "发放补贴须填写支付凭证号" in page
    assert "没有权限" in refusing_app.test_client().get("/refuse/forbidden").get_data(as_text=True)


def test_a_denial_is_kept_in_the_audit_log_after_the_request_rolled_back(app):
    runtime = runtime_of(app)
    with runtime.db.transaction() as session:
        person_id = make_person(session, runtime.vault, household_region_code="430321").id
        clerk_id = make_user(session, role=Role.COUNTY_STAFF, region_code="430182").id

    def person_page(person_id: int):
        with runtime.db.transaction() as session:
            visible(session, session.get(User, clerk_id), Person, person_id)
        return "ok"

    app.add_url_rule("/api/people/<int:person_id>", "person_page", person_page)
    assert app.test_client().get(f"/api/people/{person_id}").status_code == 404
    with runtime.db.session() as session:
        (denial,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "access.denied"))
        assert (denial.actor_user_id, denial.object_type, denial.object_id) == (clerk_id, "person", str(person_id))


def test_the_command_line_folds_refusals_into_its_three_exit_statuses():
    assert [exit_status(REFUSALS[k]) for k in ("invalid", "missing", "forbidden", "conflict")] == [
        EXIT_BAD_INPUT, EXIT_BAD_INPUT, EXIT_FAILED, EXIT_FAILED]
