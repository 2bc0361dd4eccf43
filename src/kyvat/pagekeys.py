"""A key for each page of the site (and each object's IIIF documents), made of everything it is
made from: a page whose key is the one the old site's copy was made with is that copy,
hard-linked, not rendered again (site.py, iiif.py). The keys are kept in the cache (inputs.py).

What a page is made from: its own context (the objects, people, scans it shows, by their full
values); kyvat and the collection's files but its objects' (`code`: templates, words, the logo,
people, narratives, by inputs.py); and what every page may look up in the collection (its
settings, people, exhibitions, pages, redirects, withdrawn and unreadable records). Objects reach a
page only through its context, except in the templates that use `collection` otherwise (its
`objects`, `object(…)`): a page of those, or every page when a template shared by all does, is
made from every object as well.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
from pathlib import Path

from . import inputs, layout

# How a template reads the collection beyond what every page's key holds: any use of `collection`
# but these (`collection.objects`, `collection.object(…)`, the collection under another name).
_BEYOND = re.compile(r"\bcollection\b(?!\.(?:pages|person|people|exhibitions|config|redirects|gone|unreadable)\b)")


def make_code(root: Path) -> str:
    """What kyvat and the collection's files but its objects' are (by inputs.py), for the keys: the
    collection's by their bytes (a few small files), so that a key made just after an edit is the
    key made later of the same files."""
    return inputs.make_fingerprint([Path(root)], {}, skipped=(layout.Layout.of(root).objects,),
                                   steady=inputs.KYVAT_FILES, by_bytes=True)


def read_code(values: dict, root: Path) -> str:
    """make_code of the build's collection, worked out once a build (in its `values`): the IIIF and
    the page stages both key by it, and it reads the collection's files but the objects'."""
    if _CODE not in values:
        values[_CODE] = make_code(root)
    return values[_CODE]


def read_shared(values: dict, collection, root: Path) -> tuple[str, dict]:
    """make_shared_key of the build's public collection, and the digests of the values keyed so
    far, worked out once a build (in its `values`): the IIIF and the page stages key the same
    objects, people and scans, which do not change while the build runs (frozen dataclasses)."""
    if _SHARED not in values:
        values[_SHARED] = (make_shared_key(collection, read_code(values, root)), {})
    return values[_SHARED]


_CODE, _SHARED = "pagekeys.code", "pagekeys.shared"


def make_object_keys(collection, images, shared: str, memo: dict | None = None) -> dict[str, str]:
    """The key of each object's IIIF manifest and record (by its id's digest): the object, its
    published scans, and what every document may look up (`shared`, make_shared_key); `memo` holds
    the digests of values read before (_value_digest)."""
    memo = {} if memo is None else memo
    return {_digest(obj.id): _digest(repr((shared, _value_digest(obj, memo),
                                           _value_digest(tuple(images.of(obj.id)), memo))))
            for obj in collection.objects}


def make_group_keys(keys: dict[str, str], groups: dict[str, list[str]]) -> dict[str, str]:
    """The key of each document that lists others (a person's IIIF collection, by its address: its
    objects' ids in order), made of their keys (`keys`, as make_object_keys gives them)."""
    return {_digest(group): _digest(repr((group, [keys.get(_digest(item)) for item in items])))
            for group, items in groups.items() if items}


def find_unchanged(keys: dict[str, str], old_keys: dict[str, str], ids) -> set[str]:
    """The ids among `ids` whose key is the one they had."""
    return {item for item in ids if keys.get(_digest(item)) is not None and keys[_digest(item)] == old_keys.get(
        _digest(item))}


def make_shared_key(collection, code: str) -> str:
    """What every page is made from besides its own context and the objects (see the module)."""
    shared = (code, collection.config, collection.people, collection.exhibitions, collection.pages,
              collection.redirects, collection.gone, collection.unreadable)
    return _value_digest(shared, {})


def make_page_keys(specs, collection, folders: list[Path], shared: str, memo: dict | None = None) -> dict[str, str]:
    """The key of each page (by its site path's digest); none for a page whose context has no stable
    form. A value many pages share (every thumbnail) is read once, and not at all when `memo` holds it."""
    every, reading = _readers(folders, {name for spec in specs for name in spec.templates})
    memo = {} if memo is None else memo
    objects = _value_digest(collection.objects, memo) if every or reading else ""
    keys = {}
    for spec in specs:
        try:
            context = _value_digest(spec.context, memo)
        except _Unstable:  # a value printed by its address: it cannot say whether it changed
            continue
        chosen = next((name for name in spec.templates if any((f / name).is_file() for f in folders)), "")
        whole = objects if every or chosen in reading else ""
        keys[_digest(spec.path)] = _digest(repr((shared, spec.key, spec.lang, spec.templates, spec.in_sitemap, whole,
                                                 context)))
    return keys


def _readers(folders: list[Path], page_templates: set[str]) -> tuple[bool, set[str]]:
    """Whether a template that is not a page's own reads every object, and which pages' own do."""
    every, reading = False, set()
    for folder in folders:
        for path in sorted(Path(folder).rglob("*.html")):  # the templates pages are rendered with
            if "static" in path.relative_to(folder).parts or not path.is_file():
                continue
            if _BEYOND.search(path.read_text(encoding="utf-8", errors="replace")):
                name = path.relative_to(folder).as_posix()
                if name in page_templates:
                    reading.add(name)
                else:
                    every = True
    return every, reading


# Where a published scan's files came from, not what they are: no page or document shows them, and a
# build that sizes the scans from their masters alone (`kyvat build --only iiif`) does not know them.
_PROVENANCE = {("ImageService", "sha256"), ("ImageService", "cache_entry")}


class _Unstable(Exception):
    pass


_SIMPLE = frozenset((str, int, float, bool, type(None)))
_FIELDS: dict[type, tuple[str, ...]] = {}  # a dataclass's fields that make its digest, by class


def _value_digest(value, memo: dict[int, tuple[str, object]]) -> str:
    """A digest of a value by its full contents (dataclasses field by field), each container or
    dataclass met again (the same object) read once."""
    cls = type(value)
    if cls in _SIMPLE or isinstance(value, (str, int, float, bool, type(None))):
        return repr(value)
    found = memo.get(id(value))
    if found is not None:
        return found[0]
    names = _FIELDS.get(cls)
    if names is None and dataclasses.is_dataclass(cls):
        names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls)
                                     if (cls.__qualname__, f.name) not in _PROVENANCE)
    if names is not None:
        parts = [cls.__qualname__] + [(name, _value_digest(getattr(value, name), memo)) for name in names]
    elif isinstance(value, (list, tuple)):
        parts = [cls.__name__] + [_value_digest(item, memo) for item in value]
    elif isinstance(value, dict):
        parts = ["dict"] + [(_value_digest(k, memo), _value_digest(v, memo)) for k, v in value.items()]
    elif isinstance(value, (set, frozenset)):
        parts = ["set"] + sorted(_value_digest(item, memo) for item in value)
    else:
        parts = [cls.__qualname__, repr(value)]
        if " at 0x" in parts[1]:
            raise _Unstable
    digest = _digest(repr(parts))
    memo[id(value)] = (digest, value)  # the value held, so that its id is not another's meanwhile
    return digest


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def previous_keys(values: dict, kind: str) -> dict[str, str]:
    """The keys the old output's files of `kind` ("pages", "documents") were made with, as the build
    found them in its cache (inputs.read_record); keys are by a digest of the path or id, so that no
    address the site does not show (a withdrawn object's number, say) is kept anywhere."""
    found = values.get(inputs.PREVIOUS, {}).get("keys", {}).get(kind, {})
    return found if isinstance(found, dict) else {}


def note_keys(values: dict, kind: str, keys: dict[str, str]) -> None:
    """Leave the keys of the new files of `kind` for the build to remember (inputs.write_record)."""
    values.setdefault(inputs.KEYS, {})[kind] = keys


def link_unchanged(old_site: Path | None, path: str, target: Path, keys: dict[str, str],
                   old_keys: dict[str, str]) -> bool:
    """Hard-link the old site's copy of the page at `path` to `target` when it was made with the key
    it has now (`keys`, the old ones `old_keys`, as make_page_keys gives them)."""
    key = keys.get(_digest(path))
    if old_site is None or key is None or old_keys.get(_digest(path)) != key:
        return False
    return link_old(Path(old_site) / path, target)


def link_old(source: Path, target: Path) -> bool:
    """Hard-link a file of the old site (a real file) to `target`; False when it cannot."""
    if not source.is_file() or source.is_symlink():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        return False
    return True
