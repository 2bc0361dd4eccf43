"""The curator-facing words of the command line, through the standard library's gettext: `_(text)`
and `ngettext(singular, plural, n)` return the text in the curator's language, and the English given
in the code when the catalogue has no translation for it.

How it fits together:
- the domain is "kyvat"; catalogues are package data, src/kyvat/locale/<lang>/LC_MESSAGES/kyvat.mo,
  compiled from the kyvat.po beside it when kyvat is built or installed (setup.py), never committed;
- the English text is the message id: wrap a literal, and fill its {fields} after translating,
  `_("{n} object(s)").format(n=n)`, so a translator sees the fields and may move them;
- `N_(text)` only marks a literal for the catalogue and returns it unchanged: for words written
  before the language is known (Click's help texts, read at import) or by the library (a Problem's
  `expected`), which the CLI passes through `_()` when it prints them;
- the language of one command (`session`): `kyvat --lang vi|en`, else `language:` in the kyvat.yaml
  of the collection the command works on, else the locale (LANGUAGE, LC_ALL, LC_MESSAGES or LANG
  starting with "vi"), else English. The CLI calls `use_language` as it learns each of them;
- Click's own words (Usage, Options, its errors) go through gettext's global domain: a session
  points it at this catalogue, in the session's language.

The site's, IIIF's and the search script's words are not here: they live in i18n.yaml (i18n.py).
Catalogues are extracted with Babel (`make messages`, see babel.cfg).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import gettext
import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from .errors import DRAFT_NOTE, N_, KyvatError, MediaError, Problem, RecordError, Value, Words
from .layout import Layout

DOMAIN = "kyvat"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
ENGLISH = "en"  # the code's own language, needing no catalogue
LANGUAGES = ("vi", ENGLISH)
# gettext's own order: the first of these that is set names the language.
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
# `language: vi` at the top level of kyvat.yaml. Read with a pattern, not a YAML parser, so the
# choice costs one small read and still holds when the file is broken (validate then explains the
# breakage in the curator's language).
SETTING = re.compile(r"^language:[ \t]*[\"']?([A-Za-z_-]+)[\"']?[ \t]*(?:#.*)?$", re.MULTILINE)



def Nn_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a singular and plural pair for the catalogue (Click's ngettext words)."""
    return singular, plural


@functools.cache
def read_catalogue(language: str, localedir: Path = LOCALE_DIR) -> gettext.NullTranslations:
    """The catalogue of `language`, or one that returns the English given."""
    return gettext.translation(DOMAIN, localedir=localedir, languages=[language], fallback=True)


def _(message: str) -> str:
    if not message or isinstance(message, Value):
        return message  # gettext answers "" with the catalogue's header; a Value is data, not words
    return read_catalogue(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return read_catalogue(language()).ngettext(singular, plural, n)


def to_language(value: str | None) -> str | None:
    """The language a locale value names: vi for `vi`, `vi_VN.UTF-8` or `vi:en`; English for any
    other; None for nothing."""
    if not value:
        return None
    first = value.split(":")[0].strip().lower()
    return next((lang for lang in LANGUAGES if first == lang or first.startswith(lang + "_")), ENGLISH)


def language_of_locale(environ: Mapping[str, str] = os.environ) -> str:
    for name in LOCALE_VARIABLES:
        if environ.get(name):
            return to_language(environ[name]) or ENGLISH
    return ENGLISH


# The language `_` speaks now; "session": inside a command (Click's words follow it).
_current = {"language": language_of_locale(), "session": False}


def read_collection_language(root: Path) -> str | None:
    """The `language:` kyvat.yaml sets for the curator's messages, or None (no file, no setting, or
    a file that cannot be read)."""
    try:
        text = Layout.of(root).config.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    found = SETTING.search(text)
    return to_language(found.group(1)) if found else None


# One request of the desk speaks its visitor's language, whatever the process's is (`speaking`).
_request_language: contextvars.ContextVar[str | None] = contextvars.ContextVar("kyvat_language", default=None)


def language() -> str:
    return _request_language.get() or _current["language"]


@contextlib.contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Speak `lang` in this thread (or task) only, until the block ends: the desk serves a
    Vietnamese and an English curator at once."""
    token = _request_language.set(lang)
    try:
        yield
    finally:
        _request_language.reset(token)


def use_language(lang: str) -> None:
    """Speak `lang` from now on, Click's words too (only inside a `session`, which restores them)."""
    _current["language"] = lang
    if _current.get("session"):
        os.environ["LANGUAGE"] = lang  # gettext's global functions (Click's) read only the environment


@contextlib.contextmanager
def session() -> Iterator[None]:
    """One command: it starts in the locale's language, and Click's words follow `use_language`.
    Afterwards the process's LANGUAGE and gettext domain are as they were, so a command run in
    tests leaves nothing behind for the next one."""
    saved_environment, saved_domain = os.environ.get("LANGUAGE"), gettext.textdomain()
    lang = language_of_locale()
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)
    _current["session"] = True
    use_language(lang)
    try:
        yield
    finally:
        _current["session"] = False
        gettext.textdomain(saved_domain)
        if saved_environment is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = saved_environment
        _current["language"] = language_of_locale()


def to_problem_text(problem: Problem) -> str:
    """A problem as the curator reads it: in English exactly `str(problem)`; in another language the
    frame translated, each part's template translated before its values are filled (a part that is
    not in the catalogue is shown as written), and the field explained in words."""
    if language() == ENGLISH:
        return str(problem)
    where = problem.path + (f":{problem.line}" if problem.line else "")
    severity = _("error") if problem.is_error else _("warning")
    words = field_words(problem.field)
    what = (f"{problem.field} ({words}): " if words else f"{problem.field}: ") if problem.field else ""
    expected, found = _fill(problem, _(problem.expected)), _fill(problem, _(problem.found))
    body = (_("expected {expected}, found {found}") if problem.found else _("expected {expected}")).format(
        expected=expected, found=found)
    hint = f" ({_fill(problem, _(problem.hint))})" if problem.hint else ""
    draft = f" [{_(DRAFT_NOTE)}]" if problem.draft else ""
    return f"{where}: {severity}: {what}{body}{hint}{draft}"


def _fill(problem: Problem, template: str) -> str:
    """A translated template filled with the problem's values, each value that is Words translated too."""
    return _fill_values(template, problem.params)


def _fill_values(template: str, params: tuple[tuple[str, str], ...]) -> str:
    if not params or not template:
        return template
    return template.format(**{key: _translate_words(value) for key, value in params})


def to_error_text(error: KyvatError) -> str:
    """An error the library raised, as the curator reads it: in English exactly `str(error)`; in
    another language its template translated before its values are filled (a record's problem
    framed as validation's are). A CatalogueError's field is left to the caller (the CLI names
    the option that sets it)."""
    if isinstance(error, RecordError):
        return to_problem_text(error.problem)
    text = _fill_values(_(error.template), error.params) if error.template else str(error)
    if isinstance(error, MediaError):
        return f"{error.path}: {text}"
    return text


def _translate_words(value: str) -> str:
    if not isinstance(value, Words):
        return value
    # a value that is Words itself (a label in a line of `kyvat show`) is translated too
    return _fill_values(_(value.template), value.values)


def to_words_text(value: str) -> str:
    """Words the library made (errors.Words: a label, a line of `kyvat show`, a fixity result) in
    the curator's language; any other text is data and is shown as it is."""
    return _translate_words(value)


# What each field of a record is, in words, for a curator who does not read the keys: shown beside
# the key (which stays as it is in the file) in a translated message.
FIELD_WORDS = {
    "id": N_("the accession number"),
    "title": N_("the title"),
    "object_type": N_("the kind of object"),
    "description": N_("the description"),
    "history": N_("the story of the object"),
    "count": N_("how many pieces"),
    "materials": N_("what it is made of"),
    "dimensions": N_("the size"),
    "date": N_("the date of the object"),
    "places": N_("the places"),
    "people": N_("the people of the object"),
    "keywords": N_("the keywords"),
    "acquisition": N_("how the house received it"),
    "acquisition.method": N_("gift, loan or copy"),
    "acquisition.date": N_("the day it was received"),
    "acquisition.donor": N_("the giver, lender or family"),
    "acquisition.receipt_no": N_("the receipt number"),
    "acquisition.loan_until": N_("the day a loan must go back"),
    "acquisition.returned": N_("the day a loan went back"),
    "acquisition.original_held_by": N_("who keeps the original"),
    "condition": N_("the condition"),
    "condition.grade": N_("the condition grade"),
    "location": N_("where it is kept"),
    "rights": N_("the rights statement"),
    "visibility": N_("who may see it"),
    "scans": N_("the list of scans"),
    "scans.file": N_("the file of a scan"),
    "scans.label": N_("the label of a scan"),
    "scans.sha256": N_("the checksum of a scan"),
    "transcription": N_("how the transcripts were made"),
    "withdrawn": N_("the withdrawal"),
    "draft": N_("whether the record is a draft, not published"),
    "kind": N_("what the person is to the house"),
    "name": N_("the name"),
    "aliases": N_("other names"),
    "birth": N_("the birth date"),
    "hometown": N_("the home town"),
    "enlistment": N_("the day of enlistment"),
    "rank": N_("the rank"),
    "unit": N_("the unit"),
    "death": N_("the death"),
    "death.date": N_("the date of death"),
    "death.place": N_("the place of death"),
    "burial": N_("the grave"),
    "relationships": N_("the relatives"),
    "biography": N_("the biography"),
    "publish_name": N_("consent to be named publicly"),
    "contact": N_("the contact details"),
    "base_url": N_("the address of the published site"),
    "languages": N_("the site's languages"),
    "accession_pattern": N_("the pattern of accession numbers"),
    "objects": N_("the objects shown"),
}
_INDEX = re.compile(r"\[\d+\]")


def field_words(field: str) -> str:
    """The words for a dotted field (`scans[2].file` as `scans.file`), in the current language;
    "" for a field with no words, or in English, where the message names the key alone."""
    if not field or language() == ENGLISH:
        return ""
    key = _INDEX.sub("", field)
    while key and key not in FIELD_WORDS:
        key = key.rpartition(".")[0]
    return _(FIELD_WORDS[key]) if key else ""
