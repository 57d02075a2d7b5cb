"""Demand and supply lists as users keep them in Excel: templates, import, error reports and exports.

The contracts are FORMATS.md §1 (demand list), §2 (supply list) and §4 (the import summary). Modules:

* :mod:`~jobs.lists.columns`: the canonical columns and tolerant header recognition;
* :mod:`~jobs.lists.reading`: xlsx (streamed, read-only) and CSV (UTF-8, BOM, GB18030), header detection;
* :mod:`~jobs.lists.values`: cell normalisers (wages, ages, headcounts, terms, dates, enumerations …);
* :mod:`~jobs.lists.importing`: the one import run, read → validate → store → report (crash and resume
  are described there);
* :mod:`~jobs.lists.demand` / :mod:`~jobs.lists.supply`: the two importers;
* :mod:`~jobs.lists.report`, :mod:`~jobs.lists.templates`, :mod:`~jobs.lists.export`.
"""

from jobs.lists.demand import import_demand
from jobs.lists.export import (
    ExportResult,
    export_demand,
    export_stable,
    export_supply,
    may_reveal,
    record_export_reveal,
    verified_months,
)
from jobs.lists.importing import ImportResult, ListOptionError, RowError
from jobs.lists.reading import ListSource, NotAList
from jobs.lists.report import record_report_reveal, write_error_report
from jobs.lists.supply import import_supply
from jobs.lists.templates import write_template

__all__ = [
    "ExportResult",
    "ImportResult",
    "ListOptionError",
    "ListSource",
    "NotAList",
    "RowError",
    "export_demand",
    "export_stable",
    "export_supply",
    "import_demand",
    "import_supply",
    "may_reveal",
    "record_export_reveal",
    "record_report_reveal",
    "verified_months",
    "write_error_report",
    "write_template",
]
