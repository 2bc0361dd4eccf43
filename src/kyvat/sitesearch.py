"""The site's own search: a Pagefind index in site/pagefind/ that the browser loads piece by piece,
with no server. Pagefind (the `pagefind` binary from PyPI) is run here and nowhere else.

Pagefind folds diacritics but not đ, and mis-handles phrases in a record holding a word in two
spellings; so each record holds only the folded terms of vietnamese.py (what the research index
matches on), the original text waits in a file of its own for display, and static/search.js
folds the query the same way before asking Pagefind. An object's transcription pages are sections
of its record (one record an object keeps the page list and each word's postings small), which
search.js splits again to find the research index's documents.
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
    """Where a record page goes in the folder Pagefind reads, so that Pagefind's URL for it names
    it; a transcription page is a section of its object's record: `objects/AB-2026-0007/#p3` →
    `objects/AB-2026-0007/index.html`."""
    path = url.split("#")[0]
    return LANG_PREFIX.get(lang, f"{lang}/") + path + ("" if path.endswith("/") else "/") + "index.html"


def to_text_path(url: str) -> str:
    """Where search.js finds a record's titles and original texts: beside the index, per record."""
    return TEXT_DIR + "/" + to_record_path(url, "vi")[: -len("index.html")] + "index.json"


def make_records(docs: list[SearchDoc]) -> list[tuple[SearchDoc, list[SearchDoc]]]:
    """One record per object, person, exhibition or page, an object's transcription pages with it.

    A Pagefind record costs every query a few bytes of the page list, and a word's postings one
    entry per record: four records an object made a cold query fetch over 400 KB on 10,000 objects."""
    pages: dict[str, list[SearchDoc]] = {}
    for doc in docs:
        if doc.kind == "transcript":
            pages.setdefault(doc.object_id, []).append(doc)
    return [(doc, pages.get(doc.object_id, []) if doc.kind == "object" else []) for doc in docs
            if doc.kind != "transcript"]


def _section(doc: SearchDoc, obj: SearchDoc) -> str:
    """A transcription page as a heading with its id, so search.js knows where the page starts,
    holding the page's label (its title less the object's, which search.js reads from the h1),
    then its text: the research index's document for the page, in pieces."""
    label = " ".join(getattr(doc.title, lang).removeprefix(f"{obj.title.get(lang)} — ") for lang in ("vi", "en"))
    return (f'<h2 id="p{doc.page}">{html.escape(" ".join(make_terms(label)))}</h2>'
            f'<p>{html.escape(" ".join(make_terms(doc.text)))}</p>')


def make_record_html(doc: SearchDoc, lang: str, pages: list[SearchDoc] = ()) -> str:
    """A page holding only folded terms (the title first, so it weighs more), the filters, and
    each transcription page as a section of its own.

    Pagefind indexes metadata as well, and a record holding one word in two spellings (`Thư`,
    `thủ`) loses its phrase matches; so the original titles and texts are not metadata: they are
    in a file of their own (`to_text_path`) that search.js fetches for the hits it shows."""
    e = html.escape
    filters = f'<span data-pagefind-filter="kind">{e(doc.kind)}</span>'
    if doc.object_type:
        filters += f'<span data-pagefind-filter="type">{e(doc.object_type)}</span>'
    sections = "".join(_section(p, doc) for p in pages)
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title></title></head><body>'
            f'<main data-pagefind-body><h1 id="t">{e(" ".join(make_terms(doc.title.vi + " " + doc.title.en)))}</h1>'
            f'<p id="d">{e(" ".join(make_terms(doc.text)))}</p>{sections}'
            f'<div data-pagefind-ignore>{filters}</div></main></body></html>\n')


def make_text_json(doc: SearchDoc, pages: list[SearchDoc] = ()) -> str:
    data = {"title": doc.title.as_dict(), "text": doc.text,
            "pages": {str(p.page): {"title": p.title.as_dict(), "text": p.text} for p in pages}}
    return json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n"


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
    records = make_records(docs)
    with tempfile.TemporaryDirectory(prefix="kyvat-pagefind-") as scratch:
        for lang in languages:
            for doc, pages in records:
                path = Path(scratch) / to_record_path(doc.url, lang)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(make_record_html(doc, lang, pages), encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "pagefind", "--site", scratch, "--output-path", str(out)],
                              capture_output=True, text=True)
    if done.returncode != 0:
        raise KyvatError(f"Pagefind could not index the site: {(done.stderr or done.stdout).strip()[-500:]}")
    for doc, pages in records:
        path = out / to_text_path(doc.url)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(make_text_json(doc, pages), encoding="utf-8")
    (out / ANALYSIS_FILE).write_text(json.dumps(make_analysis(), ensure_ascii=False, sort_keys=True) + "\n",
                                     encoding="utf-8")
    return out


def write_site_search(public: Collection, site_dir: Path) -> Path:
    """The site's search index for the public collection (what `privacy.to_public` returns)."""
    return write_site_index(make_search_documents(public), public.config.languages, site_dir)
