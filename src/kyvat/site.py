"""The render stage: the exhibition website, Vietnamese at / and English at /en/, written with
Jinja2 from site_templates/ (a collection's own site_templates/ overrides any file in it).

Jinja2 and markdown-it are imported here and nowhere else. Every in-page link is relative to the
page, so the site works under any sub-path and from a USB stick; folders link to their index.html.
"""

from __future__ import annotations

import functools
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

from . import derivatives, errors, pagekeys, pages
from .derivatives import Derivatives, ImageService
from .errors import N_, KyvatError, make_params
from .i18n import Words, read_words, to_date_text, to_dimensions_text, to_place_text
from .layout import BUILTIN_TEMPLATES, SCAFFOLDS, Layout, refused
from .model import Collection
from .stages import BuildContext, Stage, StageReport
from .tiles import PUBLIC_IMAGE_SUFFIXES, write_public_image
from .urls import Urls, make_href
from .yamlfile import to_yaml_scalar

# Curators write Markdown, not HTML: raw HTML in a narrative is shown as text, never run.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(["replacements", "smartquotes"])


def to_markdown_html(text: str) -> str:
    """A curator's Markdown as the site shows it (the desk's preview uses the same renderer)."""
    return _MARKDOWN.render(text or "")


def template_folders(collection_root: Path | None) -> list[Path]:
    """The collection's own site_templates/ first (when it has one), then kyvat's."""
    own = Layout.of(collection_root).templates if collection_root else None
    return ([own] if own and own.is_dir() else []) + [BUILTIN_TEMPLATES]


class _OwnTemplates(FileSystemLoader):
    """A collection's own templates (its site_templates/, at its top), read by the masters' rule: a
    template that is a symbolic link, or is reached through one, is refused (layout.refused):
    rendered, it could publish any file on the computer."""

    def __init__(self, folder: Path):
        super().__init__(str(folder))
        self.root = folder.parent

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        reason = refused(Path(filename), self.root)
        if reason:
            raise KyvatError(N_("{path}: cannot be published: {reason}"),
                             params=make_params(path=Layout.of(self.root).relative(Path(filename)),
                                                reason=errors.Words(reason)))
        return source, filename, uptodate


def make_environment(folders: list[Path]) -> Environment:
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(folder)) if folder == BUILTIN_TEMPLATES else _OwnTemplates(folder)
                             for folder in folders]),
        autoescape=select_autoescape(["html", "xml"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = lambda text: Markup(to_markdown_html(text))
    env.filters["href"] = make_href  # every link a template writes that url()/lurl() did not make
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": True}
    env.globals.update(url=_url, lurl=_lurl, sized=make_sized,
                       death_key=pages.death_key, people_ids=pages.object_people_ids)
    return env


@functools.cache
def _scaffolds() -> Environment:
    # YAML, not HTML: nothing is escaped, and every free text goes through the `yaml` filter instead
    env = Environment(loader=FileSystemLoader(str(SCAFFOLDS)), autoescape=False, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["yaml"] = to_yaml_scalar
    return env


def make_scaffold_text(template: str, /, **values: str) -> str:
    """The commented record scaffolds/`template` filled with `values`, for `kyvat init` and `kyvat
    new` (here because Jinja2 lives in this module)."""
    return _scaffolds().get_template(template).render(**values)


@pass_context
def _url(context, target: str) -> str:
    base_path = context.get("base_path")
    if base_path:  # the 404 page is served at any depth: links from the site's root path
        return make_href(Urls.from_root(target, base_path))
    return make_href(Urls.relative(target, context["here"]))


@pass_context
def _lurl(context, key: str) -> str:
    """A link to the page `key` in the current page's language."""
    return _url(context, Urls.in_lang(key, context["lang"]))


class Sized:
    """One pre-made size of a scan: its site path and pixel size, for <img width height>."""

    def __init__(self, service: ImageService, min_width: int):
        self.path = service.size_path(min_width)
        self.width, self.height = service.size(min_width)


def make_sized(service: ImageService, min_width: int) -> Sized:
    return Sized(service, min_width)


def make_context(spec: pages.PageSpec, collection: Collection, words: Words, logo: str,
                 urls: Urls) -> dict[str, Any]:
    """What every template sees besides the page's own context; every address comes from `urls`."""
    lang = spec.lang
    translate = words.translate(lang)
    return {
        **spec.context,
        "lang": lang,
        "key": spec.key,
        "here": spec.path,
        "indexable": spec.in_sitemap,
        "site": collection.config,
        "collection": collection,
        "logo": logo,
        "urls": urls,
        "t": translate,
        "tr": lambda other, key, **fields: words.translate(other)(key, **fields),
        # the browser search script's words (search.*), for its JSON island
        "script_words": lambda: words.for_script(lang),
        "tx": lambda text: text.get(lang) if text else "",
        "date": lambda date: to_date_text(date, lang, words),
        "dimensions": lambda dims: to_dimensions_text(dims, lang, words),
        "place_text": lambda place: to_place_text(place, lang, words),
        "object_jsonld": lambda obj, image: pages.make_object_jsonld(
            obj, urls.canonical(spec.key, lang), urls.absolute(image) if image else "", collection, lang),
        "person_jsonld": lambda person: pages.make_person_jsonld(person, urls.canonical(spec.key, lang), lang),
    }


def write_site(collection: Collection, site_dir: Path, images: Derivatives, *,
               collection_root: Path | None = None, words: Words | None = None, urls: Urls | None = None,
               old_site: Path | None = None, shared: tuple[str, dict] | None = None,
               old_keys: dict | None = None, keys: dict | None = None) -> int:
    """Render every page of the public `collection` into `site_dir`, with the static files, the
    house's logo, sitemap.xml and robots.txt. Returns the number of HTML pages written. The words
    and the URL map are read from the collection unless the build gives them. Given `shared` (what
    every page is made from besides its context, and the digests of the values keyed so far, as
    pagekeys.read_shared gives them), a page of `old_site` made of the same (its key in `old_keys`)
    is hard-linked, not rendered again; the pages' keys go into `keys`."""
    site_dir = Path(site_dir)
    folders = template_folders(collection_root)
    env = make_environment(folders)
    words = words or read_words(collection_root)
    logo = copy_logo(collection, collection_root, site_dir)
    specs = pages.make_pages(collection, images)
    urls = urls or Urls.of(collection.config)
    made = pagekeys.make_page_keys(specs, collection, folders, *shared) if shared else {}
    for spec in specs:
        if not pagekeys.link_unchanged(old_site, spec.path, _inside(site_dir, spec.path), made, old_keys or {}):
            _write(site_dir, spec.path, _render(env, spec, make_context(spec, collection, words, logo, urls)))
    if keys is not None:
        keys.update(made)
    _write(site_dir, urls.sitemap(), env.get_template("sitemap.xml").render(
        urls=urls, languages=collection.config.languages,
        entries=[(spec.key, spec.lang) for spec in specs if spec.in_sitemap]))
    _write(site_dir, urls.robots(), env.get_template("robots.txt").render(urls=urls))
    copy_static(folders, site_dir, collection_root)
    return len(specs)


def _render(env: Environment, spec: pages.PageSpec, context: dict[str, Any]) -> str:
    """Render one page; a template's mistake (often in a collection's own override) is reported with
    the template and line, as a KyvatError, not as a traceback from inside Jinja."""
    try:
        return env.select_template(list(spec.templates)).render(context)
    except TemplateSyntaxError as exc:
        raise KyvatError(N_("template {template}:{line}: {reason}"), params=make_params(
            template=exc.filename or exc.name, line=exc.lineno, reason=exc.message)) from None
    except TemplateError as exc:
        raise KyvatError(N_("rendering {page} with {template}: {reason}"),
                         params=make_params(page=spec.path, template=spec.templates[-1], reason=exc)) from None


def copy_static(folders: list[Path], site_dir: Path, collection_root: Path | None = None) -> None:
    """kyvat's static/ first, then the collection's on top, so a collection can replace any file;
    the collection's own files as publish_file copies them."""
    for folder in reversed(folders):
        static = folder / "static"
        if folder == BUILTIN_TEMPLATES or collection_root is None:
            shutil.copytree(static, site_dir / Urls.static(""), dirs_exist_ok=True)
            continue
        for source in sorted(static.rglob("*")) if static.is_dir() else []:
            if source.is_symlink() or source.is_file():
                publish_file(collection_root, source, site_dir / Urls.static(source.relative_to(static).as_posix()))


def publish_file(collection_root: Path, source: Path, target: Path) -> None:
    """Copy one of the collection's own files (its logo, a static file of its site_templates/) into
    the site: refused when it is a link or leads out of the collection (layout.refused, the masters'
    rule), and a picture written again without its metadata (tiles.write_public_image)."""
    where = Layout.of(collection_root)
    reason = refused(source, where.root)
    if reason:
        raise KyvatError(N_("{path}: cannot be published: {reason}"),
                         params=make_params(path=where.relative(source), reason=errors.Words(reason)))
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.suffix.lower() not in PUBLIC_IMAGE_SUFFIXES:
        shutil.copyfile(source, target)
        return
    try:
        write_public_image(source, target)
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise KyvatError(N_("{path}: cannot be published: not a readable image ({error})"),
                         params=make_params(path=where.relative(source), error=exc)) from None


def copy_logo(collection: Collection, collection_root: Path | None, site_dir: Path) -> str:
    """Copy the house's logo (provider.logo, a file under assets/) and return its site path, or ""
    when there is none. A logo at another address is not used: the site makes no outside request."""
    provider = collection.config.provider
    if not provider or not provider.logo or collection_root is None or "://" in provider.logo:
        return ""
    where = Layout.of(collection_root)
    source = where.root / posixpath.normpath(provider.logo)
    if where.assets not in source.parents or not (source.is_file() or source.is_symlink()):
        return ""
    site_path = Urls.asset(source.relative_to(where.assets).as_posix())
    publish_file(collection_root, source, _inside(site_dir, site_path))
    return site_path


def _inside(site_dir: Path, relative: str) -> Path:
    """`site_dir/relative`, refusing any path that would leave the site folder (Urls.clean). The
    folder being built holds no link (the old site's image services are shared only at the swap,
    output.share_folder): the path says where it leads, with no system call a page."""
    clean = Urls.clean(relative)
    if not clean:
        raise KyvatError(N_("refusing to write {path}: it is outside the site folder"),
                         params=make_params(path=repr(relative)))  # repr: a curator's path, quoted as Python does
    return Path(site_dir) / clean


def _write(site_dir: Path, relative: str, text: str) -> None:
    target = _inside(site_dir, relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


class SiteStage(Stage):
    """The HTML pages in every language, sitemap, robots.txt, static files and the house's logo:
    every site file no other stage claims."""

    name = "site"
    outputs = ("*",)

    def run(self, context: BuildContext) -> StageReport:
        images, problems = derivatives.published(context)
        keys: dict[str, str] = {}
        pages = write_site(context.public, context.path(""), images, collection_root=context.root,
                           words=context.words, urls=context.urls, old_site=context.previous,
                           shared=pagekeys.read_shared(context.values, context.public, context.root), keys=keys,
                           old_keys=pagekeys.previous_keys(context.values, "pages"))
        pagekeys.note_keys(context.values, "pages", keys)
        return StageReport(self.name, counts={"pages": pages}, problems=problems)


STAGE = SiteStage()
