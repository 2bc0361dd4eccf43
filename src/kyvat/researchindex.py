"""A collection's research index held open: its records are read, checked and indexed once, then
again only when one of their files changed, so a program may ask many questions for the price of one.

A change is seen as git sees one, from each file's size and modification time, never its text; a
file changed so recently that a second change could keep both (see RACY_NS) is compared by its
digest until it is older. A folder is listed again only when its own time or size changed, as git's
untracked cache does: adding, removing or renaming an entry stamps the folder (a file's edit does
not, so each file whose text counts is still looked at). Whoosh stays in research.py; this module
knows only files and records.

Limits: "now" is read from a file written in the cache folder (kyvat never writes inside a
collection), so a cache on another file system than the collection (a collection on a network
share, a cache given on a local disk) takes that file system's clock, and a file changed twice
within RACY_NS of a look while the two clocks disagree may keep its old text in the index until it
changes again. A file system that does not stamp a folder when its entries change (FAT under
Windows) hides an added or removed scan or transcript until another change of its object.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from . import layout, research
from .diskclock import read_disk_time
from .privacy import to_public
from .validate import load_collection

# A file modified this close to a look may have been modified again within the same clock tick of
# its file system (2 s on FAT), keeping its time and size: its digest decides.
RACY_NS = 2_000_000_000
_KEEP = 8  # collections kept open by `search` (a long-running program asks about few)

Stats = dict[str, tuple[int, int]]
# Each folder's names as last listed, under the folder's own (time, size) then.
Listings = dict[str, tuple[tuple[int, int], tuple[str, ...]]]


def _stat(path: str) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:  # gone, or a folder on the way is a file
        return None
    return found.st_mtime_ns, found.st_size


def read_stats(root: Path, listed: Listings | None = None, looked: int = 0) -> tuple[Stats, Listings]:
    """The modification time and size of every file the records are read from
    (`Layout.record_sources`), by path; a scan counts by its name only and an object by its
    folder's (the records hold no more of them; a folder without a record is a problem to report).

    A folder is listed only when its own time or size is not the one `listed` remembers it by.
    Returns the stats and the listings to remember at the next look: none of a folder modified
    within RACY_NS of `looked` (now, by the disk's clock), which could change again in the same
    clock tick and keep its time."""
    sources = layout.Layout.of(root).record_sources()
    listed = listed or {}
    stats: Stats = {}
    listing: Listings = {}
    sep = os.sep

    def names(folder: str, keep=os.DirEntry.is_file) -> tuple[str, ...]:
        stat = _stat(folder)
        if stat is None:
            return ()
        held = listed.get(folder)
        if held and held[0] == stat:
            found = held[1]
        else:
            try:
                with os.scandir(folder) as entries:
                    found = tuple(sorted(entry.name for entry in entries if keep(entry)))
            except OSError:  # not a folder
                found = ()
        if stat[0] < looked - RACY_NS:
            listing[folder] = (stat, found)
        return found

    def add(path: str) -> None:
        if (stat := _stat(path)) is not None:
            stats[path] = stat

    def add_texts(folder: str, suffix: str) -> None:
        for name in names(folder):
            if name.endswith(suffix):
                add(f"{folder}{sep}{name}")

    for path in sources.files:
        add(str(path))
    for folder, suffix in sources.folders:
        add_texts(str(folder), suffix)
    objects = str(sources.objects)
    for object_id in names(objects, os.DirEntry.is_dir):
        folder = f"{objects}{sep}{object_id}"
        stats[folder] = (0, 0)
        for name in sources.object_files:
            add(f"{folder}{sep}{name}")
        for sub in sources.object_names:
            for name in names(f"{folder}{sep}{sub}", lambda entry: True):
                stats[f"{folder}{sep}{sub}{sep}{name}"] = (0, 0)
        for sub, suffix in sources.object_folders:
            add_texts(f"{folder}{sep}{sub}", suffix)
    return stats, listing


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
        # Absolute from the start: the working folder may change while the index is held open.
        self.root, self.folder = _where(collection_path, cache)
        self.update: research.IndexUpdate | None = None  # what the last refresh changed
        self._stats: Stats | None = None
        self._listed: Listings = {}
        self._racy: dict[str, bytes] = {}

    def refresh(self) -> bool:
        """Bring the index up to date if a record file changed since the last look (or the index
        is gone); returns whether the records were read again. Raises CollectionInvalid as
        `validate.load_collection` does, and then reads them again at the next call."""
        self.folder.parent.mkdir(parents=True, exist_ok=True)
        looked = read_disk_time(self.folder.parent)
        stats, self._listed = read_stats(self.root, self._listed, looked)
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


def _where(collection_path: str | Path, cache: str | Path | None) -> tuple[Path, Path]:
    """The collection's folder and its index folder, both absolute."""
    root = Path(collection_path).resolve()
    return root, layout.index_dir(layout.cache_dir(root, Path(cache).resolve() if cache else None))


_OPEN: dict[tuple[Path, Path], ResearchIndex] = {}


def open_index(collection_path: str | Path, cache: str | Path | None = None) -> ResearchIndex:
    """The research index of a collection, the same object for the same collection and cache while
    it stays among the last few asked for."""
    key = _where(collection_path, cache)
    held = _OPEN.pop(key, None) or ResearchIndex(collection_path, cache)
    _OPEN[key] = held  # the last asked for goes last
    while len(_OPEN) > _KEEP:
        del _OPEN[next(iter(_OPEN))]
    return held
