"""The one analysis of Vietnamese text that every stage shares: folding, slugs and search terms.

Folding is NFC, lower case, combining marks removed, and đ → d, which Unicode does not decompose,
so `liet si` meets `liệt sĩ` and `duc` meets `Đức`. Search terms are folded syllables with the
i/y spelling variants that folding cannot merge (`sĩ/sỹ`, `Quý/Quí`) brought to one form.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# A syllable (or a run of digits, or a foreign word): letters, marks and digits, never "_".
TOKEN_PATTERN = re.compile(r"[^\W_]+")

# Spellings that writers use for the same syllable (i after a consonant may be written y), and
# that folding leaves apart. Each pair reads: a folded variant, then the form both become.
SPELLING_VARIANTS: dict[str, str] = {
    "sy": "si",    # liệt sỹ / liệt sĩ
    "qui": "quy",  # Quí / Quý
    "ky": "ki",    # kỹ / kĩ, Kỳ / Kì
    "ly": "li",    # lý / lí
    "my": "mi",    # Mỹ / Mĩ
    "hy": "hi",    # hy sinh / hi sinh
    "ty": "ti",    # tỷ / tỉ
}


def fold(text: str) -> str:
    """`Liệt sĩ Đức` → `liet si duc`: lower case, no diacritics, đ → d."""
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text).lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped.replace("đ", "d"))


def make_slug(text: str) -> str:
    """An ASCII slug for file names and URLs: `Nguyễn Văn Đức` → `nguyen-van-duc`."""
    return _NON_ALNUM.sub("-", fold(text)).strip("-")


def make_tokens(text: str) -> list[tuple[str, int, int]]:
    """The syllables of NFC `text` as (token, start, end), offsets into that NFC text, so a match
    found on folded terms can be shown in the original with its diacritics."""
    return [(m.group(), m.start(), m.end()) for m in TOKEN_PATTERN.finditer(text)]


@functools.lru_cache(maxsize=65536)  # a text repeats a few thousand syllables: index time halves
def to_term(token: str) -> str:
    """The search term of one token: folded, and its spelling variant merged (`Sỹ` → `si`)."""
    folded = fold(token)
    return SPELLING_VARIANTS.get(folded, folded)


def to_exact(token: str) -> str:
    """The exact form of a token (NFC, lower case, diacritics kept), for ranking exact matches first."""
    return unicodedata.normalize("NFC", token).lower()


def make_terms(text: str) -> list[str]:
    """Every search term of `text`, in order: `Thư gửi mẹ` → `['thu', 'gui', 'me']`."""
    return [to_term(token) for token, _, _ in make_tokens(unicodedata.normalize("NFC", text))]
