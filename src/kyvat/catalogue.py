"""The curator's desk: new collections, accession numbers, new records, and the tables and record
views that `kyvat list`, `show` and `loans` print.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path

from . import accession, errors
from .errors import CatalogueError, Problem, Value, make_params
from .messages import N_, _, ngettext
from . import history, privacy
from .abandoned import create_new
from .i18n import Words, to_dimensions_text, to_place_text
from .model import ACQUISITION_METHODS, OBJECT_TYPES, Artifact, Collection, Date, Person, Text
from .layout import COLLECTION_FOLDERS, CONFIG_FILE, Layout
from .records import read_collection
from .site import make_scaffold_text
from .urls import BaseUrlInvalid, make_base_url
from .validate import make_accession_regex
from .vietnamese import make_slug

def make_config_text(name_vi: str, name_en: str, base_url: str, prefix: str) -> str:
    return make_scaffold_text("kyvat.yaml.j2", name_vi=name_vi, name_en=name_en, prefix=prefix,
                              base_url=make_base_url(base_url))


def write_new_collection(path: Path, *, name_vi: str, name_en: str, base_url: str, prefix: str,
                         git: bool = False) -> Path:
    """Create an empty collection at `path` that validates; never overwrites one. With `git`, make it
    a git repository with a first commit (history.write_repository), so each save can be undone."""
    config = Layout.of(path).config
    if config.exists():
        raise CatalogueError(N_("{config} already exists; kyvat init never overwrites a collection"),
                             params=make_params(config=config))
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", prefix):
        raise CatalogueError(N_("expected letters and digits such as AB, found {prefix}"), "accession_pattern prefix",
                             params=make_params(prefix=Value(repr(prefix))))
    try:
        make_base_url(base_url)
    except BaseUrlInvalid as exc:
        raise CatalogueError(N_("expected {expected}, found {found}"), exc.field,
                             params=make_params(expected=errors.Words(exc.expected), found=Value(exc.found))) from None
    for folder in COLLECTION_FOLDERS:
        (path / folder).mkdir(parents=True, exist_ok=True)
    create_new(config, make_config_text(name_vi, name_en, base_url, prefix))  # whole or not at all
    if git:
        history.write_repository(path)
    return path


def read_register(root: Path) -> list[str]:
    path = Layout.of(root).register
    if not path.is_file():
        return []
    return [line.split("\t", 1)[0] for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def make_next_id(pattern: str, used: list[str], year: int) -> str:
    """The next accession number for `year`: one more than the highest ever used that year."""
    regex = make_accession_regex(pattern)
    highest = 0
    for used_id in used:
        match = regex.match(used_id)
        if match and ("year" not in regex.groupindex or int(match.group("year")) == year):
            highest = max(highest, int(match.group("seq")))
    return pattern.format(year=year, seq=highest + 1)


def make_object_text(object_id: str, object_type: str, title: str, title_en: str, method: str, donor: str,
                     received: str, loan_until: str, original_held_by: str) -> str:
    return make_scaffold_text("object.yaml.j2", object_id=object_id, object_type=object_type, title=title,
                              title_en=title_en, method=method, donor=donor, received=received,
                              loan_until=loan_until, original_held_by=original_held_by)


def write_new_object(root: Path, *, object_type: str, title: str, title_en: str = "", method: str = "gift",
                     donor: str = "", loan_until: str = "", original_held_by: str = "",
                     received: str) -> Path:
    """Give the next accession number, note it in the register and write a commented record."""
    collection, problems = read_collection(root)
    _require_config(root, problems)
    if object_type not in OBJECT_TYPES:
        raise make_choice_error("object_type", OBJECT_TYPES, object_type)
    if method not in ACQUISITION_METHODS:
        raise CatalogueError(N_("expected gift, loan or copy, found {method}"), "acquisition.method",
                             params=make_params(method=Value(repr(method))))
    if not title.strip():
        raise CatalogueError(N_("expected the object's title, found nothing"), "title.vi")
    received_day = _day("acquisition.date", received)
    if method == "loan":
        if not loan_until:
            raise CatalogueError(N_("a loan needs the day it must go back (YYYY-MM-DD)"), "acquisition.loan_until")
        _day("acquisition.loan_until", loan_until)
    if method == "copy" and not original_held_by.strip():
        raise CatalogueError(N_("a copy needs who keeps the original"), "acquisition.original_held_by")
    if donor and collection.person(donor) is None:
        raise CatalogueError(N_("expected a person id from people/, found {donor} (add them first with "
                                "'kyvat new person')"), "acquisition.donor",
                             params=make_params(donor=Value(repr(donor))))
    where = Layout.of(root)
    where.objects.mkdir(exist_ok=True)
    accession.finish_abandoned(where)  # what a `new object` killed mid-way left: its register line first
    used = read_register(root) + [p.name for p in where.objects.iterdir() if p.is_dir()]
    object_id = accession.write_object_folder(
        where, lambda: make_next_id(collection.config.accession_pattern, used, received_day.year),
        lambda object_id: make_object_text(object_id, object_type, title.strip(), title_en.strip(), method, donor,
                                           received_day.isoformat(), loan_until, original_held_by.strip()),
        lambda object_id: f"{object_id}\t{received_day.isoformat()}\t{object_type}\t{title.strip()}\n", used)
    return where.record(object_id)


def make_person_text(kind: str, name: str) -> str:
    return make_scaffold_text("person.yaml.j2", kind=kind, name=name)


def write_new_person(root: Path, *, kind: str, name: str) -> Path:
    """Write people/{slug}.yaml with a unique slug made from the folded name."""
    collection, problems = read_collection(root)
    _require_config(root, problems)
    moved = {redirect.old for redirect in collection.redirects}  # a published address keeps its person
    slug = make_slug(name)
    if not slug:
        raise CatalogueError(N_("expected a name with letters, found {name}"), "name",
                             params=make_params(name=Value(repr(name))))
    where = Layout.of(root)
    where.people.mkdir(exist_ok=True)
    candidate, number = slug, 1
    while True:
        path = where.person(candidate)
        if candidate not in moved:
            try:
                create_new(path, make_person_text(kind, name.strip()))
                return path
            except FileExistsError:
                pass
        number += 1
        candidate = f"{slug}-{number}"


def _require_config(root: Path, problems: list[Problem]) -> None:
    config_problems = [p for p in problems if p.path == CONFIG_FILE and p.is_error]
    if config_problems or not Layout.of(root).config.is_file():
        # kyvat.yaml's problems stay as written (English): 'kyvat validate' explains them in the curator's language
        detail = ("; ".join(str(p) for p in config_problems) if config_problems
                  else errors.Words(N_("no {file} in {folder}"), make_params(file=CONFIG_FILE, folder=root)))
        raise CatalogueError(N_("cannot add to this collection: {detail}"), params=make_params(detail=detail))


def make_choice_error(field: str, choices: tuple[str, ...], found: str) -> CatalogueError:
    """`found` is none of `choices`: the error names them all, and the closest when one is close."""
    close = difflib.get_close_matches(found, choices, n=1, cutoff=0.5)
    values = make_params(choices=", ".join(choices), found=Value(repr(found)), close=close[0] if close else "")
    if close:
        return CatalogueError(N_("expected one of {choices}, found {found} (did you mean '{close}'?)"), field,
                              params=values)
    return CatalogueError(N_("expected one of {choices}, found {found}"), field, params=values)


def _day(field: str, value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CatalogueError(N_("expected a day as YYYY-MM-DD, found {value}"), field,
                             params=make_params(value=Value(repr(value)))) from None


# -- views -----------------------------------------------------------------------------------------


def make_table(rows: list[list[str]]) -> str:
    """Rows (the first is the header, its words marked with N_) as aligned columns."""
    if not rows:
        return ""
    rows = [[_(word) for word in rows[0]], *rows[1:]]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _date(date: Date | None) -> str:
    return date.text if date else ""


def make_object_table(collection: Collection, *, object_type: str | None = None, method: str | None = None,
                      person: str | None = None) -> list[list[str]]:
    rows = [[N_("id"), N_("type"), N_("method"), N_("date"), N_("scans"), N_("visibility"), N_("title")]]
    for obj in collection.objects:
        if object_type and obj.object_type != object_type:
            continue
        if method and (obj.acquisition is None or obj.acquisition.method != method):
            continue
        if person and not any(link.person == person for link in obj.people) and \
                not (obj.acquisition and obj.acquisition.donor == person):
            continue
        rows.append([obj.id, obj.object_type, obj.acquisition.method if obj.acquisition else "",
                     _date(obj.date), str(len(obj.scans)), "withdrawn" if obj.withdrawn else obj.visibility,
                     obj.title.vi or obj.title.en])
    return rows


def make_people_table(collection: Collection) -> list[list[str]]:
    rows = [[N_("id"), N_("kind"), N_("named publicly"), N_("objects"), N_("name")]]
    for person in collection.people:
        rows.append([person.id, person.kind, _("yes") if privacy.is_named_publicly(person) else _("no"),
                     str(len(collection.objects_of(person.id))), person.name])
    return rows


def make_loans_table(collection: Collection, *, today: dt.date, within_days: int) -> list[list[str]]:
    """Loans overdue or due within `within_days`, soonest first."""
    rows = [[N_("id"), N_("due"), N_("status"), N_("lender"), N_("title")]]
    loans = [o for o in collection.objects if o.acquisition and o.acquisition.on_loan and not o.withdrawn
             and o.acquisition.loan_until and (o.acquisition.loan_until - today).days <= within_days]
    for obj in sorted(loans, key=lambda o: (o.acquisition.loan_until, o.id)):
        days = (obj.acquisition.loan_until - today).days
        status = ngettext("OVERDUE {n} day", "OVERDUE {n} days", -days).format(n=-days) if days < 0 else \
            _("due today") if days == 0 else ngettext("in {n} day", "in {n} days", days).format(n=days)
        lender = collection.person(obj.acquisition.donor) if obj.acquisition.donor else None
        rows.append([obj.id, obj.acquisition.loan_until.isoformat(), status,
                     lender.name if lender else (obj.acquisition.donor or ""), obj.title.vi])
    return rows


def _text(value: Text) -> str:
    if not value:
        return ""
    return value.vi if not value.en else f"{value.vi} / {value.en}"


def make_record_view(collection: Collection, record_id: str, words: Words) -> str:
    """Every field of an object or person, private ones marked, for the curator's screen; measures
    and places are written as the English site writes them (`words`, the collection's word table)."""
    obj = collection.object(record_id)
    if obj is not None:
        return _object_view(collection, obj, words)
    person = collection.person(record_id)
    if person is not None:
        return _person_view(collection, person)
    raise CatalogueError(N_("no object or person with id {record_id} (see 'kyvat list' and 'kyvat list people')"),
                         params=make_params(record_id=Value(repr(record_id))))


def _lines(pairs: list[tuple[str, str]]) -> str:
    """Label and value lines; the labels are marked with N_ and shown in the curator's language."""
    pairs = [(_(label), value) for label, value in pairs]
    width = max(len(label) for label, _value in pairs)
    return "\n".join(f"{label.ljust(width)}  {value}" for label, value in pairs if value)


def _object_view(collection: Collection, obj: Artifact, words: Words) -> str:
    acq = obj.acquisition
    donor = collection.person(acq.donor) if acq and acq.donor else None
    pairs = [
        (N_("id"), obj.id), (N_("title"), _text(obj.title)), (N_("type"), obj.object_type),
        (N_("visibility"), obj.visibility),
        (N_("date"), f"{obj.date.text} [{obj.date.edtf}]" if obj.date else ""), (N_("count"), str(obj.count)),
        (N_("materials"), _text(obj.materials)),
        (N_("dimensions"), to_dimensions_text(obj.dimensions, "en", words)),  # English, as the other lines
        (N_("places"), "; ".join(to_place_text(p, "en", words) for p in obj.places)),
        (N_("people"), "; ".join(f"{link.person} ({link.role})" for link in obj.people)),
        (N_("acquisition"), f"{acq.method}, {_date(acq.date)}" if acq else ""),
        (N_("donor"), f"{donor.name} ({donor.id}"
                      f"{'' if privacy.is_named_publicly(donor) else _(', not named publicly')})" if donor else ""),
        (N_("loan until"), acq.loan_until.isoformat() if acq and acq.loan_until else ""),
        (N_("loan extended"), "; ".join(_("{day} from {previous} to {until}").format(
            day=e.date, previous=e.previous, until=e.until) for e in acq.extensions) if acq else ""),
        (N_("returned"), acq.returned.isoformat() if acq and acq.returned else ""),
        (N_("original held by"), _text(acq.original_held_by) if acq else ""),
        (N_("receipt (private)"), acq.receipt_no if acq else ""),
        (N_("terms (private)"), _text(acq.terms) if acq else ""),
        (N_("condition"), f"{obj.condition.grade} ({obj.condition.checked or '?'}) {_text(obj.condition.note)}"
         if obj.condition else ""),
        (N_("condition before"), "; ".join(f"{c.checked or '?'} {c.grade}" for c in obj.condition.history)
         if obj.condition else ""),
        (N_("withdrawn (private)"), f"{obj.withdrawn.date}: {_text(obj.withdrawn.reason)}" if obj.withdrawn else ""),
        (N_("location (private)"), ", ".join(f"{k} {v}" for k, v in obj.location.items())),
        (N_("rights"), obj.rights.uri if obj.rights else ""),
        (N_("description"), _text(obj.description)), (N_("history"), _text(obj.history)),
    ]
    pairs += [(_("{key} (private)").format(key=key), str(value)) for key, value in obj.private.items()]
    pairs += [(_("scan {n}").format(n=i),
               f"{scan.name}  {_text(scan.label)}  sha256 {scan.sha256 or _('(not recorded)')}"
               + ("  " + _("transcript ({source})").format(source=scan.transcript_source) if scan.transcript else ""))
              for i, scan in enumerate(obj.scans, 1)]
    return _lines(pairs)


def _person_view(collection: Collection, person: Person) -> str:
    death = person.death
    pairs = [
        (N_("id"), person.id), (N_("name"), person.name), (N_("kind"), person.kind),
        (N_("named publicly"), _("yes") if privacy.is_named_publicly(person) else _("no")),
        (N_("aliases"), ", ".join(person.aliases)),
        (N_("birth"), _date(person.birth)), (N_("hometown"), person.hometown.text if person.hometown else ""),
        (N_("enlistment"), _date(person.enlistment)), (N_("rank"), _text(person.rank)),
        (N_("unit"), _text(person.unit)),
        (N_("death"), f"{_date(death.date)}, {death.place.text if death.place else ''}" if death else ""),
        (N_("burial"), ", ".join(f"{k} {getattr(person.burial, k)}" for k in ("cemetery", "plot", "row", "grave")
                             if getattr(person.burial, k))),
        (N_("relationships"), "; ".join(f"{_text(r.relation)}: {r.person}" for r in person.relationships)),
        (N_("biography"), _text(person.biography)),
        (N_("objects"), ", ".join(o.id for o in collection.objects_of(person.id))),
        (N_("contact (private)"), ", ".join(f"{k} {v}" for k, v in person.contact.items())),
    ]
    pairs += [(_("{key} (private)").format(key=key), str(value)) for key, value in person.private.items()]
    return _lines(pairs)
