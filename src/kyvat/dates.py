"""EDTF dates through the `edtf` library (imported here only), with a check it leaves out.

`edtf` parses the grammar but accepts calendar days that never existed (1969-02-29), so every day
an expression names is also checked against the real calendar.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from edtf import parse_edtf
from edtf.parser.edtf_exceptions import EDTFParseException

_DAY = re.compile(r"(?<![\dX])(-?\d{4})-(\d{2})-(\d{2})(?![\dX])")


class DateInvalid(ValueError):
    """Not an EDTF date, or a day that is not in the calendar."""


def make_bounds(text: str) -> tuple[dt.date | None, dt.date | None]:
    """The earliest and latest calendar day an EDTF expression admits (None for an open end)."""
    for year, month, day in _DAY.findall(text):
        try:
            dt.date(int(year), int(month), int(day))
        except ValueError:
            raise DateInvalid(f"{year}-{month}-{day} is not a day in the calendar") from None
    try:
        parsed = parse_edtf(text)
    except (EDTFParseException, ValueError, TypeError):
        raise DateInvalid("not EDTF") from None
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
