"""The desk's record forms as data: every field of an object's and a person's record, where it
lives in the record and how it is edited (`OBJECT_FIELDS`, `PERSON_FIELDS`); the values a form
shows for a record (`read_form_values`), the values a form sent (`read_posted_values`), and the
change that puts them into the record (`apply_form`).

`apply_form` changes only the keys whose value changed, through recordedit (a new key at its
place in the record's key order, an emptied key removed, a map or a row changed in place), so
that the comments, key order and quoting of every field the curator did not touch stay byte for
byte. It runs on both views write_edit hands it (ruamel.yaml's and the build's), and decides the
same on each. No Flask here: views_records.py renders and receives these values.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Mapping, MutableMapping

from ..errors import N_
from ..model import (ACQUISITION_METHODS, GENDERS, OBJECT_TYPES, PERSON_KINDS, PERSON_ROLES, TRANSCRIPTIONS,
                     VISIBILITIES)
from ..recordedit import extend_list, insert_key, make_mapping, make_scalar, remove_item, remove_key
from ..narratives import EXHIBITION_KEYS, PAGE_KEYS
from ..records import ARTIFACT_KEYS, PERSON_KEYS

# What edits a field (the widget): the value a form holds for each kind is given beside it.
TEXT = "text"  # one line: str
LONG = "long"  # several lines: str
CHOICE = "choice"  # one of `choices`: str ("" for none)
PERSON = "person"  # a person id of the collection: str
DAY = "day"  # a calendar day YYYY-MM-DD: str
NUMBER = "number"  # a number: str
INTEGER = "integer"  # a whole number: str
BOOLEAN = "boolean"  # "true", "false" or "" (not said): str
LINES = "lines"  # a list of strings, one a line: str
LANG = "lang"  # a language map: {"vi": str, "en": str}
LONG_LANG = "long_lang"  # a language map of long texts: {"vi": str, "en": str}
DATE = "date"  # a date as written and its EDTF: {"text": str, "edtf": str}
PLACE = "place"  # a place as written and today's unit: {"text": str, "current": str}
ROWS = "rows"  # a list of maps, one a row: [{column: str or {"vi", "en"}}]
PARTS = {LANG: ("vi", "en"), LONG_LANG: ("vi", "en"), DATE: ("text", "edtf"), PLACE: ("text", "current")}


@dataclass(frozen=True)
class Column:
    """One key of each row of a ROWS field: TEXT, CHOICE, PERSON or LANG."""

    key: str
    label: str
    kind: str = TEXT
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Field:
    path: str  # dotted path in the record: "acquisition.loan_until"
    kind: str
    label: str  # English msgid (N_), shown through _()
    group: str = ""  # the section of the form it is in (English msgid)
    choices: tuple[str, ...] = ()
    private: bool = False  # never published: marked so in the form
    columns: tuple[Column, ...] = ()

    @property
    def parts(self) -> tuple[str, ...]:
        return PARTS.get(self.kind, ())


WHAT, STORY, ACQUIRED, KEPT, RIGHTS, NOTES = (N_("What it is"), N_("Date, places and people"), N_("Acquisition"),
                                              N_("Where it is kept"), N_("Rights and publishing"),
                                              N_("Private notes"))
WHO, LIFE, DEATH, FAMILY = N_("Who they are"), N_("Life and service"), N_("Death and burial"), N_("Family and sources")

OBJECT_FIELDS: tuple[Field, ...] = (
    Field("title", LANG, N_("Title"), WHAT),
    Field("object_type", CHOICE, N_("Type"), WHAT, OBJECT_TYPES),
    Field("description", LONG_LANG, N_("Description"), WHAT),
    Field("history", LONG_LANG, N_("Story of the object (provenance)"), WHAT),
    Field("count", INTEGER, N_("Number of pieces"), WHAT),
    Field("materials", LANG, N_("Materials"), WHAT),
    Field("dimensions.height", NUMBER, N_("Height (cm)"), WHAT),
    Field("dimensions.width", NUMBER, N_("Width (cm)"), WHAT),
    Field("dimensions.depth", NUMBER, N_("Depth (cm)"), WHAT),
    Field("dimensions.weight", NUMBER, N_("Weight (g)"), WHAT),
    Field("date", DATE, N_("Date"), STORY),
    Field("places", ROWS, N_("Places"), STORY,
          columns=(Column("text", N_("As written")), Column("current", N_("Today's administrative unit")))),
    Field("people", ROWS, N_("People"), STORY,
          columns=(Column("person", N_("Person"), PERSON), Column("role", N_("Role"), CHOICE, PERSON_ROLES))),
    Field("keywords", LINES, N_("Keywords"), STORY),
    Field("acquisition.method", CHOICE, N_("Gift, loan or copy"), ACQUIRED, ACQUISITION_METHODS),
    Field("acquisition.date", DAY, N_("Received on"), ACQUIRED),
    Field("acquisition.donor", PERSON, N_("Giver, lender or family"), ACQUIRED),
    Field("acquisition.receipt_no", TEXT, N_("Receipt number"), ACQUIRED, private=True),
    Field("acquisition.loan_until", DAY, N_("Loan: goes back on"), ACQUIRED, private=True),
    Field("acquisition.original_held_by", LANG, N_("Copy: who keeps the original"), ACQUIRED),
    Field("acquisition.terms", LANG, N_("Terms agreed with the family"), ACQUIRED, private=True),
    *(Field(f"location.{key}", TEXT, label, KEPT, private=True) for key, label in (
        ("room", N_("Room")), ("case", N_("Case")), ("store", N_("Store")), ("shelf", N_("Shelf")),
        ("box", N_("Box")))),
    Field("rights.uri", TEXT, N_("Rights statement (address)"), RIGHTS),
    Field("rights.attribution", LANG, N_("Attribution"), RIGHTS),
    Field("rights.publish_consent", BOOLEAN, N_("Consent to publish"), RIGHTS),
    Field("visibility", CHOICE, N_("Visibility"), RIGHTS, VISIBILITIES),
    Field("transcription", CHOICE, N_("Transcripts made by"), RIGHTS, TRANSCRIPTIONS),
    Field("private_notes", LONG, N_("Private notes"), NOTES, private=True),
    Field("valuation", TEXT, N_("Valuation"), NOTES, private=True),
)

PERSON_FIELDS: tuple[Field, ...] = (
    Field("kind", CHOICE, N_("Kind"), WHO, PERSON_KINDS),
    Field("name", TEXT, N_("Full name"), WHO),
    Field("aliases", LINES, N_("Other names"), WHO),
    Field("gender", CHOICE, N_("Gender"), WHO, GENDERS),
    Field("birth", DATE, N_("Birth"), WHO),
    Field("hometown", PLACE, N_("Home town"), WHO),
    Field("enlistment", DATE, N_("Enlistment"), LIFE),
    Field("rank", LANG, N_("Rank"), LIFE),
    Field("position", LANG, N_("Position"), LIFE),
    Field("unit", LANG, N_("Unit"), LIFE),
    Field("conflict", LANG, N_("Conflict"), LIFE),
    Field("death.date", DATE, N_("Date of death"), DEATH),
    Field("death.place", PLACE, N_("Place of death"), DEATH),
    Field("death.circumstance", LANG, N_("Circumstance of death"), DEATH),
    *(Field(f"burial.{key}", TEXT, label, DEATH) for key, label in (
        ("cemetery", N_("Cemetery")), ("plot", N_("Plot")), ("row", N_("Row")), ("grave", N_("Grave")))),
    Field("relationships", ROWS, N_("Relationships"), FAMILY,
          columns=(Column("person", N_("Person"), PERSON), Column("relation", N_("Relation"), LANG))),
    Field("biography", LONG_LANG, N_("Biography"), FAMILY),
    Field("sources", LINES, N_("Sources"), FAMILY),
    Field("publish_name", BOOLEAN, N_("Named publicly"), FAMILY),
    Field("contact.phone", TEXT, N_("Phone"), NOTES, private=True),
    Field("contact.address", TEXT, N_("Address"), NOTES, private=True),
    Field("contact.id_card", TEXT, N_("Identity card number"), NOTES, private=True),
    Field("private_notes", LONG, N_("Private notes"), NOTES, private=True),
)

# The words of each choice, for the curator (the record keeps the English key).
CHOICE_WORDS = {
    "letter": N_("letter"), "diary": N_("diary"), "photograph": N_("photograph"), "certificate": N_("certificate"),
    "document": N_("document"), "uniform": N_("uniform"), "medal": N_("medal"),
    "personal_item": N_("personal item"), "weapon_part": N_("weapon part"), "audio": N_("sound recording"),
    "video": N_("film"), "other": N_("other"),
    "gift": N_("gift"), "loan": N_("loan"), "copy": N_("copy"),
    "martyr": N_("martyr"), "veteran": N_("veteran"), "relative": N_("relative"), "donor": N_("donor"),
    "witness": N_("witness"),
    "owner": N_("owner"), "author": N_("author"), "recipient": N_("recipient"), "depicted": N_("depicted"),
    "subject": N_("subject"), "speaker": N_("speaker"),
    "public": N_("public"), "restricted": N_("restricted"), "male": N_("male"), "female": N_("female"),
    "manual": N_("by hand"), "ocr": N_("OCR"), "true": N_("yes"), "false": N_("no"),
}
_ORDERS = {"object": ARTIFACT_KEYS, "person": PERSON_KEYS, "exhibitions": EXHIBITION_KEYS, "pages": PAGE_KEYS}
_MISSING = object()


def fields_of(kind: str) -> tuple[Field, ...]:
    """The fields of an "object" or a "person" record."""
    return OBJECT_FIELDS if kind == "object" else PERSON_FIELDS


def sections_of(fields: tuple[Field, ...]) -> list[tuple[str, list[Field]]]:
    """The fields by the section of the form they are in, in order."""
    sections: list[tuple[str, list[Field]]] = []
    for f in fields:
        if not sections or sections[-1][0] != f.group:
            sections.append((f.group, []))
        sections[-1][1].append(f)
    return sections


def blank_row(field: Field) -> dict[str, Any]:
    """An empty row of a ROWS field, for the curator to fill."""
    return {c.key: _shown(c, None) for c in field.columns}


# -- from a record to the form ----------------------------------------------------------------------


def read_form_values(data: Mapping, fields: tuple[Field, ...] = OBJECT_FIELDS) -> dict[str, Any]:
    """What the form shows for the record `data`: each field's value, by its path."""
    return {f.path: _shown(f, _get(data, f.path)) for f in fields}


def _get(data: Any, path: str) -> Any:
    for key in path.split("."):
        if not isinstance(data, Mapping) or key not in data:
            return None
        data = data[key]
    return data


def to_text(value: Any) -> str:
    """A scalar of the record as the form shows it; the same text from either view of the file."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _shown(field: Field | Column, value: Any) -> Any:
    if field.kind in PARTS:
        parts = PARTS[field.kind]
        if isinstance(value, Mapping):
            return {part: to_text(value.get(part)) for part in parts}
        return {parts[0]: to_text(value), parts[1]: ""}
    if field.kind == LINES:
        return "\n".join(to_text(v) for v in value) if isinstance(value, list) else to_text(value)
    if field.kind == ROWS:
        rows = value if isinstance(value, list) else []
        first = field.columns[0].key
        return [{c.key: _shown(c, item.get(c.key)) for c in field.columns} if isinstance(item, Mapping)
                else {c.key: _shown(c, item if c.key == first else None) for c in field.columns} for item in rows]
    return to_text(value)


def read_posted_values(form: Any, fields: tuple[Field, ...] = OBJECT_FIELDS) -> dict[str, Any]:
    """The values a form sent (`form` has .get and .getlist, as Flask's request.form); a field the
    form did not send is left out, and stays as it is in the record."""
    values: dict[str, Any] = {}
    for f in fields:
        if f.kind == ROWS:
            if form.get(f.path) is not None:  # the hidden marker of a table of rows
                values[f.path] = _posted_rows(form, f)
        elif f.parts:
            if any(form.get(f"{f.path}.{part}") is not None for part in f.parts):
                values[f.path] = {part: form.get(f"{f.path}.{part}") or "" for part in f.parts}
        elif form.get(f.path) is not None:
            values[f.path] = form.get(f.path)
    return values


def _posted_rows(form: Any, field: Field) -> list[dict[str, Any]]:
    columns: dict[str, list] = {}
    for c in field.columns:
        if c.kind == LANG:
            columns[c.key] = [dict(zip(("vi", "en"), pair)) for pair in
                              _zip(form.getlist(f"{field.path}.{c.key}.vi"), form.getlist(f"{field.path}.{c.key}.en"))]
        else:
            columns[c.key] = form.getlist(f"{field.path}.{c.key}")
    count = max((len(v) for v in columns.values()), default=0)
    return [{c.key: (columns[c.key][i] if i < len(columns[c.key]) else _shown(c, None)) for c in field.columns}
            for i in range(count)]


def _zip(first: list, second: list) -> list[tuple[str, str]]:
    count = max(len(first), len(second))
    return [(first[i] if i < len(first) else "", second[i] if i < len(second) else "") for i in range(count)]


def _normal(kind: str, value: Any) -> Any:
    """A value as compared: text stripped, empty lines and empty rows dropped."""
    if isinstance(value, Mapping):
        return {k: _normal(kind, v) for k, v in value.items()}
    if kind == ROWS:
        rows = [_normal(TEXT, row) for row in value or []]
        return [row for row in rows if any(v if isinstance(v, str) else any(v.values()) for v in row.values())]
    text = (value or "").replace("\r\n", "\n").strip()
    if kind == LINES:
        return "\n".join(line.strip() for line in text.split("\n") if line.strip())
    return text


# -- from the form to the record --------------------------------------------------------------------


def apply_form(data: MutableMapping, values: Mapping[str, Any], fields: tuple[Field, ...] = OBJECT_FIELDS,
               kind: str = "object") -> list[Field]:
    """Put the form's `values` into the record `data` (either view write_edit hands a change),
    changing only the fields whose value changed; returns those fields."""
    changed = []
    for f in fields:
        if f.path not in values:
            continue
        new = _normal(f.kind, values[f.path])
        old_value = _get(data, f.path)
        if _normal(f.kind, _shown(f, old_value)) == new:
            continue
        changed.append(f)
        parent, _dot, key = f.path.rpartition(".")  # a field is a key of the record or of one of its maps
        container = data.get(parent) if parent else data
        if parent and not isinstance(container, MutableMapping):
            stored = _stored(f, new, None, inline=True)
            if stored is not None:  # the map is made with its first key
                _put(data, parent, make_mapping({key: stored}), _ORDERS[kind])
        elif f.kind == ROWS and isinstance(old_value, list) and new:
            _change_rows(container, key, f, new)
        else:
            _put(container, key, _stored(f, new, old_value, inline=bool(parent)), _order(fields, kind, parent))
            if parent and not container:  # its last key taken out: the map goes too
                remove_key(data, parent)
    return changed


def set_draft(data: MutableMapping, draft: bool, kind: str = "object") -> bool:
    """Mark the record a draft (`draft: true`), or take the mark off; returns whether it changed."""
    if bool(data.get("draft")) == draft and (draft or "draft" not in data):
        return False
    _put(data, "draft", True if draft else None, _ORDERS[kind])
    return True


def _is_empty(value: Any) -> bool:
    if isinstance(value, Mapping):
        return not any(value.values())
    return not value


def _order(fields: tuple[Field, ...], kind: str, parent: str) -> tuple[str, ...]:
    """The keys of the record (`parent` "") or of its map `parent`, in the order a curator expects."""
    if not parent:
        return _ORDERS[kind]
    return tuple(f.path[len(parent) + 1:] for f in fields if f.path.startswith(parent + "."))


def _put(mapping: MutableMapping, key: str, value: Any, order: tuple[str, ...]) -> None:
    """Set, add (at its place in `order`) or, for None, remove `key`; a value changed in place
    (the same object) needs nothing more."""
    old = mapping.get(key, _MISSING)
    if value is None:
        remove_key(mapping, key)
    elif value is old:
        return
    elif old is not _MISSING:
        mapping[key] = value
    else:
        before = order[:order.index(key)] if key in order else order
        after = next((k for k in reversed(before) if k in mapping), None)
        insert_key(mapping, key, value, after=after)


def _stored(field: Field | Column, new: Any, old: Any, inline: bool) -> Any:
    """The value to keep in the record for the form's `new` (None: remove the key); a map or a
    list of the record is changed in place, keeping its layout."""
    if field.kind in PARTS:
        return _stored_parts(PARTS[field.kind], new, old, inline or field.kind == PLACE)
    if _is_empty(new):
        return None
    if field.kind == LINES:
        return _like(old, [make_scalar(line) for line in new.split("\n")])
    if field.kind == ROWS:
        return [_new_row(field, row, None) for row in new]
    if field.kind == BOOLEAN and new in ("true", "false"):
        return new == "true"
    if field.kind == DAY:
        try:
            return dt.date.fromisoformat(new)
        except ValueError:
            pass  # kept as written: validation says what is wrong with it
    if field.kind in (NUMBER, INTEGER):
        number = _number(new)
        if number is not None:
            return number
    return make_scalar(new)


def _number(text: str) -> int | float | None:
    for kind in (int, float):
        try:
            value = kind(text)
        except ValueError:
            continue
        return value if math.isfinite(value) else None
    return None


def _stored_parts(parts: tuple[str, str], new: dict, old: Any, inline: bool) -> Any:
    """A language map, a date or a place: a map of the record keeps its form and is changed in
    place; a bare string stays one while only its first part is given."""
    first, second = parts
    if not any(new.values()):
        return None
    if isinstance(old, MutableMapping):
        for part in parts:
            if new[part] and to_text(old.get(part)).strip() != new[part]:
                _put(old, part, make_scalar(new[part]), parts)
            elif not new[part]:
                remove_key(old, part)
        return old
    if not new[second] or (parts == PARTS[DATE] and not new[first]):
        return make_scalar(new[first] or new[second])
    return make_mapping({k: v for k, v in new.items() if v}, inline=inline)


def _change_rows(container: MutableMapping, key: str, field: Field, new: list[dict]) -> None:
    """Rows: an unchanged row is left as it is, a changed one changed in place, new rows added in
    the layout of the last one (inline by default), rows taken off the end removed."""
    old = container[key]
    columns = tuple(c.key for c in field.columns)
    for index, row in enumerate(new[:len(old)]):
        item = old[index]
        if _normal(ROWS, _shown(field, [item])) == [row]:
            continue
        if isinstance(item, MutableMapping):
            for c in field.columns:
                _put(item, c.key, _stored(c, row[c.key], item.get(c.key), inline=True), columns)
        else:
            old[index] = _new_row(field, row, item)
    if len(new) > len(old):
        extend_list(old, [_new_row(field, row, old[-1] if len(old) else None) for row in new[len(old):]])
    while len(container[key]) > len(new):
        remove_item(container, key, len(container[key]) - 1)


def _new_row(field: Field, row: dict, like: Any) -> Any:
    first = field.columns[0].key
    if isinstance(like, str) and not any(v for k, v in row.items() if k != first):
        return make_scalar(row[first])  # a place written as a bare string stays one
    values = {c.key: _stored(c, row[c.key], None, inline=True) for c in field.columns}
    inline = not (hasattr(like, "fa") and not like.fa.flow_style())
    return make_mapping({k: v for k, v in values.items() if v is not None}, inline=inline)


def _like(old: Any, items: list) -> list:
    """A new list in the layout of the old one (inline if it was)."""
    if hasattr(old, "fa"):
        made = type(old)(items)
        if old.fa.flow_style():
            made.fa.set_flow_style()
        return made
    return items


def field_of(fields: tuple[Field, ...], problem_field: str) -> str:
    """The form field a problem of `problem_field` ("date.edtf", "people[1].person") is shown
    beside; "" for the record as a whole."""
    for f in sorted(fields, key=lambda f: -len(f.path)):
        if problem_field == f.path or problem_field.startswith((f.path + ".", f.path + "[")):
            return f.path
    return ""
