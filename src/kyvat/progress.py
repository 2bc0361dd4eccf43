"""How long work tells how far it has got, without printing: the library calls a `Progress`
callback, and whoever called the library (the CLI, drawing a bar on a terminal) decides what to show.

The contract, for every long task (a build stage, add-scan's copies, and later import, OCR, export):
- `progress(task, done, total, current)`: `task` names the work (a stage's name, "copy"…), `done`
  of `total` steps have finished, `current` is the item just finished (a collection-relative path
  such as objects/AB-2026-0001/scans/001.jpg, so a person knows where the time goes) or "";
- a task's first call has `done == 0`, and it has ended when `done == total`; `total` may change
  in between, once the task knows how many items it has (a build stage starts as one step, and the
  derivatives stage then counts one step a scan);
- calls come from the thread that called the library, never from a worker, so a callback needs no lock.
This module is pure: the terminal drawing (and its library) lives in progressbar.py, used by cli.py only.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def __call__(self, task: str, done: int, total: int, current: str = "") -> None: ...


def no_progress(task: str, done: int, total: int, current: str = "") -> None:
    """The callback when nobody watches (tests, scripts, the library used on its own)."""
