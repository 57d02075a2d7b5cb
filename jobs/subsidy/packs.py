"""Loading policy packs and deciding which pack governs a county on a day.

docs/policies.md, "Which pack applies": on any day, the pack that *governs* an origin county is the most
specific pack in force that covers it (county > prefecture > province > national). An expired pack is never
stretched: outside its effective period a pack governs nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Iterable, Sequence
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from marshmallow import ValidationError

from jobs.subsidy.schema import Pack, PackSchema, flatten_errors

__all__ = [
    "Governing",
    "PackError",
    "covering",
    "governing",
    "governing_pack",
    "load_pack",
    "parse_pack",
    "shipped_packs",
]


class PackError(ValueError):
    """A pack file that cannot be loaded; ``messages`` lists every problem in Chinese, with its path."""

    def __init__(self, messages: list[str], source: str = "") -> None:
        self.messages = list(messages)
        self.source = source
        where = f"（{source}）" if source else ""
        super().__init__(f"政策文件{where}有误：\n" + "\n".join(f"- {m}" for m in self.messages))


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses duplicate keys, which PyYAML would otherwise silently overwrite."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"重复的键 {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node: yaml.Node) -> Any:
        """An impossible date (``2025-02-30``) stays text, for the schema to name, instead of failing in
        PyYAML with a bare ValueError."""
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)


_UniqueKeyLoader.add_constructor("tag:yaml.org,2002:timestamp", _UniqueKeyLoader.construct_yaml_timestamp)

#: How deeply a pack's YAML may nest (the real ones nest 5 levels): deeper nesting is refused before PyYAML's
#: recursive constructor could exhaust the stack.
MAX_DEPTH = 50


def check_depth(text: str, *, limit: int = MAX_DEPTH) -> str | None:
    """A Chinese message when ``text`` opens more than ``limit`` nested ``[``/``{`` brackets or block levels
    (counted from the parser's events, not by recursion), else None."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > limit:
                    mark = event.start_mark
                    return f"YAML嵌套超过{limit}层（第{mark.line + 1}行第{mark.column + 1}列），请检查括号"
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return None  # the loader reports the syntax error with its position
    return None


def _yaml_message(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    where = f"（第{mark.line + 1}行第{mark.column + 1}列）" if mark is not None else ""
    problem = getattr(exc, "problem", None) or str(exc)
    return f"YAML格式错误{where}：{problem}"


def parse_pack(text: str, *, source: str = "") -> Pack:
    """Validate YAML text as a pack; raise PackError listing every problem."""
    deep = check_depth(text)
    if deep is not None:
        raise PackError([deep], source)
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise PackError([_yaml_message(exc)], source) from None
    except (ValueError, OverflowError, RecursionError) as exc:
        raise PackError([f"YAML内容无法读取：{type(exc).__name__}"], source) from None
    if not isinstance(data, dict):
        raise PackError(["文件内容必须是一个映射（键: 值），以 id、document_number 等字段开头"], source)
    try:
        return PackSchema().load(data)
    except ValidationError as exc:
        raise PackError(flatten_errors(exc.messages), source) from None


def load_pack(source: str | os.PathLike[str] | Traversable) -> Pack:
    """Load a pack from a file path (``Path``, resource, or a one-line ``str``) or from YAML text.

    A ``str`` that contains a line break is taken as the YAML text itself; any other ``str`` is a path.
    """
    if isinstance(source, str) and "\n" in source:
        return parse_pack(source)
    path: Path | Traversable = Path(source) if isinstance(source, (str, os.PathLike)) else source
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PackError([f"无法读取文件：{exc}"], str(path)) from None
    return parse_pack(text, source=str(path))


def shipped_packs() -> list[Pack]:
    """The packs shipped with the project (``jobs/policies/*.yaml``), sorted by id."""
    return list(_shipped())


@functools.cache
def _shipped() -> tuple[Pack, ...]:
    # Packs are frozen, so the parsed files can be shared between callers.
    folder = resources.files("jobs").joinpath("policies")
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name)
    return tuple(sorted((load_pack(f) for f in files), key=lambda p: p.id))


def _specificity_key(pack: Pack) -> tuple[int, int, str]:
    """Sort key: more specific first; at the same level the later-effective (newer) document first, then id."""
    return (-int(pack.level), -pack.effective_from.toordinal(), pack.id)


def covering(packs: Iterable[Pack], county_code: str) -> list[Pack]:
    """Packs whose jurisdiction covers the county, whatever their dates; most specific first."""
    return sorted((p for p in packs if p.covers(county_code)), key=_specificity_key)


def governing_pack(packs: Iterable[Pack], county_code: str, day: dt.date) -> Pack | None:
    """The pack governing the county on ``day``: the most specific covering pack in force, or None.

    Two packs of the same level in force on the same day (an overlap a newer document should not leave) are
    resolved in favour of the later effective_from, then the smaller id, so the answer is deterministic.
    """
    return next((p for p in covering(packs, county_code) if p.in_force(day)), None)


class Governing(NamedTuple):
    """The governing pack (or None) and a Chinese sentence saying why."""

    pack: Pack | None
    explanation: str


def governing(packs: Sequence[Pack], county_code: str, day: dt.date) -> Governing:
    """Which pack governs the county on ``day``, with the reason in Chinese.

    e.g. ``湘人社规〔2021〕10号 覆盖湖南省（43），2021-07-26至2025-12-31有效；无更具体的文件``.
    """
    candidates = covering(packs, county_code)
    chosen = next((p for p in candidates if p.in_force(day)), None)
    if chosen is None:
        if not candidates:
            return Governing(None, f"{day.isoformat()}：没有任何已载入的政策文件覆盖{county_code}")
        periods = "；".join(f"{p.document_number} {p.period_label}有效" for p in candidates)
        return Governing(None, f"{day.isoformat()}：覆盖{county_code}的政策文件均不在有效期内（{periods}）")
    head = f"{chosen.document_number} 覆盖{chosen.area_label}，{chosen.period_label}有效"
    more_specific = [p for p in candidates if p.level > chosen.level]
    same_level = [p for p in candidates if p.level == chosen.level and p is not chosen and p.in_force(day)]
    if more_specific:
        names = "、".join(p.document_number for p in more_specific)
        tail = f"更具体的{names}在{day.isoformat()}不在有效期内"
    else:
        tail = "无更具体的文件"
    if same_level:
        names = "、".join(p.document_number for p in same_level)
        tail += f"；同级的{names}同时有效，以较新的文件为准"
    return Governing(chosen, f"{head}；{tail}")
