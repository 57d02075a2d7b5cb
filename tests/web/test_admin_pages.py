"""The administrator's pages: users, organisations, policy packs, the audit log; 403 for everyone else."""

from __future__ import annotations

from importlib import resources

import pytest
from sqlalchemy import select

from jobs.access import accounts
from jobs.storage.enums import Role
from jobs.storage.models import AuditEvent, PolicyPack
from tests.web.conftest import STAFF_ROLES, csrf_token, sign_in

ADMIN_PAGES = ["/admin/users", "/admin/users/new", "/admin/organisations", "/admin/organisations/new",
               "/admin/policies", "/admin/policies/upload", "/admin/policies/which", "/admin/audit"]


def token_from(client, url: str) -> str:
    return csrf_token(client.get(url).get_data(as_text=True))


@pytest.mark.parametrize("role", [r for r in (*STAFF_ROLES, Role.SEEKER) if r is not Role.ADMIN], ids=str)
def test_other_roles_get_403_on_every_admin_page_and_each_refusal_is_audited(client, runtime, signed_in, role):
    account = signed_in(role)
    for url in ADMIN_PAGES:
        response = client.get(url)
        assert response.status_code == 403 and "没有权限" in response.get_data(as_text=True)
    with runtime.db.session() as session:
        denied = session.scalars(select(AuditEvent.object_id).where(
            AuditEvent.action == "access.denied", AuditEvent.actor == account.username)).all()
    assert sorted(denied) == sorted(ADMIN_PAGES)


def test_the_admin_menu_is_shown_to_administrators_only(client, signed_in):
    signed_in(Role.COUNTY_STAFF)
    assert "/admin/users" not in client.get("/").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": token_from(client, "/")})
    signed_in(Role.ADMIN)
    page = client.get("/").get_data(as_text=True)
    for url in ("/admin/users", "/admin/organisations", "/admin/policies", "/admin/audit"):
        assert f'href="{url}"' in page


def test_the_user_list_shows_each_account_with_its_role_and_organisation(client, signed_in):
    signed_in(Role.ADMIN)
    page = client.get("/admin/users").get_data(as_text=True)
    for text in ("countystaff", "县级工作人员", "宁乡市人社局", "workstationstaff", "宁乡驻东莞工作站", "seeker"):
        assert text in page


def test_adding_a_user_shows_the_generated_password_once_and_never_puts_it_in_the_cookie(client, runtime, signed_in):
    signed_in(Role.ADMIN)
    with runtime.db.session() as session:
        organisation = accounts.organisation_named(session, "宁乡市众诚劳务")
    response = client.post("/admin/users/new", data={
        "username": "zhaoliu", "display_name": "赵六", "role": "broker", "organisation": str(organisation.id),
        "id_number": "", "csrf_token": token_from(client, "/admin/users/new")})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "初始密码" in page
    password = page.split('class="secret">')[1].split("<")[0]
    assert password not in (response.headers.get("Set-Cookie") or "")
    assert response.headers["Cache-Control"] == "no-store"
    client.post("/logout", data={"csrf_token": csrf_token(page)})
    assert sign_in(client, "zhaoliu", password).status_code == 302
    assert client.get("/").headers["Location"] == "/account/password"


def test_a_refused_user_keeps_what_was_typed_and_says_what_is_wrong_next_to_the_field(client, signed_in):
    signed_in(Role.ADMIN)
    response = client.post("/admin/users/new", data={
        "username": "countystaff", "display_name": "重名的人", "role": "county_staff", "organisation": "0",
        "id_number": "", "csrf_token": token_from(client, "/admin/users/new")})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="重名的人"' in page and 'value="countystaff"' in page
    assert '<div class="error">用户名“countystaff”已被使用</div>' in page
    no_org = client.post("/admin/users/new", data={
        "username": "newclerk", "role": "county_staff", "organisation": "0", "csrf_token": csrf_token(page)})
    assert '<div class="error">工作人员账号需要指定所属机构</div>' in no_org.get_data(as_text=True)


def test_a_user_of_the_wrong_organisation_kind_is_refused_in_chinese(client, runtime, signed_in):
    signed_in(Role.ADMIN)
    with runtime.db.session() as session:
        county = accounts.organisation_named(session, "宁乡市人社局")
    response = client.post("/admin/users/new", data={
        "username": "wrongkind", "role": "broker", "organisation": str(county.id),
        "csrf_token": token_from(client, "/admin/users/new")})
    assert response.status_code == 422
    assert "劳务经纪人只能属于劳务经纪机构" in response.get_data(as_text=True)


def test_disabling_a_user_ends_their_session_and_enabling_lets_them_back(app, client, signed_in, people_of_every_role):
    broker = people_of_every_role[Role.BROKER]
    other = app.test_client()
    sign_in(other, broker.username, broker.password)
    signed_in(Role.ADMIN)
    response = client.post(f"/admin/users/{broker.user_id}/disable", data={"csrf_token": token_from(client, "/admin/users")})
    assert response.status_code == 302
    assert "已停用用户 broker" in client.get("/admin/users").get_data(as_text=True)
    assert other.get("/").status_code == 302
    assert sign_in(other, broker.username, broker.password).status_code == 401
    client.post(f"/admin/users/{broker.user_id}/enable", data={"csrf_token": token_from(client, "/admin/users")})
    assert sign_in(other, broker.username, broker.password).status_code == 302


def test_an_administrator_cannot_disable_themselves(client, signed_in):
    admin = signed_in(Role.ADMIN)
    response = client.post(f"/admin/users/{admin.user_id}/disable", data={"csrf_token": token_from(client, "/admin/users")})
    assert response.status_code == 403 and "不能停用自己的账号" in response.get_data(as_text=True)


def test_resetting_a_password_unlocks_the_account_and_forces_a_change(client, signed_in, people_of_every_role):
    county = people_of_every_role[Role.COUNTY_STAFF]
    signed_in(Role.ADMIN)
    response = client.post(f"/admin/users/{county.user_id}/reset-password",
                           data={"csrf_token": token_from(client, "/admin/users")})
    page = response.get_data(as_text=True)
    new_password = page.split('class="secret">')[1].split("<")[0]
    client.post("/logout", data={"csrf_token": csrf_token(page)})
    assert sign_in(client, county.username, county.password).status_code == 401
    assert sign_in(client, county.username, new_password).status_code == 302
    assert client.get("/").headers["Location"] == "/account/password"


def test_organisations_are_listed_and_added_with_errors_next_to_the_field(client, signed_in):
    signed_in(Role.ADMIN)
    page = client.get("/admin/organisations").get_data(as_text=True)
    assert "宁乡市人社局" in page and "湖南省长沙市宁乡市" in page
    bad = client.post("/admin/organisations/new", data={
        "name": "火星劳务站", "kind": "workstation", "region": "火星",
        "csrf_token": token_from(client, "/admin/organisations/new")})
    bad_page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'value="火星劳务站"' in bad_page and "火星" in bad_page
    assert 'class="field has-error"' in bad_page
    good = client.post("/admin/organisations/new", data={
        "name": "湘潭县人社局", "kind": "county_office", "region": "湘潭县",
        "csrf_token": token_from(client, "/admin/organisations/new")})
    assert good.status_code == 302
    assert "湘潭县人社局" in client.get("/admin/organisations").get_data(as_text=True)


@pytest.fixture
def shipped_packs(runtime):
    """The packs ``bangfu db upgrade`` stores (a PostgreSQL test database is emptied between tests)."""
    from jobs.subsidy.policy_store import seed_shipped

    with runtime.db.transaction() as session:
        seed_shipped(session)


def shipped_pack(name: str = "hunan-2021-10.yaml") -> str:
    return resources.files("jobs").joinpath("policies", name).read_text(encoding="utf-8")


def upload(client, content: bytes, *, load: bool, filename: str = "pack.yaml"):
    import io

    data = {"file": (io.BytesIO(content), filename), "csrf_token": token_from(client, "/admin/policies/upload")}
    data["load" if load else "check"] = "1"
    return client.post("/admin/policies/upload", data=data, content_type="multipart/form-data")


def test_the_policy_list_shows_every_stored_version(client, signed_in, shipped_packs):
    signed_in(Role.ADMIN)
    page = client.get("/admin/policies").get_data(as_text=True)
    assert "湘人社规〔2021〕10号" in page and "现行" in page


def test_a_broken_policy_file_is_refused_with_every_problem_shown(client, runtime, signed_in):
    signed_in(Role.ADMIN)
    with runtime.db.session() as session:
        before = len(session.scalars(select(PolicyPack.id)).all())
    broken = shipped_pack().replace("effective_from:", "effective_fromm:", 1).encode("utf-8")
    response = upload(client, broken, load=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "政策文件有误，未载入" in page and "<li>" in page
    with runtime.db.session() as session:
        assert len(session.scalars(select(PolicyPack.id)).all()) == before


def test_a_policy_file_can_be_checked_without_storing_it_and_loaded_as_a_new_version(
    client, runtime, signed_in, shipped_packs
):
    signed_in(Role.ADMIN)
    changed = (shipped_pack() + "\n# 修订：补充说明\n").encode("utf-8")
    checked = upload(client, changed, load=False)
    assert checked.status_code == 200 and "校验通过" in checked.get_data(as_text=True)
    loaded = upload(client, changed, load=True)
    assert loaded.status_code == 200 and "已载入（第 2 版）" in loaded.get_data(as_text=True)
    with runtime.db.session() as session:
        actions = session.scalars(select(AuditEvent.actor).where(AuditEvent.action == "policy_pack.load")
                                  .order_by(AuditEvent.id.desc())).first()
    assert actions == "admin"


def test_an_upload_without_a_file_or_not_in_utf8_is_refused_in_chinese(client, signed_in):
    signed_in(Role.ADMIN)
    assert "请选择要上传的政策文件" in upload(client, b"", load=False).get_data(as_text=True)
    assert "UTF-8" in upload(client, "规则".encode("gbk"), load=False).get_data(as_text=True)


def test_which_pack_governs_a_county_on_a_day(client, signed_in, shipped_packs):
    signed_in(Role.ADMIN)
    page = client.get("/admin/policies/which?region=430182&day=2024-03-01").get_data(as_text=True)
    assert "湖南省长沙市宁乡市" in page and "湘人社规〔2021〕10号" in page
    unknown = client.get("/admin/policies/which?region=火星&day=2024-03-01")
    assert unknown.status_code == 422 and 'value="火星"' in unknown.get_data(as_text=True)
    bad_day = client.get("/admin/policies/which?region=430182&day=2024-13-01")
    assert bad_day.status_code == 422 and "日期格式应为" in bad_day.get_data(as_text=True)


def test_the_audit_log_filters_by_action_and_actor_and_pages(app, client, signed_in, people_of_every_role):
    for _ in range(3):
        sign_in(app.test_client(), "broker", "wrong-password-1")
    signed_in(Role.ADMIN)
    page = client.get("/admin/audit?action=auth.sign_in_failed&actor=broker").get_data(as_text=True)
    assert page.count("<td>auth.sign_in_failed</td>") == 3 and "共 3 条" in page
    everything = client.get("/admin/audit?action=auth.").get_data(as_text=True)
    assert "<td>auth.sign_in</td>" in everything and "127.0.0.1" in everything


def test_the_audit_log_pages_fifty_at_a_time(app, client, runtime, signed_in):
    from jobs.storage import audit

    with runtime.db.transaction() as session:
        for number in range(120):
            audit.record(session, action="test.event", object_type="thing", object_id=number)
    signed_in(Role.ADMIN)
    first = client.get("/admin/audit?action=test.").get_data(as_text=True)
    assert "第 1 / 3 页，共 120 条" in first and first.count("<td>test.event</td>") == 50
    third = client.get("/admin/audit?action=test.&page=3").get_data(as_text=True)
    assert third.count("<td>test.event</td>") == 20
    assert 'href="/admin/audit?action=test.&amp;page=2"' in third
