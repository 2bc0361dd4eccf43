"""Exhibitions and free pages: Markdown with YAML front matter, Vietnamese in `{slug}.md` and English
in an optional `{slug}.en.md` beside it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import Problem
from .fields import FieldReader, read_text_file, rel_path
from .model import Exhibition, Page, Source, Text
from .yamlfile import LineDict, YamlSyntaxError, make_front_matter

EXHIBITION_KEYS = ("title", "summary", "objects", "order", "featured")
PAGE_KEYS = ("title", "order")


def _read_markdown(root: Path, path: Path, keys: tuple[str, ...], problems: list[Problem]):
    rel = rel_path(root, path)
    text = read_text_file(path, rel, problems)
    if text is None:
        return None
    try:
        doc = make_front_matter(text)
    except YamlSyntaxError as exc:
        problems.append(Problem(rel, "", "valid YAML front matter between '---' lines", exc.message, exc.line))
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
    body = doc.body
    r.lines["body"] = doc.body_line + body[: len(body) - len(body.lstrip())].count("\n")
    en_path = path.with_name(path.stem + ".en.md")
    en_body, en_meta = "", LineDict()
    if en_path.is_file():
        en = _read_markdown(root, en_path, ("title", "summary"), problems)
        if en is not None:
            en_body, en_meta = en[1].body.strip(), en[1].meta
    for key in ("title",):
        if key not in doc.meta:
            r.problem(key, "a value (required)", "no such key", 1)
    return r, doc.meta, Text(vi=doc.body.strip(), en=en_body), en_meta


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
    return sorted(p for p in folder.glob("*.md") if not p.name.endswith(".en.md"))
