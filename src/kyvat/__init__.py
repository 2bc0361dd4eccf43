"""kyvat: the catalogue of a memorial house (Nhà truyền thống) and its bilingual IIIF exhibition."""

__version__ = "0.1.0"


def open_index(collection_path, cache=None):
    """The research index of the collection at `collection_path`, kept open: its `.search(query,
    **filters)` (the arguments of `search` below) may be asked many times, and re-reads the records
    only when their files changed. `cache` is the folder of the index (default: beside the collection)."""
    from .researchindex import open_index  # Whoosh loads only when someone searches

    return open_index(collection_path, cache)


def search(collection_path, query: str, *, cache=None, **filters):
    """Search the public records of the collection at `collection_path` (see research.py):
    `kyvat.search("collection", "liet si", type="letter", year_from=1968, year_to=1972)`.

    Vietnamese may be typed without diacritics; "quoted phrases", AND/OR/NOT, field:value
    (title, type, person, place, kind) and fuzzy name~ work as in Whoosh's query language.
    `limit` (default 20, None for all) caps the hits returned; facets count every hit. The index
    stays open between calls, so asking again about an unchanged collection costs only the query.
    """
    return open_index(collection_path, cache).search(query, **filters)
