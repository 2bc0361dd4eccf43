"""Curating after the fact: a scan taken off (its master kept and still checked) or moved, a person
renamed or merged into another (every record follows, comments kept, the old address still leads
to the person's page), and nothing left half-done when a file cannot be changed."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kyvat import personedit, scanedit
from kyvat.build import STAGES, build
from kyvat.catalogue import write_new_person
from kyvat.cli import main
from kyvat.errors import KyvatError, RecordError
from kyvat.layout import Layout
from kyvat.media import read_fixity
from kyvat.privacy import to_public
from kyvat.stages import make_owner
from kyvat.validate import check_collection, load_collection

from conftest import FIXTURE_COLLECTION

TODAY, DAY = "2026-08-05", dt.date(2026, 8, 5)
LETTER = "TT-2026-0001"  # three scans, each with a transcript
MARTYR, NEW_ID = "pham-van-duc", "pham-van-duc-1950"
PAGE_2 = "a75029c03b08d12d1541dc4dcdaf801927a54cdbb1051bd3a4cee7e76de4a07b"  # the letter's 002.jpg


def kyvat(*args: str):
    return CliRunner().invoke(main, ["--lang", "en", "--today", TODAY, *args])


def comment(path: Path, old: str, new: str) -> None:
    """Write a curator's comment into a record, where a command will edit around it."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def problems_of(root: Path) -> list[str]:
    return [str(p) for p in check_collection(root, dt.date.fromisoformat(TODAY))[1]]


# -- scans -------------------------------------------------------------------------------------------

def test_a_removed_scan_is_kept_with_its_transcript_and_still_checked(collection_copy):
    where = Layout.of(collection_copy)
    record = where.record(LETTER)
    comment(record, "  - file: 002.jpg\n", "  - file: 002.jpg  # the back of page 1\n")
    comment(record, "transcription: manual\n", "# scanned at the ward office\ntranscription: manual\n")
    master = where.scan(LETTER, "002.jpg").read_bytes()
    result = kyvat("remove-scan", "-c", str(collection_copy), LETTER, "2", "--reason", "Trùng: trang 1 chụp lại")
    assert result.exit_code == 0, result.output
    assert "scans/.removed/002.jpg" in result.output
    kept = where.removed_scans(LETTER)
    assert (kept / "002.jpg").read_bytes() == master and (kept / "002.txt").is_file()
    assert not where.scan(LETTER, "002.jpg").exists() and not where.transcript(LETTER, "002.jpg").exists()
    text = record.read_text(encoding="utf-8")
    assert "# scanned at the ward office" in text and "# the back of page 1" not in text
    obj = load_collection(collection_copy).object(LETTER)
    assert [s.file for s in obj.scans] == ["001.jpg", "003.jpg"]
    assert obj.private["removed_scans"] == [{"file": "002.jpg", "sha256": PAGE_2, "removed": DAY,
                                             "reason": "Trùng: trang 1 chụp lại"}]
    assert problems_of(collection_copy) == []
    verify = kyvat("verify", "-c", str(collection_copy))
    assert verify.exit_code == 0, verify.output
    assert "objects/TT-2026-0001/scans/.removed/002.jpg: ok" in verify.output
    damaged = bytearray(master)
    damaged[-10] ^= 0xFF  # the kept master is still the house's: a changed byte is reported
    (kept / "002.jpg").write_bytes(bytes(damaged))
    assert [r.path for r in read_fixity(collection_copy).failures] == [
        "objects/TT-2026-0001/scans/.removed/002.jpg"]


def test_a_second_removed_master_of_the_same_name_is_kept_beside_the_first(collection_copy):
    where = Layout.of(collection_copy)
    where.removed_scans(LETTER).mkdir()
    (where.removed_scans(LETTER) / "001.txt").write_text("an earlier removal's transcript", encoding="utf-8")
    removed = scanedit.write_scan_removed(collection_copy, LETTER, 1, "mờ", DAY)
    assert removed.kept_as == "objects/TT-2026-0001/scans/.removed/001 (2).jpg" and removed.transcripts == 1
    assert (where.removed_scans(LETTER) / "001 (2).txt").is_file()
    assert not read_fixity(collection_copy).failures and problems_of(collection_copy) == []


def test_the_master_goes_back_when_the_record_cannot_be_saved(collection_copy, monkeypatch):
    before = snapshot(collection_copy)

    def refuse(path, rel, change, *, root):
        raise RecordError(rel, "", "a record kyvat can save", "a full disk")

    monkeypatch.setattr(scanedit, "write_edit", refuse)
    with pytest.raises(RecordError, match="full disk"):
        scanedit.write_scan_removed(collection_copy, LETTER, 3, "mờ", DAY)
    assert snapshot(collection_copy) == before


def test_a_scan_moved_keeps_the_comments_and_the_fixity_register(collection_copy):
    where = Layout.of(collection_copy)
    record = where.record(LETTER)
    comment(record, "  - file: 003.jpg\n", "  - file: 003.jpg  # stored on its side\n")
    comment(record, "transcription: manual\n", "# after the list\ntranscription: manual\n")
    result = kyvat("move-scan", "-c", str(collection_copy), LETTER, "3", "--to", "1")
    assert result.exit_code == 0, result.output
    assert [s.file for s in load_collection(collection_copy).object(LETTER).scans] == ["003.jpg", "001.jpg", "002.jpg"]
    text = record.read_text(encoding="utf-8")
    assert "  - file: 003.jpg  # stored on its side\n" in text and f"    sha256: {PAGE_2}\n# after the list\n" in text
    verify = kyvat("verify", "-c", str(collection_copy))
    assert verify.exit_code == 0 and "changed" not in verify.output.replace("changed or missing", "")
    assert problems_of(collection_copy) == []


def test_a_record_without_a_scans_list_gets_the_list_it_meant(collection_copy):
    record = Layout.of(collection_copy).record("TT-2026-0002")
    text = record.read_text(encoding="utf-8")
    record.write_text("# every file in scans/\n" + text[:text.index("scans:")], encoding="utf-8")
    assert kyvat("move-scan", "-c", str(collection_copy), "TT-2026-0002", "2", "--to", "1").exit_code == 0
    assert [s.file for s in load_collection(collection_copy).object("TT-2026-0002").scans] == ["002.tif", "001.jpg"]
    assert "# every file in scans/" in record.read_text(encoding="utf-8")
    assert [r.status for r in read_fixity(collection_copy).results if "0002" in r.path] == ["ok", "ok"]


def test_a_position_out_of_range_is_refused(collection_copy):
    before = snapshot(collection_copy)
    result = kyvat("move-scan", "-c", str(collection_copy), LETTER, "1", "--to", "4")
    assert result.exit_code == 1 and "--to" in result.output and "1 to 3" in result.output
    result = kyvat("remove-scan", "-c", str(collection_copy), LETTER, "5", "--reason", "x")
    assert result.exit_code == 1 and "1 to 3" in result.output
    assert snapshot(collection_copy) == before


# -- people ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def renamed(tmp_path_factory) -> tuple[Path, Path]:
    """The test collection with the martyr renamed (comments in the records it changes), built."""
    root = tmp_path_factory.mktemp("renamed")
    collection = root / "collection"
    shutil.copytree(FIXTURE_COLLECTION, collection)
    where = Layout.of(collection)
    comment(where.record(LETTER), "  - {person: pham-van-duc, role: author}\n",
            "  - {person: pham-van-duc, role: author}  # he signed it\n")
    comment(where.person("le-thi-thuan"), "  - person: pham-van-duc\n", "  # her brother\n  - person: pham-van-duc\n")
    result = kyvat("rename", "-c", str(collection), "person", MARTYR, NEW_ID)
    assert result.exit_code == 0, result.output
    build(collection, root / "site", cache=root / "cache", jobs=1)
    return collection, root / "site"


def test_a_rename_changes_every_record_and_keeps_the_comments(renamed):
    collection, _ = renamed
    where = Layout.of(collection)
    assert not where.person(MARTYR).exists() and where.person(NEW_ID).is_file()
    assert re.search(r"  - \{person: pham-van-duc-1950, role: author\} +# he signed it\n",
                     where.record(LETTER).read_text(encoding="utf-8"))
    assert "  # her brother\n  - person: pham-van-duc-1950\n" in where.person("le-thi-thuan").read_text(encoding="utf-8")
    loaded = load_collection(collection)
    assert [o.id for o in loaded.objects_of(NEW_ID)] == ["TT-2026-0001", "TT-2026-0002", "TT-2026-0003", "TT-2026-0004"]
    assert loaded.objects_of(MARTYR) == () and problems_of(collection) == []
    assert "pham-van-duc: pham-van-duc-1950" in where.redirects.read_text(encoding="utf-8")


def test_the_old_address_of_a_renamed_person_leads_to_the_new_page(renamed):
    _, site = renamed
    for prefix in ("", "en/"):
        old = f"{prefix}people/{MARTYR}/index.html"
        page = (site / old).read_text(encoding="utf-8")
        refresh = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', page)[1]
        assert f'<a href="{refresh}">Phạm Văn Đức</a>' in page and 'name="robots" content="noindex"' in page
        target = (site / old).parent / refresh
        assert target.resolve() == (site / f"{prefix}people/{NEW_ID}/index.html").resolve()
        assert "Phạm Văn Đức" in target.read_text(encoding="utf-8")
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"people/{NEW_ID}/" in sitemap and f"people/{MARTYR}/" not in sitemap


def test_the_redirect_pages_are_the_redirect_stage_s_alone(renamed, tmp_path):
    collection, _ = renamed
    public = to_public(load_collection(collection))
    for stage in STAGES:
        if stage.name not in ("site", "redirects"):
            continue
        out = tmp_path / stage.name
        build(collection, out, cache=tmp_path / "cache", jobs=1, only=(stage.name,))
        written = [p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()]
        assert [p for p in written if p != ".kyvat-output" and make_owner(STAGES, p, public) is not stage] == []
        assert (f"people/{MARTYR}/index.html" in written) == (stage.name == "redirects")


@pytest.mark.browser
def test_a_browser_at_the_old_address_arrives_at_the_new_page(renamed, browser, serve):
    _, site = renamed
    url = serve(site)
    page = browser.new_page()
    page.goto(f"{url}en/people/{MARTYR}/")
    page.wait_for_url(f"**/en/people/{NEW_ID}/index.html")
    assert "Phạm Văn Đức" in page.locator("h1").inner_text()
    page.close()


def test_a_person_entered_twice_is_merged(collection_copy):
    where = Layout.of(collection_copy)
    where.person("duc-trung").write_text(
        "# Entered again from the ward's list of martyrs.\nkind: martyr\nname: Phạm Văn Đức\n"
        "aliases: [Anh Đức]\nbirth: 1950\nunit: Trung đoàn 3  # as the list has it\n"
        "relationships:\n  - person: nguyen-thi-hanh\n    relation: {vi: mẹ, en: mother}\n"
        "  - person: pham-van-duc\n    relation: trùng\nsources: [Danh sách liệt sĩ phường]\n", encoding="utf-8")
    comment(where.record("TT-2026-0003"), "  - {person: pham-van-duc, role: subject}\n",
            "  - {person: pham-van-duc, role: subject}  # on the ribbon\n  - {person: duc-trung, role: owner}\n")
    comment(where.person(MARTYR), "sources:", "# from the death notice\nsources:")
    own_text = where.person("duc-trung").read_text(encoding="utf-8")
    result = kyvat("merge", "-c", str(collection_copy), "person", MARTYR, "duc-trung")
    assert result.exit_code == 0, result.output
    # a value both hold differently: A's is kept, the other's shown; `1950` and `{text: năm 1950, edtf: 1950}` agree
    assert ("unit: kept {vi: Đại đội 1, Tiểu đoàn 2, Trung đoàn 3, en: 1st Company, 2nd Battalion, 3rd Regiment} "
            "(duc-trung said Trung đoàn 3)") in result.output and "birth" not in result.output
    assert (where.merged_people / "duc-trung.yaml").read_text(encoding="utf-8") == own_text
    assert not where.person("duc-trung").exists()
    person = load_collection(collection_copy).person(MARTYR)
    assert person.aliases == ("Đức Út", "Anh Đức") and person.unit.vi.startswith("Đại đội 1")
    assert person.sources == ("Giấy báo tử (thử nghiệm)", "Danh sách liệt sĩ phường")
    assert [r.person for r in person.relationships] == ["nguyen-thi-hanh", "le-thi-thuan"]
    assert "# from the death notice" in where.person(MARTYR).read_text(encoding="utf-8")
    medal = where.record("TT-2026-0003").read_text(encoding="utf-8")
    assert re.search(r"  - \{person: pham-van-duc, role: subject\} +# on the ribbon\n"
                     r"  - \{person: pham-van-duc, role: owner\}\n", medal)
    assert problems_of(collection_copy) == []
    site = collection_copy.parent / "site"
    build(collection_copy, site, cache=collection_copy.parent / "cache", jobs=1)
    assert "url=../pham-van-duc/index.html" in (site / "people" / "duc-trung" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("failing", [3, "redirects.yaml"])  # a record; the last file, made by the rename
def test_a_rename_that_fails_half_way_puts_every_file_back(collection_copy, monkeypatch, failing):
    before = snapshot(collection_copy)
    real, calls = personedit.write_edit, []

    def edit(path, rel, change, *, root):
        calls.append(rel)
        if failing in (len(calls), rel):
            raise RecordError(rel, "", "a record kyvat can save", "a full disk")
        real(path, rel, change, root=root)

    monkeypatch.setattr(personedit, "write_edit", edit)
    with pytest.raises(RecordError, match="full disk"):
        personedit.write_person_renamed(collection_copy, MARTYR, NEW_ID)
    assert len(calls) == (3 if failing == 3 else 7)
    assert snapshot(collection_copy) == before


def test_a_rename_is_refused_where_it_would_take_an_address(collection_copy):
    result = kyvat("rename", "-c", str(collection_copy), "person", MARTYR, "le-thi-thuan")
    assert result.exit_code == 1 and "kyvat merge person" in result.output
    result = kyvat("rename", "-c", str(collection_copy), "person", MARTYR, "Phạm Văn Đức 1950")
    assert result.exit_code == 1 and "'pham-van-duc-1950'" in result.output
    result = kyvat("rename", "-c", str(collection_copy), "person", "pham-van-dux", NEW_ID)
    assert result.exit_code == 1 and "did you mean 'pham-van-duc'" in result.output
    personedit.write_person_renamed(collection_copy, MARTYR, NEW_ID)
    personedit.write_person_renamed(collection_copy, "le-thi-thuan", "le-thi-thuan-2")
    with pytest.raises(KyvatError, match="old address of 'pham-van-duc-1950'"):
        personedit.write_person_renamed(collection_copy, "le-thi-thuan-2", MARTYR)
    # renamed back: the address is the same person's again, and no redirect is left to hide it
    personedit.write_person_renamed(collection_copy, NEW_ID, MARTYR)
    assert [(r.old, r.new) for r in load_collection(collection_copy).redirects] == [
        ("le-thi-thuan", "le-thi-thuan-2"), (NEW_ID, MARTYR)]
    assert problems_of(collection_copy) == []
    assert write_new_person(collection_copy, kind="donor", name="Lê Thị Thuận").stem == "le-thi-thuan-3"


def test_a_redirect_must_lead_to_a_person_and_hide_none(collection_copy):
    Layout.of(collection_copy).redirects.write_text(
        "people:\n  le-thi-thuan: pham-van-duc\n  someone-gone: pham-van-dux\n", encoding="utf-8")
    problems = problems_of(collection_copy)
    assert problems == [
        "redirects.yaml:2: error: people.le-thi-thuan: expected an old id that no person has any more, found "
        "'le-thi-thuan', the id of people/le-thi-thuan.yaml (a published address keeps its meaning: give that "
        "person another id)",
        "redirects.yaml:3: error: people.someone-gone: expected the id a person has now (a file in people/), found "
        "'pham-van-dux', which no person has (did you mean 'pham-van-duc'?)"]


def test_the_old_address_of_a_person_not_named_publicly_is_not_published(collection_copy, tmp_path):
    personedit.write_person_renamed(collection_copy, "tran-thi-bi-mat-marker", "tran-thi-b")
    out = tmp_path / "site"
    report = build(collection_copy, out, cache=tmp_path / "cache", jobs=1)
    assert report.count("redirects") == 0 and not (out / "people" / "tran-thi-bi-mat-marker").exists()
