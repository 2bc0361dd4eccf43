"""Drafts (`draft: true`): a record saved with its mistakes, whose problems are warnings and which is
published nowhere; and `check_record_text`, what `kyvat validate` would say of one record's text
before it is written (the desk's form)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kyvat.build import build
from kyvat.cli import main
from kyvat.errors import KyvatError
from kyvat.privacy import hidden_names, is_named_publicly, to_public
from kyvat.validate import check_collection, check_record_text, load_collection, load_for_build

from leaks import find_leaks, planted_markers

TODAY = dt.date(2026, 11, 22)
LETTER = "objects/TT-2026-0001/record.yaml"
MOTHER = "people/nguyen-thi-hanh.yaml"
NEW_OBJECT = "TT-2026-0099"
NEW_OBJECT_REL = f"objects/{NEW_OBJECT}/record.yaml"
DRAFT_TITLE = "PRIVATE-MARKER-DRAFTTITLE-51c9 Thư nháp chưa xong"
DRAFT_PERSON = "do-van-nhap"
DRAFT_NAME = "Đỗ Văn Nháp Bí Danh"
# A new object with three mistakes: a person no one has, a date that is not one, a key kyvat does not know
DRAFT_OBJECT_TEXT = f"""id: {NEW_OBJECT}
title: {{vi: "{DRAFT_TITLE}", en: PRIVATE-MARKER-DRAFTTITLE-51c9 Unfinished letter}}
object_type: letter
description: PRIVATE-MARKER-DRAFTDESC-8e02 Lá thư còn đang ghi chép.
date: ngày 45 tháng 13
people:
  - {{person: khong-ai-ca, role: author}}
  - {{person: {DRAFT_PERSON}, role: recipient}}
acquisition: {{method: gift, date: 2026-11-01, donor: le-thi-thuan}}
colour: đỏ
draft: true
"""
DRAFT_PERSON_TEXT = f"""kind: martyr
name: {DRAFT_NAME}
biography: PRIVATE-MARKER-DRAFTBIO-3f7a Tiểu sử đang viết.
hometwon: Hà Nội
draft: true
"""


def _write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _with_drafts(root: Path) -> Path:
    """The test collection with the draft object and person, and the letter naming the draft person."""
    _write(root, NEW_OBJECT_REL, DRAFT_OBJECT_TEXT)
    shutil.copytree(root / "objects/TT-2026-0001/scans", root / f"objects/{NEW_OBJECT}/scans")
    _write(root, f"people/{DRAFT_PERSON}.yaml", DRAFT_PERSON_TEXT)
    letter = root / LETTER
    letter.write_text(letter.read_text(encoding="utf-8").replace(
        "  - {person: nguyen-thi-hanh, role: recipient}",
        f"  - {{person: nguyen-thi-hanh, role: recipient}}\n  - {{person: {DRAFT_PERSON}, role: subject}}"),
        encoding="utf-8")
    return root


def _of(problems, rel: str) -> list:
    return [p for p in problems if p.path == rel]


# -- reading the key -------------------------------------------------------------------------------


def test_draft_is_read_on_objects_and_people_and_is_false_by_default(collection_copy):
    collection, problems = check_collection(_with_drafts(collection_copy), TODAY)
    assert collection.object(NEW_OBJECT).draft and collection.person(DRAFT_PERSON).draft
    assert not collection.object("TT-2026-0001").draft and not collection.person("pham-van-duc").draft


def test_a_draft_that_is_not_true_or_false_is_an_error_and_no_draft(collection_copy):
    _write(collection_copy, MOTHER, (collection_copy / MOTHER).read_text(encoding="utf-8") + "draft: có\n")
    collection, problems = check_collection(collection_copy, TODAY)
    assert [str(p) for p in _of(problems, MOTHER)] == [
        f"{MOTHER}:8: error: draft: expected true or false, found 'có'"]
    assert not collection.person("nguyen-thi-hanh").draft


# -- validate: a draft's problems are warnings -----------------------------------------------------


def test_a_drafts_problems_are_warnings_with_their_text_unchanged(collection_copy):
    _with_drafts(collection_copy)
    drafted = check_collection(collection_copy, TODAY)[1]
    for rel, text in ((NEW_OBJECT_REL, DRAFT_OBJECT_TEXT), (f"people/{DRAFT_PERSON}.yaml", DRAFT_PERSON_TEXT)):
        _write(collection_copy, rel, text.replace("draft: true\n", "draft: false\n"))
    plain = check_collection(collection_copy, TODAY)[1]
    for rel in (NEW_OBJECT_REL, f"people/{DRAFT_PERSON}.yaml"):
        assert _of(plain, rel) and any(p.is_error for p in _of(plain, rel))
        assert all(not p.is_error and p.draft for p in _of(drafted, rel))
        assert [dataclasses.replace(p, severity="warning", draft=True) for p in _of(plain, rel)] == _of(drafted, rel)
    fields = {p.field for p in _of(drafted, NEW_OBJECT_REL)}
    assert {"people[0].person", "date", "colour"} <= fields
    # the letter naming the draft person is not the draft's: its problems (none) are its own
    assert _of(drafted, LETTER) == []


def test_a_collection_whose_only_errors_are_in_drafts_loads_and_builds_without_them(collection_copy, tmp_path):
    collection = load_collection(_with_drafts(collection_copy), today=TODAY)
    public = to_public(collection)
    assert NEW_OBJECT not in {o.id for o in public.objects} and DRAFT_PERSON not in {p.id for p in public.people}
    assert all(link.person != DRAFT_PERSON for o in public.objects for link in o.people)


def test_a_draft_whose_yaml_cannot_be_read_stays_an_error(collection_copy):
    _write(collection_copy, NEW_OBJECT_REL, DRAFT_OBJECT_TEXT + "title: [unclosed\n")
    problems = _of(check_collection(collection_copy, TODAY)[1], NEW_OBJECT_REL)
    assert [(p.severity, p.draft, p.expected) for p in problems] == [("error", False, "valid YAML")]


def test_a_problem_in_a_drafts_folder_is_a_warning_too(collection_copy):
    _with_drafts(collection_copy)
    _write(collection_copy, f"objects/{NEW_OBJECT}/transcripts/001.txt", "")
    (collection_copy / f"objects/{NEW_OBJECT}/transcripts/001.txt").write_bytes(b"th\xff")
    problems = check_collection(collection_copy, TODAY)[1]
    transcript = _of(problems, f"objects/{NEW_OBJECT}/transcripts/001.txt")
    assert transcript and all(p.severity == "warning" and p.draft for p in transcript)


def test_a_drafts_missing_scan_is_no_scan_a_build_left_out(collection_copy):
    _write(_with_drafts(collection_copy), NEW_OBJECT_REL, DRAFT_OBJECT_TEXT + "scans: [khong-co.jpg]\n")
    missing = [p for p in check_collection(collection_copy, TODAY)[1] if p.scope == "scan"]
    assert [(p.path, p.field, p.severity, p.draft) for p in missing] == [
        (NEW_OBJECT_REL, "scans[0].file", "warning", True)]
    assert load_for_build(collection_copy, today=TODAY)[1] == []  # the build's report names no scan left out


def test_an_exhibition_naming_a_draft_is_warned_that_it_will_not_be_shown(collection_copy):
    _with_drafts(collection_copy)
    exhibition = collection_copy / "exhibitions/thu-gui-me.md"
    exhibition.write_text(exhibition.read_text(encoding="utf-8").replace(
        "objects: [TT-2026-0001,", f"objects: [{NEW_OBJECT}, TT-2026-0001,"), encoding="utf-8")
    problems = _of(check_collection(collection_copy, TODAY)[1], "exhibitions/thu-gui-me.md")
    assert [str(p) for p in problems] == [
        "exhibitions/thu-gui-me.md:4: warning: objects: expected a public object, "
        f"found '{NEW_OBJECT}', which is a draft and will not be shown"]


def test_kyvat_validate_says_which_warnings_come_from_a_draft(collection_copy):
    root = str(_with_drafts(collection_copy))
    said = CliRunner().invoke(main, ["--today", TODAY.isoformat(), "validate", "-c", root])
    assert said.exit_code == 0, said.output
    assert (f"{NEW_OBJECT_REL}:10: warning: colour: expected a known key, found unknown key 'colour' "
            "[draft: not published until its 'draft: true' is removed]") in said.output
    vi = CliRunner().invoke(main, ["--lang", "vi", "--today", TODAY.isoformat(), "validate", "-c", root])
    assert vi.exit_code == 0, vi.output
    assert "[bản nháp: chưa được công bố cho đến khi bỏ dòng 'draft: true']" in vi.output
    strict = CliRunner().invoke(main, ["--today", TODAY.isoformat(), "validate", "--strict", "-c", root])
    assert strict.exit_code != 0


# -- privacy: a draft is published nowhere ---------------------------------------------------------


def test_drafts_are_hidden_names_and_a_draft_person_is_not_named(collection_copy):
    _write(collection_copy, f"people/{DRAFT_PERSON}.yaml", DRAFT_PERSON_TEXT.replace("draft: true\n", ""))
    assert is_named_publicly(check_collection(collection_copy, TODAY)[0].person(DRAFT_PERSON))  # a martyr
    collection = load_collection(_with_drafts(collection_copy), today=TODAY)
    assert not is_named_publicly(collection.person(DRAFT_PERSON))
    assert {DRAFT_TITLE, DRAFT_NAME} <= set(hidden_names(collection))


def test_a_withdrawn_draft_leaves_no_notice_page(collection_copy):
    _with_drafts(collection_copy)
    _write(collection_copy, NEW_OBJECT_REL,
           DRAFT_OBJECT_TEXT + "withdrawn: {date: 2026-11-20, reason: PRIVATE-MARKER-WITHDRAWN-0d1f}\n")
    collection = load_collection(collection_copy, today=TODAY)
    assert collection.object(NEW_OBJECT).withdrawn and NEW_OBJECT not in collection.gone


def test_no_byte_of_a_draft_reaches_a_built_site(collection_copy, tmp_path):
    root = _with_drafts(collection_copy)
    collection = load_collection(root, today=TODAY)
    markers = planted_markers(root, hidden_names(collection)) | {NEW_OBJECT, DRAFT_PERSON}
    assert {DRAFT_TITLE, DRAFT_NAME, "PRIVATE-MARKER-DRAFTDESC-8e02", "PRIVATE-MARKER-DRAFTBIO-3f7a"} <= markers
    site = tmp_path / "site"
    build(root, site, cache=tmp_path / "cache", jobs=1, today=TODAY)
    assert (site / "objects/TT-2026-0001/index.html").is_file()  # the leak finder searched a real site
    assert find_leaks(site, markers) == []


# -- check_record_text: one record's text in its collection ----------------------------------------


def _on_disk(root: Path, rel: str, text: str) -> list:
    """What `kyvat validate` reports in `rel` once `text` is written there (the rule to match)."""
    _write(root, rel, text)
    return _of(check_collection(root, TODAY)[1], rel)


CANDIDATES = {
    "unchanged": (LETTER, None),
    "unknown key": (LETTER, lambda t: t.replace("object_type: letter", "object_typ: letter")),
    "unknown person": (LETTER, lambda t: t.replace("person: nguyen-thi-hanh", "person: nguyen-thi-hang")),
    "yaml": (LETTER, lambda t: t.replace("keywords: [thư, liệt sĩ]", "keywords: [thư, liệt sĩ")),
    "draft": (LETTER, lambda t: t.replace("person: nguyen-thi-hanh", "person: ai-do") + "draft: true\n"),
    "not a map": (LETTER, lambda t: "- một\n- hai\n"),
    "empty": (LETTER, lambda t: ""),
    "control characters": (LETTER, lambda t: "id: \x00\x07\n"),
    "person twice": (MOTHER, lambda t: "kind: martyr\nname: Pham van Duc\nbirth: 1950\n"),
    "new object": (NEW_OBJECT_REL, lambda t: DRAFT_OBJECT_TEXT.replace("draft: true\n", "")),
    "new object, another's id": (NEW_OBJECT_REL, lambda t: DRAFT_OBJECT_TEXT.replace(f"id: {NEW_OBJECT}",
                                                                                     "id: TT-2026-0001")),
    "new person": ("people/nguoi-moi.yaml", lambda t: "kind: witness\nname: Người Mới\nrelationships:\n"
                                                     "  - {person: pham-van-dux, relation: bạn}\n"),
}


@pytest.mark.parametrize("case", sorted(CANDIDATES))
def test_check_record_text_says_what_validate_would_of_the_file(case, collection_copy, tmp_path):
    rel, change = CANDIDATES[case]
    before = (collection_copy / rel).read_text(encoding="utf-8") if (collection_copy / rel).is_file() else ""
    text = before if change is None else change(before)
    files = sorted(p for p in collection_copy.rglob("*"))
    found = check_record_text(collection_copy, rel, text, TODAY)
    assert sorted(p for p in collection_copy.rglob("*")) == files  # nothing written
    if before:
        assert (collection_copy / rel).read_text(encoding="utf-8") == before
    assert found == _on_disk(collection_copy, rel, text)
    # a second Phạm Văn Đức is warned of in the later file of the two, pham-van-duc.yaml, not in this one
    assert (found == []) == (case in ("unchanged", "person twice"))


def test_check_record_text_puts_each_problem_beside_its_field(collection_copy):
    text = (collection_copy / LETTER).read_text(encoding="utf-8").replace(
        "person: nguyen-thi-hanh", "person: nguyen-thi-hang")
    problems = check_record_text(collection_copy, LETTER, text, TODAY)
    assert [(p.field, p.line, p.severity, p.hint) for p in problems] == [
        ("people[1].person", 25, "error", "did you mean '{close}'?")]
    assert str(problems[0]).endswith("found 'nguyen-thi-hang', which no person has (did you mean 'nguyen-thi-hanh'?)")


def test_check_record_text_names_cross_record_mistakes(collection_copy):
    other_id = DRAFT_OBJECT_TEXT.replace(f"id: {NEW_OBJECT}", "id: TT-2026-0001").replace("draft: true\n", "")
    said = [str(p) for p in check_record_text(collection_copy, NEW_OBJECT_REL, other_id, TODAY)]
    assert f"{NEW_OBJECT_REL}:1: error: id: expected an accession number used by one object only, " \
           f"found 'TT-2026-0001', already used by {LETTER}" in said
    twin = check_record_text(collection_copy, "people/pham-van-duc-2.yaml",
                             "kind: martyr\nname: Pham van Duc\nbirth: 1950\n", TODAY)
    assert [(p.field, p.severity, p.expected) for p in twin] == [("name", "warning", "one record for each person")]


def test_check_record_text_refuses_a_path_that_is_no_record(collection_copy):
    for rel in ("kyvat.yaml", "objects/TT-2026-0001/scans/001.jpg", "people/.merged/x.yaml", "../x.yaml"):
        with pytest.raises(KyvatError):
            check_record_text(collection_copy, rel, "kind: witness\n", TODAY)
