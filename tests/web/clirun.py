"""Checks every command-line test makes of a run it relies on: it succeeded, and what it printed."""

from __future__ import annotations

import json
from typing import Any

from click.testing import Result


def succeeded(result: Result) -> Result:
    """The run exited 0 (its output is shown when it did not)."""
    assert result.exit_code == 0, result.output
    return result


def json_of(result: Result) -> Any:
    """The one JSON document a successful ``--format json`` run printed on stdout."""
    return json.loads(succeeded(result).stdout)
