"""What a build is made from, as one fingerprint, kept in the cache beside what it says of the output
it made: a build whose inputs are those of the output it replaces (nothing changed since) keeps
that output's files as they are instead of making them again (build.py).

The fingerprint is cheap to take and errs on the side of building: every file of the collection
(hidden ones included, git's own excepted) and of kyvat itself (its code and templates) by path,
size and modification time; the versions of the libraries kyvat uses; the build's options and day.
A file of the collection changed in the last RACY_SECONDS is taken by its bytes too, as git does: a
clock tick is coarse, and an edit of the same size within one would otherwise leave its time as it was.
The build remembers those files' digests beside the fingerprint and checks them at the next build,
so that the fingerprint itself does not change once they are older.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import time
from pathlib import Path

from . import layout

PREVIOUS = "inputs.previous"  # in a build's values: what the output it replaces was made from (read_record)
KEYS = "inputs.keys"  # in a build's values: the keys of the files the stages made, by kind (pagekeys.py)
_SKIPPED = {".git", "__pycache__"}  # folders whose files no build reads
KYVAT_FILES = (Path(__file__).parent, layout.BUILTIN_TEMPLATES)  # kyvat's own code and templates
RACY_SECONDS = 3


def make_fingerprint(folders: list[Path], options: dict, skipped: tuple[Path, ...] = (),
                     steady: tuple[Path, ...] = (), racy: dict[str, str] | None = None,
                     by_bytes: bool = False) -> str:
    """The fingerprint of every file under `folders` and `steady` (path, size, time) but those in
    `skipped`, and of `options` (plain values: the day, the base URL, the stages), with kyvat's
    libraries' versions. Files under `steady` (kyvat's own) are never taken by their bytes.

    A file of `folders` changed in the last RACY_SECONDS is taken by its bytes too: into the
    fingerprint, or, given `racy`, into that dict (path: digest) for the build to remember and check
    next time (still_same), as git does: the fingerprint then stays the same once the moment has
    passed. With `by_bytes`, every file of `folders` is taken by its bytes instead of its time (a
    fingerprint that is part of other keys: the same bytes, the same fingerprint, whenever made)."""
    digest = hashlib.sha256(json.dumps([options, _versions(), shutil.which("ffmpeg")], sort_keys=True,
                                       default=str).encode("utf-8"))
    young = time.time_ns() - RACY_SECONDS * 10**9
    for folder in [*folders, *steady]:
        for path, size, mtime in _walk(Path(folder), {str(p) for p in skipped}):
            if by_bytes and folder not in steady:
                digest.update(f"{path}\0{size}\n".encode("utf-8", "surrogateescape") + _read_digest(path))
                continue
            digest.update(f"{path}\0{size}\0{mtime}\n".encode("utf-8", "surrogateescape"))
            if mtime >= young and folder not in steady:
                if racy is None:
                    digest.update(_read_digest(path))
                else:
                    racy[path] = _read_digest(path).hex()
    return digest.hexdigest()


def make_code_fingerprint() -> str:
    """What kyvat is: its own files (KYVAT_FILES, by path, size and time) and its libraries' versions."""
    return make_fingerprint([], {}, steady=KYVAT_FILES)


def still_same(previous: dict) -> bool:
    """Whether the files that were too young to be known by their time when the output `previous`
    describes was built (make_fingerprint's `racy`) still hold the bytes they held then."""
    racy = previous.get("racy", {})
    return isinstance(racy, dict) and all(_read_digest(path).hex() == digest for path, digest in racy.items())


def _read_digest(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").digest()
    except OSError:
        return b"unreadable"


def _walk(folder: Path, skipped: set[str]):
    """(path, size, modification time) of every file below `folder`, in a fixed order."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in _SKIPPED and entry.path not in skipped:
                    yield from _walk(Path(entry.path), skipped)
                continue
            found = entry.stat()  # a link: what it leads to, as a build reads it
        except OSError:
            found = None
        yield entry.path, found.st_size if found else -1, found.st_mtime_ns if found else -1


def _versions() -> list[tuple[str, str]]:
    """kyvat's version and those of the libraries it requires (another Jinja2, other pages)."""
    try:
        names = ["kyvat"] + [re.split(r"[^A-Za-z0-9_.-]", line, maxsplit=1)[0]
                             for line in importlib.metadata.requires("kyvat") or ()]
    except importlib.metadata.PackageNotFoundError:
        return []
    versions = []
    for name in sorted(set(names)):
        try:
            versions.append((name, importlib.metadata.version(name)))
        except importlib.metadata.PackageNotFoundError:
            versions.append((name, ""))
    return versions


def read_record(cache: Path, out: Path, marker: Path) -> dict:
    """What the cache says the output at `out` was made from ({} when it says nothing, or speaks of
    another output there: `marker`, a file each build writes anew, is not the one it saw)."""
    try:
        found = json.loads(layout.output_record(cache, out).read_text(encoding="utf-8"))
        seen = marker.stat()
    except (OSError, ValueError):
        return {}
    if not isinstance(found, dict) or found.get("marker") != [seen.st_ino, seen.st_mtime_ns]:
        return {}
    return found


def write_record(cache: Path, out: Path, marker: Path, record: dict | None) -> None:
    """Say in the cache what the output now at `out` was made from (`record`: its fingerprint, its
    stages' counts, the keys of its files), or, with None, that nothing is known of it."""
    path = layout.output_record(cache, out)
    if record is None:
        path.unlink(missing_ok=True)
        return
    seen = marker.stat()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps({**record, "marker": [seen.st_ino, seen.st_mtime_ns]}, sort_keys=True),
                         encoding="utf-8")
    os.replace(temporary, path)


def kept_counts(previous: dict, fingerprint: str, stage_names: list[str]) -> dict[str, dict[str, int]] | None:
    """The counts of the stages `stage_names` in the output described by `previous`, when it was made
    from the inputs `fingerprint` stands for and by those stages; None when they must run."""
    stages = previous.get("stages")
    if not fingerprint or previous.get("fingerprint") != fingerprint or not isinstance(stages, dict) \
            or not still_same(previous):
        return None
    if any(not isinstance(stages.get(name), dict) for name in stage_names):
        return None
    return {name: dict(stages[name]) for name in stage_names}
