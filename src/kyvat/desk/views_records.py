"""The records of the desk: the lists of objects and people, a new object (its donor made on the
spot when they are not in people/ yet) and a new person, and the form that edits every field of
one record (forms.py), checked as the curator types and again on save, with `kyvat validate`'s
rules (validate.check_record_text): a record with errors is saved only as a draft."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..catalogue import write_new_object, write_new_person
from ..dates import to_edtf
from ..errors import CatalogueError, KyvatError, Problem
from ..messages import _, speaking, to_error_text, to_problem_text
from ..model import ACQUISITION_METHODS, OBJECT_TYPES, PERSON_KINDS
from ..recordedit import make_edited_text, write_edit
from ..validate import check_record_text
from ..vietnamese import fold
from ..yamlfile import YamlSyntaxError, make_yaml
from . import BLUEPRINTS
from .app import Blueprint, flash_message, jsonify, redirect, render_template, request, url_for
from .common import (Conflict, cache, object_record, person_record, read_current, require_version, root, save,
                     today, version_of, where)
from .forms import (CHOICE_WORDS, apply_form, blank_row, field_of, fields_of, read_form_values, read_posted_values,
                    sections_of, set_draft)

bp = Blueprint("records", __name__)
BLUEPRINTS.append(bp)
KINDS = {"object": ("records.edit_object", "object_id", "object_form.html"),
         "person": ("records.edit_person", "person_id", "person_form.html")}


# -- lists ----------------------------------------------------------------------------------------


@bp.get("/objects")
def objects():
    collection, _problems = read_current()
    query = request.args.get("q", "").strip()
    rows = [o for o in collection.objects if _matches(query, o.id, o.title.vi, o.title.en, o.object_type,
                                                      o.acquisition.donor if o.acquisition else "")]
    return render_template("objects.html", objects=rows, query=query, total=len(collection.objects),
                           unreadable=[u for u in collection.unreadable if where().record(u).is_file()],
                           people={p.id: p for p in collection.people}, words=CHOICE_WORDS)


@bp.get("/people")
def people():
    collection, _problems = read_current()
    query = request.args.get("q", "").strip()
    rows = [p for p in collection.people if _matches(query, p.id, p.name, p.kind, *p.aliases)]
    return render_template("people.html", people=rows, query=query, total=len(collection.people),
                           unreadable=[u for u in collection.unreadable if where().person(u).is_file()],
                           words=CHOICE_WORDS)


def _matches(query: str, *texts: str) -> bool:
    """Whether every word of `query` is in `texts`, without diacritics or case."""
    if not query:
        return True
    haystack = fold(" ".join(t for t in texts if t))
    return all(word in haystack for word in fold(query).split())


# -- the date as typed ------------------------------------------------------------------------------


@bp.get("/date-preview")
def date_preview():
    """The machine form (EDTF) of a date as the curator writes it, or what is wrong with it; words
    that are not a date stand as they are beside the EDTF the form gives (`edtf`)."""
    text, given = request.args.get("text", ""), request.args.get("edtf", "").strip()
    edtf, problem = to_edtf(text)
    said = ""
    if problem is not None:
        said = short_text(Problem("", "", problem.expected, problem.found, params=problem.params))
    elif edtf is None and given:
        edtf = given
    elif edtf is None and text.strip():
        said = _("not a date kyvat can read: it is kept as written, with no machine form (give its EDTF too)")
    return jsonify(edtf=edtf or "", problem=said)


def short_text(problem: Problem) -> str:
    """A problem as shown beside its field: without the file and line the page already names."""
    return to_problem_text(replace(problem, path="", line=None)).lstrip(": ")


# -- new records ------------------------------------------------------------------------------------


@bp.route("/objects/new", methods=["GET", "POST"])
def new_object():
    form = request.form if request.method == "POST" else {"acquisition.method": "gift",
                                                          "acquisition.date": today().isoformat()}
    if request.method == "GET":
        return _new_object_page(form, {})
    problems: dict[str, list[str]] = {}
    date_text = form.get("date.text", "").strip()
    _edtf, date_problem = to_edtf(date_text)
    if date_problem is not None:
        problems["date"] = [_said(short_text(Problem("", "date", date_problem.expected, date_problem.found,
                                                     params=date_problem.params)))]
    donor, new_name = form.get("acquisition.donor", ""), form.get("new_donor.name", "").strip()
    if new_name and form.get("new_donor.kind") not in PERSON_KINDS:
        problems["new_donor"] = [_said(_("choose what the new person is to the house"))]
    if problems:
        return _new_object_page(form, problems, 422)
    made: list[Path] = []
    try:
        if new_name:
            made.append(write_new_person(root(), kind=form["new_donor.kind"], name=new_name))
            donor = made[-1].stem
        path = write_new_object(
            root(), object_type=form.get("object_type", ""), title=form.get("title.vi", ""),
            title_en=form.get("title.en", ""), method=form.get("acquisition.method", ""), donor=donor,
            loan_until=form.get("acquisition.loan_until", "").strip(),
            original_held_by=form.get("acquisition.original_held_by.vi", ""),
            received=form.get("acquisition.date", "").strip())
    except KyvatError as exc:
        for person in made:  # the donor made a moment ago for this object only
            person.unlink(missing_ok=True)
        field = exc.field if isinstance(exc, CatalogueError) else ""
        field = "title" if field == "title.vi" else field
        problems[field] = [_said(to_error_text(exc))]
        return _new_object_page(form, problems, 422)
    object_id = path.parent.name
    rel = where().relative(path)
    if date_text:
        try:
            write_edit(path, rel, lambda d: apply_form(d, {"date": {"text": date_text, "edtf": ""}}), root=root())
        except KyvatError as exc:
            flash_message(to_error_text(exc), "error")
    save([path, where().register, *made], f"Thêm hiện vật {object_id}: {form.get('title.vi', '').strip()}")
    flash_message(_("Object {id} added").format(id=object_id))
    return redirect(url_for("records.edit_object", object_id=object_id))


def _said(text: str) -> dict:
    return {"text": text, "error": True}


def _new_object_page(form, problems: dict, status: int = 200):
    return render_template("object_new.html", form=form, problems=problems, people=_people_choices(),
                           types=OBJECT_TYPES, methods=ACQUISITION_METHODS, kinds=PERSON_KINDS,
                           words=CHOICE_WORDS), status


@bp.route("/people/new", methods=["GET", "POST"])
def new_person():
    form = request.form if request.method == "POST" else {}
    if request.method == "POST":
        try:
            path = write_new_person(root(), kind=form.get("kind", ""), name=form.get("name", ""))
        except KyvatError as exc:
            return render_template("person_new.html", form=form, error=to_error_text(exc), kinds=PERSON_KINDS,
                                   words=CHOICE_WORDS), 422
        save([path], f"Thêm người {path.stem}: {form.get('name', '').strip()}")
        flash_message(_("{name} added").format(name=form.get("name", "").strip()))
        return redirect(url_for("records.edit_person", person_id=path.stem))
    return render_template("person_new.html", form=form, error="", kinds=PERSON_KINDS, words=CHOICE_WORDS)


# -- editing a record -------------------------------------------------------------------------------


@bp.route("/objects/<object_id>", methods=["GET", "POST"])
def edit_object(object_id: str):
    return _edit("object", object_id, object_record(object_id))


@bp.route("/people/<person_id>", methods=["GET", "POST"])
def edit_person(person_id: str):
    return _edit("person", person_id, person_record(person_id))


@bp.post("/objects/<object_id>/check")
def check_object(object_id: str):
    return _check("object", object_record(object_id))


@bp.post("/people/<person_id>/check")
def check_person(person_id: str):
    return _check("person", person_record(person_id))


def _check(kind: str, path: Path):
    """The problems the form would give the record, by field; nothing is written."""
    rel = where().relative(path)
    try:
        values = read_posted_values(request.form, fields_of(kind))
        candidate = _candidate(kind, path.read_text(encoding="utf-8"), rel, values, as_draft=False)[0]
        problems = check_record_text(root(), rel, candidate, today(), cache=cache())
    except KyvatError as exc:
        return jsonify({"": [to_error_text(exc)]})  # as {field: [texts]}, the record's own problems under ""
    return jsonify({field: [p["text"] for p in found] for field, found in _by_field(kind, problems).items()})


def _candidate(kind: str, text: str, rel: str, values: dict, as_draft: bool) -> tuple[str, list, bool]:
    """The record's text with the form's `values` applied and `draft` set as the button asks; the
    fields changed and whether the draft mark changed. Nothing is written."""
    changed: list = []
    drafted: list[bool] = []
    candidate = make_edited_text(text, rel, lambda data: _change(data, kind, values, as_draft, changed, drafted))
    return candidate, changed, bool(drafted and drafted[0])


def _change(data, kind: str, values: dict, as_draft: bool, changed: list | None = None,
            drafted: list | None = None) -> None:
    """The change a save makes to either view of the record; what changed is noted in the lists given."""
    fields = apply_form(data, values, fields_of(kind), kind)
    draft = set_draft(data, as_draft, kind)
    if changed is not None:
        changed[:], drafted[:] = fields, [draft]


def _by_field(kind: str, problems: list[Problem]) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for p in problems:
        found.setdefault(field_of(fields_of(kind), p.field), []).append(
            {"text": short_text(p), "error": p.is_error})
    return found


def _edit(kind: str, record_id: str, path: Path):
    rel = where().relative(path)
    text = path.read_text(encoding="utf-8")
    if request.method == "GET":
        try:
            data = make_yaml(text)
        except YamlSyntaxError:
            data = None
        problems = check_record_text(root(), rel, text, today(), cache=cache())
        if not isinstance(data, dict):
            return _page(kind, record_id, path, None, problems, _("kyvat cannot read this record: fix it in a "
                                                                   "text editor (the problems below say where)"))
        return _page(kind, record_id, path, read_form_values(data, fields_of(kind)), problems)
    form = request.form
    posted = read_posted_values(form, fields_of(kind))  # the curator's input, shown again as typed
    as_draft = form.get("action") == "draft"
    try:
        require_version(path, form.get("version", ""))
        candidate, changed, drafted = _candidate(kind, text, rel, posted, as_draft)
        problems = check_record_text(root(), rel, candidate, today(), cache=cache())
    except Conflict as exc:
        return _page(kind, record_id, path, posted, [], to_error_text(exc), status=409,
                     version=form.get("version", ""))
    except KyvatError as exc:
        return _page(kind, record_id, path, posted, [], to_error_text(exc), status=422)
    if any(p.is_error for p in problems) and not as_draft:
        return _page(kind, record_id, path, posted, problems, _(
            "Not saved: the record has errors (beside the fields below). Correct them, or save it as a draft."),
            status=422, version=form.get("version", ""))
    if not changed and not drafted:
        flash_message(_("Nothing changed"))
        return redirect(url_for(KINDS[kind][0], **{KINDS[kind][1]: record_id}))
    try:
        write_edit(path, rel, lambda data: _change(data, kind, posted, as_draft), root=root())
    except KyvatError as exc:
        return _page(kind, record_id, path, posted, problems, to_error_text(exc), status=422)
    save([path], f"Sửa {record_id}: {_what_changed(changed, drafted, as_draft)}")
    flash_message(_("Saved as a draft") if as_draft else _("Saved"))
    return redirect(url_for(KINDS[kind][0], **{KINDS[kind][1]: record_id}))


def _what_changed(changed: list, drafted: bool, as_draft: bool) -> str:
    """The change in the words of the history (Vietnamese, whatever the curator reads)."""
    with speaking("vi"):
        words = [_(f.label).lower() for f in changed]
        said = [_("edit {fields}").format(fields=", ".join(words))] if words else []
        if drafted:
            said.append(_("save as a draft") if as_draft else _("no longer a draft"))
    return "; ".join(said)


def _page(kind: str, record_id: str, path: Path, values: dict | None, problems: list[Problem], message: str = "",
          status: int = 200, version: str | None = None):
    fields = fields_of(kind)
    if values is not None:
        values = {**{f.path: v for f, v in zip(fields, _blank(fields))}, **values}
    return render_template(
        KINDS[kind][2], record_id=record_id, rel=where().relative(path), sections=sections_of(fields), values=values,
        blank_row=blank_row,
        problems=_by_field(kind, problems), message=message, people=_people_choices(), words=CHOICE_WORDS,
        version=version_of(path) if version is None else version, draft=_is_draft(path),
        errors=sum(1 for p in problems if p.is_error)), status


def _blank(fields) -> list:
    return [read_form_values({}, (f,))[f.path] for f in fields]


def _is_draft(path: Path) -> bool:
    try:
        data = make_yaml(path.read_text(encoding="utf-8"))
    except YamlSyntaxError:
        return False
    return isinstance(data, dict) and data.get("draft") is True


def _people_choices() -> list[tuple[str, str]]:
    collection, _problems = read_current()
    return [(p.id, p.name) for p in collection.people]
