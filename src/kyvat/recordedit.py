"""Changes to a curator's YAML file: load it with ruamel.yaml's round-trip loader, change it, dump it
back with its comments, key order, quoting and indentation, and replace the file atomically.

Every command that edits a record goes through `write_edit`; ruamel.yaml is imported here and in no
other module (the build reads with PyYAML, through yamlfile).
"""

from __future__ import annotations

import difflib
import io
import os
import re
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

from .abandoned import make_temp, replace
from .errors import N_, RecordError, Value, Words, make_params
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
    a line; the comment on the list's last line stays there, and the comments and blank lines below
    it still follow the list, after the new items (ruamel.yaml hangs them on the last old item, or
    on an inline list itself, which would put the new items below them)."""
    if not hasattr(items, "ca"):  # the build's plain view, which has no layout to keep
        items.extend(new)
        return
    if not new:
        return
    below = _take_lines_below(items)
    items.fa.set_block_style()
    items.extend(new)
    if below:
        _hang_lines_below(items, below)


def remove_item(container: MutableMapping, key: str, index: int) -> Any:
    """Take item `index` out of the list `container[key]` and return it. An item's own comments
    go with it; the comment lines below the list stay below it (ruamel.yaml hangs them on the last
    item, which may be the one taken), and an emptied list is written `key: []` with them after it."""
    items = container[key]
    if not hasattr(items, "ca"):  # the build's plain view, which has no layout to keep
        return items.pop(index)
    below = _take_lines_below(items)
    item = items.pop(index)
    if len(items):
        if below:
            _hang_lines_below(items, below)
    else:
        _hang_on_empty(container, key, below)
    return item


def move_item(container: MutableMapping, key: str, index: int, to: int) -> None:
    """Move item `index` of the list `container[key]` to position `to`, its own comments with it."""
    items = container[key]
    below = _take_lines_below(items) if hasattr(items, "ca") else ""
    items.insert(to, items.pop(index))
    if below:
        _hang_lines_below(items, below)


def _hang_on_empty(container: CommentedMap, key: str, below: str) -> None:
    """`key: []`, followed by every comment the list held: on its key's line, before its first
    item (ruamel.yaml keeps those in three places, sometimes twice) and below it."""
    items = container[key]
    slot = container.ca.items.get(key) or [None, None, None, None]
    own = items.ca.comment or [None, None]
    texts: list[str] = []
    for token in [slot[2], *(slot[3] or []), own[0], *(own[1] or [])]:
        if token is not None and token.value not in texts:
            texts.append(token.value)
    text = "".join(texts) + below
    items.fa.set_flow_style()
    items.ca.comment = None
    if text.strip():
        on_line = slot[2] is not None and text.startswith("#")  # the key's own `# ...` stays on its line
        container.ca.items[key] = [None, None, CommentToken(text if on_line else "\n" + text,
                                                            CommentMark(1 if on_line else 0), None), None]
    else:
        container.ca.items.pop(key, None)


def insert_key(mapping: MutableMapping, key: str, value: Any, after: str | None = None) -> None:
    """Add `key` to a map of the record just after the key `after` (where a curator looks for it),
    or last when `after` is None or not there. The comment lines below the key it follows stay below,
    after the new key, so they still lead to what comes next (ruamel.yaml hangs them on the key
    above them, which would put the new key under them, even under comments of the next block)."""
    if not hasattr(mapping, "ca"):  # the build's plain view, which has no layout to keep
        mapping[key] = value
        return
    if isinstance(value, list) and not isinstance(value, CommentedSeq):
        value = CommentedSeq(value)  # one that can hold the comments below it
    keys = list(mapping)
    position = keys.index(after) + 1 if after in mapping else len(keys)
    below = ""
    found = _trailing_slot(mapping, keys[position - 1]) if position and not mapping.fa.flow_style() else None
    if found:
        slot, index = found
        own_line, _, below = slot[index].value.partition("\n")
        if below:
            slot[index] = CommentToken(own_line + "\n", slot[index].start_mark, None) if own_line else None
    mapping.insert(position, key, value)
    if below:
        _hang_below(mapping, key, below)


def remove_key(mapping: MutableMapping, key: str) -> None:
    """Take `key` out of a map of the record: its own comments go with it, the comment lines below
    its block stay, below the key before it (ruamel.yaml hangs them on the key taken)."""
    if key not in mapping or not hasattr(mapping, "ca"):  # the build's plain view has no layout to keep
        mapping.pop(key, None)
        return
    keys = list(mapping)
    found = _trailing_slot(mapping, key) if not mapping.fa.flow_style() else None
    below = found[0][found[1]].value.partition("\n")[2] if found else ""
    del mapping[key]
    mapping.ca.items.pop(key, None)
    at = keys.index(key)
    before = _trailing_slot(mapping, keys[at - 1]) if below and at else None
    if before:
        slot, index = before
        slot[index] = CommentToken(slot[index].value + below, slot[index].start_mark, None)
    elif below and at:
        _hang_below(mapping, keys[at - 1], below)


def make_edited_text(text: str, rel: str, change: Callable[[MutableMapping], None]) -> str:
    """The text of the record `text` after `change`, written nowhere (a change checked before it is saved)."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    document, yaml = _load_round_trip(text, rel)
    if isinstance(document, MutableMapping):
        change(document)
    yaml.indent(**make_indents(text))
    yaml.dump(document, stream := io.StringIO())
    return stream.getvalue()


def write_edit(path: Path, rel: str, change: Callable[[MutableMapping], None], *, root: Path,
               body: str | None = None) -> None:
    """Apply `change` to the mapping in the YAML file `path` of the collection at `root` (`rel`
    names it in messages) and save. With `body`, `path` is a Markdown file (an exhibition, a page):
    its `---` front matter is the mapping changed, and the text below it is replaced by `body`.

    Nothing is written unless: the saved text, read back the way the build reads records, equals
    the old record with `change` applied; every line outside the blocks of the keys `change`
    touched is kept as it was (a file whose lists are indented two ways would otherwise have the
    untouched ones re-indented); and the file is still as it was read (a save from a text editor
    meanwhile is not overwritten). A record that is a symbolic link is changed where it points,
    which must be inside the collection."""
    target = _target(Path(path), Path(root), rel)
    raw = target.read_bytes()
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise RecordError(rel, "", N_("UTF-8 text"), N_("other bytes; nothing was changed")) from None
    # a record saved on Windows keeps its CRLF line ends and byte-order mark: the YAML is read
    # without them and written back with them
    newline = "\r\n" if "\r\n" in decoded else "\n"
    bom = "\ufeff" if decoded.startswith("\ufeff") else ""
    text = decoded.removeprefix(bom).replace("\r\n", "\n")
    frame, text = _split_front_matter(text, rel, body) if body is not None else (("", ""), text)
    before, expected = _read_view(text, rel), _read_view(text, rel)
    document, yaml = _load_round_trip(text, rel)
    change(document)
    change(expected)  # the same change on the build's view: what the new file must read as
    regions = make_changed_regions(text, before, expected)
    lines = text.splitlines()
    yaml.indent(**make_indents(text, prefer="\n".join("\n".join(lines[s:e]) for s, e in regions)))
    _replace(target, rel, document, yaml, bom, newline, expected=expected, old=(raw, text, regions), frame=frame)


def _split_front_matter(text: str, rel: str, body: str) -> tuple[tuple[str, str], str]:
    """((the opening `---` line, the closing one and `body`), the front matter between them)."""
    lines = text.splitlines(keepends=True)
    close = next((i for i, line in enumerate(lines) if i and line.strip() in ("---", "...")), 0)
    if not close or lines[0].strip() != "---":
        raise RecordError(rel, "", N_("front matter between '---' lines"), N_("none; nothing was changed"))
    return (lines[0], lines[close] + body), "".join(lines[1:close])


def _read_view(text: str, rel: str) -> LineDict:
    try:
        data = make_yaml(text)
    except YamlSyntaxError as exc:
        # what is wrong is a template of its own (Words), translated where it is shown
        raise RecordError(rel, "", N_("valid YAML"), "{message}", exc.line,
                          params=make_params(message=Words(exc.said, exc.params))) from None
    if not isinstance(data, LineDict):
        raise RecordError(rel, "", N_("a mapping of keys to values"), Value(type(data).__name__))
    return data


def _load_round_trip(text: str, rel: str) -> tuple[Any, YAML]:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1 << 20  # never re-wrap a long line the curator wrote on one line
    try:
        document = yaml.load(text)
    except MarkedYAMLError as exc:  # e.g. a duplicate key, which the build reports as an error too
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise RecordError(rel, "", N_("a record kyvat can edit"), Value(exc.problem or str(exc)), line) from None
    except YAMLError as exc:
        raise RecordError(rel, "", N_("a record kyvat can edit"), Value(str(exc))) from None
    return document, yaml


def make_indents(text: str, prefer: str = "") -> dict[str, int]:
    """The indentation the file already uses, so that dumping it back moves no line: how far a
    nested key is indented under its parent, and where a list's `-` and items stand. The first
    example in `prefer` (the blocks being edited) wins, then the first in `text`; without any, the
    house style of the scaffolds (`  - item`)."""
    return {"mapping": 2, "sequence": 4, "offset": 2} | _found_indents(text) | _found_indents(prefer)


def _found_indents(text: str) -> dict[str, int]:
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
    return found


def make_changed_regions(text: str, before: LineDict, after: LineDict) -> list[tuple[int, int]]:
    """The lines of `text` (0-based, end excluded) an edit from `before` to `after` may rewrite:
    the block of each top-level key whose value changed, from its key to the next key (the last
    block runs to the end of the file); when a key is added, the end of the file, and a place
    between any two lines for new lines alone (insert_key puts a key where a curator looks for it)."""
    total = len(text.splitlines())
    starts = sorted(((line - 1, key) for key, line in before.lines.items()), key=lambda item: item[0])
    ends = [start for start, _ in starts[1:]] + [total]
    blocks = {key: (start, end) for (start, key), end in zip(starts, ends)}
    gone = object()
    changed = [key for key in {**before, **after} if before.get(key, gone) != after.get(key, gone)]
    regions = [blocks[key] for key in changed if key in blocks]
    if any(key not in blocks for key in changed):
        content = [i for i, line in enumerate(text.splitlines()) if line.strip() and not line.lstrip().startswith("#")]
        regions.append((content[-1] + 1 if content else 0, total))
        regions += [(line, line) for line in range(total + 1)]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(regions):  # blocks side by side are one region: a change may span both
        joined = bool(merged) and start <= merged[-1][1]
        merged[-1:] = [(merged[-1][0], max(end, merged[-1][1]))] if joined else [*merged[-1:], (start, end)]
    return merged


def make_stray_line(old: str, new: str, regions: list[tuple[int, int]]) -> int | None:
    """The first line of `old` (1-based) that `new` changes, moves or loses outside `regions`, or
    None. New lines may go anywhere inside a region, or just after its last line."""
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag != "equal" and not any(start <= i1 and i2 <= end for start, end in regions):
            return i1 + 1
    return None


def _target(path: Path, root: Path, rel: str) -> Path:
    """The file to replace: the record, or the file it links to (replacing a link by a plain file
    would cut it), which must be inside the collection: an edit never reaches outside it."""
    target = path.resolve()
    if not target.is_relative_to(root.resolve()):
        raise RecordError(rel, "", N_("a record inside the collection"),
                          N_("a symbolic link to {target}, outside it; nothing was changed"),
                          params=make_params(target=target))
    return target


def _replace(path: Path, rel: str, document: Any, yaml: YAML, bom: str, newline: str, expected: LineDict,
             old: tuple[bytes, str, list[tuple[int, int]]], frame: tuple[str, str] = ("", "")) -> None:
    """Dump into a temporary file beside `path`, check it, flush it to disk, then swap it in, so a
    crash or a full disk at any moment leaves either the old file or the new one, never half.
    `old` is the file as read: its bytes, its text and the regions the edit may rewrite; `frame`
    the text around the YAML (a Markdown file's `---` lines and body)."""
    raw, text, regions = old
    head, tail = frame
    fd, tmp = make_temp(path)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as handle:
            handle.write(bom + head)
            yaml.dump(document, handle)
            handle.write(tail)
            handle.flush()
            os.fsync(handle.fileno())
        written = Path(tmp).read_text(encoding="utf-8").removeprefix(bom)
        written = written[len(head):len(written) - len(tail)]
        try:
            after = make_yaml(written)
        except YamlSyntaxError:
            after = None
        stray = make_stray_line(text, written, regions) if after == expected else None
        if after != expected or stray:
            found = (N_("a layout it cannot edit safely (line {line} would change too); nothing was changed, "
                        "edit it by hand") if stray else
                     N_("a layout it cannot edit safely; nothing was changed, edit it by hand"))
            raise RecordError(rel, "", N_("a record kyvat can change without changing what else it says"), found,
                              params=make_params(line=stray) if stray else ())
        if path.read_bytes() != raw:  # saved from another program since kyvat read it: that save wins
            raise RecordError(rel, "", N_("a record no other program changes during the edit"),
                              N_("a file that changed meanwhile; nothing was written, run the command again"))
        os.chmod(tmp, os.stat(path).st_mode & 0o7777)  # mkstemp makes it private; keep the curator's
        replace(tmp, path)
    except OSError as exc:
        raise RecordError(rel, "", N_("a file kyvat can save"), N_("{error}; the file is unchanged"),
                          params=make_params(error=exc.strerror or exc)) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    _sync_folder(path.parent)


def write_undo(path: Path, before: bytes, after: bytes) -> bool:
    """Put back the bytes `before` of a file an edit of kyvat's turned into `after`: a command that
    edits several records takes back the ones it changed when a later one cannot be. A file that
    anyone changed since is left as it is. Returns whether the file was put back."""
    if untouched := Path(path).is_file() and Path(path).read_bytes() == after:
        write_bytes(path, before)
    return untouched


def write_bytes(path: Path, data: bytes) -> None:
    """Replace or create the file `path` (a link's target) with `data` atomically, keeping its mode."""
    target = Path(path).resolve()
    fd, tmp = make_temp(target)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, os.stat(target).st_mode & 0o7777 if target.exists() else 0o644)
        replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    _sync_folder(target.parent)


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


def _take_lines_below(items: CommentedSeq) -> str:
    """Detach the comment lines that follow the list's last line (its own `# ...` stays), and
    return them. An inline list shares that comment with the key that holds it, so it is cut in
    place; a block list keeps it on its deepest last item."""
    if items.fa.flow_style() or not len(items):  # an empty list is inline: `[]`
        token = items.ca.comment[0] if items.ca.comment else None
        found = None
    else:
        found = _trailing_slot(items, len(items) - 1)
        token = found[0][found[1]] if found else None
    if token is None:
        return ""
    own_line, _, below = token.value.partition("\n")  # the last line's own `# ...`, then the lines below
    if not below:
        return ""
    if found is None:
        token.value = own_line + "\n"
    else:
        slot, index = found
        slot[index] = CommentToken(own_line + "\n", token.start_mark, None) if own_line else None
    return below


def _hang_lines_below(items: CommentedSeq, below: str) -> None:
    _hang_below(items, len(items) - 1, below)


def _hang_below(container: Any, key: Any, below: str) -> None:
    """Hang comment lines after the last line of `container[key]`."""
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
