"""The undo journal of a command that changes several files of the collection (a person renamed or
merged: their file, every record naming them, redirects.yaml).

Before the command touches a file, it notes what the file held (or that there was none) in a folder
of its own beside the collection's files, `.kyvat-journal-PID-…/`; once every file is changed, the
folder is renamed `….done` in one step and removed. A command killed mid-way (a power cut) leaves
the folder whole with its notes: the next such command (`recover`) puts every noted file back as it
was, so the collection is never left half-changed, and the command can simply be run again.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import shutil
from pathlib import Path

from .abandoned import alive
from .crashpoints import crash_point
from .recordedit import write_bytes
from .layout import journal_note

PREFIX = ".kyvat-journal-"
DONE = ".done"


class Journal:
    """The notes of one command; `note(path)` before touching `path`, `close()` when done."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.folder = self.root / f"{PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
        self._noted: set[str] = set()

    def note(self, path: Path) -> None:
        """Keep what `path` holds now (nothing, if it does not exist), once, before it is changed."""
        rel = Path(os.path.relpath(path, self.root)).as_posix()
        if rel in self._noted:
            return
        self.folder.mkdir(exist_ok=True)
        before = base64.b64encode(path.read_bytes()).decode("ascii") if path.is_file() else None
        write_bytes(journal_note(self.folder, len(self._noted)), json.dumps({"file": rel, "before": before}).encode())
        self._noted.add(rel)
        crash_point("journal.noted")

    def close(self) -> None:
        """The command is over (done, or undone by itself): its notes are no longer needed."""
        if self.folder.is_dir():
            done = self.folder.with_name(self.folder.name + DONE)
            self.folder.rename(done)
            shutil.rmtree(done, ignore_errors=True)


def recover(root: Path) -> list[str]:
    """Put back the files of every command killed mid-way (its process gone, its notes left);
    returns the files put back or removed (collection-relative)."""
    root = Path(root)
    restored: list[str] = []
    for folder in sorted(root.glob(PREFIX + "*")):
        pid = folder.name[len(PREFIX):].split("-", 1)[0]
        if not folder.is_dir() or not pid.isdigit() or alive(int(pid)):
            continue
        if not folder.name.endswith(DONE):
            for note in sorted(folder.glob("*.json"), reverse=True):
                restored += _put_back(root, json.loads(note.read_text(encoding="utf-8")))
        shutil.rmtree(folder, ignore_errors=True)
    return restored


def _put_back(root: Path, note: dict) -> list[str]:
    path = root / note["file"]
    if note["before"] is None:  # made by the killed command
        if not path.is_file():
            return []
        path.unlink()
        return [note["file"]]
    before = base64.b64decode(note["before"])
    if path.is_file() and path.read_bytes() == before:
        return []
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes(path, before)
    return [note["file"]]
