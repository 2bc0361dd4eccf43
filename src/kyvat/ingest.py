"""Ingest: copy new masters into an object's scans/ with the next page numbers, never overwriting
one, and record their checksums in record.yaml (through recordedit, which keeps the curator's comments).
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

from .errors import N_, MediaError, RecordError, Value, make_params
from .crashpoints import crash_point
from .layout import PARTIAL_PREFIX, PARTIAL_SUFFIX, Layout, partial_of, record_rel, scan_rel
from .media import CHUNK, MASTER_EXTENSIONS, make_listed_scans, read_duration, read_image, read_sha256
from .model import IMAGE_EXTENSIONS
from .progress import Progress, no_progress
from .recordedit import extend_list, make_mapping, write_edit


def write_scans(root: Path, object_id: str, files: list[Path], label_vi: str = "", label_en: str = "",
                max_pixels: int = 200_000_000, progress: Progress = no_progress) -> list[tuple[str, str]]:
    """Copy masters into objects/ID/scans/ as the next pages and list them, with their SHA-256, in
    the record. Every file is checked first; an existing master is never overwritten, and if the
    record cannot be saved the new copies are removed again. `{n}` in a label is the page number.
    Returns (file name, sha256) of each new master. `progress` is told of each file checked (the
    file as given) and copied (the new master's collection-relative path): tasks "check", "copy"."""
    where = Layout.of(root)
    record, rel = where.record(object_id), record_rel(object_id)
    if not record.is_file():
        raise RecordError(rel, "id", N_("the id of an object in objects/"),
                          N_("'{object_id}', which has no record.yaml"), params=make_params(object_id=object_id))
    progress("check", 0, len(files))
    for done, source in enumerate(files, start=1):
        _check_master(source, max_pixels)  # decodes the whole image: as long as the copy, for a big TIFF
        progress("check", done, len(files), str(source))
    listed = make_listed_scans(record.read_text(encoding="utf-8"))
    scans = where.scans(object_id)
    scans.mkdir(exist_ok=True)
    _take_back_abandoned(scans, record.read_text(encoding="utf-8"))
    existing = sorted(p.name for p in scans.iterdir() if not p.name.startswith("."))
    number = _next_number(existing + list(listed))
    sha_of = functools.cache(lambda name: read_sha256(scans / name))  # the edit is made twice: hash once
    # The object's masters by checksum, so the same file is never added twice: the record's own
    # checksums (listed masters are not hashed again) and those of the files it does not list
    # (which a record without a list is about to get anyway).
    known = {sha: scan_rel(object_id, name) for name, sha in listed.items() if sha}
    known.update({sha_of(name): scan_rel(object_id, name) for name in existing if name not in listed})
    added: list[tuple[str, str]] = []
    try:
        progress("copy", 0, len(files))
        for source in files:
            name = f"{number:03d}{source.suffix.lower()}"
            sha = _copy_new(source, where.partial_scan(object_id, name), scans / name, known)
            added.append((name, sha))
            known[sha] = str(source)
            number += 1
            progress("copy", len(added), len(files), scan_rel(object_id, name))
            crash_point(f"add-scan.copied-{len(added)}")
        write_edit(record, rel, lambda data: _add_entries(data, added, existing, sha_of, label_vi, label_en, rel),
                   root=root)
        crash_point("add-scan.recorded")
    except BaseException:
        for name, _ in added:  # nothing half-done: masters the record does not list are taken back
            (scans / name).unlink(missing_ok=True)
        raise
    finally:
        for name, _ in added:
            where.partial_scan(object_id, name).unlink(missing_ok=True)
    return added


def _take_back_abandoned(scans: Path, record_text: str) -> None:
    """Undo what an add-scan killed mid-way left in `scans`: a copy keeps its hidden name (a second
    link to the master) until the record lists the master, so a master whose hidden copy is still
    there and which the record does not name was never recorded, and goes with its copy."""
    for partial in sorted(scans.glob(f"{PARTIAL_PREFIX}*{PARTIAL_SUFFIX}")):
        name, target = partial_of(partial.name), scans / partial_of(partial.name)
        if name and name not in record_text and target.is_file() and os.path.samefile(partial, target):
            target.unlink()
        partial.unlink(missing_ok=True)


def _add_entries(data: dict, added: list[tuple[str, str]], existing: list[str], sha_of: Callable[[str], str],
                 label_vi: str, label_en: str, rel: str) -> None:
    """The record's `scans` list with the new masters at its end. A record with no list meant
    "every file in scans/": it gets a list of those files first, with their checksums."""
    current = data.get("scans")
    if current is not None and not isinstance(current, list):
        raise RecordError(rel, "scans", N_("a list of scans"), Value(type(current).__name__))
    before = len(current) if current is not None else len(existing)
    entries = [_entry(name, sha, before + i + 1, label_vi, label_en) for i, (name, sha) in enumerate(added)]
    if current is None:
        data["scans"] = [make_mapping({"file": n, "sha256": sha_of(n)}) for n in existing] + entries
    else:
        extend_list(current, entries)


def _check_master(source: Path, max_pixels: int) -> None:
    if not source.is_file():
        raise MediaError(str(source), N_("no such file"))
    if source.suffix.lower() not in MASTER_EXTENSIONS:
        raise MediaError(str(source), N_("'{suffix}' files are not accepted; masters are {extensions}"),
                         make_params(suffix=source.suffix,
                                     extensions=", ".join(e.lstrip(".") for e in MASTER_EXTENSIONS)))
    if source.suffix.lower() in IMAGE_EXTENSIONS:
        read_image(source, max_pixels)
    else:
        read_duration(source)


def _next_number(names: list[str]) -> int:
    numbers = [int(m.group(1)) for m in (re.match(r"^(\d+)", n) for n in names) if m]
    return max(numbers, default=0) + 1


def _copy_new(source: Path, partial: Path, target: Path, known: dict[str, str]) -> str:
    """Copy under a hidden name (`partial`), hashing the bytes as written; check the copy against
    that hash and against the masters already `known` (checksum -> where); only then give it its
    name, never replacing a file (even one that appeared meanwhile). A copy cut short by a crash or
    a power cut is left under the hidden name, which no reader takes for a scan and validate names.
    The hidden name stays, a second link to the master, until the record lists it (write_scans)."""
    digest = hashlib.sha256()
    try:
        with open(source, "rb") as src, open(partial, "wb") as dst:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                dst.write(chunk)
                crash_point("add-scan.copying")
            dst.flush()
            os.fsync(dst.fileno())  # whole on disk before the record names it
        shutil.copystat(source, partial)
        sha = digest.hexdigest()
        if read_sha256(partial) != sha:
            raise MediaError(str(target), N_("the copy differs from the original (disk error?); nothing was kept"))
        if sha in known:
            raise MediaError(str(source), N_("is the same file as {other} (the same SHA-256); a master is never "
                                             "added twice, so nothing was added"), make_params(other=known[sha]))
        _link_new(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return sha


def _link_new(partial: Path, target: Path) -> None:
    """Give the finished copy its name; a hard link fails if the name is taken, a rename would not."""
    try:
        os.link(partial, target)
    except FileExistsError:
        raise MediaError(str(target), N_("already exists; a master is never overwritten")) from None
    except OSError:  # file systems without hard links (FAT and exFAT USB disks)
        if target.exists():
            raise MediaError(str(target), N_("already exists; a master is never overwritten")) from None
        os.rename(partial, target)


def _entry(name: str, sha: str, page: int, label_vi: str, label_en: str) -> dict:
    entry: dict = {"file": name}
    if label_vi or label_en:
        vi, en = label_vi.replace("{n}", str(page)), label_en.replace("{n}", str(page))
        entry["label"] = make_mapping({"vi": vi, "en": en}, inline=True) if en else vi
    entry["sha256"] = sha
    return make_mapping(entry)
