"""Changing an object's scans after they were added: `kyvat remove-scan`, `kyvat move-scan` and the
desk's labels.

A master is never deleted. A removed one goes, with its transcripts, into scans/.removed/, and the
record lists it under `removed_scans` (its file there, sha256, the day and the reason; private),
where `kyvat verify` still checks it. The record is changed through recordedit (comments kept),
after the files have a second name in scans/.removed/ and before they lose the first; when it cannot
be saved they are moved back, and what a command killed in between left the next one finishes.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .crashpoints import crash_point
from .errors import N_, CatalogueError, MediaError, RecordError, Value, Words, make_params
from .layout import Layout, record_rel, removed_scan_rel, scan_rel, transcript_name
from .media import REMOVED_SCANS, make_listed_scans, read_sha256
from .recordedit import extend_list, insert_key, make_mapping, make_scalar, move_item, remove_item, write_edit
from .yamlfile import YamlSyntaxError, make_yaml


@dataclass(frozen=True)
class RemovedScan:
    """What `write_scan_removed` did: the master `file` (a collection-relative path) now at `kept_as`."""

    file: str
    kept_as: str
    sha256: str
    transcripts: int  # how many transcripts went with it


def write_scan_removed(root: Path, object_id: str, n: int, reason: str, today: dt.date) -> RemovedScan:
    """Take scan `n` (1-based, in the record's `scans` list) off the object: its master and
    transcripts move into scans/.removed/ (under a free name: an earlier removal may have taken
    its own), and the record lists it in `removed_scans` with `reason` and `today`."""
    if not reason.strip():
        raise CatalogueError(N_("expected why the scan is taken off (it is kept in the record), found nothing"),
                             "reason")
    where = Layout.of(root)
    record, rel = where.record(object_id), record_rel(object_id)
    _finish_abandoned_removal(where, object_id)
    listed = _read_scans(record, rel, object_id, where)
    index = _index(n, listed, object_id, "")
    name, sha = listed[index]
    master = where.scan(object_id, name)
    if not master.is_file():
        raise MediaError(scan_rel(object_id, name), N_("no such file; the record lists a master that is not "
                                                       "there (see 'kyvat verify'), so there is nothing to keep"))
    sha = (sha() if callable(sha) else sha) or read_sha256(master)
    pages = _transcript_pages(where, object_id, name)
    removed = where.removed_scans(object_id)
    kept = free_name(removed, name, pages)
    moves = [(master, removed / kept)]
    moves += [(where.transcript(object_id, name, page), removed / transcript_name(kept, page)) for page in pages]
    entry = {"file": kept, **({"was": name} if kept != name else {}), "sha256": sha, "removed": today,
             "reason": reason.strip()}
    removed.mkdir(exist_ok=True)
    done: list[tuple[Path, Path]] = []
    try:
        for source, target in moves:
            move_new(source, target, keep_source=True)
            done.append((source, target))
            crash_point("remove-scan.linked")
        write_edit(record, rel, lambda data: _take_off(data, index, listed, entry, rel), root=root)
        crash_point("remove-scan.recorded")
    except BaseException:
        for source, target in reversed(done):  # the record still lists them: they go back where it says
            target.unlink() if source.exists() else move_new(target, source)
        raise
    for source, _target in done:
        source.unlink(missing_ok=True)
    return RemovedScan(scan_rel(object_id, name), removed_scan_rel(object_id, kept), sha, len(pages))


def write_scan_moved(root: Path, object_id: str, n: int, to: int) -> list[str]:
    """Move scan `n` to position `to` (both 1-based) in the record's `scans` list; the masters keep
    their names, so their checksums and the fixity register are unchanged. Returns the new order."""
    where = Layout.of(root)
    record, rel = where.record(object_id), record_rel(object_id)
    listed = _read_scans(record, rel, object_id, where)
    index, target = _index(n, listed, object_id, ""), _index(to, listed, object_id, "to")
    if index != target:
        write_edit(record, rel, lambda data: move_item(_listing(data, listed, rel), "scans", index, target),
                   root=root)
    names = [name for name, _ in listed]
    names.insert(target, names.pop(index))
    return names


def write_scan_label(root: Path, object_id: str, n: int, label_vi: str, label_en: str = "") -> None:
    """Give scan `n` (1-based) the label `label_vi` (and `label_en`): `label: Trang 1`, or
    `label: {vi: Trang 1, en: Page 1}` with both; both empty take the label off (the site then
    names the scan itself). A scan listed by its bare name becomes a map with `file`."""
    where = Layout.of(root)
    record, rel = where.record(object_id), record_rel(object_id)
    listed = _read_scans(record, rel, object_id, where)
    index = _index(n, listed, object_id, "")
    vi, en = label_vi.strip(), label_en.strip()

    def change(data: Any) -> None:
        label = make_mapping({"vi": vi, "en": en}, inline=True) if en else make_scalar(vi)
        entries = _listing(data, listed, rel)["scans"]
        entry = entries[index]
        if not isinstance(entry, dict):
            entry = entries[index] = make_mapping({"file": str(entry).strip()})
        if not label:
            entry.pop("label", None)
        elif "label" in entry:
            entry["label"] = label
        else:
            insert_key(entry, "label", label, after="file")

    write_edit(record, rel, change, root=root)


def _read_scans(record: Path, rel: str, object_id: str, where: Layout) -> list[tuple[str, Any]]:
    """The record's scans in order, as (file, sha256 or a way to compute it): its `scans` list, or
    when it has none, every file in scans/ (what the record means then)."""
    if not record.is_file():
        raise RecordError(rel, "id", N_("the id of an object in objects/"),
                          N_("'{object_id}', which has no record.yaml"), params=make_params(object_id=object_id))
    try:
        data = make_yaml(record.read_text(encoding="utf-8-sig"))
    except YamlSyntaxError as exc:
        # what is wrong is a template of its own (Words), framed as validate frames it
        raise RecordError(rel, "", N_("a record kyvat can read (see 'kyvat validate')"),
                          N_("a syntax error: {message}"), exc.line,
                          params=make_params(message=Words(exc.said, exc.params))) from None
    except UnicodeDecodeError as exc:
        raise RecordError(rel, "", N_("a record kyvat can read (see 'kyvat validate')"), Value(str(exc))) from None
    entries = data.get("scans") if isinstance(data, dict) else None
    if entries is None:
        folder = where.scans(object_id)
        names = sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else []
        # hashed when first needed, once (an edit's change is applied twice)
        return [(name, functools.cache(functools.partial(read_sha256, folder / name))) for name in names]
    if not isinstance(entries, list):
        raise RecordError(rel, "scans", N_("a list of scans"), Value(type(entries).__name__))
    listed = []
    for i, entry in enumerate(entries):
        file = entry if isinstance(entry, str) else entry.get("file") if isinstance(entry, dict) else None
        if not isinstance(file, str) or not file.strip():
            raise RecordError(rel, f"scans[{i}]", N_("a file name, or a map with `file`"), Value(repr(entry)))
        listed.append((file.strip(), str(entry.get("sha256") or "").lower() if isinstance(entry, dict) else ""))
    return listed


def _index(n: int, listed: list, object_id: str, field: str) -> int:
    if not 1 <= n <= len(listed):
        # one whole sentence each, so that a translation may order its parts freely
        detail = (N_("expected the position of one of {object_id}'s scans (1 to {count}; see "
                     "'kyvat show {object_id}'), found {n}") if listed else
                  N_("expected the position of one of {object_id}'s scans (none: the object has no scans; see "
                     "'kyvat show {object_id}'), found {n}"))
        raise CatalogueError(detail, field, params=make_params(object_id=object_id, count=len(listed), n=n))
    return n - 1


def _listing(data: Any, listed: list[tuple[str, Any]], rel: str) -> Any:
    """The record with a `scans` list: a record without one gets the list it meant (every file in
    scans/, with their checksums), so that one of them can be taken off or moved."""
    if "scans" not in data:
        data["scans"] = [make_mapping({"file": name, "sha256": sha() if callable(sha) else sha})
                         for name, sha in listed]
    elif not isinstance(data["scans"], list):
        raise RecordError(rel, "scans", N_("a list of scans"), Value(type(data["scans"]).__name__))
    return data


def _take_off(data: Any, index: int, listed: list, entry: dict, rel: str) -> None:
    remove_item(_listing(data, listed, rel), "scans", index)
    current = data.get(REMOVED_SCANS)
    if current is None:
        data[REMOVED_SCANS] = [make_mapping(entry)]
    elif isinstance(current, list):
        extend_list(current, [make_mapping(entry)])
    else:
        raise RecordError(rel, REMOVED_SCANS, N_("a list of removed scans"), Value(type(current).__name__))


def _transcript_pages(where: Layout, object_id: str, name: str) -> list[int]:
    """The transcripts of the master `name` that exist, by page (0: the file is one picture)."""
    folder = where.transcripts(object_id)
    pages = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        found = re.fullmatch(r".*-p(\d+)\.\w+", path.name)
        for page in {0, int(found[1]) if found else 0}:
            if path.name == transcript_name(name, page):
                pages.append(page)
    return sorted(pages)


def free_name(folder: Path, name: str, pages: list[int] = ()) -> str:
    """`name`, or `name (2)`… (as Windows names a second copy) when `folder` (scans/.removed/,
    people/.merged/) already holds a file of that name, or, with `pages`, a transcript of it."""
    stem, dot, suffix = name.rpartition(".")
    number = 1
    while True:
        candidate = name if number == 1 else (f"{stem} ({number}).{suffix}" if dot else f"{name} ({number})")
        if not any((folder / taken).exists() for taken in [candidate] + [transcript_name(candidate, p) for p in pages]):
            return candidate
        number += 1


def _finish_abandoned_removal(where: Layout, object_id: str) -> None:
    """A remove-scan killed mid-way left files with two names, in scans/ (or transcripts/) and in
    scans/.removed/: if the record still lists the master, the removal never happened and the second
    names go; if not, it was recorded and the first names go."""
    removed = where.removed_scans(object_id)
    if not removed.is_dir():
        return
    inodes = {(p.stat().st_dev, p.stat().st_ino): p for p in removed.iterdir() if p.is_file()}
    twins = [(p, inodes[(p.stat().st_dev, p.stat().st_ino)]) for folder in (where.scans(object_id),
             where.transcripts(object_id)) if folder.is_dir() for p in folder.iterdir()
             if p.is_file() and (p.stat().st_dev, p.stat().st_ino) in inodes]
    if twins:
        listed = make_listed_scans(where.record(object_id).read_text(encoding="utf-8"))
        undone = any(first.name in listed for first, _second in twins)
        for first, second in twins:
            (second if undone else first).unlink()


def move_new(source: Path, target: Path, keep_source: bool = False) -> None:
    """Move a file to a name that must be free: a hard link fails if it is taken (a rename would
    replace the file there); where hard links cannot be made (FAT USB disks), check, then rename.
    `keep_source`: the file keeps its old name too (a second link), where it can."""
    try:
        os.link(source, target)
    except FileExistsError:
        raise MediaError(str(target), N_("already exists; kyvat never replaces a file")) from None
    except OSError:
        if target.exists():
            raise MediaError(str(target), N_("already exists; kyvat never replaces a file")) from None
        os.rename(source, target)
        return
    if not keep_source:
        source.unlink()
