"""Published addresses that moved: redirects.yaml, and the build stage that leaves a small page at
each old address leading on to the new one, so a link printed in a leaflet years ago never breaks.

`kyvat rename person` and `kyvat merge person` (curation.py) write the file; a curator may too:

    people:
      nguyen-van-a: nguyen-van-b   # the old id: the id the person has now
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from . import site
from .errors import Problem, make_params
from .fields import FieldReader, read_yaml_file
from .layout import REDIRECTS_FILE, Layout
from .messages import N_
from .model import Collection, Redirect
from .stages import BuildContext, Stage, StageReport
from .urls import Urls

KINDS = ("people",)  # the pages that can move: people's (ids of objects never change)
TEMPLATE = "redirect.html"


def read_redirects(root: Path, problems: list[Problem]) -> tuple[Redirect, ...]:
    """The moved addresses in redirects.yaml, in its order (none when there is no such file)."""
    path = Layout.of(root).redirects
    if not path.is_file():
        return ()
    data = read_yaml_file(path, REDIRECTS_FILE, problems)
    r = FieldReader(REDIRECTS_FILE, problems)
    if data is None or r.mapping(data, "", 1, KINDS) is None or data.get("people") is None:
        return ()
    people = data["people"]
    if r.mapping(people, "people", r.line_of(data, "people"), tuple(people) if isinstance(people, dict) else ()) \
            is None:
        return ()
    found = []
    for old, new in people.items():
        line = r.line_of(people, old)
        new_id = r.string(new, f"people.{old}", line)
        if new_id:
            found.append(Redirect(str(old), new_id, line))
    return tuple(found)


def make_redirect_problems(collection: Collection) -> list[Problem]:
    """A redirect must lead to a person, and must not hide one: an old address that is a person's
    page again would show either the page or the way on, never both."""
    problems = []
    people = {p.id for p in collection.people}
    known = people | set(collection.unreadable)
    for redirect in collection.redirects:
        field = f"people.{redirect.old}"
        if redirect.new not in known:
            close = difflib.get_close_matches(redirect.new, sorted(people), n=1, cutoff=0.6)
            problems.append(Problem(REDIRECTS_FILE, field, N_("the id a person has now (a file in people/)"),
                                    N_("'{new}', which no person has"), redirect.line,
                                    hint=N_("did you mean '{close}'?") if close else "",
                                    params=make_params(new=redirect.new, close=close[0] if close else "")))
        if redirect.old in known:
            problems.append(Problem(REDIRECTS_FILE, field, N_("an old id that no person has any more"),
                                    N_("'{old}', the id of people/{old}.yaml"), redirect.line,
                                    hint=N_("a published address keeps its meaning: give that person another id"),
                                    params=make_params(old=redirect.old)))
    return problems


@dataclass(frozen=True)
class RedirectPage:
    """The page at the old address `key` in `lang`, leading to the page `target` of the person `name`."""

    key: str
    target: str
    lang: str
    name: str

    @property
    def path(self) -> str:
        return Urls.file(Urls.in_lang(self.key, self.lang))


def make_redirect_pages(public: Collection) -> list[RedirectPage]:
    """Every redirect page of the public collection, in every language of the site. Only the
    redirects to a published person are in it (privacy.to_public)."""
    pages = []
    for redirect in public.redirects:
        person = public.person(redirect.new)
        if person is None:
            continue
        for lang in public.config.languages:
            pages.append(RedirectPage(Urls.person(redirect.old), Urls.person(redirect.new), lang, person.name))
    return pages


class RedirectStage(Stage):
    """A page at each old address of a renamed or merged person: it sends the browser on at once
    (meta refresh) and links to the new page; not in the sitemap, not searched, not indexed."""

    name = "redirects"

    def outputs_of(self, public: Collection | None) -> tuple[str, ...]:
        # among the site stage's pages, so each is named exactly: the ones this collection has
        return tuple(page.path for page in make_redirect_pages(public)) if public is not None else ()

    def run(self, context: BuildContext) -> StageReport:
        pages = make_redirect_pages(context.public)
        if not pages:
            return StageReport(self.name, counts={"redirects": 0})
        template = site.make_environment(site.template_folders(context.root)).get_template(TEMPLATE)
        for page in pages:
            target = Urls.in_lang(page.target, page.lang)
            text = template.render(lang=page.lang, t=context.words.translate(page.lang), name=page.name,
                                   href=Urls.relative(target, page.path),
                                   canonical=context.urls.canonical(page.target, page.lang))
            out = context.path(page.path)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")
        return StageReport(self.name, counts={"redirects": len(pages)})


STAGE = RedirectStage()
