"""The dashboard (counts, loans coming due and overdue, the collection's problems, recent changes)
and the page of every problem, as `kyvat validate` finds them."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from .. import history
from ..errors import KyvatError
from ..messages import to_problem_text
from . import BLUEPRINTS
from .app import Blueprint, render_template
from .common import check_current, root, today, where

bp = Blueprint("home", __name__)
BLUEPRINTS.append(bp)
LOANS_WITHIN_DAYS = 30  # as `kyvat loans` shows them
RECENT = 12


@bp.get("/")
def dashboard():
    collection, problems = check_current()
    day = today()
    loans = sorted((o for o in collection.objects if o.acquisition and o.acquisition.on_loan and not o.withdrawn
                    and o.acquisition.loan_until
                    and (o.acquisition.loan_until - day).days <= LOANS_WITHIN_DAYS),
                   key=lambda o: (o.acquisition.loan_until, o.id))
    counts = {
        "objects": len(collection.objects),
        "public": sum(1 for o in collection.objects if o.is_public),
        "drafts": sum(1 for o in collection.objects if getattr(o, "draft", False)),
        "people": len(collection.people),
        "exhibitions": len(collection.exhibitions),
        "pages": len(collection.pages),
    }
    by_type = Counter(o.object_type for o in collection.objects)
    return render_template(
        "dashboard.html", collection=collection, counts=counts, by_type=sorted(by_type.items()),
        loans=[(o, (o.acquisition.loan_until - day).days, collection.person(o.acquisition.donor)) for o in loans],
        errors=sum(1 for p in problems if p.is_error), warnings=sum(1 for p in problems if not p.is_error),
        problems=[(p, to_problem_text(p)) for p in problems[:10]], recent=_recent())


@bp.get("/problems")
def problems():
    _collection, found = check_current()
    return render_template("problems.html", problems=[(p, to_problem_text(p)) for p in found],
                           errors=sum(1 for p in found if p.is_error))


def _recent() -> list[dict]:
    """The newest changes: the git history when there is one, else the records last written."""
    try:
        changes = history.read_history(root(), root(), limit=RECENT)
    except KyvatError:
        changes = None
    if changes:
        return [{"when": c.when, "what": c.message, "who": c.author} for c in changes]
    layout = where()
    files = [p for p in layout.objects.glob("*/record.yaml")] + list(layout.people.glob("*.yaml"))
    files.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    return [{"when": dt.datetime.fromtimestamp(p.stat().st_mtime), "what": layout.relative(p), "who": ""}
            for p in files[:RECENT] if isinstance(p, Path)]
