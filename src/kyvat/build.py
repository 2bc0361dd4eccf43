"""The build: the ordered list of stages, and the one way of running them.

It gathers and validates everything before it writes, lets each stage write into a fresh staging
folder beside the output, and puts that in place only when every stage has finished (output.py): a
crash leaves yesterday's site. What each stage does, writes and counts is its own business (stages.py).
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from dataclasses import replace
from pathlib import Path

from . import derivatives, iiif, layout, output, redirects, research, site, sitesearch
from .errors import N_, KyvatError, make_params
from .privacy import to_public
from .progress import Progress, no_progress
from .stages import BuildContext, BuildReport, Stage, StageReport, make_owner, run_stage
from .urls import Urls, make_base_url
from .validate import load_for_build

__all__ = ["STAGES", "BuildReport", "StageReport", "build"]

# The order matters: the IIIF documents and the pages show the services the derivatives made.
STAGES: tuple[Stage, ...] = (
    derivatives.STAGE,
    iiif.STAGE,
    site.STAGE,
    redirects.STAGE,
    research.STAGE,
    sitesearch.STAGE,
)


def build(collection_root: str | Path, out: str | Path, *, cache: str | Path | None = None,
          jobs: int | None = None, base_url: str | None = None, strict: bool = False,
          executor_factory=None, today: dt.date | None = None, only: tuple[str, ...] | None = None,
          stages: tuple[Stage, ...] = STAGES, mount: str = "", progress: Progress = no_progress) -> BuildReport:
    """Build the public collection at `collection_root` into `out`. Raises CollectionInvalid before
    writing anything if the records have errors; scan problems are reported and the rest is built.

    `only` names the stages to run (the others' files in `out` are kept as they were); `mount` says
    which part of the site `out` holds ("iiif/": `out` is the site's iiif/ folder). `progress` is
    told each stage's start and end and each scan made (progress.py), e.g. to draw a bar."""
    started = time.monotonic()
    chosen = _choose(stages, only)
    collection, scan_problems = load_for_build(collection_root, strict=strict, today=today)
    public = to_public(collection)
    if base_url:
        public = replace(public, config=replace(public.config, base_url=make_base_url(base_url)))
    root = Path(collection_root)
    out = Path(out).resolve()
    cache_dir = layout.cache_dir(collection_root, cache)
    writes = any(stage.outputs_of(public) for stage in chosen)  # else (research index alone) `out` is left alone
    if writes:
        output.check_target(out, {N_("the collection"): root, N_("its cache"): cache_dir},
                            legacy=Urls.inside(Urls.collection(), mount) or "")  # "": no older output of this kind
    staging = output.make_staging(out) if writes else None
    report = BuildReport(objects=len(public.objects), problems=list(scan_problems))
    context = BuildContext(root=root, public=public, staging=staging, cache=cache_dir, mount=mount, jobs=jobs,
                           executor_factory=executor_factory, report=report, on_progress=progress)
    done: list[tuple[Stage, StageReport]] = []
    try:
        for stage in chosen:
            stage_report = run_stage(stage, context)
            report.add(stage_report)
            done.append((stage, stage_report))
        if staging is not None:
            if len(chosen) < len(stages):
                output.carry_over(out, staging, lambda path: make_owner(stages, Urls.under(mount, path), public) not in chosen)
            output.keep_unchanged(out, staging)
            output.swap(staging, out)
    except BaseException:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    for stage, stage_report in done:
        stage.finish(context, stage_report)
    report.seconds = time.monotonic() - started
    return report


def _choose(stages: tuple[Stage, ...], only: tuple[str, ...] | None) -> tuple[Stage, ...]:
    names = [s.name for s in stages]
    if len(set(names)) != len(names):
        raise KyvatError(N_("two stages share a name: {names}"), params=make_params(names=", ".join(names)))
    unknown = sorted(set(only or ()) - set(names))
    if unknown:
        raise KyvatError(N_("no build stage named {unknown} (the stages are {names})"),
                         params=make_params(unknown=", ".join(unknown), names=", ".join(names)))
    return stages if only is None else tuple(s for s in stages if s.name in only)
