"""The stage contract: what every step of the build receives (a BuildContext) and returns (a
StageReport). A stage is a small object with a name, the site files it writes, and `run`.

Each stage lives in the module that does its work (`iiif.STAGE`, `site.STAGE`, …); `build.py` only
lists them in order. A new output is one module with a Stage plus one line in that list.
"""

from __future__ import annotations

import functools
import re
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from .errors import N_, KyvatError, Problem, make_params
from .i18n import Words, read_words
from .model import Collection
from .progress import Progress, no_progress
from .urls import Urls


@dataclass
class StageReport:
    """What one stage did: named counts (`pages`, `scans_reused`…), the problems it met, its time."""

    name: str
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {"counts": dict(self.counts), "problems": len(self.problems), "seconds": round(self.seconds, 3)}


@dataclass
class BuildReport:
    """The whole build: the objects published, every stage's report in order, every problem."""

    objects: int = 0
    problems: list[Problem] = field(default_factory=list)
    stages: dict[str, StageReport] = field(default_factory=dict)
    seconds: float = 0.0

    def count(self, name: str) -> int:
        """A count summed over the stages (0 when no stage that ran reports it)."""
        return sum(report.counts.get(name, 0) for report in self.stages.values())

    def add(self, report: StageReport) -> None:
        self.stages[report.name] = report
        self.problems.extend(report.problems)

    def as_dict(self) -> dict:
        counts: dict[str, int] = {}
        for report in self.stages.values():
            for name, value in report.counts.items():
                counts[name] = counts.get(name, 0) + value
        return {"objects": self.objects, **counts, "problems": [p.as_dict() for p in self.problems],
                "seconds": round(self.seconds, 3),
                "stages": {name: report.as_dict() for name, report in self.stages.items()}}


class Stage:
    """One step of the build. Subclasses set `name` and `outputs`, and implement `run`.

    `outputs` are the site paths the stage writes, as patterns relative to the site root: `*` stands
    for one path segment (`iiif/*/manifest.json`), a final `**` for everything below a folder
    (`pagefind/**`), and "*" alone claims every file no other stage claims (the pages). A build of
    some stages only (`build(only=…)`) keeps every file of the previous output that those stages
    do not claim; a stage with no outputs (the research index, in the cache) leaves the output alone.
    A stage whose files sit among another stage's and depend on the records (the redirect pages, at
    the old addresses of people's pages) names them exactly in `outputs_of(public)` instead."""

    name: str = ""
    outputs: tuple[str, ...] = ()
    # A folder of the site whose entries the stage never changes once written, only adds, replaces
    # whole or removes: a rebuild's new site shares the old one's rather than copying it (output.swap).
    shared: str = ""

    def run(self, context: BuildContext) -> StageReport:
        raise NotImplementedError

    def finish(self, context: BuildContext, report: StageReport) -> None:
        """Called once the new output is in place (e.g. to prune a cache the old site still used)."""

    def outputs_of(self, public: Collection | None) -> tuple[str, ...]:
        """The outputs in a build of the public collection `public` (None: whatever it holds)."""
        return self.outputs

    def claims(self, path: str, public: Collection | None = None) -> bool:
        return any(pattern != "*" and make_pattern(pattern).fullmatch(path) for pattern in self.outputs_of(public))

    @property
    def catch_all(self) -> bool:
        return "*" in self.outputs

    def __repr__(self) -> str:
        return f"<Stage {self.name}>"


@functools.cache
def make_pattern(pattern: str) -> re.Pattern:
    """An outputs pattern as a regex: `*` within one segment, a final `/**` for a whole folder."""
    deep = pattern.endswith("/**")
    parts = [re.escape(part).replace(r"\*", "[^/]*") for part in pattern.removesuffix("/**").split("/")]
    return re.compile("/".join(parts) + ("/.+" if deep else ""))


def make_owner(stages: tuple[Stage, ...], path: str, public: Collection | None = None) -> Stage | None:
    """The stage that writes the site path `path` (in a build of `public`): the one whose pattern
    matches, else a catch-all."""
    claimed = next((s for s in stages if s.claims(path, public)), None)
    return claimed or next((s for s in stages if s.catch_all), None)


@dataclass
class BuildContext:
    """Everything a stage may use. `staging` is the folder being written; it stands for the site
    path `mount` ("" for a whole site, "iiif/" when the output folder is only the IIIF documents).
    Stages write only through `path()`, so nothing lands outside it."""

    root: Path  # the collection folder
    public: Collection  # what privacy.to_public kept: the only collection a stage sees
    staging: Path | None  # None when no chosen stage writes into the output
    cache: Path
    mount: str = ""
    jobs: int | None = None
    executor_factory: Any = None
    report: BuildReport = field(default_factory=BuildReport)
    # What a stage leaves for later ones: the derivatives stage its services ("derivatives").
    values: dict[str, Any] = field(default_factory=dict)
    # The output this build replaces (None: none, or a part of a site), and the folders of it that
    # a stage keeps as they are (site paths): shared, or hard-linked into the staging folder at the swap (output.swap).
    previous: Path | None = None
    borrowed: list[str] = field(default_factory=list)
    # Who watches the build (the CLI's progress bar, progress.py's contract); stages call `progress`.
    on_progress: Progress = no_progress
    _steps: dict[str, tuple[int, int]] = field(default_factory=dict, init=False, repr=False)

    def progress(self, task: str, done: int, total: int, current: str = "") -> None:
        """Tell the watcher how far a long stage is: `done` of `total` steps, `current` the item
        just finished (its collection-relative path). run_stage tells every stage's start and end,
        so only a stage with items to count (the derivatives stage: its scans) calls this."""
        self._steps[task] = (done, total)
        self.on_progress(task, done, total, current)

    @cached_property
    def words(self) -> Words:
        """The interface words: kyvat's table with the collection's own overrides."""
        return read_words(self.root)

    @cached_property
    def urls(self) -> Urls:
        """Every address of the published collection."""
        return Urls.of(self.public.config)

    def path(self, site_path: str) -> Path:
        """The file or folder in `staging` for a site path (`iiif/collection.json`, `iiif/`);
        refuses a path outside the mounted part of the site, or leaving it with '..'."""
        quoted = make_params(path=repr(site_path))  # repr: any path, quoted as Python does
        if self.staging is None:
            raise KyvatError(N_("refusing to write {path}: no stage of this build declares an output"), params=quoted)
        clean = Urls.clean(site_path.strip("/"))
        if clean is None:
            raise KyvatError(N_("refusing to write {path}: it leaves the site folder"), params=quoted)
        inner = Urls.inside(clean, self.mount)
        if inner is None:
            raise KyvatError(N_("refusing to write {path}: this build writes only {mount}"),
                             params=(*quoted, ("mount", self.mount)))
        return self.staging / inner if inner else self.staging


def run_stage(stage: Stage, context: BuildContext) -> StageReport:
    started = time.monotonic()
    context.progress(stage.name, 0, 1)  # one step, until the stage counts its items
    report = stage.run(context)
    done, total = context._steps[stage.name]
    if done < total:
        context.progress(stage.name, total, total)
    if report.name != stage.name:
        raise KyvatError(N_("the {stage} stage returned the report of {other}"),
                         params=make_params(stage=stage.name, other=repr(report.name)))
    report.seconds = time.monotonic() - started
    return report
