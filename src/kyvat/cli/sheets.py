"""`kyvat import` and `kyvat export`: a ward office's spreadsheet of people in, and back out."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import importer, objectsheet, spreadsheet
from ..errors import KyvatError
from ..messages import _
from .base import EXIT_PROBLEMS, _echo_problems, _fail, _group_collection, _load, collection_option, main

KIND = click.Choice([*importer.KINDS, "object"])  # object: a list of keepsakes, not of people


@main.command("import")
@collection_option
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--kind", type=KIND, default="martyr", show_default=True,
              help="What the people of the list are, for rows with no column saying it; "
                   "object: a list of keepsakes.")
@click.option("--sheet", help="The sheet to read (default: the first).")
@click.option("--dry-run", is_flag=True, help="Say what would be added, updated and refused; write nothing.")
@click.option("--update", is_flag=True, help="Replace what a record already says with the sheet's value "
                                               "(default: fill only its empty fields).")
def import_sheet(collection: Path, file: Path, kind: str, sheet: str | None, dry_run: bool, update: bool) -> None:
    """Make a person record of each row of FILE (.xlsx, .xls or .csv), a list as a ward office keeps it.

    A row naming someone already recorded (same name, birth year and hometown) fills that record's
    empty fields; a row that cannot be right is named with its row number, and the others go in."""
    collection = _group_collection(collection)
    loaded = _load(collection)
    try:
        rows = spreadsheet.read_sheet(file, sheet)
    except KyvatError as exc:
        _fail(exc)
    where = file.name if file.suffix.lower() == ".csv" else f"{file.name}[{rows.name}]"
    if kind == "object":
        plan = objectsheet.make_object_plan(loaded, rows.rows, where, update=update)
    else:
        plan = importer.make_plan(loaded, rows.rows, where, kind=kind, update=update, encoding=rows.encoding)
    for template, params in plan.notes:
        click.echo(_(template).format(**dict(params)))
    _echo_problems(plan.problems)
    for number, name, values in plan.added:
        click.echo(_("row {row}: add {name}").format(row=number, name=name))
    for number, name, person, changes in plan.updated:
        click.echo(_("row {row}: fill {person} ({name}): {fields}").format(
            row=number, person=person, name=name, fields=", ".join(changes)))
    for number, name, person in plan.unchanged:
        if person.startswith("#"):
            click.echo(_("row {row}: {name} is row {first} again; left out").format(
                row=number, name=name, first=person[1:]))
        else:
            click.echo(_("row {row}: {name} is already {person}, nothing new").format(
                row=number, name=name, person=person))
    if not dry_run:
        try:
            (objectsheet.write_object_plan if kind == "object" else importer.write_plan)(collection, plan)
        except KyvatError as exc:
            _fail(exc)
    summary = _("{added} added, {updated} updated, {unchanged} unchanged, {refused} row(s) refused.").format(
        added=len(plan.added), updated=len(plan.updated), unchanged=len(plan.unchanged), refused=len(plan.refused))
    click.echo(summary + (" " + _("Dry run: nothing was written.") if dry_run else ""))
    if plan.refused:
        sys.exit(EXIT_PROBLEMS)


@main.command("export")
@collection_option
@click.option("--to", "to", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The spreadsheet to write (.xlsx or .csv).")
@click.option("--kind", type=KIND, help="Only the people of this kind (default: everyone); object: the objects.")
@click.option("--private", is_flag=True, help="Add the private columns (phone, address, notes) and the people "
                                                "who have not agreed to be named publicly.")
def export_sheet(collection: Path, to: Path, kind: str | None, private: bool) -> None:
    """Write the people to a spreadsheet with Vietnamese headings, which `kyvat import` reads back."""
    collection = _group_collection(collection)
    loaded = _load(collection)
    if kind == "object":
        header, rows, hidden = objectsheet.make_object_rows(loaded, private=private)
    else:
        header, rows, hidden = importer.make_rows(loaded, kind=kind, private=private)
    try:
        spreadsheet.write_sheet(to, header, rows, name=kind or "people")
    except KyvatError as exc:
        _fail(exc)
    if kind == "object":
        click.echo(_("{count} objects written to {path}").format(count=len(rows), path=to))
        if hidden:
            click.echo(_("{count} restricted objects left out (add them with --private)").format(count=hidden))
        return
    click.echo(_("{count} people written to {path}").format(count=len(rows), path=to))
    if hidden:
        click.echo(_("{count} people who have not agreed to be named left out (add them with --private)").format(
            count=hidden))
