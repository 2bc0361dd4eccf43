"""What every case of the broken-input corpus (tests/broken/) shares: a time limit, and a digest of
the collection's files, so a case shows that kyvat answered fast and changed nothing it was handed.
"""

from __future__ import annotations

import contextlib
import hashlib
import signal
import time
from pathlib import Path

SECONDS = 10  # a broken input ends in a message within this, on a busy machine


class TooSlow(Exception):
    pass


@contextlib.contextmanager
def time_limit(seconds: float = SECONDS):
    """Raise TooSlow in the main thread if the block runs longer than `seconds` (SIGALRM)."""
    def stop(signum, frame):
        raise TooSlow(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        _record(time.monotonic() - started)


def tree_digest(root: Path) -> dict[str, str]:
    """Each file and folder under `root` (as a relative path) with the SHA-256 of its bytes."""
    found = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            found[rel] = "link:" + str(path.readlink())
        elif path.is_dir():
            found[rel] = "folder"
        else:
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


SLOWEST: list[float] = [0.0]


def _record(seconds: float) -> None:
    SLOWEST[0] = max(SLOWEST[0], seconds)
