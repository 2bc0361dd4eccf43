"""The research index: Whoosh over every object, transcription page, person, exhibition and page of
the public collection, updated incrementally, searched with fields, phrases, fuzzy names and facets.

Whoosh (and numpy) are imported here and nowhere else. Whoosh stores the index and parses queries;
matching and BM25 scoring run over whole posting lists as numpy arrays, since Whoosh's matchers go
one document at a time in Python (seconds on a large index). Words match on the folded terms of
vietnamese.py; the forms typed with diacritics re-rank the leading hits, so `mả` finds `mã` but
ranks `mả` first.

Reading whole posting lists needs Whoosh's private parts: those reads are in whooshinternals.py,
and this module uses only Whoosh's public API. Keeping a collection's index current between
searches is researchindex.py's job; this module knows documents and index folders only.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy
from whoosh import index
from whoosh.analysis import Filter, RegexTokenizer, ShingleFilter
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.qparser import FuzzyTermPlugin, MultifieldParser
from whoosh.query import And, AndNot, Every, Not, NumericRange, Or, Phrase, Term

from . import layout, whooshinternals
from .errors import N_, KyvatError, make_params
from .i18n import read_words
from .stages import BuildContext, Stage, StageReport
from .searchdocs import SearchDoc, count_exact, make_exact_pattern, make_search_documents, make_snippet
from .vietnamese import SPELLING_VARIANTS, TOKEN_PATTERN, make_terms, make_tokens, to_term

# Bump when the schema or the analysis changes: an index made by another version is rebuilt.
ANALYSIS_VERSION = "4"
FILTERS = ("type", "person", "place", "kind", "method", "decade", "year_from", "year_to")
# Each facet and the indexed field its values are the terms of.
FACETS = {"kind": "kind", "type": "type", "person": "person", "place": "place_facet", "decade": "decade",
          "method": "method"}
# Leading hits re-ranked by the forms typed with diacritics; further hits keep the score order.
RERANK = 50
# The scored fields and their weights: a word in the title counts double, as before.
SCORED = {"title": 2.0, "text": 1.0}
BM25_B, BM25_K1 = 0.75, 1.2  # Whoosh's defaults


class _Fold(Filter):
    """Turns each syllable into its search term (folded, spelling variants merged)."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = to_term(t.text)
            yield t


FOLDED = RegexTokenizer(TOKEN_PATTERN) | _Fold()
# Neighbouring terms, `mat tran`: a phrase is found from its pairs, not from word positions.
PAIRS = FOLDED | ShingleFilter(2, " ")
# Places contain commas, so one place is one line.
LINES = RegexTokenizer(r"[^\n]+")


def make_schema() -> Schema:
    return Schema(
        key=ID(stored=True, unique=True),
        checksum=STORED(),
        kind=ID(stored=True),
        object_id=ID(stored=True),
        page=STORED(),
        url=STORED(),
        title=TEXT(analyzer=FOLDED, phrase=False),  # both languages
        title_vi=STORED(),
        title_en=STORED(),
        text=TEXT(analyzer=FOLDED, phrase=False, stored=True),  # stored as written, for snippets
        pairs=KEYWORD(analyzer=PAIRS),  # title and text
        type=ID(stored=True),
        person=KEYWORD(stored=True, commas=True),
        place=TEXT(analyzer=FOLDED),
        place_facet=KEYWORD(analyzer=LINES),
        decade=ID(),
        method=ID(),
        year_from=NUMERIC(int, bits=32, signed=True, sortable=True),
        year_to=NUMERIC(int, bits=32, signed=True, sortable=True),
    )


def _fields(doc: SearchDoc) -> dict:
    return dict(
        key=doc.key, checksum=doc.checksum(), kind=doc.kind, object_id=doc.object_id, page=doc.page,
        url=doc.url, pairs=doc.document_text, title=doc.title_text, title_vi=doc.title.get("vi"),
        title_en=doc.title.get("en"), text=doc.text, type=doc.object_type, person=",".join(doc.people),
        place="\n".join(doc.places), place_facet="\n".join(doc.places),
        decade=str(doc.decade) if doc.decade is not None else "", method=doc.method,
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
    ix = None
    if stamp_file.is_file() and stamp_file.read_text() == _stamp():
        try:
            ix = index.open_dir(index_dir)
        except Exception:  # noqa: BLE001 - a damaged cache, or one pickled by another kyvat: rebuild it
            ix = None
    fresh = ix is None
    if fresh:
        index_dir.mkdir(parents=True, exist_ok=True)
        ix = index.create_in(index_dir, make_schema())
        stamp_file.write_text(_stamp())
    with ix.searcher() as searcher:
        stored = {f["key"]: f["checksum"] for f in searcher.all_stored_fields()}
    wanted = {doc.key: doc for doc in docs}
    report = IndexUpdate()
    changed = [d for d in docs if stored.get(d.key) != d.checksum()]
    gone = sorted(set(stored) - set(wanted))
    report.unchanged = len(docs) - len(changed)
    if not changed and not gone:
        return report
    # Posting blocks of 1024 documents, not 128: searching reads whole posting lists, a block at a time.
    writer = ix.writer(limitmb=256, codec=W3Codec(blocklimit=1024))
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
    score: float  # BM25 on the folded terms; hits with more typed exact forms come first
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


class _Open:
    """A searcher kept open between queries, as a long-running research tool keeps it, with what
    every query needs read once per index version: which documents are live, the field lengths
    that scoring divides by, and the documents of every facet value."""

    def __init__(self, index_dir: Path, version: tuple):
        self.version = version
        self.ix = index.open_dir(index_dir)
        self.searcher = self.ix.searcher()
        self.parser = MultifieldParser(["title", "text"], self.ix.schema)
        self.parser.add_plugin(FuzzyTermPlugin())
        reader = self.searcher.reader()
        self.size = reader.doc_count_all()
        self.live = numpy.ones(self.size, dtype=bool)
        for leaf, base in reader.leaf_readers():
            self.live[base + whooshinternals.leaf_deleted(leaf)] = False
        self.lengths = {name: numpy.concatenate([whooshinternals.leaf_lengths(leaf, name)
                                                 for leaf, _ in reader.leaf_readers()])
                        for name in SCORED}
        self._facets: dict[str, dict[str, numpy.ndarray]] | None = None
        self._years: dict[str, numpy.ndarray] = {}
        self.read: dict[tuple, tuple[numpy.ndarray, numpy.ndarray]] = {}  # this query's posting lists

    def years(self, fieldname: str) -> numpy.ndarray:
        """Every document's year_from or year_to, from the field's column."""
        if fieldname not in self._years:
            column = self.searcher.reader().column_reader(fieldname)
            self._years[fieldname] = numpy.fromiter(column, dtype=numpy.int64, count=self.size)
        return self._years[fieldname]

    def facet_docs(self) -> dict[str, dict[str, numpy.ndarray]]:
        if self._facets is None:
            reader = self.searcher.reader()
            self._facets = {name: {value: self.postings(fieldname, value)[0]
                                   for value in reader.field_terms(fieldname) if value}
                            for name, fieldname in FACETS.items()}
        return self._facets

    def postings(self, fieldname: str, text) -> tuple[numpy.ndarray, numpy.ndarray]:
        """The live documents holding a term and its frequency in each, read a posting block at a
        time (Whoosh's matchers step one document at a time, in Python); read once per query."""
        if (fieldname, text) not in self.read:
            self.read[fieldname, text] = self._postings(fieldname, text)
        return self.read[fieldname, text]

    def _postings(self, fieldname: str, text) -> tuple[numpy.ndarray, numpy.ndarray]:
        ids, weights = [], []
        reader = self.searcher.reader()
        for leaf, base in reader.leaf_readers():
            if (fieldname, text) in leaf:
                for block_ids, block_weights in whooshinternals.leaf_postings(leaf, fieldname, text):
                    ids.append(block_ids + base)
                    weights.append(block_weights)
        if not ids:
            return numpy.zeros(0, dtype=numpy.int64), numpy.zeros(0)
        ids_all = numpy.concatenate(ids)
        keep = self.live[ids_all]
        return ids_all[keep], numpy.concatenate(weights)[keep]


_OPEN: dict[Path, _Open] = {}
_KEEP_OPEN = 4  # indexes kept open at once (a test run opens many)


def _tocs(index_dir: Path) -> list[Path]:
    """The index's tables of contents, the newest last: Whoosh writes one per commit."""
    return sorted(Path(index_dir).glob("_MAIN_*.toc"), key=lambda p: int(p.stem.rsplit("_", 1)[1]))


def index_exists(index_dir: Path) -> bool:
    return bool(_tocs(index_dir))


def _open(index_dir: Path) -> _Open:
    """The open searcher of `index_dir`, reopened when a commit (or a rebuild) changed the index."""
    where = Path(index_dir).resolve()
    tocs = _tocs(where)
    if not tocs:
        raise SearchError(N_("no search index in {folder}"), params=make_params(folder=where))
    version = (tocs[-1].name, tocs[-1].stat().st_mtime_ns)
    held = _OPEN.pop(where, None)
    if held is not None and held.version != version:
        held.searcher.close()
        held = None
    _OPEN[where] = held = held or _Open(where, version)  # the last used goes last
    while len(_OPEN) > _KEEP_OPEN:
        _OPEN.pop(next(iter(_OPEN))).searcher.close()
    return held


def _docs(query, held: _Open) -> numpy.ndarray:
    """Which documents match `query`, as a mask: posting lists combined for words, phrases, AND,
    OR and NOT; Whoosh's own matching for the rest (fuzzy words, ranges)."""
    if isinstance(query, Term):
        found = numpy.zeros(held.size, dtype=bool)
        found[held.postings(query.fieldname, query.text)[0]] = True
        return found
    if isinstance(query, Every) and not query.fieldname:
        return held.live.copy()
    if isinstance(query, NumericRange) and query.fieldname in ("year_from", "year_to"):
        years = held.years(query.fieldname)
        found = held.live.copy()
        if query.start is not None:
            found &= years > query.start if query.startexcl else years >= query.start
        if query.end is not None:
            found &= years < query.end if query.endexcl else years <= query.end
        return found
    if isinstance(query, Phrase) and query.fieldname in SCORED:
        return _phrase_docs(query.words, (query.fieldname,), held)
    if isinstance(query, AndNot):
        return _docs(query.a, held) & ~_docs(query.b, held)
    if isinstance(query, Not):
        return held.live & ~_docs(query.query, held)
    if isinstance(query, And):
        found = held.live.copy()
        for sub in query.subqueries:
            found &= _docs(sub, held)
        return found
    if isinstance(query, Or) and {(type(q), getattr(q, "fieldname", None)) for q in query.subqueries} \
            == {(Phrase, f) for f in SCORED} \
            and len({tuple(q.words) for q in query.subqueries}) == 1:  # a phrase in the title or the text
        return _phrase_docs(query.subqueries[0].words, tuple(SCORED), held)
    if isinstance(query, Or) and not query.minmatch:
        found = numpy.zeros(held.size, dtype=bool)
        for sub in query.subqueries:
            found |= _docs(sub, held)
        return found
    found = numpy.zeros(held.size, dtype=bool)
    found[numpy.fromiter(held.searcher.docs_for_query(query), dtype=numpy.int64)] = True
    return found & held.live


def _phrase_docs(words: list[str], fields: tuple[str, ...], held: _Open) -> numpy.ndarray:
    """A phrase in `fields`: the documents holding every pair of its neighbouring words (the `pairs`
    field, of the title and text), checked on the stored fields when that is not enough to know."""
    found = held.live.copy()
    for a, b in zip(words, words[1:]):
        found &= _docs(Term("pairs", f"{a} {b}"), held)
    if len(words) == 1:
        found &= numpy.logical_or.reduce([_docs(Term(f, words[0]), held) for f in fields])
    elif len(words) > 2 or len(fields) < len(SCORED):
        stored = {"title": ("title_vi", "title_en"), "text": ("text",)}
        for docnum in numpy.flatnonzero(found):
            f = held.searcher.stored_fields(int(docnum))
            terms = " " + " ".join(make_terms("\n".join(f[n] for field in fields for n in stored[field]))) + " "
            found[docnum] = " " + " ".join(words) + " " in terms
    return found


def _scored_terms(query, reader) -> list[tuple[str, str]]:
    """The (field, term) pairs that add score: every word asked for, not those under NOT."""
    if isinstance(query, Not):
        return []
    if isinstance(query, AndNot):
        return _scored_terms(query.a, reader)
    if isinstance(query, (And, Or)):
        return [t for sub in query.subqueries for t in _scored_terms(sub, reader)]
    terms = query.existing_terms(reader, phrases=True, expand=True)
    return sorted({(f, t.decode() if isinstance(t, bytes) else t) for f, t in terms if f in SCORED})


def _scores(terms: list[tuple[str, str]], held: _Open) -> numpy.ndarray:
    """BM25 summed over the title and text fields, the title counting double: what Whoosh's
    BM25F gives an OR of the two fields, computed over whole posting lists at once."""
    scores = numpy.zeros(held.size)
    searcher = held.searcher
    for fieldname, text in terms:
        ids, tf = held.postings(fieldname, text)
        if not len(ids):
            continue
        lengths = held.lengths[fieldname][ids]
        average = searcher.avg_field_length(fieldname) or 1.0
        idf = searcher.idf(fieldname, text)
        weight = SCORED[fieldname] * idf * tf * (BM25_K1 + 1) / (tf + BM25_K1 * (1 - BM25_B + BM25_B * lengths / average))
        numpy.add.at(scores, ids, weight)
    return scores


def _filter_query(filters: dict) -> And | None:
    unknown = sorted(set(filters) - set(FILTERS))
    if unknown:
        # repr: the filter is the curator's own text, shown as Python quotes it (escapes and all)
        raise SearchError(N_("unknown search filter {name}; use one of {filters}"),
                          params=make_params(name=repr(unknown[0]), filters=", ".join(FILTERS)))
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


def search_index(index_dir: Path, query: str, *, limit: int | None = 20, facets: bool = True,
                 **filters) -> SearchResults:
    """Search the research index in `index_dir` (see `kyvat.search` for the query language).
    Every match is found and counted; the best `limit` are returned, those with more words
    typed with their exact diacritics first among the leading RERANK, with snippets."""
    held = _open(index_dir)
    held.read = {}
    searcher = held.searcher
    parsed = held.parser.parse(query) if query.strip() else Every()
    matched = _docs(parsed, held)
    restrict = _filter_query(filters)
    if restrict is not None:
        matched &= _docs(restrict, held)
    terms = _scored_terms(parsed, searcher.reader())
    scores = _scores(terms, held)
    found = numpy.flatnonzero(matched)
    wanted = len(found) if limit is None else min(len(found), max(limit, RERANK))
    best = found[numpy.argpartition(-scores[found], wanted - 1)[:wanted]] if wanted < len(found) else found
    best = sorted(best.tolist(), key=lambda d: (-scores[d], d))
    exact = make_exact_pattern(query)
    stored = {d: searcher.stored_fields(d) for d in (best if exact else best[:limit])}
    if exact:
        best.sort(key=lambda d: -count_exact(exact, stored[d]["title_vi"], stored[d]["title_en"], stored[d]["text"]))
    words = {t for _, t in terms}
    hits = [Hit(key=f["key"], kind=f["kind"], title={"vi": f["title_vi"], "en": f["title_en"]}, url=f["url"],
                object_id=f["object_id"], page=f["page"], score=round(float(scores[d]), 4),
                snippet=make_snippet(f["text"], words))
            for d in best[:limit] for f in (stored[d],)]
    counts = {}
    if facets:
        counts = {name: dict(sorted((v, n) for v, docs in values.items() if (n := int(numpy.count_nonzero(matched[docs])))))
                  for name, values in held.facet_docs().items()}
    return SearchResults(query=query, total=len(found), hits=hits, facets=counts)


def write_research_index(public, index_dir: Path) -> IndexUpdate:
    """Update the research index from the public collection (what `privacy.to_public` returns)."""
    return write_index(make_search_documents(public, read_words(public.root)), index_dir)


class ResearchStage(Stage):
    """The researchers' Whoosh index, in the cache (it is not part of the published site)."""

    name = "research"
    outputs = ()

    def run(self, context: BuildContext) -> StageReport:
        update = write_research_index(context.public, layout.index_dir(context.cache))
        return StageReport(self.name, counts={"research_indexed": update.added + update.updated,
                                              "research_removed": update.removed})


STAGE = ResearchStage()
