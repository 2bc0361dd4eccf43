"""IIIF Presentation 3: manifests and collections pass the official schema, say everything in vi and en,
match their image services, never carry a private value, and are the same bytes every time."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from kyvat import iiif
from kyvat.cli import main
from kyvat.derivatives import Derivatives, ImageService
from kyvat.i18n import read_words
from kyvat.model import (
    Acquisition,
    Artifact,
    Collection,
    Config,
    Date,
    Dimensions,
    Exhibition,
    Person,
    PersonLink,
    Place,
    Provider,
    Rights,
    Scan,
    Source,
    Text,
)
from kyvat.privacy import hidden_names, to_public
from kyvat.validate import load_collection

REPO = Path(__file__).resolve().parents[1]
FIXTURE_COLLECTION = REPO / "tests" / "fixtures" / "collection"
# The IIIF consortium validator's schema and fixtures, copied in (see its README) so the tests stand alone
SCHEMA_DIR = REPO / "tests" / "fixtures" / "iiif"
BASE = "https://nhatruyenthong.test/sub/"
MARKERS = ("PRIVATE-MARKER", "RESTRICTED-MARKER", "Trần Thị Bí Mật Marker", "example.org")


@pytest.fixture(scope="module")
def presentation_schema():
    path = SCHEMA_DIR / "iiif_3_0.json"
    assert path.is_file(), f"{path} is missing: the official IIIF Presentation 3.0 schema (see its README)"
    schema = json.loads(path.read_text(encoding="utf-8"))
    return jsonschema.validators.validator_for(schema)(schema, format_checker=jsonschema.FormatChecker())


def schema_errors(validator, document: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


# -- a hand-made collection: every case the documents must handle, with planted private values --

def _src(path: str) -> Source:
    return Source(path)


def make_sample() -> tuple[Collection, Derivatives]:
    config = Config(
        name=Text("Nhà truyền thống thử", "Test Memorial House"), base_url=BASE, source=_src("kyvat.yaml"),
        description=Text("Bộ sưu tập thử", "A test collection"),
        attribution=Text("Nhà truyền thống thử", "Test Memorial House"),
        provider=Provider(Text("Nhà truyền thống thử", "Test Memorial House"), BASE, "assets/logo.png"),
        private_fields=("family_phone",))
    people = (
        Person("nguyen-van-a", "martyr", "Nguyễn Văn A", _src("people/nguyen-van-a.yaml"), publish_name=True,
               private={"private_notes": "PRIVATE-MARKER-person"}, contact={"phone": "PRIVATE-MARKER-phone"}),
        Person("tran-thi-bi-mat", "donor", "Trần Thị Bí Mật Marker", _src("people/tran-thi-bi-mat.yaml")),
        Person("le-thi-b", "relative", "Lê Thị B", _src("people/le-thi-b.yaml"), publish_name=True),
    )
    letter = Artifact(
        "AB-2026-0001", Text("Thư gửi mẹ", "Letter to mother"), "letter", _src("objects/AB-2026-0001/record.yaml"),
        description=Text("Lá thư hai trang", "A two-page letter"), history=Text("Lai lịch", "History"),
        materials=Text("giấy, mực tím", "paper, purple ink"), dimensions=Dimensions(height=20.5, width=15.0),
        date=Date("ngày 12 tháng 3 năm 1972", "1972-03-12", dt.date(1972, 3, 12), dt.date(1972, 3, 12)),
        places=(Place("Quảng Bình", "tỉnh Quảng Trị"),),
        people=(PersonLink("nguyen-van-a", "author"), PersonLink("tran-thi-bi-mat", "recipient")),
        acquisition=Acquisition("gift", donor="tran-thi-bi-mat", receipt_no="PRIVATE-MARKER-receipt",
                                terms=Text("PRIVATE-MARKER-terms")),
        rights=Rights("https://rightsstatements.org/vocab/InC-EDU/1.0/", Text("Gia đình", "The family")),
        scans=(Scan("001.jpg", Text("Trang 1", "Page 1"), transcript="Mẹ kính yêu!", transcript_source="manual"),
               Scan("002.jpg", Text("Trang 2", "Page 2"))),
        location={"room": "PRIVATE-MARKER-room"}, private={"valuation": "PRIVATE-MARKER-valuation"})
    audio = Artifact(
        "AB-2026-0002", Text("Lời kể", "Testimony"), "audio", _src("objects/AB-2026-0002/record.yaml"),
        people=(PersonLink("le-thi-b", "speaker"),),
        acquisition=Acquisition("copy", donor="le-thi-b", original_held_by=Text("gia đình", "the family")),
        scans=(Scan("001.mp3", Text("Băng 1", "Tape 1"), transcript="Hồi đó...", transcript_source="ocr"),))
    restricted = Artifact(
        "AB-2026-0003", Text("RESTRICTED-MARKER-title"), "diary", _src("objects/AB-2026-0003/record.yaml"),
        visibility="restricted", scans=(Scan("001.jpg"),))
    no_consent = Artifact(
        "AB-2026-0004", Text("Huân chương", "Medal"), "medal", _src("objects/AB-2026-0004/record.yaml"),
        date=Date("196X", "196X", dt.date(1960, 1, 1), dt.date(1969, 12, 31)),
        rights=Rights("http://creativecommons.org/licenses/by/4.0/", publish_consent=False),
        scans=(Scan("001.jpg"),))
    exhibition = Exhibition("thu-tu", Text("Thư từ", "Letters"), _src("exhibitions/thu-tu.md"),
                            summary=Text("Tóm tắt", "Summary"), objects=("AB-2026-0001", "AB-2026-0003"))
    collection = Collection(config, "/nowhere", objects=(letter, audio, restricted, no_consent), people=people,
                            exhibitions=(exhibition,))

    def image(object_id, n, width, height):
        sizes = ((width // 4, height // 4), (width // 2, height // 2), (width, height))
        return ImageService(object_id, n, f"{n:03d}.jpg", "image", width, height, sizes=sizes)

    services = [image("AB-2026-0001", 1, 1600, 2400), image("AB-2026-0001", 2, 1640, 2380),
                ImageService("AB-2026-0002", 1, "001.mp3", "audio", duration=61.5,
                             media_path="media/AB-2026-0002-1.mp3"),
                image("AB-2026-0003", 1, 800, 800), image("AB-2026-0004", 1, 800, 600)]
    return collection, Derivatives(services=services)


def public_documents() -> tuple[Collection, Derivatives, dict[str, dict]]:
    collection, images = make_sample()
    public = to_public(collection)
    # derivatives are made from the public collection, so a restricted object has no services
    images = Derivatives(services=[s for s in images.services if public.object(s.object_id)
                                   and any(x.file == s.file for x in public.object(s.object_id).scans)])
    return public, images, iiif.make_documents(public, images, read_words(public.root))


def walk(node, key=None):
    """Every (key, value) pair anywhere in a JSON document."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield k, v
            yield from walk(v, k)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item, key)


def presentation(documents: dict[str, dict]) -> dict[str, dict]:
    return {k: v for k, v in documents.items() if v.get("@context") == "http://iiif.io/api/presentation/3/context.json"}


# -- the validator can fail --

@pytest.mark.parametrize("name", sorted(p.name for p in (SCHEMA_DIR / "fixtures").glob("broken_*.json")))
def test_schema_rejects_broken_fixtures(presentation_schema, name):
    document = json.loads((SCHEMA_DIR / "fixtures" / name).read_text(encoding="utf-8"))
    assert schema_errors(presentation_schema, document)


def test_schema_accepts_the_full_example(presentation_schema):
    document = json.loads((SCHEMA_DIR / "fixtures" / "full_example.json").read_text(encoding="utf-8"))
    assert schema_errors(presentation_schema, document) == []


# -- the documents of a hand-made collection --

def test_every_document_passes_the_schema(presentation_schema):
    _, _, documents = public_documents()
    docs = presentation(documents)
    assert len(docs) == 2 + 1 + 1 + 2  # 2 manifests (AB-2026-0004 shows nothing), everything, one exhibition, two people
    for path, document in docs.items():
        assert schema_errors(presentation_schema, document) == [], path


def test_one_manifest_per_public_object_with_something_to_show_and_none_for_restricted():
    public, _, documents = public_documents()
    manifests = sorted(p.split("/")[0] for p in documents if p.endswith("/manifest.json"))
    assert [o.id for o in public.objects] == ["AB-2026-0001", "AB-2026-0002", "AB-2026-0004"]
    assert manifests == ["AB-2026-0001", "AB-2026-0002"]  # AB-2026-0004 may not show its images
    listed = [item["id"] for item in documents["collection.json"]["items"]]
    assert listed == [f"{BASE}iiif/{i}/manifest.json" for i in manifests]
    exhibition = documents["exhibitions/thu-tu.json"]
    assert [item["id"] for item in exhibition["items"]] == [f"{BASE}iiif/AB-2026-0001/manifest.json"]


def test_no_private_value_no_unconsented_name_no_example_org():
    _, _, documents = public_documents()
    text = "".join(iiif.to_json(d).decode("utf-8") for d in documents.values())
    for marker in MARKERS:
        assert marker not in text
    assert "AB-2026-0003" not in text and "receipt" not in text


def test_every_label_is_bilingual_and_every_id_absolute():
    _, _, documents = public_documents()
    labels = ids = 0
    for document in presentation(documents).values():
        for key, value in walk(document):
            if key == "label":
                labels += 1
                assert set(value) == {"vi", "en"} and all(value[lang][0] for lang in value), value
            if key == "id":
                ids += 1
                assert value.startswith(BASE), value
    assert labels > 30 and ids > 30


def test_manifest_describes_the_object():
    _, _, documents = public_documents()
    m = documents["AB-2026-0001/manifest.json"]
    assert m["label"] == {"vi": ["Thư gửi mẹ"], "en": ["Letter to mother"]}
    assert m["summary"] == {"vi": ["Lá thư hai trang"], "en": ["A two-page letter"]}
    assert m["rights"] == "http://rightsstatements.org/vocab/InC-EDU/1.0/"  # the http form IIIF requires
    assert m["requiredStatement"]["value"] == {"vi": ["Gia đình"], "en": ["The family"]}
    assert m["navDate"] == "1972-03-12T00:00:00Z"
    assert m["behavior"] == ["paged"]
    assert [(h["id"], h["language"]) for h in m["homepage"]] == [
        (f"{BASE}objects/AB-2026-0001/", ["vi"]), (f"{BASE}en/objects/AB-2026-0001/", ["en"])]
    provider = m["provider"][0]
    assert provider["logo"][0]["id"] == f"{BASE}assets/logo.png" and provider["homepage"][0]["id"] == BASE
    assert m["seeAlso"][0]["id"] == f"{BASE}iiif/AB-2026-0001/record.json"
    assert m["seeAlso"][0]["format"] == "application/json"
    assert m["seeAlso"][0]["profile"] == f"{BASE}iiif/record.schema.json"
    assert [p["id"] for p in m["partOf"]] == [f"{BASE}iiif/collection.json", f"{BASE}iiif/exhibitions/thu-tu.json",
                                              f"{BASE}iiif/people/nguyen-van-a.json"]
    metadata = {pair["label"]["en"][0]: pair["value"] for pair in m["metadata"]}
    assert metadata["Date"] == {"vi": ["ngày 12 tháng 3 năm 1972"], "en": ["12 March 1972"]}
    assert metadata["Type"] == {"vi": ["Thư"], "en": ["Letter"]}
    assert metadata["Dimensions"] == {"vi": ["cao 20,5 cm, rộng 15 cm"], "en": ["height 20.5 cm, width 15 cm"]}
    assert metadata["People connected with this object"] == {"vi": ["Nguyễn Văn A (người viết)"],
                                                             "en": ["Nguyễn Văn A (author)"]}
    assert metadata["Places"]["en"] == ["Quảng Bình (now tỉnh Quảng Trị)"]
    assert metadata["Acquisition"] == {"vi": ["Hiến tặng"], "en": ["Gift"]}
    assert "Given by" not in metadata  # the donor did not consent to be named
    thumbnail = m["thumbnail"][0]
    assert thumbnail["id"] == f"{BASE}iiif/images/AB-2026-0001-1/full/400,600/0/default.jpg"
    assert thumbnail["service"] == [{"id": f"{BASE}iiif/images/AB-2026-0001-1", "type": "ImageService3",
                                     "profile": "level0"}]


def test_canvases_are_sized_to_their_images_with_transcripts_supplementing():
    _, _, documents = public_documents()
    m = documents["AB-2026-0001/manifest.json"]
    assert [(c["width"], c["height"]) for c in m["items"]] == [(1600, 2400), (1640, 2380)]
    assert [c["label"] for c in m["items"]] == [{"vi": ["Trang 1"], "en": ["Page 1"]},
                                                 {"vi": ["Trang 2"], "en": ["Page 2"]}]
    first = m["items"][0]
    painting = first["items"][0]["items"][0]
    assert painting["motivation"] == "painting" and painting["target"] == first["id"]
    assert painting["body"]["service"][0]["id"] == f"{BASE}iiif/images/AB-2026-0001-1"
    assert (painting["body"]["width"], painting["body"]["height"]) == (1600, 2400)
    transcript = first["annotations"][0]["items"][0]
    assert transcript["motivation"] == "supplementing" and transcript["target"] == first["id"]
    assert transcript["body"] == {"type": "TextualBody", "value": "Mẹ kính yêu!", "format": "text/plain",
                                  "language": "vi"}
    assert "annotations" not in m["items"][1]  # page 2 has no transcript


def test_audio_canvas_has_a_duration_painted_with_the_file():
    _, _, documents = public_documents()
    m = documents["AB-2026-0002/manifest.json"]
    canvas = m["items"][0]
    assert canvas["duration"] == 61.5 and "width" not in canvas
    body = canvas["items"][0]["items"][0]["body"]
    assert body == {"id": f"{BASE}media/AB-2026-0002-1.mp3", "type": "Sound", "duration": 61.5,
                    "format": "audio/mpeg"}
    transcript_page = canvas["annotations"][0]
    assert transcript_page["label"]["en"] == ["Transcription (automatic text recognition, may contain errors)"]
    assert "behavior" not in m and "thumbnail" not in m
    metadata = {pair["label"]["en"][0]: pair["value"] for pair in m["metadata"]}
    assert metadata["Given by"]["vi"] == ["Lê Thị B"]  # a consented donor is named
    assert metadata["Original kept by"] == {"vi": ["gia đình"], "en": ["the family"]}


def test_object_without_consent_to_images_has_its_record_and_no_manifest():
    """A Manifest must hold at least one Canvas; the object stays described in its record.json."""
    _, _, documents = public_documents()
    assert "AB-2026-0004/manifest.json" not in documents
    record = documents["AB-2026-0004/record.json"]
    assert record["manifest"] is None and record["title"]["en"] == "Medal" and record["scans"] == []
    linked = {item["id"] for name, doc in documents.items() if doc.get("type") == "Collection" for item in doc["items"]}
    assert not any("AB-2026-0004" in i for i in linked)
    assert all(m["items"] for name, m in documents.items() if name.endswith("/manifest.json"))
    public, _, _ = public_documents()
    medal = public.object("AB-2026-0004")
    assert iiif._nav_date(medal) == "1960-01-01T00:00:00Z"  # a decade, 196X, from its first day


def test_people_collections_link_their_objects():
    _, _, documents = public_documents()
    person = documents["people/le-thi-b.json"]
    assert person["label"] == {"vi": ["Lê Thị B"], "en": ["Lê Thị B"]}
    assert [i["id"] for i in person["items"]] == [f"{BASE}iiif/AB-2026-0002/manifest.json"]
    assert person["homepage"][1]["id"] == f"{BASE}en/people/le-thi-b/"
    assert "people/tran-thi-bi-mat.json" not in documents


def test_records_hold_public_fields_and_match_their_profile():
    _, _, documents = public_documents()
    schema = documents["record.schema.json"]
    validator = jsonschema.validators.validator_for(schema)(schema)
    for path, document in documents.items():
        if path.endswith("/record.json"):
            assert list(validator.iter_errors(document)) == [], path
    record = documents["AB-2026-0001/record.json"]
    assert record["people"] == [{"id": "nguyen-van-a", "name": "Nguyễn Văn A", "role": "author"}]
    assert record["acquisition"]["donor"] is None
    assert record["scans"][0]["transcript"] == "Mẹ kính yêu!"
    damaged = dict(record, location={"room": "x"})
    assert list(validator.iter_errors(damaged))  # the profile admits no field beyond the public ones


def test_writing_is_deterministic_and_rewrites_only_changed_files(tmp_path):
    public, images, _ = public_documents()
    first, second = tmp_path / "a", tmp_path / "b"
    assert iiif.write_iiif(public, first, images) > 0
    assert iiif.write_iiif(public, second, images) > 0

    def tree(folder):
        return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    assert tree(first) == tree(second)
    mtimes = {p: p.stat().st_mtime_ns for p in (first / "iiif").rglob("*.json")}
    assert iiif.write_iiif(public, first, images) == 0
    assert mtimes == {p: p.stat().st_mtime_ns for p in (first / "iiif").rglob("*.json")}


def test_a_document_that_is_no_longer_public_is_removed(tmp_path):
    collection, images = make_sample()
    out = tmp_path / "manifests"
    out.mkdir()
    (out / "README.md").write_text("how to regenerate", encoding="utf-8")
    iiif.write_documents(iiif.make_documents(to_public(collection), images, read_words(collection.root)), out)
    assert (out / "AB-2026-0002" / "manifest.json").is_file()
    hidden = replace(collection, objects=tuple(replace(o, visibility="restricted") if o.id == "AB-2026-0002" else o
                                               for o in collection.objects))
    iiif.write_documents(iiif.make_documents(to_public(hidden), images, read_words(hidden.root)), out)
    assert not (out / "AB-2026-0002").exists() and not (out / "people" / "le-thi-b.json").exists()
    assert (out / "README.md").read_text(encoding="utf-8") == "how to regenerate"


def test_documents_do_not_depend_on_earlier_calls():
    """iiif-prezi3 keeps module-level state; two runs in one process must give the same documents."""
    _, _, once = public_documents()
    _, _, again = public_documents()
    assert {k: iiif.to_json(v) for k, v in once.items()} == {k: iiif.to_json(v) for k, v in again.items()}


# -- the `kyvat iiif` command: Presentation JSON only, sized from the masters without tiling --

def test_cli_writes_presentation_json_only(tmp_path, presentation_schema):
    out = tmp_path / "manifests"
    result = CliRunner().invoke(main, ["iiif", "-c", str(FIXTURE_COLLECTION), "--out", str(out),
                                       "--base-url", "http://127.0.0.1:9/"])
    assert result.exit_code == 0, result.output
    public = to_public(load_collection(FIXTURE_COLLECTION))
    assert sorted(p.parent.name for p in out.glob("*/manifest.json")) == [o.id for o in public.objects]
    assert not list(out.rglob("*.jpg")) and not (out / "images").exists()
    for path in [*out.glob("*/manifest.json"), out / "collection.json", *out.glob("exhibitions/*.json")]:
        document = json.loads(path.read_text(encoding="utf-8"))
        assert schema_errors(presentation_schema, document) == [], path
        provider = document["provider"][0]["id"]  # the house's own homepage, as kyvat.yaml gives it
        assert all(v.startswith("http://127.0.0.1:9/") or v == provider for k, v in walk(document) if k == "id")


# -- the built sites: what a viewer or an archive really receives --

SAMPLE_COLLECTION = REPO / "collection"


def _site_documents(site: Path) -> dict[str, dict]:
    return {str(p.relative_to(site / "iiif")): json.loads(p.read_text(encoding="utf-8"))
            for p in sorted((site / "iiif").rglob("*.json")) if "images" not in p.relative_to(site / "iiif").parts}


def _local(site: Path, base: str, url: str) -> Path:
    assert url.startswith(base), url
    return site / url[len(base):]


def test_built_sample_documents_pass_the_schema(built_sample, presentation_schema):
    docs = presentation(_site_documents(built_sample))
    assert "collection.json" in docs and any(p.startswith("exhibitions/") for p in docs)
    assert any(p.startswith("people/") for p in docs)
    for path, document in docs.items():
        assert schema_errors(presentation_schema, document) == [], path


def test_built_sample_has_one_manifest_per_public_object(built_sample):
    collection = load_collection(SAMPLE_COLLECTION)
    public = [o.id for o in collection.objects if o.is_public]
    restricted = [o.id for o in collection.objects if not o.is_public]
    assert restricted, "the sample should show that restricted objects are left out"
    docs = _site_documents(built_sample)
    assert sorted(p.split("/")[0] for p in docs if p.endswith("/manifest.json")) == public
    assert [i["id"].split("/")[-2] for i in docs["collection.json"]["items"]] == public
    text = "".join(iiif.to_json(d).decode("utf-8") for d in docs.values())
    assert not any(object_id in text for object_id in restricted)


def test_built_sample_canvases_match_info_json_and_every_file_linked_exists(built_sample):
    base = load_collection(SAMPLE_COLLECTION).config.base_url
    docs = presentation(_site_documents(built_sample))
    checked = 0
    for path, document in docs.items():
        for key, value in walk(document):
            if key in ("thumbnail", "logo", "seeAlso", "partOf") or (key == "items" and document["type"] == "Collection"):
                for resource in value:
                    assert _local(built_sample, base, resource["id"]).is_file(), (path, resource["id"])
        for canvas in document["items"] if document["type"] == "Manifest" else ():
            assert set(canvas["label"]) == {"vi", "en"}
            body = canvas["items"][0]["items"][0]["body"]
            assert _local(built_sample, base, body["id"]).is_file(), body["id"]
            if body["type"] == "Image":
                info = json.loads((_local(built_sample, base, body["service"][0]["id"]) / "info.json").read_text())
                assert (canvas["width"], canvas["height"]) == (info["width"], info["height"]), canvas["id"]
                checked += 1
            else:
                assert canvas["duration"] == body["duration"] > 0
        for homepage in document.get("homepage", []):
            assert (_local(built_sample, base, homepage["id"]) / "index.html").is_file(), homepage["id"]
    assert checked >= 10


def test_built_sample_labels_are_bilingual(built_sample):
    for path, document in presentation(_site_documents(built_sample)).items():
        for key, value in walk(document):
            if key == "label":
                assert set(value) == {"vi", "en"} and all(value[lang][0] for lang in value), (path, value)


def _private_values(value) -> list[str]:
    if isinstance(value, dict):
        return [v for item in value.values() for v in _private_values(item)]
    if isinstance(value, (list, tuple)):
        return [v for item in value for v in _private_values(item)]
    return [str(value)] if value is not None and len(str(value)) >= 6 else []


@pytest.mark.parametrize("which", ["built_fixture", "built_sample"])
def test_built_iiif_holds_no_private_value(which, request):
    site = request.getfixturevalue(which)
    collection = load_collection(FIXTURE_COLLECTION if which == "built_fixture" else SAMPLE_COLLECTION)
    secrets = set(hidden_names(collection))
    for obj in collection.objects:
        secrets.update(_private_values([obj.location, obj.private]))
        if obj.acquisition:
            secrets.update(_private_values([obj.acquisition.receipt_no, obj.acquisition.terms.vi,
                                            obj.acquisition.terms.en]))
    for person in collection.people:
        secrets.update(_private_values([person.contact, person.private]))
    assert len(secrets) > 5
    files = sorted((site / "iiif").rglob("*.json"))
    text = "\n".join([p.read_text(encoding="utf-8") for p in files] + [str(p) for p in files])
    leaked = sorted(s for s in secrets if s in text)
    assert leaked == []
    if which == "built_fixture":
        for marker in MARKERS:
            assert marker not in text


def test_cli_regenerates_the_build_documents_byte_for_byte(built_sample, tmp_path):
    result = CliRunner().invoke(main, ["iiif", "-c", str(SAMPLE_COLLECTION), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    built = {str(p.relative_to(built_sample / "iiif")): p.read_bytes() for p in (built_sample / "iiif").rglob("*.json")
             if "images" not in p.relative_to(built_sample / "iiif").parts}
    assert {str(p.relative_to(tmp_path)): p.read_bytes() for p in tmp_path.rglob("*.json")} == built


def test_bundled_manifests_are_up_to_date(tmp_path, ffmpeg):
    """manifests/ is the sample's IIIF as kyvat makes it now (compared as data)."""
    result = CliRunner().invoke(main, ["iiif", "-c", str(SAMPLE_COLLECTION), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    bundled = REPO / "manifests"

    def documents(folder: Path) -> dict[str, dict]:
        return {str(p.relative_to(folder)): json.loads(p.read_text(encoding="utf-8")) for p in folder.rglob("*.json")}
    assert documents(bundled) == documents(tmp_path), \
        "manifests/ is stale: regenerate it with `.venv/bin/kyvat iiif -c collection --out manifests`"


def test_cli_never_writes_inside_the_collection(collection_copy):
    result = CliRunner().invoke(main, ["iiif", "-c", str(collection_copy), "--out", str(collection_copy / "iiif")])
    assert result.exit_code == 1 and "inside the collection" in result.output
    assert not (collection_copy / "iiif").exists()
