"""Where things live on disk: the collection's folders and files, and the cache beside it.

Every module asks here for a path instead of joining folder names itself, so the layout a curator
sees (objects/ID/record.yaml, scans/, transcripts/, people/…) is written down once. Paths are
given both as collection-relative POSIX strings (for messages, which name files the way a curator
sees them) and as absolute `Path`s under a root. Nothing here reads or writes a file; `refused` looks
at where a path leads (its links), no further.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from .errors import N_

CONFIG_FILE = "kyvat.yaml"
RECORD_FILE = "record.yaml"
REGISTER_FILE = "accessions.tsv"  # the sổ đăng ký: every number ever given, so none is given twice
OBJECTS_DIR = "objects"
PEOPLE_DIR = "people"
EXHIBITIONS_DIR = "exhibitions"
PAGES_DIR = "pages"
ASSETS_DIR = "assets"
TEMPLATES_DIR = "site_templates"  # a collection's own template overrides
WORDS_FILE = "i18n.yaml"  # the word table, in kyvat's templates and (overriding it) in TEMPLATES_DIR
# kyvat's own templates and word table (i18n.yaml), packaged in the wheel; TEMPLATES_DIR overrides them.
BUILTIN_TEMPLATES = Path(__file__).resolve().parent / TEMPLATES_DIR
# The commented records `kyvat init` and `kyvat new` write (Jinja2 templates, packaged in the wheel).
SCAFFOLDS = Path(__file__).resolve().parent / "scaffolds"
SCANS_DIR = "scans"
TRANSCRIPTS_DIR = "transcripts"
TRANSCRIPT_SUFFIX = ".txt"
# `kyvat add-scan` copies a master under a hidden name first and gives it its own name only once
# the copy is whole and checked: what an interrupted copy leaves is recognisable, and never read as
# a scan (names starting with "." are not scans).
PARTIAL_PREFIX, PARTIAL_SUFFIX = ".", ".partial"
PERSON_SUFFIX = ".yaml"
JOURNAL_NOTE_SUFFIX = ".json"
# Nothing a curator catalogued is ever deleted: `kyvat remove-scan` moves a master (and its
# transcript) into scans/.removed/, and `kyvat merge person` moves the merged file into
# people/.merged/. Hidden names, so no reader takes them for scans or people.
REMOVED_DIR = ".removed"
MERGED_DIR = ".merged"
# Published addresses that moved (`kyvat rename`/`merge`): old id -> new id, by kind of page.
REDIRECTS_FILE = "redirects.yaml"
NARRATIVE_SUFFIX = ".md"
ENGLISH_NARRATIVE_SUFFIX = ".en" + NARRATIVE_SUFFIX  # exhibitions/SLUG.en.md beside SLUG.md
# The folders `kyvat init` makes in a new collection.
COLLECTION_FOLDERS = (OBJECTS_DIR, PEOPLE_DIR, EXHIBITIONS_DIR, PAGES_DIR)

CACHE_DIR = ".kyvat-cache"  # beside the collection, never inside it
INDEX_DIR = "index"  # the research index, inside the cache
READ_CACHE_FILE = "records.pickle"  # what reading each record gave, while its files are unchanged (readcache)
HASH_CACHE_FILE = "masters.pickle"  # each master's sha256, while its size and time are unchanged (readcache)
TRASH_DIR = "trash"  # old sites being deleted in the background, inside the cache (output.retire)
OUTPUTS_DIR = "outputs"  # what each output built from the cache was made from (inputs.py)
OUTPUT_RECORD_SUFFIX = ".json"
PREVIEW_SUFFIX = ".desk-preview"  # the desk's preview site, beside the cache folder


# -- collection-relative names, for messages -----------------------------------------------------

def object_dir_rel(object_id: str) -> str:
    return f"{OBJECTS_DIR}/{object_id}"


def english_narrative(name: str) -> str:
    """The English narrative beside a Vietnamese one: `{slug}.en.md` beside `{slug}.md` (a name or a
    collection-relative path)."""
    return name.removesuffix(NARRATIVE_SUFFIX) + ENGLISH_NARRATIVE_SUFFIX


def record_in(folder: Path) -> Path:
    """The record file of an object folder that has no id yet (a new object's staging folder)."""
    return folder / RECORD_FILE


def journal_note(folder: Path, number: int) -> Path:
    """The `number`-th note of an undo journal (journal.py): what one file held before the command."""
    return folder / (format(number, "06d") + JOURNAL_NOTE_SUFFIX)


def record_rel(object_id: str) -> str:
    return f"{OBJECTS_DIR}/{object_id}/{RECORD_FILE}"


def scans_rel(object_id: str) -> str:
    return f"{OBJECTS_DIR}/{object_id}/{SCANS_DIR}"


def scan_rel(object_id: str, name: str) -> str:
    return f"{scans_rel(object_id)}/{name}"


def scan_in_object(name: str) -> str:
    """A scan named from its object's folder (scans/001.jpg), as `kyvat show` lists them."""
    return f"{SCANS_DIR}/{name}"


def partial_name(scan_file: str) -> str:
    """The name 001.jpg has in scans/ while `kyvat add-scan` is copying it: .001.jpg.partial."""
    return f"{PARTIAL_PREFIX}{scan_file}{PARTIAL_SUFFIX}"


def partial_of(name: str) -> str:
    """The scan a copy named .001.jpg.partial was to become (001.jpg); '' for any other name."""
    if name.startswith(PARTIAL_PREFIX) and name.endswith(PARTIAL_SUFFIX):
        return name[len(PARTIAL_PREFIX):-len(PARTIAL_SUFFIX)]
    return ""


def transcript_name(scan_file: str, page: int = 0) -> str:
    """The transcript of scans/001.jpg is transcripts/001.txt; of page 2 of scans/001.pdf,
    transcripts/001-p2.txt (each page of a PDF is a scan, with its own text)."""
    stem = scan_file.rsplit(".", 1)[0]
    return (f"{stem}-p{page}" if page else stem) + TRANSCRIPT_SUFFIX


def transcript_rel(object_id: str, scan_file: str, page: int = 0) -> str:
    return f"{OBJECTS_DIR}/{object_id}/{TRANSCRIPTS_DIR}/{transcript_name(scan_file, page)}"


def person_rel(person_id: str) -> str:
    return f"{PEOPLE_DIR}/{person_id}{PERSON_SUFFIX}"


def record_of(rel: str) -> tuple[str, str] | None:
    """What record a collection-relative path is: ("object", ID) for objects/ID/record.yaml,
    ("person", ID) for people/ID.yaml, None for any other file."""
    parts = rel.split("/")
    if len(parts) == 3 and parts[0] == OBJECTS_DIR and parts[2] == RECORD_FILE and parts[1].strip(".") \
            and not parts[1].startswith("."):
        return "object", parts[1]
    if len(parts) == 2 and parts[0] == PEOPLE_DIR and parts[1].endswith(PERSON_SUFFIX) \
            and parts[1][:-len(PERSON_SUFFIX)]:
        return "person", parts[1][:-len(PERSON_SUFFIX)]
    return None


def removed_scan_rel(object_id: str, name: str) -> str:
    return f"{scans_rel(object_id)}/{REMOVED_DIR}/{name}"


def merged_person_rel(name: str) -> str:
    return f"{PEOPLE_DIR}/{MERGED_DIR}/{name}"


def words_rel() -> str:
    return f"{TEMPLATES_DIR}/{WORDS_FILE}"


# -- the one rule for what may be read as part of a collection ------------------------------------

def refused(path: Path, root: Path) -> str:
    """Why `path` (a master, a transcript, an object's folder, the logo, a static file) must not be
    read as part of the collection at `root`, or '': a symbolic link, at its end or on its way below
    `root`, or a path that leads outside `root` ('..'). A link or a '..' could publish any file on the
    machine (a private letter, a password file) as if it were the collection's."""
    here, root = Path(root), Path(root)
    try:
        parts = Path(os.path.normpath(path)).relative_to(os.path.normpath(root)).parts
    except ValueError:
        return N_("a path leading outside the collection")
    for part in parts:
        here = here / part
        if here.is_symlink():
            return N_("a symbolic link (kyvat follows no link: one could lead to any file on the computer)")
    if ".." in Path(path).parts and root.resolve() not in leads_to(path).parents:  # else: as it says
        return N_("a path leading outside the collection")
    return ""


def leads_to(path: Path) -> Path:
    """Where a path with no link on its way (`refused`) leads: where it says, unless it holds a '..'
    (resolved then). Resolving the others (a system call a part, thousands of scans a build) would
    tell nothing more."""
    return Path(path).resolve() if ".." in Path(path).parts else Path(os.path.normpath(path))


# -- absolute paths under a collection root ------------------------------------------------------

@dataclass(frozen=True)
class RecordSources:
    """What a collection's records are read from, by how each counts: a file by its text, a folder
    by the text of its files whose names end with a suffix; and in each object's folder (each folder
    in `objects`), files by their text, folders by the names in them (scans: the records hold no
    more of them) or by the text of their files ending with a suffix (transcripts)."""

    files: tuple[Path, ...]
    folders: tuple[tuple[Path, str], ...]
    objects: Path
    object_files: tuple[str, ...]
    object_names: tuple[str, ...]
    object_folders: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Layout:
    """The paths of one collection folder (`root`) and of its cache."""

    root: Path

    @classmethod
    def of(cls, root: str | Path) -> Layout:
        return cls(Path(root))

    @property
    def config(self) -> Path:
        return self.root / CONFIG_FILE

    @property
    def register(self) -> Path:
        return self.root / REGISTER_FILE

    @property
    def objects(self) -> Path:
        return self.root / OBJECTS_DIR

    @property
    def people(self) -> Path:
        return self.root / PEOPLE_DIR

    @property
    def exhibitions(self) -> Path:
        return self.root / EXHIBITIONS_DIR

    @property
    def pages(self) -> Path:
        return self.root / PAGES_DIR

    @property
    def templates(self) -> Path:
        return self.root / TEMPLATES_DIR

    @property
    def words(self) -> Path:
        return self.templates / WORDS_FILE

    @property
    def assets(self) -> Path:
        """The house's own files for the site (its logo)."""
        return self.root / ASSETS_DIR

    def object_dir(self, object_id: str) -> Path:
        return self.objects / object_id

    def record(self, object_id: str) -> Path:
        return self.object_dir(object_id) / RECORD_FILE

    def scans(self, object_id: str) -> Path:
        return self.object_dir(object_id) / SCANS_DIR

    def scan(self, object_id: str, name: str) -> Path:
        return self.scans(object_id) / name

    def partial_scan(self, object_id: str, name: str) -> Path:
        return self.scans(object_id) / partial_name(name)

    def transcripts(self, object_id: str) -> Path:
        return self.object_dir(object_id) / TRANSCRIPTS_DIR

    def transcript(self, object_id: str, scan_file: str, page: int = 0) -> Path:
        return self.transcripts(object_id) / transcript_name(scan_file, page)

    def person(self, person_id: str) -> Path:
        return self.people / f"{person_id}{PERSON_SUFFIX}"

    def narrative(self, kind: str, slug: str, lang: str = "vi") -> Path:
        """exhibitions/ or pages/ (`kind`) `{slug}.md`, or its English `{slug}.en.md`."""
        folder = {EXHIBITIONS_DIR: self.exhibitions, PAGES_DIR: self.pages}[kind]
        name = slug + NARRATIVE_SUFFIX
        return folder / (name if lang == "vi" else english_narrative(name))

    def removed_scans(self, object_id: str) -> Path:
        """Where removed masters and their transcripts are kept: scans/.removed/."""
        return self.scans(object_id) / REMOVED_DIR

    @property
    def merged_people(self) -> Path:
        """Where the file of a person merged into another is kept: people/.merged/."""
        return self.people / MERGED_DIR

    @property
    def redirects(self) -> Path:
        return self.root / REDIRECTS_FILE

    def record_sources(self) -> RecordSources:
        """Every file and folder the records are read from: what a reader that must notice a change
        of records (researchindex) watches. A new source of records is added here."""
        return RecordSources(
            files=(self.config, self.words),
            folders=((self.people, PERSON_SUFFIX), (self.exhibitions, NARRATIVE_SUFFIX),
                     (self.pages, NARRATIVE_SUFFIX)),
            objects=self.objects,
            object_files=(RECORD_FILE,),
            object_names=(SCANS_DIR,),
            object_folders=((TRANSCRIPTS_DIR, TRANSCRIPT_SUFFIX),),
        )

    def relative(self, path: Path) -> str:
        """`path` as a curator sees it: relative to the collection, with forward slashes."""
        try:
            return Path(path).relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    # -- the cache, beside the collection ---------------------------------------------------------

    def default_cache(self) -> Path:
        """The derivative cache and research index live beside the collection, never inside it."""
        root = self.root.resolve()
        return root.parent / CACHE_DIR / root.name


def cache_dir(collection_root: str | Path, cache: str | Path | None = None) -> Path:
    """The cache folder of a collection: the one given, or the default beside the collection."""
    return Path(cache) if cache else Layout.of(collection_root).default_cache()


def preview_dir(collection_root: str | Path, cache: str | Path | None = None) -> Path:
    """The desk's preview build of a collection: beside its cache (a build refuses an output inside
    the cache it reads), never inside the collection, never the site it publishes."""
    folder = cache_dir(collection_root, cache).resolve()
    return folder.parent / f"{folder.name}{PREVIEW_SUFFIX}"


def index_dir(cache: Path) -> Path:
    """The research index inside a cache folder."""
    return Path(cache) / INDEX_DIR


def read_cache_file(cache: Path) -> Path:
    """The records' read cache inside a cache folder."""
    return Path(cache) / READ_CACHE_FILE


def hash_cache_file(cache: Path) -> Path:
    """The masters' checksums inside a cache folder."""
    return Path(cache) / HASH_CACHE_FILE


def trash_dir(cache: Path) -> Path:
    """Where old sites are deleted after a build, inside a cache folder."""
    return Path(cache) / TRASH_DIR


def output_record(cache: Path, out: Path) -> Path:
    """What a cache folder knows of an output built from it (inputs.py): a file per output folder."""
    name = hashlib.sha256(os.fsencode(Path(out).absolute())).hexdigest()[:32]
    return Path(cache) / OUTPUTS_DIR / (name + OUTPUT_RECORD_SUFFIX)
