"""The project stands on its own: nothing in it points to documents a user who installs bangfu does not have.

Requirements documents kept outside the repository are not shipped; the project's own documentation is in
``docs/`` (formats and command contracts, policy rules, architecture), and policy rules cite the policy
documents themselves by document number and article.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Written in pieces so that this file does not match itself.
OUTSIDE = re.compile("|".join(("POLICIES" r"\.md", "FORMATS" r"\.md", "DESIGN" r"\.md", "STYLE" r"\.md", "shared" "/")))
CHECKED_SUFFIXES = {".py", ".md", ".yaml", ".yml", ".cfg", ".toml", ".html", ".txt"}
SKIPPED_FOLDERS = {".git", ".venv", ".venv-ci", "build", "dist", "__pycache__", ".pytest_cache"}


def _project_files():
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT)
        if any(part in SKIPPED_FOLDERS or part.endswith(".egg-info") for part in relative.parts):
            continue
        if path.is_file() and path.suffix in CHECKED_SUFFIXES:
            yield relative, path


def test_no_file_points_to_documents_outside_the_project():
    found = [f"{relative}:{number}: {line.strip()}"
             for relative, path in _project_files()
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if OUTSIDE.search(line)]
    assert found == []


def test_the_projects_own_documents_exist_and_link_to_each_other():
    docs = ROOT / "docs"
    for name in ("formats.md", "policies.md", "architecture.md"):
        assert (docs / name).is_file(), name
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert all(f"docs/{name}" in readme for name in ("formats.md", "policies.md", "architecture.md"))
