"""What a kyvat process killed mid-way (a power cut, SIGKILL) leaves behind, and how the next run
knows it: every temporary file or folder kyvat makes beside the one it will replace carries the id
of its process, and one whose process is gone is abandoned.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
import time
from pathlib import Path

from .crashpoints import crash_point

TEMP_SUFFIX = ".tmp"


def alive(pid: int) -> bool:
    """Whether the process `pid` is running (one of another user's counts as running)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def die_with_parent() -> None:
    """In a worker of a pool of processes: exit once the process that started it is gone (killed,
    it could not stop its pool; the workers, each holding the pool's pipes open, would wait for
    work forever)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def make_temp_prefix(name: str) -> str:
    """The prefix of a temporary file that is to become `name`: `.NAME.PID-` (then mkstemp's letters)."""
    return f".{name}.{os.getpid()}-"


def remove_abandoned_temps(folder: Path, name: str = "") -> list[Path]:
    """Remove the temporary files that were to become `folder/name` (any file of `folder` without
    `name`) whose process is gone; returns them."""
    pattern = re.compile(rf"\.{re.escape(name) if name else '.+'}\.(\d+)-[^/]*{re.escape(TEMP_SUFFIX)}")
    removed = []
    try:
        candidates = [p for p in folder.iterdir() if p.name.startswith(f".{name}." if name else ".")]
    except OSError:
        return removed
    for path in candidates:
        match = pattern.fullmatch(path.name)
        if match and not alive(int(match.group(1))):
            try:
                path.unlink()
                removed.append(path)
            except OSError:
                pass
    return removed


def make_temp(target: Path) -> tuple[int, str]:
    """A new temporary file beside `target` that is to replace it (mkstemp: an open descriptor and
    its path), after removing those that killed processes left for it."""
    remove_abandoned_temps(target.parent, target.name)
    return tempfile.mkstemp(prefix=make_temp_prefix(target.name), suffix=TEMP_SUFFIX, dir=target.parent)


def replace(temp: str | Path, target: Path) -> None:
    """Put the finished temporary file in the place of `target`, in one step (os.replace)."""
    crash_point("replace.before")
    os.replace(temp, target)
    crash_point("replace.after")


def create_new(path: Path, text: str) -> None:
    """Make the file `path`, which must not exist (FileExistsError), whole or not at all: the text is
    written under a temporary name and given its name by a hard link, which fails if it is taken."""
    remove_abandoned_temps(path.parent)  # those of every file: a new file's name is new
    fd, temp = make_temp(path)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        crash_point("create.before")
        try:
            os.link(temp, path)
        except FileExistsError:
            raise
        except OSError:  # file systems without hard links (FAT and exFAT USB disks)
            with path.open("x", encoding="utf-8") as handle:
                handle.write(text)
    finally:
        os.unlink(temp)
