"""kyvat init / new / list / show / loans, on collections made in a temporary folder."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from kyvat.catalogue import (
    CatalogueError, make_loans_table, make_next_id, write_new_collection, write_new_object, write_new_person,
)
from kyvat.cli import main
from kyvat.validate import check_collection, load_collection


def run(*args: str):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def empty(tmp_path):
    root = tmp_path / "house"
    assert run("init", root).exit_code == 0
    return root


def test_init_makes_a_valid_empty_collection(empty):
    result = run("validate", "-c", empty)
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.output
    assert "# kyvat.yaml" in (empty / "kyvat.yaml").read_text(encoding="utf-8")


def test_init_never_overwrites(empty):
    result = run("init", empty)
    assert result.exit_code == 1
    assert "already exists" in result.output


def test_new_object_twice_gives_consecutive_numbers(empty):
    first = run("new", "object", "-c", empty, "--type", "letter", "--title", "Thư gửi mẹ", "--date", "2026-03-01")
    second = run("new", "object", "-c", empty, "--type", "diary", "--title", "Nhật ký", "--date", "2026-03-02")
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert first.output.split()[0] == "AB-2026-0001"
    assert second.output.split()[0] == "AB-2026-0002"
    collection = load_collection(empty)
    assert [o.id for o in collection.objects] == ["AB-2026-0001", "AB-2026-0002"]
    assert collection.object("AB-2026-0001").title.vi == "Thư gửi mẹ"


def test_accession_numbers_are_never_reused(empty):
    run("new", "object", "-c", empty, "--type", "letter", "--title", "A", "--date", "2026-01-01")
    run("new", "object", "-c", empty, "--type", "letter", "--title", "B", "--date", "2026-01-01")
    # the object went back to the family and its folder was removed; the register remembers it
    for path in (empty / "objects" / "AB-2026-0002").iterdir():
        path.unlink()
    (empty / "objects" / "AB-2026-0002").rmdir()
    third = run("new", "object", "-c", empty, "--type", "letter", "--title", "C", "--date", "2026-01-01")
    assert third.output.split()[0] == "AB-2026-0003"


def test_numbers_restart_each_year_and_follow_the_pattern():
    used = ["AB-2025-0007", "AB-2026-0002", "XX-2026-0099"]
    assert make_next_id("AB-{year}-{seq:04d}", used, 2026) == "AB-2026-0003"
    assert make_next_id("AB-{year}-{seq:04d}", used, 2027) == "AB-2027-0001"
    assert make_next_id("KV{seq:05d}", ["KV00041"], 2026) == "KV00042"


def test_new_loan_and_copy_need_their_fields(empty):
    with pytest.raises(CatalogueError, match="--loan-until"):
        write_new_object(empty, object_type="diary", title="x", method="loan", received="2026-01-01")
    with pytest.raises(CatalogueError, match="--original-held-by"):
        write_new_object(empty, object_type="photograph", title="x", method="copy", received="2026-01-01")
    write_new_object(empty, object_type="diary", title="x", method="loan", loan_until="2027-01-01",
                     received="2026-01-01")
    write_new_object(empty, object_type="photograph", title="y", method="copy", original_held_by="Gia đình",
                     received="2026-01-01")
    collection = load_collection(empty)
    assert [o.acquisition.method for o in collection.objects] == ["loan", "copy"]
    assert collection.objects[0].acquisition.loan_until == dt.date(2027, 1, 1)


def test_new_object_names_an_unknown_type_and_donor(empty):
    result = run("new", "object", "-c", empty, "--type", "photo", "--title", "x")
    assert result.exit_code == 1 and "did you mean 'photograph'" in result.output
    result = run("new", "object", "-c", empty, "--type", "letter", "--title", "x", "--donor", "nobody")
    assert result.exit_code == 1 and "'nobody'" in result.output
    assert not any((empty / "objects").iterdir())


def test_new_person_slug_is_folded_and_unique(empty):
    first = write_new_person(empty, kind="martyr", name="Nguyễn Văn Đức")
    second = write_new_person(empty, kind="relative", name="Nguyễn Văn Đức")
    assert first.name == "nguyen-van-duc.yaml" and second.name == "nguyen-van-duc-2.yaml"
    collection = load_collection(empty)
    assert collection.person("nguyen-van-duc").name == "Nguyễn Văn Đức"
    assert collection.person("nguyen-van-duc").publish_name is True  # martyrs are named
    assert collection.person("nguyen-van-duc-2").publish_name is False  # the living only with consent


def test_list_filters_and_show(empty):
    write_new_person(empty, kind="donor", name="Phạm Thị Lan")
    write_new_object(empty, object_type="letter", title="Thư gửi mẹ", donor="pham-thi-lan", received="2026-02-01")
    write_new_object(empty, object_type="medal", title="Huân chương", received="2026-02-01")
    listed = run("list", "-c", empty, "--type", "letter")
    assert "Thư gửi mẹ" in listed.output and "Huân chương" not in listed.output
    by_person = run("list", "-c", empty, "--person", "pham-thi-lan")
    assert "AB-2026-0001" in by_person.output and "AB-2026-0002" not in by_person.output
    shown = run("show", "-c", empty, "AB-2026-0001")
    assert shown.exit_code == 0 and "Phạm Thị Lan" in shown.output and "not named publicly" in shown.output
    missing = run("show", "-c", empty, "AB-2026-0099")
    assert missing.exit_code == 1 and "AB-2026-0099" in missing.output


def test_loans_lists_overdue_and_coming_due(empty):
    write_new_object(empty, object_type="diary", title="Sắp trả", method="loan", loan_until="2026-12-10",
                     received="2026-01-01")
    write_new_object(empty, object_type="diary", title="Quá hạn", method="loan", loan_until="2026-11-01",
                     received="2026-01-01")
    write_new_object(empty, object_type="diary", title="Còn lâu", method="loan", loan_until="2028-01-01",
                     received="2026-01-01")
    collection, _ = check_collection(empty)
    rows = make_loans_table(collection, today=dt.date(2026, 11, 22), within_days=30)
    assert [r[0] for r in rows[1:]] == ["AB-2026-0002", "AB-2026-0001"]
    assert rows[1][2] == "OVERDUE 21 days" and rows[2][2] == "in 18 days"


def test_overdue_loan_is_a_warning_and_strict_makes_it_an_error(empty):
    write_new_object(empty, object_type="diary", title="Quá hạn", method="loan", loan_until="2020-01-01",
                     received="2019-06-01")
    relaxed = run("validate", "-c", empty)
    assert relaxed.exit_code == 0 and "warning" in relaxed.output and "2020-01-01" in relaxed.output
    strict = run("validate", "-c", empty, "--strict")
    assert strict.exit_code == 1


def test_write_new_collection_rejects_a_bad_prefix(tmp_path):
    with pytest.raises(CatalogueError, match="--prefix"):
        write_new_collection(tmp_path / "x", name_vi="a", name_en="b", base_url="http://x/", prefix="A-B")
