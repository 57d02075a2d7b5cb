"""Demand and supply lists as users keep them in Excel: templates, import, error reports and exports.

The contracts are in docs/formats.md (the demand list, the supply list and the import summary). Modules:

* :mod:`~jobs.lists.columns`: the canonical columns and tolerant header recognition;
* :mod:`~jobs.lists.reading`: xlsx (streamed, read-only) and CSV (UTF-8, BOM, GB18030), header detection;
* :mod:`~jobs.lists.values`: cell normalisers (wages, ages, headcounts, terms, dates, enumerations …);
* :mod:`~jobs.lists.importing`: the one import run, read → validate → store → report (crash and resume
  are described there);
* :mod:`~jobs.lists.demand` / :mod:`~jobs.lists.supply`: the two importers;
* :mod:`~jobs.lists.report`, :mod:`~jobs.lists.templates`, :mod:`~jobs.lists.export`.
"""

import importlib
from typing import Any

# Where each public name lives. Imported on first use, so that a command that needs one part (``bangfu match``
# reads lists but exports nothing) does not pay for the others (the subsidy engine behind the stable export).
_PUBLIC = {
    "ExportResult": "jobs.lists.export",
    "ImportResult": "jobs.lists.importing",
    "ListOptionError": "jobs.lists.importing",
    "ListSource": "jobs.lists.reading",
    "NotAList": "jobs.lists.reading",
    "RowError": "jobs.lists.importing",
    "export_demand": "jobs.lists.export",
    "export_stable": "jobs.lists.export",
    "export_supply": "jobs.lists.export",
    "import_demand": "jobs.lists.demand",
    "import_supply": "jobs.lists.supply",
    "record_export_reveal": "jobs.lists.export",
    "record_report_reveal": "jobs.lists.report",
    "verified_months": "jobs.lists.export",
    "write_error_report": "jobs.lists.report",
    "write_template": "jobs.lists.templates",
}


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'jobs.lists' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_PUBLIC])


__all__ = sorted(_PUBLIC)
