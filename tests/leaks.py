"""Find private values in built output: every byte of every file (gzip members opened), and every
file name, searched for the markers the test collection plants, in the forms an output might use."""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
import zlib
from pathlib import Path

from kyvat.sitesearch import pair_token
from kyvat.vietnamese import fold, make_slug, make_terms

MARKER = re.compile(r"PRIVATE-MARKER-[A-Za-z0-9-]+|RESTRICTED-MARKER-[A-Za-z0-9-]+")


def planted_markers(collection_root: Path, hidden_names: tuple[str, ...] = ()) -> set[str]:
    """The marker strings of a collection, and the names that must not be published."""
    found: set[str] = set()
    for path in collection_root.rglob("*"):
        if path.is_file() and path.suffix in (".yaml", ".md", ".txt"):
            found |= set(MARKER.findall(path.read_text(encoding="utf-8")))
    return found | set(hidden_names)


def _forms(marker: str) -> set[tuple[bytes, ...]]:
    """How a value can appear in output: as UTF-8 (NFC, NFD), JSON-escaped, folded, tokenized, slugged,
    and as the site search's pair tokens (found when all of a value's pairs are in one file). A form
    is a tuple of strings that must all be there."""
    words = " ".join(re.findall(r"[a-z0-9]+", fold(marker)))  # as a search index tokenizes it
    forms = {marker, unicodedata.normalize("NFD", marker), json.dumps(marker)[1:-1], fold(marker), words}
    if " " in marker:
        forms.add(make_slug(marker))
    found = {(f.encode("utf-8"),) for f in forms if f} | {(f.lower().encode("utf-8"),) for f in forms if f}
    terms = make_terms(marker)
    if len(terms) > 1:
        found.add(tuple(pair_token(a, b).encode("utf-8") for a, b in zip(terms, terms[1:])))
    return found


def _contents(path: Path) -> bytes:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":  # gzip: Pagefind's index chunks, precompressed assets
        try:
            data += gzip.decompress(data)
        except (OSError, EOFError, zlib.error):
            pass
    return data.lower()


def find_leaks(output: Path, markers: set[str]) -> list[str]:
    """'file: marker' for every marker found in a file's bytes or name under `output`."""
    patterns = {m: _forms(m) for m in markers}
    leaks = []
    for path in sorted(output.rglob("*")):
        name = str(path.relative_to(output)).lower().encode("utf-8")
        data = _contents(path) if path.is_file() else b""
        for marker, forms in patterns.items():
            if any(all(f in data for f in form) or all(f in name for f in form) for form in forms):
                leaks.append(f"{path.relative_to(output)}: {marker}")
    return leaks
