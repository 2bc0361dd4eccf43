"""A new object's folder and its line in the accession register, written so that a crash or a power
cut at any moment leaves the collection whole: the next `kyvat new object` finishes or removes what
a killed one left, and a number once given is never given again.

The record is written whole in a hidden folder of objects/ (`.new-PID-…`), with a marker holding the
object's register line; the folder is renamed to the object's id in one step (which also claims the
number: a rename onto a folder that holds files fails), the line is added to the register, and the
marker goes. Killed before the rename: a hidden folder whose process is gone, removed by the next
run. Killed after it: an object whose marker is still there, whose line the next run adds if the
register lacks it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from .abandoned import alive
from .crashpoints import crash_point
from .layout import Layout, record_in

STAGING_PREFIX = ".new-"
MARKER_PREFIX = ".kyvat-new-object-"  # in objects/ID/ until the register has the object's line
REGISTER_HEADER = "# Sổ đăng ký / accession register: id, date, type, title. Numbers are never reused.\n"


def write_object_folder(where: Layout, make_id: Callable[[], str], make_text: Callable[[str], str],
                        make_line: Callable[[str], str], used: list[str]) -> str:
    """Place objects/ID/record.yaml (`make_text(id)`) under the next free id (`make_id()`, which reads
    `used`; an id found taken is added to it) and add `make_line(id)` to the register; returns the id.
    Call finish_abandoned first, before reading the ids used."""
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=where.objects))
    umask = os.umask(0)
    os.umask(umask)
    try:
        staging.chmod(0o777 & ~umask)  # as a folder made with mkdir: mkdtemp's is private
        while True:
            object_id = make_id()
            _write_synced(record_in(staging), make_text(object_id))
            _write_synced(staging / f"{MARKER_PREFIX}{os.getpid()}", make_line(object_id))
            crash_point("new-object.staged")
            try:
                os.rename(staging, where.object_dir(object_id))
                break
            except OSError:  # another curator took the number a moment ago: take the next one
                if not where.object_dir(object_id).exists():
                    raise
                used.append(object_id)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    crash_point("new-object.placed")
    _finish(where, object_id, where.object_dir(object_id) / f"{MARKER_PREFIX}{os.getpid()}")
    return object_id


def finish_abandoned(where: Layout) -> None:
    """Remove the hidden folders of `new object` runs that were killed before placing their object,
    and add to the register the line of each object placed by a run killed before it could."""
    if not where.objects.is_dir():
        return
    for path in where.objects.iterdir():
        if path.name.startswith(STAGING_PREFIX) and _dead(path.name[len(STAGING_PREFIX):]) and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif not path.name.startswith(".") and path.is_dir():
            for marker in path.glob(MARKER_PREFIX + "*"):
                if _dead(marker.name[len(MARKER_PREFIX):]):
                    _finish(where, path.name, marker)


def _finish(where: Layout, object_id: str, marker: Path) -> None:
    """The register gets the line the marker holds (unless it has the object already); the marker goes."""
    line = marker.read_text(encoding="utf-8")
    if object_id not in _registered(where.register):
        append_line(where.register, line)
    crash_point("new-object.registered")
    marker.unlink()


def append_line(register: Path, line: str) -> None:
    """Add `line` to the register in one write at its end (the header first in a new register), on disk
    before this returns: a second curator's line is never lost, and a line is never cut in half."""
    fd = os.open(register, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        text = (REGISTER_HEADER if os.fstat(fd).st_size == 0 else "") + line
        os.write(fd, text.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def _registered(register: Path) -> set[str]:
    if not register.is_file():
        return set()
    return {line.split("\t", 1)[0] for line in register.read_text(encoding="utf-8").splitlines()}


def _dead(name: str) -> bool:
    pid = name.split("-", 1)[0]
    return pid.isdigit() and not alive(int(pid))


def _write_synced(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
