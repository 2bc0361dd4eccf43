"""The `kyvat` command: each command is a few lines that call the library and turn its errors into
messages for a person and an exit code. Click is imported here and nowhere else.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from . import catalogue
from .errors import CollectionInvalid, KyvatError, Problem
from .validate import check_collection, load_collection

EXIT_PROBLEMS = 1
EXIT_USAGE = 2

collection_option = click.option(
    "-c", "--collection", "collection", default="collection", show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The collection folder (the one holding kyvat.yaml).",
)


def _echo_problems(problems: list[Problem], err: bool = True) -> None:
    for problem in problems:
        colour = "red" if problem.is_error else "yellow"
        click.secho(str(problem), fg=colour, err=err)


def _fail(exc: Exception) -> None:
    """Print an error the library raised, for a person, and leave with a non-zero code."""
    if isinstance(exc, CollectionInvalid):
        _echo_problems(exc.details)
        errors = sum(1 for p in exc.details if p.is_error)
        click.secho(f"{errors} error(s), {len(exc.details) - errors} warning(s): nothing was written.",
                    fg="red", err=True)
    else:
        click.secho(f"error: {exc}", fg="red", err=True)
    sys.exit(EXIT_PROBLEMS)


def _load(collection: Path):
    try:
        return load_collection(collection)
    except KyvatError as exc:
        _fail(exc)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kyvat")
def main() -> None:
    """kyvat: the catalogue of a memorial house (Nhà truyền thống): keepsakes, people, scans,
    IIIF and a bilingual exhibition website."""


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--name-vi", default="Nhà truyền thống", show_default=True, help="The house's name in Vietnamese.")
@click.option("--name-en", default="Memorial House", show_default=True, help="The house's name in English.")
@click.option("--base-url", default="http://localhost:8000/", show_default=True,
              help="Where the site will be published (IIIF ids are built from it).")
@click.option("--prefix", default="AB", show_default=True, help="Letters that start every accession number.")
def init(path: Path, name_vi: str, name_en: str, base_url: str, prefix: str) -> None:
    """Create a new, empty, valid collection at PATH with a commented kyvat.yaml."""
    try:
        catalogue.write_new_collection(path, name_vi=name_vi, name_en=name_en, base_url=base_url, prefix=prefix)
    except KyvatError as exc:
        _fail(exc)
    click.echo(f"Created {path}. Next: kyvat new object -c {path} --type letter --title \"...\"")


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
            loan_until=loan_until, original_held_by=original_held_by, received=received or dt.date.today().isoformat())
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
    _, problems = check_collection(collection)
    errors = [p for p in problems if p.is_error or strict]
    if fmt == "json":
        click.echo(json.dumps({"valid": not errors, "problems": [p.as_dict() for p in problems]},
                              ensure_ascii=False, indent=2))
    else:
        _echo_problems(problems, err=False)
        summary = f"{len([p for p in problems if p.is_error])} error(s), " \
                  f"{len([p for p in problems if not p.is_error])} warning(s)"
        click.secho(("invalid: " if errors else "valid: ") + summary, fg="red" if errors else "green")
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
        click.echo(catalogue.make_record_view(loaded, record_id))
    except KyvatError as exc:
        _fail(exc)


@main.command()
@collection_option
@click.option("--due", default=30, show_default=True, type=click.IntRange(min=0),
              help="Also list loans that must go back within this many days.")
def loans(collection: Path, due: int) -> None:
    """Loans overdue and coming due, with the lender, soonest first."""
    loaded = _load(collection)
    rows = catalogue.make_loans_table(loaded, today=dt.date.today(), within_days=due)
    click.echo(catalogue.make_table(rows) if len(rows) > 1 else f"No loan is due within {due} days.")
