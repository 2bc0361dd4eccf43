"""An object's life after it is catalogued (Spectrum's loan return, condition checking and
withdrawal): each request is checked against the record as the build reads it, then made as one
edit through recordedit.write_edit, which keeps the curator's comments.

A withdrawn object keeps its record and its line in the register; privacy.to_public leaves it out
of everything published but the notice at its old address.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import Any

from .errors import N_, CatalogueError, RecordError, Value, Words, make_params
from .catalogue import make_choice_error
from .i18n import read_words
from .layout import Layout, record_rel
from .model import CONDITION_GRADES, Acquisition, Artifact
from .recordedit import extend_list, insert_key, make_mapping, make_scalar, write_edit
from .records import read_config, read_object

CHECK_KEYS = ("grade", "note", "checked")  # a condition check, as records.py reads it


def read_artifact(root: Path, object_id: str) -> Artifact:
    """The object as the build reads it. A record the build cannot read is not edited: the edit
    would be checked against nothing."""
    where, rel = Layout.of(root), record_rel(object_id)
    if any(c in object_id for c in "/\\") or object_id in ("", ".", "..") or not where.record(object_id).is_file():
        raise RecordError(rel, "id", N_("the id of an object in objects/ (see 'kyvat list')"),
                          N_("'{object_id}', which has no record.yaml"), params=make_params(object_id=Value(object_id)))
    problems: list = []
    config = read_config(root, problems)
    obj = read_object(root, where.object_dir(object_id), config, problems, read_words(root))
    if obj is None:
        first = next((p for p in problems if p.path == rel and p.is_error), None)
        if first is None:
            raise RecordError(rel, "", N_("a record kyvat can read"), N_("one it cannot"))
        # the problem's own parts, each with its values, so that they are translated as validate's are
        raise RecordError(rel, first.field, "{expected}", N_("{found}; fix it first"), first.line,
                          params=make_params(expected=Words(first.expected, first.params),
                                             found=Words(first.found, first.params)))
    return obj


def write_loan_return(root: Path, object_id: str, *, day: dt.date, today: dt.date) -> Path:
    """Record that a loan went back to its lender on `day` (`acquisition.returned`): the object
    stays in the catalogue, its page says it was returned, and it is no longer due."""
    obj = read_artifact(root, object_id)
    acq = _open_loan(obj)
    received = acq.date.lower if acq.date else None
    if received and day < received:
        raise CatalogueError(N_("expected a day on or after the loan began ({received}), found {day}"),
                             "acquisition.returned", params=make_params(received=received, day=day))
    _not_after_today("acquisition.returned", day, today)
    return _edit(root, object_id, lambda data: _put(_acquisition(data), "returned", day, after="loan_until"))


def write_loan_extension(root: Path, object_id: str, *, until: dt.date, today: dt.date) -> Path:
    """Move a loan's due day (`acquisition.loan_until`) later, noting the old one with the day of
    the change in `acquisition.loan_extended`."""
    obj = read_artifact(root, object_id)
    acq = _open_loan(obj)
    if until < today:
        raise CatalogueError(N_("expected a day from today ({today}) on, found {until}, which is past"),
                             "acquisition.loan_until", params=make_params(today=today, until=until))
    if acq.loan_until and until <= acq.loan_until:
        raise CatalogueError(N_("expected a day after the loan's current end ({end}), found {until}"),
                             "acquisition.loan_until", params=make_params(end=acq.loan_until, until=until))

    def change(data: MutableMapping) -> None:
        acquisition = _acquisition(data)
        acquisition["loan_until"] = until
        # new date objects: ruamel.yaml writes one object met twice as an anchor and an alias (`*id001`)
        entry = make_mapping({"date": _copy(today), "previous": _copy(acq.loan_until), "until": _copy(until)},
                             inline=True)
        history = acquisition.get("loan_extended")
        if history is None:
            insert_key(acquisition, "loan_extended", [entry], after="loan_until")
        elif isinstance(history, list):
            extend_list(history, [entry])
        else:
            raise RecordError(record_rel(object_id), "acquisition.loan_extended", N_("a list"),
                              Value(type(history).__name__))

    return _edit(root, object_id, change)


def write_condition_check(root: Path, object_id: str, *, grade: str, note: str, day: dt.date,
                          today: dt.date, note_en: str = "") -> Path:
    """Add a dated condition check. The newest check is the object's condition (`condition.grade`,
    `note`, `checked`); the one it replaces joins `condition.history`, which keeps every earlier
    check, oldest first. A check older than the current one goes straight into the history. With
    `note_en`, the note is `{vi: note, en: note_en}`."""
    if grade not in CONDITION_GRADES:
        raise make_choice_error("condition.grade", CONDITION_GRADES, grade)
    _not_after_today("condition.checked", day, today)
    obj = read_artifact(root, object_id)
    rel = record_rel(object_id)
    words = {lang: text.strip() for lang, text in (("vi", note), ("en", note_en)) if text.strip()}
    said = make_mapping(words, inline=True) if "en" in words else words.get("vi", "")
    check = {"grade": grade, **({"note": said} if said else {}), "checked": day}

    def change(data: MutableMapping) -> None:
        condition = data.get("condition")
        if condition is None:
            _put(data, "condition", make_mapping(check), after=None)  # last: a new key may only end a record
            return
        if not isinstance(condition, dict):
            raise RecordError(rel, "condition", N_("a map {grade, note, checked}"), Value(type(condition).__name__))
        current = obj.condition
        if current is not None and current.checked and day < current.checked:
            _add_to_history(condition, make_mapping(check), rel)
            return
        previous = {key: condition[key] for key in CHECK_KEYS if condition.get(key) is not None}
        for key in CHECK_KEYS:
            if key in check:
                _put(condition, key, _value(check[key]), after=_key_before(condition, key))
            elif key in condition:
                del condition[key]
        if previous:
            _add_to_history(condition, make_mapping(previous), rel)

    return _edit(root, object_id, change)


def write_withdrawal(root: Path, object_id: str, *, reason: str, day: dt.date, today: dt.date) -> Path:
    """Take an object off the public site (given back, or found not to belong): its record stays,
    with `withdrawn: {date, reason}` (the reason is private), and so does its line in the register."""
    obj = read_artifact(root, object_id)
    if obj.withdrawn is not None:
        raise RecordError(record_rel(object_id), "withdrawn", N_("an object not yet withdrawn"),
                          N_("one withdrawn on {day}"), obj.source.line("withdrawn"),
                          params=make_params(day=obj.withdrawn.date))
    if not reason.strip():
        raise CatalogueError(N_("expected why the object leaves the collection, found nothing"), "withdrawn.reason")
    received = obj.acquisition.date.lower if obj.acquisition and obj.acquisition.date else None
    if received and day < received:
        raise CatalogueError(N_("expected a day on or after the object was received ({received}), found {day}"),
                             "withdrawn.date", params=make_params(received=received, day=day))
    _not_after_today("withdrawn.date", day, today)
    entry = make_mapping({"date": day, "reason": reason.strip()})
    # last: recordedit lets a new key of the record only end it (every other line stays where it was)
    return _edit(root, object_id, lambda data: _put(data, "withdrawn", entry, after=None))


# -- helpers -----------------------------------------------------------------------------------------


def _value(value: Any) -> Any:
    """A value to write: text made safe for both YAML readers, days as they are (plain `2026-05-01`)."""
    return make_scalar(value) if isinstance(value, str) else value


def _copy(day: dt.date | None) -> dt.date | None:
    return dt.date(day.year, day.month, day.day) if day else None


def _open_loan(obj: Artifact) -> Acquisition:
    """The acquisition of a loan the house still holds, or the error that says why there is none."""
    acq, rel = obj.acquisition, obj.source.path
    if acq is None or acq.method != "loan":
        raise RecordError(rel, "acquisition.method", N_("a loan (method: loan); only a loan goes back to its lender"),
                          N_("'{value}'") if acq else N_("no acquisition"), obj.source.line("acquisition.method"),
                          params=make_params(value=Value(acq.method)) if acq else ())
    if acq.returned is not None:
        raise RecordError(rel, "acquisition.returned", N_("a loan the house still holds"),
                          N_("one returned on {day}"), obj.source.line("acquisition.returned"),
                          params=make_params(day=acq.returned))
    return acq


def _acquisition(data: MutableMapping) -> MutableMapping:
    return data["acquisition"]  # read_artifact has read it as a map: the loan was checked on it


def _not_after_today(field: str, day: dt.date, today: dt.date) -> None:
    if day > today:
        raise CatalogueError(N_("expected a day no later than today ({today}), found {day}"), field,
                             params=make_params(today=today, day=day))


def _put(mapping: MutableMapping, key: str, value: Any, after: str | None) -> None:
    """Change `key` where it stands (an empty `key:` too), or add it after the key `after` (None: last)."""
    if key in mapping:
        mapping[key] = value
    else:
        insert_key(mapping, key, value, after=after)


def _key_before(condition: MutableMapping, key: str) -> str | None:
    """The check key a new `key` follows (grade, note, checked keep their order)."""
    earlier = [k for k in CHECK_KEYS[:CHECK_KEYS.index(key)] if k in condition]
    return earlier[-1] if earlier else None


def _add_to_history(condition: MutableMapping, check: MutableMapping, rel: str) -> None:
    """Put `check` into `condition.history` in date order (oldest first), usually at its end."""
    history = condition.get("history")
    if history is None:
        if hasattr(condition, "fa"):
            condition.fa.set_block_style()  # a list of maps inside `{...}` would be one long line
        insert_key(condition, "history", [check])
        return
    if not isinstance(history, list):
        raise RecordError(rel, "condition.history", N_("a list of checks"), Value(type(history).__name__))
    position = len(history)
    while position and _day(history[position - 1]) > check["checked"]:
        position -= 1
    if position == len(history):
        extend_list(history, [check])
    else:
        history.insert(position, check)


def _day(check: Any) -> dt.date:
    """The day of a check in the history; an undated or unreadable one counts as the oldest."""
    value = check.get("checked") if isinstance(check, dict) else None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            value = None
    return value if isinstance(value, dt.date) else dt.date.min


def _edit(root: Path, object_id: str, change: Callable[[MutableMapping], None]) -> Path:
    where = Layout.of(root)
    write_edit(where.record(object_id), record_rel(object_id), change, root=root)
    return where.record(object_id)
