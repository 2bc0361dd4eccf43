"""Masters: add-scan (numbering, checksums, the record kept as written), technical metadata, fixity."""

from __future__ import annotations

import errno
import hashlib
import io
import json
import re
from pathlib import Path

import pytest

from broken_scans import (
    GPS_MARKER,
    camera_exif,
    jpeg,
    swapped_primaries_icc,
    tiff16_rgb,
    truncated,
    write_kyvat_yaml,
    write_object,
)
from click.testing import CliRunner
from PIL import Image

from kyvat import recordedit
from kyvat.build import build
from kyvat.cli import main
from kyvat.i18n import read_words
from kyvat.privacy import to_public
from kyvat.searchdocs import make_search_documents
from kyvat.tiles import to_display
from kyvat.media import read_image, read_image_size, read_technical_metadata
from kyvat.validate import check_collection, load_collection

SAMPLE_RECORDING = next((Path(__file__).resolve().parents[1] / "collection" / "objects").glob("*/scans/*.mp3"))


def run(*args: str):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    return result


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_add_scan_takes_the_next_numbers_and_records_checksums(tmp_path):
    root = tmp_path / "c"
    write_kyvat_yaml(root)
    folder = write_object(root, "AB-2026-0001", {"001.jpg": jpeg(), "002.jpg": jpeg((300, 300))},
                          listed=["001.jpg", "002.jpg"])
    (folder / "scans" / "004.jpg").write_bytes(jpeg((10, 10)))  # on disk, not yet in the record
    before = {p.name: p.read_bytes() for p in (folder / "scans").iterdir()}
    new = [tmp_path / "scan a.JPG", tmp_path / "scan b.tif"]
    new[0].write_bytes(jpeg((500, 400)))
    new[1].write_bytes(tiff16_rgb(8, 6, lambda x, y: (x * 8000, y * 9000, 0)))
    result = run("add-scan", "-c", root, "AB-2026-0001", *new, "--label", "Trang {n}", "--label-en", "Page {n}")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (folder / "scans").iterdir()) == ["001.jpg", "002.jpg", "004.jpg", "005.jpg",
                                                                    "006.tif"]
    assert all((folder / "scans" / name).read_bytes() == data for name, data in before.items())
    assert (folder / "scans" / "005.jpg").read_bytes() == new[0].read_bytes()
    assert f"objects/AB-2026-0001/scans/006.tif\tsha256 {sha(new[1])}" in result.output
    text = (folder / "record.yaml").read_text(encoding="utf-8")
    assert "# a comment the curator wrote" in text and "visibility: public  # shown on the site" in text
    (obj,) = load_collection(root).objects
    assert [(s.file, s.sha256) for s in obj.scans] == [
        ("001.jpg", sha(folder / "scans/001.jpg")), ("002.jpg", sha(folder / "scans/002.jpg")),
        ("005.jpg", sha(new[0])), ("006.tif", sha(new[1]))]
    assert (obj.scans[3].label.vi, obj.scans[3].label.en) == ("Trang 4", "Page 4")


def test_add_scan_to_a_record_without_a_list_lists_every_master(tmp_path):
    root = tmp_path / "c"
    write_kyvat_yaml(root)
    folder = write_object(root, "AB-2026-0001", {"001.jpg": jpeg()})
    recording = tmp_path / "interview.mp3"
    recording.write_bytes(SAMPLE_RECORDING.read_bytes())
    assert run("add-scan", "-c", root, "AB-2026-0001", recording).exit_code == 0
    (obj,) = load_collection(root).objects
    assert [(s.file, s.sha256) for s in obj.scans] == [("001.jpg", sha(folder / "scans/001.jpg")),
                                                       ("002.mp3", sha(recording))]
    assert run("verify", "-c", root).exit_code == 0


# A curator's own layout: her key order, comments everywhere, single and double quotes, `-` under
# its key, four-space mappings, folded text, and scalars YAML 1.1 and 1.2 read differently.
CURATORS_RECORD = """\
# Lý lịch hiện vật — her layout, not kyvat's
visibility: 'public'   # 'public' in single quotes, as she likes it
object_type: "letter"
title:
    vi: "Thư: gửi mẹ # không phải chú thích"   # a colon and a hash inside quotes
    en: 'Letter to mother, "the last one"'

scans:   # các trang / the pages
# page 1 was scanned twice; this is the better one
- file: "001.jpg"
  label: {vi: 'Trang 1', en: "Page 1"}   # inline, quoted
  sha256: SHA
# keep this note: the envelope is not scanned yet
id: AB-2026-0001
acquisition:
    method: gift
    date: 2026-01-02        # ngày nhận
description:
    vi: >-
        Một lá thư dài,
        gấp làm tư.
    en: |
        A long letter,
        folded in four.
keywords: [thư, "yes", 'no']
# cuối hồ sơ / end of the record
"""


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_add_scan_changes_no_byte_of_the_record_but_the_new_entries(tmp_path, newline):
    root = tmp_path / "c"
    write_kyvat_yaml(root)
    folder = write_object(root, "AB-2026-0001", {"001.jpg": jpeg()})
    record = folder / "record.yaml"
    old = CURATORS_RECORD.replace("SHA", sha(folder / "scans/001.jpg")).replace("\n", newline)
    record.write_bytes(old.encode("utf-8"))
    record.chmod(0o640)
    new = tmp_path / "page.jpg"
    new.write_bytes(jpeg((300, 200)))
    # "yes" as a label: YAML 1.1 (the build's reader) would read it as true if written plain
    result = run("add-scan", "-c", root, "AB-2026-0001", new, "--label", "Trang {n}", "--label-en", "yes")
    assert result.exit_code == 0, result.output
    last_entry_line = f"  sha256: {sha(folder / 'scans/001.jpg')}{newline}"
    added = newline.join(["- file: 002.jpg", '  label: {vi: Trang 2, en: "yes"}', f"  sha256: {sha(new)}", ""])
    assert record.read_bytes().decode("utf-8") == old.replace(last_entry_line, last_entry_line + added)
    assert record.stat().st_mode & 0o777 == 0o640
    (obj,) = load_collection(root).objects
    assert [(s.file, s.label.en) for s in obj.scans] == [("001.jpg", "Page 1"), ("002.jpg", "yes")]


def test_add_scan_to_an_inline_list_writes_it_one_entry_a_line_keeping_its_comment(tmp_path):
    root = tmp_path / "c"
    write_kyvat_yaml(root)
    folder = write_object(root, "AB-2026-0001", {"001.jpg": jpeg()})
    record = folder / "record.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace(
        "visibility:", "scans: [001.jpg]  # the front only\nvisibility:"), encoding="utf-8")
    new = tmp_path / "back.jpg"
    new.write_bytes(jpeg((300, 200)))
    assert run("add-scan", "-c", root, "AB-2026-0001", new).exit_code == 0
    text = record.read_text(encoding="utf-8")
    assert "# the front only" in text and "  - 001.jpg\n  - file: 002.jpg\n    sha256: " in text
    assert [s.file for s in load_collection(root).objects[0].scans] == ["001.jpg", "002.jpg"]


@pytest.mark.parametrize("listed", ["[001.jpg]", "[]"])
def test_add_scan_to_an_inline_list_keeps_the_comments_below_it_below_it(tmp_path, listed):
    root = tmp_path / "c"
    write_kyvat_yaml(root)
    folder = write_object(root, "AB-2026-0001", {"001.jpg": jpeg()})
    record = folder / "record.yaml"
    old = record.read_text(encoding="utf-8") + f"scans: {listed}  # the front only\n# cuối hồ sơ\n\n# end of the record\n"
    record.write_text(old, encoding="utf-8")
    new = tmp_path / "back.jpg"
    new.write_bytes(jpeg((300, 200)))
    assert run("add-scan", "-c", root, "AB-2026-0001", new).exit_code == 0
    text = record.read_text(encoding="utf-8")
    head, _, tail = text.partition("scans:")
    assert head == old.partition("scans:")[0] and "# the front only\n" in tail
    assert tail.endswith(f"    sha256: {sha(new)}\n# cuối hồ sơ\n\n# end of the record\n"), text


# Two lists, each indented its own way: one dump cannot keep both, so kyvat changes neither.
MIXED_LISTS = {
    "keywords first": "keywords:\n- thư\n- mẹ\nscans:\n  - file: 001.jpg\nvisibility: public\n",
    "scans first": "scans:\n  - file: 001.jpg\nkeywords:\n- thư\n- mẹ\nvisibility: public\n",
}


@pytest.mark.parametrize("order", MIXED_LISTS)
def test_a_record_whose_lists_are_indented_two_ways_is_refused_not_re_indented(tmp_path, order):
    root = tmp_path / "c"
    write_kyvat_yaml(root)
    folder = write_object(root, "AB-2026-0001", {"001.jpg": jpeg()})
    record = folder / "record.yaml"
    old = record.read_text(encoding="utf-8").replace("visibility: public  # shown on the site\n", MIXED_LISTS[order])
    record.write_text(old, encoding="utf-8")
    new = tmp_path / "back.jpg"
    new.write_bytes(jpeg((300, 200)))
    result = run("add-scan", "-c", root, "AB-2026-0001", new)
    assert result.exit_code == 1, result.output
    assert "expected a record kyvat can change without changing what else it says, found a layout it cannot " \
           "edit safely (line " in result.output and "edit it by hand" in result.output
    assert record.read_text(encoding="utf-8") == old
    assert [p.name for p in (folder / "scans").iterdir()] == ["001.jpg"]


def test_a_save_from_a_text_editor_during_the_edit_is_kept_and_the_edit_refused(tmp_path, monkeypatch):
    root = tmp_path / "c"
    write_kyvat_yaml(root)
    folder = write_object(root, "AB-2026-0001", {"001.jpg": jpeg()}, listed=["001.jpg"])
    record = folder / "record.yaml"
    saved = record.read_text(encoding="utf-8").replace("title: {vi: Thư, en: Letter}", "title: {vi: Thư mẹ}")
    real_dump = recordedit.YAML.dump

    def dump_while_she_saves(self, data, stream):
        record.write_text(saved, encoding="utf-8")  # her editor saves between kyvat's read and its write
        real_dump(self, data, stream)

    monkeypatch.setattr(recordedit.YAML, "dump", dump_while_she_saves)
    new = tmp_path / "page.jpg"
    new.write_bytes(jpeg((300, 200)))
    result = run("add-scan", "-c", root, "AB-2026-0001", new)
    assert result.exit_code == 1
    assert "record.yaml: error: expected a record no other program changes during the edit, found a file that " \
           "changed meanwhile; nothing was written" in result.output
    assert record.read_text(encoding="utf-8") == saved
    assert [p.name for p in (folder / "scans").iterdir()] == ["001.jpg"]


def test_a_linked_record_is_changed_where_it_points_inside_the_collection_never_outside(tmp_path):
    root = tmp_path / "c"
    write_kyvat_yaml(root)
    folder = write_object(root, "AB-2026-0001", {"001.jpg": jpeg()}, listed=["001.jpg"])
    record = folder / "record.yaml"
    kept = root / "records" / "AB-2026-0001.yaml"  # the curator keeps her records together, linked
    kept.parent.mkdir()
    record.rename(kept)
    record.symlink_to(Path("..", "..", "records", "AB-2026-0001.yaml"))
    new = tmp_path / "page.jpg"
    new.write_bytes(jpeg((300, 200)))
    assert run("add-scan", "-c", root, "AB-2026-0001", new).exit_code == 0
    assert record.is_symlink() and "file: 002.jpg" in kept.read_text(encoding="utf-8")

    outside = tmp_path / "elsewhere.yaml"
    kept.rename(outside)
    record.unlink()
    record.symlink_to(outside)
    before = outside.read_bytes()
    new.write_bytes(jpeg((200, 300)))  # another page: the same one again is refused as a second copy
    result = run("add-scan", "-c", root, "AB-2026-0001", new)
    assert result.exit_code == 1
    assert f"expected a record inside the collection, found a symbolic link to {outside}, outside it" in result.output
    assert outside.read_bytes() == before and record.is_symlink()
    assert sorted(p.name for p in (folder / "scans").iterdir()) == ["001.jpg", "002.jpg"]


def test_a_save_that_fails_half_way_leaves_the_record_and_the_scans_as_they_were(tmp_path, monkeypatch):
    root = tmp_path / "c"
    write_kyvat_yaml(root)
    folder = write_object(root, "AB-2026-0001", {"001.jpg": jpeg()}, listed=["001.jpg"])
    record = (folder / "record.yaml").read_bytes()
    real_dump = recordedit.YAML.dump

    def dump_half_then_fail(self, data, stream):
        whole = io.StringIO()
        real_dump(self, data, whole)
        stream.write(whole.getvalue()[:40])
        stream.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(recordedit.YAML, "dump", dump_half_then_fail)
    new = tmp_path / "page.jpg"
    new.write_bytes(jpeg((300, 200)))
    result = run("add-scan", "-c", root, "AB-2026-0001", new)
    assert result.exit_code == 1
    assert "objects/AB-2026-0001/record.yaml: error: expected a file kyvat can save, found No space left" \
        in result.output
    assert (folder / "record.yaml").read_bytes() == record
    assert sorted(p.name for p in folder.iterdir()) == ["record.yaml", "scans"], "no temporary file is left"
    assert [p.name for p in (folder / "scans").iterdir()] == ["001.jpg"], "the copy the record lacks is removed"


def test_an_edit_the_build_would_read_otherwise_is_refused_and_nothing_is_kept(tmp_path, monkeypatch):
    root = tmp_path / "c"
    write_kyvat_yaml(root)
    folder = write_object(root, "AB-2026-0001", {"001.jpg": jpeg()}, listed=["001.jpg"])
    record = (folder / "record.yaml").read_bytes()
    monkeypatch.setattr(recordedit, "make_scalar", lambda text: text)  # a slip: `yes` left unquoted
    new = tmp_path / "page.jpg"
    new.write_bytes(jpeg((300, 200)))
    result = run("add-scan", "-c", root, "AB-2026-0001", new, "--label", "yes")
    assert result.exit_code == 1 and "a layout it cannot edit safely" in result.output
    assert (folder / "record.yaml").read_bytes() == record
    assert [p.name for p in (folder / "scans").iterdir()] == ["001.jpg"]


def test_add_scan_refuses_a_broken_or_foreign_file_and_copies_nothing(tmp_path):
    root = tmp_path / "c"
    write_kyvat_yaml(root)
    folder = write_object(root, "AB-2026-0001", {"001.jpg": jpeg()}, listed=["001.jpg"])
    record = (folder / "record.yaml").read_bytes()
    good, cut, doc = tmp_path / "good.jpg", tmp_path / "cut.jpg", tmp_path / "letter.docx"
    good.write_bytes(jpeg())
    cut.write_bytes(truncated(jpeg((800, 600), quality=95)))
    doc.write_bytes(b"PK\x03\x04")
    result = run("add-scan", "-c", root, "AB-2026-0001", good, cut)
    assert result.exit_code == 1
    assert f"{cut}: damaged or cut short (truncated)" in result.output
    result = run("add-scan", "-c", root, "AB-2026-0001", doc)
    assert result.exit_code == 1 and "'.docx' files are not accepted" in result.output
    assert [p.name for p in (folder / "scans").iterdir()] == ["001.jpg"]
    assert (folder / "record.yaml").read_bytes() == record


def test_verify_passes_then_names_a_flipped_byte_and_a_missing_master(sample_copy):
    result = run("verify", "-c", sample_copy)
    assert result.exit_code == 0, result.output
    assert "0 changed or missing" in result.output
    masters = sorted((sample_copy / "objects").glob("*/scans/*"))
    flipped, gone = masters[0], masters[-1]
    data = bytearray(flipped.read_bytes())
    data[len(data) // 2] ^= 0x01
    flipped.write_bytes(bytes(data))
    gone.unlink()
    result = run("verify", "-c", sample_copy, "--quiet")
    assert result.exit_code == 1
    rel = lambda p: p.relative_to(sample_copy).as_posix()
    assert f"{rel(flipped)}: changed: expected sha256 " in result.output
    assert f"found {sha(flipped)}" in result.output
    assert f"{rel(gone)}: missing" in result.output
    assert "2 changed or missing" in result.output


def test_technical_metadata_of_a_camera_jpeg_keeps_gps_private(tmp_path):
    path = tmp_path / "001.jpg"
    path.write_bytes(jpeg((640, 480), exif=camera_exif(orientation=6, gps=True)))
    meta = read_technical_metadata(path, 10**8)
    assert meta["format"] == "JPEG" and meta["pixels"] == "640 × 480" and meta["bit depth"] == 8
    assert (meta["camera make"], meta["camera model"], meta["software"]) == ("Nikon", "D750", "ScanStudio 2")
    assert meta["orientation"] == "6 (rotated 90° clockwise)"
    assert meta["sha256"] == sha(path)
    assert meta["GPS position"] == "present in the master (private: never published)"
    shown = str({k: v for k, v in meta.items() if k != "sha256"})
    assert GPS_MARKER not in shown and "106" not in shown and "61/2" not in shown, "no coordinates are shown"


def test_technical_metadata_reads_16_bit_depth_and_icc(tmp_path):
    path = tmp_path / "001.tif"
    path.write_bytes(tiff16_rgb(30, 20, lambda x, y: (x, y, 0), icc=swapped_primaries_icc()))
    meta = read_technical_metadata(path, 10**8)
    assert (meta["format"], meta["bit depth"], meta["ICC profile"]) == ("TIFF", 16, "embedded")


def test_show_prints_each_scans_technical_metadata(tmp_path):
    root = tmp_path / "c"
    write_kyvat_yaml(root)
    write_object(root, "AB-2026-0001", {"001.jpg": jpeg((640, 480), exif=camera_exif(gps=True)),
                                        "002.mp3": SAMPLE_RECORDING.read_bytes()})
    result = run("show", "-c", root, "AB-2026-0001")
    assert result.exit_code == 0, result.output
    assert "1. scans/001.jpg" in result.output and "pixels: 640 × 480" in result.output
    assert "camera model: D750" in result.output and "GPS position: present" in result.output
    assert "2. scans/002.mp3" in result.output and "duration: " in result.output


def test_image_size_from_the_header_is_the_upright_size(tmp_path):
    tiff, photo = tmp_path / "001.tif", tmp_path / "002.jpg"
    tiff.write_bytes(tiff16_rgb(60, 40, lambda x, y: (0, 0, 0), orientation=6))
    photo.write_bytes(jpeg((60, 40), exif=camera_exif(orientation=6)))
    assert read_image_size(tiff) == read_image_size(photo) == (40, 60)
    assert read_image_size(tmp_path / "001.tif") == to_display(read_image(tiff, 10**6)[0])[0].size


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L"])
def test_every_exif_orientation_is_shown_upright(mode):
    upright = Image.new(mode, (6, 4))
    upright.putdata([tuple([16 * i] * len(mode)) if len(mode) > 1 else 16 * i for i in range(24)])
    if mode == "RGBA":
        upright.putalpha(255)
    # How each orientation stores an upright picture (EXIF 2.3, tag 274), as Pillow's names say it
    stored_as = {1: None, 2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
                 4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_90,
                 7: Image.Transpose.TRANSVERSE, 8: Image.Transpose.ROTATE_270}
    expected = list(upright.convert("RGB" if len(mode) > 1 else "L").getdata())
    for orientation, turn in stored_as.items():
        stored = upright.transpose(turn) if turn is not None else upright
        exif = Image.Exif()
        exif[0x0112] = orientation
        png = io.BytesIO()
        stored.save(png, "PNG", exif=exif)
        with Image.open(png) as master:
            master.load()
            shown, notes = to_display(master)
        assert (shown.size, list(shown.getdata()), notes) == (upright.size, expected, []), orientation


def test_a_default_scan_label_counts_the_scans_kept_as_the_canvas_anchor_and_search_do(tmp_path):
    """The first listed scan is missing: the scan shown first is page 1 everywhere (its section
    #p1, canvas 1, its search document), not "Trang 2" after a page the visitor never sees."""
    root = tmp_path / "c"
    write_kyvat_yaml(root)
    folder = write_object(root, "AB-2026-0001", {"001.jpg": jpeg(), "002.jpg": jpeg((300, 200))},
                          listed=["000.jpg", "001.jpg", "002.jpg"])
    (folder / "transcripts").mkdir()
    (folder / "transcripts" / "001.txt").write_text("Mẹ kính yêu!", encoding="utf-8")
    report = build(root, tmp_path / "site", cache=tmp_path / "cache", jobs=1, only=("derivatives", "iiif", "site"))
    assert [p.field for p in report.problems] == ["scans[0].file"]
    page = (tmp_path / "site" / "objects" / "AB-2026-0001" / "index.html").read_text(encoding="utf-8")
    sections = re.findall(r'<section class="scan[^"]*" id="(p\d+)" aria-label="([^"]*)"', page)
    assert sections == [("p1", "Trang 1"), ("p2", "Trang 2")]
    manifest = json.loads((tmp_path / "site" / "iiif" / "AB-2026-0001" / "manifest.json").read_text("utf-8"))
    assert [(c["id"].rsplit("/", 1)[-1], c["label"]["vi"][0], c["label"]["en"][0]) for c in manifest["items"]] \
        == [("1", "Trang 1", "Page 1"), ("2", "Trang 2", "Page 2")]
    (doc,) = [d for d in make_search_documents(to_public(check_collection(root)[0]), read_words(root)) if d.kind == "transcript"]
    assert (doc.page, doc.url.rsplit("#", 1)[-1], doc.title.vi.endswith("Trang 1")) == (1, "p1", True), doc.title
