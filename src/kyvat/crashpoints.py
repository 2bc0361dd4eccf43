"""Named moments at which a test may kill kyvat, to prove that a crash or a power cut at that moment
leaves the collection and the site whole (tests/test_crash_safety.py).

`KYVAT_CRASH_AT=<point>` makes the process kill itself with SIGKILL when it reaches `crash_point(<point>)`:
no `finally`, no `atexit`, as a power cut. Unset (always, outside those tests), a point costs one
comparison. `armed(prefix)` lets code take the path a point is on (a fallback the system would not use).
"""

from __future__ import annotations

import os
import signal

_AT = os.environ.get("KYVAT_CRASH_AT", "")


def crash_point(name: str) -> None:
    """Die at once, as if the power went out, when the test asked to crash at `name`."""
    if _AT and _AT == name:
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))  # Windows has no SIGKILL


def armed(prefix: str) -> bool:
    """Whether the test asked to crash at a point whose name starts with `prefix`."""
    return bool(_AT) and _AT.startswith(prefix)
