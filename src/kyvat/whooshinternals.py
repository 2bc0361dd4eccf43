"""Every read of whoosh-reloaded's private parts, for research.py: a segment's posting blocks, its
field lengths and deleted documents as numpy arrays. Whoosh gives these only a document at a time,
in Python, which takes seconds on a large index.

This is the one exception to "each library in one module": research.py uses Whoosh's public API,
this module its private parts, which may move in any release. Kept apart, they are one short file
to check when upgrading: pyproject.toml pins the minor version they were tested with, and
`check_internals` (run by tests/test_search.py) names the part that moved.
"""

from __future__ import annotations

from functools import reduce
from pathlib import Path

import numpy
from whoosh import index
from whoosh.codec import whoosh3
from whoosh.matching import wrappers
from whoosh.util import numeric

from .errors import N_, KyvatError, make_params

# The private names read below, with their modules; `check_internals` also checks what they give.
INTERNALS = ((whoosh3, "LENGTHS_COLUMN"), (whoosh3, "_lenfield"), (whoosh3, "W3LeafMatcher._read_data"),
             (whoosh3, "W3LeafMatcher._next_block"), (wrappers, "FilterMatcher"), (numeric, "byte_to_length"))


class WhooshChanged(KyvatError):
    """The installed whoosh-reloaded is not the one kyvat's search reads."""


def leaf_deleted(leaf) -> numpy.ndarray:
    """The deleted document numbers of a segment."""
    return numpy.fromiter(leaf.deleted_docs_set, dtype=numpy.int64)


def leaf_postings(leaf, fieldname: str, text):
    """A segment's posting list of a term a block at a time, as (document numbers, frequencies)
    arrays; deleted documents included (research.py's live mask drops them)."""
    matcher = leaf.postings(fieldname, text)
    matcher = matcher.child if isinstance(matcher, wrappers.FilterMatcher) else matcher
    if not isinstance(matcher, whoosh3.W3LeafMatcher):
        found = numpy.fromiter(matcher.all_ids(), dtype=numpy.int64)
        yield found, numpy.ones(len(found))
        return
    while matcher.is_active():  # a block holds its ids (as differences unless bytes) and frequencies
        matcher._read_data()
        ids, weights = matcher._data[0], matcher._data[1]
        ids = numpy.asarray(ids, dtype=numpy.int64)
        yield ((ids if matcher._byteids else numpy.cumsum(ids)),
               numpy.ones(len(ids)) if weights is None else
               numpy.full(len(ids), weights) if isinstance(weights, float) else
               numpy.asarray(weights, dtype=numpy.float64))
        matcher._next_block()


def leaf_lengths(leaf, fieldname: str) -> numpy.ndarray:
    """Every document's length in a field of a segment, from the one byte per document Whoosh keeps."""
    column = leaf._perdoc.column_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
    stored = numpy.frombuffer(column._dbfile.get(column._basepos, column._count), dtype=numpy.uint8)
    found = numpy.zeros(leaf.doc_count_all(), dtype=numpy.float64)
    found[:len(stored)] = _BYTE_TO_LENGTH[stored]
    return found


_BYTE_TO_LENGTH = numpy.array([numeric.byte_to_length(b) for b in range(256)], dtype=numpy.float64)


def check_internals(index_dir: Path, scored: tuple[str, ...]) -> None:
    """Raise WhooshChanged naming the internal that moved, if one of INTERNALS is gone or the reads
    above no longer give what Whoosh's public calls (one document at a time) give for the index in
    `index_dir`: the posting list of every term, and the lengths of the `scored` fields."""
    for module, name in INTERNALS:
        try:
            reduce(getattr, name.split("."), module)
        except AttributeError:
            raise WhooshChanged(N_("whoosh-reloaded has no {name} any more, which kyvat's search reads "
                                   "(whooshinternals.py); install the version pyproject.toml names"),
                                params=make_params(name=f"{module.__name__}.{name}")) from None
    with index.open_dir(index_dir).reader() as reader:
        for leaf, _ in reader.leaf_readers():
            try:
                _check_leaf(leaf, scored)
            except (AttributeError, TypeError, IndexError, ValueError, OSError) as error:
                raise WhooshChanged(N_("whoosh-reloaded changed a private part kyvat's search reads "
                                       "(whooshinternals.py): {error}"),
                                    params=make_params(error=f"{type(error).__name__}: {error}")) from error


def _check_leaf(leaf, scored: tuple[str, ...]) -> None:
    deleted = set(leaf_deleted(leaf).tolist())
    for fieldname in scored:
        slow = [float(leaf.doc_field_length(d, fieldname, 0)) for d in range(leaf.doc_count_all())]
        if leaf_lengths(leaf, fieldname).tolist() != slow:
            raise WhooshChanged(N_("whoosh-reloaded changed its field lengths (whoosh.codec.whoosh3._lenfield, "
                                   "LENGTHS_COLUMN, whoosh.util.numeric.byte_to_length): field {field}"),
                                params=make_params(field=repr(fieldname)))
    for fieldname in leaf.indexed_field_names():
        for text in leaf.lexicon(fieldname):
            fast = [(int(i), float(w)) for ids, weights in leaf_postings(leaf, fieldname, text)
                    for i, w in zip(ids, weights) if int(i) not in deleted]
            matcher, slow = leaf.postings(fieldname, text), []
            while matcher.is_active():
                slow.append((matcher.id(), matcher.weight()))
                matcher.next()
            if fast != slow:
                raise WhooshChanged(N_("whoosh-reloaded changed its posting blocks (whoosh.codec.whoosh3."
                                       "W3LeafMatcher._read_data, ._data, ._byteids, ._next_block): {term}"),
                                    params=make_params(term=f"{fieldname}:{text!r}"))
