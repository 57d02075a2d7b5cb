"""The supply side a workstation keeps, through the test client: uploading a supply list (checked with its row
errors in the page and its error report, stored only once confirmed, imported as a task with a status page),
its lists, employers and posts (paginated, filtered), editing an employer and a post (audited before and after,
the form keeping what was typed when refused) and closing a post. Another city's employers and posts answer 404.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from jobs.storage.enums import PostStatus, Role
from jobs.storage.models import AuditEvent, Employer, Post, SupplyList, Task
from tests.factories import make_employer, make_post
from tests.jobs.lists.gallery import DONGGUAN_FIRM, SUPPLY_HEADERS, supply_list, write_xlsx
from tests.web.conftest import csrf_token


@dataclass(frozen=True)
class Supply:
    employer_id: int  # a 东莞 employer: kept by the 东莞 workstation
    post_id: int
    other_employer_id: int  # a 苏州 employer and post: not the workstation's
    other_post_id: int


@pytest.fixture
def supply(runtime, people_of_every_role) -> Supply:
    with runtime.db.transaction() as session:
        here = make_employer(session, name="东莞市长安精密五金厂", region_code="441900")
        there = make_employer(session, name="苏州某电子厂", region_code="320506")
        post = make_post(session, employer=here, title="冲压工", region_code="441900")
        other = make_post(session, employer=there, title="装配工", region_code="320506")
        return Supply(here.id, post.id, there.id, other.id)


@pytest.fixture
def station(client, signed_in):
    signed_in(Role.WORKSTATION_STAFF)
    return client


def post(client, url: str, data: dict, *, page: str, **kwargs):
    token = csrf_token(client.get(page).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)


def upload(client, data: bytes, name: str = "东莞岗位.xlsx"):
    return post(client, "/station/supply/upload", {"file": (io.BytesIO(data), name)}, page="/station/supply/upload",
                content_type="multipart/form-data")


def posts_stored(runtime) -> list[str]:
    with runtime.db.session() as session:
        return sorted(session.scalars(select(Post.title)))


def test_a_supply_list_with_bad_rows_is_checked_reported_and_stored_only_once_confirmed(station, runtime, tmp_path):
    before = posts_stored(runtime)
    checked = upload(station, supply_list(tmp_path).read_bytes())
    assert checked.status_code == 302 and "/station/supply/upload/" in checked.location
    page = station.get(checked.location).get_data(as_text=True)
    # The rows' errors in the page: row, column, the value as written, the Chinese message.
    assert "校验结果" in page and "有问题的行" in page and "<td>7</td>" in page and "招聘人数" in page
    assert "下载错误报告" in page and "确认导入" in page
    assert posts_stored(runtime) == before  # checking stores nothing
    report = station.get(checked.location + "/report")
    assert report.status_code == 200 and "attachment" in report.headers["Content-Disposition"]
    rows = [[cell.value for cell in row] for row in load_workbook(io.BytesIO(report.data)).active.iter_rows()]
    assert any(row[-2] == 7 for row in rows) and any("某厂" in str(row) for row in rows)
    assert posts_stored(runtime) == before  # neither does the report
    confirmed = post(station, checked.location + "/confirm", {}, page=checked.location)
    assert confirmed.status_code == 302 and "/tasks/" in confirmed.location
    status = station.get(confirmed.location).get_data(as_text=True)
    assert "已完成" in status and "导入完成" in status and "100%" in status
    assert "普工（长白班）" in posts_stored(runtime)
    with runtime.db.session() as session:
        task = session.scalars(select(Task)).one()
        assert task.payload is None and task.done == task.total  # the upload is not kept once imported
        stored = session.scalars(select(SupplyList)).one()
        assert stored.region_code == "4419"  # the workstation's city
    assert "东莞市2025年岗位供给清单" in station.get("/station/supply").get_data(as_text=True)
    # Confirmed once: the same token neither imports again nor shows the confirm form.
    assert post(station, checked.location + "/confirm", {}, page="/station/supply").status_code == 409
    assert station.get(checked.location).status_code == 302


def test_a_clean_supply_list_is_stored_on_confirmation(station, runtime, tmp_path):
    rows = [["东莞市2026年第二批岗位"], SUPPLY_HEADERS,
            [1, DONGGUAN_FIRM, None, "质检员", "5", "广东省东莞市长安镇", "5000-6000", "18-45", "高中", None, "轻",
             "包吃包住", "1年", "李经理", "13900139001", None, None]]
    checked = upload(station, write_xlsx(tmp_path / "clean.xlsx", rows).read_bytes())
    page = station.get(checked.location).get_data(as_text=True)
    assert "没有发现问题" in page and "有问题的行" not in page
    post(station, checked.location + "/confirm", {}, page=checked.location)
    assert "质检员" in posts_stored(runtime)


def test_an_upload_is_refused_in_the_page_and_a_token_belongs_to_its_user(station, client, runtime, tmp_path,
                                                                          people_of_every_role):
    wrong = upload(station, b"not a list", "list.pdf")
    assert wrong.status_code == 422 and "清单文件应为 .xlsx 或 .csv" in wrong.get_data(as_text=True)
    unreadable = upload(station, b"\x00\x01garbage", "list.xlsx")
    assert unreadable.status_code == 422 and 'class="error"' in unreadable.get_data(as_text=True)
    checked = upload(station, supply_list(tmp_path).read_bytes())
    assert station.get("/station/supply/upload/not-a-token").status_code == 404
    # Another user (an administrator may open the workspace) cannot use this user's token.
    station.post("/logout", data={"csrf_token": csrf_token(station.get("/").get_data(as_text=True))})
    from tests.web.conftest import sign_in
    admin = people_of_every_role[Role.ADMIN]
    assert sign_in(station, admin.username, admin.password).status_code == 302
    assert station.get(checked.location).status_code == 404
    assert station.get(checked.location + "/report").status_code == 404


def test_the_confirm_step_needs_the_csrf_token(station, runtime, tmp_path):
    checked = upload(station, supply_list(tmp_path).read_bytes())
    refused = station.post(checked.location + "/confirm", data={})
    assert refused.status_code == 400 and "安全校验码" in refused.get_data(as_text=True)
    with runtime.db.session() as session:
        assert session.scalars(select(Task.status)).one().value == "staged"


def test_the_lists_show_only_what_the_workstation_keeps_and_filter(station, supply):
    posts = station.get("/station/posts").get_data(as_text=True)
    assert "冲压工" in posts and "装配工" not in posts
    assert "冲压工" not in station.get("/station/posts?text=焊").get_data(as_text=True)
    assert "冲压工" in station.get("/station/posts?text=长安精密&status=open").get_data(as_text=True)
    assert "冲压工" not in station.get("/station/posts?status=closed").get_data(as_text=True)
    employers = station.get("/station/employers").get_data(as_text=True)
    assert "东莞市长安精密五金厂" in employers and "苏州某电子厂" not in employers
    assert "东莞市长安精密五金厂" not in station.get("/station/employers?text=苏州").get_data(as_text=True)
    assert station.get(f"/station/posts?employer={supply.employer_id}&page=2").status_code == 200


def test_a_post_is_edited_with_chinese_errors_that_keep_what_was_typed_and_audited(station, runtime, supply):
    url = f"/station/posts/{supply.post_id}/edit"
    form = station.get(url).get_data(as_text=True)
    assert 'value="冲压工"' in form and 'value="7000"' in form
    unreadable = post(station, url, {"title": "冲压工（夜班）", "headcount": "abc"}, page=url)
    text = unreadable.get_data(as_text=True)
    assert unreadable.status_code == 422 and "应填写整数" in text
    assert 'value="冲压工（夜班）"' in text and 'value="abc"' in text  # what was typed stays
    refused = post(station, url, {"title": "冲压工（夜班）", "headcount": "12", "wage_min": "6000",
                                  "wage_max": "5000", "age_min": "18", "age_max": "80"}, page=url)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "月薪上限不能低于下限" in text and "年龄应在 16 到 70 岁之间" in text
    assert 'value="冲压工（夜班）"' in text and 'value="5000"' in text and 'value="80"' in text
    done = post(station, url, {"title": "冲压工（夜班）", "headcount": "12", "wage_min": "6000", "wage_max": "8000",
                               "age_min": "18", "age_max": "45", "education": "初中毕业", "board": "y",
                               "closing_date": "2026-12-31"}, page=url)
    assert done.status_code == 302
    with runtime.db.session() as session:
        stored = session.get(Post, supply.post_id)
        assert (stored.title, stored.headcount, stored.wage_max, stored.education, stored.board) == \
            ("冲压工（夜班）", 12, 8000, "初中", True)
        event = session.scalars(select(AuditEvent).where(AuditEvent.object_type == "post",
                                                         AuditEvent.action == "update")).one()
        assert event.before["title"] == "冲压工" and event.after["title"] == "冲压工（夜班）"
        assert event.before["wage_max"] == 9000 and event.after["wage_max"] == 8000
        assert event.actor == "workstationstaff"
    assert "已保存岗位" in station.get("/station/posts").get_data(as_text=True)


def test_an_employer_is_edited_and_audited(station, runtime, supply):
    url = f"/station/employers/{supply.employer_id}/edit"
    refused = post(station, url, {"name": "东莞市长安精密五金有限公司", "credit_code": "123"}, page=url)
    assert refused.status_code == 422 and 'value="东莞市长安精密五金有限公司"' in refused.get_data(as_text=True)
    assert "统一社会信用代码" in refused.get_data(as_text=True)
    assert post(station, url, {"name": "东莞市长安精密五金有限公司", "credit_code": ""}, page=url).status_code == 302
    with runtime.db.session() as session:
        assert session.get(Employer, supply.employer_id).name == "东莞市长安精密五金有限公司"
        event = session.scalars(select(AuditEvent).where(AuditEvent.object_type == "employer")).one()
        assert (event.before, event.after) == ({"name": "东莞市长安精密五金厂"}, {"name": "东莞市长安精密五金有限公司"})


def test_a_post_is_closed_once(station, runtime, supply):
    closed = post(station, f"/station/posts/{supply.post_id}/close", {}, page="/station/posts")
    assert closed.status_code == 302
    with runtime.db.session() as session:
        assert session.get(Post, supply.post_id).status is PostStatus.CLOSED
        assert session.scalars(select(AuditEvent).where(AuditEvent.action == "post.close")).one().actor == \
            "workstationstaff"
    again = post(station, f"/station/posts/{supply.post_id}/close", {}, page="/station/posts")
    assert again.status_code == 409 and "已关闭" in again.get_data(as_text=True)


def test_another_citys_employers_and_posts_answer_404(station, runtime, supply):
    for url in (f"/station/posts/{supply.other_post_id}/edit", f"/station/employers/{supply.other_employer_id}/edit"):
        assert station.get(url).status_code == 404
    assert post(station, f"/station/posts/{supply.other_post_id}/close", {}, page="/station/posts").status_code == 404
    assert post(station, f"/station/posts/{supply.other_post_id}/edit", {"title": "x"},
                page="/station/posts").status_code == 404
    with runtime.db.session() as session:
        assert session.get(Post, supply.other_post_id).status is PostStatus.OPEN
        denials = session.scalars(select(AuditEvent).where(AuditEvent.action == "access.denied")).all()
        assert len(denials) >= 3


def test_county_staff_may_not_open_the_supply_pages(client, signed_in, supply):
    signed_in(Role.COUNTY_STAFF)
    assert client.get("/station/posts").status_code == 403
    assert client.get(f"/station/posts/{supply.post_id}/edit").status_code == 403
