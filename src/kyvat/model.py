"""The collection model: frozen dataclasses that every stage reads.

No I/O here. `records` builds these from the files on disk; `privacy.to_public` makes the copy that
publishing stages (iiif, search, site) are allowed to see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Mapping

LANGUAGES = ("vi", "en")

OBJECT_TYPES = (
    "letter", "diary", "photograph", "certificate", "document", "uniform", "medal",
    "personal_item", "weapon_part", "audio", "video", "other",
)
# Object types shown as a book (IIIF behavior "paged").
PAGED_TYPES = ("letter", "diary", "document", "certificate")
ACQUISITION_METHODS = ("gift", "loan", "copy")
PERSON_KINDS = ("martyr", "veteran", "relative", "donor", "witness")
PERSON_ROLES = ("owner", "author", "recipient", "depicted", "subject", "speaker")
CONDITION_GRADES = ("good", "fair", "poor", "fragile")
VISIBILITIES = ("public", "restricted")
GENDERS = ("male", "female")
TRANSCRIPTIONS = ("manual", "ocr")  # how an object's transcripts/ were made

# A PDF is an image master of many pages (each published as a scan); HEIC/HEIF is a phone's photo.
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".heic", ".heif", ".pdf")
PAGED_EXTENSIONS = (".pdf",)
AUDIO_EXTENSIONS = (".mp3", ".m4a")
VIDEO_EXTENSIONS = (".mp4", ".webm")


@dataclass(frozen=True)
class Text:
    """A value in Vietnamese and English; a bare string in a record is Vietnamese."""

    vi: str = ""
    en: str = ""

    def get(self, lang: str) -> str:
        """The text in `lang`, falling back to the other language rather than showing nothing."""
        return (self.en or self.vi) if lang == "en" else (self.vi or self.en)

    def __bool__(self) -> bool:
        return bool(self.vi or self.en)

    def as_dict(self) -> dict[str, str]:
        return {lang: getattr(self, lang) for lang in LANGUAGES if getattr(self, lang)}


@dataclass(frozen=True)
class Date:
    """A date as written on the source plus its machine form in EDTF (e.g. `1968~`, `1972-03/1972-05`)."""

    text: str
    edtf: str = ""
    lower: dt.date | None = None  # earliest day the EDTF admits
    upper: dt.date | None = None  # latest day the EDTF admits

    @property
    def year(self) -> int | None:
        return self.lower.year if self.lower else None

    @property
    def decade(self) -> int | None:
        return (self.lower.year // 10) * 10 if self.lower else None


@dataclass(frozen=True)
class Place:
    """A place as written (old administrative names kept) plus an optional current unit."""

    text: str
    current: str = ""


@dataclass(frozen=True)
class PersonLink:
    person: str  # a person id (the file stem under people/)
    role: str


@dataclass(frozen=True)
class Dimensions:
    height: float | None = None  # cm
    width: float | None = None  # cm
    depth: float | None = None  # cm
    weight: float | None = None  # g

    def __bool__(self) -> bool:
        return any(v is not None for v in (self.height, self.width, self.depth, self.weight))


@dataclass(frozen=True)
class LoanExtension:
    """One extension of a loan (`kyvat loans extend`): the day it was agreed and the due days."""

    date: dt.date | None = None
    previous: dt.date | None = None  # the loan_until it replaced
    until: dt.date | None = None


@dataclass(frozen=True)
class Acquisition:
    method: str  # gift | loan | copy
    date: Date | None = None
    donor: str | None = None  # a person id
    receipt_no: str = ""  # private
    loan_until: dt.date | None = None  # loans only; private
    original_held_by: Text = Text()  # copies only: who keeps the original
    terms: Text = Text()  # private
    returned: dt.date | None = None  # loans only: the day the object went back to the lender (public)
    extensions: tuple[LoanExtension, ...] = ()  # loans only, oldest first; private

    @property
    def on_loan(self) -> bool:
        """A loan the house still holds: one that can fall due."""
        return self.method == "loan" and self.returned is None


@dataclass(frozen=True)
class ConditionCheck:
    grade: str
    note: Text = Text()
    checked: dt.date | None = None


@dataclass(frozen=True)
class Condition:
    grade: str
    note: Text = Text()
    checked: dt.date | None = None
    history: tuple[ConditionCheck, ...] = ()


@dataclass(frozen=True)
class Withdrawal:
    """An object taken off the public site (given back, or found not to belong); its record stays."""

    date: dt.date | None = None
    reason: Text = Text()  # private


@dataclass(frozen=True)
class Rights:
    uri: str
    attribution: Text = Text()
    publish_consent: bool = True


@dataclass(frozen=True)
class Scan:
    """One master file of an object, in display order."""

    file: str  # file name inside objects/{id}/scans/
    label: Text = Text()
    sha256: str = ""  # recorded at ingest; fixity is checked against it
    transcript: str = ""  # page transcription, read from transcripts/{stem}.txt
    transcript_source: str = ""  # "manual" | "ocr" | "" (no transcript)
    line: int | None = None  # where the scan is named in record.yaml, for messages
    page: int = 0  # the page of a PDF master (1-based) this scan shows; 0: the file is one picture

    @property
    def kind(self) -> str:
        ext = "." + self.file.rsplit(".", 1)[-1].lower() if "." in self.file else ""
        if ext in AUDIO_EXTENSIONS:
            return "audio"
        if ext in VIDEO_EXTENSIONS:
            return "video"
        return "image"

    @property
    def key(self) -> tuple[str, int]:
        """What tells one scan from another: its file, and its page when the file has many."""
        return self.file, self.page

    @property
    def name(self) -> str:
        """The scan as a curator finds it in scans/: `001.jpg`, or `001.pdf p. 2`."""
        return f"{self.file} p. {self.page}" if self.page else self.file


def has_pages(file: str) -> bool:
    """Whether a master is a document of pages, each of them a scan (a PDF)."""
    return file.lower().endswith(PAGED_EXTENSIONS)


@dataclass(frozen=True)
class Source:
    """Where a record came from, so a message can name the file and the line of a field."""

    path: str  # relative to the collection root, with forward slashes
    lines: Mapping[str, int] = field(default_factory=dict)  # dotted field path -> 1-based line

    def line(self, field_path: str = "") -> int | None:
        while field_path:
            if field_path in self.lines:
                return self.lines[field_path]
            field_path = field_path.rpartition(".")[0]
        return self.lines.get("")


@dataclass(frozen=True)
class Artifact:
    id: str
    title: Text
    object_type: str
    source: Source
    description: Text = Text()
    history: Text = Text()
    count: int = 1
    materials: Text = Text()
    dimensions: Dimensions = Dimensions()
    date: Date | None = None
    places: tuple[Place, ...] = ()
    people: tuple[PersonLink, ...] = ()
    acquisition: Acquisition | None = None
    condition: Condition | None = None
    rights: Rights | None = None
    visibility: str = "public"
    scans: tuple[Scan, ...] = ()
    keywords: tuple[str, ...] = ()
    location: Mapping[str, Any] = field(default_factory=dict)  # private
    private: Mapping[str, Any] = field(default_factory=dict)  # private_notes, valuation, private_fields
    withdrawn: Withdrawal | None = None
    draft: bool = False  # saved with its problems as warnings, and published nowhere until it is removed

    @property
    def is_public(self) -> bool:
        """Shown on the site: public, not withdrawn, not a draft."""
        return self.visibility == "public" and self.withdrawn is None and not self.draft

    @property
    def is_gone(self) -> bool:
        """Was published and has been withdrawn: its old address shows a "gone" notice (a draft's
        shows nothing: a draft is not published, not even as gone)."""
        return self.visibility == "public" and self.withdrawn is not None and not self.draft

    @property
    def paged(self) -> bool:
        return self.object_type in PAGED_TYPES and len(self.scans) > 1


@dataclass(frozen=True)
class Death:
    date: Date | None = None
    place: Place | None = None
    circumstance: Text = Text()


@dataclass(frozen=True)
class Burial:
    cemetery: str = ""
    plot: str = ""
    row: str = ""
    grave: str = ""

    def __bool__(self) -> bool:
        return bool(self.cemetery or self.plot or self.row or self.grave)


@dataclass(frozen=True)
class Relationship:
    person: str  # a person id
    relation: Text


@dataclass(frozen=True)
class Person:
    id: str  # the slug, which is the file stem
    kind: str
    name: str
    source: Source
    aliases: tuple[str, ...] = ()
    gender: str = ""
    birth: Date | None = None
    hometown: Place | None = None
    enlistment: Date | None = None
    rank: Text = Text()
    position: Text = Text()
    unit: Text = Text()
    conflict: Text = Text()
    death: Death | None = None
    burial: Burial = Burial()
    relationships: tuple[Relationship, ...] = ()
    biography: Text = Text()
    sources: tuple[str, ...] = ()
    publish_name: bool = False
    contact: Mapping[str, Any] = field(default_factory=dict)  # private
    private: Mapping[str, Any] = field(default_factory=dict)  # private_notes, private_fields
    draft: bool = False  # saved with its problems as warnings, and named publicly nowhere until it is removed


@dataclass(frozen=True)
class Exhibition:
    slug: str
    title: Text
    source: Source
    summary: Text = Text()
    objects: tuple[str, ...] = ()  # object ids in display order
    order: int = 0
    featured: bool = False
    body: Text = Text()  # Markdown; `{{object ID}}` alone on a line embeds an object


@dataclass(frozen=True)
class Page:
    slug: str
    title: Text
    source: Source
    body: Text = Text()  # Markdown
    order: int = 0


@dataclass(frozen=True)
class Provider:
    name: Text
    homepage: str = ""
    logo: str = ""  # path inside the collection (e.g. assets/logo.png) or an absolute URL


@dataclass(frozen=True)
class Config:
    """The house, from kyvat.yaml."""

    name: Text
    base_url: str
    source: Source
    short_name: Text = Text()
    description: Text = Text()
    languages: tuple[str, ...] = LANGUAGES
    accession_pattern: str = "AB-{year}-{seq:04d}"
    rights: str = "http://rightsstatements.org/vocab/InC-EDU/1.0/"
    attribution: Text = Text()
    provider: Provider | None = None
    contact: Mapping[str, str] = field(default_factory=dict)  # the house's public contact
    private_fields: tuple[str, ...] = ()
    sample: bool = False  # marks bundled sample data with fictional people
    max_image_pixels: int = 200_000_000  # decompression-bomb limit for scans
    tile_size: int = 512
    jpeg_quality: int = 85


@dataclass(frozen=True)
class Redirect:
    """A published page that moved (redirects.yaml): the person `old` is now `new` (renamed, or
    merged into `new`), and the old address leads to the new one."""

    old: str
    new: str
    line: int | None = None  # in redirects.yaml, for messages


@dataclass(frozen=True)
class Collection:
    config: Config
    root: str  # the collection folder, as given; stages that read masters join onto it
    objects: tuple[Artifact, ...] = ()  # sorted by id
    people: tuple[Person, ...] = ()  # sorted by id
    exhibitions: tuple[Exhibition, ...] = ()  # sorted by (order, slug)
    pages: tuple[Page, ...] = ()  # sorted by (order, slug)
    unreadable: tuple[str, ...] = ()  # ids of objects and people whose file could not be read (reported)
    # ids of withdrawn objects that were public (Artifact.is_gone): all the public copy keeps of them
    gone: tuple[str, ...] = ()
    redirects: tuple[Redirect, ...] = ()  # people's old ids, in redirects.yaml's order

    # Every stage asks these for every record, so each answer comes from an index made on the first
    # question. The indexes live in the instance's own __dict__ (cached_property): `replace` makes a
    # new Collection that indexes its own records, so no copy ever answers from another's.

    def object(self, object_id: str) -> Artifact | None:
        return self._objects_by_id.get(object_id)

    def person(self, person_id: str) -> Person | None:
        return self._people_by_id.get(person_id)

    def objects_of(self, person_id: str) -> tuple[Artifact, ...]:
        """Objects that name this person in `people` or as donor, in collection order."""
        return self._objects_by_person.get(person_id, ())

    def exhibitions_of(self, object_id: str) -> tuple[Exhibition, ...]:
        """Exhibitions that list this object, in collection order."""
        return self._exhibitions_by_object.get(object_id, ())

    @cached_property
    def _objects_by_id(self) -> dict[str, Artifact]:
        # A duplicated id (which validate reports) answers with its first record, as a scan would.
        return _first_by_id(self.objects)

    @cached_property
    def _people_by_id(self) -> dict[str, Person]:
        return _first_by_id(self.people)

    @cached_property
    def _objects_by_person(self) -> dict[str, tuple[Artifact, ...]]:
        found: dict[str, list[Artifact]] = {}
        for obj in self.objects:
            ids = [link.person for link in obj.people]
            if obj.acquisition is not None and obj.acquisition.donor:
                ids.append(obj.acquisition.donor)
            for person_id in dict.fromkeys(ids):
                found.setdefault(person_id, []).append(obj)
        return {person_id: tuple(objects) for person_id, objects in found.items()}

    @cached_property
    def _exhibitions_by_object(self) -> dict[str, tuple[Exhibition, ...]]:
        found: dict[str, list[Exhibition]] = {}
        for exhibition in self.exhibitions:
            for object_id in dict.fromkeys(exhibition.objects):
                found.setdefault(object_id, []).append(exhibition)
        return {object_id: tuple(exhibitions) for object_id, exhibitions in found.items()}


def _first_by_id(records: tuple[Any, ...]) -> dict[str, Any]:
    index: dict[str, Any] = {}
    for record in records:
        index.setdefault(record.id, record)
    return index
