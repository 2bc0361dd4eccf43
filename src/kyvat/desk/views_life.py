"""An object's life after it is catalogued (a loan returned or extended, a condition check, a
withdrawal, after a confirmation) and a person's (a new id, or a person entered twice made one,
after seeing what will change): the same library calls as `kyvat loans return|extend`, `kyvat
condition`, `kyvat withdraw`, `kyvat rename person` and `kyvat merge person`, on the desk's day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .. import lifecycle, personedit
from ..errors import N_, CatalogueError, KyvatError, Value, make_params
from ..layout import PERSON_SUFFIX
from ..messages import _, to_error_text
from ..model import CONDITION_GRADES
from ..urls import Urls
from . import BLUEPRINTS
from .app import Blueprint, abort, flash_message, redirect, render_template, request, url_for
from .common import (Conflict, object_record, person_record, require_version, root, safe_id, save, today,
                     version_of, where)

bp = Blueprint("life", __name__)
BLUEPRINTS.append(bp)
ACTIONS = ("return", "extend", "condition", "withdraw")


@bp.get("/objects/<object_id>/life")
def index(object_id: str, errors: dict | None = None, posted: dict | None = None, confirm: bool = False,
          status: int = 200):
    path = object_record(object_id)
    try:
        obj, error = lifecycle.read_artifact(root(), object_id), ""
    except KyvatError as exc:
        obj, error = None, to_error_text(exc)
    return render_template("life.html", object_id=object_id, obj=obj, error=error, errors=errors or {},
                           posted=posted or {}, confirm=confirm, grades=CONDITION_GRADES,
                           today=today().isoformat(), version=version_of(path)), status


@bp.post("/objects/<object_id>/life/<action>")
def act(object_id: str, action: str):
    if action not in ACTIONS:
        abort(404)
    path = object_record(object_id)
    form = request.form
    try:
        require_version(path, form.get("version"))
        if action == "withdraw" and form.get("confirm") != "yes":
            _day(form.get("day"), "withdrawn.date")  # a day it cannot read is said before the confirmation
            return index(object_id, posted=dict(form), confirm=True)
        day, message = _write(object_id, action, form)
    except KyvatError as exc:
        return index(object_id, errors={action: to_error_text(exc)}, posted=dict(form),
                     status=409 if isinstance(exc, Conflict) else 400)
    save([path], message)
    flash_message(_DONE[action]().format(id=object_id, day=day))
    return redirect(url_for("life.index", object_id=object_id))


_DONE = {"return": lambda: _("{id}: returned on {day}"), "extend": lambda: _("{id}: lent until {day}"),
         "condition": lambda: _("{id}: condition checked on {day}"),
         "withdraw": lambda: _("{id}: withdrawn on {day}; the next build leaves it out")}


def _write(object_id: str, action: str, form) -> tuple[dt.date, str]:
    """Make the change `action` asks, as the command line does; (its day, the commit message)."""
    collection, now = root(), today()
    if action == "return":
        day = _day(form.get("day"), "acquisition.returned")
        lifecycle.write_loan_return(collection, object_id, day=day, today=now)
        return day, f"Trả lại {object_id}"
    if action == "extend":
        day = _day(form.get("until"), "acquisition.loan_until", required=True)
        lifecycle.write_loan_extension(collection, object_id, until=day, today=now)
        return day, f"Gia hạn mượn {object_id} đến {day.isoformat()}"
    if action == "condition":
        day = _day(form.get("day"), "condition.checked")
        lifecycle.write_condition_check(collection, object_id, grade=form.get("grade", ""), note=form.get("note", ""),
                                        note_en=form.get("note_en", ""), day=day, today=now)
        return day, f"Kiểm tra tình trạng {object_id}"
    day = _day(form.get("day"), "withdrawn.date")
    lifecycle.write_withdrawal(collection, object_id, reason=form.get("reason", ""), day=day, today=now)
    return day, f"Rút {object_id} khỏi trưng bày"


def _day(value: str | None, field: str, required: bool = False) -> dt.date:
    """A day from a form (YYYY-MM-DD); empty is the desk's today, unless one is required."""
    value = (value or "").strip()
    if not value and not required:
        return today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CatalogueError(N_("expected a day YYYY-MM-DD, found '{value}'"), field,
                             params=make_params(value=Value(value))) from None


# -- a person: a new id, or two records of one person made one ------------------------------------


@bp.get("/people/<person_id>/life")
def person(person_id: str, errors: dict | None = None, posted: dict | None = None, status: int = 200):
    path = person_record(person_id)
    other = (posted or {}).get("other") or request.args.get("merge", "")
    plan, plan_error = None, ""
    if other:
        try:
            plan = personedit.read_merge_plan(root(), person_id, safe_id(other))
        except KyvatError as exc:
            plan_error = to_error_text(exc)
    people = sorted(p.stem for p in where().people.glob("*" + PERSON_SUFFIX) if p.stem != person_id)
    return render_template("person_actions.html", person_id=person_id, people=people, other=other, plan=plan,
                           plan_error=plan_error, errors=errors or {}, posted=posted or {},
                           version=version_of(path), other_version=version_of(where().person(other)) if other else "",
                           address=Urls.person(person_id)), status


@bp.post("/people/<person_id>/rename")
def rename(person_id: str):
    path = person_record(person_id)
    new = request.form.get("new", "").strip()
    try:
        require_version(path, request.form.get("version"))
        change = personedit.write_person_renamed(root(), person_id, new)
    except KyvatError as exc:
        return person(person_id, errors={"rename": to_error_text(exc)}, posted=dict(request.form),
                      status=409 if isinstance(exc, Conflict) else 400)
    save(_files(change, [where().person(change.old), where().person(change.new)]),
         f"Đổi mã người {change.old} thành {change.new}")
    flash_message(_("{old} is now {new}; the address {address} leads to {target}").format(
        old=change.old, new=change.new, address=Urls.person(change.old), target=Urls.person(change.new)))
    return redirect(url_for("life.person", person_id=change.new))


@bp.post("/people/<person_id>/merge")
def merge(person_id: str):
    path = person_record(person_id)
    other = request.form.get("other", "").strip()
    if other:
        safe_id(other)  # a path in a form is refused; an empty choice is the library's to name
    try:
        require_version(path, request.form.get("version"))
        require_version(where().person(other), request.form.get("other_version"))
        change = personedit.write_person_merged(root(), person_id, other)
    except KyvatError as exc:
        return person(person_id, errors={"merge": to_error_text(exc)}, posted=dict(request.form),
                      status=409 if isinstance(exc, Conflict) else 400)
    save(_files(change, [where().person(other), where().root / change.kept_as]), f"Gộp người {other} vào {person_id}")
    for conflict in change.conflicts:
        kept, theirs = conflict.texts
        flash_message(_("{field}: kept {kept} ({old} said {other})").format(
            field=conflict.field, kept=kept, old=change.old, other=theirs), "warning")
    flash_message(_("{old} is now {new}; the address {address} leads to {target}").format(
        old=change.old, new=change.new, address=Urls.person(change.old), target=Urls.person(change.new)))
    return redirect(url_for("life.person", person_id=person_id))


def _files(change: personedit.PersonChange, moved: list[Path]) -> list[Path]:
    """Every file a rename or merge touched: the ones it edited (PersonChange.edited, which names
    redirects.yaml too) and both ends of the person's file it moved."""
    return [where().root / rel for rel in change.edited] + moved
