"""kyvat export-bag: a BagIt bag bagit itself accepts, Dublin Core an archive parses, checksums that
agree with the records, and a public bag with nothing the website does not show."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import bagit
import pytest
from click.testing import CliRunner

from kyvat.archive import ArchiveError, write_bag
from kyvat.cli import main
from kyvat.dublincore import DC, OAI_DC, to_iso_date
from kyvat.model import Date
from kyvat.privacy import hidden_names
from kyvat.validate import load_collection

from conftest import FIXTURE_COLLECTION, SAMPLE_COLLECTION
from leaks import find_leaks, planted_markers
from test_privacy import _private_values  # every private value the sample holds, read from its model

TODAY = dt.date(2026, 9, 1)


def _dc(path) -> dict[str, list[str]]:
    root = ET.parse(path).getroot()
    assert root.tag == f"{{{OAI_DC}}}dc"
    found: dict[str, list[str]] = {}
    for element in root:
        found.setdefault(element.tag.replace(f"{{{DC}}}", ""), []).append(element.text)
    return found


def test_the_bag_validates_and_its_masters_carry_the_records_checksums(tmp_path):
    out = tmp_path / "bag"
    report = write_bag(FIXTURE_COLLECTION, out, today=TODAY)
    bag = bagit.Bag(str(out))
    bag.validate()
    assert report.objects == 4
    entries = bag.payload_entries()
    for obj in load_collection(FIXTURE_COLLECTION, today=TODAY).objects:
        assert (out / "data/collection/objects" / obj.id / "record.yaml").read_bytes() == \
            (FIXTURE_COLLECTION / "objects" / obj.id / "record.yaml").read_bytes()
        for scan in obj.scans:
            assert entries[f"data/collection/objects/{obj.id}/scans/{scan.file}"]["sha256"] == scan.sha256
    assert (out / "data/collection/objects/TT-2026-0001/transcripts/001.txt").is_file()
    assert (out / "data/objects.csv").read_bytes().startswith(b"\xef\xbb\xbfid,title_vi")


def test_each_dublin_core_record_is_xml_with_the_fields(tmp_path):
    write_bag(FIXTURE_COLLECTION, tmp_path / "bag", today=TODAY)
    records = sorted((tmp_path / "bag/data/dublin-core").glob("*.xml"))
    assert [p.stem for p in records] == ["TT-2026-0001", "TT-2026-0002", "TT-2026-0003", "TT-2026-0004"]
    for path in records:
        fields = _dc(path)
        assert {"title", "date", "rights", "identifier", "type"} <= set(fields), path.name
        assert fields["identifier"][0] == path.stem
    letter = _dc(tmp_path / "bag/data/dublin-core/TT-2026-0001.xml")
    assert letter["creator"] == ["Phạm Văn Đức"] and letter["date"] == ["1972-04-05"]
    assert letter["subject"] == ["thư", "liệt sĩ"]
    assert letter["identifier"] == ["TT-2026-0001", "https://test.kyvat.vn/objects/TT-2026-0001/"]
    assert letter["relation"] == ["Nguyễn Thị Hạnh https://test.kyvat.vn/people/nguyen-thi-hanh/"]


def test_dates_are_iso_8601_with_no_more_precision_than_the_record():
    assert to_iso_date(Date("1972", "1972-03/1972-05", dt.date(1972, 3, 1), dt.date(1972, 5, 31))) == "1972-03/1972-05"
    assert to_iso_date(Date("khoảng 1970", "1970~", dt.date(1970, 1, 1), dt.date(1970, 12, 31))) == \
        "1970-01-01/1970-12-31"
    assert to_iso_date(Date("không rõ")) == "" and to_iso_date(None) == ""


def test_the_public_bag_holds_nothing_the_site_does_not_show(tmp_path):
    out = tmp_path / "public"
    report = write_bag(FIXTURE_COLLECTION, out, public=True, today=TODAY)
    bagit.Bag(str(out)).validate()
    collection = load_collection(FIXTURE_COLLECTION, today=TODAY)
    markers = planted_markers(FIXTURE_COLLECTION, hidden_names(collection))
    assert len(markers) > 10
    assert find_leaks(out, markers) == []
    restricted = {o.id for o in collection.objects if not o.is_public}
    assert restricted and report.objects == len(collection.objects) - len(restricted)
    assert not any(r in str(p) for p in out.rglob("*") for r in restricted)
    assert not list(out.rglob("*.yaml")) and not list(out.rglob("*.tif"))
    # the photograph's master holds a GPS position: the bag holds the site's JPEG, without EXIF
    image = (out / "data/images/TT-2026-0002/001.jpg").read_bytes()
    assert image.startswith(b"\xff\xd8") and b"Exif" not in image and b"GPS" not in image
    for path in (out / "data/dublin-core").glob("*.xml"):
        _dc(path)


def test_the_leak_search_sees_the_full_bag(tmp_path):
    """The public test could pass by searching nothing: the full bag holds the same markers."""
    write_bag(FIXTURE_COLLECTION, tmp_path / "bag", today=TODAY)
    collection = load_collection(FIXTURE_COLLECTION, today=TODAY)
    assert find_leaks(tmp_path / "bag", planted_markers(FIXTURE_COLLECTION, hidden_names(collection)))


def test_a_changed_master_stops_the_bag_before_it_is_made(collection_copy, tmp_path):
    master = collection_copy / "objects/TT-2026-0001/scans/002.jpg"
    master.write_bytes(master.read_bytes() + b"\0")
    with pytest.raises(ArchiveError) as caught:
        write_bag(collection_copy, tmp_path / "bag", today=TODAY)
    assert [(r.path, r.status) for r in caught.value.details] == [("objects/TT-2026-0001/scans/002.jpg", "changed")]
    assert not (tmp_path / "bag").exists() and [p.name for p in tmp_path.iterdir()] == ["collection"]


def test_the_bag_goes_only_to_a_new_folder_outside_the_collection(collection_copy, tmp_path):
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(ArchiveError, match="not empty"):
        write_bag(collection_copy, taken, today=TODAY)
    assert [p.name for p in taken.iterdir()] == ["notes.txt"]
    with pytest.raises(ArchiveError, match="inside the collection"):
        write_bag(collection_copy, collection_copy / "bag", today=TODAY)
    assert not (collection_copy / "bag").exists()
    (tmp_path / "empty").mkdir()
    write_bag(collection_copy, tmp_path / "empty", today=TODAY)
    bagit.Bag(str(tmp_path / "empty")).validate()


def test_the_command_makes_a_bag_and_names_a_changed_master(collection_copy, tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["--today", "2026-09-01", "export-bag", "-c", str(collection_copy),
                                  str(tmp_path / "bag"), "--public"])
    assert result.exit_code == 0, result.output
    assert "a public bag of 3 object(s)" in result.output
    master = collection_copy / "objects/TT-2026-0003/scans/001.png"
    master.write_bytes(master.read_bytes()[:-1])
    result = runner.invoke(main, ["--today", "2026-09-01", "export-bag", "-c", str(collection_copy),
                                  str(tmp_path / "bag2")])
    assert result.exit_code == 1
    assert "objects/TT-2026-0003/scans/001.png: changed" in result.output
    assert not (tmp_path / "bag2").exists()


def test_no_private_value_of_the_sample_in_its_public_bag(tmp_path):
    write_bag(SAMPLE_COLLECTION, tmp_path / "public", public=True, today=TODAY)
    bagit.Bag(str(tmp_path / "public")).validate()
    values = _private_values(load_collection(SAMPLE_COLLECTION, today=TODAY))
    assert find_leaks(tmp_path / "public", values) == []
