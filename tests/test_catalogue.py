"""kyvat init / new / list / show / loans, on collections made in a temporary folder."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from kyvat.build import build
from kyvat.catalogue import (
    CatalogueError, make_loans_table, make_next_id, write_new_collection, write_new_object, write_new_person,
)
from kyvat.cli import main
from kyvat.errors import KyvatError
from kyvat.urls import BaseUrlInvalid, Urls, make_base_url
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
    with pytest.raises(CatalogueError, match="^acquisition.loan_until: a loan needs the day"):
        write_new_object(empty, object_type="diary", title="x", method="loan", received="2026-01-01")
    with pytest.raises(CatalogueError, match="^acquisition.original_held_by: a copy needs"):
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
    with pytest.raises(CatalogueError, match="^accession_pattern prefix: expected letters and digits"):
        write_new_collection(tmp_path / "x", name_vi="a", name_en="b", base_url="http://x/", prefix="A-B")


# Each request the catalogue refuses: the library names the field, the command line the option.
REFUSALS = [
    (dict(object_type="photo", title="x"), ["--type", "photo", "--title", "x"], "object_type", "--type"),
    (dict(object_type="letter", title=" "), ["--type", "letter", "--title", " "], "title.vi", "--title"),
    (dict(object_type="letter", title="x", received="2026-13-01"), ["--type", "letter", "--title", "x", "--date",
                                                                    "2026-13-01"], "acquisition.date", "--date"),
    (dict(object_type="letter", title="x", donor="nobody"), ["--type", "letter", "--title", "x", "--donor", "nobody"],
     "acquisition.donor", "--donor"),
    (dict(object_type="diary", title="x", method="loan", loan_until="1/1/2027"),
     ["--type", "diary", "--title", "x", "--method", "loan", "--loan-until", "1/1/2027"],
     "acquisition.loan_until", "--loan-until"),
    (dict(object_type="photograph", title="x", method="copy"), ["--type", "photograph", "--title", "x", "--method",
                                                               "copy"], "acquisition.original_held_by",
     "--original-held-by"),
]


@pytest.mark.parametrize("call, args, field, option", REFUSALS, ids=[r[2] for r in REFUSALS])
def test_the_library_names_the_field_and_the_command_line_the_option(empty, call, args, field, option):
    with pytest.raises(CatalogueError) as refused:
        write_new_object(empty, **{"received": "2026-01-01"} | call)
    assert refused.value.field == field and str(refused.value).startswith(f"{field}: ")
    assert "--" not in str(refused.value), "a library message names no command-line option"
    result = run("new", "object", "-c", empty, "--date", "2026-01-01", *args)
    assert result.exit_code == 1
    assert result.output.startswith(f"error: {option}: {refused.value.detail}"), result.output
    assert field not in result.output


def test_init_and_new_person_name_their_options(tmp_path, empty):
    result = run("init", tmp_path / "x", "--prefix", "A-B")
    assert result.exit_code == 1 and result.output.startswith("error: --prefix: expected letters and digits")
    with pytest.raises(CatalogueError, match="^name: expected a name with letters"):
        write_new_person(empty, kind="donor", name="—")
    result = run("new", "person", "-c", empty, "--kind", "donor", "--name", "—")
    assert result.exit_code == 1 and result.output.startswith("error: --name: expected a name with letters")


ODD_NAMES = ['Nhà "Hoa Sen": số #1', "Đặng Thuỳ Trâm # not a comment", "O'Brien: yes", "- a list? no",
             "{not: a mapping}", "Ngô\u2028Thị\x85Lan", "*alias &anchor !tag %", "null"]


@pytest.mark.parametrize("name", ODD_NAMES)
def test_scaffolds_read_back_any_text_as_written(tmp_path, name):
    root = tmp_path / "house"
    write_new_collection(root, name_vi=name, name_en=name + " EN", base_url="http://x.test/", prefix="AB")
    person = write_new_person(root, kind="witness", name=name + " ")
    write_new_object(root, object_type="photograph", title=name, title_en=name, method="copy",
                     original_held_by=name, received="2026-01-01")
    collection, problems = check_collection(root)
    assert [p for p in problems if p.is_error] == []
    assert (collection.config.name.vi, collection.config.name.en) == (name, name + " EN")
    assert collection.person(person.stem).name == name.strip()
    (obj,) = collection.objects
    assert (obj.title.vi, obj.title.en, obj.acquisition.original_held_by.vi) == (name.strip(),) * 3


def test_scaffolds_keep_their_comments_and_layout(empty):
    write_new_object(empty, object_type="diary", title="Nhật ký", method="loan", loan_until="2027-01-01",
                     received="2026-01-01")
    text = (empty / "objects" / "AB-2026-0001" / "record.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Lý lịch hiện vật / object record AB-2026-0001. Complete it by hand; see docs/records.md.\n"
                           'id: AB-2026-0001\ntitle:\n  vi: "Nhật ký"\n  en: ""\nobject_type: diary\n')
    assert ("acquisition:\n"
            "  method: loan                   # gift (hiến tặng) | loan (mượn) | copy (sao chụp)\n"
            "  date: 2026-01-01\n"
            "  # donor: nguyen-thi-a        # người trao / giver, lender or family\n"
            '  # receipt_no: ""                  # số biên bản giao nhận (riêng tư / private)\n'
            "  loan_until: 2027-01-01          # ngày phải trả / the day it goes back\n"
            '# condition: {grade: good, note: "", checked: 2026-01-01}   # good, fair, poor, fragile\n') in text
    person = write_new_person(empty, kind="martyr", name="Lê Văn Tám").read_text(encoding="utf-8")
    assert '# hometown: {text: "", current: ""}       # quê quán: as written, and today\'s unit\n# rank: ' in person
    assert '# burial: {cemetery: "", plot: "", row: "", grave: ""}\n# biography: ' in person
    assert "publish_name" not in person and person.endswith('# contact: {phone: "", address: ""}      # riêng tư / private\n')


# One rule for a base_url, wherever it is given (kyvat.yaml, `init --base-url`, `build --base-url`):
# http(s) with a host, and the final '/' added when it is missing.
BASE_URLS_KEPT = [("https://x.vn/ntt", "https://x.vn/ntt/"), ("http://localhost:8000", "http://localhost:8000/"),
                  ("https://x.vn/ntt//", "https://x.vn/ntt/")]
BASE_URLS_REFUSED = ["localhost:8000/", "ftp://x.vn/", "https:///ntt/", "https://x.vn/?a=1", "https://x.vn/ ntt/"]


def test_a_base_url_is_made_one_way():
    assert [make_base_url(given) for given, _ in BASE_URLS_KEPT] == [made for _, made in BASE_URLS_KEPT]
    for given in BASE_URLS_REFUSED:
        with pytest.raises(BaseUrlInvalid, match=r"^base_url: expected an http\(s\) address"):
            make_base_url(given)
        with pytest.raises(BaseUrlInvalid):
            Urls(given)


@pytest.mark.parametrize("given", BASE_URLS_REFUSED[:2])
def test_init_refuses_a_base_url_no_visitor_could_open_and_writes_nothing(tmp_path, given):
    with pytest.raises(CatalogueError) as refused:
        write_new_collection(tmp_path / "x", name_vi="a", name_en="b", base_url=given, prefix="AB")
    assert refused.value.field == "base_url" and not (tmp_path / "x").exists()
    result = run("init", tmp_path / "x", "--base-url", given)
    assert result.exit_code == 1 and result.output.startswith("error: --base-url: expected an http(s) address")
    assert not (tmp_path / "x").exists()


def test_kyvat_yaml_init_and_build_agree_on_a_base_url(tmp_path):
    root = tmp_path / "house"
    assert run("init", root, "--base-url", "https://x.vn/ntt").exit_code == 0
    assert load_collection(root).config.base_url == "https://x.vn/ntt/"
    config = root / "kyvat.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("https://x.vn/ntt/", "https://x.vn/ntt"),
                      encoding="utf-8")
    assert load_collection(root).config.base_url == "https://x.vn/ntt/"  # kyvat.yaml: the '/' added, as for init
    config.write_text(config.read_text(encoding="utf-8").replace("https://x.vn/ntt", "ftp://x.vn/ntt"),
                      encoding="utf-8")
    (problem,) = check_collection(root)[1]
    assert (problem.field, problem.found) == ("base_url", "'ftp://x.vn/ntt'")
    assert problem.expected.startswith("an http(s) address")
    config.write_text(config.read_text(encoding="utf-8").replace("ftp://", "https://"), encoding="utf-8")
    with pytest.raises(KyvatError, match=r"^base_url: expected an http\(s\) address.*found 'x.vn/ntt'"):
        build(root, tmp_path / "site", cache=tmp_path / "cache", base_url="x.vn/ntt", only=("iiif",))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["house"], "refused before anything is written"
