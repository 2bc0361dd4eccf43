"""IIIF Presentation 3 for the public collection: one manifest per object, collections of every object,
of each exhibition and of each person, and a machine-readable record of each object's public fields.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from . import derivatives, i18n, pagekeys
from .derivatives import Derivatives, ImageService, make_scan_pairs
from .i18n import Words, read_words
from .model import ACQUISITION_METHODS, LANGUAGES, OBJECT_TYPES, PERSON_ROLES, Artifact, Collection, Date, Scan, Text
from .urls import Urls, make_href
from .stages import BuildContext, Stage, StageReport



class _Prezi:
    """iiif-prezi3, imported when the first document is made: it and pydantic take a third of a
    second to import, which a build with nothing to make (and every other command) need not pay."""

    def __getattr__(self, name: str):
        import iiif_prezi3

        # A bare string is Vietnamese everywhere in kyvat; set once here so prezi3 never writes "none".
        # Every id below is passed explicitly, so prezi3's automatic ids (example.org) are never made.
        iiif_prezi3.config.configs["helpers.auto_fields.AutoLang"].auto_lang = "vi"
        globals()["prezi"] = iiif_prezi3
        return getattr(iiif_prezi3, name)


prezi = _Prezi()

THUMBNAIL_WIDTH = 200
FORMATS = {"mp3": "audio/mpeg", "m4a": "audio/mp4", "mp4": "video/mp4", "webm": "video/webm", "png": "image/png",
           "svg": "image/svg+xml", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}


def _lang(text: Text | str) -> dict[str, list[str]]:
    """A language map with both languages, each falling back to the other; a bare str is a name or
    number, the same in both."""
    if isinstance(text, str):
        text = Text(text, text)
    return {"vi": [text.get("vi")], "en": [text.get("en")]}


def _pair(label: Text, value: Text | str) -> prezi.KeyValueString:
    return prezi.KeyValueString(label=_lang(label), value=_lang(value))


def _urls(collection: Collection) -> Urls:
    return Urls.of(collection.config)


def _format(path: str) -> str:
    return FORMATS.get(path.rsplit(".", 1)[-1].lower(), "application/octet-stream")


def _image(collection: Collection, service: ImageService, min_width: int) -> prezi.AnnotationBody:
    """The smallest pre-made size of a scan at least `min_width` wide (level 0 serves no other
    size), with its image service."""
    width, height = service.size(min_width)
    urls = _urls(collection)
    return prezi.AnnotationBody(
        id=urls.absolute(service.size_path(min_width)), type="Image", format="image/jpeg",
        width=width, height=height,
        service=[prezi.ServiceV3(id=urls.absolute(service.service_path), type="ImageService3", profile="level0")])


def _thumbnail(collection: Collection, services: list[ImageService]) -> list[prezi.AnnotationBody] | None:
    images = [s for s in services if s.kind == "image"]
    return [_image(collection, images[0], THUMBNAIL_WIDTH)] if images else None


def _homepages(collection: Collection, words: Words, key: str, what: str) -> list[prezi.Homepage]:
    """The site page `key` in each of the site's languages."""
    urls, name = _urls(collection), words(what)
    return [prezi.Homepage(id=make_href(urls.canonical(key, lang)), type="Text", format="text/html",
                           language=[lang], label=_lang(Text(words(f"iiif.{lang}_page", what=name.vi).vi,
                                                             words(f"iiif.{lang}_page", what=name.en).en)))
            for lang in urls.languages]


def _provider(collection: Collection) -> list[prezi.Provider]:
    config, urls = collection.config, _urls(collection)
    provider = config.provider
    name = provider.name if provider and provider.name else config.name
    homepage = make_href((provider.homepage if provider else "") or urls.absolute(urls.home()))
    logo = None
    if provider and provider.logo:
        url = make_href(provider.logo if "://" in provider.logo else urls.absolute(provider.logo.lstrip("/")))
        logo = [prezi.AnnotationBody(id=url, type="Image", format=_format(url))]
    return [prezi.Provider(id=homepage, label=_lang(name), logo=logo,
                           homepage=[prezi.Homepage(id=homepage, type="Text", format="text/html", label=_lang(name))])]


def _rights(collection: Collection, obj: Artifact | None = None) -> str:
    """The rights URI in the http form IIIF requires for rightsstatements.org and Creative Commons."""
    uri = obj.rights.uri if obj is not None and obj.rights else collection.config.rights
    return make_href(uri.replace("https://", "http://", 1))


def _attribution(collection: Collection, obj: Artifact | None = None) -> Text:
    config = collection.config
    text = (obj.rights.attribution if obj is not None and obj.rights else Text()) or config.attribution
    return text or (config.provider.name if config.provider else config.name)


def _in_both(to_text, value, words: Words) -> Text:
    """`value` written by the i18n writer `to_text` for a reader of each language."""
    return Text(*(to_text(value, lang, words) for lang in LANGUAGES))


def _metadata(collection: Collection, obj: Artifact, words: Words) -> list[prezi.KeyValueString]:
    pairs = [_pair(words("object.id"), obj.id), _pair(words("object.type"), words(f"type.{obj.object_type}"))]
    if obj.date:
        pairs.append(_pair(words("object.date"), _in_both(i18n.to_date_text, obj.date, words)))
    if obj.count > 1:
        pairs.append(_pair(words("object.count"), str(obj.count)))
    if obj.materials:
        pairs.append(_pair(words("object.materials"), obj.materials))
    if obj.dimensions:
        pairs.append(_pair(words("object.dimensions"), _in_both(i18n.to_dimensions_text, obj.dimensions, words)))
    people = [(collection.person(link.person), words(f"role.{link.role}")) for link in obj.people]
    if any(person for person, _ in people):
        pairs.append(prezi.KeyValueString(label=_lang(words("object.people")), value={
            lang: [f"{person.name} ({role.get(lang).lower()})" for person, role in people if person]
            for lang in LANGUAGES}))
    if obj.places:
        pairs.append(prezi.KeyValueString(label=_lang(words("object.places")), value={
            lang: [i18n.to_place_text(p, lang, words) for p in obj.places] for lang in LANGUAGES}))
    if obj.history:
        pairs.append(_pair(words("object.story"), obj.history))
    if obj.keywords:
        pairs.append(_pair(words("object.keywords"), ", ".join(obj.keywords)))
    acq = obj.acquisition
    if acq is not None:
        pairs.append(_pair(words("object.acquisition"), words(f"method.{acq.method}")))
        if acq.date:
            pairs.append(_pair(words("iiif.date_received"), _in_both(i18n.to_date_text, acq.date, words)))
        if acq.returned:
            pairs.append(_pair(words("iiif.date_returned"), _in_both(i18n.to_date_text, acq.returned, words)))
        donor = collection.person(acq.donor) if acq.donor else None  # to_public keeps only consented donors
        if donor is not None:
            pairs.append(_pair(words("object.donor"), donor.name))
        if acq.original_held_by:
            pairs.append(_pair(words("object.original_held_by"), acq.original_held_by))
    return pairs


def _annotations(urls: Urls, service: ImageService, motivation: str, body, label: Text | None = None
                 ) -> prezi.AnnotationPage:
    """The canvas's one annotation of `motivation`: "painting" (the scan) or "supplementing" (its transcript)."""
    oid, n = service.object_id, service.n
    return prezi.AnnotationPage(
        id=urls.absolute(urls.annotation_page(oid, n, motivation)), label=_lang(label) if label else None,
        items=[prezi.Annotation(id=urls.absolute(urls.annotation(oid, n, motivation)), motivation=motivation,
                                target=urls.absolute(urls.canvas(oid, n)), body=body)])


def _transcript_page(urls: Urls, service: ImageService, scan: Scan, words: Words) -> prezi.AnnotationPage:
    label = words("object.transcript_ocr" if scan.transcript_source == "ocr" else "object.transcript")
    body = prezi.TextualBody(value=scan.transcript, format="text/plain", language="vi")
    return _annotations(urls, service, "supplementing", body, label)


def _canvas(collection: Collection, obj: Artifact, scan: Scan, service: ImageService, words: Words) -> prezi.Canvas:
    urls = _urls(collection)
    canvas_id = urls.absolute(urls.canvas(obj.id, service.n))
    label = scan.label  # records.py labels every scan (i18n.make_scan_label)
    if service.kind == "image":
        body = _image(collection, service, service.width)
        size = {"width": service.width, "height": service.height}
    else:
        kind = "Sound" if service.kind == "audio" else "Video"
        body = prezi.AnnotationBody(id=urls.absolute(service.media_path), type=kind,
                                    format=_format(service.media_path), duration=service.duration)
        size = {"duration": service.duration}
        if service.kind == "video" and service.width and service.height:
            size.update(width=service.width, height=service.height)
            body.width, body.height = service.width, service.height
    painting = _annotations(urls, service, "painting", body)
    transcripts = [_transcript_page(urls, service, scan, words)] if scan.transcript else None
    return prezi.Canvas(id=canvas_id, label=_lang(label), items=[painting], annotations=transcripts,
                        thumbnail=_thumbnail(collection, [service]), **size)


def _memberships(collection: Collection, obj: Artifact, words: Words) -> list[prezi.Class]:
    """The collections a manifest is part of: everything, its exhibitions, its people."""
    urls = _urls(collection)
    refs = [prezi.Class(id=urls.absolute(urls.collection()), type="Collection",
                        label=_lang(_everything(collection, words)))]
    refs += [prezi.Class(id=urls.absolute(urls.exhibition_collection(e.slug)), type="Collection", label=_lang(e.title))
             for e in collection.exhibitions_of(obj.id)]
    linked = {link.person for link in obj.people} | {obj.acquisition.donor if obj.acquisition else None}
    # sorted by id: the order of collection.people, so manifests list people as they always have
    refs += [prezi.Class(id=urls.absolute(urls.person_collection(p.id)), type="Collection", label=_lang(p.name))
             for p in map(collection.person, sorted(i for i in linked if i)) if p is not None]
    return refs


def _nav_date(obj: Artifact) -> str | None:
    if obj.date is None or obj.date.lower is None:
        return None
    return dt.datetime.combine(obj.date.lower, dt.time(), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _dump(resource) -> dict:
    return json.loads(resource.json())


def make_manifest(collection: Collection, obj: Artifact, services: list[ImageService], words: Words) -> dict:
    """The manifest of one public object, given its published image services."""
    urls = _urls(collection)
    services = sorted(services, key=lambda s: s.n)
    canvases = [_canvas(collection, obj, scan, s, words) for scan, s in make_scan_pairs(obj, services)]
    manifest = prezi.Manifest(
        id=urls.absolute(urls.manifest(obj.id)), label=_lang(obj.title),
        summary=_lang(obj.description) if obj.description else None, metadata=_metadata(collection, obj, words),
        requiredStatement=_pair(words("iiif.attribution"), _attribution(collection, obj)),
        rights=_rights(collection, obj), provider=_provider(collection),
        homepage=_homepages(collection, words, urls.object(obj.id), "iiif.object_page"),
        thumbnail=_thumbnail(collection, services), navDate=_nav_date(obj),
        behavior=["paged"] if obj.paged and len(canvases) > 1 else None,
        seeAlso=[prezi.LinkedResource(id=make_href(urls.absolute(urls.record(obj.id))), type="Dataset",
                                      format="application/json", profile=urls.absolute(urls.record_schema()),
                                      label=_lang(words("iiif.record")))],
        partOf=_memberships(collection, obj, words), items=canvases)
    return _dump(manifest)


def _everything(collection: Collection, words: Words) -> Text:
    name = collection.config.name
    return Text(words("iiif.everything", name=name.get("vi")).vi, words("iiif.everything", name=name.get("en")).en)


def make_collection(collection: Collection, images: Derivatives, words: Words, *, path: str, label: Text,
                    objects: list[Artifact], summary: Text, page: str, page_name: str) -> dict:
    """A IIIF Collection at site-relative `path` listing the manifests of `objects` in order; `page`
    is its site page (site-relative), `page_name` the i18n.yaml key naming that page."""
    urls = _urls(collection)
    resource = prezi.Collection(
        id=urls.absolute(path), label=_lang(label), summary=_lang(summary) if summary else None,
        requiredStatement=_pair(words("iiif.attribution"), _attribution(collection)), rights=_rights(collection),
        provider=_provider(collection), homepage=_homepages(collection, words, page, page_name),
        items=[prezi.ManifestRef(id=urls.absolute(urls.manifest(o.id)), type="Manifest", label=_lang(o.title),
                                 thumbnail=_thumbnail(collection, images.of(o.id))) for o in objects])
    return _dump(resource)


def _date(date: Date | None) -> dict | None:
    return {"text": date.text, "edtf": date.edtf} if date else None


def make_record(collection: Collection, obj: Artifact, services: list[ImageService], manifest: bool = True) -> dict:
    """The object's public fields as plain JSON (the manifest's seeAlso), shaped by make_record_schema;
    `manifest` is null for an object that has none (nothing to show)."""
    urls, d, acq = _urls(collection), obj.dimensions, obj.acquisition
    donor = collection.person(acq.donor) if acq is not None and acq.donor else None
    return {
        "id": obj.id, "profile": urls.absolute(urls.record_schema()),
        "manifest": urls.absolute(urls.manifest(obj.id)) if manifest else None,
        "homepage": {lang: make_href(urls.canonical(urls.object(obj.id), lang)) for lang in urls.languages},
        "title": obj.title.as_dict(), "object_type": obj.object_type, "description": obj.description.as_dict(),
        "history": obj.history.as_dict(), "count": obj.count, "materials": obj.materials.as_dict(),
        "dimensions": {k: v for k, v in (("height", d.height), ("width", d.width), ("depth", d.depth),
                                         ("weight", d.weight)) if v is not None},
        "date": _date(obj.date), "places": [{"text": p.text, "current": p.current} for p in obj.places],
        "people": [{"id": p.id, "name": p.name, "role": link.role}
                   for link in obj.people if (p := collection.person(link.person))],
        "keywords": list(obj.keywords),
        "acquisition": None if acq is None else {
            "method": acq.method, "date": _date(acq.date), "original_held_by": acq.original_held_by.as_dict(),
            "donor": {"id": donor.id, "name": donor.name} if donor else None},
        "rights": {"uri": _rights(collection, obj), "attribution": _attribution(collection, obj).as_dict()},
        "scans": [{"n": service.n, "kind": s.kind, "label": s.label.as_dict(), "transcript": s.transcript,
                   "transcript_source": s.transcript_source, "canvas": urls.absolute(urls.canvas(obj.id, service.n))}
                  for s, service in make_scan_pairs(obj, services)],
    }


def make_record_schema(collection: Collection) -> dict:
    """The JSON Schema every record.json names as its profile, so an archive can check what it harvests; it admits
    no field beyond the public ones."""
    string = {"type": "string"}
    lang = {"type": "object", "properties": {"vi": string, "en": string}, "additionalProperties": False}
    date = {"type": ["object", "null"], "required": ["text", "edtf"], "additionalProperties": False,
            "properties": {"text": string, "edtf": string}}

    def obj(properties: dict, required: tuple | None = None, nullable: bool = False) -> dict:
        return {"type": ["object", "null"] if nullable else "object", "properties": properties,
                "required": list(properties if required is None else required), "additionalProperties": False}

    return {
        "$schema": "http://json-schema.org/draft-07/schema#", "$id": _urls(collection).absolute(Urls.record_schema()),
        "title": "kyvat public object record",
        "description": "The public fields of one catalogue object; private values never appear here.",
        **obj({
            "id": string, "profile": string, "manifest": {"type": ["string", "null"]}, "homepage": lang, "title": lang,
            "object_type": {"enum": list(OBJECT_TYPES)}, "description": lang, "history": lang,
            "count": {"type": "integer", "minimum": 1}, "materials": lang,
            "dimensions": obj({k: {"type": "number"} for k in ("height", "width", "depth", "weight")}, ()),
            "date": date, "places": {"type": "array", "items": obj({"text": string, "current": string})},
            "people": {"type": "array", "items": obj({"id": string, "name": string,
                                                      "role": {"enum": list(PERSON_ROLES)}})},
            "keywords": {"type": "array", "items": string},
            "acquisition": obj({"method": {"enum": list(ACQUISITION_METHODS)}, "date": date, "original_held_by": lang,
                                "donor": obj({"id": string, "name": string}, nullable=True)}, nullable=True),
            "rights": obj({"uri": string, "attribution": lang}),
            "scans": {"type": "array", "items": obj({
                "n": {"type": "integer", "minimum": 1}, "kind": {"enum": ["image", "audio", "video"]}, "label": lang,
                "transcript": string, "transcript_source": {"enum": ["", "manual", "ocr"]}, "canvas": string})},
        }),
    }


def make_documents(collection: Collection, images: Derivatives, words: Words,
                   kept: set[str] | frozenset[str] = frozenset(),
                   kept_people: set[str] | frozenset[str] = frozenset()) -> dict[str, dict]:
    """Every IIIF document of the public collection, keyed by its path inside the site's iiif/ folder,
    but the manifests and records of the objects `kept` and the collections of the people
    `kept_people` (those of the old site are)."""
    inside = Urls.inside_iiif
    docs: dict[str, dict] = {inside(Urls.record_schema()): make_record_schema(collection)}
    # A Manifest must hold at least one Canvas (Presentation 3.0, `items`): an object with nothing to
    # show (no scans yet, or no consent to publish its images) has its record.json and no manifest.
    shown = {obj.id for obj in collection.objects if images.of(obj.id)}
    for obj in (o for o in collection.objects if o.id not in kept):
        services = images.of(obj.id)
        if obj.id in shown:
            docs[inside(Urls.manifest(obj.id))] = make_manifest(collection, obj, services, words)
        docs[inside(Urls.record(obj.id))] = make_record(collection, obj, services, manifest=obj.id in shown)
    docs[inside(Urls.collection())] = make_collection(
        collection, images, words, path=Urls.collection(), label=_everything(collection, words),
        objects=[o for o in collection.objects if o.id in shown], summary=collection.config.description,
        page=Urls.home(), page_name="iiif.home_page")
    for e in collection.exhibitions:
        docs[inside(Urls.exhibition_collection(e.slug))] = make_collection(
            collection, images, words, path=Urls.exhibition_collection(e.slug), label=e.title,
            objects=[o for o in map(collection.object, e.objects) if o is not None and o.id in shown],
            summary=e.summary, page=Urls.exhibition(e.slug), page_name="iiif.exhibition_page")
    for person in collection.people:
        objects = [o for o in collection.objects_of(person.id) if o.id in shown]
        if objects and person.id not in kept_people:
            kind = words(f"kind.{person.kind}")
            summary = Text(words("iiif.person_objects", kind=kind.vi.lower(), name=person.name).vi,
                           words("iiif.person_objects", kind=kind.en.lower(), name=person.name).en)
            docs[inside(Urls.person_collection(person.id))] = make_collection(
                collection, images, words, path=Urls.person_collection(person.id), label=Text(person.name, person.name),
                objects=objects, summary=summary, page=Urls.person(person.id), page_name="iiif.person_page")
    return docs


def to_json(document: dict) -> bytes:
    """Stable bytes: the key order iiif-prezi3's model fixes, UTF-8 kept readable."""
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# The files kyvat writes in an iiif folder; anything else there (a README, image services) is left alone.
_OWN_FILES = tuple(map(Urls.inside_iiif, (Urls.manifest("*"), Urls.record("*"), Urls.collection(), Urls.record_schema(),
                                           Urls.exhibition_collection("*"), Urls.person_collection("*"))))


def write_documents(documents: dict[str, dict], folder: Path) -> int:
    """Write `documents` under `folder`, rewriting only files whose bytes change, and remove the ones
    no longer made (a stale manifest would go on showing an object made restricted). Returns how
    many files were written."""
    folder = Path(folder)
    stale = {p for pattern in _OWN_FILES for p in folder.glob(pattern) if p.is_file()}
    written = 0
    for rel, document in sorted(documents.items()):
        path = folder / rel
        stale.discard(path)
        data = to_json(document)
        if path.is_file() and path.read_bytes() == data:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written += 1
    for path in sorted(stale):
        path.unlink()
        if path.parent != folder and not any(path.parent.iterdir()):
            path.parent.rmdir()
    return written


def write_iiif(collection: Collection, site_dir: Path, images: Derivatives) -> int:
    """Write the Presentation documents into site_dir/iiif, beside the image services."""
    return write_documents(make_documents(collection, images, read_words(collection.root)), Path(site_dir) / Urls.iiif())


class IIIFStage(Stage):
    """The Presentation documents, beside the image services in the site's iiif/ folder."""

    name = "iiif"
    outputs = tuple(Urls.iiif() + pattern for pattern in _OWN_FILES)

    def run(self, context: BuildContext) -> StageReport:
        images, problems = derivatives.published(context)
        folder = context.path(Urls.iiif())
        old = context.previous / Urls.iiif() if context.previous and not context.mount else None
        keys = {} if context.mount else pagekeys.make_object_keys(
            context.public, images, *pagekeys.read_shared(context.values, context.public, context.root))
        same = pagekeys.find_unchanged(keys, pagekeys.previous_keys(context.values, "documents"),
                                       (o.id for o in context.public.objects)) if old else set()
        kept = {object_id for object_id in same if (old / Urls.inside_iiif(Urls.record(object_id))).is_file()
                and (old / Urls.inside_iiif(Urls.manifest(object_id))).is_file() == bool(images.of(object_id))}
        # a person's collection (by its address) is made of the documents of the objects it lists, in order
        collections = {Urls.person_collection(p.id): p.id for p in context.public.people}
        listed = {address: [o.id for o in context.public.objects_of(pid) if images.of(o.id)]
                  for address, pid in collections.items()}
        keys.update(pagekeys.make_group_keys(keys, listed))
        same = pagekeys.find_unchanged(keys, pagekeys.previous_keys(context.values, "documents"), listed) if old else ()
        people = {collections[address] for address in same if (old / Urls.inside_iiif(address)).is_file()}
        written = write_documents(make_documents(context.public, images, context.words, kept, people), folder)
        for document in [*(d for i in sorted(kept) for d in (Urls.record(i), Urls.manifest(i))),
                         *map(Urls.person_collection, sorted(people))]:  # made of the same: the old site's files
            pagekeys.link_old(old / Urls.inside_iiif(document), folder / Urls.inside_iiif(document))
        pagekeys.note_keys(context.values, "documents", keys)
        return StageReport(self.name, problems=problems, counts={
            "manifests": sum(bool(images.of(obj.id)) for obj in context.public.objects), "iiif_written": written,
            "canvases": sum(len(images.of(obj.id)) for obj in context.public.objects)})


STAGE = IIIFStage()
