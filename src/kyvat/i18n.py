"""Every interface word of the site, its IIIF documents and its browser search script, in Vietnamese
and English; dates, numbers and dimensions written for a reader of each language.

The words live in one table, site_templates/i18n.yaml; a collection's own site_templates/i18n.yaml
overrides single keys, and the override shows everywhere the word is used.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import N_, KyvatError, make_params
from .errors import Words as MessageWords  # i18n's own Words is the site's word table
from .layout import BUILTIN_TEMPLATES, WORDS_FILE, Layout
from .model import LANGUAGES, PAGED_TYPES, Date, Dimensions, Place, Text
from .yamlfile import YamlSyntaxError, make_yaml

STRINGS_FILE = WORDS_FILE  # the word table's name is layout.py's
# The browser search script is given the words whose keys start with this, in the page's language.
SCRIPT_PREFIX = "search."
# Each measure of model.Dimensions with its unit, in the order a reader expects them.
DIMENSION_UNITS = (("height", "cm"), ("width", "cm"), ("depth", "cm"), ("weight", "g"))

_DAY = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?([~?%]?)$")
_DECADE = re.compile(r"^(\d{3})X([~?%]?)$")


def make_strings(text: str, path: str) -> dict[str, dict[str, str]]:
    """Parse one i18n.yaml: every key must give a string for every language."""
    return {key: dict(texts) for key, texts in _parse_strings(text, path).items()}


@functools.lru_cache(maxsize=16)
def _parse_strings(text: str, path: str) -> dict[str, dict[str, str]]:
    # parsed once a process: every read of a collection reads kyvat's own table (tens of milliseconds)
    try:
        data = make_yaml(text)
    except YamlSyntaxError as exc:
        raise KyvatError(N_("{path}:{line}: {reason}"), params=make_params(
            path=path, line=exc.line or "", reason=MessageWords(exc.said, exc.params))) from None
    strings: dict[str, dict[str, str]] = {}
    for key, value in (data or {}).items():
        where = f"{path}:{getattr(data, 'lines', {}).get(key, '')}"
        if not isinstance(value, dict) or any(not isinstance(value.get(lang), str) for lang in LANGUAGES):
            raise KyvatError(N_("{where}: '{key}' needs a text for each of {languages}"),
                             params=make_params(where=where, key=key, languages=", ".join(LANGUAGES)))
        # `{vi: Bỏ qua, đến nội dung chính, en: …}` silently cuts the text at its comma in YAML.
        extra = [str(k) for k in value if k not in LANGUAGES]
        if extra:
            raise KyvatError(N_("{where}: '{key}' has '{extra}' beside {languages} "
                                "(a text holding a comma needs quotes: \"…\")"),
                             params=make_params(where=where, key=key, extra=extra[0], languages=", ".join(LANGUAGES)))
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
            raise KyvatError(N_("the site has no interface string '{key}' (add it to {file})"),
                             params=make_params(key=key, file=STRINGS_FILE)) from None
        return text.format(**fields) if fields else text

    return translate


@dataclass(frozen=True)
class Words:
    """The word table of one collection: `words(key, **fields)` is the word in both languages as a
    Text (for IIIF and records), `words.translate(lang)` the templates' t() in one language."""

    strings: dict[str, dict[str, str]]

    def __call__(self, key: str, **fields) -> Text:
        return Text(*(self.translate(lang)(key, **fields) for lang in LANGUAGES))

    def translate(self, lang: str) -> Callable[..., str]:
        return make_translate(self.strings, lang)

    def for_script(self, lang: str) -> dict[str, str]:
        """The browser search script's words in `lang`, unfilled: it fills their {fields} itself."""
        return {key: texts[lang] for key, texts in sorted(self.strings.items()) if key.startswith(SCRIPT_PREFIX)}


def read_words(collection_root: str | Path | None) -> Words:
    """kyvat's table, overridden key by key by the collection's own site_templates/i18n.yaml."""
    own = [Layout.of(collection_root).templates] if collection_root else []
    return Words(read_strings(own + [BUILTIN_TEMPLATES]))


def make_scan_label(words: Words, kind: str, object_type: str, n: int) -> Text:
    """The label of the `n`th scan (1-based, in display order) when the curator gave it none: a page
    of a paged object (a letter, a diary…), an image of any other, a recording or a film."""
    key = "scan.page" if kind == "image" and object_type in PAGED_TYPES else f"scan.{kind}"
    return words(key, n=n)


def make_file_page_label(words: Words, label: Text, page: int) -> Text:
    """The label of page `page` of a PDF master the curator named `label` (`Giấy báo tử, trang 2`)."""
    return Text(*(words.translate(lang)("scan.file_page", label=label.get(lang), page=page) for lang in LANGUAGES))


def to_number_text(value: float, lang: str, words: Words) -> str:
    """A measure as its language writes it: 20,5 in Vietnamese, 20.5 in English (the mark is the word
    number.decimal), and 1500, not 1.5e+03."""
    return f"{value:.10g}".replace(".", words.translate(lang)("number.decimal"))


def to_dimensions_text(dimensions: Dimensions, lang: str, words: Words) -> str:
    """`cao 20,5 cm, rộng 15 cm`: each measure given, named by its word (dimension.*) and with its unit."""
    translate = words.translate(lang)
    return ", ".join(f"{translate('dimension.' + field)} {to_number_text(value, lang, words)} {unit}"
                     for field, unit in DIMENSION_UNITS if (value := getattr(dimensions, field)) is not None)


def to_place_text(place: Place, lang: str, words: Words) -> str:
    """A place as the source names it, with the name it has today when that differs (place.now)."""
    return words.translate(lang)("place.now", place=place.text, now=place.current) if place.current else place.text


def to_scan_title(title: Text, label: Text, words: Words) -> Text:
    """A scan named with its object (scan.title): the image's text, the viewer's heading, a page's search hit."""
    return Text(*(words.translate(lang)("scan.title", title=title.get(lang), label=label.get(lang))
                  for lang in LANGUAGES))


def to_date_text(date: Date | dt.date | None, lang: str, words: Words) -> str:
    """A date for a reader. Vietnamese shows the date as written on the source; English shows
    the EDTF form in words (date.*, month.*) when it is simple enough (the source's wording is Vietnamese).
    A calendar day of the house's own (the day a loan went back) is in words in every language."""
    if date is None:
        return ""
    if not isinstance(date, Date):
        date = Date(date.isoformat(), date.isoformat(), date, date)
    written = date.text if date.text != date.edtf else ""
    if lang == "vi" and written:
        return written
    translate = words.translate(lang)
    parts = [_edtf_words(part, translate) for part in date.edtf.split("/")] if date.edtf else []
    if len(parts) == 1 and parts[0]:
        return parts[0]
    if len(parts) == 2 and all(parts):
        return translate("date.range", start=parts[0], end=parts[1])
    return written or date.edtf


def _edtf_words(edtf: str, translate: Callable[..., str]) -> str:
    decade = _DECADE.match(edtf)
    if decade:
        return _qualify(translate("date.decade", decade=f"{decade[1]}0"), decade[2], translate)
    day = _DAY.match(edtf)
    if not day:
        return ""
    year, month, dom, qualifier = day[1], day[2], day[3], day[4]
    if month and int(month) > 12:
        # EDTF level 2 numbers the parts of a year past 12 (1972-37: early 1972, as dates.to_edtf reads
        # "đầu năm 1972"); a part the word table does not name is shown as written
        try:
            return translate(f"date.part.{int(month)}", year=year)
        except KyvatError:
            return ""
    if dom:
        words = translate("date.day_month_year", day=int(dom), month=translate(f"month.{int(month)}"), year=year)
    elif month:
        words = translate("date.month_year", month=translate(f"month.{int(month)}"), year=year)
    else:
        words = translate("date.year", year=year)
    return _qualify(words, qualifier, translate)


def _qualify(words: str, qualifier: str, translate: Callable[..., str]) -> str:
    """EDTF's `~` (approximate), `?` (uncertain) and `%` (both)."""
    if qualifier in ("?", "%"):
        words = translate("date.uncertain", date=words)
    if qualifier in ("~", "%"):
        words = translate("date.about", date=words)
    return words
