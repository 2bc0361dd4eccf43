"""What reading files gave, kept in the cache folder and used again while the files are unchanged,
known as git's index knows them: by type, size, modification time and inode, never by reading them.

- the records: each object's and person's model and the problems its files had, so that a rebuild,
  a `kyvat validate` or a check of the desk parses only the records whose files changed
  (records.read_collection);
- the masters: each one's sha256, so that a build hashes only the masters that changed
  (derivatives.write_image_services); `kyvat verify` hashes every master, always.

A value is kept only for files older than a few seconds ("racily clean" files, in git's words: one
written again within its clock tick, at the same size, would look unchanged), so a record saved a
moment ago is simply read again. A cache that cannot be read (damaged, or written by another kyvat or
another Python) is ignored, and one that cannot be written is done without: nothing in it is ever
needed, and without it every file is read, as before.
"""

from __future__ import annotations

import os
import pickle
import stat
import sys
import tempfile
from pathlib import Path
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from . import __version__, layout
from .diskclock import read_disk_time

FORMAT = 1
# A file whose modification time is this close to the time of a read is not kept: another write in
# the same tick of the clock that stamps files (2 s on FAT) would leave size and time unchanged.
RACY_NS = 3_000_000_000
_MISSING = object()
T = TypeVar("T")


def stat_key(path: str | Path) -> tuple | None:
    """A file's or folder's identity without reading it: type, size, modification time, inode and
    device (and, for a symbolic link, the same of what it leads to); None when there is nothing."""
    try:
        st = os.lstat(path)
    except (OSError, ValueError):
        return None
    key = (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev)
    if stat.S_ISLNK(st.st_mode):
        try:
            st = os.stat(path)
            key += (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ino)
        except (OSError, ValueError):
            pass
    return key


def folder_key(path: str | Path) -> tuple | None:
    """A folder's stat_key and each of its entries' (one level down, hidden ones included); a file's
    stat_key when `path` is not a folder."""
    own = stat_key(path)
    if own is None or not stat.S_ISDIR(own[0]):
        return own
    try:
        names = sorted(os.listdir(path))
    except OSError:
        return own
    return own, tuple((name, stat_key(os.path.join(path, name))) for name in names)


def object_key(where: layout.Layout, object_id: str) -> tuple:
    """Every file and folder an object is read from (records.read_object): its folder, its record,
    its scans (a PDF is read for its pages) and its transcripts, each folder with its entries."""
    return (stat_key(where.object_dir(object_id)), stat_key(where.record(object_id)),
            folder_key(where.scans(object_id)), folder_key(where.transcripts(object_id)))


def _newest(key: Any) -> int:
    """The latest modification time in a key made of stat_keys (a folder_key, a tuple of them)."""
    if not isinstance(key, tuple) or not key:
        return 0
    if isinstance(key[0], int):  # a stat_key: its time, and its link's target's
        return max(key[2], key[7] if len(key) > 7 else 0)
    return max(_newest(part) for part in key)


def code_stamp() -> str:
    """This kyvat: its version and its modules' sizes and times (an edited reader is a new reader),
    and the Python that pickled the values."""
    package = Path(__file__).parent
    try:
        modules = sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in os.scandir(package)
                         if e.name.endswith(".py"))
    except OSError:
        modules = []
    return repr((FORMAT, __version__, sys.version, modules))


class FileCache:
    """One cache file: values by name, each with the key of the files it was made from (`stamp`
    says what else decided them: a value made under another stamp is not used). It is kept only in
    a cache folder that exists (a build makes it): reading a collection makes no folder."""

    def __init__(self, path: Path | None, stamp: str):
        self.path = path if path is not None and path.parent.is_dir() else None
        self.stamp = stamp
        self.old: dict[str, tuple[Any, bytes]] = self._load()
        self.new: dict[str, tuple[Any, bytes]] = {}  # what this run used or made: what is saved
        self.hits = self.misses = 0
        self._made = False
        self._now: int | None = None  # the time of the disk's clock when the first value was kept

    def _load(self) -> dict:
        if self.path is None:
            return {}
        try:
            with open(self.path, "rb") as handle:
                stamp, entries = pickle.load(handle)  # noqa: S301 - our own file, in our own cache folder
        except Exception:  # noqa: BLE001 - missing, damaged or another kyvat's: read the files again
            return {}
        return entries if stamp == self.stamp and isinstance(entries, dict) else {}

    def recall(self, name: str, key: Any) -> Any:
        """The value kept for `name` if its files' key is still `key`, else _MISSING."""
        found = self.old.get(name)
        if key is not None and isinstance(found, tuple) and len(found) == 2 and found[0] == key:
            try:
                value = pickle.loads(found[1])  # noqa: S301
            except Exception:  # noqa: BLE001 - a damaged entry is read again from the files
                value = _MISSING
            if value is not _MISSING:
                self.new[name] = found
                self.hits += 1
                return value
        self.misses += 1
        return _MISSING

    def keep(self, name: str, key: Any, value: Any) -> None:
        """Keep `value`, made from files whose key (taken before they were read) is `key`."""
        if key is None or self.path is None or _newest(key) >= self._disk_now() - RACY_NS:
            return
        try:
            self.new[name] = (key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            self._made = True
        except Exception:  # noqa: BLE001 - a value that cannot be pickled is made again next time
            pass

    def through(self, name: str, key: Any, read: Callable[[], T]) -> T:
        """The value kept for `name` while its files' key is `key`, or `read()`, kept."""
        value = self.recall(name, key)
        if value is _MISSING:
            value = read()
            self.keep(name, key, value)
        return value

    def through_noted(self, name: str, key: Any, noted: list, read: Callable[[list], T]) -> T:
        """As `through`, for a reader that notes problems in the list it is given: they are kept
        with its value and added to `noted`, whether it was read or recalled."""
        def fresh() -> tuple[T, list]:
            found: list = []
            return read(found), found
        value, found = self.through(name, key, fresh)
        noted.extend(found)
        return value

    def _disk_now(self) -> int:
        """The disk's own clock (a file made now in the cache folder), which stamps the files too:
        the computer's clock may be set elsewhere (faketime) or the disk be another machine's."""
        if self._now is None:
            self._now = -1  # no cache folder: nothing is kept
            try:
                self._now = read_disk_time(self.path.parent)
            except OSError:
                pass
        return self._now if self._now >= 0 else -(2 ** 62)

    def save(self) -> None:
        """Write what this run used and made, atomically, if it differs from what was read; only
        the values used are kept, so the records removed since go."""
        if self.path is None or (not self._made and self.new.keys() == self.old.keys()):
            return
        work = None
        try:
            fd, work = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump((self.stamp, self.new), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(work, self.path)
            work = None
        except OSError:
            pass  # a read-only or full disk: the next run reads the files again
        finally:
            if work:
                try:
                    os.unlink(work)
                except OSError:
                    pass


def records_cache(cache: str | Path | None, root: Path, context: Any, spared: Iterable[str] = ()) -> FileCache:
    """The records' cache of the collection at `root` in the cache folder `cache` (None: none), its
    values named by record file (layout.record_rel, person_rel). `context` is everything besides a
    record's own files that decides what reading it gives (the collection's settings, its word
    table): part of the stamp. The values of `spared` are kept though not asked for (records read
    from a text given instead of their file, which is still there)."""
    if not cache:
        return FileCache(None, "")
    try:
        stamp = repr((code_stamp(), str(root), str(root.resolve()), context))
    except (OSError, RuntimeError):
        return FileCache(None, "")
    kept = FileCache(layout.read_cache_file(Path(cache)), stamp)
    kept.new.update((name, kept.old[name]) for name in spared if name in kept.old)
    return kept


class MasterHashes:
    """Masters' sha256 by path while their stat_key is unchanged (what a build needs; the fixity
    check of `kyvat verify` never asks here)."""

    def __init__(self, cache: Path):
        try:
            Path(cache).mkdir(parents=True, exist_ok=True)  # the derivatives' cache folder: the build makes it
        except OSError:
            pass  # then nothing is kept
        self.cache = FileCache(layout.hash_cache_file(cache), repr((FORMAT, "sha256")))
        self.keys: dict[str, Any] = {}

    def known(self, path: str) -> str:
        """The sha256 of the master at `path` if it is known and the file unchanged, else ''."""
        key = stat_key(path)
        found = self.cache.recall(path, key)
        if found is _MISSING:
            self.keys[path] = key  # hashed by the build: learned once it is
            return ""
        return found

    def learn(self, path: str, sha256: str) -> None:
        """The sha256 of the master at `path`, as it was when `known` looked at it."""
        if sha256 and path in self.keys:
            self.cache.keep(path, self.keys[path], sha256)

    def save(self) -> None:
        self.cache.save()
