"""An object's life: a loan returned and extended, condition checks, a withdrawal. Each command edits
a copy of the test collection on a fixed day, and each checks that the curator's comments in the
edited record survived."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from kyvat.build import build
from kyvat.catalogue import CatalogueError
from kyvat.cli import main
from kyvat.lifecycle import write_condition_check
from kyvat.privacy import to_public
from kyvat.validate import check_collection, load_collection

LOAN = "TT-2026-0003"  # lent on 2026-04-30 until 2027-01-31, condition good on 2026-04-30
GIFT = "TT-2026-0001"
COMMENTS = ("# A loan, due back in 2027.", "  # biên bản mượn số 7 / loan agreement no. 7",
            "# ngày phải trả / the day it goes back", "# kiểm tra khi nhận / checked on arrival",
            "# cuối hồ sơ / end of the record")


def run(*args: str):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    return result


@pytest.fixture
def house(collection_copy):
    """The test collection with the curator's comments in the loan's record: in its acquisition
    block, beside loan_until, in its condition block and at its end."""
    record = collection_copy / "objects" / LOAN / "record.yaml"
    text = record.read_text(encoding="utf-8")
    text = text.replace("  method: loan\n", "  method: loan\n" + COMMENTS[1] + "\n")
    text = text.replace("loan_until: 2027-01-31\n", "loan_until: 2027-01-31   " + COMMENTS[2] + "\n")
    text = text.replace("  grade: good\n", "  grade: good   " + COMMENTS[3] + "\n")
    record.write_text(text + COMMENTS[4] + "\n", encoding="utf-8")
    return collection_copy


def record_text(root, object_id: str = LOAN) -> str:
    return (root / "objects" / object_id / "record.yaml").read_text(encoding="utf-8")


def assert_comments_kept(root) -> None:
    text = record_text(root)
    assert [c for c in COMMENTS if c not in text] == []


def loan_warnings(root, today: str) -> list[str]:
    problems = check_collection(root, dt.date.fromisoformat(today))[1]
    return [str(p) for p in problems if p.field == "acquisition.loan_until"]


# -- loans ------------------------------------------------------------------------------------------


def test_a_returned_loan_stays_in_the_catalogue_and_leaves_the_overdue_list_and_warning(house):
    assert "OVERDUE" in run("--today", "2027-03-02", "loans", "-c", house).output
    assert len(loan_warnings(house, "2027-03-02")) == 1

    result = run("--today", "2027-03-02", "loans", "return", LOAN, "-c", house, "--date", "2027-02-20")
    assert result.exit_code == 0, result.output
    assert "loan_until: 2027-01-31   # ngày phải trả / the day it goes back\n  returned: 2027-02-20\n" \
        in record_text(house)
    assert_comments_kept(house)
    assert run("--today", "2027-03-02", "loans", "-c", house).output.startswith("No loan is due")
    assert loan_warnings(house, "2027-03-02") == []
    obj = load_collection(house, today=dt.date(2027, 3, 2)).object(LOAN)
    assert obj.acquisition.returned == dt.date(2027, 2, 20) and obj.is_public
    assert LOAN in run("list", "-c", house).output


def test_the_page_of_a_returned_loan_says_so_in_both_languages(house, tmp_path):
    assert run("--today", "2027-03-02", "loans", "return", LOAN, "-c", house, "--date", "2027-02-20").exit_code == 0
    site = tmp_path / "site"
    build(house, site, cache=tmp_path / "cache", jobs=1, today=dt.date(2027, 3, 2))
    vi = (site / "objects" / LOAN / "index.html").read_text(encoding="utf-8")
    en = (site / "en" / "objects" / LOAN / "index.html").read_text(encoding="utf-8")
    assert "Đã trả lại gia đình ngày 20 tháng 2 năm 2027" in vi
    assert "Returned to the lender on 20 February 2027" in en
    assert "Returned to the lender" not in (site / "en" / "objects" / GIFT / "index.html").read_text(encoding="utf-8")


def test_the_comment_lines_below_a_loan_stay_below_what_the_commands_add(house):
    """In a new record, loan_until ends the acquisition block and commented-out keys follow it:
    ruamel.yaml hangs those on loan_until, and they must not end up inside the block."""
    made = run("--today", "2027-01-05", "new", "object", "-c", house, "--type", "uniform", "--title", "Áo",
               "--method", "loan", "--loan-until", "2027-03-01", "--donor", "le-thi-thuan")
    object_id = made.output.split()[0]
    extend = run("--today", "2027-02-01", "loans", "extend", object_id, "-c", house, "--until", "2027-04-01")
    assert extend.exit_code == 0, extend.output
    assert run("--today", "2027-03-02", "loans", "return", object_id, "-c", house).exit_code == 0
    assert "  loan_until: 2027-04-01          # ngày phải trả / the day it goes back\n  returned: 2027-03-02\n" \
           "  loan_extended:\n    - {date: 2027-02-01, previous: 2027-03-01, until: 2027-04-01}\n" \
           "# condition: {grade: good" in record_text(house, object_id)


@pytest.mark.parametrize("object_id, day, message", [
    (GIFT, "2027-02-20", "acquisition.method: expected a loan (method: loan)"),
    (LOAN, "2026-04-01", "--date: expected a day on or after the loan began (2026-04-30), found 2026-04-01"),
    (LOAN, "2027-03-03", "--date: expected a day no later than today (2027-03-02), found 2027-03-03"),
])
def test_a_return_is_refused_for_a_gift_before_the_loan_or_after_today(house, object_id, day, message):
    before = record_text(house, object_id)
    result = run("--today", "2027-03-02", "loans", "return", object_id, "-c", house, "--date", day)
    assert result.exit_code == 1 and message in result.output, result.output
    assert record_text(house, object_id) == before


def test_a_loan_is_returned_once_and_a_returned_loan_is_not_extended(house):
    assert run("--today", "2027-03-02", "loans", "return", LOAN, "-c", house).exit_code == 0
    assert "returned: 2027-03-02" in record_text(house)  # the day defaults to today
    again = run("--today", "2027-03-05", "loans", "return", LOAN, "-c", house)
    extend = run("--today", "2027-03-05", "loans", "extend", LOAN, "-c", house, "--until", "2027-06-30")
    for result in (again, extend):
        assert result.exit_code == 1
        assert "acquisition.returned: expected a loan the house still holds, found one returned on 2027-03-02" \
            in result.output


def test_a_collection_given_before_the_subcommand_is_the_one_edited(house):
    result = run("--today", "2027-03-02", "loans", "-c", house, "return", LOAN)
    assert result.exit_code == 0, result.output
    assert "returned: 2027-03-02" in record_text(house)


def test_an_extended_loan_keeps_its_history_and_is_no_longer_overdue(house):
    first = run("--today", "2027-01-20", "loans", "extend", LOAN, "-c", house, "--until", "2027-06-30")
    second = run("--today", "2027-06-01", "loans", "extend", LOAN, "-c", house, "--until", "2027-12-31")
    assert first.exit_code == second.exit_code == 0, first.output + second.output
    text = record_text(house)
    assert "loan_until: 2027-12-31   # ngày phải trả / the day it goes back\n  loan_extended:\n" \
           "    - {date: 2027-01-20, previous: 2027-01-31, until: 2027-06-30}\n" \
           "    - {date: 2027-06-01, previous: 2027-06-30, until: 2027-12-31}\n" in text
    assert "&" not in text and "*" not in text  # no YAML anchor or alias for a day written twice
    assert_comments_kept(house)
    assert loan_warnings(house, "2027-03-02") == []
    acq = load_collection(house, today=dt.date(2027, 6, 1)).object(LOAN).acquisition
    assert acq.loan_until == dt.date(2027, 12, 31) and [e.until for e in acq.extensions] == [
        dt.date(2027, 6, 30), dt.date(2027, 12, 31)]
    assert "2027-12-31" not in str(to_public(load_collection(house, today=dt.date(2027, 6, 1))))  # private


@pytest.mark.parametrize("object_id, until, message", [
    (LOAN, "2027-01-10", "--loan-until: expected a day from today (2027-01-20) on, found 2027-01-10, which is past"),
    (LOAN, "2027-01-25", "--loan-until: expected a day after the loan's current end (2027-01-31), found 2027-01-25"),
    (GIFT, "2027-06-30", "acquisition.method: expected a loan (method: loan)"),
])
def test_an_extension_is_refused_into_the_past_before_the_current_end_or_for_a_gift(house, object_id, until,
                                                                                    message):
    before = record_text(house, object_id)
    result = run("--today", "2027-01-20", "loans", "extend", object_id, "-c", house, "--until", until)
    assert result.exit_code == 1 and message in result.output, result.output
    assert record_text(house, object_id) == before


# -- condition --------------------------------------------------------------------------------------


def test_a_condition_check_becomes_the_current_one_and_the_old_one_joins_the_history(house):
    result = run("--today", "2027-01-05", "condition", LOAN, "-c", house, "--grade", "fair", "--note",
                 "Dây đeo sờn: cần thay")
    assert result.exit_code == 0, result.output
    # found in the files afterwards: a check made before the current one goes into the history, in order
    older = run("--today", "2027-01-05", "condition", LOAN, "-c", house, "--grade", "poor", "--date", "2026-10-01")
    assert older.exit_code == 0, older.output
    assert_comments_kept(house)
    condition = load_collection(house, today=dt.date(2027, 1, 5)).object(LOAN).condition
    assert (condition.grade, condition.note.vi, condition.checked) == ("fair", "Dây đeo sờn: cần thay",
                                                                       dt.date(2027, 1, 5))
    assert [(c.grade, c.checked) for c in condition.history] == [("good", dt.date(2026, 4, 30)),
                                                                 ("poor", dt.date(2026, 10, 1))]


def test_a_first_condition_check_starts_the_condition(house):
    assert "condition:" not in record_text(house, "TT-2026-0002")
    assert run("--today", "2027-01-05", "condition", "TT-2026-0002", "-c", house, "--grade", "good").exit_code == 0
    condition = load_collection(house, today=dt.date(2027, 1, 5)).object("TT-2026-0002").condition
    assert (condition.grade, condition.checked, condition.history) == ("good", dt.date(2027, 1, 5), ())


def test_a_condition_check_is_refused_with_an_unknown_grade_or_a_day_to_come(house):
    with pytest.raises(CatalogueError, match="did you mean 'fair'") as caught:
        write_condition_check(house, LOAN, grade="fiar", note="", day=dt.date(2027, 1, 5), today=dt.date(2027, 1, 5))
    assert caught.value.field == "condition.grade"
    assert run("condition", LOAN, "-c", house, "--grade", "fiar").exit_code == 2  # the CLI offers the grades
    later = run("--today", "2027-01-05", "condition", LOAN, "-c", house, "--grade", "fair", "--date", "2027-02-01")
    assert later.exit_code == 1 and "--date: expected a day no later than today (2027-01-05)" in later.output
    assert "grade: good   # kiểm tra khi nhận" in record_text(house)


# -- withdrawal -------------------------------------------------------------------------------------


def test_a_withdrawn_object_keeps_its_record_and_register_line_but_leaves_the_public_collection(house):
    made = run("--today", "2027-01-05", "new", "object", "-c", house, "--type", "letter", "--title", "Thư lạc")
    object_id = made.output.split()[0]
    register = (house / "accessions.tsv").read_text(encoding="utf-8")
    scaffold = record_text(house, object_id)
    result = run("--today", "2027-02-01", "withdraw", object_id, "-c", house, "--reason", "Không thuộc nhà này")
    assert result.exit_code == 0, result.output
    text = record_text(house, object_id)
    assert text.endswith("withdrawn:\n  date: 2027-02-01\n  reason: Không thuộc nhà này\n"
                         "# private_notes: \"\"                 # ghi chú riêng (riêng tư / private)\n")
    assert [line for line in scaffold.splitlines() if line.lstrip().startswith("#") and line not in text] == []
    assert (house / "accessions.tsv").read_text(encoding="utf-8") == register
    collection = load_collection(house, today=dt.date(2027, 2, 1))
    obj = collection.object(object_id)
    assert obj.withdrawn.reason.vi == "Không thuộc nhà này" and not obj.is_public
    public = to_public(collection)
    assert public.object(object_id) is None and public.gone == (object_id,)
    assert "withdrawn" in run("list", "-c", house).output
    again = run("--today", "2027-02-02", "withdraw", object_id, "-c", house, "--reason", "again")
    assert again.exit_code == 1 and "expected an object not yet withdrawn, found one withdrawn on 2027-02-01" \
        in again.output
    blank = run("--today", "2027-02-02", "withdraw", GIFT, "-c", house, "--reason", "  ")
    assert blank.exit_code == 1 and "--reason: expected why the object leaves the collection" in blank.output


def test_a_withdrawn_loan_is_no_longer_due_and_an_exhibition_listing_it_is_warned(house):
    result = run("--today", "2027-03-02", "withdraw", LOAN, "-c", house, "--reason", "Gia đình xin lại")
    assert result.exit_code == 0, result.output
    assert_comments_kept(house)
    assert run("--today", "2027-03-02", "loans", "-c", house).output.startswith("No loan is due")
    problems = [str(p) for p in check_collection(house, dt.date(2027, 3, 2))[1]]
    assert loan_warnings(house, "2027-03-02") == []
    assert any(f"'{LOAN}', which is withdrawn and will not be shown" in p for p in problems), problems
