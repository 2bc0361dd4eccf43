"""The hand-off to an archive: a BagIt bag (bagit-python, the Library of Congress's own tool) of the
collection, or with `public` of only what the website shows, for open data.

The full bag holds the curator's files as they are (records, masters, transcripts) in the
collection's own layout, a Dublin Core record per object and a CSV of the objects. The public bag
holds the records as `privacy.to_public` leaves them (JSON: the curator's YAML carries private
fields) and, for each published image, the full-size JPEG the site shows instead of the master
(made the site's way: turned upright, sRGB, no EXIF or GPS); recordings are left out. bagit
computes the manifests; the masters' sums must agree with the ones the records hold, before and after.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import bagit

from . import dublincore, layout, media, tiles
from .errors import N_, KyvatError, make_params
from .model import Collection
from .privacy import to_public
from .validate import load_collection

DATA = "data"  # bagit's payload folder
CURATOR_FILES = "collection"  # the full bag: the collection's files, in its own layout
PUBLIC_OBJECTS = "records/objects"  # the public bag: one JSON per object and per person
PUBLIC_PEOPLE = "records/people"
PUBLIC_IMAGES = "images"
JSON_SUFFIX = ".json"
DUBLIN_CORE = "dublin-core"
TABLE = "objects.csv"
CHECKSUMS = ["sha256"]


class ArchiveError(KyvatError):
    """The bag cannot be made: OUT is taken or inside the collection, or a master no longer matches
    the checksum in its record (`details`: media.FixityResult, each named)."""

    def __init__(self, message: str, params: tuple = (), details: tuple = ()):
        self.details = tuple(details)
        super().__init__(message, params=params)


@dataclass(frozen=True)
class BagReport:
    path: Path
    objects: int
    files: int
    public: bool


def _check_target(root: Path, out: Path) -> None:
    root, target = root.resolve(), out.resolve()
    if target == root or root in target.parents or target in root.parents:
        raise ArchiveError(N_("{out}: a bag is never made inside the collection (or around it)"),
                           make_params(out=out))
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ArchiveError(N_("{out}: already exists and is not empty; give a new folder"), make_params(out=out))


def _check_fixity(root: Path) -> None:
    failures = media.read_fixity(root).failures
    if failures:
        raise ArchiveError(N_("{count} master(s) no longer match the checksum in their record; no bag was made"),
                           make_params(count=len(failures)), details=failures)


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


def _copy_curator_files(collection: Collection, root: Path, data: Path) -> dict[str, str]:
    """The records, masters and transcripts as they are; returns bag path -> the sha256 the record holds."""
    source, target = layout.Layout.of(root), layout.Layout.of(data / CURATOR_FILES)
    for path in (source.config, source.register, source.redirects):
        if path.is_file():
            _copy(path, data / CURATOR_FILES / source.relative(path))
    for folder in (source.people, source.exhibitions, source.pages):
        for path in sorted(folder.glob("*")) if folder.is_dir() else ():
            if path.is_file() and not path.name.startswith("."):
                _copy(path, data / CURATOR_FILES / source.relative(path))
    recorded = {}
    for obj in collection.objects:
        _copy(source.record(obj.id), target.record(obj.id))
        for scan in obj.scans:
            if scan.page <= 1:
                _copy(source.scan(obj.id, scan.file), target.scan(obj.id, scan.file))
                # the payload's files go into data/ when make_bag turns the folder into a bag
                recorded[f"{DATA}/{target.scan(obj.id, scan.file).relative_to(data).as_posix()}"] = scan.sha256
            transcript = source.transcript(obj.id, scan.file, scan.page)
            if transcript.is_file():
                _copy(transcript, target.transcript(obj.id, scan.file, scan.page))
    return recorded


def _json_of(record) -> dict:
    values = dataclasses.asdict(record)
    values.pop("source", None)  # where the curator's file is: nothing a reader of the data needs
    return values


def _write_json(value: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True, default=str) + "\n",
                    encoding="utf-8")


def _write_public_files(public: Collection, root: Path, data: Path) -> None:
    """The public records as JSON, and each published image as the site's full-size JPEG."""
    source = layout.Layout.of(root)
    for person in public.people:
        _write_json(_json_of(person), data / PUBLIC_PEOPLE / (person.id + JSON_SUFFIX))
    for obj in public.objects:
        _write_json(_json_of(obj), data / PUBLIC_OBJECTS / (obj.id + JSON_SUFFIX))
        for n, scan in enumerate(obj.scans, start=1):
            if scan.kind != "image":
                continue
            im, _pages = media.read_image(source.scan(obj.id, scan.file), public.config.max_image_pixels, scan.page)
            shown, _notes = tiles.to_display(im)
            tiles.write_jpeg(shown, data / PUBLIC_IMAGES / obj.id / f"{n:03d}.jpg", public.config.jpeg_quality)


def _write_table(collection: Collection, path: Path) -> None:
    # UTF-8 with a byte-order mark: Excel on Windows, which ward offices use, reads Vietnamese only so.
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=dublincore.OBJECT_COLUMNS)
        writer.writeheader()
        writer.writerows(dublincore.make_object_rows(collection))


def _check_manifest(bag: bagit.Bag, recorded: dict[str, str]) -> None:
    """The bag's sha256 of each master is the one in its record (a master changed while copied)."""
    entries = bag.payload_entries()
    failures = [media.FixityResult(path, "changed", sha, entries.get(path, {}).get("sha256", ""))
                for path, sha in sorted(recorded.items())
                if sha and entries.get(path, {}).get("sha256") != sha]
    if failures:
        raise ArchiveError(N_("{count} master(s) no longer match the checksum in their record; no bag was made"),
                           make_params(count=len(failures)), details=failures)


def write_bag(root: str | Path, out: str | Path, *, public: bool = False, today: dt.date | None = None) -> BagReport:
    """Make the bag at `out` (a new or empty folder outside the collection). Nothing is written
    inside the collection; on any failure nothing is left at `out`. Raises ArchiveError,
    CollectionInvalid (the collection must validate), MediaError (a published image cannot be read)."""
    root, out = Path(root), Path(out)
    _check_target(root, out)
    collection = load_collection(root, today=today)
    _check_fixity(root)
    shown = to_public(collection) if public else collection
    staging = out.parent / f".{out.name}.partial-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    data = staging  # make_bag moves a folder's files into its data/ itself
    try:
        recorded = {} if public else _copy_curator_files(collection, root, data)
        if public:
            _write_public_files(shown, root, data)
        for obj in shown.objects:
            path = data / DUBLIN_CORE / f"{obj.id}.xml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(dublincore.make_dublin_core(obj, shown))
        _write_table(shown, data / TABLE)
        bag = bagit.make_bag(str(staging), _bag_info(collection, public), checksums=CHECKSUMS)
        _check_manifest(bag, recorded)
        if out.exists():
            out.rmdir()
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BagReport(out, len(shown.objects), len(bag.payload_entries()), public)


def _bag_info(collection: Collection, public: bool) -> dict[str, str]:
    name = collection.config.name
    info = {"Source-Organization": name.vi, "External-Description": (
        "Open data: what the website shows" if public else "The catalogue, masters and transcripts as kept")
        + f" ({name.en or name.vi})", "Bag-Software-Agent": "kyvat"}
    if collection.config.base_url:
        info["External-Identifier"] = collection.config.base_url
    return info
