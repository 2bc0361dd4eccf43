"""The build: the ordered list of stages, and the one way of running them.

It gathers and validates everything before it writes, lets each stage write into a fresh staging
folder beside the output, and puts that in place only when every stage has finished (output.py): a
crash leaves yesterday's site. What each stage does, writes and counts is its own business (stages.py).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import replace
from pathlib import Path

from . import derivatives, iiif, inputs, layout, output, redirects, research, site, sitesearch
from .crashpoints import crash_point
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
    # One name for the collection however it was given (`-c collection` from inside its parent, a
    # whole path from the desk): what the last build read and made is known by it (readcache, inputs).
    root = Path(collection_root).resolve()
    cache_dir = layout.cache_dir(root, cache)
    # The records, from the read cache (readcache.py) when an earlier build made the cache folder; a
    # first whole build (which makes it anyway) makes it before reading: the next one finds them.
    if only is None:
        cache_dir.mkdir(parents=True, exist_ok=True)
    collection, scan_problems = load_for_build(root, strict=strict, today=today, cache=cache_dir)
    public = to_public(collection)
    if base_url:
        public = replace(public, config=replace(public.config, base_url=make_base_url(base_url)))
    out = Path(out).resolve()
    writes = any(stage.outputs_of(public) for stage in chosen)  # else (research index alone) `out` is left alone
    if writes:
        output.check_target(out, {N_("the collection"): root, N_("its cache"): cache_dir},
                            legacy=Urls.inside(Urls.collection(), mount) or "")  # "": no older output of this kind
    report = BuildReport(objects=len(public.objects), problems=list(scan_problems))
    # A whole build's inputs; when they are those of the output it replaces, its stages' files are kept.
    racy: dict[str, str] = {}  # the files too young to be known by their time (inputs.make_fingerprint)
    fingerprint = _fingerprint(root, stages, base_url, strict, today, racy) if writes and not mount else ""
    marker = out / output.MARKER  # the output's identity, written anew by each build
    previous = inputs.read_record(cache_dir, out, marker) if fingerprint else {}
    kept: dict[str, dict[str, int]] | None = None
    done: list[tuple[Stage, StageReport]] = []
    staging = None
    try:
        # the folder a stage shares between the old site and the new one (output.swap), for a whole site
        shared = "" if mount else next((stage.shared for stage in stages if stage.shared), "")
        staging = output.make_staging(out, shared) if writes else None
        crash_point("build.staging-made")
        context = BuildContext(root=root, public=public, staging=staging, cache=cache_dir, mount=mount, jobs=jobs,
                               executor_factory=executor_factory, report=report, on_progress=progress,
                               previous=out if staging is not None and out.is_dir() else None)
        context.values[inputs.PREVIOUS] = previous
        for index, stage in enumerate(chosen):
            if kept is not None and stage.name in kept:  # made from the same inputs: the old output's files
                report.add(StageReport(stage.name, counts=kept[stage.name]))
                continue
            stage_report = run_stage(stage, context)
            report.add(stage_report)
            done.append((stage, stage_report))
            crash_point(f"build.after-stage.{stage.name}")
            if kept is None and fingerprint and only is None and output.holds_nothing(staging):
                kept = _keep_previous(context, previous, fingerprint, chosen[index + 1:])
        if staging is not None and kept is not None:
            # made from the same inputs as the old output, which the stages left as it is: it is the
            # new output already, byte for byte; nothing to put in place, nothing to link
            output.remove_staging(staging, out)
            staging = None
        elif staging is not None:
            if len(chosen) < len(stages):
                output.carry_over(out, staging, lambda path: make_owner(stages, Urls.under(mount, path), public) not in chosen)
            output.keep_unchanged(out, staging)
            crash_point("build.before-swap")
            trash = layout.trash_dir(cache_dir) if cache_dir.is_dir() and not mount else None  # `kyvat iiif`: none
            output.swap(staging, out, context.borrowed, trash=trash,
                        shared=shared if any(stage.shared == shared for stage in chosen) else "")
            crash_point("build.swapped")
            if fingerprint:
                record = _record(context, fingerprint, chosen, kept, only)
                record = record and {**record, "racy": racy}
                inputs.write_record(cache_dir, out, marker, record)
    except BaseException as exc:
        if staging is not None:
            output.remove_staging(staging, out)
        if isinstance(exc, OSError):  # a full disk, a folder kyvat may not write: a message, not a traceback
            raise output.make_write_error(out, exc) from None
        raise
    for stage, stage_report in done:
        stage.finish(context, stage_report)
    report.seconds = time.monotonic() - started
    return report


def _fingerprint(root: Path, stages: tuple[Stage, ...], base_url: str | None, strict: bool,
                 today: dt.date | None, racy: dict[str, str]) -> str:
    """What a whole build is made from (inputs.py): the collection's files, kyvat's, the options."""
    options = {"base_url": base_url, "strict": strict, "today": (today or dt.date.today()).isoformat(),
               "stages": [f"{s.name}:{type(s).__module__}.{type(s).__qualname__}" for s in stages]}
    return inputs.make_fingerprint([root], options, steady=inputs.KYVAT_FILES,
                                   racy=racy)


def _record(context: BuildContext, fingerprint: str, chosen: tuple[Stage, ...], kept, only) -> dict | None:
    """What to remember of the new output: its fingerprint, its stages' counts (to report them when
    they are kept whole), the keys of its files; None after a build of some stages or with problems."""
    reports = list(context.report.stages.values())[1:]  # the first stage (the derivatives) runs always
    if only is not None or any(r.problems for r in reports):
        return None
    keys = context.values[inputs.PREVIOUS].get("keys", {}) if kept is not None else context.values.get(inputs.KEYS, {})
    counts = {s.name: context.report.stages[s.name].counts for s in chosen[1:] if s.outputs_of(context.public)}
    return {"fingerprint": fingerprint, "keys": keys, "stages": counts}


def _keep_previous(context: BuildContext, previous: dict, fingerprint: str,
                   rest: tuple[Stage, ...]) -> dict[str, dict[str, int]] | None:
    """When the stages run so far wrote nothing new and the old output was made from the same inputs,
    the counts of the stages `rest` (which will not run: their files are the old output's, which
    stays in place untouched); else None."""
    return inputs.kept_counts(previous, fingerprint, [s.name for s in rest if s.outputs_of(context.public)])


def _choose(stages: tuple[Stage, ...], only: tuple[str, ...] | None) -> tuple[Stage, ...]:
    names = [s.name for s in stages]
    if len(set(names)) != len(names):
        raise KyvatError(N_("two stages share a name: {names}"), params=make_params(names=", ".join(names)))
    unknown = sorted(set(only or ()) - set(names))
    if unknown:
        raise KyvatError(N_("no build stage named {unknown} (the stages are {names})"),
                         params=make_params(unknown=", ".join(unknown), names=", ".join(names)))
    return stages if only is None else tuple(s for s in stages if s.name in only)
