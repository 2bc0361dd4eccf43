"""Ingest: copy new masters into an object's scans/ with the next page numbers, never overwriting
one, and record their checksums in record.yaml (through recordedit, which keeps the curator's comments).
"""

from __future__ import annotations

import functools
import hashlib
import re
import shutil
from collections.abc import Callable
from pathlib import Path

from .errors import MediaError, RecordError
from .layout import Layout, record_rel
from .media import CHUNK, MASTER_EXTENSIONS, make_listed_scans, read_duration, read_image, read_sha256
from .model import IMAGE_EXTENSIONS
from .recordedit import extend_list, make_mapping, write_edit


def write_scans(root: Path, object_id: str, files: list[Path], label_vi: str = "", label_en: str = "",
                max_pixels: int = 200_000_000) -> list[tuple[str, str]]:
    """Copy masters into objects/ID/scans/ as the next pages and list them, with their SHA-256, in
    the record. Every file is checked first; an existing master is never overwritten, and if the
    record cannot be saved the new copies are removed again. `{n}` in a label is the page number.
    Returns (file name, sha256) of each new master."""
    where = Layout.of(root)
    record, rel = where.record(object_id), record_rel(object_id)
    if not record.is_file():
        raise RecordError(rel, "id", "the id of an object in objects/", f"'{object_id}', which has no record.yaml")
    for source in files:
        _check_master(source, max_pixels)
    listed = make_listed_scans(record.read_text(encoding="utf-8"))
    scans = where.scans(object_id)
    scans.mkdir(exist_ok=True)
    existing = sorted(p.name for p in scans.iterdir() if not p.name.startswith("."))
    number = _next_number(existing + list(listed))
    added: list[tuple[str, str]] = []
    try:
        for source in files:
            name = f"{number:03d}{source.suffix.lower()}"
            added.append((name, _copy_new(source, scans / name)))
            number += 1
        sha_of = functools.cache(lambda name: read_sha256(scans / name))  # the edit is made twice: hash once
        write_edit(record, rel, lambda data: _add_entries(data, added, existing, sha_of, label_vi, label_en, rel),
                   root=root)
    except BaseException:
        for name, _ in added:  # nothing half-done: masters the record does not list are taken back
            (scans / name).unlink(missing_ok=True)
        raise
    return added


def _add_entries(data: dict, added: list[tuple[str, str]], existing: list[str], sha_of: Callable[[str], str],
                 label_vi: str, label_en: str, rel: str) -> None:
    """The record's `scans` list with the new masters at its end. A record with no list meant
    "every file in scans/": it gets a list of those files first, with their checksums."""
    current = data.get("scans")
    if current is not None and not isinstance(current, list):
        raise RecordError(rel, "scans", "a list of scans", type(current).__name__)
    before = len(current) if current is not None else len(existing)
    entries = [_entry(name, sha, before + i + 1, label_vi, label_en) for i, (name, sha) in enumerate(added)]
    if current is None:
        data["scans"] = [make_mapping({"file": n, "sha256": sha_of(n)}) for n in existing] + entries
    else:
        extend_list(current, entries)


def _check_master(source: Path, max_pixels: int) -> None:
    if not source.is_file():
        raise MediaError(str(source), "no such file")
    if source.suffix.lower() not in MASTER_EXTENSIONS:
        raise MediaError(str(source), f"'{source.suffix}' files are not accepted; masters are "
                                      + ", ".join(e.lstrip(".") for e in MASTER_EXTENSIONS))
    if source.suffix.lower() in IMAGE_EXTENSIONS:
        read_image(source, max_pixels)
    else:
        read_duration(source)


def _next_number(names: list[str]) -> int:
    numbers = [int(m.group(1)) for m in (re.match(r"^(\d+)", n) for n in names) if m]
    return max(numbers, default=0) + 1


def _copy_new(source: Path, target: Path) -> str:
    """Copy with exclusive creation (never replacing a file, even one that appeared meanwhile),
    hashing the bytes as written, then check the copy against the source's hash."""
    digest = hashlib.sha256()
    try:
        with open(source, "rb") as src, open(target, "xb") as dst:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                dst.write(chunk)
    except FileExistsError:
        raise MediaError(str(target), "already exists; a master is never overwritten") from None
    shutil.copystat(source, target)
    sha = digest.hexdigest()
    if read_sha256(target) != sha:
        target.unlink()
        raise MediaError(str(target), "the copy differs from the original (disk error?); nothing was kept")
    return sha


def _entry(name: str, sha: str, page: int, label_vi: str, label_en: str) -> dict:
    entry: dict = {"file": name}
    if label_vi or label_en:
        vi, en = label_vi.replace("{n}", str(page)), label_en.replace("{n}", str(page))
        entry["label"] = make_mapping({"vi": vi, "en": en}, inline=True) if en else vi
    entry["sha256"] = sha
    return make_mapping(entry)
