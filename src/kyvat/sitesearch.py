"""The site's own search: a Pagefind index in site/pagefind/ that the browser loads piece by piece,
with no server. Pagefind (the `pagefind` binary from PyPI) is run here and nowhere else.

Pagefind folds diacritics but not đ, and mis-handles phrases in a record holding a word in two
spellings; so each record holds only the folded terms of vietnamese.py (what the research index
matches on), the original text waits in a file of its own for display, and static/search.js
folds the query the same way before asking Pagefind.
"""

from __future__ import annotations

import html
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from .errors import KyvatError
from .model import Collection
from .searchdocs import SearchDoc, make_search_documents
from .vietnamese import SPELLING_VARIANTS, make_terms

LANG_PREFIX = {"vi": "", "en": "en/"}
ANALYSIS_FILE = "kyvat-analysis.json"
TEXT_DIR = "kyvat-text"


def to_record_path(url: str, lang: str) -> str:
    """Where a document's record page goes in the folder Pagefind reads, so that Pagefind's URL
    for it names it: `objects/AB-2026-0007/#p3` → `objects/AB-2026-0007/p3/index.html`."""
    return LANG_PREFIX.get(lang, f"{lang}/") + url.replace("#", "") + ("" if url.endswith("/") else "/") + "index.html"


def to_text_path(url: str) -> str:
    """Where search.js finds a record's title and original text: beside the index, per document."""
    return TEXT_DIR + "/" + to_record_path(url, "vi")[: -len("index.html")] + "index.json"


def make_record_html(doc: SearchDoc, lang: str) -> str:
    """A page holding only folded terms (the title first, so it weighs more) and the filters.

    Pagefind indexes metadata as well, and a record holding one word in two spellings (`Thư`,
    `thủ`) loses its phrase matches; so the original title and text are not metadata: they are
    in a file of their own (`to_text_path`) that search.js fetches for the hits it shows."""
    e = html.escape
    filters = f'<span data-pagefind-filter="kind">{e(doc.kind)}</span>'
    if doc.object_type:
        filters += f'<span data-pagefind-filter="type">{e(doc.object_type)}</span>'
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title></title></head><body>'
            f'<main data-pagefind-body><h1>{e(" ".join(make_terms(doc.title.vi + " " + doc.title.en)))}</h1>'
            f'<p>{e(" ".join(make_terms(doc.text)))}</p>'
            f'<div data-pagefind-ignore>{filters}</div></main></body></html>\n')


def make_text_json(doc: SearchDoc) -> str:
    return json.dumps({"title": doc.title.as_dict(), "text": doc.text}, ensure_ascii=False, sort_keys=True) + "\n"


def make_analysis() -> dict:
    """What search.js needs to fold a query exactly as vietnamese.py does."""
    return {"variants": dict(sorted(SPELLING_VARIANTS.items()))}


def write_site_index(docs: list[SearchDoc], languages: tuple[str, ...], site_dir: Path) -> Path:
    """Write the Pagefind index of `docs`, in every site language, into site_dir/pagefind/.

    The records are written as small pages into a scratch folder that one run of the Pagefind
    binary indexes (its Python API answers one record per 0.1 s: half an hour for 10,000 objects).
    Each language gets the same text: on the English site a Vietnamese word still finds the letter.
    """
    out = Path(site_dir) / "pagefind"
    with tempfile.TemporaryDirectory(prefix="kyvat-pagefind-") as scratch:
        for lang in languages:
            for doc in docs:
                path = Path(scratch) / to_record_path(doc.url, lang)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(make_record_html(doc, lang), encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "pagefind", "--site", scratch, "--output-path", str(out)],
                              capture_output=True, text=True)
    if done.returncode != 0:
        raise KyvatError(f"Pagefind could not index the site: {(done.stderr or done.stdout).strip()[-500:]}")
    for doc in docs:
        path = out / to_text_path(doc.url)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(make_text_json(doc), encoding="utf-8")
    (out / ANALYSIS_FILE).write_text(json.dumps(make_analysis(), ensure_ascii=False, sort_keys=True) + "\n",
                                     encoding="utf-8")
    return out


def write_site_search(public: Collection, site_dir: Path) -> Path:
    """The site's search index for the public collection (what `privacy.to_public` returns)."""
    return write_site_index(make_search_documents(public), public.config.languages, site_dir)
