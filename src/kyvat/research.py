"""The research index: Whoosh over every object, transcription page, person, exhibition and page of
the public collection, updated incrementally, searched with fields, phrases, fuzzy names and facets.

Whoosh is imported here and nowhere else. Matching uses the folded terms of vietnamese.py; a second,
unfolded field only adds score, so `mả` finds `mã` too but ranks `mả` first.
"""

from __future__ import annotations

import hashlib
import html
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from whoosh import highlight, index, sorting
from whoosh.analysis import Filter, RegexTokenizer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.qparser import FuzzyTermPlugin, MultifieldParser
from whoosh.query import And, AndMaybe, Every, NumericRange, Or, Term

from .errors import KyvatError
from .privacy import to_public
from .searchdocs import SearchDoc, make_search_documents
from .validate import load_collection
from .vietnamese import SPELLING_VARIANTS, TOKEN_PATTERN, make_tokens, to_exact, to_term

# Bump when the schema or the analysis changes: an index made by another version is rebuilt.
ANALYSIS_VERSION = "2"
FILTERS = ("type", "person", "place", "kind", "method", "decade", "year_from", "year_to")
FACETS = ("kind", "type", "person", "place", "decade", "method")
_SNIPPET_CHARS = 240
# Strong enough that one exact `mã` outranks a record saying `mả` three times in its title and text.
EXACT_BOOST = 5.0


class _Fold(Filter):
    """Turns each syllable into its search term (folded, spelling variants merged)."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = to_term(t.text)
            yield t


class _Exact(Filter):
    """Keeps the diacritics: the field that makes an exact match rank first."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = to_exact(t.text)
            yield t


FOLDED = RegexTokenizer(TOKEN_PATTERN) | _Fold()
EXACT = RegexTokenizer(TOKEN_PATTERN) | _Exact()
# Places contain commas, so one place is one line.
LINES = RegexTokenizer(r"[^\n]+")


def make_schema() -> Schema:
    return Schema(
        key=ID(stored=True, unique=True),
        checksum=STORED(),
        kind=ID(stored=True, sortable=True),
        object_id=ID(stored=True),
        page=STORED(),
        url=STORED(),
        title=TEXT(analyzer=FOLDED, field_boost=2.0),  # both languages, matched as the text is
        title_vi=STORED(),
        title_en=STORED(),
        text=TEXT(analyzer=FOLDED, stored=True),
        exact=TEXT(analyzer=EXACT),
        type=ID(stored=True, sortable=True),
        person=KEYWORD(stored=True, commas=True),
        place=TEXT(analyzer=FOLDED),
        place_facet=KEYWORD(analyzer=LINES),
        decade=ID(sortable=True),
        method=ID(sortable=True),
        year_from=NUMERIC(int, bits=32, signed=True),
        year_to=NUMERIC(int, bits=32, signed=True),
    )


def _fields(doc: SearchDoc) -> dict:
    return dict(
        key=doc.key, checksum=doc.checksum(), kind=doc.kind, object_id=doc.object_id, page=doc.page,
        url=doc.url, title=doc.title.vi + "\n" + doc.title.en, title_vi=doc.title.get("vi"), title_en=doc.title.get("en"),
        text=doc.text, exact=doc.title.vi + "\n" + doc.title.en + "\n" + doc.text,
        type=doc.object_type, person=",".join(doc.people), place="\n".join(doc.places),
        place_facet="\n".join(doc.places), decade=str(doc.decade) if doc.decade is not None else "",
        method=doc.method,
        # an open end of a date range reaches as far as the search asks
        year_from=doc.year_from if doc.year_from is not None else -9999,
        year_to=doc.year_to if doc.year_to is not None else (doc.year_from if doc.year_from is not None else 9999),
    )


def _stamp() -> str:
    data = json.dumps([ANALYSIS_VERSION, SPELLING_VARIANTS, TOKEN_PATTERN.pattern], sort_keys=True)
    return hashlib.sha256(data.encode()).hexdigest()


@dataclass
class IndexUpdate:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0


def write_index(docs: list[SearchDoc], index_dir: Path) -> IndexUpdate:
    """Bring the index in `index_dir` up to date with `docs`: only changed documents are
    re-indexed, vanished ones removed; an index from another analysis is rebuilt."""
    index_dir = Path(index_dir)
    stamp_file = index_dir / "analysis.stamp"
    fresh = not index.exists_in(index_dir) or not stamp_file.is_file() or stamp_file.read_text() != _stamp()
    if fresh:
        index_dir.mkdir(parents=True, exist_ok=True)
        ix = index.create_in(index_dir, make_schema())
        stamp_file.write_text(_stamp())
    else:
        ix = index.open_dir(index_dir)
    with ix.searcher() as searcher:
        stored = {f["key"]: f["checksum"] for f in searcher.all_stored_fields()}
    wanted = {doc.key: doc for doc in docs}
    report = IndexUpdate()
    changed = [d for d in docs if stored.get(d.key) != d.checksum()]
    gone = sorted(set(stored) - set(wanted))
    report.unchanged = len(docs) - len(changed)
    if not changed and not gone:
        return report
    writer = ix.writer(limitmb=256)
    for key in gone:
        writer.delete_by_term("key", key)
    for doc in changed:
        writer.update_document(**_fields(doc))
        if doc.key in stored:
            report.updated += 1
        else:
            report.added += 1
    report.removed = len(gone)
    writer.commit(optimize=fresh)
    return report


@dataclass(frozen=True)
class Hit:
    key: str
    kind: str
    title: dict[str, str]
    url: str
    object_id: str
    page: int
    score: float
    snippet: str  # HTML: the original text, escaped, matches in <mark>

    @property
    def target(self) -> str:
        return f"object:{self.object_id}" if self.object_id else self.key


@dataclass(frozen=True)
class SearchResults:
    query: str
    total: int
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"query": self.query, "total": self.total, "facets": self.facets,
                "hits": [asdict(h) for h in self.hits]}


class SearchError(KyvatError):
    """A query or a filter that cannot be searched."""


class _Mark(highlight.HtmlFormatter):
    def format_token(self, text, token, replace=False):
        return "<mark>" + html.escape(highlight.get_text(text, token, replace), quote=False) + "</mark>"


def _parser(schema: Schema) -> MultifieldParser:
    """Words match in the title or the text, as they do in the site's Pagefind records."""
    parser = MultifieldParser(["title", "text"], schema)
    parser.add_plugin(FuzzyTermPlugin())
    return parser


def _exact_boost(query: str) -> Or | None:
    """Terms the visitor typed with diacritics, matched unfolded: they only add score."""
    terms = [Term("exact", to_exact(tok), boost=EXACT_BOOST)
             for tok, _, _ in make_tokens(query) if to_exact(tok) != to_term(tok)]
    return Or(terms) if terms else None


def _filter_query(filters: dict) -> And | None:
    unknown = sorted(set(filters) - set(FILTERS))
    if unknown:
        raise SearchError(f"unknown search filter {unknown[0]!r}; use one of {', '.join(FILTERS)}")
    parts = []
    for name in ("type", "person", "kind", "method", "decade"):
        if filters.get(name) not in (None, ""):
            parts.append(Term(name, str(filters[name])))
    if filters.get("place"):
        parts.append(And([Term("place", t) for t in (to_term(tok) for tok, _, _ in make_tokens(filters["place"]))]))
    if filters.get("year_from") is not None:
        parts.append(NumericRange("year_to", int(filters["year_from"]), None))
    if filters.get("year_to") is not None:
        parts.append(NumericRange("year_from", None, int(filters["year_to"])))
    return And(parts) if parts else None


def _snippet(hit) -> str:
    snippet = hit.highlights("text", top=2)
    if snippet:
        return snippet
    text = hit["text"]
    return html.escape(text[:_SNIPPET_CHARS] + ("…" if len(text) > _SNIPPET_CHARS else ""), quote=False)


def search_index(index_dir: Path, query: str, *, limit: int | None = 20, facets: bool = True,
                 **filters) -> SearchResults:
    """Search the research index in `index_dir` (see `kyvat.search` for the query language).
    Facets count every match, which costs most of the time on a large index: `facets=False`
    lets Whoosh stop at the best `limit` hits."""
    ix = index.open_dir(Path(index_dir))
    parsed = _parser(ix.schema).parse(query) if query.strip() else Every()
    boost = _exact_boost(query)
    wanted = AndMaybe(parsed, boost) if boost is not None else parsed
    groups = {name: sorting.FieldFacet(name, allow_overlap=name == "person") for name in FACETS if name != "place"}
    groups["place"] = sorting.FieldFacet("place_facet", allow_overlap=True)
    with ix.searcher() as searcher:
        results = searcher.search(wanted, limit=limit, filter=_filter_query(filters),
                                  groupedby=groups if facets else None, maptype=sorting.Count)
        results.fragmenter = highlight.ContextFragmenter(maxchars=_SNIPPET_CHARS, surround=60)
        results.formatter = _Mark()
        hits = [Hit(key=h["key"], kind=h["kind"], title={"vi": h["title_vi"], "en": h["title_en"]}, url=h["url"],
                    object_id=h["object_id"], page=h["page"], score=round(h.score, 4), snippet=_snippet(h))
                # with groupedby, Whoosh keeps every match in the results, not only the top `limit`
                for h in (results[:limit] if limit else results)]
        counts = {name: dict(sorted((str(k), v) for k, v in results.groups(name).items() if k))
                  for name in FACETS} if facets else {}
        # counting every match is the facets' work; without them Whoosh gives an estimate
        total = len(results) if facets or limit is None else results.estimated_length()
        return SearchResults(query=query, total=total, hits=hits, facets=counts)


def write_research_index(public, index_dir: Path) -> IndexUpdate:
    """Update the research index from the public collection (what `privacy.to_public` returns)."""
    return write_index(make_search_documents(public), index_dir)


def search_collection(collection_path: str | Path, query: str, *, cache: str | Path | None = None,
                      limit: int | None = 20, **filters) -> SearchResults:
    """Search the public records of a collection, first bringing its research index (in the
    cache beside the collection) up to date with the records."""
    from .build import default_cache  # build imports this module

    index_dir = Path(cache or default_cache(collection_path)) / "index"
    write_research_index(to_public(load_collection(collection_path)), index_dir)
    return search_index(index_dir, query, limit=limit, **filters)
