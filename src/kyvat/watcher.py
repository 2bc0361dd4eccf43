"""Learning that files changed from the operating system (inotify, FSEvents, ReadDirectoryChangesW)
through watchfiles, imported here and in no other module, instead of looking at every file again and
again: an idle `kyvat serve` costs nothing while no file changes.

Where the system cannot watch a folder (a network share, too many folders for its inotify limit),
watchfiles looks at the files itself every `quiet` seconds, as kyvat did before.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path

import watchfiles

# Changes keep coming (a folder of scans copied in): the rebuild waits for them at most this long.
LONGEST_WAIT_MS = 60_000
# How often the watching thread looks up from the system's notices (to hear close()): a wake-up that
# costs microseconds, where looking at every file of a large collection cost most of a core.
_TICK_MS = 250


def _shown(folders: tuple[Path, ...]):
    """A filter keeping what a curator would call a change: no hidden file or folder (an editor's
    swap file, .git, a copy `kyvat add-scan` has not finished) below the folders watched."""
    def keep(_change: watchfiles.Change, path: str) -> bool:
        for folder in folders:
            try:
                parts = Path(path).relative_to(folder).parts
            except ValueError:
                continue
            return not any(part.startswith(".") for part in parts)
        return True
    return keep


class Watcher:
    """Sets `changed` each time files under `folders` change (grouped until `quiet` seconds pass
    with none), from the moment it is made until `close()`: a change made while the caller is
    busy (building) is kept for its next `wait()`."""

    def __init__(self, folders: Iterable[Path], quiet: float):
        self.folders = tuple(Path(f).resolve() for f in folders)
        self.changed, self._stop, self._ready = threading.Event(), threading.Event(), threading.Event()
        self._quiet_ms = max(1, int(quiet * 1000))
        self._thread = threading.Thread(target=self._run, name="kyvat-watcher", daemon=True)
        self._thread.start()
        self._ready.wait(10)  # watching before the caller's first look, so no change falls between

    def _run(self) -> None:
        for polling in (None, True):  # the system's notices first; if it refuses the folders, polling
            try:
                for _changes in watchfiles.watch(
                        *self.folders, watch_filter=_shown(self.folders), debounce=LONGEST_WAIT_MS,
                        step=self._quiet_ms, stop_event=self._stop, rust_timeout=_TICK_MS, yield_on_timeout=True,
                        force_polling=polling, poll_delay_ms=self._quiet_ms, raise_interrupt=False):
                    self._ready.set()  # the first timeout: the watch is in place
                    if _changes:
                        self.changed.set()
                return
            except Exception:  # noqa: BLE001 - watchfiles' own errors too (a folder it cannot watch): poll;
                continue  # a folder that cannot even be polled (gone) is watched no more
            finally:
                self._ready.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Whether files changed since the last wait (waiting up to `timeout` seconds, None: for ever)."""
        found = self.changed.wait(timeout)
        self.changed.clear()
        return found

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
