"""A ward's list of gathered keepsakes made into object records, and the records made back into such a
list. The header, the title rows and the headings' spellings are read as importer.py reads a list of
people; this module knows what an object's columns mean.

A new row takes the next accession number (catalogue.write_new_object, as `kyvat new object` does),
then its other fields through recordedit.write_edit. The giver is matched to a person already in the
collection by folded name: the people are imported first. A row is an object already recorded when
its Số đăng ký is that object's number, or, without one, when its folded title, giver and date are.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from . import dates, layout
from .catalogue import write_new_object
from .errors import N_, Problem, Value, make_params
from .importer import (
    NUMBERING, Plan, looks_legacy, make_unknown_heading, to_heading_key, to_written_day, with_row_below,
)
from .model import Artifact, Collection
from .recordedit import insert_key, make_mapping, make_scalar, write_edit
from .vietnamese import fold

# What each code is called on a ward's list (the first is what export writes)
TYPE_WORDS = {
    "letter": ("thư", "lá thư", "bức thư", "thư từ"), "diary": ("nhật ký", "sổ tay"),
    "photograph": ("ảnh", "ảnh chụp", "bức ảnh", "hình", "tấm ảnh"),
    "certificate": ("giấy chứng nhận", "bằng khen", "giấy khen", "bằng", "giấy báo tử"),
    "document": ("giấy tờ", "tài liệu", "văn bản"), "uniform": ("quân phục", "quần áo", "áo"),
    "medal": ("huân chương", "huy chương", "kỷ niệm chương"),
    "personal_item": ("kỷ vật", "đồ dùng cá nhân", "vật dụng", "đồ dùng"), "weapon_part": ("vũ khí", "quân trang"),
    "audio": ("ghi âm", "băng ghi âm"), "video": ("phim", "video"), "other": ("khác",),
}
METHOD_WORDS = {"gift": ("hiến tặng", "tặng", "trao tặng"), "loan": ("cho mượn", "mượn"),
                "copy": ("sao chụp", "bản sao", "sao")}
GRADE_WORDS = {"good": ("tốt", "còn tốt"), "fair": ("khá", "trung bình", "bình thường"),
               "poor": ("kém", "hư hỏng", "hỏng"), "fragile": ("dễ vỡ", "mục", "giòn", "dễ hỏng")}
WORDS = {"object_type": TYPE_WORDS, "method": METHOD_WORDS, "condition": GRADE_WORDS}

# Each column: its key, the heading export writes, other spellings, what it holds
COLUMNS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("id", "Số đăng ký", ("Số ĐK", "Mã hiện vật", "Số hiệu", "Mã số"), "text"),
    ("title", "Tên hiện vật", ("Tên", "Tên gọi", "Hiện vật", "Tên kỷ vật"), "text"),
    ("object_type", "Loại", ("Loại hiện vật", "Thể loại"), "word"),
    ("count", "Số lượng", ("SL",), "count"),
    ("materials", "Chất liệu", (), "text"),
    ("dimensions", "Kích thước", ("Kích thước (cm)", "KT"), "size"),
    ("date", "Niên đại", ("Thời gian", "Niên đại / Thời gian", "Năm"), "date"),
    ("places", "Địa điểm", ("Địa danh", "Nơi"), "text"),
    ("donor", "Người hiến tặng", ("Người cho mượn", "Gia đình", "Người trao", "Người tặng", "Người giao"), "text"),
    ("method", "Hình thức", ("Hình thức tiếp nhận",), "word"),
    ("received", "Ngày tiếp nhận", ("Ngày nhận",), "day"),
    ("loan_until", "Hạn trả", ("Ngày trả", "Hạn mượn"), "day"),
    ("condition", "Tình trạng", ("Tình trạng hiện vật",), "word"),
    ("private_notes", "Ghi chú", (), "text"),
)
HEADING = {key: heading for key, heading, _, _ in COLUMNS}
KIND_OF = {key: kind for key, _, _, kind in COLUMNS}
# What a row may change in an object already recorded: the accession (method, giver, days) stays
EDITABLE = ("title", "object_type", "count", "materials", "dimensions", "date", "places", "condition", "private_notes")
_SIZES = ("height", "width", "depth")  # in cm, the order a list writes them: 20 x 15 x 0,5 cm
_ALIASES = {to_heading_key(name): key for key, heading, others, _ in COLUMNS for name in (heading, *others)}
_ALIASES.update({to_heading_key(name): "#" for name in NUMBERING})


def make_object_plan(collection: Collection, rows, where: str, *, update: bool = False) -> Plan:
    """What importing `rows` ((number, cells) pairs) as objects would do. Pure: nothing is written.
    Plan.added holds (row, title, values); updated and unchanged name the object's accession number."""
    plan = Plan()
    rows = [(n, [" ".join(unicodedata.normalize("NFC", c).split()) for c in cells], cells) for n, cells in rows]
    header = next(((n, cells) for n, cells, _ in rows if sum(to_heading_key(c) in _ALIASES for c in cells if c) >= 2),
                  None)
    if header is None or "title" not in (cols := _columns(with_row_below(header, rows), where, plan)).values():
        plan.problems.append(Problem(where, "", N_("a header row with headings such as {examples}"), N_("none"),
                                     params=make_params(examples="Tên hiện vật, Loại, Người hiến tặng")))
        return plan
    header = with_row_below(header, rows)
    names: dict[str, list[str]] = {}
    for person in collection.people:
        names.setdefault(_folded(person.name), []).append(person.id)
    by_id = {o.id: o for o in collection.objects}
    by_key = {_match_key(o.title.vi, o.acquisition.donor if o.acquisition else "", o.date.text if o.date else ""): o
              for o in collection.objects}
    planned: dict[tuple, int] = {}
    for number, cells, _ in rows:
        if number <= header[0] or not any(cells) or all(re.fullmatch(r"\(?\d+\)?", c) for c in cells if c):
            continue  # title rows, blank rows, the (1) (2) (3) row under an official header
        values, problems = _read_row(number, cells, cols, header[1], where, names, by_id)
        if problems:
            plan.problems.extend(problems)
            continue
        key = _match_key(values["title"], values.get("donor", ""), values.get("date", ("",))[0])
        obj = by_id.get(values.get("id", "")) or by_key.get(key)
        text, edtf = values.get("date", ("", ""))
        if edtf is None and not (obj and to_flat(obj, "date") == text):
            plan.problems.append(Problem(where, header[1][next(i for i, k in cols.items() if k == "date")],
                N_("a date such as 12/5/1972, 5/1972, 1972 or khoảng 1972"),
                N_("'{text}', which is no date"), number, params=make_params(text=Value(text))))
            continue
        if key in planned:
            plan.unchanged.append((number, values["title"], f"#{planned[key]}"))
            continue
        planned[key] = number
        if obj is None:
            plan.added.append((number, values["title"], values))
            continue
        changes = {k: v for k, v in values.items() if k in EDITABLE
                   and to_flat(obj, k) != _written(v) and (update or not to_flat(obj, k))}
        if changes:
            plan.updated.append((number, values["title"], obj.id, changes))
        else:
            plan.unchanged.append((number, values["title"], obj.id))
    return plan


def _folded(text: str) -> str:
    return " ".join(fold(text).split())


def _match_key(title: str, donor: str, date: str) -> tuple:
    return _folded(title), donor, _folded(date)


def _written(value: Any) -> str:
    return value[0] if isinstance(value, tuple) else str(value)


def _columns(header: tuple[int, list[str]], where: str, plan: Plan) -> dict[int, str]:
    columns: dict[int, str] = {}
    for index, heading in enumerate(header[1]):
        key = _ALIASES.get(to_heading_key(heading)) if heading else None
        if key is None and heading:
            plan.problems.append(make_unknown_heading(heading, where, header[0], _ALIASES, HEADING))
        elif key not in (None, "#") and key not in columns.values():
            columns[index] = key
    return columns


def _read_row(number: int, cells: list[str], columns: dict[int, str], headings: list[str], where: str,
              names: dict[str, list[str]], by_id: dict[str, Artifact]) -> tuple[dict[str, Any], list[Problem]]:
    """The row's values by key (the giver as a person id, a day in ISO), and why it is refused."""
    values: dict[str, Any] = {}
    problems: list[Problem] = []

    def refuse(index: int | None, expected: str, found: str, **params: Any) -> None:
        heading = headings[index] if index is not None else ""
        problems.append(Problem(where, heading, expected, found, number, params=make_params(**params)))

    for index, key in columns.items():
        text = cells[index] if index < len(cells) else ""
        if not text:
            continue
        if looks_legacy(text):
            refuse(index, N_("Unicode text"), N_("'{text}', which looks typed in an old TCVN3 (ABC) or VNI font"),
                   text=Value(text))
            continue
        kind = KIND_OF[key]
        if kind == "word":
            code = next((c for c, words in WORDS[key].items() if _folded(text) in (c, *map(_folded, words))), None)
            if code is None:
                refuse(index, N_("one of {choices}"), N_("'{text}', which is none of them"),
                       choices=", ".join(w[0] for w in WORDS[key].values()), text=Value(text))
            values[key] = code
        elif kind in ("date", "day"):
            text = to_written_day(text)
            if re.fullmatch(r"\d{4}-\d\d-\d\d", text):  # already ISO (a CSV written by another program)
                text = "/".join(str(int(p)) for p in reversed(text.split("-")))
            edtf, problem = dates.to_edtf(text)
            if problem:
                refuse(index, problem.expected, problem.found, **dict(problem.params))
            elif edtf is None and kind == "date":  # not yet refused: it may be what the record already says
                values[key] = (text, None)
            elif edtf is None or (kind == "day" and not re.fullmatch(r"\d{4}-\d\d-\d\d", edtf)):
                refuse(index, N_("a day such as 12/5/2020"), N_("'{text}', which is no date"), text=Value(text))
            else:
                values[key] = (text, edtf) if kind == "date" else edtf
        elif kind == "size":
            parts = re.split(r"\s*[x×*]\s*", re.sub(r"\s*cm$", "", text.lower()))
            if len(parts) > 3 or not all(re.fullmatch(r"\d+([.,]\d+)?", p) for p in parts):
                refuse(index, N_("a size in cm such as 20 x 15 or 20 x 15 x 0,5"), N_("'{text}'"), text=Value(text))
            else:
                values[key] = to_size_text([float(p.replace(",", ".")) for p in parts])
        elif kind == "count":
            if not text.isdigit() or int(text) < 1:
                refuse(index, N_("a whole number of items"), N_("'{text}'"), text=Value(text))
            else:
                values[key] = int(text)
        elif key == "donor":
            found = names.get(_folded(text), [])
            if len(found) != 1:
                refuse(index, N_("a person already in the collection"),
                       N_("'{text}', who is not (import the people first: kyvat import --kind donor)") if not found
                       else N_("'{text}', the name of {count} people; give the record by hand"),
                       text=Value(text), count=str(len(found)))
            else:
                values["donor"], values["donor_name"] = found[0], text
        elif key == "id" and text not in by_id:
            refuse(index, N_("the accession number of an object in the collection, or nothing for a new one"),
                   N_("'{text}'"), text=Value(text))
        else:
            values[key] = text
    if problems:
        return values, problems
    if "title" not in values:
        refuse(None, N_("the object's title"), N_("nothing"))
    elif values.get("id") is None:  # a new object: what `kyvat new object` asks for
        if "received" not in values:
            refuse(None, N_("the day it was received ({heading})"), N_("nothing"), heading=HEADING["received"])
        if values.get("method") == "loan" and "loan_until" not in values:
            refuse(None, N_("the day a loan goes back ({heading})"), N_("nothing"), heading=HEADING["loan_until"])
        if values.get("method") == "copy" and "donor" not in values:
            refuse(None, N_("who keeps the original of a copy ({heading})"), N_("nothing"), heading=HEADING["donor"])
    return values, problems


def to_flat(obj: Artifact, key: str, collection: Collection | None = None) -> str:
    """The object's `key` as the cell of a list (a code for a type, a method, a grade)."""
    acquisition = obj.acquisition
    match key:
        case "id" | "object_type" | "count":
            return str(getattr(obj, key))
        case "title" | "materials":
            return getattr(obj, key).vi
        case "date":
            return obj.date.text if obj.date else ""
        case "dimensions":
            sizes = [getattr(obj.dimensions, k) for k in _SIZES]
            return to_size_text(sizes[:max((i + 1 for i, v in enumerate(sizes) if v is not None), default=0)])
        case "places":
            return obj.places[0].text if obj.places else ""
        case "donor":
            person = collection.person(acquisition.donor) if collection and acquisition and acquisition.donor else None
            return person.name if person else ""
        case "method":
            return acquisition.method if acquisition else ""
        case "received" | "loan_until":
            day = (acquisition.date and acquisition.date.lower) if key == "received" else acquisition.loan_until
            return f"{day.day}/{day.month}/{day.year}" if acquisition and day else ""
        case "condition":
            return obj.condition.grade if obj.condition else ""
    return str(obj.private.get("private_notes") or "")


def to_size_text(sizes: list[float | None]) -> str:
    """Sizes in cm as a list writes them (`20.5 x 15 cm`), the same whether read or recorded."""
    return " x ".join("?" if v is None else f"{v:g}" for v in sizes) + " cm" if sizes else ""


def make_object_rows(collection: Collection, *, private: bool = False) -> tuple[list[str], list[list[str]], int]:
    """The header and a row per object; without `private`, the restricted objects, the drafts and
    the notes are left out (how many objects were is the third value)."""
    shown = [o for o in collection.objects if private or (o.visibility == "public" and not o.draft)]
    keys = [k for k, *_ in COLUMNS if (private or k != "private_notes")]
    header = ["STT"] + [HEADING[k] for k in keys]
    rows = []
    for n, obj in enumerate(shown, start=1):
        cells = [to_flat(obj, k, collection) for k in keys]
        rows.append([str(n)] + [WORDS[k][c][0] if k in WORDS and c in WORDS[k] else c for k, c in zip(keys, cells)])
    return header, rows, len(collection.objects) - len(shown)


def write_object_plan(root: Path, plan: Plan) -> list[Path]:
    """Write the objects `plan` adds (each with the next accession number) and fills."""
    where = layout.Layout.of(root)
    written = []
    for _, title, values in plan.added:
        method = values.get("method", "gift")
        path = write_new_object(root, object_type=values.get("object_type", "other"), title=title, method=method,
                                donor=values.get("donor", ""), loan_until=values.get("loan_until", ""),
                                original_held_by=values.get("donor_name", "") if method == "copy" else "",
                                received=values["received"])
        rest = {k: v for k, v in values.items() if k in EDITABLE and k not in ("title", "object_type")}
        if rest:
            write_edit(path, where.relative(path), lambda data, rest=rest: _put_all(data, rest), root=root)
        written.append(path)
    for _, _, object_id, changes in plan.updated:
        path = where.record(object_id)
        write_edit(path, where.relative(path), lambda data, changes=changes: _put_all(data, changes), root=root)
        written.append(path)
    return written


def _put_all(data: Any, values: dict[str, Any]) -> None:
    """Set `values` in the record (its fields in the scaffold's order), new keys last."""
    for key, value in sorted(values.items(), key=lambda item: EDITABLE.index(item[0])):
        if key == "date":
            text, edtf = value
            new = make_scalar(text) if text == edtf else make_mapping({"text": text, "edtf": edtf}, inline=True)
        elif key == "count":
            new = value
        elif key == "condition":
            new = make_mapping({"grade": value}, inline=True)
        elif key == "materials":
            new = make_mapping({"vi": value, "en": ""}, inline=True)
        elif key == "dimensions":
            sizes = dict(zip(_SIZES, (float(v) for v in value.removesuffix(" cm").split(" x "))))
            new = make_mapping(sizes, inline=True)
        elif key == "places":
            new = [make_mapping({"text": value}, inline=True)]
        else:
            new = make_scalar(value)
        old = data.get(key)
        if key == "title" or (key == "materials" and isinstance(old, dict)):
            old["vi"] = make_scalar(value)
        elif key == "condition" and isinstance(old, dict):
            old["grade"] = make_scalar(value)
        elif key == "dimensions" and isinstance(old, dict):
            for part in _SIZES:  # a weight stays: the list has no column for it
                old.pop(part, None)
            for part, size in reversed(list(new.items())):
                old.insert(0, part, size)
        elif key == "places" and isinstance(old, list) and old and isinstance(old[0], dict):
            old[0]["text"] = make_scalar(value)
        elif key in data:
            data[key] = new
        else:
            # last: a key put between the scaffold's commented-out lines would move them (write_edit refuses)
            insert_key(data, key, new)
