"""The site's own search: a Pagefind index in site/pagefind/ that the browser loads piece by piece,
with no server. Pagefind (the `pagefind` binary from PyPI) is run here and nowhere else.

What a query costs a visitor is the index chunks of its words. Pagefind keeps every position of
every word, so a common word of a 10,000-object site weighs 150 KB; kyvat's records are therefore
a set of search terms, each once: the folded terms of vietnamese.py (Pagefind does not fold đ), and
for phrases each pair of neighbouring terms as one token (`pair_token`), which sorts after every
word so pairs never swell the chunks a word query loads. What the research index's rules decide
(every word in one document, a phrase in order) is checked by static/search.js on the record's
original text, which waits beside the index in a small JSON file named after the Pagefind result
that finds it; Pagefind's own fragments (the folded terms again) are not shipped.

An object's transcription pages are part of its record (one record an object keeps the page list
and each word's postings small); its JSON lists them, so search.js finds the research index's
documents: the object's own text, and each page.
"""

from __future__ import annotations

import gzip
import html
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from .errors import N_, KyvatError, make_params
from .i18n import read_words
from .model import Collection, Text
from .searchdocs import SearchDoc, make_search_documents
from .stages import BuildContext, Stage, StageReport
from .urls import Urls
from .vietnamese import SPELLING_VARIANTS, make_terms

# One index for every site language (the English search page falls back to it): the records hold
# the same folded terms in each language, and Pagefind must not stem English words the research
# index does not stem.
INDEX_LANGUAGE = "vi"
_FRAGMENT_SIGNATURE = b"pagefind_dcd"


_NOTHING = SearchDoc(key="", kind="page", title=Text(), text="", url=Urls.search())  # a site with no record


def pair_token(first: str, second: str) -> str:
    """Two neighbouring terms as one word to Pagefind: `mat`, `tran` → `zzmat0tran`. Pagefind splits
    words at `_`, `-` and capitals, not at digits; `zz` sorts the pairs into index chunks of their own."""
    return f"zz{first}0{second}"


def record_path(url: str) -> str:
    """Where a record goes in the folder Pagefind reads: `objects/AB-2026-0007/` →
    `objects/AB-2026-0007/index.html`, so that Pagefind's URL for it is the page's."""
    return Urls.file(Urls.page_of(url))


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


def _tokens(runs: list[list[str]], skip: set[str]) -> list[str]:
    """Each term and each pair of neighbouring terms of `runs`, once, in the order met."""
    seen = set(skip)
    found = []
    for terms in runs:
        for i, term in enumerate(terms):
            for token in (term, pair_token(term, terms[i + 1])) if i + 1 < len(terms) else (term,):
                if token not in seen:
                    seen.add(token)
                    found.append(token)
    return found


def make_record_html(doc: SearchDoc, pages: list[SearchDoc] = ()) -> str:
    """A record: the title's terms and pairs in the heading (so Pagefind weighs them more), then
    those of the record's own text and of each transcription page not in the title, each once."""
    title = _tokens([make_terms(doc.title_text)], set())
    body = _tokens([make_terms(d.document_text) for d in (doc, *pages)], set(title))
    return (f'<!doctype html><html lang="{INDEX_LANGUAGE}"><head><meta charset="utf-8"><title></title></head>'
            f'<body><main data-pagefind-body><h1>{html.escape(" ".join(title))}</h1>'
            f'<p>{html.escape(" ".join(body))}</p></main></body></html>\n')


def make_text_json(doc: SearchDoc, pages: list[SearchDoc] = ()) -> str:
    """What search.js shows and checks of a hit: the research index's key, kind, page address,
    titles and original text of the record and of each page."""
    def entry(d: SearchDoc) -> dict:
        return {"key": d.key, "url": d.url, "title": d.title.as_dict(), "text": d.text}

    data = {**entry(doc), "kind": doc.kind, "pages": {str(p.page): entry(p) for p in pages}}
    return json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n"


def make_analysis() -> dict:
    """What search.js needs to fold a query exactly as vietnamese.py does."""
    return {"variants": dict(sorted(SPELLING_VARIANTS.items()))}


def _read_fragment_urls(out: Path) -> dict[str, str]:
    """Pagefind's URL for each result id (its fragment's name): gzip of a signature and JSON."""
    urls = {}
    for path in (out / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        if not data.startswith(_FRAGMENT_SIGNATURE):
            raise KyvatError(N_("Pagefind wrote a fragment kyvat cannot read: {name}"),
                             params=make_params(name=path.name))
        urls[path.name.removesuffix(".pf_fragment")] = json.loads(data[len(_FRAGMENT_SIGNATURE):])["url"]
    return urls


def write_site_index(docs: list[SearchDoc], site_dir: Path) -> Path:
    """Write the Pagefind index of `docs` into site_dir/pagefind/, with each record's text beside it.

    The records are written as small pages into a scratch folder that one run of the Pagefind
    binary indexes (its Python API answers one record per 0.1 s: half an hour for 10,000 objects).
    """
    site_dir = Path(site_dir)
    out = site_dir / Urls.pagefind()
    records = make_records(docs) or [(_NOTHING, [])]
    with tempfile.TemporaryDirectory(prefix="kyvat-pagefind-") as scratch:
        for doc, pages in records:
            path = Path(scratch) / record_path(doc.url)
            path.parent.mkdir(parents=True, exist_ok=True)
            # Pagefind makes no index of no words: the empty site's one record holds a word, and no text
            # for search.js to show
            shown = replace(doc, text="kyvat") if doc is _NOTHING else doc
            path.write_text(make_record_html(shown, pages), encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "pagefind", "--site", scratch, "--output-path", str(out),
                               "--force-language", INDEX_LANGUAGE], capture_output=True, text=True)
    if done.returncode != 0:
        raise KyvatError(N_("Pagefind could not index the site: {reason}"),
                         params=make_params(reason=(done.stderr or done.stdout).strip()[-500:]))
    by_url = {Urls.served(record_path(doc.url)): (doc, pages) for doc, pages in records}
    (site_dir / Urls.search_texts()).mkdir()
    for result_id, url in _read_fragment_urls(out).items():
        if url not in by_url:
            raise KyvatError(N_("Pagefind indexed a page kyvat did not write: {url}"), params=make_params(url=url))
        (site_dir / Urls.search_text(result_id)).write_text(make_text_json(*by_url.pop(url)), encoding="utf-8")
    if by_url:
        raise KyvatError(N_("Pagefind left out {count} records, e.g. {url}"),
                         params=make_params(count=len(by_url), url=next(iter(by_url))))
    shutil.rmtree(out / "fragment")  # search.js reads the texts instead: the same terms, not shipped twice
    analysis = json.dumps(make_analysis(), ensure_ascii=False, sort_keys=True) + "\n"
    (site_dir / Urls.search_analysis()).write_text(analysis, encoding="utf-8")
    return out


def write_site_search(public: Collection, site_dir: Path) -> Path:
    """The site's search index for the public collection (what `privacy.to_public` returns)."""
    return write_site_index(make_search_documents(public, read_words(public.root)), site_dir)


class SiteSearchStage(Stage):
    """The index the site's search page loads in the browser."""

    name = "sitesearch"
    outputs = (Urls.pagefind() + "**",)

    def run(self, context: BuildContext) -> StageReport:
        docs = make_search_documents(context.public, context.words)
        write_site_index(docs, context.path(""))
        return StageReport(self.name, counts={"search_records": len(make_records(docs))})


STAGE = SiteSearchStage()
