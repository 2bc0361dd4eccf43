"""The history of an object's or a person's record, when the collection is a git repository: each
save newest first (date, author, message), the text of one earlier version with what changed since,
and putting that version back (a new commit; nothing is ever rewritten). Without git the page says
that saves still work but no history is kept, and how to start one.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from .. import history as git_history
from ..errors import KyvatError
from ..messages import _, to_error_text, to_problem_text
from . import BLUEPRINTS
from .app import Blueprint, abort, flash_message, redirect, render_template, request, url_for
from .common import object_record, person_record, read_problems, require_version, root, version_of, where

bp = Blueprint("history", __name__)
BLUEPRINTS.append(bp)
SHA = re.compile(r"^[0-9a-f]{7,40}$")  # a version in an address: a commit's (short) name, nothing else
LIMIT = 200  # the newest saves listed
WHEN = "%d/%m/%Y %H:%M"  # a version's date in the commit message a restore writes (Vietnamese order)


def _changes(record: Path, folder: Path | None) -> list[dict]:
    """The saves that changed the record (followed through renames) or, for an object, anything in
    its folder (scans, transcripts), newest first as git orders them; each marks whether the
    record changed."""
    of_record = git_history.read_history(root(), record, limit=LIMIT)
    changes = git_history.read_history(root(), folder, limit=LIMIT) if folder is not None and folder.is_dir() else []
    listed = {c.sha for c in changes}
    changes += [c for c in of_record if c.sha not in listed]  # from before the record's folder was renamed
    in_record = {c.sha for c in of_record}
    return [{"change": c, "record": c.sha in in_record} for c in changes[:LIMIT]]


def _page(kind: str, name: str, record: Path, folder: Path | None, endpoint: str, edit: str):
    arguments = {"object_id" if kind == "object" else "person_id": name}
    rel = where().relative(record)
    context = {"kind": kind, "name": name, "rel": rel, "arguments": arguments, "endpoint": endpoint,
               "edit": edit, "tracked": git_history.is_tracked(root())}
    if not context["tracked"]:
        return render_template("history.html", **context)
    try:
        changes = _changes(record, folder)
    except KyvatError as exc:
        return render_template("history.html", **context, error=to_error_text(exc), changes=[])
    chosen = request.args.get("version", "")
    shown = None
    if chosen:
        if not SHA.match(chosen):
            abort(404)
        shown = _version(record, chosen, changes)
    return render_template("history.html", **context, changes=changes, shown=shown,
                           version=version_of(record))


def _version(record: Path, sha: str, changes: list[dict]) -> dict:
    """One earlier version of the record: its text, and the lines that differ from today's file."""
    try:
        old = git_history.read_version(root(), record, sha).decode("utf-8", errors="replace")
    except KyvatError as exc:
        return {"sha": sha, "error": to_error_text(exc)}
    change = next((item["change"] for item in changes if item["change"].sha.startswith(sha)), None)
    now = record.read_text(encoding="utf-8", errors="replace")
    diff = list(difflib.unified_diff(old.splitlines(), now.splitlines(), lineterm="", n=2,
                                     fromfile=_("this version"), tofile=_("now")))
    return {"sha": change.sha if change else sha, "change": change, "text": old, "diff": diff,
            "same": old == now}


def _restore(record: Path, name: str, endpoint: str, arguments: dict):
    sha = request.form.get("sha", "")
    if not SHA.match(sha):
        abort(404)
    try:
        require_version(record, request.form.get("version", ""))
        change = next((c for c in git_history.read_history(root(), record, limit=100_000) if c.sha.startswith(sha)),
                      None)
        day = change.when.strftime(WHEN) if change else sha[:7]
        done = git_history.write_restored(root(), where().relative(record), sha,
                                          f"Khôi phục {name}: phiên bản ngày {day}")
    except KyvatError as exc:  # a Conflict (changed since the page was opened) too: nothing written
        flash_message(to_error_text(exc), "error")
        return redirect(url_for(endpoint, **arguments, version=sha), code=303)
    flash_message(_("Restored the version of {when}.").format(when=day) if done else
                  _("The record already is that version: nothing to restore."), "done")
    rel = where().relative(record)
    for problem in (p for p in read_problems() if p.path == rel):  # what today's rules say of the old text
        flash_message(to_problem_text(problem), "error" if problem.is_error else "warning")
    return redirect(url_for(endpoint, **arguments), code=303)


@bp.get("/history/objects/<object_id>", endpoint="object")
def object_history(object_id: str):
    record = object_record(object_id)
    return _page("object", object_id, record, where().object_dir(object_id), "history.object",
                 "records.edit_object")


@bp.post("/history/objects/<object_id>/restore")
def restore_object(object_id: str):
    return _restore(object_record(object_id), object_id, "history.object", {"object_id": object_id})


@bp.get("/history/people/<person_id>", endpoint="person")
def person_history(person_id: str):
    record = person_record(person_id)
    return _page("person", person_id, record, None, "history.person", "records.edit_person")


@bp.post("/history/people/<person_id>/restore")
def restore_person(person_id: str):
    return _restore(person_record(person_id), person_id, "history.person", {"person_id": person_id})


@bp.post("/history/start")
def start():
    """Make the collection a git repository with a first commit of everything in it."""
    back = request.form.get("back", "")
    try:
        git_history.write_repository(root())
    except KyvatError as exc:
        flash_message(to_error_text(exc), "error")
    else:
        flash_message(_("The collection now keeps its history: every save from now on can be looked at and "
                        "put back."), "done")
    return redirect(back if back.startswith("/history/") else url_for("home.dashboard"), code=303)
