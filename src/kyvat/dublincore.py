"""What an archive reads of a collection without kyvat: a Dublin Core record per object (the OAI-PMH
`oai_dc` form every archive's software ingests) and flat table rows. Pure: values in, bytes and rows out.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from .model import Artifact, Collection, Date, Person
from .urls import Urls

OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SCHEMA_LOCATION = f"{OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
# The EDTF dates that are ISO 8601 already: a year, a month or a day, or an interval of them.
_ISO_DAY = r"\d{4}(?:-\d{2}(?:-\d{2})?)?"
ISO_DATE = re.compile(rf"{_ISO_DAY}(?:/{_ISO_DAY})?")
# dc:creator: the people who made the object; everyone else it names is a dc:relation.
CREATOR_ROLES = ("author",)

ET.register_namespace("oai_dc", OAI_DC)
ET.register_namespace("dc", DC)
ET.register_namespace("xsi", XSI)


def to_iso_date(date: Date | None) -> str:
    """The date in ISO 8601: the EDTF itself when it is ISO already (1972-04-05, 1972-03/1972-05);
    otherwise (1970~, 197X, an open end) the days the EDTF admits, as an interval, so an archive
    reads no more precision than the record has. '' when the record gives no machine date."""
    if date is None or not date.edtf:
        return ""
    if ISO_DATE.fullmatch(date.edtf):
        return date.edtf
    if date.lower and date.upper:
        return date.lower.isoformat() if date.lower == date.upper else f"{date.lower}/{date.upper}"
    return (date.lower or date.upper).isoformat() if (date.lower or date.upper) else ""


def _people(obj: Artifact, collection: Collection, creators: bool) -> list[Person]:
    ids = dict.fromkeys(link.person for link in obj.people if (link.role in CREATOR_ROLES) == creators)
    return [p for p in (collection.person(i) for i in ids) if p is not None]


def make_dublin_core(obj: Artifact, collection: Collection) -> bytes:
    """The object's `oai_dc:dc` record, UTF-8 XML. dc:identifier is its accession number and its
    public page's address; dc:relation names each person it concerns with their page's address."""
    urls = Urls.of(collection.config)
    root = ET.Element(f"{{{OAI_DC}}}dc", {f"{{{XSI}}}schemaLocation": SCHEMA_LOCATION})

    def add(name: str, text: str, lang: str = "") -> None:
        if text:
            ET.SubElement(root, f"{{{DC}}}{name}", {XML_LANG: lang} if lang else {}).text = text

    for lang, text in obj.title.as_dict().items():
        add("title", text, lang)
    for person in _people(obj, collection, creators=True):
        add("creator", person.name)
    add("date", to_iso_date(obj.date))
    add("type", obj.object_type)
    for keyword in obj.keywords:
        add("subject", keyword)
    for lang, text in obj.description.as_dict().items():
        add("description", text, lang)
    for place in obj.places:
        add("coverage", place.text)
    rights = obj.rights.uri if obj.rights else collection.config.rights
    add("rights", rights)
    add("publisher", collection.config.name.vi)
    add("identifier", obj.id)
    if urls.base_url:
        add("identifier", urls.canonical(Urls.object(obj.id), "vi"))
    for person in _people(obj, collection, creators=False):
        add("relation", f"{person.name} {urls.canonical(Urls.person(person.id), 'vi')}"
            if urls.base_url else person.name)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


OBJECT_COLUMNS = ("id", "title_vi", "title_en", "object_type", "date_text", "date_iso", "people", "keywords",
                  "description_vi", "description_en", "count", "rights", "visibility", "scans", "url")


def make_object_rows(collection: Collection) -> list[dict[str, str]]:
    """One row per object, the columns OBJECT_COLUMNS: what a spreadsheet of the collection shows."""
    urls = Urls.of(collection.config)
    rows = []
    for obj in collection.objects:
        people = [f"{p.name} ({link.role})" for link in obj.people if (p := collection.person(link.person))]
        rows.append({
            "id": obj.id, "title_vi": obj.title.vi, "title_en": obj.title.en, "object_type": obj.object_type,
            "date_text": obj.date.text if obj.date else "", "date_iso": to_iso_date(obj.date),
            "people": "; ".join(people), "keywords": "; ".join(obj.keywords),
            "description_vi": obj.description.vi, "description_en": obj.description.en, "count": str(obj.count),
            "rights": obj.rights.uri if obj.rights else collection.config.rights, "visibility": obj.visibility,
            "scans": "; ".join(dict.fromkeys(s.file for s in obj.scans)),
            "url": urls.canonical(Urls.object(obj.id), "vi") if urls.base_url else "",
        })
    return rows
