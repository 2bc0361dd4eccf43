"""Changes to a curator's YAML file: load it with ruamel.yaml's round-trip loader, change it, dump it
back with its comments, key order, quoting and indentation, and replace the file atomically.

Every command that edits a record goes through `write_edit`; ruamel.yaml is imported here and in no
other module (the build reads with PyYAML, through yamlfile).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Mapping, MutableMapping
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from .errors import RecordError
from .yamlfile import LineDict, YamlSyntaxError, make_yaml

# The build reads records as YAML 1.1 (PyYAML), ruamel.yaml as 1.2; a new plain scalar such as
# `yes` or `1:20` would mean a string to one and a bool or a number to the other, so it is quoted.
_YAML_1_1 = VersionedResolver(version=(1, 1))
_STR_TAG = "tag:yaml.org,2002:str"
# `key:` or `- key:` with nothing after it but a comment: a nested block follows
_OPENS_BLOCK = re.compile(r"^ *(- +)?[^\s#\-][^#]*:\s*(#.*)?$")


def make_scalar(text: str) -> str:
    """`text` as a value to add to a record: plain when every YAML reader sees a string in it."""
    if _YAML_1_1.resolve(ScalarNode, text, (True, False)) == _STR_TAG:
        return text
    return DoubleQuotedScalarString(text)


def make_mapping(pairs: Mapping[str, Any], inline: bool = False) -> dict:
    """A mapping to add to a record, its text values made safe; `inline` writes it as `{k: v}`,
    the way curators write short labels."""
    mapping = CommentedMap((k, make_scalar(v) if isinstance(v, str) else v) for k, v in pairs.items())
    if inline:
        mapping.fa.set_flow_style()
    return mapping


def extend_list(items: list, new: list) -> None:
    """Append `new` to a list of the record. An inline `[a, b]` list becomes a block one, one item
    a line; the comments and blank lines that followed the list still follow it, after the new
    items (ruamel.yaml hangs them on the last old item, which would put the new items below them)."""
    if not hasattr(items, "ca"):  # the build's plain view, which has no layout to keep
        items.extend(new)
        return
    items.fa.set_block_style()
    last = len(items) - 1
    items.extend(new)
    if last >= 0 and new:
        _move_trailing_comment(items, last, len(items) - 1)


def write_edit(path: Path, rel: str, change: Callable[[MutableMapping], None]) -> None:
    """Apply `change` to the mapping in the YAML file `path` (`rel` names it in messages) and save.

    Safety: the saved text, read back the way the build reads records, must equal the old record
    with `change` applied; otherwise (or if saving fails half-way) the file is left as it was."""
    with open(path, encoding="utf-8", newline="") as handle:
        raw = handle.read()
    # a record saved on Windows keeps its CRLF line ends and byte-order mark: the YAML is read
    # without them and written back with them
    newline = "\r\n" if "\r\n" in raw else "\n"
    bom = "\ufeff" if raw.startswith("\ufeff") else ""
    text = raw.removeprefix(bom).replace("\r\n", "\n")
    before = _read_view(text, rel)
    document, layout = _load_round_trip(text, rel)
    change(document)
    change(before)  # the same change on the build's view: what the new file must read as
    _replace(Path(path), rel, document, layout, bom, newline, expected=before)


def _read_view(text: str, rel: str) -> LineDict:
    try:
        data = make_yaml(text)
    except YamlSyntaxError as exc:
        raise RecordError(rel, "", "valid YAML", exc.message, exc.line) from None
    if not isinstance(data, LineDict):
        raise RecordError(rel, "", "a mapping of keys to values", type(data).__name__)
    return data


def _load_round_trip(text: str, rel: str) -> tuple[Any, YAML]:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1 << 20  # never re-wrap a long line the curator wrote on one line
    try:
        document = yaml.load(text)
    except MarkedYAMLError as exc:  # e.g. a duplicate key, which the build reports as an error too
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise RecordError(rel, "", "a record kyvat can edit", exc.problem or str(exc), line) from None
    except YAMLError as exc:
        raise RecordError(rel, "", "a record kyvat can edit", str(exc)) from None
    yaml.indent(**make_indents(text))
    return document, yaml


def make_indents(text: str) -> dict[str, int]:
    """The indentation the file already uses, so that dumping it back moves no line: how far a
    nested key is indented under its parent, and where a list's `-` and items stand. Without an
    example, the house style of the scaffolds (`  - item`)."""
    found: dict[str, int] = {}
    parent = None  # the column of the last key that opens a block (`key:` alone on its line)
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        if parent is not None:
            if stripped.startswith("- ") and indent >= parent and "offset" not in found:
                found["offset"] = indent - parent  # 0 when the `-` stands under its key
                found["sequence"] = found["offset"] + len(stripped) - len(stripped[1:].lstrip(" "))
            elif indent > parent and not stripped.startswith("-") and "mapping" not in found:
                found["mapping"] = indent - parent
        parent = len(line) - len(line.lstrip(" -")) if _OPENS_BLOCK.match(line) else None
        if len(found) == 3:
            break
    return {"mapping": 2, "sequence": 4, "offset": 2} | found


def _replace(path: Path, rel: str, document: Any, yaml: YAML, bom: str, newline: str, expected: LineDict) -> None:
    """Dump into a temporary file beside `path`, check it, flush it to disk, then swap it in, so a
    crash or a full disk at any moment leaves either the old file or the new one, never half."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as handle:
            handle.write(bom)
            yaml.dump(document, handle)
            handle.flush()
            os.fsync(handle.fileno())
        written = Path(tmp).read_text(encoding="utf-8").removeprefix(bom)
        try:
            after = make_yaml(written)
        except YamlSyntaxError:
            after = None
        if after != expected:
            raise RecordError(rel, "", "a record kyvat can change without changing what else it says",
                              "a layout it cannot edit safely; nothing was changed, edit it by hand")
        os.chmod(tmp, os.stat(path).st_mode & 0o7777)  # mkstemp makes it private; keep the curator's
        os.replace(tmp, path)
    except OSError as exc:
        raise RecordError(rel, "", "a file kyvat can save", f"{exc.strerror or exc}; the file is unchanged") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows cannot open a folder and needs no such step."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _move_trailing_comment(items: CommentedSeq, old: int, new: int) -> None:
    found = _trailing_slot(items, old)
    if found is None:
        return
    slot, index = found
    token = slot[index]
    own_line, _, below = token.value.partition("\n")  # the old last line's own `# ...`, then the lines below
    if not below:
        return
    slot[index] = CommentToken(own_line + "\n", token.start_mark, None) if own_line else None
    container, key = items, new
    while _is_block(container[key]) and len(container[key]):
        container, key = container[key], _last_key(container[key])
    where = container.ca.items.setdefault(key, [None, None, None, None])
    where[2 if isinstance(container, CommentedMap) else 0] = CommentToken("\n" + below, CommentMark(0), None)


def _trailing_slot(container: Any, key: Any) -> tuple[list, int] | None:
    """Where ruamel.yaml keeps the comment after the last line of `container[key]`: on the deepest
    last scalar of a block value, or beside the item itself."""
    value = container[key]
    if _is_block(value) and len(value):
        inner = _trailing_slot(value, _last_key(value))
        if inner is not None:
            return inner
    slot = container.ca.items.get(key)
    index = 2 if isinstance(container, CommentedMap) else 0
    return (slot, index) if slot and slot[index] is not None else None


def _is_block(value: Any) -> bool:
    return isinstance(value, (CommentedMap, CommentedSeq)) and not value.fa.flow_style()


def _last_key(container: Any) -> Any:
    return next(reversed(container)) if isinstance(container, CommentedMap) else len(container) - 1
