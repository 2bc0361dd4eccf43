"""Every address kyvat publishes, in one place: the site's pages and files, and every IIIF id.

Paths are site-relative ("objects/AB-2026-0001/") and need nothing but their parts, so they are
static methods any module may call; `absolute` and `canonical` add the collection's base_url. A page
has a language-independent key; Vietnamese pages live at the key, every other language under its
code. Nothing here touches the disk.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from .errors import N_, KyvatError, Value, Words, make_params
from .model import LANGUAGES

ROOT_LANGUAGE = LANGUAGES[0]  # its pages are at the site root; every other language's under "{lang}/"
INDEX_FILE = "index.html"  # a folder is served (and linked, for a site opened from a USB stick) as this file
IIIF = "iiif/"
STATIC = "static/"
ASSETS = "assets/"  # the house's own files (its logo), copied from the collection's assets/
MEDIA = "media/"
PAGEFIND = "pagefind/"
PAGEFIND_SCRIPT = "pagefind.js"  # Pagefind's name for its browser script, in its folder
SEARCH_TEXTS = "kyvat-text/"  # beside Pagefind's files: each record's original text, named after its result
SEARCH_ANALYSIS = "kyvat-analysis.json"  # beside Pagefind's files: how the browser folds a query
PAGEFIND_PART = "part-{n}/"  # in Pagefind's folder: a part of a large index the browser merges in
IMAGE_INFO = "info.json"  # the Image API's name for a service's description, below the service
BASE_URL_EXPECTED = N_("an http(s) address such as https://example.vn/nha-truyen-thong/")
LINK_EXPECTED = N_("an http(s) address or a relative one")
LINK_SCHEMES = ("", "http", "https")  # what a URL field may hold ("": a relative address)
# kyvat writes mailto: itself, before the house's e-mail address: no field supplies the scheme
HREF_SCHEMES = LINK_SCHEMES + ("mailto",)
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_IGNORED = "".join(map(chr, range(0x21)))  # what a browser strips from a link's ends: controls and spaces


class BaseUrlInvalid(KyvatError):
    """A base_url (kyvat.yaml's, or one given for a build) that no visitor could open."""

    def __init__(self, found: str):
        self.field, self.expected, self.found = "base_url", BASE_URL_EXPECTED, found
        super().__init__(N_("base_url: expected {expected}, found {found}"),
                         params=make_params(expected=Words(BASE_URL_EXPECTED), found=Value(found)))


def make_base_url(text: str) -> str:
    """The address a site is published at, as every absolute id is built from it: http or https,
    with a host, no query or fragment, ending in exactly one '/' (added when missing, since a
    curator writing `https://x.vn/ntt` means the folder). Raises BaseUrlInvalid."""
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - a port that is no number raises here
    except ValueError:
        parts = None
    if (parts is None or parts.scheme not in ("http", "https") or not parts.hostname
            or any(c.isspace() or c in "?#" for c in text)):
        raise BaseUrlInvalid(repr(text))
    return text.rstrip("/") + "/"


def read_scheme(text: str) -> str:
    """A link's scheme ("javascript", "https"; "" for a relative link) as a browser reads it: with
    tabs and line breaks anywhere, and controls and spaces at its ends, left out."""
    found = _SCHEME.match(re.sub(r"[\t\n\r]", "", text).strip(_IGNORED))
    return found.group(1).lower() if found else ""


def is_safe_url(text: str) -> bool:
    """Whether a URL field (provider.homepage, provider.logo, rights, …) may hold `text`: an http(s)
    address or a relative one, never `javascript:`, `data:` or any other scheme a browser would run
    or open in place."""
    return read_scheme(text) in LINK_SCHEMES


class UnsafeLink(KyvatError):
    """A link no page, manifest or description may carry (it would run a script in a visitor's browser)."""

    def __init__(self, found: str):
        super().__init__(N_("refusing to publish the link {found}: expected {expected}"),
                         params=make_params(found=Value(repr(found)), expected=Words(LINK_EXPECTED)))


def make_href(text: str) -> str:
    """`text`, checked as a link kyvat writes: the one check every link passes on its way out (the site
    templates' `url`/`lurl` and `href` filter, IIIF's ids, homepages and seeAlso, JSON-LD's urls), so
    a value that slipped past validation is refused rather than published. Raises UnsafeLink."""
    if read_scheme(text) not in HREF_SCHEMES:
        raise UnsafeLink(text)
    return text


@dataclass(frozen=True)
class Urls:
    """The address map of one published collection. `base_url` "" gives site-relative ids."""

    base_url: str = ""
    languages: tuple[str, ...] = LANGUAGES

    def __post_init__(self):
        if self.base_url:
            object.__setattr__(self, "base_url", make_base_url(self.base_url))

    @classmethod
    def of(cls, config) -> Urls:
        """The map of a collection's model.Config."""
        return cls(config.base_url, tuple(config.languages))

    # -- pages: language-independent keys --------------------------------------------------------

    @staticmethod
    def home() -> str:
        return ""

    @staticmethod
    def objects() -> str:
        return "objects/"

    @staticmethod
    def object(object_id: str) -> str:
        return f"{Urls.objects()}{object_id}/"

    @staticmethod
    def scan_anchor(n: int) -> str:
        """The id of scan `n`'s section on its object's page."""
        return f"p{n}"

    @staticmethod
    def scan(object_id: str, n: int) -> str:
        """Scan `n` (1-based) on its object's page."""
        return f"{Urls.object(object_id)}#{Urls.scan_anchor(n)}"

    @staticmethod
    def people() -> str:
        return "people/"

    @staticmethod
    def person(person_id: str) -> str:
        return f"{Urls.people()}{person_id}/"

    @staticmethod
    def exhibitions() -> str:
        return "exhibitions/"

    @staticmethod
    def exhibition(slug: str) -> str:
        return f"{Urls.exhibitions()}{slug}/"

    @staticmethod
    def donors() -> str:
        return "donors/"

    @staticmethod
    def page(slug: str) -> str:
        """A free page (pages/{slug}.md) sits at the first level."""
        return f"{slug}/"

    @staticmethod
    def search() -> str:
        return "search/"

    @staticmethod
    def not_found() -> str:
        return "404.html"

    # -- a page in a language, and the file it is written to --------------------------------------

    @staticmethod
    def lang_prefix(lang: str) -> str:
        return "" if lang == ROOT_LANGUAGE else f"{lang}/"

    @staticmethod
    def in_lang(key: str, lang: str) -> str:
        """The site path of page `key` in `lang`."""
        return Urls.lang_prefix(lang) + key

    @staticmethod
    def switch(key: str, lang: str) -> str:
        """The same page in `lang`; the 404 page, served at any address, switches to that language's home."""
        return Urls.in_lang(Urls.home() if key == Urls.not_found() else key, lang)

    @staticmethod
    def file(path: str) -> str:
        """The file a site path is served from: a folder's index.html."""
        return path + INDEX_FILE if path == "" or path.endswith("/") else path

    @staticmethod
    def clean(path: str) -> str | None:
        """A site path normalised (`a/./b/../c` → `a/c`; "" for the site itself), or None when it is
        absolute or leaves the site with '..'."""
        clean = posixpath.normpath(path) if path else "."
        if posixpath.isabs(clean) or clean == ".." or clean.startswith("../"):
            return None
        return "" if clean == "." else clean

    @staticmethod
    def page_of(path: str) -> str:
        """The page a site path is on, without its `#` part: `objects/X/#p2` → `objects/X/`."""
        return path.split("#", 1)[0]

    @staticmethod
    def relative(target: str, here: str) -> str:
        """The link from the page file `here` to the site path `target` (a folder gets index.html, a
        `?query` is kept), so the site works under any sub-path and from a USB stick."""
        path, mark, query = target.partition("?")
        link = posixpath.relpath("/" + Urls.file(path), "/" + posixpath.dirname(here)) + mark + query
        # a first part with a ':' (a page file named javascript:….md) would be read as a link's scheme
        return "./" + link if ":" in link.split("/", 1)[0] else link

    @staticmethod
    def from_root(target: str, root_path: str) -> str:
        """The link to the site path `target` from the server path of the site root (`root_path`):
        for the 404 page, which a server shows at any depth."""
        path, mark, query = target.partition("?")
        return root_path + Urls.file(path) + mark + query

    @staticmethod
    def served(path: str) -> str:
        """The server path of a site path when the site is at the server's root, a folder's
        index.html as the folder (`/objects/X/`): how Pagefind names the pages it indexed."""
        file = Urls.file(path)
        folder = file == INDEX_FILE or file.endswith("/" + INDEX_FILE)
        return "/" + (file[:-len(INDEX_FILE)] if folder else file)

    # -- files that are not pages ------------------------------------------------------------------

    @staticmethod
    def static(name: str) -> str:
        return STATIC + name

    @staticmethod
    def asset(name: str) -> str:
        """One of the house's own files (its logo), named as in the collection's assets/ folder."""
        return ASSETS + name

    @staticmethod
    def sitemap() -> str:
        return "sitemap.xml"

    @staticmethod
    def robots() -> str:
        return "robots.txt"

    @staticmethod
    def pagefind() -> str:
        """The folder of the site's search index."""
        return PAGEFIND

    @staticmethod
    def pagefind_part(n: int) -> str:
        """The folder of part `n` of the site's search index: the search folder itself for part 0
        (the index the script loads first), a folder in it for each part merged in."""
        return PAGEFIND + (PAGEFIND_PART.format(n=n) if n else "")

    @staticmethod
    def merged_part(n: int) -> str:
        """Part `n`'s folder as the analysis file lists it for search.js: relative to that file,
        which is in the search folder (search_analysis)."""
        return PAGEFIND_PART.format(n=n)

    @staticmethod
    def pagefind_script() -> str:
        """The script the search page imports to query the index."""
        return PAGEFIND + PAGEFIND_SCRIPT

    @staticmethod
    def search_texts() -> str:
        """The folder of every search record's original text (sitesearch.make_text_json)."""
        return PAGEFIND + SEARCH_TEXTS

    @staticmethod
    def search_text(result_id: str) -> str:
        """The original text of the search record Pagefind names `result_id`."""
        return f"{Urls.search_texts()}{result_id}.json"

    @staticmethod
    def search_analysis() -> str:
        """What the search page needs besides Pagefind: the spelling-variant table it folds a query
        with, and the index parts it merges in (sitesearch.make_analysis)."""
        return PAGEFIND + SEARCH_ANALYSIS

    @staticmethod
    def search_paths(lang: str) -> dict[str, str]:
        """What static/search.js loads and links, as site paths the search page of `lang` hands it
        (data attributes of #search, made relative to the page): in `text`, `{id}` stands for a
        Pagefind result's id; in `page`, `{key}` for a page key with its `#` part."""
        return {"script": Urls.pagefind_script(), "analysis": Urls.search_analysis(),
                "text": Urls.search_text("{id}"), "page": Urls.in_lang("{key}", lang)}

    @staticmethod
    def media_folder() -> str:
        return MEDIA

    @staticmethod
    def media(object_id: str, n: int, suffix: str) -> str:
        """A published recording (audio, video); `suffix` with its dot, lower case."""
        return f"{MEDIA}{object_id}-{n}{suffix}"

    # -- IIIF -----------------------------------------------------------------------------------------

    @staticmethod
    def iiif() -> str:
        """The folder of every IIIF document and image service."""
        return IIIF

    @staticmethod
    def inside_iiif(path: str) -> str:
        """A path under the IIIF folder, relative to it (`kyvat iiif` writes that folder's contents)."""
        inner = Urls.inside(path, IIIF)
        if inner is None:
            raise ValueError(f"{path!r} is not under {IIIF}")
        return inner

    @staticmethod
    def inside(path: str, folder: str) -> str | None:
        """`path` relative to the site folder `folder` ("" is the whole site), or None when it is
        not under it: where a site path lands in an output folder that holds only `folder`."""
        folder = folder.strip("/")
        if not folder:
            return path
        if path.strip("/") == folder:
            return ""
        return path[len(folder) + 1:] if path.startswith(folder + "/") else None

    @staticmethod
    def under(folder: str, path: str) -> str:
        """The site path of `path`, found in an output folder that holds only the site folder `folder`."""
        return folder.strip("/") + "/" + path if folder.strip("/") else path

    @staticmethod
    def manifest(object_id: str) -> str:
        return f"{IIIF}{object_id}/manifest.json"

    @staticmethod
    def record(object_id: str) -> str:
        """The object's public fields as JSON (the manifest's seeAlso)."""
        return f"{IIIF}{object_id}/record.json"

    @staticmethod
    def record_schema() -> str:
        """The JSON Schema every record.json follows (its `profile`)."""
        return f"{IIIF}record.schema.json"

    @staticmethod
    def canvas(object_id: str, n: int) -> str:
        return f"{IIIF}{object_id}/canvas/{n}"

    @staticmethod
    def annotation_page(object_id: str, n: int, motivation: str) -> str:
        """The canvas's page of "painting" (the image) or "supplementing" (the transcript) annotations."""
        return f"{Urls.canvas(object_id, n)}/{motivation}"

    @staticmethod
    def annotation(object_id: str, n: int, motivation: str, index: int = 1) -> str:
        return f"{Urls.annotation_page(object_id, n, motivation)}/{index}"

    @staticmethod
    def image_services() -> str:
        """The folder of every image service."""
        return f"{IIIF}images/"

    @staticmethod
    def image_service(object_id: str, n: int) -> str:
        """The level-0 Image API service of scan `n`: its info.json and tiles are below it."""
        return f"{Urls.image_services()}{object_id}-{n}"

    @staticmethod
    def info_json(service: str) -> str:
        """The description (info.json) of the image service at the site path `service`."""
        return f"{service}/{IMAGE_INFO}"

    @staticmethod
    def image_request(region: str, size: str) -> str:
        """An Image API request below a service (the file level 0 serves for it): rotation 0, default
        quality, JPEG."""
        return f"{region}/{size}/0/default.jpg"

    @staticmethod
    def image_size(object_id: str, n: int, width: int, height: int) -> str:
        """One pre-made whole-image size."""
        request = Urls.image_request("full", f"{width},{height}")
        return f"{Urls.image_service(object_id, n)}/{request}"

    @staticmethod
    def image_max(object_id: str, n: int) -> str:
        """The largest whole image a service serves (`full/max`)."""
        return f"{Urls.image_service(object_id, n)}/{Urls.image_request('full', 'max')}"

    @staticmethod
    def collection() -> str:
        """The IIIF Collection of every object shown."""
        return f"{IIIF}collection.json"

    @staticmethod
    def exhibition_collection(slug: str) -> str:
        return f"{IIIF}exhibitions/{slug}.json"

    @staticmethod
    def person_collection(person_id: str) -> str:
        return f"{IIIF}people/{person_id}.json"

    # -- with the base_url ---------------------------------------------------------------------------

    def absolute(self, path: str) -> str:
        """The published address of a site path: IIIF ids, sharing images, the sitemap's own address."""
        return self.base_url + path

    def iiif_link(self, object_id: str) -> str:
        """The site path of the object's IIIF logo link: its manifest, with the manifest's published
        address as `?manifest=`, which a IIIF viewer the link is dragged onto opens."""
        manifest = self.manifest(object_id)
        return f"{manifest}?manifest={quote(self.absolute(manifest), safe='/')}"

    def canonical(self, key: str, lang: str) -> str:
        """The published address of page `key` in `lang`: canonical and alternate links, sitemap, JSON-LD."""
        return self.absolute(self.in_lang(key, lang))

    @property
    def root_path(self) -> str:
        """The server path of the site root ("/" or "/ward/"): the 404 page links from it."""
        return urlsplit(self.base_url).path or "/"

    def reserved(self) -> frozenset[str]:
        """First-level names the site itself uses, so no free page may take one."""
        paths = (self.objects(), self.people(), self.exhibitions(), self.donors(), self.search(), STATIC, ASSETS,
                 IIIF, MEDIA, PAGEFIND, self.not_found(), self.sitemap(), self.robots(), self.file(self.home()))
        return frozenset({p.split("/", 1)[0] for p in paths} | {ROOT_LANGUAGE, *self.languages})
