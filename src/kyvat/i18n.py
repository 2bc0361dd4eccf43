"""The site's interface strings in Vietnamese and English, and dates written for a reader.

Strings live in site_templates/i18n.yaml; a collection's own i18n.yaml overrides single keys.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

from .errors import KyvatError
from .model import LANGUAGES, Date
from .yamlfile import YamlSyntaxError, make_yaml

STRINGS_FILE = "i18n.yaml"

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")
_DAY = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?([~?%]?)$")
_DECADE = re.compile(r"^(\d{3})X([~?%]?)$")


def make_strings(text: str, path: str) -> dict[str, dict[str, str]]:
    """Parse one i18n.yaml: every key must give a string for every language."""
    try:
        data = make_yaml(text)
    except YamlSyntaxError as exc:
        raise KyvatError(f"{path}:{exc.line or ''}: {exc.message}") from None
    strings: dict[str, dict[str, str]] = {}
    for key, value in (data or {}).items():
        if not isinstance(value, dict) or any(not isinstance(value.get(lang), str) for lang in LANGUAGES):
            raise KyvatError(f"{path}: '{key}' needs a text for each of {', '.join(LANGUAGES)}")
        strings[str(key)] = {lang: value[lang] for lang in LANGUAGES}
    return strings


def read_strings(folders: Iterable[Path]) -> dict[str, dict[str, str]]:
    """The strings of the built-in templates, overridden key by key by the collection's.
    `folders` go from the most to the least specific, as template folders do."""
    strings: dict[str, dict[str, str]] = {}
    for folder in reversed(list(folders)):
        path = folder / STRINGS_FILE
        if path.is_file():
            strings.update(make_strings(path.read_text(encoding="utf-8"), str(path)))
    return strings


def make_translate(strings: dict[str, dict[str, str]], lang: str) -> Callable[..., str]:
    """`t('objects.count', n=3)`: the string in `lang`; an unknown key is an error, never a blank."""

    def translate(key: str, **fields) -> str:
        try:
            text = strings[key][lang]
        except KeyError:
            raise KyvatError(f"the site has no interface string '{key}' (add it to {STRINGS_FILE})") from None
        return text.format(**fields) if fields else text

    return translate


def to_date_text(date: Date | None, lang: str) -> str:
    """A date for a reader. Vietnamese shows the date as written on the source; English shows
    the EDTF form in words when it is simple enough (the source's wording is Vietnamese)."""
    if date is None:
        return ""
    written = date.text if date.text != date.edtf else ""
    if lang == "vi" and written:
        return written
    parts = [_edtf_words(part, lang) for part in date.edtf.split("/")] if date.edtf else []
    if parts and all(parts):
        return " – ".join(parts)
    return written or date.edtf


def _edtf_words(edtf: str, lang: str) -> str:
    decade = _DECADE.match(edtf)
    if decade:
        words = f"thập niên {decade[1]}0" if lang == "vi" else f"the {decade[1]}0s"
        return _qualify(words, decade[2], lang)
    day = _DAY.match(edtf)
    if not day:
        return ""
    year, month, dom, qualifier = day[1], day[2], day[3], day[4]
    if lang == "vi":
        words = (f"ngày {int(dom)} " if dom else "") + (f"tháng {int(month)} " if month else "") + f"năm {year}"
    else:
        words = (f"{int(dom)} " if dom else "") + (f"{MONTHS_EN[int(month) - 1]} " if month else "") + year
    return _qualify(words, qualifier, lang)


def _qualify(words: str, qualifier: str, lang: str) -> str:
    if not qualifier:
        return words
    if lang == "vi":
        return ("khoảng " if qualifier in "~%" else "") + words + (" (?)" if qualifier in "?%" else "")
    return ("about " if qualifier in "~%" else "") + words + (" (?)" if qualifier in "?%" else "")
