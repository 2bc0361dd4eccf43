"""Preview and publish: an object's public page as the site will show it, built into a preview
folder beside the cache and served by the desk; and the real build of the site into the desk's
output folder, in the background, with its progress and its result.

The build is build.py's, the same as `kyvat build`: it checks the collection before writing and
puts the new site in place only when every stage has finished, so a failed publish leaves the
previous site as it was. One publish runs at a time per desk; a preview runs one at a time too.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .. import layout
from ..errors import N_, CollectionInvalid, KyvatError, Problem, Value, make_params
from ..messages import _, to_error_text, to_problem_text
from ..urls import INDEX_FILE, ROOT_LANGUAGE, Urls
from . import BLUEPRINTS
from .app import (Blueprint, abort, flash_message, g, jsonify, redirect, render_template, request,
                  send_from_directory, settings_of, url_for)
from .common import check_current, safe_id, today

bp = Blueprint("publish", __name__)
BLUEPRINTS.append(bp)

# A page view needs the images, the IIIF documents its viewer reads and the pages; not the
# redirects, the research index or the site's search index (the slow part of a build).
PREVIEW_STAGES = ("derivatives", "iiif", "site")
PREVIEW_FOLDER = "preview"  # the address the preview site is served under: /preview/…
# What each build stage is called above the progress bar.
STAGE_WORDS = {"derivatives": N_("Making the images"), "iiif": N_("Writing the IIIF documents"),
               "site": N_("Writing the pages"), "redirects": N_("Writing the redirects"),
               "research": N_("Updating the research index"), "sitesearch": N_("Making the site's search index")}
_PREVIEWING = threading.Lock()  # one preview build at a time: they share the preview folder


def build_site(collection_root: Path, out: Path, **options):
    """build.build, loaded when a build runs (tests replace this to pause a build halfway)."""
    from ..build import build

    return build(collection_root, out, **options)


def stage_names() -> tuple[str, ...]:
    from ..build import STAGES

    return tuple(stage.name for stage in STAGES)


# -- publishing in the background ---------------------------------------------------------------


@dataclass
class Publishing:
    """The state of one desk's publish: what runs now, or how the last one ended. The build's
    thread writes it, requests read it (under `lock`)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    state: str = "idle"  # idle, running, done, failed
    stage: str = ""
    done: int = 0
    total: int = 0
    current: str = ""
    started: float = 0.0
    finished: float = 0.0
    report: object = None  # build.BuildReport of the last publish that succeeded
    error: KyvatError | None = None
    out: Path | None = None

    def begin(self, out: Path) -> bool:
        """Mark a publish as running; False when one already is."""
        with self.lock:
            if self.state == "running":
                return False
            self.state, self.stage, self.done, self.total, self.current = "running", "", 0, 0, ""
            self.started, self.report, self.error, self.out = time.monotonic(), None, None, out
            return True

    def __call__(self, task: str, done: int, total: int, current: str = "") -> None:
        """progress.py's callback: the stage running and how far it has got."""
        with self.lock:
            self.stage, self.done, self.total, self.current = task, done, total, current

    def end(self, report=None, error: KyvatError | None = None) -> None:
        with self.lock:
            self.state = "failed" if error is not None else "done"
            self.report, self.error, self.finished = report, error, time.monotonic()


_PUBLISHING: dict[str, Publishing] = {}  # by the desk's token: each desk (each test's) its own


def publishing() -> Publishing:
    return _PUBLISHING.setdefault(settings_of().token, Publishing())


def _unexpected(exc: Exception) -> KyvatError:
    """A failure the library did not foresee (a bug, a full disk), as the curator reads it."""
    return KyvatError(N_("the build stopped: {error}; the published site is unchanged"),
                      params=make_params(error=Value(f"{type(exc).__name__}: {exc}")))


def _publish(job: Publishing, collection_root: Path, out: Path, cache: Path | None, day) -> None:
    try:
        report = build_site(collection_root, out, cache=cache, today=day, progress=job)
    except KyvatError as exc:
        job.end(error=exc)
    except Exception as exc:  # noqa: BLE001 - the thread must end the job whatever stopped the build
        job.end(error=_unexpected(exc))
    else:
        job.end(report=report)


@bp.get("/publish")
def index():
    settings = settings_of()
    return render_template("publish.html", out=settings.out, status=read_status(publishing()))


@bp.post("/publish/start")
def start():
    settings = settings_of()
    job = publishing()
    wants_json = bool(request.headers.get("X-Requested-With"))
    if not job.begin(settings.out):
        message = _("a publish is already running: wait for it to finish")
        if wants_json:
            return jsonify(error=message, status=read_status(job)), 409
        flash_message(message, "warning")
        return redirect(url_for("publish.index"))
    thread = threading.Thread(target=_publish, args=(job, settings.root, settings.out, settings.cache, today()),
                              name="kyvat-desk-publish", daemon=True)
    thread.start()
    if wants_json:
        return jsonify(started=True, status=read_status(job)), 202
    flash_message(_("Publishing has started."), "done")
    return redirect(url_for("publish.index"))


@bp.get("/publish/status")
def status():
    return jsonify(read_status(publishing()))


def read_status(job: Publishing) -> dict:
    """The publish's state as the page shows it, in the curator's language."""
    with job.lock:
        state, stage, done, total, current = job.state, job.stage, job.done, job.total, job.current
        report, error, out = job.report, job.error, job.out
        seconds = (job.finished if state != "running" else time.monotonic()) - job.started
    names = stage_names()
    found = {"state": state, "stage": stage, "stage_words": _(STAGE_WORDS[stage]) if stage in STAGE_WORDS else stage,
             "step": names.index(stage) + 1 if stage in names else 0, "steps": len(names),
             "done": done, "total": total, "current": current, "seconds": round(seconds, 1) if state != "idle" else 0,
             "out": str(out or "")}
    if state == "done":
        found["result"] = _result(report)
    elif state == "failed":
        details = error.details if isinstance(error, CollectionInvalid) else []
        found["error"] = to_error_text(error)
        found["problems"] = _problems([p for p in details if p.is_error] or details)
    return found


def _result(report) -> dict:
    errors = sum(1 for p in report.problems if p.is_error)
    return {"objects": report.objects, "pages": report.count("pages"), "scans": report.count("scans"),
            "seconds": round(report.seconds, 1), "errors": errors, "warnings": len(report.problems) - errors,
            "problems": _problems(report.problems),
            "summary": _("{objects} object(s), {pages} page(s), {scans} scan(s) in {seconds:.1f} s").format(
                objects=report.objects, pages=report.count("pages"), scans=report.count("scans"),
                seconds=report.seconds)}


def _problems(problems: list[Problem]) -> list[dict]:
    return [{"text": to_problem_text(p), "error": p.is_error} for p in problems]


# -- previewing one object's page ---------------------------------------------------------------


@bp.get("/publish/preview/<object_id>")
def preview(object_id: str):
    object_id = safe_id(object_id)
    collection, _problems_found = check_current()
    found = collection.object(object_id)
    if found is not None and not found.is_public:
        return render_template("preview.html", obj=found, object_id=object_id, reason=_not_public(found))
    settings = settings_of()
    folder = layout.preview_dir(settings.root, settings.cache)
    try:
        with _PREVIEWING:
            build_site(settings.root, folder, cache=settings.cache, today=today(), only=PREVIEW_STAGES,
                       base_url=request.host_url + PREVIEW_FOLDER + "/")
    except CollectionInvalid as exc:
        errors = [p for p in exc.details if p.is_error]
        return render_template("preview.html", obj=found, object_id=object_id, error=to_error_text(exc),
                               problems=[(p, to_problem_text(p)) for p in errors]), 409
    except KyvatError as exc:
        return render_template("preview.html", obj=found, object_id=object_id, error=to_error_text(exc)), 409
    except Exception as exc:  # noqa: BLE001 - a clear message, never a traceback page
        return render_template("preview.html", obj=found, object_id=object_id,
                               error=to_error_text(_unexpected(exc))), 500
    if found is None:
        abort(404)
    languages = tuple(collection.config.languages) or (ROOT_LANGUAGE,)
    page = Urls.in_lang(Urls.object(object_id), g.lang if g.lang in languages else languages[0])
    return render_template("preview.html", obj=found, object_id=object_id,
                           page=url_for("publish.site", path=Urls.file(page)))


def _not_public(obj) -> str:
    if obj.draft:
        return _("{id} is a draft: a draft is published nowhere until it is marked ready "
                 "(its record's 'draft' removed).").format(id=obj.id)
    if obj.withdrawn is not None:
        return _("{id} was withdrawn from the collection: it is not on the public site.").format(id=obj.id)
    return _("{id} is restricted: it is kept in the collection but not shown on the public site.").format(id=obj.id)


@bp.get(f"/{PREVIEW_FOLDER}/", defaults={"path": ""})
@bp.get(f"/{PREVIEW_FOLDER}/<path:path>")
def site(path: str):
    """A file of the preview site (a folder's index.html for the folder), kept inside its folder."""
    settings = settings_of()
    folder = layout.preview_dir(settings.root, settings.cache)
    if path == "" or path.endswith("/"):
        path += INDEX_FILE
    elif (folder / path).is_dir() and ".." not in path.split("/"):
        return redirect(url_for("publish.site", path=path + "/"))
    return send_from_directory(folder, path)
