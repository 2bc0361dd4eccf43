"""Exhibitions and free pages: Markdown with YAML front matter, Vietnamese in `{slug}.md` and English
in an optional `{slug}.en.md` beside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import layout
from .errors import Problem
from .fields import FieldReader, is_refused, read_text_file, rel_path
from .messages import N_
from .model import Exhibition, Page, Source, Text
from .yamlfile import LineDict, YamlSyntaxError, make_front_matter

EXHIBITION_KEYS = ("title", "summary", "objects", "order", "featured")
PAGE_KEYS = ("title", "order")
# `{{object ID}}` alone on its line embeds an object in an exhibition. Only spaces and tabs may
# surround it: a `\s` there would reach into the blank line before and name the wrong line.
_EMBED = re.compile(r"^[ \t]*\{\{\s*object\s+([^\s}]+)\s*\}\}[ \t]*$", re.MULTILINE)
EMBED_KINDS = ("object",)
# Anything written like an embed, `{{word …}}`, anywhere in a line. What is not an embed above
# would be printed as it is on the public page, so validate names it.
_EMBED_LIKE = re.compile(r"\{\{[ \t]*([^\s{}]*)[^{}\n]*\}\}")


@dataclass(frozen=True)
class Embed:
    """One `{{object ID}}` line of a Markdown body."""

    object_id: str
    line: int  # 1-based, counted from `first_line` given to make_embeds
    start: int  # offsets of the whole line in the body, for cutting it out
    end: int


def make_embeds(body: str, first_line: int = 1) -> list[Embed]:
    """The object embeds of `body` in order; `first_line` is the line of the body's first character
    in its file, so each embed's line is its own line there."""
    return [Embed(m[1], first_line + body.count("\n", 0, m.start()), m.start(), m.end())
            for m in _EMBED.finditer(body)]


@dataclass(frozen=True)
class EmbedMistake:
    """Text written like an embed that no page would show as one (an exhibition's embed that is
    not `{{object ID}}` alone on its line, or any embed in a free page)."""

    path: str  # the file it is written in
    line: int
    text: str  # as written, e.g. "{{objekt AB-2026-0001}}"
    word: str  # the word after "{{", e.g. "objekt"
    alone: bool  # alone on its line


def make_exhibition_embeds(exhibition: Exhibition) -> list[tuple[str, Embed]]:
    """Every embed of an exhibition with the file it is written in: `{slug}.md`, then `{slug}.en.md`."""
    return [(path, e) for path, body, first_line in _bodies(exhibition) for e in make_embeds(body, first_line)]


def make_embed_mistakes(narrative: Exhibition | Page) -> list[EmbedMistake]:
    """Every `{{…}}` of an exhibition that is not an embed, and every one of a page (pages show no
    embeds), in the order of their files and lines."""
    mistakes = []
    for path, body, first_line in _bodies(narrative):
        embedded = set() if isinstance(narrative, Page) else {e.start for e in make_embeds(body)}
        for m in _EMBED_LIKE.finditer(body):
            start = body.rfind("\n", 0, m.start()) + 1
            if start in embedded:  # an embed is alone on its line: this is it
                continue
            end = body.find("\n", m.end())
            rest = body[start:m.start()] + body[m.end():end if end >= 0 else len(body)]
            mistakes.append(EmbedMistake(path, first_line + body.count("\n", 0, m.start()), m[0], m[1],
                                         not rest.strip()))
    return mistakes


def _bodies(narrative: Exhibition | Page) -> list[tuple[str, str, int]]:
    """(file, body, line of the body's first character) for `{slug}.md` and `{slug}.en.md`."""
    src = narrative.source
    return [(src.path, narrative.body.vi, src.line("body") or 1),
            (layout.english_narrative(src.path), narrative.body.en, src.lines.get(_EN_BODY, 1))]


def to_prose(body: str) -> str:
    """`body` without its embed lines, which say nothing a visitor would search for."""
    parts, position = [], 0
    for embed in make_embeds(body):
        parts.append(body[position:embed.start])
        position = embed.end
    return "".join(parts) + body[position:]


# The line of the English body, in `{slug}.en.md` (not in the Source's own file).
_EN_BODY = "body@en"


def _read_markdown(root: Path, path: Path, keys: tuple[str, ...], problems: list[Problem]):
    rel = rel_path(root, path)
    if is_refused(root, path, rel, problems):
        return None
    text = read_text_file(path, rel, problems)
    if text is None:
        return None
    try:
        doc = make_front_matter(text)
    except YamlSyntaxError as exc:
        problems.append(Problem(rel, "", N_("valid YAML front matter between '---' lines"), exc.said, exc.line,
                                hint=exc.fix_said, params=exc.params))
        return None
    r = FieldReader(rel, problems)
    if r.mapping(doc.meta, "", 1, keys) is None:
        return None
    return r, doc


def _read_narrative(root: Path, path: Path, keys: tuple[str, ...], problems: list[Problem]):
    """Read `{slug}.md` and its optional `{slug}.en.md`; returns (reader, meta, body Text, english meta)."""
    vi = _read_markdown(root, path, keys, problems)
    if vi is None:
        return None
    r, doc = vi
    r.lines["body"] = _first_line(doc)
    en_path = path.with_name(layout.english_narrative(path.name))
    en_body, en_meta = "", LineDict()
    if en_path.is_file():
        en = _read_markdown(root, en_path, ("title", "summary"), problems)
        if en is not None:
            en_body, en_meta = en[1].body.strip(), en[1].meta
            r.lines[_EN_BODY] = _first_line(en[1])
    for key in ("title",):
        if key not in doc.meta:
            r.problem(key, N_("a value (required)"), N_("no such key"), 1)
    return r, doc.meta, Text(vi=doc.body.strip(), en=en_body), en_meta


def _first_line(doc) -> int:
    """The line of the body's first non-blank character: bodies are kept stripped."""
    body = doc.body
    return doc.body_line + body[: len(body) - len(body.lstrip())].count("\n")


def _merged_text(r: FieldReader, meta: Any, en_meta: Any, key: str) -> Text:
    text = r.text(meta.get(key), key, r.line_of(meta, key))
    if en_meta.get(key) and not text.en:
        text = Text(vi=text.vi, en=str(en_meta[key]).strip())
    return text


def read_exhibition(root: Path, path: Path, problems: list[Problem]) -> Exhibition | None:
    read = _read_narrative(root, path, EXHIBITION_KEYS, problems)
    if read is None:
        return None
    r, meta, body, en_meta = read
    return Exhibition(
        slug=path.stem,
        title=_merged_text(r, meta, en_meta, "title"),
        source=Source(r.path, dict(r.lines)),
        summary=_merged_text(r, meta, en_meta, "summary"),
        objects=r.strings(meta, "objects", "objects"),
        order=r.integer(meta.get("order"), "order", r.line_of(meta, "order"), 0),
        featured=r.boolean(meta.get("featured"), "featured", r.line_of(meta, "featured"), False),
        body=body,
    )


def read_page(root: Path, path: Path, problems: list[Problem]) -> Page | None:
    read = _read_narrative(root, path, PAGE_KEYS, problems)
    if read is None:
        return None
    r, meta, body, en_meta = read
    return Page(slug=path.stem, title=_merged_text(r, meta, en_meta, "title"), source=Source(r.path, dict(r.lines)),
                body=body, order=r.integer(meta.get("order"), "order", r.line_of(meta, "order"), 0))


def markdown_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*" + layout.NARRATIVE_SUFFIX)
                  if not p.name.endswith(layout.ENGLISH_NARRATIVE_SUFFIX))
