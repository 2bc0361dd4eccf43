"""The desk's record forms as data (kyvat.desk.forms, issue 13): the values a form shows for a
record, and the change that puts a form's values back, through recordedit, changing only what the
curator changed: a save that changes nothing leaves the file byte for byte, a change of one field
rewrites only that field's lines, and the comments of the sample's records survive."""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from kyvat import catalogue
from kyvat.desk import forms
from kyvat.recordedit import make_edited_text, write_edit
from kyvat.validate import check_record_text
from kyvat.yamlfile import make_yaml

RECORD = "objects/AB-2026-0001/record.yaml"  # the sample's letter: comments, flow rows, folded texts
PERSON = "people/nguyen-van-duc.yaml"
TODAY = dt.date(2026, 9, 1)


def save(root: Path, rel: str, values: dict, kind: str = "object") -> list[str]:
    fields = forms.fields_of(kind)
    changed: list = []
    write_edit(root / rel, rel, lambda d: changed.__setitem__(slice(None), forms.apply_form(d, values, fields, kind)),
               root=root)
    return [f.path for f in changed]


def shown(root: Path, rel: str, kind: str = "object") -> dict:
    return forms.read_form_values(make_yaml((root / rel).read_text(encoding="utf-8")), forms.fields_of(kind))


def changed_lines(before: str, after: str) -> list[str]:
    """The old lines a change removed or replaced, and the new lines it added."""
    return [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:2] in ("- ", "+ ")]


def comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if "#" in line]


def test_a_save_that_changes_nothing_leaves_every_sample_record_byte_for_byte(sample_copy):
    records = sorted(sample_copy.glob("objects/*/record.yaml")) + sorted(sample_copy.glob("people/*.yaml"))
    assert len(records) > 20
    for path in records:
        rel = path.relative_to(sample_copy).as_posix()
        kind = "person" if rel.startswith("people/") else "object"
        before = path.read_bytes()
        assert save(sample_copy, rel, shown(sample_copy, rel, kind), kind) == [], rel
        assert path.read_bytes() == before, rel


def test_a_change_of_one_field_rewrites_only_its_lines(sample_copy):
    before = (sample_copy / RECORD).read_text(encoding="utf-8")
    values = shown(sample_copy, RECORD)
    values["title"] = {"vi": "Thư gửi mẹ yêu", "en": "Letter to mother"}
    assert save(sample_copy, RECORD, values) == ["title"]
    after = (sample_copy / RECORD).read_text(encoding="utf-8")
    assert changed_lines(before, after) == ["-   vi: Thư gửi mẹ", "+   vi: Thư gửi mẹ yêu"]


def test_comments_key_order_and_layout_survive_many_changes(sample_copy):
    before = (sample_copy / RECORD).read_text(encoding="utf-8")
    values = shown(sample_copy, RECORD)
    values["acquisition.method"] = "loan"  # its line keeps its comment "# hiến tặng"
    values["acquisition.loan_until"] = "2027-01-31"  # a new key, at its place among acquisition's
    values["people"] = values["people"] + [{"person": "pham-thi-lan", "role": "depicted"}]
    values["location.box"] = "H-2"
    values["date"] = {"text": "Quảng Bình, ngày 13 tháng 3 năm 1972", "edtf": "1972-03-13"}
    assert set(save(sample_copy, RECORD, values)) == {"acquisition.method", "acquisition.loan_until", "people",
                                                       "location.box", "date"}
    after = (sample_copy / RECORD).read_text(encoding="utf-8")
    assert comments(after) == [c.replace("method: gift", "method: loan") for c in comments(before)]
    assert "  - {person: pham-thi-lan, role: depicted}\n" in after  # a new row in the flow style of the others
    lines = after.splitlines()
    assert lines.index("  loan_until: 2027-01-31") == lines.index("  donor: nguyen-thi-hoa") + 2  # after receipt_no
    assert lines.index("  box: H-2") == lines.index("  store: Hộp không axit HA-017") + 1
    # the long folded texts nobody touched are as they were
    assert before[before.index("description:"):before.index("count:")] in after
    data = make_yaml(after)
    assert data["acquisition"]["loan_until"] == dt.date(2027, 1, 31)
    assert data["date"] == {"text": "Quảng Bình, ngày 13 tháng 3 năm 1972", "edtf": "1972-03-13"}


def test_an_emptied_field_is_removed_and_the_comment_lines_below_it_stay(sample_copy):
    path = catalogue.write_new_object(sample_copy, object_type="letter", title="Thư", method="gift",
                                      donor="nguyen-thi-hoa", received="2026-08-01")
    rel = path.relative_to(sample_copy).as_posix()
    values = shown(sample_copy, rel)
    values["acquisition.donor"] = ""
    values["visibility"] = ""
    before = path.read_text(encoding="utf-8")
    assert set(save(sample_copy, rel, values)) == {"acquisition.donor", "visibility"}
    after = path.read_text(encoding="utf-8")
    assert "donor:" not in after.replace("# donor", "")
    assert "visibility:" not in after
    assert [c for c in comments(before) if "visibility" not in c] == comments(after)


def test_a_bare_language_text_stays_bare_until_english_is_given(sample_copy):
    path = catalogue.write_new_object(sample_copy, object_type="letter", title="Thư", method="gift",
                                      received="2026-08-01")
    path.write_text(path.read_text(encoding="utf-8").replace("count: 1\n", "count: 1\nmaterials: giấy\n"),
                    encoding="utf-8")
    rel = path.relative_to(sample_copy).as_posix()
    values = shown(sample_copy, rel)
    assert values["materials"] == {"vi": "giấy", "en": ""}
    values["materials"] = {"vi": "giấy dó", "en": ""}
    save(sample_copy, rel, values)
    assert "materials: giấy dó\n" in path.read_text(encoding="utf-8")
    values["materials"] = {"vi": "giấy dó", "en": "dó paper"}
    save(sample_copy, rel, values)
    assert make_yaml(path.read_text(encoding="utf-8"))["materials"] == {"vi": "giấy dó", "en": "dó paper"}


def test_new_keys_go_where_the_record_order_puts_them(sample_copy):
    path = catalogue.write_new_object(sample_copy, object_type="photograph", title="Ảnh", method="gift",
                                      received="2026-08-01")
    rel = path.relative_to(sample_copy).as_posix()
    values = shown(sample_copy, rel)
    values["date"] = {"text": "khoảng 1968", "edtf": ""}
    values["keywords"] = "ảnh\n1968\n"
    values["private_notes"] = "ghi chú"
    values["dimensions.height"] = "12.5"
    save(sample_copy, rel, values)
    text = path.read_text(encoding="utf-8")
    keys = [line.split(":")[0] for line in text.splitlines() if line and line[0].isalpha()]
    assert keys == ["id", "title", "object_type", "count", "dimensions", "date", "keywords", "acquisition",
                    "visibility", "private_notes"]
    data = make_yaml(text)
    assert data["keywords"] == ["ảnh", "1968"]  # a text, quoted, not a number
    assert data["dimensions"] == {"height": 12.5}
    assert check_record_text(sample_copy, rel, text, TODAY) == []


def test_rows_taken_off_and_changed_in_place(sample_copy):
    before = (sample_copy / PERSON).read_text(encoding="utf-8")
    values = shown(sample_copy, PERSON, "person")
    rows = values["relationships"]
    assert rows[0] == {"person": "hoang-thi-mai", "relation": {"vi": "mẹ", "en": "mother"}}
    values["relationships"] = [rows[0], {**rows[1], "relation": {"vi": "em gái út", "en": "youngest sister"}}]
    assert save(sample_copy, PERSON, values, "person") == ["relationships"]
    after = (sample_copy / PERSON).read_text(encoding="utf-8")
    assert sorted(changed_lines(before, after)) == [
        "+     relation: {vi: em gái út, en: youngest sister}", "-     relation: {vi: em gái, en: younger sister}",
        "-     relation: {vi: đồng đội cùng tiểu đội, en: comrade in the same squad}",
        "-   - person: le-van-thanh"]


def test_posted_values_read_back_as_the_form_showed_them(sample_copy):
    values = shown(sample_copy, RECORD)
    form = MultiDict()
    for f in forms.OBJECT_FIELDS:
        value = values[f.path]
        if f.kind == forms.ROWS:
            form.add(f.path, "rows")
            for row in value + [forms.blank_row(f)]:
                for key, cell in row.items():
                    form.add(f"{f.path}.{key}", cell)
        elif f.parts:
            for part in f.parts:
                form.add(f"{f.path}.{part}", value[part])
        else:
            form.add(f.path, value)
    posted = forms.read_posted_values(form)
    assert set(posted) == set(values)
    text = (sample_copy / RECORD).read_text(encoding="utf-8")
    assert make_edited_text(text, RECORD, lambda d: forms.apply_form(d, posted)) == text


@pytest.mark.parametrize("problem_field, form_field", [
    ("date.edtf", "date"), ("people[1].person", "people"), ("acquisition.loan_until", "acquisition.loan_until"),
    ("dimensions.height", "dimensions.height"), ("acquisition", ""), ("scans[0].file", ""),
])
def test_each_problem_is_shown_beside_its_field(problem_field, form_field):
    assert forms.field_of(forms.OBJECT_FIELDS, problem_field) == form_field


def test_the_choices_come_from_the_model():
    from kyvat import model
    by_path = {f.path: f for f in forms.OBJECT_FIELDS + forms.PERSON_FIELDS}
    assert by_path["object_type"].choices is model.OBJECT_TYPES
    assert by_path["kind"].choices is model.PERSON_KINDS
    assert {c for f in by_path.values() for c in f.choices + sum((k.choices for k in f.columns), ())} <= \
        set(forms.CHOICE_WORDS)
