"""The privacy door: nothing private passes `to_public`, and nothing private reaches any built file."""

from __future__ import annotations

import datetime as dt

from click.testing import CliRunner

from kyvat.build import build
from kyvat.cli import main
from kyvat.privacy import hidden_names, is_named_publicly, to_public
from kyvat.validate import load_collection

from conftest import FIXTURE_COLLECTION, SAMPLE_COLLECTION
from leaks import find_leaks, planted_markers


def test_the_fixture_plants_markers_in_every_kind_of_private_field():
    markers = planted_markers(FIXTURE_COLLECTION)
    for kind in ("LOCATION", "RECEIPT", "TERMS", "NOTES", "VALUATION", "PHONE", "FAMILYPHONE", "ADDRESS", "IDCARD"):
        assert any(f"PRIVATE-MARKER-{kind}-" in m for m in markers), kind
    assert any(m.startswith("RESTRICTED-MARKER-") for m in markers)


def test_to_public_drops_restricted_private_and_unconsented():
    collection = load_collection(FIXTURE_COLLECTION)
    public = to_public(collection)
    assert {o.id for o in collection.objects} - {o.id for o in public.objects} == {
        o.id for o in collection.objects if o.visibility == "restricted"}
    assert all(not o.location and not o.private for o in public.objects)
    assert all(o.acquisition.receipt_no == "" and not o.acquisition.terms for o in public.objects if o.acquisition)
    assert all(p.publish_name and not p.contact and not p.private for p in public.people)
    named = {p.id for p in public.people}
    assert all(link.person in named for o in public.objects for link in o.people)
    assert all(o.acquisition.donor in named for o in public.objects if o.acquisition and o.acquisition.donor)
    text = repr(public)
    markers = planted_markers(FIXTURE_COLLECTION, hidden_names(collection))
    assert [m for m in markers if m in text] == []


def test_the_leak_finder_can_fail(tmp_path):
    (tmp_path / "page.html").write_text("<p>tran thi bi mat marker</p>", encoding="utf-8")
    (tmp_path / "PRIVATE-MARKER-X-1.json").write_text("{}", encoding="utf-8")
    # A site search record: the value's terms scattered, its pairs of neighbouring terms kept.
    (tmp_path / "record.html").write_text("<p>receipt zzprivate0marker zzmarker0receipt private zzreceipt02b91 "
                                          "a 2b91 marker</p>", encoding="utf-8")
    (tmp_path / "partial.html").write_text("<p>zzprivate0marker zzmarker0terms</p>", encoding="utf-8")
    leaks = find_leaks(tmp_path, {"Trần Thị Bí Mật Marker", "PRIVATE-MARKER-X-1", "PRIVATE-MARKER-RECEIPT-2b91",
                                  "PRIVATE-MARKER-TERMS-0a17"})
    assert leaks == ["PRIVATE-MARKER-X-1.json: PRIVATE-MARKER-X-1", "page.html: Trần Thị Bí Mật Marker",
                     "record.html: PRIVATE-MARKER-RECEIPT-2b91"]


def test_no_private_value_in_any_built_file(built_fixture):
    collection = load_collection(FIXTURE_COLLECTION)
    markers = planted_markers(FIXTURE_COLLECTION, hidden_names(collection))
    assert find_leaks(built_fixture, markers) == []


def _private_values(collection) -> set[str]:
    """Every private value the catalogue holds, read from the model rather than from planted markers."""
    values: set[str] = set(hidden_names(collection))
    for obj in collection.objects:
        values |= {str(v) for v in obj.location.values()} | {str(v) for v in obj.private.values()}
        if obj.acquisition:
            values |= {obj.acquisition.receipt_no, obj.acquisition.terms.vi, obj.acquisition.terms.en}
        if not obj.is_public:
            values |= {obj.description.vi, obj.history.vi} | ({obj.id} if not obj.is_gone else set())
        if obj.withdrawn:
            values |= set(obj.withdrawn.reason.as_dict().values())
    for person in collection.people:
        values |= {str(v) for v in person.contact.values()} | {str(v) for v in person.private.values()}
        if not is_named_publicly(person):  # a draft too
            values.add(person.id)
    return {v.strip() for v in values if len(v.strip()) >= 8}


def test_no_private_value_of_the_sample_in_any_built_file(built_sample):
    collection = load_collection(SAMPLE_COLLECTION)
    values = _private_values(collection)
    assert len(values) >= 15, "the sample holds private values in every kind of private field"
    assert find_leaks(built_sample, values) == []


def test_a_withdrawn_object_leaves_nothing_but_the_notice_at_its_old_address(collection_copy, tmp_path):
    """TT-2026-0002, a public photograph shown in an exhibition, is withdrawn: its title, its
    description and why it left appear nowhere; its accession number only on its two notice pages."""
    reason = "PRIVATE-MARKER-WITHDRAWN-4c1e Gia đình xin lại ảnh"
    result = CliRunner().invoke(main, ["--today", "2027-01-05", "withdraw", "TT-2026-0002", "-c", str(collection_copy),
                                       "--reason", reason])
    assert result.exit_code == 0, result.output
    collection = load_collection(collection_copy, today=dt.date(2027, 1, 5))
    markers = planted_markers(collection_copy, hidden_names(collection)) | {"Ảnh chụp trước ngày nhập ngũ.",
                                                                             "Taken before he enlisted."}
    assert {reason, "Ảnh chân dung liệt sĩ Phạm Văn Đức", "Portrait of the martyr Phạm Văn Đức"} <= markers
    site = tmp_path / "site"
    build(collection_copy, site, cache=tmp_path / "cache", jobs=1, today=dt.date(2027, 1, 5))
    assert find_leaks(site, markers) == []
    notices = [f"{path}: TT-2026-0002" for path in ("en/objects/TT-2026-0002", "en/objects/TT-2026-0002/index.html",
                                                    "objects/TT-2026-0002", "objects/TT-2026-0002/index.html")]
    assert find_leaks(site, {"TT-2026-0002"}) == notices  # not in the sitemap, IIIF, either search, any list
    for page, first, second in ((site / "objects/TT-2026-0002/index.html", "Hiện vật này đã được rút khỏi bộ sưu tập",
                                 "This object has been withdrawn"),
                                (site / "en/objects/TT-2026-0002/index.html", "This object has been withdrawn",
                                 "Hiện vật này đã được rút khỏi bộ sưu tập")):
        text = page.read_text(encoding="utf-8")
        assert text.index(first) < text.index(second) and '<meta name="robots" content="noindex">' in text
