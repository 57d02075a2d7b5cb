"""The ``bangfu`` console script: a Flask CLI group over the app factory, so ``bangfu --help`` lists everything.

Exit status (FORMATS.md §4): 0 done (even if some rows were rejected), 1 the command failed, 2 bad usage or an
unreadable input. Commands that report results take ``--format json`` and then print one JSON document on
stdout; progress goes to stderr.
"""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from web import create_app
from web.commands import db, demo, keys, policy, region, scenario, serve
from web.commands import claims, match, occupation
from web.commands import lists
from web.commands import jobs, outbox, scheduler, service, training


# Flask's own development commands (run, shell, routes) are left out: `bangfu serve` is the way to serve.
@click.group(
    cls=FlaskGroup, create_app=create_app, add_default_commands=False, add_version_option=False, load_dotenv=False
)
def cli() -> None:
    """帮扶（bangfu）：就业帮扶人岗匹配与劳务输出服务平台的命令行。"""


cli.add_command(db.db_group)
cli.add_command(region.region_group)
cli.add_command(demo.demo)
cli.add_command(keys.keys_group)
cli.add_command(serve.serve)
cli.add_command(lists.template)
cli.add_command(lists.import_group)
cli.add_command(lists.export_group)
cli.add_command(policy.policy_group)
cli.add_command(scenario.scenario_group)
cli.add_command(occupation.occupation_group)
cli.add_command(claims.claims_group)
cli.add_command(match.match_group)
cli.add_command(jobs.jobs_group)
cli.add_command(outbox.outbox_group)
cli.add_command(service.service_group)
cli.add_command(scheduler.scheduler_command)
cli.add_command(training.training_group)


def main() -> None:
    cli.main(prog_name="bangfu")
