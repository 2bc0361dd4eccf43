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

Past PART_RECORDS records the index is made in parts, one Pagefind run each, which search.js
merges in: an edit indexes again only the parts whose records it changed (write_site_index).
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import inputs, pagekeys
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
# Records an index part holds at most on average. Each part costs a visitor's query a chunk of
# every word it asks (about 30 KB gzipped at 10,000 objects) and each edit one Pagefind run over
# its part's records: a ward of a few thousand objects keeps one index (docs/search.md).
PART_RECORDS = 4000
# What a part merged in keeps of Pagefind's output: its entry, its metadata and its index chunks
# (by suffix); the browser runs the first part's script and WebAssembly for every part.
_PART_OWN = ("pagefind-entry.json", ".pf_meta", ".pf_index", ".pf_filter")


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


def make_analysis(parts: list[str] = ()) -> dict:
    """What search.js needs besides Pagefind: how to fold a query exactly as vietnamese.py does,
    and the index parts to merge in (folders relative to this file's)."""
    return {"variants": dict(sorted(SPELLING_VARIANTS.items())), "parts": list(parts)}


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


def count_parts(records: int, most: int | None = None) -> int:
    """How many parts an index of `records` records is made in: one up to `most`, else the least
    power of two that leaves at most `most` records a part on average (a part is one Pagefind run)."""
    count, most = 1, most or PART_RECORDS
    while records > count * most:
        count *= 2
    return count


def part_of(key: str, count: int) -> int:
    """The part the record of `key` goes in (of `count`): by its key, so that it stays there while
    the number of parts does."""
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:4], "big") % count


def part_language(n: int) -> str:
    """The language Pagefind is told part `n` is in: INDEX_LANGUAGE, and a private-use tag for each
    part merged in. Pagefind names each record `<language>_<hash>`, so no two parts name one alike
    and every record's text has a name of its own in one folder (Urls.search_text)."""
    return f"{INDEX_LANGUAGE}-x-p{n}" if n else INDEX_LANGUAGE


@dataclass
class Earlier:
    """The index of the site this build replaces: a part whose key is the one it was made with is
    hard-linked from it, with its records' texts, and not indexed again."""

    site: Path | None
    keys: dict[str, str]  # each part's key, by its folder (Urls.pagefind_part)
    ids: dict[str, str]  # each part's result ids, space-separated, by its folder
    code: str = ""  # what kyvat is (inputs.make_code_fingerprint): its code, Pagefind's version


@dataclass
class SiteIndex:
    """What write_site_index wrote: the index's folder, and each part's key and result ids."""

    path: Path
    records: int = 0  # Pagefind records (make_records), the empty site's placeholder not counted
    keys: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)
    made: int = 0  # parts indexed (the others were the old site's)


def _part_files(site_dir: Path, n: int, count: int) -> list[Path]:
    """The files of part `n` (of `count`) in the site at `site_dir`: for part 0, those of its folder
    but the texts, the analysis and the other parts' folders, which are in it."""
    folder = site_dir / Urls.pagefind_part(n)
    skipped = {site_dir / Urls.search_texts(), site_dir / Urls.search_analysis(),
               *(site_dir / Urls.pagefind_part(k) for k in range(1, count) if n == 0)}
    found = []
    for entry in folder.iterdir() if folder.is_dir() else ():
        if entry not in skipped:
            found += [p for p in entry.rglob("*") if p.is_file()] if entry.is_dir() else [entry]
    return found


def _reuse(earlier: Earlier, name: str, n: int, count: int, site_dir: Path) -> list[str] | None:
    """Link part `n` (folder `name`) and its texts from the old site; its ids, or None when it cannot."""
    ids = earlier.ids.get(name, "").split()
    if earlier.site is None or not ids:
        return None
    old, new = earlier.site / name, site_dir / name
    sources = [(p, new / p.relative_to(old)) for p in _part_files(earlier.site, n, count)]
    sources += [(earlier.site / Urls.search_text(i), site_dir / Urls.search_text(i)) for i in ids]
    linked = []
    for source, target in sources:
        if not pagekeys.link_old(source, target):
            for path in linked:  # a part half linked is no part: it is indexed again
                path.unlink()
            return None
        linked.append(target)
    return ids


def _index_part(part: list[tuple[tuple[SearchDoc, list[SearchDoc]], str]], n: int, site_dir: Path) -> list[str]:
    """Run Pagefind over the records of part `n` into its folder, write each record's text (named
    after its result id) and return the ids. The records are written as small pages into a scratch
    folder that one run of the Pagefind binary indexes (its Python API answers one record per
    0.1 s: half an hour for 10,000 objects)."""
    out = site_dir / Urls.pagefind_part(n)
    with tempfile.TemporaryDirectory(prefix="kyvat-pagefind-") as scratch:
        for (doc, pages), _ in part:
            path = Path(scratch) / record_path(doc.url)
            path.parent.mkdir(parents=True, exist_ok=True)
            # Pagefind makes no index of no words: the empty site's one record holds a word, and no text
            # for search.js to show
            shown = replace(doc, text="kyvat") if doc is _NOTHING else doc
            path.write_text(make_record_html(shown, pages), encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "pagefind", "--site", scratch, "--output-path", str(out),
                               "--force-language", part_language(n)], capture_output=True, text=True)
    if done.returncode != 0:
        raise KyvatError(N_("Pagefind could not index the site: {reason}"),
                         params=make_params(reason=(done.stderr or done.stdout).strip()[-500:]))
    by_url = {Urls.served(record_path(doc.url)): text for (doc, _), text in part}
    ids = []
    for result_id, url in sorted(_read_fragment_urls(out).items()):
        if url not in by_url:
            raise KyvatError(N_("Pagefind indexed a page kyvat did not write: {url}"), params=make_params(url=url))
        (site_dir / Urls.search_text(result_id)).write_text(by_url.pop(url), encoding="utf-8")
        ids.append(result_id)
    if by_url:
        raise KyvatError(N_("Pagefind left out {count} records, e.g. {url}"),
                         params=make_params(count=len(by_url), url=next(iter(by_url))))
    shutil.rmtree(out / "fragment")  # search.js reads the texts instead: the same terms, not shipped twice
    for path in _part_files(site_dir, n, 0) if n else ():
        if not path.name.endswith(_PART_OWN):
            path.unlink()
    return ids


def write_site_index(docs: list[SearchDoc], site_dir: Path, earlier: Earlier | None = None,
                     most: int | None = None) -> SiteIndex:
    """Write the Pagefind index of `docs` into site_dir/pagefind/, with each record's text beside it.

    A large index is made in parts (count_parts, at most `most` records each), which search.js
    merges in (Pagefind's mergeIndex): an edit indexes again only the part of the records it
    changed, and Pagefind's memory is that of one part. A part whose key (its records' texts, the
    number of parts, kyvat and Pagefind) is the one `earlier` made it with is that part, linked."""
    site_dir = Path(site_dir)
    records = make_records(docs)
    index = SiteIndex(site_dir / Urls.pagefind(), records=len(records))
    records = records or [(_NOTHING, [])]
    count = count_parts(len(records), most)
    parts: list[list] = [[] for _ in range(count)]
    for doc, pages in records:
        parts[part_of(doc.key, count)].append(((doc, pages), make_text_json(doc, pages)))
    if not parts[0]:  # the part the browser loads first holds a record, the empty site's if need be
        parts[0].append(((_NOTHING, []), make_text_json(_NOTHING)))
    (site_dir / Urls.search_texts()).mkdir(parents=True)
    for n, part in enumerate(parts):
        if not part:
            continue
        name = Urls.pagefind_part(n)
        key = hashlib.sha256(repr((earlier.code if earlier else "", count, n)).encode("utf-8"))
        for _, text in part:
            key.update(text.encode("utf-8", "surrogateescape"))
        index.keys[name] = key.hexdigest()[:32]
        ids = _reuse(earlier, name, n, count, site_dir) if earlier and earlier.keys.get(name) == index.keys[name] \
            else None
        if ids is None:
            ids = _index_part(part, n, site_dir)
            index.made += 1
        index.ids[name] = " ".join(ids)
    merged = [Urls.merged_part(n) for n, part in enumerate(parts) if n and part]
    analysis = json.dumps(make_analysis(merged), ensure_ascii=False, sort_keys=True) + "\n"
    (site_dir / Urls.search_analysis()).write_text(analysis, encoding="utf-8")
    return index


def write_site_search(public: Collection, site_dir: Path) -> Path:
    """The site's search index for the public collection (what `privacy.to_public` returns)."""
    return write_site_index(make_search_documents(public, read_words(public.root)), site_dir).path


class SiteSearchStage(Stage):
    """The index the site's search page loads in the browser."""

    name = "sitesearch"
    outputs = (Urls.pagefind() + "**",)

    def run(self, context: BuildContext) -> StageReport:
        docs = make_search_documents(context.public, context.words)
        earlier = Earlier(context.previous if not context.mount else None,
                          pagekeys.previous_keys(context.values, "search"),
                          pagekeys.previous_keys(context.values, "search-ids"),
                          inputs.make_code_fingerprint())
        index = write_site_index(docs, context.path(""), earlier)
        pagekeys.note_keys(context.values, "search", index.keys)
        pagekeys.note_keys(context.values, "search-ids", index.ids)
        return StageReport(self.name, counts={"search_records": index.records, "search_parts": len(index.keys),
                                              "search_parts_made": index.made})


STAGE = SiteSearchStage()
