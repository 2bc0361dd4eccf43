"""The errors the curator's desk raises (catalogue.py, lifecycle.py, personedit.py) are templates:
in English `str(error)` reads as it always did, and the CLI translates the template before it
fills in the values, so a curator's own text (an id, a name, a day) is never looked up and a value
that is words of its own (a problem of the record, a YAML slip) is translated too.

The catalogue here is a made-up one, so that these tests do not wait for kyvat.po.
"""

from __future__ import annotations

import datetime as dt
import gettext
from pathlib import Path

import pytest

from kyvat import catalogue, lifecycle, messages, personedit
from kyvat.errors import CatalogueError, KyvatError, RecordError

MADE_UP = {
    "expected one of {choices}, found {found} (did you mean '{close}'?)":
        "VI cần một trong {choices}, nhưng thấy {found} (có phải '{close}'?)",
    "expected a name with letters, found {name}": "VI cần một tên có chữ cái, nhưng thấy {name}",
    "expected a day no later than today ({today}), found {day}": "VI không muộn hơn hôm nay ({today}): {day}",
    "{found}; fix it first": "{found}; VI sửa trước",
    "a syntax error: {message}": "VI lỗi cú pháp: {message}",
    "the '{opener}' on line {line} is never closed with '{closer}'": "VI '{opener}' dòng {line} thiếu '{closer}'",
    "{file} cannot be read ({reason}); fix it first (see 'kyvat validate'), nothing was changed":
        "VI không đọc được {file} ({reason})",
}


class _MadeUp(gettext.NullTranslations):
    def gettext(self, message):
        return MADE_UP.get(message, message)


@pytest.fixture
def vietnamese(monkeypatch):
    monkeypatch.setattr(messages, "read_catalogue", lambda language, localedir=None: _MadeUp())
    monkeypatch.setitem(messages._current, "language", "vi")


def _raised(call) -> KyvatError:
    with pytest.raises(KyvatError) as caught:
        call()
    return caught.value


def test_a_choice_error_is_translated_before_its_values_are_filled(collection_copy: Path, vietnamese):
    error = _raised(lambda: catalogue.write_new_object(collection_copy, object_type="photgraph", title="x",
                                                       received="2026-01-02"))
    assert isinstance(error, CatalogueError) and error.field == "object_type"
    choices = ", ".join(catalogue.OBJECT_TYPES)
    assert str(error) == f"object_type: expected one of {choices}, found 'photgraph' (did you mean 'photograph'?)"
    assert messages.to_error_text(error) == (
        f"VI cần một trong {choices}, nhưng thấy 'photgraph' (có phải 'photograph'?)")


def test_a_curators_text_is_quoted_as_python_quoted_it(collection_copy: Path, vietnamese):
    error = _raised(lambda: catalogue.write_new_person(collection_copy, kind="donor", name="'''"))
    assert str(error) == """name: expected a name with letters, found "'''\""""
    assert messages.to_error_text(error) == """VI cần một tên có chữ cái, nhưng thấy "'''\""""


def test_a_lifecycle_day_error_is_translated(collection_copy: Path, vietnamese):
    today = dt.date(2026, 8, 1)
    error = _raised(lambda: lifecycle.write_condition_check(collection_copy, "TT-2026-0001", grade="good", note="",
                                                            day=today + dt.timedelta(days=1), today=today))
    assert str(error) == "condition.checked: expected a day no later than today (2026-08-01), found 2026-08-02"
    assert messages.to_error_text(error) == "VI không muộn hơn hôm nay (2026-08-01): 2026-08-02"


def test_the_problem_of_a_record_that_cannot_be_edited_is_translated_inside_the_error(collection_copy: Path,
                                                                                       vietnamese):
    record = collection_copy / "objects" / "TT-2026-0002" / "record.yaml"
    record.write_text("id: TT-2026-0002\ntitle: [a\n", encoding="utf-8")
    error = _raised(lambda: lifecycle.read_artifact(collection_copy, "TT-2026-0002"))
    assert isinstance(error, RecordError)
    assert str(error) == ("objects/TT-2026-0002/record.yaml:2: error: expected valid YAML, found a syntax error: "
                          "the '[' on line 2 is never closed with ']'; fix it first")
    assert messages.to_error_text(error).endswith("VI lỗi cú pháp: VI '[' dòng 2 thiếu ']'; VI sửa trước")


def test_a_person_file_with_a_yaml_slip_is_named_in_the_curators_words(collection_copy: Path, vietnamese):
    (collection_copy / "people" / "nguyen-thi-hanh.yaml").write_text("name: [a\n", encoding="utf-8")
    error = _raised(lambda: personedit.write_person_merged(collection_copy, "pham-van-duc", "nguyen-thi-hanh"))
    # the slip itself, not the fields of the exception that carries it
    assert str(error) == ("people/nguyen-thi-hanh.yaml cannot be read (the '[' on line 1 is never closed with "
                          "']'); fix it first (see 'kyvat validate'), nothing was changed")
    assert messages.to_error_text(error) == (
        "VI không đọc được people/nguyen-thi-hanh.yaml (VI '[' dòng 1 thiếu ']')")
