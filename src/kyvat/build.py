"""The build: the only module that knows the order of the stages (DESIGN.md §1).

It gathers and validates everything before it writes, writes into a fresh staging folder beside
the output, and swaps that in only when every stage has finished: a crash leaves yesterday's site.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import derivatives, iiif, layout, research, site, sitesearch
from .errors import KyvatError, Problem
from .privacy import to_public
from .validate import load_for_build


@dataclass
class BuildReport:
    objects: int = 0
    scans: int = 0
    scans_processed: int = 0
    scans_reused: int = 0
    cache_pruned: int = 0  # cached derivatives no scan uses any more, removed
    pages: int = 0
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {
            "objects": self.objects,
            "scans": self.scans,
            "scans_processed": self.scans_processed,
            "scans_reused": self.scans_reused,
            "cache_pruned": self.cache_pruned,
            "pages": self.pages,
            "problems": [p.as_dict() for p in self.problems],
            "seconds": round(self.seconds, 3),
        }


def build(collection_root: str | Path, out: str | Path, *, cache: str | Path | None = None,
          jobs: int | None = None, base_url: str | None = None, strict: bool = False,
          executor_factory=None, today: dt.date | None = None) -> BuildReport:
    """Build the site for `collection_root` into `out`. Raises CollectionInvalid before writing
    anything if the records have errors; scan problems are reported and the rest is built."""
    started = time.monotonic()
    collection, scan_problems = load_for_build(collection_root, strict=strict, today=today)
    public = to_public(collection)
    if base_url:
        public = replace(public, config=replace(public.config, base_url=base_url.rstrip("/") + "/"))
    out = Path(out).resolve()
    if _inside(out, Path(collection_root).resolve()):
        raise KyvatError(f"the output folder {out} is inside the collection; choose a folder outside it")
    cache_dir = layout.cache_dir(collection_root, cache)
    cache_dir.mkdir(parents=True, exist_ok=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        report = BuildReport(objects=len(public.objects), problems=list(scan_problems))
        images = derivatives.write_image_services(public, staging, cache_dir, jobs=jobs,
                                                  executor_factory=executor_factory)
        report.scans = images.scans
        report.scans_processed = images.processed
        report.scans_reused = images.reused
        report.problems.extend(images.problems)
        iiif.write_iiif(public, staging, images)
        report.pages = site.write_site(public, staging, images, collection_root=Path(collection_root))
        research.write_research_index(public, layout.index_dir(cache_dir))
        sitesearch.write_site_search(public, staging)
        _keep_unchanged(out, staging)
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    # Only once the new site is in place: its files are hard links, which outlive the folders removed.
    report.cache_pruned = derivatives.prune_cache(cache_dir, images)
    report.seconds = time.monotonic() - started
    return report


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


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
