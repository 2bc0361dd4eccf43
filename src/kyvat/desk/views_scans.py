"""An object's scans at the desk: masters added by dropping them (checked and copied by ingest.py, as
`kyvat add-scan` does), put in order by dragging, labelled, taken off (kept in scans/.removed/, as
`kyvat remove-scan` does), each seen as a JPEG (browsers show no TIFF, HEIC or PDF), and each page
transcribed beside its scan.

Two numberings, both from 1: a master's place in the record's `scans` list (`n` of index, view,
label, remove; the CLI's), and a page's place among the object's pages (`n` of transcribe; a PDF
is a page per page, as the site's #pN anchors count them).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import ingest, media, pdf, scanedit, tiles
from ..errors import N_, KyvatError, MediaError
from ..layout import BUILTIN_TEMPLATES, cache_dir, transcript_name
from ..messages import _, ngettext, to_error_text
from ..model import AUDIO_EXTENSIONS, VIDEO_EXTENSIONS, has_pages
from ..recordedit import write_bytes
from ..records import read_config
from ..yamlfile import YamlSyntaxError, make_yaml
from . import BLUEPRINTS
from .app import (Blueprint, Response, abort, flash_message, jsonify, redirect, render_template, request, send_file,
                  settings_of, url_for)
from .common import (Conflict, inside, object_record, require_version, root, run_edit, safe_id, save, today,
                     version_of, where)

bp = Blueprint("scans", __name__)
BLUEPRINTS.append(bp)

THUMBNAIL = 400  # pixels on the long side of the pictures in the list
SIZES = {"full": 0}  # ?size=full: the whole scan, for the zoomable viewer; else a number of pixels
MIN_SIZE, MAX_SIZE = 64, 4000
VIEW_QUALITY = 85
UPLOADS_DIR = "desk-uploads"  # in the cache, beside the collection: dropped files wait there for ingest
VIEWS_DIR = "desk-views"  # in the cache: the JPEGs the desk shows, by the master's sha256
OPENSEADRAGON = BUILTIN_TEMPLATES / "static" / "vendor" / "openseadragon" / "openseadragon.min.js"
_SHA_SEEN: dict[tuple[str, int, int], str] = {}  # a master's sha256 by (path, mtime, size): hashed once


@dataclass(frozen=True)
class Master:
    """One master as the record lists it (or, without a list, as the scans/ folder holds it)."""

    n: int
    file: str
    label_vi: str
    label_en: str
    sha256: str
    present: bool
    pages: tuple[int, ...]  # (0,) for a picture or a recording; 1…n for a PDF

    @property
    def kind(self) -> str:
        suffix = Path(self.file).suffix.lower()
        return "audio" if suffix in AUDIO_EXTENSIONS else "video" if suffix in VIDEO_EXTENSIONS else "image"


def _record_data(object_id: str) -> dict:
    """The record as data; a record that cannot be read sends the curator to its problem."""
    record = object_record(object_id)
    try:
        data = make_yaml(record.read_text(encoding="utf-8-sig"))
    except (YamlSyntaxError, UnicodeDecodeError):
        abort(409, description=_("the record cannot be read; fix it first (see the problems page)"))
    if not isinstance(data, dict):
        abort(409, description=_("the record cannot be read; fix it first (see the problems page)"))
    return data


def read_masters(object_id: str, data: dict | None = None) -> list[Master]:
    data = _record_data(object_id) if data is None else data
    folder = where().scans(object_id)
    entries = data.get("scans")
    if not isinstance(entries, list):
        entries = sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else []
    masters = []
    for n, entry in enumerate(entries, start=1):
        entry = entry if isinstance(entry, dict) else {"file": entry}
        file = str(entry.get("file") or "").strip()
        label = entry.get("label")
        vi, en = (label.get("vi"), label.get("en")) if isinstance(label, dict) else (label, "")
        path = folder / file
        present = bool(file) and "/" not in file and "\\" not in file and not file.startswith(".") and path.is_file()
        pages = pdf.read_scan_pages(path) if present else (0,)
        masters.append(Master(n, file, str(vi or ""), str(en or ""), str(entry.get("sha256") or ""), present, pages))
    return masters


def _pages(masters: list[Master]) -> list[tuple[Master, int]]:
    """The object's pages in order: each master there, each page of a PDF."""
    return [(m, page) for m in masters if m.present for page in m.pages]


def _title(data: dict) -> str:
    title = data.get("title")
    return str((title.get("vi") or title.get("en") or "") if isinstance(title, dict) else title or "")


def _wants_json() -> bool:
    return bool(request.headers.get("X-Requested-With"))


def _back(object_id: str, ok: bool = True):
    if _wants_json():
        return jsonify(ok=ok), 200 if ok else 409
    return redirect(url_for(".index", object_id=object_id))


def _number(value: str | None) -> int:
    """A position from a form; what is not a number is 0, which scanedit names as out of range."""
    try:
        return int(value or "")
    except ValueError:
        return 0


# -- the list -------------------------------------------------------------------------------------

@bp.get("/objects/<object_id>/scans")
def index(object_id: str):
    data = _record_data(object_id)
    masters = read_masters(object_id, data)
    first = {m.file: i for i, (m, _page) in reversed(list(enumerate(_pages(masters), start=1)))}
    return render_template("scans.html", object_id=object_id, title=_title(data), masters=masters,
                           first_page=first, version=version_of(object_record(object_id)),
                           max_upload=settings_of().max_upload,
                           accept=",".join(ingest.MASTER_EXTENSIONS))


@bp.post("/objects/<object_id>/scans/add")
def upload(object_id: str):
    record = object_record(object_id)
    files = [f for f in request.files.getlist("files") if f and f.filename]
    if not files:
        flash_message(_("choose or drop at least one file"), "error")
        return _back(object_id, False)
    max_pixels = read_config(root(), []).max_image_pixels
    label_vi, label_en = request.form.get("label_vi", "").strip(), request.form.get("label_en", "").strip()
    added, failed = [], []
    holding = cache_dir(root(), settings_of().cache) / UPLOADS_DIR
    holding.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="upload-", dir=holding))  # outside the collection
    try:
        for i, sent in enumerate(files, start=1):
            name = _plain_name(sent.filename, i)
            source = folder / str(i) / name
            try:
                source.parent.mkdir()
                sent.save(source)
                added += ingest.write_scans(root(), object_id, [source], label_vi, label_en, max_pixels=max_pixels)
            except KyvatError as exc:  # this file's reason; the others still go in
                failed.append(to_error_text(exc).replace(str(source), name))
            except OSError as exc:  # the cache's disk is full, or cannot be written
                failed.append(f"{name}: {exc.strerror or exc}")
            finally:
                source.unlink(missing_ok=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if added:
        save([record] + [where().scan(object_id, name) for name, _sha in added],
             f"Sửa {object_id}: thêm {len(added)} ảnh quét")
        flash_message(ngettext("{n} scan added: {files}", "{n} scans added: {files}", len(added)).format(
            n=len(added), files=", ".join(name for name, _sha in added)), "done")
    for text in failed:
        flash_message(text, "error")
    if _wants_json():
        return jsonify(added=[name for name, _sha in added], errors=failed), 200 if added or not failed else 422
    return redirect(url_for(".index", object_id=object_id))


def _plain_name(given: str, i: int) -> str:
    """The name a dropped file had on the curator's computer, without any folder, for messages
    (and its suffix, which ingest checks); a name that is only dots or hidden gets a plain one."""
    name = given.replace("\\", "/").rsplit("/", 1)[-1].strip().replace("\x00", "")
    if not name or name.startswith("."):
        name = f"file-{i}{Path('file' + name).suffix}"
    if len(name.encode()) > 200:
        suffix = Path(name).suffix[:16]
        name = name[:100] + suffix
    return name


@bp.post("/objects/<object_id>/scans/order")
def reorder(object_id: str):
    record = object_record(object_id)
    n, to = _number(request.form.get("n")), _number(request.form.get("to"))

    def edit():
        require_version(record, request.form.get("version"))
        scanedit.write_scan_moved(root(), object_id, n, to)

    ok = run_edit(edit, _("Scan {n} is now scan {to}.").format(n=n, to=to), lambda: [record],
                  f"Sửa {object_id}: xếp lại ảnh quét")
    return _back(object_id, ok)


@bp.post("/objects/<object_id>/scans/<int:n>/label")
def label(object_id: str, n: int):
    record = object_record(object_id)
    vi, en = request.form.get("label_vi", ""), request.form.get("label_en", "")

    def edit():
        require_version(record, request.form.get("version"))
        scanedit.write_scan_label(root(), object_id, n, vi, en)

    ok = run_edit(edit, _("The label of scan {n} is saved.").format(n=n), lambda: [record],
                  f"Sửa {object_id}: đổi nhãn ảnh {n}")
    return _back(object_id, ok)


@bp.post("/objects/<object_id>/scans/<int:n>/remove")
def remove(object_id: str, n: int):
    record = object_record(object_id)
    masters = read_masters(object_id)
    master = masters[n - 1] if 1 <= n <= len(masters) else None
    done = []

    def edit():
        require_version(record, request.form.get("version"))
        done.append(scanedit.write_scan_removed(root(), object_id, n, request.form.get("reason", ""), today()))

    def paths():  # both ends of every move: the master and its transcripts, and the record
        kept = Path(done[0].kept_as).name
        layout, removed = where(), where().removed_scans(object_id)
        moved = [layout.scan(object_id, master.file), removed / kept]
        for page in master.pages:
            moved += [layout.transcript(object_id, master.file, page), removed / transcript_name(kept, page)]
        return [record] + moved

    file = master.file if master else str(n)
    ok = run_edit(edit, _("Scan {n} ({file}) is taken off; its master is kept in scans/.removed/.").format(
        n=n, file=file), paths, f"Sửa {object_id}: bỏ ảnh quét {n} ({file})")
    return _back(object_id, ok)


# -- a scan as a JPEG ---------------------------------------------------------------------------

@bp.get("/objects/<object_id>/scans/<int:n>/view")
def view(object_id: str, n: int):
    masters = read_masters(object_id)
    if not 1 <= n <= len(masters) or not masters[n - 1].present or masters[n - 1].kind != "image":
        abort(404)
    master = masters[n - 1]
    page = _number(request.args.get("page", "1"))
    if page not in master.pages and not (page == 1 and master.pages == (0,)):
        abort(404)
    size = _size(request.args.get("size"))
    path = inside(where().scan(object_id, master.file))
    target = cache_dir(root(), settings_of().cache) / VIEWS_DIR / f"{_sha_of(path)}-p{page}-{size or 'full'}.jpg"
    if not target.is_file():
        try:
            image, _count = media.read_image(path, read_config(root(), []).max_image_pixels,
                                             page if has_pages(master.file) else 0)
            tiles.write_view(image, target, size, VIEW_QUALITY)
        except (KyvatError, OSError) as exc:
            text = to_error_text(exc) if isinstance(exc, KyvatError) else str(exc)
            return Response(text, status=422, mimetype="text/plain")
    return send_file(target, mimetype="image/jpeg")


def _size(value: str | None) -> int:
    if value is None:
        return THUMBNAIL
    if value in SIZES:
        return SIZES[value]
    number = _number(value)
    if not MIN_SIZE <= number <= MAX_SIZE:
        abort(404)
    return number


def _sha_of(path: Path) -> str:
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _SHA_SEEN:
        _SHA_SEEN[key] = media.read_sha256(path)
    return _SHA_SEEN[key]


@bp.get("/vendor/openseadragon.min.js")
def openseadragon():
    """The viewer the site uses, served from where kyvat keeps it (one copy)."""
    return send_file(OPENSEADRAGON, mimetype="text/javascript")


# -- transcription, page by page ------------------------------------------------------------------

@bp.route("/objects/<object_id>/transcribe/<int:n>", methods=["GET", "POST"])
def transcribe(object_id: str, n: int):
    data = _record_data(object_id)
    pages = _pages(read_masters(object_id, data))
    if not 1 <= n <= len(pages):
        abort(404)
    master, page = pages[n - 1]
    path = inside(where().transcript(safe_id(object_id), master.file, page))
    status, conflict, on_disk = 200, "", None
    text, unreadable = _read_transcript(path)
    if request.method == "POST" and not unreadable:
        given = request.form.get("text", "").replace("\r\n", "\n")
        try:
            saved = _write_transcript(path, given, request.form.get("version"))
        except Conflict as exc:
            status, conflict, on_disk, text = 409, to_error_text(exc), text, given
        else:
            if saved:
                save([path], f"Sửa {object_id}: chép lời trang {n}")
                flash_message(_("The transcription of page {n} is saved.").format(n=n), "done")
            if "next" in request.form and n < len(pages):
                return redirect(url_for(".transcribe", object_id=object_id, n=n + 1))
            return redirect(url_for(".transcribe", object_id=object_id, n=n))
    viewer = url_for(".view", object_id=object_id, n=master.n, page=page or 1, size="full") \
        if master.kind == "image" else ""
    return render_template(
        "transcribe.html", object_id=object_id, title=_title(data), n=n, count=len(pages), master=master,
        page=page, text=text, version=version_of(path), viewer=viewer, unreadable=unreadable, conflict=conflict,
        on_disk=on_disk, transcript=where().relative(path)), status


def _read_transcript(path: Path) -> tuple[str, str]:
    """The transcript's text, and why it cannot be edited here ("" when it can)."""
    try:
        return path.read_bytes().decode("utf-8-sig"), ""
    except FileNotFoundError:
        return "", ""
    except UnicodeDecodeError:
        return "", to_error_text(MediaError(where().relative(path), N_("not UTF-8 text; open it in a text editor "
                                                                         "and save it as UTF-8")))


def _write_transcript(path: Path, text: str, opened: str | None) -> bool:
    """Save the text as the page's transcript (atomically, after the version check); an empty text
    empties a transcript that exists and creates none. Whether anything was written."""
    require_version(path, opened)
    data = (text.rstrip("\n") + "\n").encode("utf-8") if text.strip() else b""
    if not data and not path.exists():
        return False
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes(path, data)
    return True

