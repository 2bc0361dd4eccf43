"""The curator-facing words of the command line, through the standard library's gettext: `_(text)`
and `ngettext(singular, plural, n)` return the text in the curator's language when a catalogue for
it is installed, and the English given in the code when there is none (as today).

How it fits together:
- the domain is "kyvat"; catalogues are package data, src/kyvat/locale/<lang>/LC_MESSAGES/kyvat.mo;
- the language is chosen as gettext always does, from LANGUAGE, LC_ALL, LC_MESSAGES or LANG
  (`LANGUAGE=vi kyvat validate`);
- the English text is the message id: wrap a literal, and fill its {fields} after translating,
  `_("{n} object(s)").format(n=n)`, so a translator sees the fields and may move them;
- only cli.py calls these: the library raises errors and returns values, and the CLI words them.
  The site's, IIIF's and the search script's words are not here: they live in i18n.yaml (i18n.py).

The next step is Babel: `pybabel extract -k _ -k ngettext:1,2` over cli.py into kyvat.pot, a
Vietnamese vi.po beside it, and `pybabel compile` into the folder above.
"""

from __future__ import annotations

import functools
import gettext
from pathlib import Path

DOMAIN = "kyvat"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


@functools.cache
def read_catalogue(localedir: Path = LOCALE_DIR) -> gettext.NullTranslations:
    """The catalogue for the environment's language, or one that returns the English given."""
    return gettext.translation(DOMAIN, localedir=localedir, fallback=True)


def _(message: str) -> str:
    return read_catalogue().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return read_catalogue().ngettext(singular, plural, n)
