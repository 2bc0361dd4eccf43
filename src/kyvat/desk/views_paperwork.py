"""Paperwork and lists at the desk: the hand-over receipt of an object and the case labels (PDF),
the lists of people and objects out (a spreadsheet) and in (a ward office's list: what it would do
is shown first, then written when the curator confirms), and the masters' checksums checked. The
same library calls as `kyvat receipt`, `kyvat labels`, `kyvat export`, `kyvat import` and `kyvat
verify`, on the desk's day. Every file made or sent for them lives in the desk's cache, outside the
collection, and is removed once it has been sent or read.
"""

from __future__ import annotations

import hashlib
import io
import secrets
import shutil
import tempfile
from pathlib import Path

from .. import importer, objectsheet, paperwork, spreadsheet
from ..diskclock import read_disk_time
from ..errors import N_, CollectionInvalid, KyvatError, Value, make_params
from ..layout import PERSON_SUFFIX, RECORD_FILE, cache_dir
from ..media import read_fixity
from ..messages import _, to_error_text, to_problem_text, to_words_text
from ..privacy import to_public
from ..validate import load_collection
from . import BLUEPRINTS
from .app import (Blueprint, abort, flash_message, redirect, render_template, request, send_file, settings_of,
                  url_for)
from .common import read_current, root, safe_id, save, today, where
from .forms import CHOICE_WORDS
from .views_scans import _plain_name as plain_name  # a sent file's name, as the scans' drop zone keeps it

bp = Blueprint("paperwork", __name__)
BLUEPRINTS.append(bp)
DOWNLOADS_DIR = "desk-paperwork"  # in the cache: a PDF or spreadsheet being made, removed once sent
IMPORTS_DIR = "desk-imports"  # in the cache: a sent list, kept between its dry run and its import
KEEP_IMPORTS = 24 * 3600  # a list sent and never imported nor cancelled is removed after a day
KINDS = (*importer.KINDS, "object")  # as `kyvat import --kind` and `kyvat export --kind`
KIND_WORDS = {**{k: CHOICE_WORDS[k] for k in importer.KINDS}, "object": N_("objects (a list of keepsakes)")}
EXPORT_FORMATS = (".xlsx", ".csv")
PDF = "application/pdf"
SHEET_TYPES = {".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               ".csv": "text/csv"}


@bp.get("/paperwork")
def index(error: str = "", problems: list | None = None, status: int = 200):
    collection, _found = read_current()
    return render_template("paperwork.html", objects=collection.objects, kinds=KINDS, kind_words=KIND_WORDS,
                           formats=EXPORT_FORMATS, error=error, problems=problems or [],
                           max_upload=settings_of().max_upload // (1024 * 1024)), status


def _refused(exc: KyvatError, status: int = 422):
    """The paperwork page again with why the library refused (a collection's errors each named)."""
    details = exc.details if isinstance(exc, CollectionInvalid) else []
    problems = [(p, to_problem_text(p)) for p in [p for p in details if p.is_error] or details]
    return index(error=to_error_text(exc), problems=problems, status=status)


def _loaded():
    """The checked collection, as the command line loads it (refused while it has errors)."""
    return load_collection(root(), today=today())


def _holding(name: str) -> Path:
    folder = cache_dir(root(), settings_of().cache) / name  # beside the collection, never in it
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _download(write, name: str, mimetype: str):
    """Send the file `write(path)` makes, made in the cache and removed before it is sent."""
    folder = Path(tempfile.mkdtemp(prefix="made-", dir=_holding(DOWNLOADS_DIR)))
    try:
        out = folder / name
        write(out)
        data = out.read_bytes()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)


# -- the receipt and the labels ----------------------------------------------------------------


@bp.get("/paperwork/receipt")
def receipt():
    object_id = safe_id(request.args.get("object_id", ""))
    returning = request.args.get("return") == "yes"
    try:
        collection = _loaded()
        name = f"bien-ban-{'tra-lai-' if returning else ''}{object_id}.pdf"
        return _download(lambda out: paperwork.write_receipt(collection, object_id, out, today=today(),
                                                             returning=returning), name, PDF)
    except KyvatError as exc:
        return _refused(exc)


@bp.route("/paperwork/labels", methods=["GET", "POST"])
def labels():
    try:
        collection = _loaded()
    except KyvatError as exc:
        return _refused(exc)
    public = to_public(collection).objects
    if request.method == "GET":
        return render_template("labels.html", objects=public, chosen={o.id for o in public},
                               sizes=sorted(paperwork.LABEL_SIZES), size="a6", error="")
    chosen = [safe_id(i) for i in request.form.getlist("object_ids")]
    size = request.form.get("size", "a6")
    if size not in paperwork.LABEL_SIZES:
        abort(400)
    try:
        return _download(lambda out: paperwork.write_labels(collection, chosen, out, size=size, today=today()),
                         "nhan-hien-vat.pdf", PDF)
    except KyvatError as exc:
        return render_template("labels.html", objects=public, chosen=set(chosen), sizes=sorted(paperwork.LABEL_SIZES),
                               size=size, error=to_error_text(exc)), 422


# -- the lists out ----------------------------------------------------------------------------------


@bp.get("/paperwork/export")
def export():
    kind = request.args.get("kind") or None
    suffix = request.args.get("format", ".xlsx")
    if kind not in (None, *KINDS) or suffix not in EXPORT_FORMATS:
        abort(400)
    private = request.args.get("private") == "yes"
    try:
        collection = _loaded()
    except KyvatError as exc:
        return _refused(exc)
    if kind == "object":
        header, rows, _hidden = objectsheet.make_object_rows(collection, private=private)
    else:
        header, rows, _hidden = importer.make_rows(collection, kind=kind, private=private)
    name = f"danh-sach-{'hien-vat' if kind == 'object' else kind or 'nguoi'}{suffix}"
    try:
        return _download(lambda out: spreadsheet.write_sheet(out, header, rows, name=kind or "people"), name,
                         SHEET_TYPES[suffix])
    except KyvatError as exc:
        return _refused(exc)


# -- a list in: what it would do, then done ----------------------------------------------------------


@bp.post("/paperwork/import")
def import_check():
    sent = request.files.get("file")
    options = _options(request.form)
    if sent is None or not sent.filename:
        return index(error=_("choose the spreadsheet file of the list (.xlsx, .xls or .csv)"), status=422)
    _forget_old_imports()
    upload = secrets.token_hex(16)
    folder = _holding(IMPORTS_DIR) / upload
    folder.mkdir()
    try:
        sent.save(folder / plain_name(sent.filename, 1))
        plan, name = _plan(folder, options)
    except KyvatError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        return _refused(exc)
    except OSError as exc:  # the cache's disk is full, or cannot be written
        shutil.rmtree(folder, ignore_errors=True)
        return index(error=f"{sent.filename}: {exc.strerror or exc}", status=500)
    return _plan_page(plan, name, upload, options)


@bp.post("/paperwork/import/<upload>")
def import_write(upload: str):
    folder = _upload_folder(upload)
    options = _options(request.form)
    if request.form.get("action") == "cancel":
        shutil.rmtree(folder, ignore_errors=True)
        flash_message(_("Nothing was imported; the file sent was removed"))
        return redirect(url_for("paperwork.index"))
    try:
        plan, name = _plan(folder, options)
    except KyvatError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        return _refused(exc)
    if _fingerprint(plan) != request.form.get("plan", ""):
        return _plan_page(plan, name, upload, options, _(
            "The collection changed after the list was read, so the import would now do something else: "
            "nothing was written. Read what it would do now, then import again."), 409)
    is_object = options["kind"] == "object"
    before = _stamps()
    try:
        written = (objectsheet.write_object_plan if is_object else importer.write_plan)(root(), plan)
    except KyvatError as exc:
        _keep([p for p, stamp in _stamps().items() if before.get(p) != stamp], name, is_object)
        return _refused(exc)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    _keep(written + ([where().register] if is_object and plan.added else []), name, is_object)
    flash_message(_summary(plan))
    for problem in plan.refused:
        flash_message(to_problem_text(problem), "error")
    return redirect(url_for("paperwork.index"))


def _options(form) -> dict:
    kind = form.get("kind", "martyr")
    if kind not in KINDS:
        abort(400)
    return {"kind": kind, "sheet": form.get("sheet", "").strip(), "update": form.get("update") == "yes"}


def _plan(folder: Path, options: dict):
    """What importing the list in `folder` would do (importer.make_plan, as `kyvat import --dry-run`)."""
    files = [p for p in folder.iterdir() if p.is_file()]
    if len(files) != 1:
        abort(404)
    path = files[0]
    collection = _loaded()
    try:
        rows = spreadsheet.read_sheet(path, options["sheet"] or None)
    except KyvatError:
        raise
    except Exception as exc:  # noqa: BLE001 - a file a spreadsheet library chokes on gets a message, never a traceback
        raise KyvatError(N_("{name} cannot be read as a spreadsheet ({error})"),
                         params=make_params(name=Value(path.name), error=Value(str(exc) or type(exc).__name__))) from exc
    named = path.name if path.suffix.lower() == ".csv" else f"{path.name}[{rows.name}]"
    if options["kind"] == "object":
        return objectsheet.make_object_plan(collection, rows.rows, named, update=options["update"]), path.name
    return importer.make_plan(collection, rows.rows, named, kind=options["kind"], update=options["update"],
                              encoding=rows.encoding), path.name


def _fingerprint(plan) -> str:
    """What a plan does, in short: the confirmation writes only the plan the curator read."""
    said = repr((plan.added, plan.updated, plan.unchanged, [str(p) for p in plan.problems]))
    return hashlib.sha256(said.encode("utf-8")).hexdigest()


def _plan_page(plan, name: str, upload: str, options: dict, message: str = "", status: int = 200):
    lines = [_("row {row}: add {name}").format(row=n, name=who) for n, who, _values in plan.added]
    lines += [_("row {row}: fill {person} ({name}): {fields}").format(row=n, person=record, name=who,
                                                                        fields=", ".join(changes))
              for n, who, record, changes in plan.updated]
    for n, who, record in plan.unchanged:
        lines.append(_("row {row}: {name} is row {first} again; left out").format(row=n, name=who, first=record[1:])
                     if record.startswith("#") else
                     _("row {row}: {name} is already {person}, nothing new").format(row=n, name=who, person=record))
    return render_template(
        "import_plan.html", name=name, upload=upload, options=options, kind_words=KIND_WORDS,
        notes=[_(template).format(**dict(params)) for template, params in plan.notes],
        problems=[{"text": to_problem_text(p), "error": p.is_error} for p in plan.problems], lines=lines,
        summary=_summary(plan), writes=bool(plan.added or plan.updated), plan=_fingerprint(plan),
        message=message), status


def _summary(plan) -> str:
    return _("{added} added, {updated} updated, {unchanged} unchanged, {refused} row(s) refused.").format(
        added=len(plan.added), updated=len(plan.updated), unchanged=len(plan.unchanged), refused=len(plan.refused))


def _upload_folder(upload: str) -> Path:
    if len(upload) != 32 or any(c not in "0123456789abcdef" for c in upload):
        abort(404)
    folder = _holding(IMPORTS_DIR) / upload
    if not folder.is_dir():
        abort(404, description=N_("the list sent is no longer at the desk (imported, cancelled or left a day): "
                                  "send it again"))
    return folder


def _forget_old_imports() -> None:
    """Lists sent and left (the page closed before importing or cancelling) are removed after a day."""
    holding = _holding(IMPORTS_DIR)
    now = read_disk_time(holding) / 1e9  # the files' own clock, not the computer's (which may be set elsewhere)
    for folder in holding.iterdir():
        if folder.is_dir() and now - folder.stat().st_mtime > KEEP_IMPORTS:
            shutil.rmtree(folder, ignore_errors=True)


def _stamps() -> dict[Path, tuple[int, int]]:
    """Each record's and the register's (time, size): what an import that stopped half-way wrote."""
    w = where()
    paths = [*w.people.glob("*" + PERSON_SUFFIX), *w.objects.glob("*/" + RECORD_FILE), w.register]
    return {p: (s.st_mtime_ns, s.st_size) for p in paths if p.is_file() and (s := p.stat())}


def _keep(paths: list[Path], name: str, is_object: bool) -> None:
    count = sum(1 for p in paths if p != where().register)
    if count:
        save(paths, f"Nhập danh sách {name}: {count} {'hiện vật' if is_object else 'người'}")


# -- the masters' checksums ---------------------------------------------------------------------------


@bp.get("/paperwork/verify")
def verify():
    report = read_fixity(root())
    shown = [{"text": to_words_text(r.words), "status": r.status, "object_id": r.path.split("/")[1]}
             for r in report.results if r.status != "ok"]
    ok = sum(1 for r in report.results if r.status == "ok")
    return render_template("verify.html", shown=shown, masters=len(report.results), ok=ok,
                           failed=len(report.failures))
