"""A ward office's list of people (martyrs, donors…) made into person records, and the records made
back into such a list. The rows come from spreadsheet.py; this module knows what they mean.

A list is read the way an office keeps it: title rows above the header (the header is the first row
where two cells or more are known headings), a numbering column, blank rows, headings in their many
spellings (matched folded, so `HO VA TEN` is `Họ và tên`), dates read by the reader `kyvat validate`
uses. A row that cannot be right is refused with its row number, its column and why; the rest go in.
A row is the person already in the collection with the same folded name, birth year and hometown:
their empty fields are filled (every field with `update`), and no second record is made.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from . import dates, layout
from .catalogue import write_new_person
from .errors import N_, Problem, Value, make_params
from .model import Collection, Person
from .privacy import is_named_publicly
from .recordedit import insert_key, make_mapping, make_scalar, write_edit
from .records import PERSON_KEYS
from .vietnamese import SPELLING_VARIANTS, fold

KINDS = ("martyr", "veteran", "relative", "donor", "witness")
# What each kind is called on a ward's list (the first is what export writes)
KIND_WORDS = {"martyr": ("liệt sĩ",), "veteran": ("cựu chiến binh", "thương binh"),
              "relative": ("thân nhân", "người thân"), "donor": ("người hiến tặng", "nhà hảo tâm", "người tặng"),
              "witness": ("nhân chứng",)}
GENDER_WORDS = {"male": ("nam",), "female": ("nữ", "nu")}
NUMBERING = ("STT", "TT", "Số TT", "Số thứ tự")

# Each column: its key in the record (dotted), the heading export writes, other spellings, what it holds
COLUMNS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("name", "Họ và tên", ("Họ tên", "Tên", "Họ và tên liệt sĩ", "Họ tên liệt sĩ", "Tên liệt sĩ"), "text"),
    ("kind", "Đối tượng", ("Loại", "Diện"), "kind"),
    ("gender", "Giới tính", ("Nam/Nữ", "Phái"), "gender"),
    ("aliases", "Bí danh", ("Tên khác", "Tên gọi khác"), "list"),
    ("birth", "Năm sinh", ("Ngày sinh", "Sinh năm", "Ngày tháng năm sinh"), "date"),
    ("hometown", "Quê quán", ("Nguyên quán", "Quê", "Quê quán (nguyên quán)"), "place"),
    ("enlistment", "Nhập ngũ", ("Ngày nhập ngũ", "Năm nhập ngũ"), "date"),
    ("rank", "Cấp bậc", ("Quân hàm",), "text"),
    ("position", "Chức vụ", (), "text"),
    ("unit", "Đơn vị", ("Đơn vị khi hy sinh", "Đơn vị hy sinh"), "text"),
    ("death.date", "Ngày hy sinh", ("Năm hy sinh", "Hy sinh ngày", "Ngày tháng năm hy sinh", "Ngày mất"), "date"),
    ("death.place", "Nơi hy sinh", ("Hy sinh tại", "Nơi mất"), "place"),
    ("burial.cemetery", "Nơi an táng", ("Nghĩa trang", "An táng tại", "Nơi an táng hiện nay"), "text"),
    ("burial.plot", "Lô", ("Khu", "Lô mộ"), "text"),
    ("burial.row", "Hàng", ("Hàng mộ",), "text"),
    ("burial.grave", "Mộ số", ("Số mộ", "Mộ"), "text"),
    ("contact.phone", "Điện thoại", ("Số điện thoại", "SĐT", "ĐT"), "text"),
    ("contact.address", "Địa chỉ", ("Địa chỉ liên hệ", "Chỗ ở hiện nay"), "text"),
    ("private_notes", "Ghi chú", ("Ghi chú riêng",), "text"),
)
PRIVATE = ("contact.phone", "contact.address", "private_notes")
KIND_OF = {key: kind for key, _, _, kind in COLUMNS}
HEADING = {key: heading for key, heading, _, _ in COLUMNS}

# Letters that Vietnamese in Unicode never has, and that text typed in the old 8-bit fonts shows:
# TCVN3 (ABC) writes `Văn` as `V¨n` and `Đức` as `§øc`; VNI writes `Đức` as `Ñöùc`
_LEGACY = re.compile(r"[¸µ¶·¹¨©ª«®¬§¦£¤¥¡¢Þåøæçëïñöüþ×ÖÜØÏÛËÄÅÑÆÇ]")  # ý is Vietnamese
def looks_legacy(text: str) -> bool:
    """Whether a cell looks typed in an old 8-bit Vietnamese font (TCVN3/ABC or VNI), not Unicode.
    A `×` between numbers is a size (9 × 12 cm), not a TCVN3 letter."""
    return bool(_LEGACY.search(_SIZE_SIGN.sub("", text)))


_SIZE_SIGN = re.compile(r"(?<=[\d\s])×(?=[\s\d])")
_NUMBER_ONLY = re.compile(r"\(?\d+\)?")
EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 (it counts 1900 as a leap year)


def to_heading_key(text: str) -> str:
    """A heading folded, each syllable spelt one way (`hi sinh` is `hy sinh`), so spellings meet."""
    words = re.findall(r"[a-z0-9]+", fold(text))
    return " ".join(SPELLING_VARIANTS.get(w, w) for w in words)


_ALIASES = {to_heading_key(name): key for key, heading, others, _ in COLUMNS for name in (heading, *others)}
_ALIASES.update({to_heading_key(name): "#" for name in NUMBERING})


@dataclass
class Plan:
    """What an import does, row by row: a person added (with the values read), a person's fields
    filled (their id, the values), a row that changes nothing (the person's id, or `#n` for a row
    that repeats row n), and the problems."""

    added: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)
    updated: list[tuple[int, str, str, dict[str, Any]]] = field(default_factory=list)
    unchanged: list[tuple[int, str, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # errors: the rows refused; warnings: columns
    notes: list[tuple[str, tuple[tuple[str, str], ...]]] = field(default_factory=list)  # (template, params)

    @property
    def refused(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]


def make_plan(collection: Collection, rows, where: str, *, kind: str = "martyr", update: bool = False,
              encoding: str = "") -> Plan:
    """What importing `rows` ((number, cells) pairs) into `collection` would do; `where` names the
    sheet in problems. Pure: nothing is written."""
    plan = Plan()
    if encoding:
        plan.notes.append((N_("read as {encoding} text"), make_params(encoding=encoding)))
    rows = [(n, [unicodedata.normalize("NFC", c).strip() for c in cells], cells) for n, cells in rows]
    if any(c != unicodedata.normalize("NFC", c) for _, _, cells in rows for c in cells):
        plan.notes.append((N_("letters written decomposed (NFD) were joined (NFC)"), ()))
    header = next(((n, cells) for n, cells, _ in rows if sum(to_heading_key(c) in _ALIASES for c in cells if c) >= 2),
                  None)
    if header is None:
        plan.problems.append(Problem(where, "", N_("a header row with headings such as {examples}"),
                                     N_("none"), params=make_params(examples="Họ và tên, Năm sinh")))
        return plan
    header = with_row_below(header, rows)
    columns = _columns(header, where, plan)
    if "name" not in columns.values():
        plan.problems.append(Problem(where, "", N_("a column {heading}"), N_("none"), header[0],
                                     params=make_params(heading=HEADING["name"])))
        return plan
    known = {to_match_key(p.name, _year((p.birth.text, p.birth.edtf or None)) if p.birth else None,
                          p.hometown.text if p.hometown else ""): p for p in collection.people}
    planned: dict[tuple, int] = {}
    for number, cells, _ in rows:
        if number <= header[0] or not any(cells) or all(_NUMBER_ONLY.fullmatch(c) for c in cells if c):
            continue  # title rows, blank rows, and the (1) (2) (3) row under an official header
        if [to_heading_key(c) for c in cells] == [to_heading_key(c) for c in header[1]]:
            continue  # the header again, at the top of each printed page
        read = _read_row(number, cells, columns, header[1], where, plan)
        if read is None:
            continue
        values, unread = read
        key = to_match_key(values["name"], _year(values.get("birth")), values.get("hometown", ""))
        person = known.get(key)
        # a date the reader cannot make out is refused, unless the record already says it so
        unread = [p for k, p in unread.items() if not (person and to_flat(person, k) == values[k][0])]
        if unread:
            plan.problems.extend(unread)
            continue
        if key in planned:
            plan.unchanged.append((number, values["name"], f"#{planned[key]}"))
            continue
        planned[key] = number
        if person is None:
            plan.added.append((number, values["name"], {"kind": kind, **values}))
            continue
        changes = {k: v for k, v in values.items()
                   if k != "name" and to_flat(person, k) != to_written(v) and (update or not to_flat(person, k))}
        if changes:
            plan.updated.append((number, values["name"], person.id, changes))
        else:
            plan.unchanged.append((number, values["name"], person.id))
    return plan


def with_row_below(header: tuple[int, list[str]], rows) -> tuple[int, list[str]]:
    """A heading merged over the columns it splits into (`Nơi an táng` over `Lô`, `Hàng`, `Mộ số`):
    the row below holds known headings of its own, and each column takes the lower one there."""
    number, cells = header
    below = next((c for n, c, _ in rows if n == number + 1), [])

    def split(top: str, sub: str) -> bool:
        return bool(sub) and sub != top and to_heading_key(sub) in _ALIASES

    if not any(split(top, sub) for top, sub in zip(cells, below)):
        return header
    cells = cells + [""] * (len(below) - len(cells))
    return number + 1, [sub if split(top, sub) else top for top, sub in zip(cells, below + [""] * len(cells))]


def _year(birth: tuple[str, str | None] | None) -> int | None:
    """The year a birth date read from a row is in (the first year written, if it reads as no date)."""
    if birth is None:
        return None
    lower = dates.make_bounds(birth[1])[0] if birth[1] else None
    found = re.search(r"(?<!\d)\d{4}(?!\d)", birth[0])
    return lower.year if lower else int(found[0]) if found else None


def to_match_key(name: str, year: int | None, hometown: str) -> tuple:
    return " ".join(fold(name).split()), year, " ".join(to_heading_key(hometown).split())


def make_unknown_heading(heading: str, where: str, line: int, aliases: dict[str, str],
                         headings: dict[str, str]) -> Problem:
    """A column no alias names: a warning that names it, with the nearest known heading (the column
    is left out). `aliases` maps folded spellings to field keys, `headings` keys to their heading."""
    near = difflib.get_close_matches(to_heading_key(heading), list(aliases), n=1, cutoff=0.6)
    nearest = headings[aliases[near[0]]] if near and aliases[near[0]] != "#" else ""
    return Problem(where, heading, N_("a known heading"), N_("'{heading}', which kyvat does not know; the column is left out"),
                   line, "warning", hint=N_("did you mean '{nearest}'?") if nearest else "",
                   params=make_params(heading=Value(heading), nearest=nearest))


def _columns(header: tuple[int, list[str]], where: str, plan: Plan) -> dict[int, str]:
    number, cells = header
    columns: dict[int, str] = {}
    for index, heading in enumerate(cells):
        key = _ALIASES.get(to_heading_key(heading)) if heading else None
        if key is None and heading:
            plan.problems.append(make_unknown_heading(heading, where, number, _ALIASES, HEADING))
        elif key == "#" or key is None:
            continue
        elif key in columns.values():
            plan.problems.append(Problem(where, heading, N_("one column for {heading}"),
                                         N_("a second one; it is left out"), number, "warning",
                                         params=make_params(heading=HEADING[key])))
        else:
            columns[index] = key
    return columns


def _read_row(number: int, cells: list[str], columns: dict[int, str], headings: list[str], where: str,
              plan: Plan) -> tuple[dict[str, Any], dict[str, Problem]] | None:
    """The row's values by key, and the problems of its dates that cannot be read (a date that
    cannot be right refuses the row at once)."""
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    unread: dict[str, Problem] = {}
    for index, key in columns.items():
        text = " ".join(cells[index].split()) if index < len(cells) else ""
        if not text:
            continue

        def refuse(expected: str, found: str, params=(), _heading=headings[index]) -> Problem:
            problems.append(Problem(where, _heading, expected, found, number, params=params))
            return problems[-1]

        if looks_legacy(text):
            refuse(N_("Unicode text"), N_("'{text}', which looks typed in an old TCVN3 (ABC) or VNI font"),
                   make_params(text=Value(text)))
            continue
        value = _to_value(KIND_OF[key], text, refuse)
        if isinstance(value, Problem):  # not yet: it may be what the record already says
            values[key], unread[key] = (text, None), problems.pop()
        elif value is not None:
            values[key] = value
    if "name" not in values and not problems:
        problems.append(Problem(where, headings[next(i for i, k in columns.items() if k == "name")],
                                N_("a name"), N_("nothing"), number))
    if problems:
        plan.problems.extend(problems)
        return None
    return values, unread


def to_written_day(text: str) -> str:
    """A day as a cell gives it, written the way a ward writes one (12/5/1972) when the cell holds
    Excel's count of days since 1899; any other text as it is."""
    if re.fullmatch(r"\d{5}", text):
        day = EXCEL_EPOCH + dt.timedelta(days=int(text))
        return f"{day.day}/{day.month}/{day.year}"
    return text


def _to_value(kind: str, text: str, refuse: Callable) -> Any:
    if kind == "date":
        text = to_written_day(text)
        edtf, problem = dates.to_edtf(text)
        if problem:
            refuse(problem.expected, problem.found, problem.params)
        elif edtf is None:
            return refuse(N_("a date such as 12/5/1972, 5/1972, 1972 or khoảng 1972"), N_("'{text}', which is no date"),
                          make_params(text=Value(text)))
        else:
            return text, edtf
        return None
    if kind in ("kind", "gender"):
        words = KIND_WORDS if kind == "kind" else GENDER_WORDS
        for code, names in words.items():
            if fold(text) in (code, *(fold(n) for n in names)):
                return code
        refuse(N_("one of {choices}"), N_("'{text}', which is none of them"),
               make_params(choices=", ".join(n[0] for n in words.values()), text=Value(text)))
        return None
    if kind == "list":
        return [part.strip() for part in re.split(r"[;,]", text) if part.strip()]
    return text


def to_written(value: Any) -> str:
    """A value read from a row as its cell shows it."""
    if isinstance(value, tuple):
        return value[0]
    if isinstance(value, list):
        return ", ".join(value)
    return value


def to_flat(person: Person, key: str) -> str:
    """The person's `key` as the cell of a list: a date as written, a place's text, a label's Vietnamese."""
    match key:
        case "name" | "kind" | "gender":
            return getattr(person, key)
        case "aliases":
            return ", ".join(person.aliases)
        case "birth" | "enlistment":
            date = getattr(person, key)
            return date.text if date else ""
        case "hometown":
            return person.hometown.text if person.hometown else ""
        case "rank" | "position" | "unit":
            return getattr(person, key).vi
        case "death.date":
            return person.death.date.text if person.death and person.death.date else ""
        case "death.place":
            return person.death.place.text if person.death and person.death.place else ""
        case "private_notes":
            return str(person.private.get("private_notes") or "")
    top, _, part = key.partition(".")
    return str(getattr(person.burial, part)) if top == "burial" else str(person.contact.get(part) or "")


def to_cell(person: Person, key: str) -> str:
    """What export writes in `key`'s column: the words of the list for a kind and a gender."""
    value = to_flat(person, key)
    words = {"kind": KIND_WORDS, "gender": GENDER_WORDS}.get(key)
    return words[value][0] if words and value in words else value


def make_rows(collection: Collection, *, kind: str | None = None,
              private: bool = False) -> tuple[list[str], list[list[str]], int]:
    """The header, a row per person (of `kind`), and how many were left out: without `private`, the
    private columns and the people who have not agreed to be named (privacy.is_named_publicly)."""
    people = [p for p in collection.people if kind is None or p.kind == kind]
    shown = [p for p in people if private or is_named_publicly(p)]
    keys = [key for key, *_ in COLUMNS if (private or key not in PRIVATE)
            and any(to_flat(p, key) for p in shown) or key == "name"]
    header = ["STT"] + [HEADING[k] for k in keys]
    rows = [[str(n)] + [to_cell(p, k) for k in keys] for n, p in enumerate(shown, start=1)]
    return header, rows, len(people) - len(shown)


def write_plan(root: Path, plan: Plan) -> list[Path]:
    """Write the records `plan` adds and fills (each file atomically, its comments kept)."""
    where = layout.Layout.of(root)
    written = []
    for _, name, values in plan.added:
        path = write_new_person(root, kind=values["kind"], name=name)
        rest = {k: v for k, v in values.items() if k not in ("name", "kind")}
        if rest:
            write_edit(path, where.relative(path), lambda data, rest=rest: _put_all(data, rest), root=root)
        written.append(path)
    for _, _, person_id, changes in plan.updated:
        path = where.person(person_id)
        write_edit(path, where.relative(path), lambda data, changes=changes: _put_all(data, changes), root=root)
        written.append(path)
    return written


def _put_all(data: Any, values: dict[str, Any]) -> None:
    """Set `values` in the record, new keys last (in the scaffold's order), where write_edit lets a
    key be added without moving a line the curator wrote."""
    for key in sorted(values, key=lambda k: PERSON_KEYS.index(k.split(".")[0])):
        top, _, part = key.partition(".")
        if part and not isinstance(data.get(top), dict):
            # a new `burial:` is made whole, its parts in one go (added one by one they would land
            # below the scaffold's comments that follow it)
            parts = {k.partition(".")[2]: _yaml_value(KIND_OF[k], v, None) for k, v in values.items()
                     if k.startswith(top + ".")}
            data.pop(top, None)
            insert_key(data, top, make_mapping(parts))
        elif part and part in data[top]:
            data[top][part] = _yaml_value(KIND_OF[key], values[key], data[top].get(part))
        elif part:
            insert_key(data[top], part, _yaml_value(KIND_OF[key], values[key], None))
        elif top in data:
            data[top] = _yaml_value(KIND_OF[key], values[key], data.get(top))
        else:
            insert_key(data, top, _yaml_value(KIND_OF[key], values[key], None))


def _yaml_value(kind: str, value: Any, old: Any) -> Any:
    if kind == "date":
        text, edtf = value
        return make_scalar(text) if text == edtf else make_mapping({"text": text, "edtf": edtf}, inline=True)
    if kind == "list":
        return [make_scalar(v) for v in value]
    if isinstance(old, dict) and kind in ("text", "place"):
        # a label with its English, a place with today's unit: the Vietnamese / as written changes alone
        old[("text" if kind == "place" else "vi")] = make_scalar(value)
        return old
    return make_scalar(value)
