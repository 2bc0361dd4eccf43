"""Which pages the site has and what each one shows: pure functions from the public collection
and its image services to page specs that site.py renders with the templates.

Routes are language-independent keys from the URL map (urls.py); Vietnamese pages live at the key,
English ones under en/. Nothing here touches the disk or knows Jinja2.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .derivatives import Derivatives, ImageService
from .errors import N_, KyvatError, make_params
from .model import ACQUISITION_METHODS, OBJECT_TYPES, PERSON_KINDS, Artifact, Collection, Person
from .narratives import make_embeds
from .urls import Urls, make_href
from .vietnamese import fold

NEWEST = 6  # accessions shown on the home page


@dataclass(frozen=True)
class PageSpec:
    """One HTML page to render: its route, language, templates (specific first) and context."""

    key: str
    lang: str
    templates: tuple[str, ...]
    context: dict[str, Any] = field(default_factory=dict)
    in_sitemap: bool = True

    @property
    def path(self) -> str:
        """The file in the site folder: folders get an index.html, so links work from a USB stick."""
        return Urls.file(Urls.in_lang(self.key, self.lang))


@dataclass(frozen=True)
class ScanView:
    """One published scan of an object beside the record of it (label, transcript)."""

    service: ImageService
    label: Any  # model.Text
    transcript: str
    ocr: bool

    @property
    def anchor(self) -> str:
        return Urls.scan_anchor(self.service.n)

    def srcset(self) -> list[tuple[str, int]]:
        """Every pre-made size as (site path, width), for an <img srcset>."""
        return [(path, width) for path, width, _height in self.service.ladder()]


def name_key(name: str) -> tuple[str, str]:
    """Vietnamese names sort by the given name, which comes last (Nguyễn Văn Đức under Đ)."""
    folded = fold(name)
    return (folded.split()[-1] if folded.split() else "", folded)


def death_key(person: Person) -> str:
    """ISO date of death for sorting; the undated sort last."""
    date = person.death.date if person.death else None
    return date.lower.isoformat() if date and date.lower else "9999"


def _acquired_key(obj: Artifact) -> tuple[dt.date, str]:
    acq = obj.acquisition
    return ((acq.date.lower if acq and acq.date and acq.date.lower else dt.date.min), obj.id)


def make_scan_views(obj: Artifact, images: Derivatives) -> tuple[list[ScanView], list[ScanView]]:
    """The object's published images and its audio/video, each beside its scan's label and
    transcript. A scan the derivatives stage could not read has no service and is left out."""
    pictures, media = [], []
    for scan, service in images.scans_of(obj):
        view = ScanView(service, scan.label, scan.transcript.strip(), scan.transcript_source == "ocr")
        (pictures if service.kind == "image" else media).append(view)
    return pictures, media


def make_segments(body: str, collection: Collection) -> tuple[list[tuple[str, Any]], set[str]]:
    """Split an exhibition's Markdown at `{{object ID}}` lines into ("markdown", text) and
    ("object", Artifact) parts. Objects that are not public are dropped without a trace."""
    segments: list[tuple[str, Any]] = []
    embedded: set[str] = set()
    position = 0
    for embed in make_embeds(body):
        if body[position:embed.start].strip():
            segments.append(("markdown", body[position:embed.start]))
        obj = collection.object(embed.object_id)
        if obj is not None:
            segments.append(("object", obj))
            embedded.add(obj.id)
        position = embed.end
    if body[position:].strip():
        segments.append(("markdown", body[position:]))
    return segments, embedded


def make_facets(collection: Collection) -> dict[str, list[tuple[str, int]]]:
    """Filter values present in the collection with their counts, in a stable order."""
    types, decades, methods, people = {}, {}, {}, {}
    for obj in collection.objects:
        types[obj.object_type] = types.get(obj.object_type, 0) + 1
        decade = str(obj.date.decade) if obj.date and obj.date.decade is not None else "undated"
        decades[decade] = decades.get(decade, 0) + 1
        if obj.acquisition:
            methods[obj.acquisition.method] = methods.get(obj.acquisition.method, 0) + 1
        for person_id in object_people_ids(obj):
            people[person_id] = people.get(person_id, 0) + 1
    person_order = sorted(people, key=lambda pid: name_key(collection.person(pid).name))
    return {
        "type": [(t, types[t]) for t in OBJECT_TYPES if t in types],
        "decade": sorted(decades.items(), key=lambda kv: (kv[0] == "undated", kv[0])),
        "method": [(m, methods[m]) for m in ACQUISITION_METHODS if m in methods],
        "person": [(pid, people[pid]) for pid in person_order],
    }


def object_people_ids(obj: Artifact) -> list[str]:
    """Everyone an object belongs to, donor included, each once, in record order."""
    ids = [link.person for link in obj.people]
    if obj.acquisition and obj.acquisition.donor:
        ids.append(obj.acquisition.donor)
    return list(dict.fromkeys(ids))


def make_object_jsonld(obj: Artifact, url: str, image: str, collection: Collection, lang: str) -> dict:
    """schema.org description of one object, for search engines and link previews; every link
    passes urls.make_href."""
    url = make_href(url)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ArchiveComponent",
        "@id": url,
        "url": url,
        "name": obj.title.get(lang),
        "identifier": obj.id,
        "inLanguage": lang,
        "holdingArchive": {"@type": "ArchiveOrganization", "name": collection.config.name.get(lang),
                           "url": make_href(collection.config.base_url)},
    }
    if obj.description:
        data["description"] = obj.description.get(lang)
    if obj.date and obj.date.edtf:
        data["dateCreated"] = obj.date.edtf
    if image:
        data["image"] = make_href(image)
    if obj.rights:
        data["license"] = make_href(obj.rights.uri)
    people = [collection.person(link.person) for link in obj.people]
    if people:
        data["about"] = [{"@type": "Person", "name": p.name} for p in people if p is not None]
    return data


def make_person_jsonld(person: Person, url: str, lang: str) -> dict:
    url = make_href(url)
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "Person", "@id": url, "url": url,
                            "name": person.name}
    if person.aliases:
        data["alternateName"] = list(person.aliases)
    if person.birth and person.birth.edtf:
        data["birthDate"] = person.birth.edtf
    if person.death and person.death.date and person.death.date.edtf:
        data["deathDate"] = person.death.date.edtf
    if person.death and person.death.place:
        data["deathPlace"] = {"@type": "Place", "name": person.death.place.text}
    if person.biography:
        data["description"] = person.biography.get(lang)
    return data


def make_pages(collection: Collection, images: Derivatives) -> list[PageSpec]:
    """Every HTML page of the site, Vietnamese first, then English."""
    urls = Urls.of(collection.config)
    for page in collection.pages:
        if page.slug in urls.reserved():
            raise KyvatError(N_("{path}: the page name '{slug}' is used by the site itself; rename the file"),
                             params=make_params(path=page.source.path, slug=page.slug))
    facets = make_facets(collection)
    martyrs = sorted((p for p in collection.people if p.kind == "martyr"), key=lambda p: name_key(p.name))
    others = {kind: sorted((p for p in collection.people if p.kind == kind), key=lambda p: name_key(p.name))
              for kind in PERSON_KINDS if kind != "martyr"}
    donors = _donors(collection)
    views = {obj.id: make_scan_views(obj, images) for obj in collection.objects}
    thumbs = {oid: (pictures[0] if pictures else None) for oid, (pictures, _) in views.items()}
    newest = sorted(collection.objects, key=_acquired_key, reverse=True)[:NEWEST]
    featured = [e for e in collection.exhibitions if e.featured] or list(collection.exhibitions)
    shared = {"thumbs": thumbs}
    specs: list[PageSpec] = []
    for lang in collection.config.languages:
        def spec(key: str, templates: tuple[str, ...], in_sitemap: bool = True, lang: str = lang, **context) -> None:
            specs.append(PageSpec(key, lang, templates, {**shared, **context}, in_sitemap))

        spec(urls.home(), ("home.html",), newest=newest, featured=featured, martyrs=martyrs)
        spec(urls.objects(), ("objects.html",), facets=facets)
        for obj in collection.objects:
            pictures, media = views[obj.id]
            spec(urls.object(obj.id), (f"object-{obj.id}.html", "object.html"), obj=obj, pictures=pictures,
                 media=media, exhibitions=list(collection.exhibitions_of(obj.id)))
        for object_id in collection.gone:  # a published address never breaks: it says the object is gone
            spec(urls.object(object_id), ("gone.html",), in_sitemap=False, object_id=object_id)
        spec(urls.people(), ("people.html",), martyrs=martyrs, others=others)
        for person in collection.people:
            spec(urls.person(person.id), (f"person-{person.id}.html", "person.html"), person=person,
                 objects=collection.objects_of(person.id))
        spec(urls.exhibitions(), ("exhibitions.html",))
        for exhibition in collection.exhibitions:
            segments, embedded = make_segments(exhibition.body.get(lang), collection)
            spec(urls.exhibition(exhibition.slug), (f"exhibition-{exhibition.slug}.html", "exhibition.html"),
                 exhibition=exhibition, segments=segments,
                 more=[collection.object(i) for i in exhibition.objects if i not in embedded])
        spec(urls.donors(), ("donors.html",), donors=donors)
        for page in collection.pages:
            spec(urls.page(page.slug), (f"page-{page.slug}.html", "page.html"), page=page)
        spec(urls.search(), ("search.html",), in_sitemap=False)
    specs.append(PageSpec(urls.not_found(), collection.config.languages[0], ("404.html",),
                          {**shared, "base_path": urls.root_path},
                          in_sitemap=False))
    return specs


def _donors(collection: Collection) -> list[tuple[Person, list[Artifact]]]:
    """Named donors with what they gave; to_public has already removed every unconsented name."""
    given: dict[str, list[Artifact]] = {}
    for obj in collection.objects:
        if obj.acquisition and obj.acquisition.donor:
            given.setdefault(obj.acquisition.donor, []).append(obj)
    people = [collection.person(pid) for pid in given]
    return [(p, given[p.id]) for p in sorted((p for p in people if p), key=lambda p: name_key(p.name))]

