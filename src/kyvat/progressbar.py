"""The progress of long work drawn on a terminal: one tqdm bar per running task (progress.py's
callbacks), with the current file and an estimate of the time left, on stderr so stdout stays clean.

Only on a terminal: in a pipe, a file or CI nothing is drawn, not even a line per stage, so logs stay
as short as the summary the command prints anyway (`kyvat build --report` has each stage's time).
tqdm is imported here and nowhere else, and only cli.py uses this module: the library never prints.
"""

from __future__ import annotations

import sys
from typing import TextIO

from tqdm import tqdm

from .messages import N_, _

# tqdm's usual look, the current file last: "derivatives:  40%|████      | 18/45 [00:08<00:12, objects/…/001.jpg]"
BAR_FORMAT = "{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}{postfix}]"
# A longer path keeps its end (the object and the file), so the line still fits a narrow terminal.
CURRENT_WIDTH = 48
# What each task (a build stage's name, ingest's steps) is called on its bar, in the curator's
# language; a task not named here shows its own name. Ingest's "copy" is "copying" here: the bare
# word is the acquisition method's msgid, translated otherwise.
TASK_WORDS = {"derivatives": N_("derivatives"), "iiif": N_("iiif"), "site": N_("site"),
              "sitesearch": N_("sitesearch"), "research": N_("research"), "redirects": N_("redirects"),
              "check": N_("checking"), "copy": N_("copying")}


class Bars:
    """A `Progress` callback that draws a bar for each task while it runs, when `stream` is a
    terminal, and does nothing otherwise. Use it as a context manager: leaving clears the bars of
    a task that never ended (a failed build), so an error message starts on a clean line."""

    def __init__(self, stream: TextIO | None = None, mininterval: float = 0.2):
        self.stream = stream if stream is not None else sys.stderr
        self.mininterval = mininterval  # seconds between redraws: thousands of cached scans stay cheap
        self.drawing = is_terminal(self.stream)
        self.bars: dict[str, tqdm] = {}

    def __call__(self, task: str, done: int, total: int, current: str = "") -> None:
        if not self.drawing:
            return
        bar = self.bars.get(task)
        if bar is not None and done == 0 and bar.n > 0:  # the task runs again (kyvat serve's next build)
            self.bars.pop(task).close()
            bar = None
        if bar is None:
            bar = self.bars[task] = tqdm(total=total, desc=_(TASK_WORDS.get(task, task)), file=self.stream, leave=False,
                                         dynamic_ncols=True, bar_format=BAR_FORMAT, mininterval=self.mininterval)
        if bar.total != total:  # the stage has counted its items: show the real size at once
            bar.total = total
            bar.refresh()
        if current:
            bar.set_postfix_str(shorten(current), refresh=False)
        bar.update(done - bar.n)  # tqdm redraws at most every `mininterval` seconds
        if done >= total:
            self.bars.pop(task).close()

    def close(self) -> None:
        for task in list(self.bars):
            self.bars.pop(task).close()

    def __enter__(self) -> Bars:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def shorten(current: str, width: int = CURRENT_WIDTH) -> str:
    return current if len(current) <= width else "…" + current[-(width - 1):]
