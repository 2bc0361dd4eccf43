"""The desk's exhibitions and free pages as forms: the front matter fields of each kind, the
Markdown bodies (`{slug}.md` in Vietnamese, the optional `{slug}.en.md` in English), and the
writes that keep the files the curator's: the front matter changed through recordedit (comments,
key order and quoting kept, atomic), the text below it replaced as text, a new file made with a
title only. No Flask here: views_narratives.py renders and receives these values.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from ..errors import N_, CatalogueError, Problem, RecordError, Value, make_params
from ..layout import EXHIBITIONS_DIR, PAGES_DIR, Layout
from ..model import Exhibition, Page, Text
from ..narratives import markdown_files, read_exhibition, read_page
from ..recordedit import write_bytes, write_edit
from ..vietnamese import make_slug
from ..yamlfile import YamlSyntaxError, make_front_matter, to_yaml
from .forms import BOOLEAN, INTEGER, LANG, LINES, Field, apply_form, read_form_values

KINDS = (EXHIBITIONS_DIR, PAGES_DIR)
_TITLE = Field("title", LANG, N_("Title"))
_ORDER = Field("order", INTEGER, N_("Order in lists and menus (a whole number, smallest first)"))
FIELDS: dict[str, tuple[Field, ...]] = {
    EXHIBITIONS_DIR: (_TITLE, Field("summary", LANG, N_("Summary")),
                      Field("objects", LINES, N_("Objects shown, one id a line, in display order")),
                      _ORDER, Field("featured", BOOLEAN, N_("Shown on the home page"))),
    PAGES_DIR: (_TITLE, _ORDER),
}


@dataclass
class NarrativeFile:
    """One exhibition or page as the desk edits it."""

    kind: str
    slug: str
    path: Path
    en_path: Path
    values: dict[str, Any] = field(default_factory=dict)  # the form's values of the front matter
    body: Text = Text()  # as written, without the blank lines around it
    narrative: Exhibition | Page | None = None  # as the build reads it (None: it cannot)
    problems: list[Problem] = field(default_factory=list)  # what reading it found
    en_title: str = ""  # the title `{slug}.en.md` gives, if any


def read_narrative(root: Path, kind: str, slug: str) -> NarrativeFile:
    where = Layout.of(root)
    path, en_path = where.narrative(kind, slug), where.narrative(kind, slug, "en")
    found = NarrativeFile(kind, slug, path, en_path)
    reader = read_exhibition if kind == EXHIBITIONS_DIR else read_page
    found.narrative = reader(root, path, found.problems)
    if found.narrative is not None:  # its front matter is a map: the build has read it
        found.values = read_form_values(_front_matter(path, where.relative(path)).meta, FIELDS[kind])
        found.body = found.narrative.body
        try:
            en_meta = _front_matter(en_path, where.relative(en_path)).meta if en_path.is_file() else {}
        except RecordError:  # named among the problems
            en_meta = {}
        found.en_title = str(en_meta.get("title") or "").strip() if isinstance(en_meta, Mapping) else ""
    return found


def list_narratives(root: Path, kind: str) -> list[NarrativeFile]:
    """Every exhibition or page (`kind`), by their order then slug; one that cannot be read too."""
    folder = Layout.of(root).exhibitions if kind == EXHIBITIONS_DIR else Layout.of(root).pages
    files = markdown_files(folder)  # the reader's own list: a {slug}.en.md is not one of them
    found = [read_narrative(root, kind, p.stem) for p in files]
    return sorted(found, key=lambda n: (n.narrative.order if n.narrative else 0, n.slug))


def with_bodies(narrative: Exhibition | Page, vi: str, en: str) -> Exhibition | Page:
    """The narrative with the bodies being written in place of the saved ones (for its checks)."""
    return dataclasses.replace(narrative, body=Text(vi=to_body(vi), en=to_body(en)))


def to_body(text: str) -> str:
    """A body sent from a form: the browser's line ends made the file's, the blank lines around it gone."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def write_narrative(root: Path, kind: str, slug: str, values: Mapping[str, Any], vi: str, en: str) -> list[Path]:
    """Save the form of an exhibition or page: the front matter fields that changed (through
    recordedit), and each body that changed, replaced as text. Returns the files written."""
    where = Layout.of(root)
    path, en_path = where.narrative(kind, slug), where.narrative(kind, slug, "en")
    rel = where.relative(path)
    fields = FIELDS[kind]
    _check_values(values, rel)
    head = _front_matter(path, rel)
    written = []
    new_vi = _body_text(head.body, to_body(vi))
    if apply_form(dict(head.meta), values, fields, kind):  # the build's view, thrown away: what changes
        write_edit(path, rel, lambda data: apply_form(data, values, fields, kind), root=root, body=new_vi)
        written.append(path)
    elif new_vi != head.body:
        _write_body(path, rel, new_vi)
        written.append(path)
    en_old = _front_matter(en_path, where.relative(en_path)).body if en_path.is_file() else ""
    new_en = _body_text(en_old, to_body(en))
    if new_en != en_old:
        _write_body(en_path, where.relative(en_path), new_en)
        written.append(en_path)
    return written


def write_new_narrative(root: Path, kind: str, title: str) -> str:
    """A new exhibition or page `{slug}.md` whose front matter holds only its title; returns the
    slug, made from the title."""
    where = Layout.of(root)
    title = (title or "").strip()
    slug = make_slug(title)
    if not slug:
        raise CatalogueError(N_("expected a title with letters or digits, found '{title}'"), "title",
                             params=make_params(title=Value(title)))
    path = where.narrative(kind, slug)
    if path.exists() or where.narrative(kind, slug, "en").exists():
        raise CatalogueError(N_("expected a title whose file name no other has, found '{title}' ({file} "
                                "exists)"), "title", params=make_params(title=Value(title), file=where.relative(path)))
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes(path, ("---\n" + to_yaml({"title": title}) + "---\n").encode("utf-8"))
    return slug


# -- helpers -----------------------------------------------------------------------------------------


def _check_values(values: Mapping[str, Any], rel: str) -> None:
    """What the build would refuse, refused before anything is written."""
    title = values.get("title")
    if isinstance(title, Mapping) and not (title.get("vi") or "").strip():
        raise RecordError(rel, "title", N_("a title in Vietnamese"), N_("nothing"))
    order = (values.get("order") or "").strip()
    if order and not order.lstrip("-").isdigit():
        raise RecordError(rel, "order", N_("a whole number"), N_("'{value}'"), params=make_params(value=Value(order)))


def _front_matter(path: Path, rel: str):
    """The file's front matter and body (make_front_matter), or the error that names the slip."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise RecordError(rel, "", N_("UTF-8 text"), N_("other bytes; nothing was changed")) from None
    try:
        return make_front_matter(text.removeprefix("\ufeff").replace("\r\n", "\n"))
    except YamlSyntaxError as exc:
        raise RecordError(rel, "", N_("valid YAML front matter between '---' lines"), exc.said, exc.line,
                          params=exc.params) from None


def _body_text(old: str, new: str) -> str:
    """The text below the front matter for the body `new`: `old` itself when it says the same,
    else `new` after the blank lines `old` began with."""
    if to_body(old) == new:
        return old
    return old[:len(old) - len(old.lstrip())] + new + "\n" if new else ""


def _write_body(path: Path, rel: str, body: str) -> None:
    """Replace the text below the front matter (all of a file without one) by `body`, keeping the
    front matter's bytes, the byte-order mark and the line ends; a new file is the body alone."""
    raw = path.read_bytes() if path.is_file() else b""
    text = raw.decode("utf-8", errors="strict") if raw else ""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    newline = "\r\n" if "\r\n" in text else "\n"
    text = text.removeprefix(bom).replace("\r\n", "\n")
    lines = text.splitlines(keepends=True)
    head = "".join(lines[:_front_matter(path, rel).body_line - 1]) if raw else ""
    write_bytes(path, (bom + (head + body).replace("\n", newline)).encode("utf-8"))
