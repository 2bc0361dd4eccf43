"""The one analysis of Vietnamese text that every stage shares: folding and slugs.

Folding is NFC, lower case, combining marks removed, and đ → d, which Unicode does not decompose,
so `liet si` meets `liệt sĩ` and `duc` meets `Đức`.
"""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """`Liệt sĩ Đức` → `liet si duc`: lower case, no diacritics, đ → d."""
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text).lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped.replace("đ", "d"))


def make_slug(text: str) -> str:
    """An ASCII slug for file names and URLs: `Nguyễn Văn Đức` → `nguyen-van-duc`."""
    return _NON_ALNUM.sub("-", fold(text)).strip("-")
