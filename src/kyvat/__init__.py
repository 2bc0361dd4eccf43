"""kyvat: the catalogue of a memorial house (Nhà truyền thống) and its bilingual IIIF exhibition."""

__version__ = "0.1.0"


def search(collection_path, query: str, **filters):
    """Search the public records of the collection at `collection_path` (see research.py):
    `kyvat.search("collection", "liet si", type="letter", year_from=1968, year_to=1972)`.

    Vietnamese may be typed without diacritics; "quoted phrases", AND/OR/NOT, field:value
    (title, type, person, place, kind) and fuzzy name~ work as in Whoosh's query language.
    """
    from .research import search_collection  # Whoosh loads only when someone searches

    return search_collection(collection_path, query, **filters)
