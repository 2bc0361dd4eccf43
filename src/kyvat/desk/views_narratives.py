"""Exhibitions and free pages: the list, a new one made from its title, and the edit page (the
front matter fields, the Vietnamese and English Markdown side by side, a preview rendered with the
site's own Markdown renderer, an object picker that writes the embed the site reads, and the
embed mistakes `kyvat validate` would report, beside the text)."""

from __future__ import annotations

from ..errors import KyvatError
from ..messages import _, to_error_text, to_problem_text
from ..narratives import make_embeds
from ..site import to_markdown_html
from ..validate import make_embed_problems
from . import BLUEPRINTS
from .app import Blueprint, abort, flash_message, jsonify, redirect, render_template, request, url_for
from .common import read_current, Conflict, inside, require_version, root, safe_id, save, version_of, where
from .forms import read_posted_values
from .narrativeforms import (EXHIBITIONS_DIR, FIELDS, KINDS, NarrativeFile, list_narratives, read_narrative,
                             to_body, with_bodies, write_narrative, write_new_narrative)

bp = Blueprint("narratives", __name__)
BLUEPRINTS.append(bp)
# The commit messages (Vietnamese, as the history is read): a new one, a change.
SAVED = {EXHIBITIONS_DIR: ("Thêm trưng bày {slug}", "Sửa trưng bày {slug}"),
         "pages": ("Thêm trang {slug}", "Sửa trang {slug}")}
EMBED = "{{{{object {id}}}}}"  # narratives._EMBED: `{{object ID}}` alone on its line


@bp.get("/narratives")
def index(errors: dict | None = None, titles: dict | None = None, status: int = 200):
    lists = {kind: list_narratives(root(), kind) for kind in KINDS}
    return render_template("narratives.html", lists=lists, errors=errors or {}, titles=titles or {}), status


@bp.post("/narratives/new")
def new():
    kind = _kind(request.form.get("kind", ""))
    title = request.form.get("title", "")
    try:
        slug = write_new_narrative(root(), kind, title)
    except KyvatError as exc:
        return index(errors={kind: to_error_text(exc)}, titles={kind: title}, status=400)
    save([where().narrative(kind, slug)], SAVED[kind][0].format(slug=slug))
    flash_message(_("{file} made: write its text").format(file=where().relative(where().narrative(kind, slug))))
    return redirect(url_for("narratives.edit", kind=kind, slug=slug))


@bp.route("/narratives/<kind>/<slug>", methods=["GET", "POST"])
def edit(kind: str, slug: str):
    found = _narrative(kind, slug)
    if request.method == "GET":
        return _form(found)
    posted = read_posted_values(request.form, FIELDS[kind])
    vi, en = request.form.get("body.vi", ""), request.form.get("body.en", "")
    try:
        require_version(found.path, request.form.get("version"))
        require_version(found.en_path, request.form.get("version_en"))
        written = write_narrative(root(), kind, slug, posted, vi, en)
    except Conflict as exc:  # the form stays on the version it was opened on: saving again is refused again
        on_disk, found.values = found.body, {**found.values, **posted}
        return _form(found, error=to_error_text(exc), bodies=(vi, en), status=409, on_disk=on_disk,
                     versions=(request.form.get("version", ""), request.form.get("version_en", "")))
    except KyvatError as exc:
        found.values = {**found.values, **posted}
        return _form(found, error=to_error_text(exc), bodies=(vi, en), status=400)
    if written:
        save([found.path, found.en_path], SAVED[kind][1].format(slug=slug))
        flash_message(_("Saved."))
    else:
        flash_message(_("Nothing was changed."), "warning")
    return redirect(url_for("narratives.edit", kind=kind, slug=slug))


@bp.post("/narratives/<kind>/<slug>/preview")
def preview(kind: str, slug: str):
    """The body being written as the site would show it, and its embed mistakes (JSON)."""
    found = _narrative(kind, slug)
    vi, en = to_body(request.form.get("body.vi", "")), to_body(request.form.get("body.en", ""))  # a browser sends CRLF
    lang = "en" if request.form.get("lang") == "en" else "vi"
    collection, _problems = read_current()
    html = render_template("narrative_preview.html", parts=_parts(kind, en if lang == "en" else vi, collection),
                           lang=lang)
    mistakes = _mistakes(found, vi, en)
    return jsonify(html=html, mistakes=mistakes)


# -- helpers -----------------------------------------------------------------------------------------


def _kind(kind: str) -> str:
    if kind not in KINDS:
        abort(404)
    return kind


def _narrative(kind: str, slug: str) -> NarrativeFile:
    kind, slug = _kind(kind), safe_id(slug)
    if slug.endswith(".en"):
        abort(404)  # the English file is edited beside its Vietnamese one
    path = inside(where().narrative(kind, slug))
    if not path.is_file():
        abort(404)
    return read_narrative(root(), kind, slug)


def _form(found: NarrativeFile, error: str = "", bodies: tuple[str, str] | None = None, status: int = 200,
          on_disk=None, versions: tuple[str, str] | None = None):
    collection, _problems = read_current()
    objects = [(o.id, o.title.vi or o.title.en, o.is_public, EMBED.format(id=o.id)) for o in collection.objects]
    vi, en = bodies if bodies is not None else (found.body.vi, found.body.en)
    rel = where().relative(found.path)
    return render_template(
        "narrative_form.html", found=found, fields=FIELDS[found.kind], values=found.values, rel=rel,
        bodies={"vi": vi, "en": en}, error=error, objects=objects,
        problems=[to_problem_text(p) for p in found.problems],
        mistakes=_mistakes(found, vi, en), on_disk=on_disk,
        version=versions[0] if versions else version_of(found.path),
        version_en=versions[1] if versions else version_of(found.en_path), en_rel=where().relative(found.en_path)), status


def _mistakes(found: NarrativeFile, vi: str, en: str) -> list[str]:
    if found.narrative is None:
        return []
    return [to_problem_text(p) for p in make_embed_problems(with_bodies(found.narrative, vi, en))]


def _parts(kind: str, body: str, collection) -> list[tuple]:
    """The body cut at its embeds as the site cuts it (pages.make_segments): ("markdown", html) and
    ("object", id, the object or None); a page shows no embeds: all of it is Markdown."""
    embeds = make_embeds(body) if kind == EXHIBITIONS_DIR else []
    parts, position = [], 0
    for embed in embeds:
        if body[position:embed.start].strip():
            parts.append(("markdown", to_markdown_html(body[position:embed.start])))
        parts.append(("object", embed.object_id, collection.object(embed.object_id)))
        position = embed.end
    if body[position:].strip():
        parts.append(("markdown", to_markdown_html(body[position:])))
    return parts
