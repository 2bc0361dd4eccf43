"""YAML and front-matter reading that remembers the line of every key, so messages can name it.

PyYAML is imported here and in no other module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml


class LineDict(dict):
    """A mapping from YAML that knows the 1-based line of itself and of each of its keys."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[Any, int] = {}
        self.duplicates: list[tuple[Any, int]] = []


class LineList(list):
    """A sequence from YAML that knows the line of each item."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[int] = []


class _Loader(yaml.SafeLoader):
    """PyYAML's own parser, in Python: it words a mistake best (it names the tab or the alias)."""


# libyaml, PyYAML's parser in C, reads a record several times faster with the same constructors
# and line numbers (bench/yaml_loaders.py); a text it refuses is read again by _Loader, for the message.
_FastLoader = type("_FastLoader", (yaml.CSafeLoader,), {}) if getattr(yaml, "__with_libyaml__", False) else None


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in result:
            result.duplicates.append((key, line))
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = line
    return result


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList()
    result.line = node.start_mark.line + 1
    for child in node.value:
        result.append(loader.construct_object(child, deep=True))
        result.lines.append(child.start_mark.line + 1)
    return result


def _timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    # PyYAML raises ValueError on a date that looks right but is not in the calendar (1972-02-30);
    # keep the text so the record reader can name the field instead of crashing.
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


for _loader in (_Loader, _FastLoader) if _FastLoader else (_Loader,):
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


@dataclass
class YamlSyntaxError(Exception):
    """The text is not YAML; `line` is 1-based when the parser knows it."""

    message: str
    line: int | None = None


def make_yaml(text: str, first_line: int = 1) -> Any:
    """Parse YAML text; keys carry lines counted from `first_line`."""
    data = _load_fast(text)
    if data is _REFUSED:
        data = _load_explained(text, first_line)
    if first_line != 1:
        _shift(data, first_line - 1)
    return data


_REFUSED = object()


def _load_fast(text: str) -> Any:
    if _FastLoader is None:
        return _REFUSED
    try:
        return yaml.load(text, Loader=_FastLoader)  # noqa: S506 - _FastLoader is a CSafeLoader
    except yaml.YAMLError:
        return _REFUSED


def _load_explained(text: str, first_line: int) -> Any:
    """Parse with PyYAML's pure loader, turning its error into a message for the curator."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        problem = exc.problem_mark.line + first_line if exc.problem_mark else None
        context = exc.context_mark.line + first_line if exc.context_mark else None
        message = exc.problem or exc.context or "not YAML"
        if context and problem and context != problem:
            # the curator's slip is usually where the unclosed thing began, not where YAML noticed
            message = f"{exc.context} that starts here; on line {problem}: {exc.problem}"
        raise YamlSyntaxError(message, context or problem) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(str(exc)) from None


def _shift(data: Any, by: int) -> None:
    if isinstance(data, LineDict):
        data.line += by
        data.lines = {k: v + by for k, v in data.lines.items()}
        data.duplicates = [(k, v + by) for k, v in data.duplicates]
        for value in data.values():
            _shift(value, by)
    elif isinstance(data, LineList):
        data.line += by
        data.lines = [v + by for v in data.lines]
        for value in data:
            _shift(value, by)


@dataclass
class FrontMatterDoc:
    meta: Any = field(default_factory=LineDict)
    body: str = ""
    body_line: int = 1


def make_front_matter(text: str) -> FrontMatterDoc:
    """Split `---` YAML front matter from a Markdown body (as Jekyll, Hugo and Pelican do)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return FrontMatterDoc(LineDict(), text, 1)
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            meta = make_yaml("".join(lines[1:index]), first_line=2)
            return FrontMatterDoc(meta if meta is not None else LineDict(), "".join(lines[index + 1:]), index + 2)
    raise YamlSyntaxError("front matter opened with '---' on line 1 is never closed", 1)


def to_yaml(data: Any) -> str:
    """Dump plain data as block YAML, keeping key order and Vietnamese letters readable."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False)


def to_yaml_scalar(text: str) -> str:
    """`text` as one double-quoted YAML scalar that reads back as exactly `text`, whatever it holds
    (quotes, a colon, `#`, a line break, an invisible character), for the record scaffolds."""
    return yaml.safe_dump(str(text), allow_unicode=True, default_style='"', width=1 << 30).rstrip("\n")
