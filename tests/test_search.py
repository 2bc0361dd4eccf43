"""The research index (Whoosh), the public `kyvat.search` and `kyvat.open_index`, the `kyvat search`
command, and what both search indexes may hold: never a private value or a restricted object."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from whoosh.codec import whoosh3

import kyvat
from kyvat import diskclock, research, researchindex, sitesearch, whooshinternals
from kyvat.cli import main
from kyvat.errors import CollectionInvalid
from kyvat.i18n import make_scan_label, read_words
from kyvat.model import (Acquisition, Artifact, Collection, Config, Date, Person, PersonLink, Place, Scan, Source,
                         Text)
from kyvat.privacy import hidden_names, to_public
from kyvat.searchdocs import SearchDoc, make_search_documents
from kyvat.urls import Urls
from kyvat.validate import load_collection
from kyvat.vietnamese import make_terms

from conftest import FIXTURE_COLLECTION, SAMPLE_COLLECTION
from leaks import find_leaks, planted_markers

SRC = Source("test")
WORDS = read_words(None)  # records.py names unlabelled scans with these


def _date(edtf: str, year_from: int, year_to: int) -> Date:
    return Date(edtf, edtf, dt.date(year_from, 1, 1), dt.date(year_to, 12, 31))


def _object(oid, title, description="", transcripts=(), object_type="letter", people=(), date=None, places=(),
            method="gift"):
    return Artifact(id=oid, title=Text(vi=title), object_type=object_type, source=SRC,
                    description=Text(vi=description), date=date, places=places,
                    scans=tuple(Scan(file=f"{n:03}.jpg", label=make_scan_label(WORDS, "image", object_type, n),
                                     transcript=t) for n, t in enumerate(transcripts, 1)),
                    people=tuple(PersonLink(p, "author") for p in people), acquisition=Acquisition(method=method))


def _collection(*objects) -> Collection:
    return Collection(
        config=Config(name=Text("Nhà truyền thống"), base_url="https://example.vn/", source=SRC), root=".",
        objects=objects,
        people=(Person(id="nguyen-van-duc", kind="martyr", name="Nguyễn Văn Đức", source=SRC, publish_name=True),))


LETTER = _object("AB-2026-0001", "Thư gửi mẹ", "Liệt sĩ Nguyễn Văn Đức viết từ mặt trận.",
                 ["Mẹ kính yêu! Đơn vị con hành quân qua Quảng Bình.", "Con hôn mẹ. Đức"],
                 people=("nguyen-van-duc",), date=_date("1972-03-12", 1972, 1972),
                 places=(Place("khu phố An Biên, quận Lê Chân cũ, Hải Phòng", "phường An Biên"),))
NOTICE = _object("AB-2026-0002", "Giấy báo tử", "Báo tin liệt sỹ Quí hy sinh; mộ có mã số.",
                 object_type="document", date=_date("1968", 1968, 1968), method="copy")
GRAVE = _object("AB-2026-0003", "Ảnh mả tổ", "Ảnh chụp mả tổ ở quê, mả mới đắp.", object_type="photograph")


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    research.write_index(make_search_documents(_collection(LETTER, NOTICE, GRAVE), WORDS), tmp_path / "index")
    return tmp_path / "index"


def keys(results) -> list[str]:
    return [h.key for h in results.hits]


def test_folded_queries_find_the_words_with_diacritics(index_dir):
    assert set(keys(research.search_index(index_dir, "liet si"))) == {"object:AB-2026-0001", "object:AB-2026-0002"}
    assert "transcript:AB-2026-0001:2" in keys(research.search_index(index_dir, "duc"))
    assert keys(research.search_index(index_dir, "thu gui me"))[0] == "object:AB-2026-0001"


def test_spelling_variants_and_d_with_stroke(index_dir):
    assert keys(research.search_index(index_dir, "Quý")) == ["object:AB-2026-0002"]
    assert set(keys(research.search_index(index_dir, "liệt sĩ"))) == set(keys(research.search_index(index_dir, "liet sy")))
    assert keys(research.search_index(index_dir, "liệt sĩ"))[0] == "object:AB-2026-0001"  # typed as written there
    assert set(keys(research.search_index(index_dir, "đức"))) == set(keys(research.search_index(index_dir, "DUC")))


def test_exact_diacritics_rank_first(index_dir):
    assert keys(research.search_index(index_dir, "mã"))[0] == "object:AB-2026-0002"
    assert keys(research.search_index(index_dir, "mả"))[0] == "object:AB-2026-0003"
    assert set(keys(research.search_index(index_dir, "mả"))) == {"object:AB-2026-0002", "object:AB-2026-0003"}


def test_each_transcribed_page_is_its_own_hit(index_dir):
    hit = research.search_index(index_dir, "quang binh").hits[0]
    assert (hit.key, hit.kind, hit.page, hit.url) == ("transcript:AB-2026-0001:1", "transcript", 1,
                                                       "objects/AB-2026-0001/#p1")
    assert hit.target == "object:AB-2026-0001"
    assert hit.title["vi"].startswith("Thư gửi mẹ")


def test_snippets_show_the_original_diacritics(index_dir):
    hit = research.search_index(index_dir, "quang binh").hits[0]
    assert "<mark>Quảng</mark> <mark>Bình</mark>" in hit.snippet


def test_phrases_boolean_fields_and_fuzzy(index_dir):
    assert keys(research.search_index(index_dir, '"hon me"')) == ["transcript:AB-2026-0001:2"]
    assert keys(research.search_index(index_dir, '"me hon"')) == []
    assert keys(research.search_index(index_dir, 'title:"gui me"', kind="object")) == ["object:AB-2026-0001"]
    assert keys(research.search_index(index_dir, 'title:"hon me"')) == []  # in the text, not the title
    assert keys(research.search_index(index_dir, '"con hon me"')) == ["transcript:AB-2026-0001:2"]
    assert keys(research.search_index(index_dir, '"con me hon"')) == []  # the same words in another order
    assert set(keys(research.search_index(index_dir, "giay OR thu", kind="object"))) == {
        "object:AB-2026-0001", "object:AB-2026-0002"}
    assert keys(research.search_index(index_dir, "liet NOT quy")) == ["object:AB-2026-0001"]
    assert keys(research.search_index(index_dir, "type:document")) == ["object:AB-2026-0002"]
    assert "object:AB-2026-0001" in keys(research.search_index(index_dir, "nguyen van dux~"))


def test_filters_years_type_person_place(index_dir):
    assert keys(research.search_index(index_dir, "liet si", year_from=1970)) == ["object:AB-2026-0001"]
    assert keys(research.search_index(index_dir, "liet si", year_to=1969)) == ["object:AB-2026-0002"]
    assert keys(research.search_index(index_dir, "liet si", type="document")) == ["object:AB-2026-0002"]
    assert set(keys(research.search_index(index_dir, "", person="nguyen-van-duc", kind="object"))) == {
        "object:AB-2026-0001"}
    assert keys(research.search_index(index_dir, "", place="le chan cu", kind="object")) == ["object:AB-2026-0001"]
    with pytest.raises(research.SearchError, match="unknown search filter 'colour'"):
        research.search_index(index_dir, "duc", colour="red")


def test_facets_count_every_hit(index_dir):
    facets = research.search_index(index_dir, "", limit=1).facets
    assert facets["kind"] == {"object": 3, "person": 1, "transcript": 2}
    assert facets["type"] == {"document": 1, "letter": 3, "photograph": 1}
    assert facets["decade"] == {"1960": 1, "1970": 3}
    assert facets["method"] == {"copy": 1, "gift": 4}
    assert facets["person"] == {"nguyen-van-duc": 4}
    assert facets["place"]["khu phố An Biên, quận Lê Chân cũ, Hải Phòng"] == 3


def test_index_is_updated_incrementally(tmp_path):
    where = tmp_path / "index"
    first = research.write_index(make_search_documents(_collection(LETTER, NOTICE), WORDS), where)
    assert (first.added, first.updated, first.removed) == (5, 0, 0)
    again = research.write_index(make_search_documents(_collection(LETTER, NOTICE), WORDS), where)
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 5)
    changed = replace(NOTICE, title=Text(vi="Giấy báo tử liệt sĩ Quý"))
    update = research.write_index(make_search_documents(_collection(LETTER, changed, GRAVE), WORDS), where)
    assert (update.added, update.updated, update.removed, update.unchanged) == (1, 1, 0, 4)
    assert keys(research.search_index(where, "title:quy")) == ["object:AB-2026-0002"]
    shrunk = research.write_index(make_search_documents(_collection(NOTICE), WORDS), where)
    assert shrunk.removed == 4 and keys(research.search_index(where, "thu gui me")) == []


def test_a_damaged_index_is_rebuilt_from_the_records(tmp_path):
    where = tmp_path / "index"
    research.write_index(make_search_documents(_collection(LETTER, NOTICE), WORDS), where)
    for toc in where.glob("*.toc"):  # the index is a cache: a damaged one must not stop a search
        toc.write_bytes(b"not a whoosh table of contents")
    rebuilt = research.write_index(make_search_documents(_collection(LETTER, NOTICE), WORDS), where)
    assert (rebuilt.added, rebuilt.unchanged) == (5, 0)
    assert keys(research.search_index(where, "thu gui me"))


def test_public_search_function_and_command_on_the_sample(sample_copy):
    for query, expected in (("liet si", "AB-2026-0003"), ("duc", "AB-2026-0001"), ("thu gui me", "AB-2026-0001")):
        results = kyvat.search(sample_copy, query, limit=None)
        assert f"object:{expected}" in {h.target for h in results.hits}
    result = CliRunner().invoke(main, ["search", "-c", str(sample_copy), "thu gui me", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["hits"][0]["title"]["vi"] == "Thư gửi mẹ"
    text = CliRunner().invoke(main, ["search", "-c", str(sample_copy), "liet si", "--type", "diary"])
    assert text.exit_code == 0 and "Nhật ký" in text.output
    bad = CliRunner().invoke(main, ["search", "-c", str(sample_copy), "title:(unclosed"])
    assert bad.exit_code == 0


def _folded_forms(markers: set[str]) -> set[str]:
    """The forms the indexes store words in: folded terms, joined as the site's records join them."""
    return {" ".join(make_terms(m)) for m in markers if make_terms(m)}


def test_no_private_value_reaches_either_index(built_fixture):
    collection = load_collection(FIXTURE_COLLECTION)
    markers = planted_markers(FIXTURE_COLLECTION, hidden_names(collection))
    assert markers, "the fixture collection plants markers"
    pagefind = built_fixture / "pagefind"
    assert any(pagefind.rglob("*.pf_index")) and any((built_fixture / Urls.search_texts()).iterdir())
    assert find_leaks(pagefind, markers | _folded_forms(markers)) == []
    index = built_fixture.parent / "cache" / "index"
    assert find_leaks(index, markers | _folded_forms(markers)) == []
    for marker in sorted(markers):
        assert research.search_index(index, f'"{marker}"', limit=None).total == 0, marker


def test_the_site_records_hold_search_terms_once_and_the_original_text_apart(tmp_path):
    docs = make_search_documents(to_public(_collection(LETTER)), WORDS)
    records = sitesearch.make_records(docs)
    assert [d.key for d, _ in records if d.kind == "transcript"] == []  # pages are part of their object
    obj, pages = next((d, p) for d, p in records if d.key == "object:AB-2026-0001")
    assert [p.page for p in pages] == [1, 2]
    record = sitesearch.make_record_html(obj, pages)
    heading, body = record.split("<h1>")[1].split("</h1><p>")
    body = body.split("</p>")[0]
    # The title's terms and pairs in the heading; every other term and pair once, page 2's too.
    assert heading.split() == ["thu", "zzthu0gui", "gui", "zzgui0me", "me"]
    tokens = body.split()
    assert len(tokens) == len(set(tokens)) and not set(tokens) & set(heading.split())
    assert {"liet", "si", "zzliet0si", "duc", "zzhon0me", "zzme0duc", "quang", "binh"} <= set(tokens)
    assert "Đức" not in record and "mẹ" not in record
    assert sitesearch.record_path("objects/AB-2026-0001/#p2") == "objects/AB-2026-0001/index.html"
    assert sitesearch.record_path("") == "index.html"

    out = sitesearch.write_site_index(docs, tmp_path).path
    texts = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in (tmp_path / Urls.search_texts()).iterdir()}
    assert len(texts) == len(records)  # one text per Pagefind result, named after it
    letter = next(t for t in texts.values() if t["key"] == "object:AB-2026-0001")
    assert letter["kind"] == "object" and letter["url"] == "objects/AB-2026-0001/"
    assert letter["pages"]["2"] == {"key": "transcript:AB-2026-0001:2", "url": "objects/AB-2026-0001/#p2",
                                    "title": {"vi": "Thư gửi mẹ — Trang 2", "en": "Thư gửi mẹ — Page 2"},
                                    "text": "Con hôn mẹ. Đức"}
    assert json.loads((tmp_path / Urls.search_analysis()).read_text())["variants"]["sy"] == "si"
    # One index for every language, and no fragments: the texts stand in for them.
    assert list(json.loads((out / "pagefind-entry.json").read_text())["languages"]) == ["vi"]
    assert not (out / "fragment").exists()
    meta = next(out.glob("pagefind.vi_*.pf_meta"))
    assert {t.removesuffix(".json") for t in texts} <= set(_strings(gzip.decompress(meta.read_bytes())))


def test_a_large_site_index_is_made_in_parts_the_browser_merges_in(tmp_path):
    """Past PART_RECORDS records the index is made in parts (a power of two of them), each record in
    the part of its key; a part merged in holds only its entry, page list and chunks (the browser
    runs the first part's engine), and names its records with its own language tag, so every
    record's text has a name of its own; the analysis file lists the parts to merge in."""
    assert [sitesearch.count_parts(n, 100) for n in (0, 1, 100, 101, 200, 201, 401, 1600)] == [1, 1, 1, 2, 2, 4, 8, 16]
    docs = [SearchDoc(key=f"page:p{i}", kind="page", title=Text(vi=f"Trang {i}"), text=f"liệt sĩ số {i}",
                      url=f"p{i}/") for i in range(9)]
    index = sitesearch.write_site_index(docs, tmp_path, most=2)
    assert list(index.keys) == [Urls.pagefind_part(n) for n in range(8) if any(
        sitesearch.part_of(d.key, 8) == n for d in docs)] and index.made == len(index.keys) > 1
    assert json.loads((tmp_path / Urls.search_analysis()).read_text())["parts"] == [
        name.removeprefix(Urls.pagefind()) for name in list(index.keys)[1:]]
    texts = {p.name.removesuffix(".json"): json.loads(p.read_text()) for p in (tmp_path / Urls.search_texts()).iterdir()}
    assert sorted(t["key"] for t in texts.values()) == sorted(d.key for d in docs)
    for name, ids in index.ids.items():
        n = int(name.removeprefix(Urls.pagefind()).strip("/").split("-")[-1]) if name != Urls.pagefind() else 0
        assert {texts[i]["key"] for i in ids.split()} == {d.key for d in docs if sitesearch.part_of(d.key, 8) == n}
        assert all(i.startswith(sitesearch.part_language(n) + "_") for i in ids.split())
        if n:
            own = sorted(p.relative_to(tmp_path / name).as_posix() for p in (tmp_path / name).rglob("*") if p.is_file())
            assert "pagefind-entry.json" in own and any(p.startswith("index/") for p in own)
            assert [p for p in own if not p.endswith((".pf_index", ".pf_meta", "pagefind-entry.json"))] == []
    assert (tmp_path / Urls.pagefind_script()).is_file()


def _strings(data: bytes) -> list[str]:
    """The ASCII words in binary data: Pagefind's page ids in its page list."""
    return [m.decode() for m in re.findall(rb"[a-z]{2}_[0-9a-f]{7}", data)]


def test_an_index_from_another_analysis_is_rebuilt(tmp_path, monkeypatch):
    where = tmp_path / "index"
    research.write_index(make_search_documents(_collection(LETTER), WORDS), where)
    monkeypatch.setattr(research, "ANALYSIS_VERSION", "test")
    again = research.write_index(make_search_documents(_collection(LETTER), WORDS), where)
    assert again.added == 4 and again.unchanged == 0
    shutil.rmtree(where)


# -- the research index held open (kyvat.open_index) ----------------------------------------------

def _count_reads(monkeypatch) -> list[Path]:
    """Each time the records are read, their folder."""
    reads: list[Path] = []
    real = researchindex.load_collection

    def counting(root, *args, **kwargs):
        reads.append(Path(root))
        return real(root, *args, **kwargs)

    monkeypatch.setattr(researchindex, "load_collection", counting)
    return reads


def _retitle(record: Path, old: str, new: str, keep_time_ns: int | None = None) -> None:
    text = record.read_text(encoding="utf-8")
    assert f"vi: {old}\n" in text
    record.write_text(text.replace(f"vi: {old}\n", f"vi: {new}\n"), encoding="utf-8")
    if keep_time_ns is not None:
        os.utime(record, ns=(keep_time_ns, keep_time_ns))


def test_a_repeated_search_does_not_read_the_records_again(sample_copy, monkeypatch):
    reads = _count_reads(monkeypatch)
    first = kyvat.search(sample_copy, "thu gui me")
    again = kyvat.search(sample_copy, "thu gui me", type="letter")
    assert reads == [sample_copy] and keys(first)[0] == keys(again)[0] == "object:AB-2026-0001"
    assert kyvat.open_index(sample_copy) is kyvat.open_index(sample_copy.parent / "." / sample_copy.name)
    assert kyvat.open_index(sample_copy).refresh() is False and len(reads) == 1
    shutil.rmtree(kyvat.open_index(sample_copy).folder)  # a cache may be cleared at any time
    assert keys(kyvat.search(sample_copy, "thu gui me"))[0] == "object:AB-2026-0001" and len(reads) == 2


def test_an_edited_record_is_searched_as_edited(sample_copy, monkeypatch):
    reads = _count_reads(monkeypatch)
    record = sample_copy / "objects" / "AB-2026-0001" / "record.yaml"
    assert kyvat.search(sample_copy, "thu gui me").hits[0].title["vi"] == "Thư gửi mẹ"
    _retitle(record, "Thư gửi mẹ", "Thư gửi chị")
    hit = kyvat.search(sample_copy, "thu gui chi").hits[0]
    assert (hit.key, hit.title["vi"]) == ("object:AB-2026-0001", "Thư gửi chị") and len(reads) == 2
    # Edited again within the same clock tick, to the same size: time and size cannot tell.
    written = record.stat()
    _retitle(record, "Thư gửi chị", "Thư gửi cậu", keep_time_ns=written.st_mtime_ns)
    assert (record.stat().st_size, record.stat().st_mtime_ns) == (written.st_size, written.st_mtime_ns)
    assert kyvat.search(sample_copy, "thu gui cau").hits[0].title["vi"] == "Thư gửi cậu" and len(reads) == 3


def test_a_broken_record_is_reported_at_every_search_until_mended(sample_copy):
    record = sample_copy / "objects" / "AB-2026-0001" / "record.yaml"
    index = kyvat.open_index(sample_copy)
    assert index.search("thu gui me").total
    good = record.read_text(encoding="utf-8")
    record.write_text(good.replace("object_type:", "object_typ:"), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(CollectionInvalid):
            index.search("thu gui me")
    record.write_text(good, encoding="utf-8")
    assert index.search("thu gui me").total


def test_the_collections_own_words_name_the_scans_searched(sample_copy):
    # records.py names an unlabelled scan from the collection's word table: a change there is a change of records.
    index = kyvat.open_index(sample_copy)
    assert index.search("Sheet").total == 0
    (sample_copy / "site_templates").mkdir()
    (sample_copy / "site_templates" / "i18n.yaml").write_text('scan.page: {vi: "Tờ {n}", en: "Sheet {n}"}\n',
                                                              encoding="utf-8")
    assert index.refresh() is True
    assert "transcript:AB-2026-0003:1" in keys(index.search("Sheet"))


def test_a_collection_is_the_one_named_whatever_the_working_folder(tmp_path, monkeypatch):
    for house, title in (("a", "Thư gửi chị"), ("b", "Thư gửi cậu")):
        shutil.copytree(SAMPLE_COLLECTION, tmp_path / house / "collection")
        _retitle(tmp_path / house / "collection" / "objects" / "AB-2026-0001" / "record.yaml", "Thư gửi mẹ", title)
    titles = lambda results: {hit.title["vi"] for hit in results.hits}  # noqa: E731
    monkeypatch.chdir(tmp_path / "a")
    assert "Thư gửi chị" in titles(kyvat.search("collection", "thu gui"))
    monkeypatch.chdir(tmp_path / "b")
    found = titles(kyvat.search(tmp_path / "a" / "collection", "thu gui", limit=None))
    assert "Thư gửi chị" in found and "Thư gửi cậu" not in found
    assert kyvat.open_index("collection").root == tmp_path / "b" / "collection"


def _age(root: Path, clock: Path) -> None:
    """Every file and folder under `root` last modified an hour ago, by the file system's clock
    (`clock`: a folder on the same disk)."""
    clock.mkdir(parents=True, exist_ok=True)
    past = diskclock.read_disk_time(clock) - 3600 * 10**9
    for path in sorted(root.rglob("*"), reverse=True) + [root]:  # a folder's time after its files'
        os.utime(path, ns=(past, past))


def test_an_unchanged_collection_is_checked_without_listing_its_folders(sample_copy, tmp_path, monkeypatch):
    # git's index, for folders: an entry added, removed or renamed changes the folder's time.
    _age(sample_copy, tmp_path / "clock")
    index = kyvat.open_index(sample_copy)
    index.refresh()
    index.refresh()  # the first look lists every folder; this one remembers those it listed
    listed: list[str] = []  # the collection's folders listed (the index's own are Whoosh's business)
    real = os.scandir

    def scandir(path="."):
        if Path(path).is_relative_to(sample_copy):
            listed.append(str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert index.refresh() is False and listed == []
    scans = sample_copy / "objects" / "AB-2026-0001" / "scans"
    shutil.copy(scans / "001.jpg", scans / "003.jpg")
    assert index.refresh() is True
    transcript = sample_copy / "objects" / "AB-2026-0001" / "transcripts" / "002.txt"
    transcript.write_text(transcript.read_text(encoding="utf-8").replace("Đức", "Đạt"), encoding="utf-8")
    assert index.refresh() is True and "transcript:AB-2026-0001:2" in keys(index.search("Đạt"))
    # A folder changed within the clock tick of a look may change again keeping its time: it is listed again.
    before = scans.stat().st_mtime_ns
    (scans / "003.jpg").unlink()
    os.utime(scans, ns=(before, before))
    assert index.refresh() is True


def test_the_whoosh_internals_read_are_those_of_the_installed_whoosh(index_dir):
    # The posting blocks and lengths read directly agree with what Whoosh's public calls give.
    whooshinternals.check_internals(index_dir, tuple(research.SCORED))


def test_a_whoosh_internal_that_moved_is_named(index_dir, monkeypatch):
    monkeypatch.delattr(whoosh3, "_lenfield")
    moved = r"no whoosh\.codec\.whoosh3\._lenfield any more"
    with pytest.raises(whooshinternals.WhooshChanged, match=moved):
        whooshinternals.check_internals(index_dir, tuple(research.SCORED))
    monkeypatch.undo()
    monkeypatch.setattr(whoosh3, "_lenfield", lambda name: f"_{name}_length")  # renamed column
    with pytest.raises(whooshinternals.WhooshChanged, match="field lengths|private part"):
        whooshinternals.check_internals(index_dir, tuple(research.SCORED))
    monkeypatch.undo()
    real = whoosh3.W3LeafMatcher._read_ids

    def other_encoding(self):  # Whoosh reads its blocks' ids the other way (whole, or as differences)
        self._byteids = not self._byteids
        real(self)
        self._byteids = not self._byteids

    monkeypatch.setattr(whoosh3.W3LeafMatcher, "_read_ids", other_encoding)
    with pytest.raises(whooshinternals.WhooshChanged, match="posting blocks"):
        whooshinternals.check_internals(index_dir, tuple(research.SCORED))
