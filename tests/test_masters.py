"""The masters curators actually have: a PDF of many pages (each page a scan, the PDF kept as the
master) and a phone's HEIC photo, added with `kyvat add-scan` and published like any scan."""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
from pathlib import Path

import pillow_heif
import pytest
from broken_scans import GPS_MARKER, assert_level0_complete, camera_exif, jpeg, write_kyvat_yaml, write_object
from click.testing import CliRunner
from PIL import Image

from kyvat.build import build
from kyvat.cli import main
from kyvat.derivatives import read_services
from kyvat.layout import transcript_name
from kyvat.pdf import MAX_DPI, MIN_DPI, make_pixel_size, make_render_scale
from kyvat.records import read_collection

pillow_heif.register_heif_opener()  # so that the test can write a HEIC, as a phone does

PAGE_COLOURS = [(200, 30, 30), (30, 160, 30), (30, 30, 200)]


def run(*args: str):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    return result


def three_page_pdf() -> bytes:
    """A scanned letter: three pages of 150 dpi scans, each its own colour (so a page shown twice
    and another left out cannot pass for three pages)."""
    pages = [Image.new("RGB", (600, 900), colour) for colour in PAGE_COLOURS]
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=150)
    return out.getvalue()


def iphone_heic() -> bytes:
    """A phone's photo: an iPhone's EXIF, a GPS position (the donor's home) holding the marker in
    EXIF and in XMP, taken turned (orientation 6): stored 640 × 480, shown 480 × 640."""
    exif = camera_exif(orientation=6, gps=True)
    exif[0x010F], exif[0x0110] = "Apple", "iPhone 13"
    xmp = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           f'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSMapDatum="{GPS_MARKER}"/>'
           '</rdf:RDF></x:xmpmeta>').encode()
    out = io.BytesIO()
    Image.open(io.BytesIO(jpeg((640, 480)))).save(out, "HEIF", exif=exif.tobytes(), xmp=xmp)
    return out.getvalue()


def encrypted(pdf: bytes) -> bytes:
    """The PDF locked with a password (an /Encrypt dictionary whose check the empty password fails),
    as an office scanner's "secure PDF" is."""
    startxref = int(re.findall(rb"startxref\s+(\d+)", pdf)[-1])
    size = int(re.findall(rb"/Size (\d+)", pdf)[-1])
    root = re.findall(rb"/Root (\d+ \d+ R)", pdf)[-1]
    lock = b"\n%d 0 obj\n<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -4 >>\nendobj\n" % (
        size, b"00" * 32, b"11" * 32)
    trailer = (b"xref\n%d 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root %s /Encrypt %d 0 R /Prev %d "
               b"/ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n") % (
        size, len(pdf) + 1, size + 1, root, size, startxref, b"ab" * 16, b"ab" * 16, len(pdf) + len(lock))
    return pdf + lock + trailer


def pixel(path: Path) -> tuple[int, int, int]:
    with Image.open(path) as im:
        return im.getpixel((im.width // 2, im.height // 2))


def test_a_three_page_pdf_and_an_iphone_photo_are_added_and_published(collection_copy, tmp_path):
    letter, photo = tmp_path / "thu.pdf", tmp_path / "IMG_0042.HEIC"
    letter.write_bytes(three_page_pdf())
    photo.write_bytes(iphone_heic())
    assert photo.read_bytes().count(GPS_MARKER.encode()) == 2
    result = run("add-scan", "-c", collection_copy, "TT-2026-0003", letter, photo)
    assert result.exit_code == 0, result.output
    folder = collection_copy / "objects" / "TT-2026-0003"
    assert sorted(p.name for p in (folder / "scans").iterdir()) == ["001.png", "002.pdf", "003.heic"]
    assert (folder / "scans" / "002.pdf").read_bytes() == letter.read_bytes(), "the PDF itself is the master"
    record = (folder / "record.yaml").read_text(encoding="utf-8")
    for name, source in (("002.pdf", letter), ("003.heic", photo)):
        assert f"- file: {name}\n    sha256: {hashlib.sha256(source.read_bytes()).hexdigest()}" in record
    (folder / "transcripts").mkdir()
    (folder / "transcripts" / "002-p2.txt").write_text("Mẹ ơi, trang hai.", encoding="utf-8")

    site, cache = tmp_path / "site", tmp_path / "cache"
    report = build(collection_copy, site, cache=cache, jobs=1)
    assert [p for p in report.problems if p.is_error] == []
    manifest = json.loads((site / "iiif" / "TT-2026-0003" / "manifest.json").read_text("utf-8"))
    services = [c["items"][0]["items"][0]["body"]["service"][0]["id"].rsplit("/", 1)[-1] for c in manifest["items"]]
    assert services == [f"TT-2026-0003-{n}" for n in range(1, 6)], "the PNG, three pages, the photo"
    sizes = [(c["width"], c["height"]) for c in manifest["items"]]
    assert sizes[1:] == [(1200, 1800)] * 3 + [(480, 640)], "150 dpi pages drawn at 300 dpi; the photo upright"
    assert assert_level0_complete(site, "https://test.kyvat.vn/") >= 5
    headers_only = read_services(read_collection(collection_copy)[0]).of("TT-2026-0003")  # as `kyvat iiif` sizes
    assert [(s.width, s.height) for s in headers_only] == sizes
    images = site / "iiif" / "images"
    for n, colour in zip((2, 3, 4), PAGE_COLOURS):
        assert all(abs(a - b) < 8 for a, b in zip(pixel(images / f"TT-2026-0003-{n}/full/max/0/default.jpg"), colour))
    with Image.open(images / "TT-2026-0003-5/full/max/0/default.jpg") as im:
        assert im.size == (480, 640) and not im.getexif() and "icc_profile" not in im.info

    page = (site / "objects" / "TT-2026-0003" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'<section class="scan[^"]*" id="(p\d+)"', page) == ["p1", "p2", "p3", "p4", "p5"]
    assert "Mẹ ơi, trang hai." in page.split('id="p3"')[1].split('id="p4"')[0], "page 2's text beside page 2"
    # privacy: the photo's GPS position reaches no byte of the site, nor does its EXIF
    for path in (p for p in site.rglob("*") if p.is_file()):
        data = path.read_bytes()
        assert GPS_MARKER.encode() not in data and b"Exif\0\0" not in data and b"iPhone 13" not in data, path

    again = build(collection_copy, site, cache=cache, jobs=1)
    assert (again.count("scans_reused"), again.count("scans_processed")) == (report.count("scans"), 0)
    pdf_sha = hashlib.sha256(letter.read_bytes()).hexdigest()
    assert sorted(p.name.split("-")[1] for p in (cache / "images").glob(f"{pdf_sha}-*")) == ["p1", "p2", "p3"], \
        "cached by checksum and page"
    assert "0 changed or missing" in run("verify", "-c", collection_copy).output
    shown = run("show", "-c", collection_copy, "TT-2026-0003").output
    assert "scans/002.pdf" in shown and "pages: 3" in shown and shown.count("scans/002.pdf") == 1
    assert "002.pdf p. 3" in shown and "camera model: iPhone 13" in shown
    assert "GPS position: present in the master (private: never published)" in shown and GPS_MARKER not in shown


def test_an_encrypted_or_broken_pdf_is_refused_by_add_scan_and_skipped_by_the_build(tmp_path):
    root = tmp_path / "c"
    write_kyvat_yaml(root)
    folder = write_object(root, "AB-2026-0001", {"001.jpg": jpeg()}, listed=["001.jpg"])
    record = (folder / "record.yaml").read_bytes()
    locked, cut = tmp_path / "locked.pdf", tmp_path / "cut.pdf"
    locked.write_bytes(encrypted(three_page_pdf()))
    cut.write_bytes(three_page_pdf()[:400])
    for source, why in ((locked, "a PDF protected by a password (encrypted)"), (cut, "not a readable PDF")):
        result = run("add-scan", "-c", root, "AB-2026-0001", source)
        assert result.exit_code == 1 and f"{source}: {why}" in result.output, result.output
    assert [p.name for p in (folder / "scans").iterdir()] == ["001.jpg"]
    assert (folder / "record.yaml").read_bytes() == record

    # copied in by hand and listed: the build names each and publishes the rest
    folder = write_object(root, "AB-2026-0001", {"001.jpg": jpeg(), "002.pdf": locked.read_bytes(),
                                                "003.pdf": cut.read_bytes(), "004.pdf": three_page_pdf()},
                          listed=["001.jpg", "002.pdf", "003.pdf", "004.pdf"])
    report = build(root, tmp_path / "site", cache=tmp_path / "cache", jobs=1)
    found = {p.path: p.found for p in report.problems if p.is_error}
    assert sorted(found) == ["objects/AB-2026-0001/scans/002.pdf", "objects/AB-2026-0001/scans/003.pdf"]
    assert "password" in found["objects/AB-2026-0001/scans/002.pdf"]
    manifest = json.loads((tmp_path / "site" / "iiif" / "AB-2026-0001" / "manifest.json").read_text("utf-8"))
    assert len(manifest["items"]) == 4, "001.jpg and the three pages of 004.pdf"


def test_each_page_of_a_named_pdf_is_named_and_has_its_own_transcript(tmp_path):
    root = tmp_path / "c"
    write_kyvat_yaml(root)
    folder = write_object(root, "AB-2026-0001", {"001.pdf": three_page_pdf()})
    text = (folder / "record.yaml").read_text(encoding="utf-8")
    (folder / "record.yaml").write_text(text + "scans:\n  - file: 001.pdf\n    label: {vi: Thư, en: Letter}\n",
                                        encoding="utf-8")
    (folder / "transcripts").mkdir()
    (folder / "transcripts" / transcript_name("001.pdf", 3)).write_text("Trang ba.", encoding="utf-8")
    collection, problems = read_collection(root)
    scans = collection.object("AB-2026-0001").scans
    assert [(s.page, s.label.vi, s.label.en, s.transcript) for s in scans] == [
        (1, "Thư, trang 1", "Letter, page 1", ""), (2, "Thư, trang 2", "Letter, page 2", ""),
        (3, "Thư, trang 3", "Letter, page 3", "Trang ba.")]
    assert transcript_name("001.pdf", 3) == "001-p3.txt" and transcript_name("001.jpg") == "001.txt"


@pytest.mark.parametrize("dpis, expected_dpi", [([], MIN_DPI), ([150.0], MIN_DPI), ([400.0, 120.0], 400),
                                                 ([2400.0], MAX_DPI)])
def test_a_pdf_page_is_drawn_at_its_scans_resolution_within_bounds(dpis, expected_dpi):
    a4 = (595.0, 842.0)  # points
    scale = make_render_scale(a4, dpis, 10**9)
    assert make_pixel_size(a4, scale) == (math.ceil(595 * expected_dpi / 72), math.ceil(842 * expected_dpi / 72))


def test_a_pdf_page_larger_than_the_pixel_limit_is_drawn_smaller_not_refused():
    a0 = (2384.0, 3370.0)
    width, height = make_pixel_size(a0, make_render_scale(a0, [600.0], 50_000_000))
    assert width * height <= 50_000_000 and width > 5000
