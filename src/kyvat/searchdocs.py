"""What both search indexes hold: one document per object, transcription page, person, exhibition
and free page of the public collection, with its text, facets and site-relative address.

Pure functions over the collection `privacy.to_public` returns; the research index (research.py)
and the site's index (sitesearch.py) are both made from these, so they cannot disagree on content.
At the end, how a research hit is shown and re-ranked: its snippet, and the exact forms it holds.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from dataclasses import dataclass

from .i18n import Words, to_scan_title
from .model import Artifact, Collection, Date, Exhibition, Page, Person, Place, Text
from .narratives import to_prose
from .urls import Urls
from .vietnamese import make_tokens, to_exact, to_term

KINDS = ("object", "transcript", "person", "exhibition", "page")
SNIPPET_CHARS = 240  # of the original text shown with a hit


@dataclass(frozen=True)
class SearchDoc:
    key: str  # unique: "object:AB-2026-0007", "transcript:AB-2026-0007:3", "person:nguyen-van-duc"
    kind: str  # one of KINDS
    title: Text
    text: str  # every searchable word, Vietnamese and English, NFC, with its original diacritics
    url: str  # the page's language-independent key (urls.py), with a scan's anchor for a transcript
    object_id: str = ""  # the object an object or transcript document belongs to
    page: int = 0  # 1-based scan number of a transcript
    object_type: str = ""
    people: tuple[str, ...] = ()  # person ids
    places: tuple[str, ...] = ()  # as written, then the current unit
    year_from: int | None = None
    year_to: int | None = None
    method: str = ""  # acquisition method

    @property
    def title_text(self) -> str:
        """Both titles, as the indexes search them."""
        return f"{self.title.vi}\n{self.title.en}"

    @property
    def document_text(self) -> str:
        """The titles, then the text: where a phrase is looked for (research `pairs`, site records)."""
        return f"{self.title_text}\n{self.text}"

    @property
    def decade(self) -> int | None:
        return self.year_from // 10 * 10 if self.year_from is not None else None

    def checksum(self) -> str:
        """Changes whenever anything indexed about the document changes: its fields as the
        dataclasses print them (strings, numbers, tuples of them and its titles' Text)."""
        return hashlib.sha256(repr(self).encode("utf-8", "surrogateescape")).hexdigest()


def _join(*parts: str) -> str:
    return unicodedata.normalize("NFC", "\n".join(p.strip() for p in parts if p and p.strip()))


def _both(text: Text) -> tuple[str, str]:
    return (text.vi, text.en) if text.en != text.vi else (text.vi, "")


def _places(places: tuple[Place | None, ...]) -> tuple[str, ...]:
    return tuple(v for p in places if p for v in (p.text, p.current) if v)


def _years(date: Date | None) -> tuple[int | None, int | None]:
    if date is None:
        return None, None
    return (date.lower.year if date.lower else None), (date.upper.year if date.upper else None)


def _names(collection: Collection, ids: tuple[str, ...]) -> list[str]:
    people = [collection.person(i) for i in ids]
    return [n for p in people if p for n in (p.name, *p.aliases)]


def _object_people(obj: Artifact) -> tuple[str, ...]:
    ids = [link.person for link in obj.people]
    if obj.acquisition and obj.acquisition.donor:
        ids.append(obj.acquisition.donor)
    return tuple(dict.fromkeys(ids))


def make_object_docs(obj: Artifact, collection: Collection, words: Words) -> list[SearchDoc]:
    """The object's record, then one document per transcribed page (titled as the page titles its scan)."""
    people = _object_people(obj)
    places = _places(obj.places)
    year_from, year_to = _years(obj.date)
    facets = dict(object_id=obj.id, object_type=obj.object_type, people=people, places=places,
                  year_from=year_from, year_to=year_to, method=obj.acquisition.method if obj.acquisition else "")
    acq = obj.acquisition
    record = SearchDoc(
        key=f"object:{obj.id}", kind="object", title=obj.title, url=Urls.object(obj.id),
        text=_join(obj.id, *_both(obj.title), *_both(obj.description), *_both(obj.history),
                   *_both(obj.materials), obj.date.text if obj.date else "", *places, *obj.keywords,
                   *_names(collection, people), *(_both(acq.original_held_by) if acq else ()),
                   *(v for s in obj.scans for v in _both(s.label))),
        **facets)
    docs = [record]
    for n, scan in enumerate(obj.scans, start=1):
        if not scan.transcript.strip():
            continue
        docs.append(SearchDoc(  # records.py labels every scan (i18n.make_scan_label)
            key=f"transcript:{obj.id}:{n}", kind="transcript", page=n, url=Urls.scan(obj.id, n),
            title=to_scan_title(obj.title, scan.label, words),
            text=_join(scan.transcript), **facets))
    return docs


def make_person_doc(person: Person) -> SearchDoc:
    death = person.death
    year_from, _ = _years(person.birth)
    _, year_to = _years(death.date if death else None)
    places = _places((person.hometown, death.place if death else None))
    return SearchDoc(
        key=f"person:{person.id}", kind="person", title=Text(vi=person.name, en=person.name),
        url=Urls.person(person.id), people=(person.id,), places=places, year_from=year_from,
        year_to=year_to if year_to is not None else year_from,
        text=_join(person.name, *person.aliases, *_both(person.rank), *_both(person.position),
                   *_both(person.unit), *_both(person.conflict), *places,
                   person.birth.text if person.birth else "", person.enlistment.text if person.enlistment else "",
                   death.date.text if death and death.date else "", *(_both(death.circumstance) if death else ()),
                   person.burial.cemetery, person.burial.plot, *_both(person.biography), *person.sources))


def make_exhibition_doc(exhibition: Exhibition) -> SearchDoc:
    return SearchDoc(
        key=f"exhibition:{exhibition.slug}", kind="exhibition", title=exhibition.title,
        url=Urls.exhibition(exhibition.slug),
        text=_join(*_both(exhibition.title), *_both(exhibition.summary),
                   *map(to_prose, _both(exhibition.body))))


def make_page_doc(page: Page) -> SearchDoc:
    return SearchDoc(key=f"page:{page.slug}", kind="page", title=page.title, url=Urls.page(page.slug),
                     text=_join(*_both(page.title), *_both(page.body)))


def make_search_documents(collection: Collection, words: Words) -> list[SearchDoc]:
    """Every document of the public collection, in a stable order; `words` is its word table."""
    docs = [d for obj in collection.objects for d in make_object_docs(obj, collection, words)]
    docs += [make_person_doc(p) for p in collection.people]
    docs += [make_exhibition_doc(e) for e in collection.exhibitions]
    docs += [make_page_doc(p) for p in collection.pages]
    return docs


def make_exact_pattern(query: str) -> re.Pattern | None:
    """The words typed with diacritics, as whole lower-case words: they only re-rank."""
    exact = sorted({to_exact(tok) for tok, _, _ in make_tokens(query) if to_exact(tok) != to_term(tok)})
    return re.compile(r"(?<![^\W_])(?:" + "|".join(map(re.escape, exact)) + r")(?![^\W_])") if exact else None


def count_exact(pattern: re.Pattern, *texts: str) -> int:
    """How many of the words typed with diacritics (`pattern`) `texts` hold exactly as typed."""
    return len(set(pattern.findall(unicodedata.normalize("NFC", "\n".join(texts)).lower())))


def make_snippet(text: str, wanted: set[str]) -> str:
    """The original text around the first matching syllable, every matching syllable in <mark>."""
    marks = [(s, e) for tok, s, e in make_tokens(text) if to_term(tok) in wanted]
    if not marks:
        return html.escape(text[:SNIPPET_CHARS] + ("…" if len(text) > SNIPPET_CHARS else ""), quote=False)
    start = max(0, marks[0][0] - 60)
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    end = min(len(text), start + SNIPPET_CHARS)
    out, at = ["…" if start else ""], start
    for s, e in marks:
        if s >= start and e <= end:
            out += [html.escape(text[at:s], quote=False), "<mark>", html.escape(text[s:e], quote=False), "</mark>"]
            at = e
    out += [html.escape(text[at:end], quote=False), "…" if end < len(text) else ""]
    return "".join(out)
