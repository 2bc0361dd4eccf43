"""What every view of the desk shares: the collection it works on, paths that stay inside it, the
version a form was opened on, and saving (a git commit when the collection is a repository).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Callable, Iterable

from .. import history
from ..errors import N_, KyvatError, Problem, make_params
from ..layout import Layout, cache_dir
from ..messages import _, to_error_text, to_problem_text
from ..records import read_collection
from ..validate import check_collection
from .app import abort, flash_message, settings_of

# An id in an address is one path segment of letters, digits, dots, dashes and underscores, not
# starting with a dot: nothing a request sends can climb out of the collection or name a hidden file.
SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


class Conflict(KyvatError):
    """The file changed on disk since the form was opened (a text editor, another tab)."""


def root() -> Path:
    return settings_of().root


def where() -> Layout:
    return Layout.of(root())


def today() -> dt.date:
    given = settings_of().today
    return given() if callable(given) else dt.date.today()


def safe_id(value: str) -> str:
    """`value` if it can name a record, else 404 (`..`, `/`, an absolute path, a hidden name)."""
    if not SAFE_ID.match(value or "") or ".." in value:
        abort(404)
    return value


def inside(path: Path) -> Path:
    """`path` if it stays inside the collection once links are followed, else 404."""
    base = root().resolve()
    resolved = path.resolve()
    if resolved != base and base not in resolved.parents:
        abort(404)
    return path


def object_record(object_id: str) -> Path:
    path = inside(where().record(safe_id(object_id)))
    if not path.is_file():
        abort(404)
    return path


def person_record(person_id: str) -> Path:
    path = inside(where().person(safe_id(person_id)))
    if not path.is_file():
        abort(404)
    return path


def version_of(path: Path) -> str:
    """The version of a file a form carries: the SHA-256 of its bytes ("" when it does not exist)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return ""


def require_version(path: Path, opened: str | None) -> None:
    """Refuse to write over a change made since the form was opened."""
    if opened is not None and opened != version_of(path):
        raise Conflict(N_("{file} was changed by someone else (a text editor, another tab) after you opened "
                          "this form; your change was not saved. Open it again to see their change, then "
                          "make yours."), params=make_params(file=where().relative(path)))


def save(paths: Iterable[Path], message: str) -> None:
    """Keep a change: a git commit of exactly these files when the collection is a repository
    (the message in Vietnamese, as the curator reads the history). Without git, nothing more."""
    try:
        history.write_commit(root(), list(paths), message)
    except KyvatError as exc:
        flash_message(_("saved, but not kept in the history: {reason}").format(reason=to_error_text(exc)), "warning")


def run_edit(edit: Callable[[], object], done: str, paths: Callable[[], Iterable[Path]], message: str) -> bool:
    """Make one change through the library; flash what was done or why not; commit it."""
    try:
        edit()
    except KyvatError as exc:
        flash_message(to_error_text(exc), "error")
        return False
    save(paths(), message)
    flash_message(done, "done")
    return True


def read_current():
    """The collection as its files hold it now (records unchanged since the last read come from the
    read cache, as a build reads them): (collection, problems met reading it)."""
    return read_collection(root(), cache=cache())


def check_current():
    """The collection and every problem `kyvat validate` finds in it today."""
    return check_collection(root(), today(), cache=cache())


def cache() -> Path:
    return cache_dir(root(), settings_of().cache)


def read_problems() -> list[Problem]:
    _collection, problems = check_current()
    return problems


def problems_by_field(problems: Iterable[Problem], rel: str) -> dict[str, list[str]]:
    """The problems of one file, by the form field they concern ("" for the record as a whole)."""
    found: dict[str, list[str]] = {}
    for problem in problems:
        if problem.path == rel:
            found.setdefault(problem.field, []).append(to_problem_text(problem))
    return found
