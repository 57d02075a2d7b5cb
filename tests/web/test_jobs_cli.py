"""``bangfu jobs``, ``bangfu outbox`` and ``bangfu service report`` on a small world."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from jobs.storage.enums import OrganisationKind, Role
from jobs.storage.models import Organisation, User
from tests.factories import make_person
from tests.jobs.service.world import build_world
from web.cli import cli


@pytest.fixture
def world(runtime, frozen_clock):
    with runtime.db.writer() as session:  # build_world matches: run_matching commits its batches
        built = build_world(session, runtime.vault)
        session.commit()
        return {"covered": [p.id for p in built["covered"]]}


def _json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_jobs_list_shows_every_job_with_its_trigger_and_last_run(runner, world):
    _json(runner.invoke(cli, ["jobs", "run", "job-information", "--as-of", "2025-01-06", "--format", "json"]))
    jobs = {job["name"]: job for job in _json(runner.invoke(cli, ["jobs", "list", "--format", "json"]))}
    assert {"job-information", "training-information", "guidance", "job-loss", "checks-due", "claims",
            "monthly-ledger", "close-posts", "rematch"} <= set(jobs)
    pushed = jobs["job-information"]
    assert pushed["trigger"] == {"hour": "10", "minute": "0"} and pushed["next_run"]
    assert pushed["last_run"]["period"] == "2025-01-06" and pushed["last_run"]["status"] == "done"
    assert pushed["last_run"]["counts"]["job_pushes"] == len(world["covered"])
    assert jobs["rematch"]["last_run"] is None


def test_jobs_run_twice_for_one_day_runs_once_and_a_dry_run_changes_nothing(runner, world):
    dry = _json(runner.invoke(cli, ["jobs", "run", "guidance", "--as-of", "2025-03-02", "--dry-run",
                                    "--format", "json"]))
    assert dry["status"] == "dry_run" and dry["counts"]["guidance"] == len(world["covered"])
    first = _json(runner.invoke(cli, ["jobs", "run", "guidance", "--as-of", "2025-03-02", "--format", "json"]))
    assert first["status"] == "done" and first["counts"]["guidance"] == len(world["covered"])
    again = _json(runner.invoke(cli, ["jobs", "run", "guidance", "--as-of", "2025-03-02", "--format", "json"]))
    assert again["status"] == "already_done"


def test_an_unknown_job_is_bad_usage(runner, world):
    result = runner.invoke(cli, ["jobs", "run", "no-such-job"])
    assert result.exit_code == 2 and "没有名为" in result.output


def test_simulate_then_report_then_outbox(runner, world, tmp_path):
    summary = _json(runner.invoke(cli, ["jobs", "simulate", "--from", "2025-01-01", "--to", "2025-03-31",
                                        "--format", "json"]))
    assert summary["failed"] == [] and summary["runs"] > 0
    assert summary["totals"]["job-information"]["job_pushes"] == len(world["covered"])
    again = _json(runner.invoke(cli, ["jobs", "simulate", "--from", "2025-01-01", "--to", "2025-03-31",
                                      "--format", "json"]))
    assert again["runs"] == 0 and again["delivery"]["sent"] == 0

    output = tmp_path / "达标.xlsx"
    report = _json(runner.invoke(cli, ["service", "report", "--year", "2025", "--county", "宁乡市",
                                       "--format", "json", "-o", str(output)]))
    assert set(report) == {"year", "counties"} and report["year"] == 2025
    (county,) = report["counties"]
    assert set(county) == {"county", "name", "eligible", "met", "job_pushes", "training_pushes", "guidance",
                           "laggards"}
    assert (county["county"], county["name"], county["eligible"]) == ("430182", "宁乡市", 4)
    # By March each has one job push, one guidance, one training push: two job pushes still missing.
    assert county["met"] == 0 and len(county["laggards"]) == 4
    laggard = county["laggards"][0]
    assert set(laggard) == {"person_id", "id_number", "missing"}
    assert "********" in laggard["id_number"]
    assert laggard["missing"] == {"job": 2, "training": 0, "guidance": 0}
    assert load_workbook(output)["未达标人员"].max_row == 5

    sms = _json(runner.invoke(cli, ["outbox", "list", "--channel", "sms", "--format", "json"]))
    assert sms and all(m["status"] == "sent" and all(len(p) <= 70 for p in m["parts"]) for m in sms)
    assert all("****" in m["recipient"] for m in sms)
    text = runner.invoke(cli, ["outbox", "list", "--channel", "sms"])
    assert text.exit_code == 0 and "短信" in text.output


def test_the_report_for_a_year_without_a_pack_in_force_is_empty(runner, world):
    report = _json(runner.invoke(cli, ["service", "report", "--year", "2026", "--format", "json"]))
    assert report == {"year": 2026, "counties": []}


def _staff(runtime, username: str, region: str) -> None:
    with runtime.db.transaction() as session:
        office = Organisation(name=f"{region}人社局", kind=OrganisationKind.COUNTY_OFFICE, region_code=region)
        session.add(User(username=username, display_name=username, role=Role.COUNTY_STAFF, organisation=office))


def test_the_report_for_a_user_counts_only_the_people_in_that_users_scope(runner, runtime, world):
    with runtime.db.transaction() as session:  # a seeker of 湘潭县, covered by the same "311" standard
        make_person(session, runtime.vault, name="周湘潭", household_region_code="430321",
                    issuing_code="430321")
    _json(runner.invoke(cli, ["jobs", "simulate", "--from", "2025-01-01", "--to", "2025-01-31", "--format", "json"]))
    _staff(runtime, "changsha", "4301")  # a city-level office sees its counties
    _staff(runtime, "xiangtan", "430321")

    def counties(*options):
        report = _json(runner.invoke(cli, ["service", "report", "--year", "2025", "--format", "json", *options]))
        return {c["county"]: c["eligible"] for c in report["counties"]}

    assert counties() == {"430182": 4, "430321": 1}  # the system sees everyone
    assert counties("--user", "ningxiang") == {"430182": 4}
    assert counties("--user", "changsha") == {"430182": 4}
    assert counties("--user", "xiangtan") == {"430321": 1}
    assert counties("--user", "xiangtan", "--county", "宁乡市") == {}  # another county's people stay unseen


def test_the_report_workbook_for_a_user_counts_the_pushes_of_their_people_only(runner, runtime, world, tmp_path):
    with runtime.db.transaction() as session:
        make_person(session, runtime.vault, name="周湘潭", household_region_code="430321",
                    issuing_code="430321")
    _json(runner.invoke(cli, ["jobs", "run", "job-information", "--as-of", "2025-01-06", "--format", "json"]))
    _staff(runtime, "xiangtan", "430321")
    output = tmp_path / "湘潭.xlsx"
    _json(runner.invoke(cli, ["service", "report", "--year", "2025", "--user", "xiangtan", "--format", "json",
                              "-o", str(output)]))
    months = load_workbook(output)["按月推送"]
    assert [row[1] for row in months.iter_rows(min_row=2, max_row=2, values_only=True)] == [1]


def test_the_report_for_an_unknown_user_is_bad_usage(runner, world):
    result = runner.invoke(cli, ["service", "report", "--year", "2025", "--user", "nobody"])
    assert result.exit_code == 2 and "没有名为“nobody”的有效用户" in result.stderr
