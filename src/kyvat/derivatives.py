"""Derivatives of the masters: thumbnails and IIIF Image API 3.0 level-0 static tiles, cached by
checksum outside the collection and linked into the site.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import layout, media, pdf, readcache
from .abandoned import die_with_parent
from .crashpoints import crash_point
from .output import same_file
from .diskclock import read_disk_time
from .errors import MediaError, Problem, make_params
from .messages import N_
from .model import Artifact, Collection, Scan
from .progress import Progress, no_progress
from .stages import BuildContext, Stage, StageReport
from .tiles import PILLOW_VERSION, link_file, make_info_json, make_max_size, make_sizes, to_display, write_pyramid
from .urls import Urls

# Bump when the way derivatives are made changes, so every cached service is made again.
RECIPE_VERSION = 4  # 4: full/max cut down to a level, no whole-image copy of the tiles
SERVICE_FILE = "service.json"  # in the cache: what info.json needs, minus the id (base_url may change)


@dataclass(frozen=True)
class ImageService:
    """One published scan: where its files are in the site and what size it is."""

    object_id: str
    n: int  # 1-based position among the object's scans
    file: str  # master file name in objects/{id}/scans/
    kind: str  # "image" | "audio" | "video"
    width: int = 0  # pixels, after EXIF orientation (images)
    height: int = 0
    duration: float = 0.0  # seconds (audio, video)
    sizes: tuple[tuple[int, int], ...] = ()  # the `sizes` of info.json, smallest first
    media_path: str = ""  # audio/video: the copied file, relative to the site root
    sha256: str = ""  # of the master, as read during this build
    cache_entry: str = ""  # the folder of the cache's images/ it was published from
    page: int = 0  # the page of a PDF master it shows (Scan.page)
    max_size: tuple[int, int] = (0, 0)  # what full/max shows: the image, or a level of it (tiles.make_max_size)

    @property
    def service_path(self) -> str:
        """The image service folder, site-relative."""
        return Urls.image_service(self.object_id, self.n)

    def ladder(self) -> list[tuple[str, int, int]]:
        """Every whole image the service serves, smallest first, as (site path, width, height): the
        `sizes`, and `full/max` when it is larger than all of them (the image at full size)."""
        ladder = [(Urls.image_size(self.object_id, self.n, w, h), w, h) for w, h in self.sizes]
        if self.max_size[0] > max((w for w, _ in self.sizes), default=0):
            ladder.append((Urls.image_max(self.object_id, self.n), *self.max_size))
        return ladder

    def size(self, min_width: int) -> tuple[int, int]:
        """The smallest pre-made size at least `min_width` wide (or the largest): level 0 serves no other."""
        ladder = self.ladder() or [("", 0, 0)]
        return next(((w, h) for _, w, h in ladder if w >= min_width), ladder[-1][1:])

    def size_path(self, min_width: int) -> str:
        """That size's file, site-relative."""
        size = self.size(min_width)
        return next((path for path, w, h in self.ladder() if (w, h) == size), "")


@dataclass
class Derivatives:
    services: list[ImageService] = field(default_factory=list)
    scans: int = 0
    processed: int = 0
    reused: int = 0
    problems: list[Problem] = field(default_factory=list)
    borrowed: list[str] = field(default_factory=list)  # service folders of the old site kept as they are
    _index: dict[str, list[ImageService]] = field(default_factory=dict, init=False, repr=False, compare=False)
    _index_size: int = field(default=-1, init=False, repr=False, compare=False)

    def of(self, object_id: str) -> list[ImageService]:
        """The object's services in scan order. Every stage asks this for every object: the answer
        comes from an index, made again whenever services were added since."""
        if self._index_size != len(self.services):
            self._index = {}
            for service in sorted(self.services, key=lambda s: (s.object_id, s.n)):
                self._index.setdefault(service.object_id, []).append(service)
            self._index_size = len(self.services)
        return list(self._index.get(object_id, ()))

    def scans_of(self, obj: Artifact) -> list[tuple[Scan, ImageService]]:
        """The object's published scans, each beside its service, in scan order."""
        return make_scan_pairs(obj, self.of(obj.id))


def make_scan_pairs(obj: Artifact, services: list[ImageService]) -> list[tuple[Scan, ImageService]]:
    """Each service beside the scan it was made from, found by file name and page (records.py lets a
    file be listed once), never by position. A scan whose master failed has no service and is left out."""
    scans = {scan.key: scan for scan in obj.scans}
    return [(scans[s.file, s.page], s) for s in sorted(services, key=lambda s: s.n) if (s.file, s.page) in scans]


@dataclass(frozen=True)
class Job:
    """One scan to publish; plain values only, so it can travel to a worker process or machine."""

    object_id: str
    n: int
    file: str
    kind: str
    master: str  # absolute path of the master
    rel: str  # the master's path relative to the collection, for messages
    site_dir: str
    cache_dir: str
    base_url: str
    tile_size: int
    jpeg_quality: int
    max_pixels: int
    page: int = 0  # the page of a PDF master to render (Scan.page)
    old_dir: str = ""  # the site this build replaces, whose unchanged services are kept as they are
    sha256: str = ""  # the master's, known unchanged since an earlier build (readcache.MasterHashes)


@dataclass(frozen=True)
class Outcome:
    service: ImageService | None = None
    problems: tuple[Problem, ...] = ()
    reused: bool = False
    borrowed: bool = False  # the old site's folder of this service is kept (linked in at the swap)


def make_settings_key(job: Job) -> str:
    """What, besides the master's bytes, decides the derivatives' bytes."""
    settings = {"recipe": RECIPE_VERSION, "pillow": PILLOW_VERSION, "kind": job.kind}
    if job.kind == "image":
        settings.update(tile_size=job.tile_size, jpeg_quality=job.jpeg_quality)
    else:  # recordings published before their APEv2 tags were taken out are made again
        settings.update(tags="all-formats")
    if job.page:  # a PDF's page is drawn by PDFium, at a resolution held under max_pixels
        settings.update(pdfium=pdf.VERSION, max_pixels=job.max_pixels)
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:12]


def make_entry_name(job: Job, sha: str) -> str:
    """The cache folder of a master's derivatives: by checksum, page (of a PDF) and settings."""
    return f"{sha}-p{job.page}-{make_settings_key(job)}" if job.page else f"{sha}-{make_settings_key(job)}"


# -- one scan, in a worker --------------------------------------------------------------------

def make_service(job: Job) -> Outcome:
    """Publish one scan: reuse or make its cached derivatives, then link them into the site.
    Top-level and fed plain values, so any concurrent.futures executor can run it."""
    try:
        sha = job.sha256 or media.read_sha256(Path(job.master))
        entry = Path(job.cache_dir) / "images" / make_entry_name(job, sha)
        reused = (entry / SERVICE_FILE).is_file()
        if not reused:
            _make_entry(job, entry)
        described = json.loads((entry / SERVICE_FILE).read_text(encoding="utf-8"))
        notes = described.pop("notes", [])
        service, borrowed = _publish(job, entry, described, sha)
    except MediaError as exc:
        return Outcome(problems=(_problem(job, exc.template, exc.params),))
    except OSError as exc:
        return Outcome(problems=(_problem(job, N_("cannot be read or its derivatives written ({error})"),
                                          make_params(error=exc.strerror or exc)),))
    return Outcome(service=service, reused=reused, borrowed=borrowed,
                   problems=tuple(_note_problem(job, note) for note in notes))


def _problem(job: Job, reason: str, params: tuple = (), severity: str = "error") -> Problem:
    """The problem of one scan; `reason` a template (filled from `params`), or a cached note as written.
    "skipped" is the hint, so that it is translated once for every reason."""
    expected = N_("a readable JPEG, PNG, TIFF, WebP, HEIC or PDF master") if job.kind == "image" \
        else N_("a readable MP3, M4A, MP4 or WebM recording")
    return Problem(path=job.rel, expected=expected, found=reason, severity=severity, params=params,
                   hint=N_("skipped") if severity == "error" else "")


def _note_problem(job: Job, note: str | list) -> Problem:
    """A note kept in the cache: text as written (tiles.to_display's), or [template, its values]."""
    if isinstance(note, list):
        return _problem(job, note[0], make_params(**note[1]), severity="warning")
    return _problem(job, note, severity="warning")


def _make_entry(job: Job, entry: Path) -> None:
    """Make the derivatives in a temporary folder and rename it into place, so a crash or a
    parallel build never leaves a half-made cache entry that looks complete."""
    entry.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{entry.name}.", dir=entry.parent))
    try:
        if job.kind == "image":
            master, pages = media.read_image(Path(job.master), job.max_pixels, job.page)
            im, notes = to_display(master)
            del master  # to_display made a new image, or returned this one: one full copy stays
            described = write_pyramid(im, work, job.tile_size, job.jpeg_quality)
            if pages > 1 and not job.page:  # a PDF's other pages are scans of their own
                notes.append([N_("a file of {pages} pages: only the first is published; give each page its own file"),
                              {"pages": pages}])
            described["notes"] = notes
        else:
            described = {"duration": media.read_duration(Path(job.master))}
            media.write_public_recording(Path(job.master), work / ("media" + Path(job.file).suffix.lower()))
        (work / SERVICE_FILE).write_text(json.dumps(described, indent=2), encoding="utf-8")
        try:
            work.rename(entry)
        except OSError:
            if not (entry / SERVICE_FILE).is_file():
                raise  # not a parallel twin that finished first: a real failure
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _publish(job: Job, entry: Path, described: dict, sha: str) -> tuple[ImageService, bool]:
    """Link a cache entry's files into the site, or say (True) the old site's are the same, to keep."""
    site = Path(job.site_dir)
    if job.kind != "image":
        suffix = Path(job.file).suffix.lower()
        media_path = make_media_path(job)
        service = ImageService(job.object_id, job.n, job.file, job.kind, duration=described["duration"],
                               media_path=media_path, sha256=sha, cache_entry=entry.name)
        if job.old_dir and same_file(Path(job.old_dir) / media_path, entry / f"media{suffix}"):
            return service, True
        os.makedirs((site / media_path).parent, exist_ok=True)
        link_file(entry / f"media{suffix}", site / media_path)
        return service, False
    service_path = Urls.image_service(job.object_id, job.n)
    sizes = [tuple(s) for s in described["sizes"]]
    max_size = tuple(described["max_size"])
    info = make_info_json(Urls(job.base_url).absolute(service_path), described["width"], described["height"],
                          described["tile_size"], described["scale_factors"], sizes, max_size)
    text = json.dumps(info, ensure_ascii=False, indent=2) + "\n"
    service = ImageService(job.object_id, job.n, job.file, "image", width=described["width"],
                           height=described["height"], sizes=tuple(sizes), sha256=sha, cache_entry=entry.name,
                           page=job.page, max_size=max_size)
    if job.old_dir and _unchanged(Path(job.old_dir), service_path, entry, text):
        return service, True
    folder = site / service_path
    files = sorted(entry.rglob("*.jpg"))
    for parent in sorted({folder / p.parent.relative_to(entry) for p in files}):
        os.makedirs(parent, exist_ok=True)
    for path in files:
        link_file(path, folder / path.relative_to(entry))
    (site / Urls.info_json(service_path)).write_text(text, encoding="utf-8")
    return service, False


def _unchanged(old_site: Path, service_path: str, entry: Path, info_text: str) -> bool:
    """Whether the old site's folder of the service holds exactly what publishing `entry` would: its
    full/max is the entry's own (a hard link: the entry's files never change), its info.json the same."""
    witness = Urls.image_request("full", "max")
    try:
        return (same_file(old_site / service_path / witness, entry / witness)
                and (old_site / Urls.info_json(service_path)).read_text(encoding="utf-8") == info_text)
    except (OSError, UnicodeDecodeError):
        return False



def make_media_path(job: Job) -> str:
    """Where a recording is published, relative to the site root."""
    return Urls.media(job.object_id, job.n, Path(job.file).suffix.lower())


def read_services(collection: Collection) -> Derivatives:
    """The services a build would publish, sized from the masters' headers without making any
    derivative (for `kyvat iiif`); unreadable masters become problems, as in a build."""
    jobs, problems = make_jobs(collection, Path("."), Path("."))
    scans = len(jobs) + len(problems)  # a master that fails below is already one of the jobs
    services = []
    tile_size = collection.config.tile_size
    for job in jobs:
        try:
            if job.kind == "image":
                width, height = media.read_image_size(Path(job.master), job.max_pixels, job.page)
                services.append(ImageService(job.object_id, job.n, job.file, "image", width, height,
                                             sizes=tuple(make_sizes(width, height, tile_size)), page=job.page,
                                             max_size=make_max_size(width, height, tile_size)))
            else:
                services.append(ImageService(job.object_id, job.n, job.file, job.kind,
                                             media_path=make_media_path(job),
                                             duration=media.read_duration(Path(job.master))))
        except MediaError as exc:
            problems.append(_problem(job, exc.template, exc.params))
    return Derivatives(services=services, scans=scans, problems=problems)


# -- the whole collection ---------------------------------------------------------------------

def make_jobs(collection: Collection, site_dir: Path, cache_dir: Path,
              old_site: Path | None = None) -> tuple[list[Job], list[Problem]]:
    """A job per scan whose master is a real file inside the collection; a problem for the others."""
    root = Path(collection.root).resolve()
    config = collection.config
    where = layout.Layout(root)
    jobs, problems = [], []
    for obj in sorted(collection.objects, key=lambda o: o.id):
        folder = where.scans(obj.id)
        way = layout.refused(folder, root)  # a link on the way to the scans: the reason of each of them
        for n, scan in enumerate(obj.scans, start=1):  # n: the scan's place among those records.py kept
            rel = layout.scan_rel(obj.id, scan.file)
            path = where.scan(obj.id, scan.file)
            job = Job(obj.id, n, scan.file, scan.kind, str(path), rel, str(site_dir), str(cache_dir),
                      config.base_url, config.tile_size, config.jpeg_quality, config.max_image_pixels, scan.page,
                      str(old_site or ""))
            reason = _unsafe(path, folder, root, way)
            if reason:
                problems.append(_problem(job, reason))
            else:
                jobs.append(job)
    return jobs, problems


def _unsafe(path: Path, folder: Path, root: Path, way: str) -> str:
    """Why a master must not be read, or ''. A symlink or a '..' could publish any file on the
    machine (a private letter, a password file) as if it were a scan. `way`: why its folder must not."""
    reason = layout.refused(path, root) if ".." in path.parts else way or layout.refused(path, folder)
    if reason:
        return reason
    resolved = layout.leads_to(path)  # no link on its way (refused)
    if resolved.parent != layout.leads_to(folder):
        return N_("a path leading outside its scans/ folder")
    if not resolved.is_file():
        return N_("no such file")
    return ""


def write_image_services(collection: Collection, site_dir: Path, cache_dir: Path, *, jobs: int | None = None,
                         executor_factory=None, progress: Progress = no_progress,
                         old_site: Path | None = None) -> Derivatives:
    """Write every scan's image service (or media file) under site_dir, in parallel across scans,
    but those `old_site` (the site replaced) holds as they would be: listed in `borrowed` instead.
    `executor_factory(max_workers)` may return any concurrent.futures Executor (a Dask client's
    `get_executor()` included); the default is a pool of processes. `progress` is told of each
    scan as it finishes (a scan skipped is done too), its master's path as the current file."""
    todo, problems = make_jobs(collection, Path(site_dir).resolve(), Path(cache_dir).resolve(), old_site)
    hashes = readcache.MasterHashes(Path(cache_dir))  # a master is hashed again only once changed
    todo = [replace(job, sha256=hashes.known(job.master)) for job in todo]
    result = Derivatives(scans=len(todo) + len(problems), problems=problems)
    task, done = DerivativesStage.name, len(problems)
    if result.scans:
        progress(task, done, result.scans)

    def take(job: Job, outcome: Outcome) -> None:
        nonlocal done
        result.problems.extend(outcome.problems)
        if outcome.service is not None:
            hashes.learn(job.master, outcome.service.sha256)
            result.services.append(outcome.service)
            result.reused += outcome.reused
            result.processed += not outcome.reused
            if outcome.borrowed:
                result.borrowed.append(outcome.service.media_path or outcome.service.service_path)
        done += 1
        progress(task, done, result.scans, job.rel)
        crash_point(f"derivatives.after-scan-{done}")

    # A scan whose master is known (by its size and time) and whose derivatives are in the cache needs
    # no image work, only a look at the old site or links: done here (a rebuild's every scan but
    # those changed), without starting workers and sending each its job.
    near = {job for job in todo if job.sha256 and (Path(cache_dir, "images", make_entry_name(job, job.sha256),
                                                        SERVICE_FILE)).is_file()}
    for job in (job for job in todo if job in near):
        take(job, make_service(job))
    if far := [job for job in todo if job not in near]:
        workers = jobs or os.cpu_count() or 1
        factory = executor_factory or (lambda n: concurrent.futures.ProcessPoolExecutor(max_workers=n,
                                                                                          initializer=die_with_parent))
        with factory(min(workers, len(far))) as executor:
            futures = {executor.submit(make_service, job): job for job in far}
            for future in concurrent.futures.as_completed(futures):
                try:
                    outcome = future.result()
                except Exception as exc:  # noqa: BLE001 - a worker killed (out of memory) or lost: that scan only
                    outcome = Outcome(problems=(_problem(futures[future], N_("its worker stopped ({error})"),
                                                                  make_params(error=repr(exc))),))
                take(futures[future], outcome)
    hashes.save()
    result.services.sort(key=lambda s: (s.object_id, s.n))
    result.problems.sort(key=lambda p: (p.path, p.severity))
    return result


# A work folder of _make_entry this old belongs to no build still running.
STALE_WORK_SECONDS = 24 * 3600


def prune_cache(cache_dir: Path, images: Derivatives) -> int:
    """Remove the cached derivatives no scan of this build used (a master replaced or removed, a
    changed tile size or quality, an object made restricted); returns how many folders went.
    Nothing is removed after a build in which a scan failed: its entry may still be good."""
    folder = Path(cache_dir) / "images"
    if any(p.is_error for p in images.problems) or not folder.is_dir():
        return 0
    used, removed, now = {s.cache_entry for s in images.services}, 0, read_disk_time(folder) / 1e9  # the files' clock
    for entry in folder.iterdir():
        if entry.name in used:
            continue
        if entry.name.startswith(".") and now - entry.stat().st_mtime < STALE_WORK_SECONDS:
            continue  # a parallel build may be making it
        shutil.rmtree(entry, ignore_errors=True)
        removed += 1
    return removed


def published(context: BuildContext) -> tuple[Derivatives, list[Problem]]:
    """The scans a stage shows: what the derivatives stage made, or, when it did not run (as in
    `kyvat iiif`), what it would make, sized from the masters without making anything. The
    problems come with it once, to the first stage that asked: it reports them."""
    if DerivativesStage.name in context.values:
        return context.values[DerivativesStage.name], []
    images = context.values[DerivativesStage.name] = read_services(context.public)
    return images, list(images.problems)


class DerivativesStage(Stage):
    """Every scan's image service or media file, made once and linked from the cache."""

    name = "derivatives"
    outputs = (Urls.image_services() + "**", Urls.media_folder() + "**")
    shared = Urls.image_services()  # a service's folder is replaced whole, never edited

    def run(self, context: BuildContext) -> StageReport:
        context.cache.mkdir(parents=True, exist_ok=True)
        old_site = context.previous if not context.mount else None  # a whole site's service folders
        images = write_image_services(context.public, context.path(""), context.cache, jobs=context.jobs,
                                      executor_factory=context.executor_factory, progress=context.progress,
                                      old_site=old_site)
        context.values[self.name] = images
        context.borrowed.extend(sorted(images.borrowed))
        return StageReport(self.name, problems=list(images.problems), counts={
            "scans": images.scans, "scans_processed": images.processed, "scans_reused": images.reused,
            "services_kept": len(images.borrowed)})

    def finish(self, context: BuildContext, report: StageReport) -> None:
        # Only once the new site is in place: its files are hard links, which outlive the folders removed.
        report.counts["cache_pruned"] = prune_cache(context.cache, context.values[self.name])


STAGE = DerivativesStage()
