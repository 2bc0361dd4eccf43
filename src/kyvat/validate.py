"""Checks across records (ids, references, the accession pattern, loans), after `records` has read
each file; together they give one report of every problem.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import string
from dataclasses import replace
from pathlib import Path
from typing import Mapping

from . import layout
from .errors import CollectionInvalid, KyvatError, Problem, make_params
from .messages import N_
from .model import Collection, Exhibition, Page
from .narratives import EMBED_KINDS, make_embed_mistakes, make_exhibition_embeds
from .records import read_collection
from .redirects import make_redirect_problems
from .urls import is_safe_url, read_scheme
from .vietnamese import fold, make_slug

RIGHTS_PREFIXES = ("http://rightsstatements.org/vocab/", "https://rightsstatements.org/vocab/",
                   "http://creativecommons.org/", "https://creativecommons.org/")
SHA256 = re.compile(r"^[0-9a-f]{64}$")


def make_accession_regex(pattern: str) -> re.Pattern[str]:
    """A regex for ids made from `pattern`; groups `year` and `seq` where the pattern has them."""
    parts = []
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError:  # a brace not closed: kyvat.yaml's problem names it, and no id is held against it
        return re.compile(r"^.*$")
    for literal, name, spec, _ in parsed:
        parts.append(re.escape(literal))
        if name == "year":
            parts.append(r"(?P<year>\d{4})")
        elif name == "seq":
            width = re.match(r"0?(\d+)d$", spec or "")
            parts.append(rf"(?P<seq>\d{{{width.group(1)},}})" if width else r"(?P<seq>\d+)")
        elif name is not None:
            parts.append(r"[A-Za-z0-9]+")
    return re.compile("^" + "".join(parts) + "$")


def make_problems(collection: Collection, today: dt.date) -> list[Problem]:
    """Every cross-record problem in `collection` (pure: reads no file)."""
    problems: list[Problem] = []
    config = collection.config
    id_regex = make_accession_regex(config.accession_pattern)
    people = {p.id for p in collection.people}
    unreadable = set(collection.unreadable)  # already reported: references to them are not errors too
    known = people | unreadable  # made once: a union per link is a copy of every id per link
    seen: dict[str, str] = {}
    for obj in collection.objects:
        src = obj.source
        if obj.id in seen:
            problems.append(Problem(src.path, "id", N_("an accession number used by one object only"),
                                    N_("'{value}', already used by {other}"), src.line("id"),
                                    params=make_params(value=obj.id, other=seen[obj.id])))
        seen.setdefault(obj.id, src.path)
        if not id_regex.match(obj.id):
            problems.append(Problem(src.path, "id", N_("an accession number like the pattern {pattern}"),
                                    N_("'{value}'"), src.line("id"),
                                    params=make_params(pattern=config.accession_pattern, value=obj.id)))
        for index, link in enumerate(obj.people):
            if link.person not in known:
                problems.append(_missing_person(src.path, f"people[{index}].person", link.person,
                                                src.line(f"people[{index}].person"), people))
        acq = obj.acquisition
        if acq is not None and acq.donor and acq.donor not in known:
            problems.append(_missing_person(src.path, "acquisition.donor", acq.donor, src.line("acquisition.donor"),
                                            people))
        # a loan given back, or an object withdrawn, is no longer the house's to return
        if acq is not None and acq.on_loan and not obj.withdrawn and acq.loan_until and acq.loan_until < today:
            problems.append(Problem(src.path, "acquisition.loan_until",
                                    N_("the object returned ('kyvat loans return'), or the loan extended "
                                       "('kyvat loans extend')"),
                                    N_("a loan that ended on {day} ({days} days ago)"),
                                    src.line("acquisition.loan_until"), severity="warning",
                                    params=make_params(day=acq.loan_until.isoformat(),
                                                       days=(today - acq.loan_until).days)))
        if obj.rights and not obj.rights.uri.startswith(RIGHTS_PREFIXES):
            problems.append(Problem(src.path, "rights.uri", N_("a rightsstatements.org or creativecommons.org URI"),
                                    N_("'{value}'"), src.line("rights.uri") or src.line("rights"),
                                    params=make_params(value=obj.rights.uri)))
        for index, scan in enumerate(s for s in obj.scans if s.page <= 1):  # a PDF's pages: one entry
            if scan.sha256 and not SHA256.match(scan.sha256):
                problems.append(Problem(src.path, f"scans[{index}].sha256", N_("64 hexadecimal digits (SHA-256)"),
                                        N_("'{value}'"), scan.line, params=make_params(value=scan.sha256)))
    for person in collection.people:
        for index, rel in enumerate(person.relationships):
            if rel.person not in known:
                problems.append(_missing_person(person.source.path, f"relationships[{index}].person", rel.person,
                                                person.source.line(f"relationships[{index}].person"), people))
    objects = {o.id: o for o in collection.objects}
    for exhibition in collection.exhibitions:
        src = exhibition.source
        named = [(i, src.path, src.line("objects")) for i in exhibition.objects]
        named += [(e.object_id, path, e.line) for path, e in make_exhibition_embeds(exhibition)]
        for object_id, path, line in named:
            if object_id in unreadable:
                continue
            if object_id not in objects:
                problems.append(Problem(path, "objects", N_("the id of an object in objects/"),
                                        N_("'{value}', which no object has"), line,
                                        params=make_params(value=object_id)))
            elif not objects[object_id].is_public:
                # one whole sentence for each reason, so a translator can order its words
                found = (N_("'{value}', which is withdrawn and will not be shown") if objects[object_id].withdrawn
                         else N_("'{value}', which is a draft and will not be shown") if objects[object_id].draft
                         else N_("'{value}', which is restricted and will not be shown"))
                problems.append(Problem(path, "objects", N_("a public object"), found, line,
                                        severity="warning", params=make_params(value=object_id)))
    if config.rights and not config.rights.startswith(RIGHTS_PREFIXES):
        problems.append(Problem(config.source.path, "rights", N_("a rightsstatements.org or creativecommons.org URI"),
                                N_("'{value}'"), config.source.line("rights"),
                                params=make_params(value=config.rights)))
    return (problems + _same_masters(collection) + _same_people(collection) + _embed_mistakes(collection)
            + make_redirect_problems(collection) + _name_mistakes(collection) + _file_name_mistakes(collection))


def _name_mistakes(collection: Collection) -> list[Problem]:
    """A page or exhibition whose file name a browser would read as a link's scheme (pages/javascript:….md):
    its name is the first part of its address, and of the links to it."""
    return [Problem(n.source.path, "", N_("a file name that makes a relative web address, such as gioi-thieu.md"),
                    N_("'{value}', which a browser reads as a '{scheme}:' link"), hint=N_("rename the file"),
                    params=make_params(value=n.slug, scheme=read_scheme(n.slug + "/")))
            for n in collection.exhibitions + collection.pages if not is_safe_url(n.slug + "/")]


def _file_name_mistakes(collection: Collection) -> list[Problem]:
    """A person's, exhibition's or page's file name is its id and the last part of its address:
    `...yaml` would be people/../, a space or a tone mark an address few can type (or share)."""
    problems = []
    for item in collection.people + collection.exhibitions + collection.pages:
        name, suffix, example = ((item.slug, ".md", "gioi-thieu") if isinstance(item, (Exhibition, Page))
                                 else (item.id, ".yaml", "nguyen-van-a"))
        if make_slug(name) == name or not is_safe_url(name + "/"):  # a scheme's name: _name_mistakes says it
            continue
        problems.append(Problem(item.source.path, "", N_("a file name of small letters, digits and hyphens, which "
                                                         "makes the id and the web address"),
                                N_("'{value}'"), hint=N_("rename it, e.g. {example}, and the id wherever it is named"),
                                params=make_params(value=Path(item.source.path).name,
                                                   example=(make_slug(name) or example) + suffix)))
    return problems


def _same_masters(collection: Collection) -> list[Problem]:
    """A master added twice: the same SHA-256, in one object or in two. The checksums the records
    hold are compared (hashing every master at each validate would take minutes)."""
    problems, first = [], {}
    for obj in collection.objects:
        for scan in obj.scans:
            if not SHA256.match(scan.sha256):
                continue
            other_id, other = first.setdefault(scan.sha256, (obj.id, scan.file))
            if (other_id, other) == (obj.id, scan.file):  # itself, or another page of its PDF
                continue
            named = layout.scan_in_object(other) if other_id == obj.id else layout.scan_rel(other_id, other)
            problems.append(Problem(obj.source.path, "scans", N_("each master once"),
                                    N_("'{value}', the same file as {other} (the same sha256)"), scan.line,
                                    severity="warning",
                                    hint=N_("if one page was added twice, take one of them out of the scans list"),
                                    params=make_params(value=scan.file, other=named)))
    return problems


def _same_people(collection: Collection) -> list[Problem]:
    """Likely one person entered twice: the same name, folded (Hòa, Hoà and Hoa meet), and the same
    year of birth."""
    problems, first = [], {}
    for person in collection.people:
        year = person.birth.year if person.birth else None
        if not person.name or year is None:
            continue
        other = first.setdefault((" ".join(fold(person.name).split()), year), person)
        if other is not person:
            problems.append(Problem(person.source.path, "name", N_("one record for each person"),
                                    N_("'{value}', born {year} like '{other}' in {other_path}"),
                                    person.source.line("name"), severity="warning",
                                    hint=N_("if they are one person: kyvat merge person {other_id} {id}"),
                                    params=make_params(value=person.name, year=year, other=other.name,
                                                       other_path=other.source.path, other_id=other.id,
                                                       id=person.id)))
    return problems


def _embed_mistakes(collection: Collection) -> list[Problem]:
    return [p for narrative in collection.exhibitions + collection.pages for p in make_embed_problems(narrative)]


def make_embed_problems(narrative: Exhibition | Page) -> list[Problem]:
    """`{{…}}` that no page would show as an embed, which would be printed as it is on the site
    (validate, and the desk beside the text being written)."""
    problems = []
    found = N_("'{value}', which would be printed as it is")
    for m in make_embed_mistakes(narrative):
        if isinstance(narrative, Page):
            problems.append(Problem(m.path, "body", N_("text only: objects are shown in exhibitions, not pages"),
                                    found, m.line,
                                    hint=N_("link to the object's page instead, or put this in an exhibition"),
                                    params=make_params(value=m.text)))
        elif not m.alone:
            problems.append(Problem(m.path, "body", N_("an embed on a line of its own"), found, m.line,
                                    hint=N_("put it on a line by itself"), params=make_params(value=m.text)))
        else:
            close = difflib.get_close_matches(m.word.lower(), EMBED_KINDS, n=1, cutoff=0.6)
            close = close[0] if close and close[0] != m.word else ""
            # the embed's braces are a value, not in the templates, where format() would eat them
            problems.append(Problem(m.path, "body", N_("an embed {embed}"), found, m.line,
                                    hint=(N_("did you mean '{close}'?") if close
                                          else N_("the only embed is {embed}, one id alone on its line")),
                                    params=make_params(value=m.text, embed="{{object ID}}", close=close)))
    return problems


def _missing_person(path: str, field: str, person_id: str, line: int | None, people: set[str]) -> Problem:
    close = difflib.get_close_matches(person_id, sorted(people), n=1, cutoff=0.6)
    return Problem(path, field, N_("the id of a person in people/ (the file name without .yaml)"),
                   N_("'{value}', which no person has"), line,
                   hint=N_("did you mean '{close}'?") if close else "",
                   params=make_params(value=person_id, close=close[0] if close else ""))


def check_collection(root: str | Path, today: dt.date | None = None, texts: Mapping[str, str] | None = None,
                     cache: str | Path | None = None) -> tuple[Collection, list[Problem]]:
    """Read and check a collection; returns it with every problem (errors and warnings) found.
    `texts`: record files' text read in place of the disk's; `cache`: the cache folder whose read
    cache is used (records.read_collection)."""
    collection, problems = read_collection(root, texts, cache)
    problems = _as_drafts(collection, problems + make_problems(collection, today or dt.date.today()))
    problems.sort(key=lambda p: (p.path, p.line or 0, p.field))
    return collection, problems


def _as_drafts(collection: Collection, problems: list[Problem]) -> list[Problem]:
    """`problems` with each one in a draft's record or object folder a warning marked as a draft's:
    a draft is saved with its mistakes and published nowhere, so they stop nothing. A draft
    that cannot be read is not known to be one: its problems stay errors."""
    folders = tuple(o.source.path.rpartition("/")[0] + "/" for o in collection.objects if o.draft)
    files = {p.source.path for p in collection.people if p.draft}
    return [replace(p, severity="warning", draft=True) if p.path in files or p.path.startswith(folders) else p
            for p in problems]


def check_record_text(root: str | Path, rel: str, text: str, today: dt.date,
                      cache: str | Path | None = None) -> list[Problem]:
    """The problems `kyvat validate` would report in the record file `rel` (objects/ID/record.yaml
    or people/ID.yaml) if it held `text`, the rules across records included; writes nothing in the
    collection. The record need not exist yet (a new object's folder); broken text comes back as
    problems. The other records are recalled from the read cache of the cache folder `cache`
    (default: the collection's own) while their files are unchanged."""
    if layout.record_of(rel) is None:
        raise KyvatError(N_("a record file ({object} or {person}), not {rel}"),
                         params=make_params(object=layout.record_rel("ID"), person=layout.person_rel("ID"), rel=rel))
    return [p for p in check_collection(root, today, {rel: text}, layout.cache_dir(root, cache))[1] if p.path == rel]


def load_collection(root: str | Path, strict: bool = False, today: dt.date | None = None) -> Collection:
    """The checked collection; raises CollectionInvalid listing every problem if any is an error
    (or, with `strict`, a warning)."""
    collection, problems = check_collection(root, today)
    if any(p.is_error or strict for p in problems):
        raise CollectionInvalid(problems)
    return collection


def load_for_build(root: str | Path, strict: bool = False, today: dt.date | None = None,
                   cache: str | Path | None = None) -> tuple[Collection, list[Problem]]:
    """Like load_collection, but a problem with one scan (missing, or a path out of its folder)
    does not stop a build: that scan is left out and the problem returned for the report."""
    collection, problems = check_collection(root, today, cache=cache)
    blocking = [p for p in problems if (p.is_error or strict) and p.scope != "scan"]
    if blocking:
        raise CollectionInvalid(problems)
    return collection, [p for p in problems if p.scope == "scan" and not p.draft]  # a draft's scans are not built
