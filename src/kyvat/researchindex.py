"""A collection's research index held open: its records are read, checked and indexed once, then
again only when one of their files changed, so a program may ask many questions for the price of one.

A change is seen as git sees one, from each file's size and modification time, never its text; a
file changed so recently that a second change could keep both (see RACY_NS) is compared by its
digest until it is older. Whoosh stays in research.py; this module knows only files and records.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from . import layout, research
from .privacy import to_public
from .validate import load_collection

# A file modified this close to a look may have been modified again within the same clock tick of
# its file system (2 s on FAT), keeping its time and size: its digest decides.
RACY_NS = 2_000_000_000
LOOKED_FILE = ".research-looked"  # in the cache folder: touched at each look, for the file system's time
_KEEP = 8  # collections kept open by `search` (a long-running program asks about few)

Stats = dict[str, tuple[int, int]]


def read_stats(root: Path) -> Stats:
    """The modification time and size of every file the records are read from, by path under
    `root`; a scan counts by its name only (the records hold no more of it)."""
    where = layout.Layout.of(root)
    stats: Stats = {}

    def add(folder: Path, suffix: str = "", names_only: bool = False) -> None:
        try:
            entries = list(os.scandir(folder))
        except (FileNotFoundError, NotADirectoryError):
            return
        for entry in entries:
            if entry.name.endswith(suffix) and entry.is_file():
                found = entry.stat()
                stats[entry.path] = (0, 0) if names_only else (found.st_mtime_ns, found.st_size)

    try:
        found = where.config.stat()
        stats[str(where.config)] = (found.st_mtime_ns, found.st_size)
    except OSError:
        pass
    for folder in os.scandir(where.objects) if where.objects.is_dir() else ():
        if folder.is_dir():
            stats[folder.path] = (0, 0)  # a folder without a record is a problem to report
            add(where.object_dir(folder.name), layout.RECORD_FILE)
            add(where.scans(folder.name), names_only=True)
            add(where.transcripts(folder.name))
    add(where.people, layout.PERSON_SUFFIX)
    add(where.exhibitions, layout.NARRATIVE_SUFFIX)
    add(where.pages, layout.NARRATIVE_SUFFIX)
    return stats


def read_disk_time(marker: Path) -> int:
    """Now, by the clock that stamps the files (the file system's, as git's index does): the
    process's clock may differ from it (a network share, a test that moves the clock)."""
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_bytes(b".")  # a write, not utime(): a moved process clock would set utime's time
    return marker.stat().st_mtime_ns


def _racy(stats: Stats, looked: int) -> dict[str, bytes]:
    """The digest of each file modified within RACY_NS before `looked`."""
    return _digests(path for path, (mtime, _) in stats.items() if mtime >= looked - RACY_NS)


def _digests(paths) -> dict[str, bytes]:
    found = {}
    for path in paths:
        try:
            found[path] = hashlib.blake2b(Path(path).read_bytes(), digest_size=16).digest()
        except OSError:
            found[path] = b""
    return found


class ResearchIndex:
    """The research index of the collection at `collection_path`, in its cache (`cache`, or the
    default beside the collection). `search` answers from it, re-reading the records first only
    when their files changed."""

    def __init__(self, collection_path: str | Path, cache: str | Path | None = None):
        self.root = Path(collection_path)
        self.folder = layout.index_dir(layout.cache_dir(collection_path, cache))
        self.update: research.IndexUpdate | None = None  # what the last refresh changed
        self._stats: Stats | None = None
        self._racy: dict[str, bytes] = {}

    def refresh(self) -> bool:
        """Bring the index up to date if a record file changed since the last look (or the index
        is gone); returns whether the records were read again. Raises CollectionInvalid as
        `validate.load_collection` does, and then reads them again at the next call."""
        looked = read_disk_time(self.folder.parent / LOOKED_FILE)
        stats = read_stats(self.root)
        # A file racy at the last look may have changed since in the same tick: its digest tells.
        if stats == self._stats and _digests(self._racy) == self._racy and research.index_exists(self.folder):
            self._racy = _racy(stats, looked)  # none once every file is older than RACY_NS
            return False
        racy = _racy(stats, looked)
        public = to_public(load_collection(self.root))
        self.update = research.write_research_index(public, self.folder)
        self._stats, self._racy = stats, racy
        return True

    def search(self, query: str, *, limit: int | None = 20, facets: bool = True,
               **filters) -> research.SearchResults:
        """Search the public records (the query language is `kyvat.search`'s)."""
        self.refresh()
        return research.search_index(self.folder, query, limit=limit, facets=facets, **filters)


_OPEN: dict[tuple[Path, Path], ResearchIndex] = {}


def open_index(collection_path: str | Path, cache: str | Path | None = None) -> ResearchIndex:
    """The research index of a collection, the same object for the same collection and cache while
    it stays among the last few asked for."""
    key = (Path(collection_path).resolve(), layout.cache_dir(collection_path, cache).resolve())
    held = _OPEN.pop(key, None) or ResearchIndex(collection_path, cache)
    _OPEN[key] = held  # the last asked for goes last
    while len(_OPEN) > _KEEP:
        del _OPEN[next(iter(_OPEN))]
    return held
