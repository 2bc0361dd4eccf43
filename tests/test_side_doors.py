"""Side doors: ways a private value or a script could reach the published site other than through a
record's fields. Files copied as they are (the house's logo, a collection's own static files) and
recordings lose their metadata; a transcript or an object folder linked out of the collection is
refused; no link kyvat writes runs a script; `kyvat serve` answers any request."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import http.client
import io
import json
import re
import shutil
from dataclasses import replace
from pathlib import Path

import mutagen.apev2
import mutagen.id3
import pytest
from broken_scans import GPS_MARKER, camera_exif, jpeg, write_kyvat_yaml, write_object
from PIL import Image, PngImagePlugin

from kyvat import iiif, media
from kyvat.build import build
from kyvat.derivatives import write_image_services
from kyvat.errors import CollectionInvalid, KyvatError
from kyvat.privacy import to_public
from kyvat.server import LocalServer
from kyvat.site import write_site
from kyvat.urls import Urls, is_safe_url, make_href
from kyvat.validate import check_collection, load_collection

from conftest import SAMPLE_COLLECTION
from leaks import find_leaks

SAMPLE_MP3 = next((SAMPLE_COLLECTION / "objects").glob("*/scans/*.mp3"))
XMP = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       '<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSMapDatum="{marker}"/>'
       '</rdf:RDF></x:xmpmeta>')
TODAY = dt.date(2026, 6, 1)


def _problems(root: Path) -> dict[str, str]:
    """path: every problem's text at that path, for `kyvat validate`'s report."""
    found: dict[str, str] = {}
    for problem in check_collection(root, TODAY)[1]:
        found[problem.path] = found.get(problem.path, "") + str(problem) + "\n"
    return found


def _set_provider(root: Path, **fields: str) -> None:
    config = root / "kyvat.yaml"
    text = config.read_text(encoding="utf-8")
    for key, value in fields.items():
        text = re.sub(rf"(?m)^  {key}:.*\n", "", text)
        text = text.replace("provider:\n", f"provider:\n  {key}: {json.dumps(value)}\n", 1)
    config.write_text(text, encoding="utf-8")


# -- files copied as they are lose their metadata -----------------------------------------------

def _image_with_metadata(kind: str, marker: str) -> bytes:
    """A picture carrying EXIF with a GPS position (and GPS_MARKER) and XMP holding `marker`."""
    im = Image.open(io.BytesIO(jpeg((120, 80))))
    out = io.BytesIO()
    xmp = XMP.format(marker=marker).encode()
    if kind == "png":
        info = PngImagePlugin.PngInfo()
        info.add_itxt("XML:com.adobe.xmp", xmp.decode())
        info.add_text("Comment", marker)
        im.save(out, "PNG", exif=camera_exif(gps=True), pnginfo=info)
    else:
        im.save(out, {"jpg": "JPEG", "webp": "WEBP"}[kind], exif=camera_exif(gps=True), xmp=xmp)
    data = out.getvalue()
    assert GPS_MARKER.encode() in data and marker.encode() in data
    return data


def test_the_logo_and_a_collections_own_static_images_are_published_without_exif_xmp_or_gps(
        collection_copy, tmp_path):
    markers = {GPS_MARKER}
    (collection_copy / "assets").mkdir()
    (collection_copy / "assets" / "logo.jpg").write_bytes(_image_with_metadata("jpg", "PRIVATE-MARKER-XMP-LOGO"))
    _set_provider(collection_copy, logo="assets/logo.jpg")
    static = collection_copy / "site_templates" / "static"
    static.mkdir(parents=True)
    for kind in ("jpg", "png", "webp"):
        marker = f"PRIVATE-MARKER-XMP-STATIC-{kind}"
        (static / f"photo.{kind}").write_bytes(_image_with_metadata(kind, marker))
        markers.add(marker)
    markers.add("PRIVATE-MARKER-XMP-LOGO")
    out = tmp_path / "out"
    build(collection_copy, out, cache=tmp_path / "cache", jobs=1, today=TODAY)
    published = [out / "assets" / "logo.jpg"] + [out / "static" / f"photo.{k}" for k in ("jpg", "png", "webp")]
    for path in published:
        with Image.open(path) as im:  # still the picture, upright and whole, with no EXIF left
            assert im.size == (120, 80) and not im.getexif() and "xmp" not in im.info, path
        assert b"Exif" not in path.read_bytes(), path
    assert find_leaks(out, markers) == []


def _tagged_mp3(path: Path, marker: str) -> None:
    """A recording carrying every tag format an MP3 may have: ID3v2, ID3v1 and APEv2."""
    shutil.copyfile(SAMPLE_MP3, path)
    tags = mutagen.id3.ID3()
    tags.add(mutagen.id3.COMM(encoding=3, lang="vie", desc="", text=f"{marker}-ID3V2"))
    tags.add(mutagen.id3.TIT2(encoding=0, text=f"{marker}-V1"))  # short enough to be kept in ID3v1 too
    tags.save(path, v1=2)
    ape = mutagen.apev2.APEv2()
    ape["Comment"] = f"{marker}-APE"
    ape.save(path)
    data = path.read_bytes()
    assert all(f"{marker}-{kind}".encode() in data for kind in ("ID3V2", "V1", "APE")) and b"APETAGEX" in data


@pytest.mark.parametrize("with_ffmpeg", [True, False], ids=["ffmpeg", "mutagen"])
def test_a_recording_is_published_without_any_tag_format(tmp_path, monkeypatch, with_ffmpeg, ffmpeg):
    root = tmp_path / "c"
    write_kyvat_yaml(root)
    write_object(root, "AB-2026-0001", {})
    _tagged_mp3(root / "objects/AB-2026-0001/scans/001.mp3", "PRIVATE-MARKER-TAG")
    if not with_ffmpeg:
        real = shutil.which
        monkeypatch.setattr(media.shutil, "which", lambda name: None if name == "ffmpeg" else real(name))
    site = tmp_path / "site"
    result = write_image_services(to_public(load_collection(root, today=TODAY)), site, tmp_path / "cache",
                                  executor_factory=concurrent.futures.ThreadPoolExecutor)
    assert result.problems == [] and len(result.services) == 1
    published = site / result.services[0].media_path
    assert len(published.read_bytes()) > 1000 and b"APETAGEX" not in published.read_bytes()
    assert mutagen.File(published).info.length > 1  # still the recording
    assert find_leaks(site, {f"PRIVATE-MARKER-TAG-{k}" for k in ("ID3V2", "V1", "APE")}) == []


# -- files linked out of the collection are refused ---------------------------------------------

def test_a_transcript_linked_out_of_the_collection_is_refused_and_never_published(collection_copy, tmp_path):
    outside = tmp_path / "private-letter.txt"
    outside.write_text("PRIVATE-MARKER-LINKED-TRANSCRIPT a letter never meant for the site\n", encoding="utf-8")
    transcript = collection_copy / "objects/TT-2026-0001/transcripts/001.txt"
    transcript.unlink()
    transcript.symlink_to(outside)
    problems = _problems(collection_copy)
    assert "a symbolic link" in problems["objects/TT-2026-0001/transcripts/001.txt"]
    out = tmp_path / "out"
    build(collection_copy, out, cache=tmp_path / "cache", jobs=1, today=TODAY)
    assert (out / "objects/TT-2026-0001/index.html").is_file()  # the object is published, without that text
    assert find_leaks(out, {"PRIVATE-MARKER-LINKED-TRANSCRIPT"}) == []


def test_a_transcripts_folder_linked_out_of_the_collection_is_refused(collection_copy, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "001.txt").write_text("PRIVATE-MARKER-LINKED-FOLDER\n", encoding="utf-8")
    folder = collection_copy / "objects/TT-2026-0004/transcripts"
    shutil.rmtree(folder)
    folder.symlink_to(outside)
    assert "a symbolic link" in _problems(collection_copy)["objects/TT-2026-0004/transcripts/001.txt"]
    out = tmp_path / "out"
    build(collection_copy, out, cache=tmp_path / "cache", jobs=1, today=TODAY)
    assert find_leaks(out, {"PRIVATE-MARKER-LINKED-FOLDER"}) == []


def test_an_object_folder_linked_out_of_the_collection_is_refused(collection_copy, tmp_path):
    outside = tmp_path / "elsewhere" / "TT-2026-0009"
    shutil.copytree(collection_copy / "objects/TT-2026-0001", outside)
    record = outside / "record.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("TT-2026-0001", "TT-2026-0009")
                      + "description: {vi: PRIVATE-MARKER-LINKED-OBJECT, en: PRIVATE-MARKER-LINKED-OBJECT}\n",
                      encoding="utf-8")
    (collection_copy / "objects/TT-2026-0009").symlink_to(outside)
    problems = _problems(collection_copy)
    assert "a symbolic link" in problems["objects/TT-2026-0009"]
    out = tmp_path / "out"
    with pytest.raises(CollectionInvalid) as refused:
        build(collection_copy, out, cache=tmp_path / "cache", jobs=1, today=TODAY)
    assert [p.path for p in refused.value.details if p.is_error] == ["objects/TT-2026-0009"]
    assert not out.exists() or find_leaks(out, {"PRIVATE-MARKER-LINKED-OBJECT", "TT-2026-0009"}) == []


# -- no link kyvat writes runs a script ----------------------------------------------------------

UNSAFE = ["javascript:alert(1)", "JavaScript:alert(1)", " java\tscript:alert(1)", "\x01javascript:alert(1)",
          "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "file:///etc/passwd"]
SAFE = ["https://example.vn/", "http://rightsstatements.org/vocab/InC/1.0/", "../objects/X/index.html",
        "index.html", "#main", "?q=1", "//example.vn/x", "./javascript:alert(1)/index.html"]


def test_one_check_tells_a_safe_link_from_one_that_runs_a_script():
    assert [u for u in SAFE if not is_safe_url(u)] == []
    assert [u for u in UNSAFE if is_safe_url(u)] == []
    assert make_href("mailto:lienhe@test.kyvat.vn") == "mailto:lienhe@test.kyvat.vn"  # written by kyvat itself
    assert not is_safe_url("mailto:x@y.vn")  # but no URL field may hold one
    for url in UNSAFE:
        with pytest.raises(KyvatError, match="http"):
            make_href(url)


def test_a_page_name_never_becomes_a_script_link(collection_copy):
    assert Urls.relative(Urls.page("javascript:alert(1)"), "index.html") == "./javascript:alert(1)/index.html"
    assert Urls.relative(Urls.exhibition("javascript:x"), "exhibitions/index.html") == "./javascript:x/index.html"
    (collection_copy / "pages" / "javascript:alert(1).md").write_text("---\ntitle: {vi: X, en: X}\n---\nX\n",
                                                                       encoding="utf-8")
    problems = _problems(collection_copy)["pages/javascript:alert(1).md"]
    assert "javascript:alert(1)" in problems and "rename the file" in problems


@pytest.mark.parametrize(("field", "value"), [
    ("homepage", "javascript:alert(document.cookie)"),
    ("homepage", "data:text/html,<script>alert(1)</script>"),
    ("logo", "data:image/svg+xml,<svg onload=alert(1)>"),
    ("logo", "javascript://example.vn/%0aalert(1)"),
])
def test_a_url_field_holds_only_an_http_or_relative_address(collection_copy, field, value):
    _set_provider(collection_copy, **{field: value})
    problems = _problems(collection_copy)["kyvat.yaml"]
    assert f"provider.{field}" in problems and "http" in problems


def test_a_rights_uri_with_a_script_is_refused(collection_copy):
    record = collection_copy / "objects/TT-2026-0002/record.yaml"
    record.write_text(record.read_text(encoding="utf-8") + "rights: {uri: 'javascript:alert(1)'}\n", encoding="utf-8")
    assert "rights.uri" in _problems(collection_copy)["objects/TT-2026-0002/record.yaml"]


def _hostile(collection):
    """The collection as validation would never let it through: every URL field a script."""
    config = collection.config
    provider = replace(config.provider, homepage="javascript:alert(1)", logo="data:image/png;base64,AAAA")
    objects = tuple(replace(o, rights=replace(o.rights, uri="javascript:alert(2)")) for o in collection.objects)
    return replace(collection, config=replace(config, provider=provider), objects=objects)


def test_the_site_writer_refuses_a_script_link_that_slipped_past_validation(collection_copy, tmp_path):
    public = _hostile(to_public(load_collection(collection_copy, today=TODAY)))
    images = write_image_services(public, tmp_path / "site", tmp_path / "cache", jobs=1)
    with pytest.raises(KyvatError, match="javascript:alert"):
        write_site(public, tmp_path / "site", images, collection_root=collection_copy)


def test_the_iiif_writer_refuses_a_script_link_that_slipped_past_validation(collection_copy, tmp_path):
    public = _hostile(to_public(load_collection(collection_copy, today=TODAY)))
    images = write_image_services(public, tmp_path / "site", tmp_path / "cache", jobs=1)
    with pytest.raises(KyvatError, match="javascript:alert|data:image"):
        iiif.make_documents(public, images, iiif.read_words(collection_copy))


def _links(value, key: str = ""):
    """Every (key, string) of a JSON document whose key names a link."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _links(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _links(v, key)
    elif isinstance(value, str) and key in ("id", "@id", "url", "license", "image", "homepage", "rights"):
        yield key, value


def test_every_link_of_a_built_site_passes_the_one_check(built_fixture):
    hrefs = re.compile(rb'(?:href|src|content)="([^"]*)"')
    bad = []
    for path in sorted(built_fixture.rglob("*")):
        if path.suffix == ".html":
            text = path.read_bytes()
            bad += [f"{path.name}: {u!r}" for u in hrefs.findall(text)
                    if b":" in u.split(b"/")[0] and not is_safe_url(u.decode()) and not u.startswith(b"mailto:")
                    and not re.match(rb"^[\w ,.;=-]*$", u)]
            for block in re.findall(rb'<script type="application/ld\+json">(.*?)</script>', text, re.S):
                bad += [f"{path.name}: {v}" for _, v in _links(json.loads(block)) if not is_safe_url(v)]
        elif path.suffix == ".json" and "iiif" in path.parts:
            bad += [f"{path.name}: {v}" for _, v in _links(json.loads(path.read_bytes())) if not is_safe_url(v)]
    assert bad == []


# -- kyvat serve answers every request ------------------------------------------------------------

@pytest.mark.parametrize("path", ["/%00", "/index.html%00", "/objects/%00/", "/a%00b.js"])
def test_serve_answers_a_request_holding_a_nul_byte_without_a_traceback(tmp_path, capfd, path):
    (tmp_path / "index.html").write_text("<p>Nhà truyền thống</p>\n", encoding="utf-8")
    (tmp_path / "a.js").write_text("const a = 1;\n" * 100, encoding="utf-8")
    server = LocalServer(tmp_path, 0)
    try:
        host, port = server.httpd.server_address[:2]
        connection = http.client.HTTPConnection(host, port, timeout=5)
        connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
        status = connection.getresponse().status
        connection.close()
        connection = http.client.HTTPConnection(host, port, timeout=5)
        connection.request("GET", "/index.html")
        after = connection.getresponse().status  # and it goes on serving
        connection.close()
    finally:
        server.close()
    assert status in (400, 404) and after == 200
    assert "Traceback" not in capfd.readouterr().err


LINKED = "expected a real file or folder inside the collection, found a symbolic link"


@pytest.mark.parametrize("rel, made, said", [
    ("people/nguoi-ngoai.yaml", "kind: martyr\nname: PRIVATE-MARKER-LINKED-PERSON\n", LINKED),
    ("exhibitions/ngoai.md", "---\ntitle: PRIVATE-MARKER-LINKED-EXHIBITION\n---\nPRIVATE-MARKER-LINKED-EXHIBITION\n",
     LINKED),
    ("pages/ngoai.md", "---\ntitle: PRIVATE-MARKER-LINKED-PAGE\n---\nPRIVATE-MARKER-LINKED-PAGE\n", LINKED),
    # the record itself, swapped for a link to a copy outside (a link inside the collection is allowed)
    ("objects/TT-2026-0004/record.yaml", None, "expected a record inside the collection, found a symbolic link to "),
])
def test_a_person_narrative_or_record_file_linked_out_of_the_collection_is_refused(collection_copy, tmp_path, rel, made,
                                                                                   said):
    outside = tmp_path / "elsewhere" / Path(rel).name
    outside.parent.mkdir()
    target = collection_copy / rel
    if made is None:
        made = target.read_text(encoding="utf-8").replace("title:", "# PRIVATE-MARKER-LINKED-RECORD\ntitle:", 1)
        target.unlink()
    outside.write_text(made, encoding="utf-8")
    target.symlink_to(outside)
    assert said in _problems(collection_copy)[rel]
    out = tmp_path / "out"
    with pytest.raises(CollectionInvalid):  # an error, as any record kyvat cannot read: nothing is published
        build(collection_copy, out, cache=tmp_path / "cache", jobs=1, today=TODAY)
    assert not out.exists()


@pytest.mark.parametrize("linked", ["file", "folder"])
def test_a_template_of_the_collection_linked_out_of_it_is_refused_and_nothing_published(collection_copy, tmp_path,
                                                                                          linked):
    """A site_templates/ override that is a link (or in a folder that is one) would be rendered into
    every page it makes: refused as a scan or a transcript is, with the file's name."""
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    builtin = (Path(__file__).resolve().parents[1] / "src" / "kyvat" / "site_templates" / "base.html").read_text(
        encoding="utf-8")
    (outside / "base.html").write_text(builtin.replace("<body", "<!-- PRIVATE-MARKER-LINKED-TEMPLATE --><body", 1),
                                       encoding="utf-8")
    templates = collection_copy / "site_templates"
    if linked == "folder":
        shutil.rmtree(templates, ignore_errors=True)
        templates.symlink_to(outside, target_is_directory=True)
    else:
        templates.mkdir(exist_ok=True)
        (templates / "base.html").unlink(missing_ok=True)
        (templates / "base.html").symlink_to(outside / "base.html")
    out = tmp_path / "out"
    with pytest.raises(KyvatError, match=r"site_templates/base.html: cannot be published: a symbolic link"):
        build(collection_copy, out, cache=tmp_path / "cache", jobs=1, today=TODAY)
    assert not out.exists() or find_leaks(out, {"PRIVATE-MARKER-LINKED-TEMPLATE"}) == []
