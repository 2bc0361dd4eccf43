"""Dates: EDTF through the `edtf` library (imported here only) with the calendar check it leaves out,
and dates as Vietnamese offices write them (12/5/1972, tháng 3 năm 1972, khoảng 1972…) read into EDTF.

`edtf` parses the grammar but accepts calendar days that never existed (1969-02-29), so every day
an expression names is also checked against the real calendar.

Written dates are read by the small grammar below rather than by dateparser, which was tried (1.5.0,
languages=["vi"], DMY order): it reads 12/5/1972 and tháng 3 năm 1972 but not khoảng, đầu/giữa/cuối
năm or thập niên; it fills a missing month and day from today (1972 → 1972-11-30 in November), so a
year cannot be told from a day; and for 30/02/1972 it answers None with no reason. The records need
EDTF's qualifiers and spans (1972~, 196X, 1972-37), and none of those come out of a datetime.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass

from edtf import parse_edtf
from edtf.parser.edtf_exceptions import EDTFParseException

from .errors import make_params
from .messages import N_
from .vietnamese import fold

_DAY = re.compile(r"(?<![\dX])(-?\d{4})-(\d{2})-(\d{2})(?![\dX])")
_MONTHS = ("", "January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


@dataclass(frozen=True)
class DateProblem:
    """Why a date as written cannot be right, and the fix: `expected` and `found` are templates
    marked with N_, their {names} filled from `params` (as a Problem's are). The English `found`
    also gives the reason in Vietnamese, in brackets, for the curator who reads the English; its
    Vietnamese translation gives the reason once, in Vietnamese."""

    written: str
    expected: str  # what a date there must be, e.g. "a day that is in the calendar"
    found: str  # "{written}: <why> (<why, in Vietnamese>); <the fix>"
    params: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        return self.found.format(**dict(self.params))


def _problem(written: str, expected: str, found: str, **values) -> DateProblem:
    return DateProblem(written, expected, found, make_params(written=written, **values))


class DateInvalid(ValueError):
    """Not an EDTF date, or a day that is not in the calendar (then `problem` says which and why)."""

    def __init__(self, message: str, problem: DateProblem | None = None):
        super().__init__(message)
        self.problem = problem


def make_bounds(text: str) -> tuple[dt.date | None, dt.date | None]:
    """The earliest and latest calendar day an EDTF expression admits (None for an open end)."""
    found = _bounds(text)
    if isinstance(found, DateProblem):
        raise DateInvalid(str(found), found)
    if found is None:
        raise DateInvalid("not EDTF")
    return found


# A character no EDTF expression holds: words are told from EDTF without asking the parser.
_NOT_EDTF = re.compile(r"[^0-9XYESTZ:+\-/~?%\[\]{}., ]")


@functools.lru_cache(maxsize=8192)
def _bounds(text: str) -> tuple[dt.date | None, dt.date | None] | DateProblem | None:
    # the edtf parser takes milliseconds a date, and a collection names the same years again and again
    for year, month, day in _DAY.findall(text):
        problem = _day_problem(text, int(year), int(month), int(day))
        if problem:
            return problem
    if not text or _NOT_EDTF.search(text):
        return None
    try:
        parsed = parse_edtf(text)
    except (EDTFParseException, ValueError, TypeError):
        return None
    return _to_date(parsed.lower_strict()), _to_date(parsed.upper_strict())


def _to_date(value) -> dt.date | None:
    if value is None:
        return None
    try:
        year, month, day = value[:3]
        if year <= 0 or year >= 9999:
            return None
        return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))
    except (TypeError, ValueError):
        return None


# -- dates as written ---------------------------------------------------------------------------

# Matched on the folded text (no diacritics, lower case), so `Khoang nam 1972` typed without its
# tones reads as `khoảng năm 1972`.
_APPROXIMATE = re.compile(r"^(?:vao khoang|khoang|uoc chung|chung|co le|co the)\s+")
_LUNAR = re.compile(r"\bam lich\b|\(al\)|\bal\b")
_YEAR = r"(?P<year>\d{1,4})"
_FORMS: list[tuple[str, re.Pattern]] = [(name, re.compile(pattern)) for name, pattern in [
    ("day", r"(?:ngay\s+)?(?P<day>\d{1,2})\s*(?P<sep>[/.-])\s*(?P<month>\d{1,2})\s*(?P=sep)\s*" + _YEAR),
    ("day", r"ngay\s+(?P<day>\d{1,2})\s+thang\s+(?P<month>\d{1,2})(?:\s+nam\s+|\s*/\s*)" + _YEAR),
    ("month", r"(?:thang\s+)?(?P<month>\d{1,2})\s*[/.-]\s*" + _YEAR),
    ("month", r"thang\s+(?P<month>\d{1,2})\s+nam\s+" + _YEAR),
    ("years", r"(?:tu\s+)?(?:nam\s+)?(?P<first>\d{4})\s*(?:-|den)\s*(?:nam\s+)?(?P<last>\d{4})"),
    ("year", r"(?:nam\s+)?" + _YEAR),
    ("part", r"(?P<part>dau|giua|cuoi|nua dau|nua cuoi|nua sau)\s+nam\s+" + _YEAR),
    ("part", r"(?P<part>mua xuan|mua ha|mua he|mua thu|mua dong)\s+(?:nam\s+)?" + _YEAR),
    ("part", r"(?P<part>quy (?:1|2|3|4|i|ii|iii|iv))(?:\s+nam\s+|\s*/\s*)" + _YEAR),
    ("decade", r"(?:thap nien|thap ky|nhung nam)\s+(?P<year>\d{2,4})"),
]]
# EDTF level 2 names parts of a year by number. đầu/giữa/cuối năm are read as the year's thirds
# (the quadrimesters 37, 38, 39): `đầu năm` is the first months, not the first half, and the three
# words then cover the year without overlap. The seasons are EDTF's own (21 spring … 24 winter).
_PARTS = {"dau": 37, "giua": 38, "cuoi": 39, "nua dau": 40, "nua cuoi": 41, "nua sau": 41,
          "mua xuan": 21, "mua ha": 22, "mua he": 22, "mua thu": 23, "mua dong": 24,
          "quy 1": 33, "quy i": 33, "quy 2": 34, "quy ii": 34, "quy 3": 35, "quy iii": 35,
          "quy 4": 36, "quy iv": 36}


def to_edtf(text: str) -> tuple[str | None, DateProblem | None]:
    """A date as a Vietnamese office writes it (or already in EDTF) → (its EDTF, None); a date that
    cannot be right → (None, why and the fix); anything else → (None, None).

    Day/month/year as in Vietnam (12/5/1972 is 12 May); `khoảng` adds EDTF's `~`, `có lẽ` its `?`.
    """
    return _to_edtf(" ".join(str(text).split()))


@functools.lru_cache(maxsize=8192)
def _to_edtf(written: str) -> tuple[str | None, DateProblem | None]:
    # a collection writes the same dates again and again: each one is read once a process
    if not written:
        return None, None
    try:
        make_bounds(written)
        return written, None
    except DateInvalid as exc:
        if exc.problem:
            return None, exc.problem
    folded = fold(written).replace("–", "-").replace("—", "-").rstrip(".")
    if _LUNAR.search(folded):
        return None, _problem(written, N_("a date in the solar calendar"), N_(
            "{written}: kyvat does not convert a lunar date (kyvat không tự đổi ngày âm lịch sang dương lịch); "
            "give the solar-calendar date as edtf and keep these words as text"))
    qualifier = ""
    approximate = _APPROXIMATE.match(folded)
    if approximate:
        qualifier = "?" if approximate[0].startswith("co ") else "~"
        folded = folded[approximate.end():]
    for name, pattern in _FORMS:
        match = pattern.fullmatch(folded)
        if match:
            edtf, problem = _READERS[name](written, **match.groupdict())
            return (_qualify(edtf, qualifier) if edtf else None), problem
    return None, None


def _qualify(edtf: str, qualifier: str) -> str:
    # `edtf` cannot read a qualified part of a year (1972-37~); the part is a span of months already
    if not qualifier or re.search(r"-[2-4]\d$", edtf):
        return edtf
    return "/".join(side + qualifier for side in edtf.split("/"))


def _read_day(written: str, day: str, month: str, year: str, sep: str = "") -> tuple[str | None, DateProblem | None]:
    problem = _year_problem(written, year) or _month_problem(written, int(month), int(day), sep, year) \
        or _day_problem(written, int(year), int(month), int(day))
    return (None, problem) if problem else (f"{year}-{int(month):02d}-{int(day):02d}", None)


def _read_month(written: str, month: str, year: str) -> tuple[str | None, DateProblem | None]:
    problem = _year_problem(written, year) or _month_problem(written, int(month))
    return (None, problem) if problem else (f"{year}-{int(month):02d}", None)


def _read_years(written: str, first: str, last: str) -> tuple[str | None, DateProblem | None]:
    if int(first) > int(last):
        return None, _problem(written, N_("a span whose first year comes first"), N_(
            "{written}: {first} comes after {last} (năm {first} sau năm {last}); write the earlier year first"),
            first=first, last=last)
    return f"{first}/{last}", None


def _read_year(written: str, year: str) -> tuple[str | None, DateProblem | None]:
    problem = _year_problem(written, year)
    return (None, problem) if problem else (year, None)


def _read_part(written: str, part: str, year: str) -> tuple[str | None, DateProblem | None]:
    problem = _year_problem(written, year)
    return (None, problem) if problem else (f"{year}-{_PARTS[part]}", None)


def _read_decade(written: str, year: str) -> tuple[str | None, DateProblem | None]:
    if len(year) != 4:
        return None, _problem(written, N_("a decade written with four digits"), N_(
            "{written}: the decade {year} has no century (thập niên {year} chưa rõ thế kỷ); "
            "write it in full, as in thập niên {decade}"), year=year, decade=f"19{year[-2:]}")
    if not year.endswith("0"):
        return None, _problem(written, N_("a decade named by its first year"), N_(
            "{written}: {year} is not the first year of a decade ({year} không phải năm đầu của một thập niên); "
            "name the decade by its first year, as in thập niên {decade}"), year=year, decade=f"{year[:3]}0")
    return f"{year[:3]}X", None


_READERS = {"day": _read_day, "month": _read_month, "years": _read_years, "year": _read_year,
            "part": _read_part, "decade": _read_decade}


def _year_problem(written: str, year: str) -> DateProblem | None:
    if len(year) == 4:
        return None
    return _problem(written, N_("a year written with four digits"), N_(
        "{written}: the year {year} is not written in full (năm {year} chưa viết đủ bốn chữ số); "
        "write the year with all four digits, as in 1972"), year=year)


def _month_problem(written: str, month: int, day: int = 0, separator: str = "", year: str = "") -> DateProblem | None:
    if 1 <= month <= 12:
        return None
    if 1 <= day <= 12 and separator:
        # 5/13/1972 is the American order; in Vietnam the day comes first
        return _problem(written, N_("a month from 1 to 12"), N_(
            "{written}: there is no month {month} (không có tháng {month}); check the month; dates are written "
            "day/month/year: did you mean {meant}?"), month=month, meant=f"{month}{separator}{day}{separator}{year}")
    return _problem(written, N_("a month from 1 to 12"), N_(
        "{written}: there is no month {month} (không có tháng {month}); check the month"), month=month)


def _day_problem(written: str, year: int, month: int, day: int) -> DateProblem | None:
    """The one check that a day is in the calendar, for EDTF and written dates alike."""
    if not 1 <= month <= 12:
        return _month_problem(written, month)
    if 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    if day == 0:
        return _problem(written, N_("a day that is in the calendar"), N_(
            "{written}: there is no day 0 (không có ngày 0); check the day"))
    # the English names the month and says "31st"; the Vietnamese says tháng 2 and ngày 31
    return _problem(written, N_("a day that is in the calendar"), N_(
        "{written}: {month_name} {year} has no {ordinal} day (tháng {month} năm {year} không có ngày {day}); "
        "check the day"), month_name=_MONTHS[month], year=year, ordinal=_ordinal(day), month=month, day=day)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
