"""Commands that start a collection, add records and show them: init, new, validate, list, show.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .. import catalogue, media
from ..errors import KyvatError
from ..i18n import read_words
from ..messages import _, to_words_text
from ..validate import check_collection
from .base import (
    EXIT_PROBLEMS, _echo_problems, _fail, _load, _today,
    collection_option, main,
)


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--name-vi", default="Nhà truyền thống", show_default=True, help="The house's name in Vietnamese.")
@click.option("--name-en", default="Memorial House", show_default=True, help="The house's name in English.")
@click.option("--base-url", default="http://localhost:8000/", show_default=True,
              help="Where the site will be published (IIIF ids are built from it).")
@click.option("--prefix", default="AB", show_default=True, help="Letters that start every accession number.")
@click.option("--git/--no-git", "use_git", default=None,
              help="Make the collection a git repository, so each save is kept and can be undone (asked if not given).")
def init(path: Path, name_vi: str, name_en: str, base_url: str, prefix: str, use_git: bool | None) -> None:
    """Create a new, empty, valid collection at PATH with a commented kyvat.yaml."""
    if use_git is None:  # asked only of a person at a terminal; a script gets today's plain folder
        use_git = sys.stdin.isatty() and click.confirm(
            _("Keep the collection's history with git (each save kept, and can be undone)?"), default=True)
    try:
        catalogue.write_new_collection(path, name_vi=name_vi, name_en=name_en, base_url=base_url, prefix=prefix,
                                       git=use_git)
    except KyvatError as exc:
        _fail(exc)
    click.echo(_("Created {path}. Next: kyvat new object -c {path} --type letter --title \"...\"").format(path=path))


@main.group()
def new() -> None:
    """Add a new object or person as a commented record to finish by hand."""


@new.command("object")
@collection_option
@click.option("--type", "object_type", required=True, help="letter, diary, photograph, certificate, document, "
              "uniform, medal, personal_item, weapon_part, audio, video or other.")
@click.option("--title", required=True, help="The title in Vietnamese.")
@click.option("--title-en", default="", help="The title in English.")
@click.option("--method", type=click.Choice(["gift", "loan", "copy"]), default="gift", show_default=True,
              help="How the house receives it: gift (hiến tặng), loan (mượn), copy (sao chụp).")
@click.option("--donor", default="", help="Person id of the giver, lender or family (see 'kyvat list people').")
@click.option("--loan-until", default="", help="For a loan: the day it must go back, YYYY-MM-DD.")
@click.option("--original-held-by", default="", help="For a copy: who keeps the original.")
@click.option("--date", "received", default="", help="The day it was received, YYYY-MM-DD (default today).")
def new_object(collection: Path, object_type: str, title: str, title_en: str, method: str, donor: str,
               loan_until: str, original_held_by: str, received: str) -> None:
    """Give the next accession number and write objects/ID/record.yaml."""
    try:
        path = catalogue.write_new_object(
            collection, object_type=object_type, title=title, title_en=title_en, method=method, donor=donor,
            loan_until=loan_until, original_held_by=original_held_by, received=received or _today().isoformat())
    except KyvatError as exc:
        _fail(exc)
    click.echo(f"{path.parent.name}\t{path}")


@new.command("person")
@collection_option
@click.option("--kind", required=True, type=click.Choice(["martyr", "veteran", "relative", "donor", "witness"]),
              help="What the person is to the house.")
@click.option("--name", required=True, help="Full name as the family writes it, with its diacritics.")
def new_person(collection: Path, kind: str, name: str) -> None:
    """Write people/SLUG.yaml, the slug made from the name without diacritics and unique."""
    try:
        path = catalogue.write_new_person(collection, kind=kind, name=name)
    except KyvatError as exc:
        _fail(exc)
    click.echo(f"{path.stem}\t{path}")


@main.command()
@collection_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for a person, json for a program.")
@click.option("--strict", is_flag=True, help="Treat warnings (such as loans past due) as errors.")
def validate(collection: Path, fmt: str, strict: bool) -> None:
    """Check every record and report every problem at once."""
    problems = check_collection(collection, _today())[1]  # `_` is gettext's here
    errors = [p for p in problems if p.is_error or strict]
    if fmt == "json":
        click.echo(json.dumps({"valid": not errors, "problems": [p.as_dict() for p in problems]},
                              ensure_ascii=False, indent=2))
    else:
        _echo_problems(problems, err=False)
        summary = _("{errors} error(s), {warnings} warning(s)").format(
            errors=len([p for p in problems if p.is_error]), warnings=len([p for p in problems if not p.is_error]))
        click.secho((_("invalid: ") if errors else _("valid: ")) + summary, fg="red" if errors else "green")
    if errors:
        sys.exit(EXIT_PROBLEMS)


@main.command("list")
@collection_option
@click.argument("what", type=click.Choice(["objects", "people"]), default="objects")
@click.option("--type", "object_type", default=None, help="Only objects of this type.")
@click.option("--method", default=None, type=click.Choice(["gift", "loan", "copy"]), help="Only this acquisition.")
@click.option("--person", default=None, help="Only objects linked to this person id.")
def list_(collection: Path, what: str, object_type: str | None, method: str | None, person: str | None) -> None:
    """A table of the objects (or people) in the collection."""
    loaded = _load(collection)
    if what == "people":
        rows = catalogue.make_people_table(loaded)
    else:
        rows = catalogue.make_object_table(loaded, object_type=object_type, method=method, person=person)
    click.echo(catalogue.make_table(rows))


@main.command()
@collection_option
@click.argument("record_id")
def show(collection: Path, record_id: str) -> None:
    """Everything the catalogue holds on one object or person (private fields included)."""
    loaded = _load(collection)
    try:
        click.echo(catalogue.make_record_view(loaded, record_id, read_words(collection)))
    except KyvatError as exc:
        _fail(exc)
    for line in media.read_scan_lines(loaded, record_id):
        click.echo(to_words_text(line))
