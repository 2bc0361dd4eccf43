"""Reading records: language maps, EDTF dates, places, line numbers and what a curator is told."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from kyvat import layout
from kyvat.dates import DateInvalid, make_bounds
from kyvat.records import read_collection
from kyvat.yamlfile import YamlSyntaxError, make_front_matter, make_yaml

CONFIG = """name: {vi: "Nhà truyền thống thử", en: "Test house"}
base_url: "https://test.kyvat.vn/"
accession_pattern: "TT-{year}-{seq:04d}"
private_fields: [family_phone]
"""

RECORD = """id: TT-2026-0001
title: Thư gửi mẹ
object_type: letter
date: {text: "khoảng mùa xuân 1968", edtf: "1968-03~"}
places:
  - {text: "quận Lê Chân cũ", current: "phường An Biên"}
  - Hà Nội
people:
  - {person: nguyen-van-duc, role: author}
acquisition: {method: copy, date: 2026-03-01, donor: nguyen-van-duc, original_held_by: "Gia đình"}
location: {room: "Kho 1"}
family_phone: "0900"
"""

PERSON = """kind: martyr
name: Nguyễn Văn Đức
death:
  date: {text: "12/3/1968", edtf: "1968-03-12"}
  place: {text: "Quảng Trị"}
burial: {cemetery: "Trường Sơn", plot: A, row: 3, grave: 12}
"""


def write(root, files: dict[str, str]):
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def small(tmp_path):
    return write(tmp_path / "c", {"kyvat.yaml": CONFIG, "objects/TT-2026-0001/record.yaml": RECORD,
                                  "people/nguyen-van-duc.yaml": PERSON})


def test_a_record_reads_into_the_model(small):
    collection, problems = read_collection(small)
    assert problems == []
    obj = collection.object("TT-2026-0001")
    assert obj.title.vi == "Thư gửi mẹ" and obj.title.en == ""  # a bare string is Vietnamese
    assert obj.date.text == "khoảng mùa xuân 1968" and obj.date.edtf == "1968-03~"
    assert obj.date.lower == dt.date(1968, 3, 1) and obj.date.decade == 1960
    assert [(p.text, p.current) for p in obj.places] == [("quận Lê Chân cũ", "phường An Biên"), ("Hà Nội", "")]
    assert obj.acquisition.method == "copy" and obj.acquisition.original_held_by.vi == "Gia đình"
    assert obj.location == {"room": "Kho 1"} and obj.private == {"family_phone": "0900"}
    person = collection.person("nguyen-van-duc")
    assert person.burial.grave == "12" and person.death.date.upper == dt.date(1968, 3, 12)
    assert person.publish_name is True


def test_lines_are_remembered_for_every_key():
    data = make_yaml("a: 1\nb:\n  c: 2\n  d: [1, 2]\n")
    assert data.lines == {"a": 1, "b": 2}
    assert data["b"].lines == {"c": 3, "d": 4}


def test_front_matter_lines_count_from_the_file_start():
    doc = make_front_matter("---\ntitle: A\norder: 2\n---\nBody text\n")
    assert doc.meta.lines == {"title": 2, "order": 3}
    assert doc.body == "Body text\n" and doc.body_line == 5


def test_yaml_syntax_error_has_a_line():
    with pytest.raises(YamlSyntaxError) as caught:
        make_yaml("a: 1\nb: [1, 2\nc: 3\n")
    assert caught.value.line is not None and caught.value.line >= 2


@pytest.mark.parametrize("text, lower, upper", [
    ("1968", dt.date(1968, 1, 1), dt.date(1968, 12, 31)),
    ("1968~", dt.date(1968, 1, 1), dt.date(1968, 12, 31)),
    ("196X", dt.date(1960, 1, 1), dt.date(1969, 12, 31)),
    ("1972-03/1972-05", dt.date(1972, 3, 1), dt.date(1972, 5, 31)),
    ("1968-02-29", dt.date(1968, 2, 29), dt.date(1968, 2, 29)),
])
def test_edtf_bounds(text, lower, upper):
    assert make_bounds(text) == (lower, upper)


@pytest.mark.parametrize("text", ["1968-02-30", "1969-02-29", "1968-13", "mùa xuân", "1968/1967-02-31"])
def test_impossible_or_unparsable_dates_are_refused(text):
    with pytest.raises(DateInvalid):
        make_bounds(text)


@pytest.mark.parametrize("condition, line, found", [
    ('condition: {note: "rách góc"}\n', 13, "no such key"),  # the map is checked once, not twice
    ("condition:\n  note: rách góc\n  grade: goood\n", 15, "'goood'"),  # on the grade's own line
])
def test_a_condition_grade_mistake_is_named_once_on_its_line(tmp_path, condition, line, found):
    root = write(tmp_path / "c", {"kyvat.yaml": CONFIG, "objects/TT-2026-0001/record.yaml": RECORD + condition,
                                  "people/nguyen-van-duc.yaml": PERSON})
    _, problems = read_collection(root)
    assert [(p.field, p.line) for p in problems] == [("condition.grade", line)]
    assert found in problems[0].found


def test_yaml_is_read_fast_yet_a_mistake_is_worded_by_the_clearer_parser():
    # libyaml reads records; its message for a tab would not say which character is wrong
    data = make_yaml("id: AB-1\nscans:\n  - file: 001.jpg\n", first_line=3)
    assert (data.lines, data["scans"].lines) == ({"id": 3, "scans": 4}, [5])
    with pytest.raises(YamlSyntaxError) as wrong:
        make_yaml("title:\n\tvi: Thư\n")
    assert wrong.value.line == 2 and "Tab" in wrong.value.message


def test_no_module_but_layout_joins_the_collections_folders():
    """layout.py is the one disk layout: no other module joins one of its names into a path
    (`folder / SCANS_DIR`, f"{x}/{layout.TRANSCRIPTS_DIR}/…") or spells a folder of it itself
    (`root / "site_templates"`, `"assets/…"`). urls.py is the site's addresses, not the disk's."""
    names = [n for n in vars(layout) if n.isupper() and isinstance(getattr(layout, n), str)]
    folders = [v for v in (getattr(layout, n) for n in names if n.endswith("_DIR")) if v != layout.CACHE_DIR]
    name = rf"(?:layout\.)?(?:{'|'.join(names)})\b"
    joined = re.compile(rf"/\s*{name}|\{{{name}\}}/\{{|\}}/\{{{name}\}}")
    spelled = re.compile(rf"""/\s*["'](?:{'|'.join(folders)})["']|["'](?:{'|'.join(folders)})/""")
    found = []
    for path in sorted((Path(layout.__file__).parent).glob("*.py")):
        if path.name == "layout.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if joined.search(line) or (path.name != "urls.py" and spelled.search(line)):
                found.append(f"{path.name}:{number}: {line.strip()}")
    assert found == []
