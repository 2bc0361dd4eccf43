"""The build: the ordered list of stages, and the one way of running them.

It gathers and validates everything before it writes, lets each stage write into a fresh staging
folder beside the output, and swaps that in only when every stage has finished: a crash leaves
yesterday's site. What each stage does, writes and counts is the stage's own business (stages.py).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from . import derivatives, iiif, layout, research, site, sitesearch
from .errors import KyvatError
from .privacy import to_public
from .stages import BuildContext, BuildReport, Stage, StageReport, make_owner, run_stage
from .validate import load_for_build

__all__ = ["STAGES", "BuildReport", "StageReport", "build"]

# The order matters: the IIIF documents and the pages show the services the derivatives made.
STAGES: tuple[Stage, ...] = (
    derivatives.STAGE,
    iiif.STAGE,
    site.STAGE,
    research.STAGE,
    sitesearch.STAGE,
)


def build(collection_root: str | Path, out: str | Path, *, cache: str | Path | None = None,
          jobs: int | None = None, base_url: str | None = None, strict: bool = False,
          executor_factory=None, today: dt.date | None = None, only: tuple[str, ...] | None = None,
          stages: tuple[Stage, ...] = STAGES, mount: str = "") -> BuildReport:
    """Build the public collection at `collection_root` into `out`. Raises CollectionInvalid before
    writing anything if the records have errors; scan problems are reported and the rest is built.

    `only` names the stages to run (the others' files in `out` are kept as they were); `mount` says
    which part of the site `out` holds ("iiif/": `out` is the site's iiif/ folder)."""
    started = time.monotonic()
    chosen = _choose(stages, only)
    collection, scan_problems = load_for_build(collection_root, strict=strict, today=today)
    public = to_public(collection)
    if base_url:
        public = replace(public, config=replace(public.config, base_url=base_url.rstrip("/") + "/"))
    root = Path(collection_root)
    out = Path(out).resolve()
    if _inside(out, root.resolve()):
        raise KyvatError(f"the output folder {out} is inside the collection; choose a folder outside it")
    cache_dir = layout.cache_dir(collection_root, cache)
    cache_dir.mkdir(parents=True, exist_ok=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    report = BuildReport(objects=len(public.objects), problems=list(scan_problems))
    context = BuildContext(root=root, public=public, staging=staging, cache=cache_dir, mount=mount, jobs=jobs,
                           executor_factory=executor_factory, report=report)
    done: list[tuple[Stage, StageReport]] = []
    try:
        for stage in chosen:
            stage_report = run_stage(stage, context)
            report.add(stage_report)
            done.append((stage, stage_report))
        if len(chosen) < len(stages):
            _carry_over(out, staging, stages, chosen, mount)
        _keep_unchanged(out, staging)
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    for stage, stage_report in done:
        stage.finish(context, stage_report)
    report.seconds = time.monotonic() - started
    return report


def _choose(stages: tuple[Stage, ...], only: tuple[str, ...] | None) -> tuple[Stage, ...]:
    names = [s.name for s in stages]
    if len(set(names)) != len(names):
        raise KyvatError(f"two stages share a name: {', '.join(names)}")
    unknown = sorted(set(only or ()) - set(names))
    if unknown:
        raise KyvatError(f"no build stage named {', '.join(unknown)} (the stages are {', '.join(names)})")
    return stages if only is None else tuple(s for s in stages if s.name in only)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _carry_over(old: Path, staging: Path, stages: tuple[Stage, ...], chosen: tuple[Stage, ...], mount: str) -> None:
    """Keep in a partial build every file of the previous output that no stage of this build
    writes: hard links, so nothing is copied and the old files stay untouched."""
    if not old.is_dir():
        return
    for path in sorted(old.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        relative = path.relative_to(old).as_posix()
        if make_owner(stages, mount + relative) in chosen:
            continue
        target = staging / relative
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, target)
        except OSError:
            shutil.copy2(path, target)


def _keep_unchanged(old: Path, new: Path) -> None:
    """Give files whose bytes did not change their old modification time, so a sync sends nothing."""
    if not old.is_dir():
        return
    for path in new.rglob("*"):
        previous = old / path.relative_to(new)
        if not (path.is_file() and previous.is_file()):
            continue
        if os.path.samefile(path, previous):  # tiles hard-linked from the cache: same file already
            continue
        if path.stat().st_size == previous.stat().st_size and path.read_bytes() == previous.read_bytes():
            stat = previous.stat()
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def _swap(staging: Path, out: Path) -> None:
    """Replace `out` by `staging` with renames, so at no moment is there a half-written site."""
    staging.chmod(0o755)
    if not out.exists():
        staging.rename(out)
        return
    retired = out.with_name(f".{out.name}.old-{os.getpid()}")
    out.rename(retired)
    staging.rename(out)
    shutil.rmtree(retired, ignore_errors=True)
