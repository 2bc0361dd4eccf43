"""Reading records: the files (UTF-8 text, YAML with lines) and each value in them, converted into a
model value or noted as a Problem naming the field, the line, what was expected and what was found.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path
from typing import Any, Callable

from . import dates, layout
from .errors import Problem, Value, Words, make_params
from .messages import N_
from .model import LANGUAGES, Date, Place, Text
from .yamlfile import LineDict, YamlSyntaxError, make_yaml


def describe(value: Any) -> str:
    """A value as a message shows it: quoted, or in words (marked, so the CLI translates them)."""
    if value is None:
        return N_("nothing")
    if isinstance(value, dict):
        return N_("a map")
    if isinstance(value, list):
        return N_("a list")
    if isinstance(value, bool):
        return Value(f"'{str(value).lower()}'")
    text = str(value)
    return Value(repr(text if len(text) <= 60 else text[:57] + "..."))


def literal(text: str) -> str:
    """`text` (a value, or describe's words) as a part of a Problem that has params: its braces
    doubled, so that filling the templates shows it as written (`{1972,1973}` is an EDTF date)."""
    doubled = text.replace("{", "{{").replace("}", "}}")
    return Value(doubled) if isinstance(text, Value) else doubled


_EDTF_DATES = N_("an EDTF date such as 1968, 1968-03-12, 1968~ or 1972-03/1972-05")
_WRITTEN_DATES = N_("a date such as 1968, 12/3/1968, tháng 3 năm 1968, khoảng 1968, đầu năm 1968, thập niên 1960 "
                    "or in EDTF (1968-03-12, 1968~)")


class FieldReader:
    """Converts one file's parsed YAML into model values, noting each problem with its line."""

    def __init__(self, path: str, problems: list[Problem]):
        self.path = path
        self.problems = problems
        self.lines: dict[str, int] = {}

    def problem(self, field: str, expected: str, found: str = "", line: int | None = None,
                severity: str = "error", hint: str = "", scope: str = "",
                params: tuple[tuple[str, str], ...] = ()) -> None:
        """Note a problem: `expected`, `found` and `hint` are templates marked with N_, filled from
        `params` (errors.make_params); a value beside params goes in through `literal`."""
        self.problems.append(Problem(self.path, field, expected, found, line, severity, hint, scope, params))

    # -- structure -----------------------------------------------------------------------------

    def mapping(self, data: Any, field: str, line: int | None, keys: tuple[str, ...],
                required: tuple[str, ...] = (), extra: tuple[str, ...] = ()) -> LineDict | None:
        """Check that `data` is a map with known keys and the required ones; remember key lines."""
        if not isinstance(data, dict):
            self.problem(field, N_("a map of keys"), describe(data), line)
            return None
        for key, dup_line in getattr(data, "duplicates", ()):
            self.problem(self._join(field, str(key)), N_("each key once"), N_("a second one"), dup_line)
        lines = getattr(data, "lines", {})
        for key in data:
            self.lines[self._join(field, str(key))] = lines.get(key, line)
            if key not in keys and key not in extra:
                close = difflib.get_close_matches(str(key), keys + extra, n=1, cutoff=0.6)
                self.problem(self._join(field, str(key)), N_("a known key"), N_("unknown key '{key}'"),
                             lines.get(key, line), hint=N_("did you mean '{close}'?") if close else "",
                             params=make_params(key=key, close=close[0] if close else ""))
        for key in required:
            if data.get(key) in (None, "", [], {}):
                self.problem(self._join(field, key), N_("a value (required)"),
                             N_("nothing") if key in data else N_("no such key"), lines.get(key, line))
        return data

    @staticmethod
    def _join(prefix: str, key: str) -> str:
        return f"{prefix}.{key}" if prefix else key

    def line_of(self, data: Any, key: Any, default: int | None = None) -> int | None:
        return getattr(data, "lines", {}).get(key, getattr(data, "line", None) or default)

    def each(self, data: Any, key: str, field: str, convert: Callable[[Any, str, int | None], Any]) -> tuple:
        """Convert every item of the list at data[key], skipping the ones with problems."""
        value = data.get(key)
        if value is None:
            return ()
        line = self.line_of(data, key)
        if not isinstance(value, list):
            self.problem(field, N_("a list"), describe(value), line)
            return ()
        item_lines = getattr(value, "lines", [line] * len(value))
        out = []
        for index, item in enumerate(value):
            converted = convert(item, f"{field}[{index}]", item_lines[index])
            if converted is not None:
                out.append(converted)
        return tuple(out)

    # -- scalar values -------------------------------------------------------------------------

    def text(self, value: Any, field: str, line: int | None) -> Text:
        if value is None:
            return Text()
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return Text(vi=str(value).strip())
        if isinstance(value, dict):
            stray = [k for k, v in value.items() if k not in LANGUAGES and v is None]
            if stray:
                # `{vi: a, b, en: c}` parses `b` as a key: the commas belonged to the text
                self.problem(field, N_('{{vi: "...", en: "..."}} with each text in quotes'),
                             N_("'{key}' read as a key of its own"), self.line_of(value, stray[0], line),
                             hint=N_("a comma inside {{ }} starts a new key; put text with commas in quotes"),
                             params=make_params(key=stray[0]))
                value = {k: v for k, v in value.items() if k not in stray}
            self.mapping(value, field, line, LANGUAGES)
            parts = {}
            for lang in LANGUAGES:
                part = value.get(lang)
                if part is not None and not isinstance(part, (str, int, float)):
                    self.problem(f"{field}.{lang}", N_("text"), describe(part), self.line_of(value, lang, line))
                    part = None
                parts[lang] = str(part).strip() if part is not None else ""
            return Text(**parts)
        self.problem(field, N_("text or a map {vi: ..., en: ...}"), describe(value), line)
        return Text()

    def string(self, value: Any, field: str, line: int | None) -> str:
        if value is None:
            return ""
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value).strip()
        self.problem(field, N_("text"), describe(value), line)
        return ""

    def strings(self, data: Any, key: str, field: str) -> tuple[str, ...]:
        return tuple(s for s in self.each(data, key, field, self.string) if s)

    def integer(self, value: Any, field: str, line: int | None, default: int,
                within: tuple[int, int] | None = None) -> int:
        """A whole number, not negative; `within` (lowest, highest) bounds a setting."""
        if value is None:
            return default
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            if within is None or within[0] <= value <= within[1]:
                return value
            self.problem(field, N_("a whole number from {low} to {high}"), literal(describe(value)), line,
                         params=make_params(low=within[0], high=within[1]))
            return default
        self.problem(field, N_("a whole number"), describe(value), line)
        return default

    def number(self, value: Any, field: str, line: int | None) -> float | None:
        if value is None:
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
            return float(value)
        self.problem(field, N_("a number"), describe(value), line)
        return None

    def boolean(self, value: Any, field: str, line: int | None, default: bool) -> bool:
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        self.problem(field, N_("true or false"), describe(value), line)
        return default

    def choice(self, value: Any, field: str, line: int | None, choices: tuple[str, ...], default: str = "") -> str:
        if value is None:
            return default
        if isinstance(value, str) and value in choices:
            return value
        close = difflib.get_close_matches(str(value), choices, n=1, cutoff=0.6)
        self.problem(field, N_("one of {choices}"), literal(describe(value)), line,
                     hint=N_("did you mean '{close}'?") if close else "",
                     params=make_params(choices=", ".join(choices), close=close[0] if close else ""))
        return default

    def day(self, value: Any, field: str, line: int | None) -> dt.date | None:
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.problem(field, N_("a calendar day YYYY-MM-DD that exists"), describe(value), line)
        return None

    def date(self, value: Any, field: str, line: int | None) -> Date | None:
        """A date alone (EDTF, or as a Vietnamese office writes it: 12/5/1972, khoảng 1972), or a map
        of the text as written and its EDTF; a text given with no EDTF is read for one."""
        if value is None:
            return None
        if not isinstance(value, dict):
            if isinstance(value, str):
                return self._written_date(value.strip(), field, line, "error")
            return self._edtf_date("", value, field, line)
        self.mapping(value, field, line, ("text", "edtf"), required=("text",))
        text_line = self.line_of(value, "text", line)
        text = self.string(value.get("text"), f"{field}.text", text_line)
        if value.get("edtf") is None:
            return self._written_date(text, f"{field}.text", text_line, "warning") if text else Date(text="")
        edtf_line = self.line_of(value, "edtf", line)
        date = self._edtf_date(text, value["edtf"], f"{field}.edtf", edtf_line)
        said, _ = dates.to_edtf(text)
        if said and date.lower and date.upper and not re.search(r"[~?%]", said + date.edtf):
            said_lower, said_upper = dates.make_bounds(said)
            if said_upper < date.lower or date.upper < said_lower:
                # 5/12/1972 is 5 December in the text, and easily entered as 1972-05-12
                hint = (N_("the text '{text}' is read day/month/year, as {said}: correct the one that is wrong")
                        if re.search(r"\d[/.-]\d", text) else
                        N_("the text '{text}' is read as {said}: correct the one that is wrong"))
                self.problem(f"{field}.edtf", N_("the date the text says ({said})"), literal(describe(date.edtf)),
                             edtf_line, "warning", hint=hint, params=make_params(said=said, text=text))
        return date

    def _written_date(self, text: str, field: str, line: int | None, severity: str) -> Date:
        """A date as written: understood into EDTF, or explained when it cannot be right (an error for
        a date alone; a warning for a text beside its EDTF, which may copy a slip of its source)."""
        edtf, problem = dates.to_edtf(text)
        if problem:
            self.problem(field, problem.expected, problem.found, line, severity,
                         hint="" if severity == "error" else N_("if the source says so, keep the text and add the "
                                                                "edtf meant"), params=problem.params)
        elif edtf is None and severity == "error":
            self.problem(field, _WRITTEN_DATES, describe(text), line,
                         hint=N_("words that are not a date go in a text: {text: ...}"))
        if edtf is None:
            return Date(text=text)
        lower, upper = dates.make_bounds(edtf)
        return Date(text=text, edtf=edtf, lower=lower, upper=upper)

    def _edtf_date(self, text: str, edtf: Any, field: str, line: int | None) -> Date:
        if isinstance(edtf, dt.date):
            edtf = edtf.isoformat()[:10]
        elif isinstance(edtf, int) and not isinstance(edtf, bool):
            edtf = f"{edtf:04d}"
        if not isinstance(edtf, str):
            self.problem(field, _EDTF_DATES, describe(edtf), line)
            return Date(text=text)
        try:
            lower, upper = dates.make_bounds(edtf.strip())
        except dates.DateInvalid as exc:
            if exc.problem:
                self.problem(field, exc.problem.expected, exc.problem.found, line, params=exc.problem.params)
            else:
                meant, _ = dates.to_edtf(edtf)
                self.problem(field, _EDTF_DATES, literal(describe(edtf)), line,
                             hint=N_("in EDTF that is {meant}") if meant else "", params=make_params(meant=meant or ""))
            return Date(text=text or edtf)
        return Date(text=text if text else edtf.strip(), edtf=edtf.strip(), lower=lower, upper=upper)

    def place(self, value: Any, field: str, line: int | None) -> Place | None:
        if value is None:
            return None
        if isinstance(value, str):
            return Place(text=value.strip())
        if isinstance(value, dict):
            self.mapping(value, field, line, ("text", "current"), required=("text",))
            return Place(text=self.string(value.get("text"), f"{field}.text", line),
                         current=self.string(value.get("current"), f"{field}.current", line))
        self.problem(field, N_("a place: text, or {text: ..., current: ...}"), describe(value), line)
        return None

    def private(self, data: LineDict, keys: tuple[str, ...]) -> dict[str, Any]:
        return {key: data[key] for key in keys if data.get(key) not in (None, "")}


MAX_TEXT_BYTES = 1_000_000  # a record, a page or a transcript is a few KB: past this it is not one


def read_text_file(path: Path, rel: str, problems: list[Problem]) -> str | None:
    """The text of a record, page or transcript; a file past MAX_TEXT_BYTES is refused unread."""
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            expected = N_("a text file of at most {limit} MB (scans and recordings go in scans/)")
            problems.append(Problem(rel, "", expected, N_("a file of {size} MB"), 1,
                                    params=make_params(limit=MAX_TEXT_BYTES // 1_000_000,
                                                       size=f"{size / 1_000_000:.1f}")))
            return None
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(rel, "", N_("a readable file"), exc.strerror or str(exc)))
        return None
    try:
        # Windows' line ends read as "\n", as Python's text files do: an embed's line ends where it shows
        return raw.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(Problem(rel, "", N_("text encoded as UTF-8 (save the file as UTF-8)"),
                                N_("byte 0x{byte} that is not UTF-8"), line, params=make_params(byte=f"{raw[exc.start]:02x}")))
        return None


def is_refused(root: Path, path: Path, rel: str, problems: list[Problem], scope: str = "") -> bool:
    """Whether `path` (a transcript, an object's folder) is a symbolic link or leads out of the collection,
    by the rule the masters follow too (layout.refused); if so, a problem names it and it is not read."""
    reason = layout.refused(path, root) if path.is_symlink() or path.exists() else ""
    if reason:
        problems.append(Problem(rel, "", N_("a real file or folder inside the collection"), reason, scope=scope))
    return bool(reason)


def read_yaml_file(path: Path, rel: str, problems: list[Problem]) -> Any:
    text = read_text_file(path, rel, problems)
    return None if text is None else to_yaml_data(text, rel, problems)


def to_yaml_data(text: str, rel: str, problems: list[Problem]) -> Any:
    """The data of a YAML file's text (None, with a problem, when it has none or is not YAML)."""
    try:
        data = make_yaml(text)
    except YamlSyntaxError as exc:
        # what is wrong is a template of its own (Words), inside this one; the fix shares its values
        problems.append(Problem(rel, "", N_("valid YAML"), N_("a syntax error: {message}"), exc.line,
                                hint=exc.fix_said, params=make_params(message=Words(exc.said, exc.params),
                                                                      **dict(exc.params))))
        return None
    if data is None:
        problems.append(Problem(rel, "", N_("a map of keys such as 'id: ...'"), N_("an empty file"), 1))
    return data


def rel_path(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()
