"""Dates as Vietnamese offices write them, read into EDTF (dates.to_edtf), explained when they cannot
be right, and how a record's date field uses the reader."""

from __future__ import annotations

import datetime as dt

import pytest

from kyvat.dates import DateInvalid, make_bounds, to_edtf
from kyvat.fields import FieldReader
from kyvat.i18n import read_words, to_date_text
from kyvat.model import Date

UNDERSTOOD = [
    ("12/5/1972", "1972-05-12"),  # day/month/year, as in Vietnam: 12 May
    ("05/12/1972", "1972-12-05"),
    ("12.5.1972", "1972-05-12"),
    ("12-05-1972", "1972-05-12"),
    ("5/1972", "1972-05"),
    ("tháng 3/1972", "1972-03"),
    ("1972", "1972"),
    ("năm 1972", "1972"),
    ("khoảng 1972", "1972~"),
    ("khoảng năm 1972", "1972~"),
    ("Khoảng năm 1972", "1972~"),
    ("khoang nam 1972", "1972~"),  # typed without its tones
    ("vào khoảng tháng 3 năm 1972", "1972-03~"),
    ("khoảng 12/5/1972", "1972-05-12~"),
    ("có lẽ năm 1972", "1972?"),
    ("tháng 3 năm 1972", "1972-03"),
    ("ngày 12 tháng 3 năm 1972", "1972-03-12"),
    ("ngày 12/3/1972", "1972-03-12"),
    ("đầu năm 1972", "1972-37"),
    ("giữa năm 1972", "1972-38"),
    ("cuối năm 1972", "1972-39"),
    ("khoảng đầu năm 1972", "1972-37"),  # EDTF cannot qualify a part of a year; the part is a span already
    ("nửa đầu năm 1972", "1972-40"),
    ("nửa cuối năm 1972", "1972-41"),
    ("mùa xuân năm 1972", "1972-21"),
    ("quý 2/1972", "1972-34"),
    ("thập niên 1960", "196X"),
    ("những năm 1960", "196X"),
    ("khoảng thập niên 1960", "196X~"),
    ("1972-1975", "1972/1975"),
    ("từ năm 1972 đến năm 1975", "1972/1975"),
    ("  12 / 5 / 1972 ", "1972-05-12"),
    # already EDTF: kept as it is
    ("1972-05-12", "1972-05-12"),
    ("1972-03/1972-05", "1972-03/1972-05"),
    ("1968~", "1968~"),
    ("196X", "196X"),
]


@pytest.mark.parametrize("written, edtf", UNDERSTOOD)
def test_a_written_date_is_understood_into_edtf(written, edtf):
    assert to_edtf(written) == (edtf, None)
    make_bounds(edtf)  # and the rest of kyvat can read what it gives


EXPLAINED = [
    ("30/02/1972", "30/02/1972: February 1972 has no 30th day (tháng 2 năm 1972 không có ngày 30); check the day"),
    ("ngày 31 tháng 4 năm 1972",
     "ngày 31 tháng 4 năm 1972: April 1972 has no 31st day (tháng 4 năm 1972 không có ngày 31); check the day"),
    ("29/2/1971", "29/2/1971: February 1971 has no 29th day (tháng 2 năm 1971 không có ngày 29); check the day"),
    ("1972-02-30", "1972-02-30: February 1972 has no 30th day (tháng 2 năm 1972 không có ngày 30); check the day"),
    ("5/13/1972", "5/13/1972: there is no month 13 (không có tháng 13); check the month; "
                  "dates are written day/month/year: did you mean 13/5/1972?"),
    ("tháng 13 năm 1972", "tháng 13 năm 1972: there is no month 13 (không có tháng 13); check the month"),
    ("12/5/72", "12/5/72: the year 72 is not written in full (năm 72 chưa viết đủ bốn chữ số); "
                "write the year with all four digits, as in 1972"),
    ("những năm 60", "những năm 60: the decade 60 has no century (thập niên 60 chưa rõ thế kỷ); "
                     "write it in full, as in thập niên 1960"),
    ("thập niên 1965", "thập niên 1965: 1965 is not the first year of a decade (1965 không phải năm đầu của một "
                       "thập niên); name the decade by its first year, as in thập niên 1960"),
    ("1975-1972", "1975-1972: 1975 comes after 1972 (năm 1975 sau năm 1972); write the earlier year first"),
    ("ngày 5 tháng Giêng năm Nhâm Tý (âm lịch)",
     "ngày 5 tháng Giêng năm Nhâm Tý (âm lịch): kyvat does not convert a lunar date (kyvat không tự đổi ngày âm "
     "lịch sang dương lịch); give the solar-calendar date as edtf and keep these words as text"),
]


@pytest.mark.parametrize("written, why", EXPLAINED)
def test_a_date_that_cannot_be_right_is_explained_in_both_languages(written, why):
    edtf, problem = to_edtf(written)
    assert edtf is None and str(problem) == why


@pytest.mark.parametrize("words", ["", "hồi đó", "thời kháng chiến chống Mỹ", "Quảng Bình, 1972", "mùa mưa 1972"])
def test_words_that_are_not_a_date_are_left_alone(words):
    assert to_edtf(words) == (None, None)


def test_the_calendar_check_of_edtf_is_the_written_dates_one():
    with pytest.raises(DateInvalid) as caught:
        make_bounds("1972-02-30/1972-03-05")
    assert str(caught.value.problem) == ("1972-02-30/1972-03-05: February 1972 has no 30th day "
                                         "(tháng 2 năm 1972 không có ngày 30); check the day")


@pytest.mark.parametrize("edtf, lower, upper", [
    ("1972-37", dt.date(1972, 1, 1), dt.date(1972, 4, 30)),
    ("1972-38", dt.date(1972, 5, 1), dt.date(1972, 8, 31)),
    ("1972-39", dt.date(1972, 9, 1), dt.date(1972, 12, 31)),
])
def test_the_thirds_of_a_year_have_bounds(edtf, lower, upper):
    assert make_bounds(edtf) == (lower, upper)


# -- the date field of a record ------------------------------------------------------------------

def read_date(value):
    problems = []
    return FieldReader("objects/X/record.yaml", problems).date(value, "date", 7), problems


def test_a_date_written_alone_keeps_its_words_and_gains_its_edtf():
    date, problems = read_date("12/5/1972")
    assert problems == []
    assert date == Date(text="12/5/1972", edtf="1972-05-12", lower=dt.date(1972, 5, 12), upper=dt.date(1972, 5, 12))


def test_a_text_with_no_edtf_is_read_for_one():
    date, problems = read_date({"text": "khoảng tháng 3 năm 1972"})
    assert problems == []
    assert (date.text, date.edtf, date.lower) == ("khoảng tháng 3 năm 1972", "1972-03~", dt.date(1972, 3, 1))


def test_a_text_that_is_not_a_date_stays_a_text_without_a_word():
    date, problems = read_date({"text": "thời kháng chiến chống Mỹ"})
    assert problems == [] and date == Date(text="thời kháng chiến chống Mỹ")


def test_an_impossible_date_alone_is_an_error_that_says_why():
    date, problems = read_date("30/02/1972")
    assert [str(p) for p in problems] == [
        "objects/X/record.yaml:7: error: date: expected a day that is in the calendar, found 30/02/1972: February "
        "1972 has no 30th day (tháng 2 năm 1972 không có ngày 30); check the day"]
    assert date == Date(text="30/02/1972")


def test_an_impossible_date_in_a_text_is_a_warning_since_the_source_may_say_so():
    _, problems = read_date({"text": "30/02/1972"})
    assert [(p.field, p.severity) for p in problems] == [("date.text", "warning")]
    assert "if the source says so" in problems[0].hint


def test_words_alone_in_place_of_a_date_are_an_error_with_the_way_to_keep_them():
    _, problems = read_date("hồi đó")
    assert len(problems) == 1 and problems[0].found == "'hồi đó'"
    assert "tháng 3 năm 1968" in problems[0].expected and "{text: ...}" in problems[0].hint


def test_a_written_date_in_the_edtf_key_is_refused_with_its_edtf():
    _, problems = read_date({"text": "12/5/1972", "edtf": "12/5/1972"})
    assert [(p.field, p.fill(p.hint)) for p in problems] == [("date.edtf", "in EDTF that is 1972-05-12")]


def test_a_text_and_an_edtf_that_name_different_days_are_a_warning():
    _, problems = read_date({"text": "5/4/1972", "edtf": "1972-05-04"})
    assert [(p.field, p.severity, p.fill(p.expected)) for p in problems] == [
        ("date.edtf", "warning", "the date the text says (1972-04-05)")]
    # a narrower EDTF than the text (the curator knows more) and an approximate one are not contradictions
    assert read_date({"text": "năm 1972", "edtf": "1972-05"})[1] == []
    assert read_date({"text": "khoảng năm 1970", "edtf": "1971"})[1] == []


def test_a_message_about_a_date_is_a_template_that_shows_braces_of_edtf_as_written():
    # the message's values are params (translated templates are filled after); an EDTF set's braces
    # beside them are shown as written, not read as a template's {names}
    _, problems = read_date({"text": "5/4/1972", "edtf": "{1972-05-04,1972-05-05}"})
    assert [p.expected for p in problems] == ["the date the text says ({said})"]
    assert str(problems[0]) == ("objects/X/record.yaml:7: warning: date.edtf: expected the date the text says "
                                "(1972-04-05), found '{1972-05-04,1972-05-05}' (the text '5/4/1972' is read "
                                "day/month/year, as 1972-04-05: correct the one that is wrong)")
    problem = to_edtf("31/02/1972")[1]
    assert "31/02/1972" not in problem.found and "tháng {month} năm {year}" in problem.found


# -- shown to a reader ---------------------------------------------------------------------------

@pytest.mark.parametrize("edtf, vi, en", [
    ("1972-37", "đầu năm 1972", "early 1972"),
    ("1972-39", "cuối năm 1972", "late 1972"),
    ("1972-21", "mùa xuân năm 1972", "spring 1972"),
    ("1972-25", "1972-25", "1972-25"),  # a part of the year the word table does not name: as written
])
def test_a_part_of_a_year_is_shown_in_words(edtf, vi, en):
    words = read_words(None)
    lower, upper = make_bounds(edtf)
    date = Date(text=edtf, edtf=edtf, lower=lower, upper=upper)
    assert (to_date_text(date, "vi", words), to_date_text(date, "en", words)) == (vi, en)
