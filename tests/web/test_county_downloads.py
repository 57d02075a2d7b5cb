"""The county staff's downloads and re-matching through the test client: the public notice (公示名单, xlsx and a
printable page), the subsidy ledger and the work-status ledger, each of the county's own people only with ID
numbers masked; and "重新匹配" run as a task whose status page shows done/total and refreshes until it ends."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from jobs.service.tasks import run_task, start_rematch
from jobs.storage.enums import PersonCategory, Role, TaskStatus
from jobs.storage.models import Match, Person, Task, User
from tests.factories import make_employer, make_person, make_post
from tests.web.conftest import csrf_token
from tests.web.test_county_pages import claims_world, county  # noqa: F401 (fixtures)


def cells(data: bytes) -> list[str]:
    return [str(cell.value) for row in load_workbook(io.BytesIO(data)).active.iter_rows() for cell in row
            if cell.value is not None]


def test_the_public_notice_is_the_countys_with_id_numbers_masked(county, runtime, claims_world):
    with runtime.db.session() as session:
        clear = runtime.vault.decrypt(session.get(Person, claims_world.person_id).id_number_encrypted)
    answer = county.get("/county/downloads/notice.xlsx")
    assert answer.status_code == 200 and "attachment" in answer.headers["Content-Disposition"]
    found = cells(answer.data)
    assert "王五" in found and "湘潭人" not in found
    assert clear not in " ".join(found) and any(v.startswith(clear[:6]) and "*" in v for v in found)
    printable = county.get("/county/downloads/notice.html")
    text = printable.get_data(as_text=True)
    assert printable.status_code == 200 and "公示名单" in text and "王五" in text and clear not in text
    assert "湘潭人" not in text


def test_the_ledgers_are_the_countys(county, runtime, claims_world):
    ledger = cells(county.get("/county/downloads/ledger.xlsx").data)
    assert "宁乡市" in " ".join(ledger) and "湘潭" not in " ".join(ledger)
    with runtime.db.transaction() as session:
        poor = make_person(session, runtime.vault, name="陈九", household_region_code="430182",
                           category=PersonCategory.LIFTED_OUT_OF_POVERTY)
        clear = runtime.vault.decrypt(poor.id_number_encrypted)
        make_person(session, runtime.vault, name="外县人", household_region_code="430321",
                    category=PersonCategory.LIFTED_OUT_OF_POVERTY)
    work = cells(county.get("/county/downloads/work-ledger.xlsx").data)
    assert "陈九" in work and "外县人" not in work and clear not in " ".join(work)
    page = county.get("/county/downloads").get_data(as_text=True)
    assert "补贴公示名单" in page and "重新匹配" in page


def test_rematching_runs_as_a_task_with_a_status_page(county, runtime, people_of_every_role):
    with runtime.db.transaction() as session:
        make_post(session, employer=make_employer(session), title="电焊工", region_code="441900")
        make_person(session, runtime.vault, name="刘十", household_region_code="430182")  # wants 电焊工
    page = county.get("/county/downloads").get_data(as_text=True)
    started = county.post("/county/rematch", data={"csrf_token": csrf_token(page)})
    assert started.status_code == 302 and "/tasks/" in started.location
    status = county.get(started.location).get_data(as_text=True)
    assert "重新匹配" in status and "已完成" in status and "已重新匹配" in status
    assert 'http-equiv="refresh"' not in status  # finished: no more refreshing
    with runtime.db.session() as session:
        task = session.scalars(select(Task)).one()
        assert task.status is TaskStatus.DONE and task.done == task.total >= 2
        assert session.scalars(select(Match)).first() is not None
    assert county.post("/county/rematch", data={}).status_code == 400  # no CSRF token


def test_a_running_task_page_refreshes_and_shows_its_progress(county, runtime, people_of_every_role, client):
    with runtime.db.transaction() as session:
        for index in range(3):
            make_person(session, runtime.vault, name=f"待匹配{index}", household_region_code="430182")
        user = session.get(User, people_of_every_role[Role.COUNTY_STAFF].user_id)
        task_id = start_rematch(session, actor=user)
    queued = county.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' in queued and "排队中" in queued and "0 / 4" in queued
    run_task(runtime.db, runtime.vault, task_id)
    done = county.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "已完成" in done and "4 / 4" in done and "100%" in done


def test_a_task_is_seen_by_its_user_only(client, runtime, people_of_every_role, signed_in):
    with runtime.db.transaction() as session:
        user = session.get(User, people_of_every_role[Role.COUNTY_STAFF].user_id)
        task_id = start_rematch(session, actor=user)
    signed_in(Role.WORKSTATION_STAFF)
    assert client.get(f"/tasks/{task_id}").status_code == 404


def test_outside_tests_the_task_runs_in_a_thread_of_its_own(app, county, runtime):
    import threading

    app.config["TASKS_INLINE"] = False
    page = county.get("/county/downloads").get_data(as_text=True)
    started = county.post("/county/rematch", data={"csrf_token": csrf_token(page)})
    task_id = int(started.location.rsplit("/", 1)[1])
    worker = next((t for t in threading.enumerate() if t.name == f"bangfu-task-{task_id}"), None)
    if worker is not None:  # else it has finished already
        worker.join(timeout=60)
        assert not worker.is_alive()
    assert "已完成" in county.get(started.location).get_data(as_text=True)
