"""Ingest: copy new masters into an object's scans/ with the next page numbers, never overwriting
one, and record their checksums in record.yaml without disturbing the curator's comments.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

from .errors import MediaError, RecordError
from .media import CHUNK, MASTER_EXTENSIONS, make_listed_scans, read_duration, read_image, read_sha256
from .model import IMAGE_EXTENSIONS
from .yamlfile import LineDict, LineList, YamlSyntaxError, make_yaml, to_yaml


def write_scans(root: Path, object_id: str, files: list[Path], label_vi: str = "", label_en: str = "",
                max_pixels: int = 200_000_000) -> list[tuple[str, str]]:
    """Copy masters into objects/ID/scans/ as the next pages and list them, with their SHA-256, in
    the record. Every file is checked first; an existing master is never overwritten. `{n}` in a
    label is the page number. Returns (file name, sha256) of each new master."""
    folder = Path(root) / "objects" / object_id
    record = folder / "record.yaml"
    if not record.is_file():
        raise RecordError(f"objects/{object_id}/record.yaml", "id", "the id of an object in objects/",
                          f"'{object_id}', which has no record.yaml")
    for source in files:
        _check_master(source, max_pixels)
    text = record.read_text(encoding="utf-8")
    data = _parse_record(text, object_id)
    scans = folder / "scans"
    scans.mkdir(exist_ok=True)
    existing = sorted(p.name for p in scans.iterdir() if not p.name.startswith("."))
    number = _next_number(existing + list(make_listed_scans(text)))
    added = []
    for source in files:
        name = f"{number:03d}{source.suffix.lower()}"
        sha = _copy_new(source, scans / name)
        added.append((name, sha))
        number += 1
    before = len(make_listed_scans(text)) if "scans" in data else len(existing)
    entries = [_entry(name, sha, before + i + 1, label_vi, label_en) for i, (name, sha) in enumerate(added)]
    _write_record(record, text, data, entries, scans, existing, object_id)
    return added


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


def _parse_record(text: str, object_id: str) -> LineDict:
    try:
        data = make_yaml(text)
    except YamlSyntaxError as exc:
        raise RecordError(f"objects/{object_id}/record.yaml", "", "valid YAML", exc.message, exc.line) from None
    if not isinstance(data, LineDict):
        raise RecordError(f"objects/{object_id}/record.yaml", "", "a mapping of keys to values", type(data).__name__)
    return data


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
        entry["label"] = {"vi": vi, "en": en} if en else vi
    entry["sha256"] = sha
    return entry


def _write_record(record: Path, text: str, data: LineDict, entries: list[dict], scans: Path,
                  existing: list[str], object_id: str) -> None:
    """Add `entries` to the record's `scans` list, touching no other line, so the curator's
    comments and layout stay."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    current = data.get("scans")
    key_line = data.lines.get("scans")
    later = [ln for ln in data.lines.values() if key_line and ln > key_line]
    end = (min(later) - 1) if later else len(lines)  # last line of the scans block
    while key_line and end > key_line and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1  # blank lines and comments just before the next key belong to that key
    if isinstance(current, LineList) and current and current.lines[0] > key_line:
        item = lines[current.lines[0] - 1]
        indent = item[:len(item) - len(item.lstrip(" "))]
        lines[end:end] = [indent + ln for ln in to_yaml(entries).splitlines(keepends=True)]
    else:
        # no list yet (the record meant "every file in scans/") or an inline one: write it out whole
        kept = [{"file": n} for n in existing] if current is None else \
            [{"file": e} if isinstance(e, str) else _plain(e) for e in current or []]
        for entry in kept:
            if isinstance(entry, dict) and "sha256" not in entry and (scans / str(entry.get("file"))).is_file():
                entry["sha256"] = read_sha256(scans / entry["file"])
        block = ["scans:\n"] + ["  " + ln for ln in to_yaml(kept + entries).splitlines(keepends=True)]
        if key_line:
            lines[key_line - 1:end] = block
        else:
            lines += ["\n"] + block
    new_text = "".join(lines)
    listed = make_listed_scans(new_text)
    if not all(e["file"] in listed for e in entries):
        raise RecordError(f"objects/{object_id}/record.yaml", "scans", "a scans list kyvat can extend",
                          "a layout it cannot edit safely; add the files by hand")
    fd, tmp = tempfile.mkstemp(prefix=".record.", dir=record.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(new_text)
    os.replace(tmp, record)


def _plain(value):
    """YAML-ready plain dicts and lists (the safe dumper refuses our line-keeping subclasses)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


