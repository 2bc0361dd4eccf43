"""The render stage: the exhibition website, Vietnamese at / and English at /en/, written with
Jinja2 from site_templates/ (a collection's own site_templates/ overrides any file in it).

Jinja2 and markdown-it are imported here and nowhere else. Every in-page link is relative to the
page, so the site works under any sub-path and from a USB stick; folders link to their index.html.
"""

from __future__ import annotations

import posixpath
import shutil
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
    pass_context,
    select_autoescape,
)
from markdown_it import MarkdownIt
from markupsafe import Markup

from . import pages
from .derivatives import Derivatives, ImageService
from .errors import KyvatError
from .i18n import make_translate, read_strings, to_date_text
from .model import Collection, Dimensions

BUILTIN_TEMPLATES = Path(__file__).resolve().parent / "site_templates"
# Curators write Markdown, not HTML: raw HTML in a narrative is shown as text, never run.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(["replacements", "smartquotes"])


def template_folders(collection_root: Path | None) -> list[Path]:
    """The collection's own site_templates/ first (when it has one), then kyvat's."""
    own = Path(collection_root) / "site_templates" if collection_root else None
    return ([own] if own and own.is_dir() else []) + [BUILTIN_TEMPLATES]


def make_environment(folders: list[Path]) -> Environment:
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(folder)) for folder in folders]),
        autoescape=select_autoescape(["html", "xml"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = lambda text: Markup(_MARKDOWN.render(text or ""))
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": True}
    env.globals.update(url=_url, lurl=_lurl, prefix=lambda lang: pages.LANG_PREFIX[lang], sized=make_sized,
                       death_key=pages.death_key, people_ids=pages.object_people_ids)
    return env


def make_relative(target: str, here: str) -> str:
    """The link from the page file `here` to the site path `target` (a folder gets index.html)."""
    if target == "" or target.endswith("/"):
        target += "index.html"
    return posixpath.relpath("/" + target, "/" + posixpath.dirname(here))


@pass_context
def _url(context, target: str) -> str:
    base_path = context.get("base_path")
    if base_path:  # the 404 page is served at any depth: links from the site's root path
        return base_path + (target + "index.html" if target == "" or target.endswith("/") else target)
    return make_relative(target, context["here"])


@pass_context
def _lurl(context, key: str) -> str:
    """A link to the page `key` in the current page's language."""
    return _url(context, pages.LANG_PREFIX[context["lang"]] + key)


class Sized:
    """One pre-made size of a scan: its site path and pixel size, for <img width height>."""

    def __init__(self, service: ImageService, min_width: int):
        self.path = service.size_path(min_width)
        # size_path names the size in the IIIF way, "full/{w},{h}/0/default.jpg"
        self.width, self.height = (int(v) for v in self.path.split("/full/", 1)[1].split("/", 1)[0].split(","))


def make_sized(service: ImageService, min_width: int) -> Sized:
    return Sized(service, min_width)


def make_absolute(base_url: str, key: str, lang: str) -> str:
    """The published address of a page, for sitemaps, canonical links and sharing."""
    return base_url + pages.LANG_PREFIX[lang] + key


def make_dimensions_text(dimensions: Dimensions, translate) -> str:
    parts = [f"{translate('dimension.' + name)} {_number(getattr(dimensions, name))} cm"
             for name in ("height", "width", "depth") if getattr(dimensions, name) is not None]
    if dimensions.weight is not None:
        parts.append(f"{translate('dimension.weight')} {_number(dimensions.weight)} g")
    return ", ".join(parts)


def _number(value: float) -> str:
    return f"{value:g}"


def make_context(spec: pages.PageSpec, collection: Collection, strings: dict, logo: str) -> dict[str, Any]:
    """What every template sees besides the page's own context."""
    lang = spec.lang
    translate = make_translate(strings, lang)
    base_url = collection.config.base_url
    return {
        **spec.context,
        "lang": lang,
        "key": spec.key,
        "here": spec.path,
        "indexable": spec.in_sitemap,
        "site": collection.config,
        "collection": collection,
        "logo": logo,
        "t": translate,
        "tr": lambda other, key, **fields: make_translate(strings, other)(key, **fields),
        "tx": lambda text: text.get(lang) if text else "",
        "date": lambda date: to_date_text(date, lang),
        "dimensions": lambda dims: make_dimensions_text(dims, translate),
        "absolute": lambda key, in_lang: make_absolute(base_url, key, in_lang),
        "object_jsonld": lambda obj, image: pages.make_object_jsonld(
            obj, make_absolute(base_url, spec.key, lang), base_url + image if image else "", collection, lang),
        "person_jsonld": lambda person: pages.make_person_jsonld(
            person, make_absolute(base_url, spec.key, lang), lang),
    }


def write_site(collection: Collection, site_dir: Path, images: Derivatives, *,
               collection_root: Path | None = None) -> int:
    """Render every page of the public `collection` into `site_dir`, with the static files, the
    house's logo, sitemap.xml and robots.txt. Returns the number of HTML pages written."""
    site_dir = Path(site_dir)
    folders = template_folders(collection_root)
    env = make_environment(folders)
    strings = read_strings(folders)
    logo = copy_logo(collection, collection_root, site_dir)
    specs = pages.make_pages(collection, images)
    for spec in specs:
        _write(site_dir, spec.path, _render(env, spec, make_context(spec, collection, strings, logo)))
    base = {"base_url": collection.config.base_url, "languages": collection.config.languages,
            "absolute": lambda key, lang: make_absolute(collection.config.base_url, key, lang)}
    _write(site_dir, "sitemap.xml", env.get_template("sitemap.xml").render(
        base, entries=[(spec.key, spec.lang) for spec in specs if spec.in_sitemap]))
    _write(site_dir, "robots.txt", env.get_template("robots.txt").render(base))
    copy_static(folders, site_dir)
    return len(specs)


def _render(env: Environment, spec: pages.PageSpec, context: dict[str, Any]) -> str:
    """Render one page; a template's mistake (often in a collection's own override) is reported with
    the template and line, as a KyvatError, not as a traceback from inside Jinja."""
    try:
        return env.select_template(list(spec.templates)).render(context)
    except TemplateSyntaxError as exc:
        raise KyvatError(f"template {exc.filename or exc.name}:{exc.lineno}: {exc.message}") from None
    except TemplateError as exc:
        raise KyvatError(f"rendering {spec.path} with {spec.templates[-1]}: {exc}") from None


def read_watch_state(collection_root: Path) -> tuple[tuple[str, int, int], ...]:
    """Every file the site is made from (the collection, its own templates, kyvat's templates) with
    its modification time and size: `kyvat serve` rebuilds when this changes."""
    files = []
    for folder in (Path(collection_root), BUILTIN_TEMPLATES):
        for path in sorted(folder.rglob("*")):
            if any(part.startswith(".") for part in path.relative_to(folder).parts):
                continue
            try:
                stat = path.stat()
            except FileNotFoundError:  # removed while we looked: the next look sees the change
                continue
            if path.is_file():
                files.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(files)


def copy_static(folders: list[Path], site_dir: Path) -> None:
    """kyvat's static/ first, then the collection's on top, so a collection can replace any file."""
    for folder in reversed(folders):
        static = folder / "static"
        if static.is_dir():
            shutil.copytree(static, site_dir / "static", dirs_exist_ok=True)


def copy_logo(collection: Collection, collection_root: Path | None, site_dir: Path) -> str:
    """Copy the house's logo (provider.logo, a file under assets/) and return its site path, or ""
    when there is none. A logo at another address is not used: the site makes no outside request."""
    provider = collection.config.provider
    if not provider or not provider.logo or collection_root is None or "://" in provider.logo:
        return ""
    relative = posixpath.normpath(provider.logo)
    source = Path(collection_root) / relative
    if not relative.startswith("assets/") or not source.is_file():
        return ""
    target = _inside(site_dir, relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return relative


def _inside(site_dir: Path, relative: str) -> Path:
    """`site_dir/relative`, refusing any path that would leave the site folder."""
    target = (site_dir / relative).resolve()
    if site_dir.resolve() not in target.parents:
        raise KyvatError(f"refusing to write {relative!r}: it is outside the site folder")
    return target


def _write(site_dir: Path, relative: str, text: str) -> None:
    target = _inside(site_dir, relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
