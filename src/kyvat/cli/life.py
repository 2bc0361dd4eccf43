"""Commands that follow an object and a person through their life: loans, condition checks,
withdrawal, renames and merges of people.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from .. import catalogue, lifecycle, personedit
from ..errors import KyvatError
from ..messages import _, ngettext
from ..model import CONDITION_GRADES
from ..urls import Urls
from .base import (
    DAY, _day, _edit, _fail, _group_collection, _load, _today,
    collection_option, main,
)


@main.group(invoke_without_command=True)
@collection_option
@click.option("--due", default=30, show_default=True, type=click.IntRange(min=0),
              help="Also list loans that must go back within this many days.")
def loans(collection: Path, due: int) -> None:
    """Loans overdue and coming due, with the lender, soonest first; 'return' and 'extend' change one."""
    if click.get_current_context().invoked_subcommand:
        return
    loaded = _load(collection)
    rows = catalogue.make_loans_table(loaded, today=_today(), within_days=due)
    click.echo(catalogue.make_table(rows) if len(rows) > 1 else
               ngettext("No loan is due within {due} day.", "No loan is due within {due} days.", due).format(due=due))


@loans.command("return")
@collection_option
@click.argument("object_id")
@click.option("--date", "day", type=DAY, default=None, help="The day it went back, YYYY-MM-DD (default today).")
def loans_return(collection: Path, object_id: str, day: dt.datetime | None) -> None:
    """Record that the loan OBJECT_ID went back to its lender: it stays in the catalogue, its page
    says it was returned, and it is no longer due."""
    _edit(lambda: lifecycle.write_loan_return(_group_collection(collection), object_id, day=_day(day), today=_today()),
          _("{id}: returned on {day} ({path})"), id=object_id, day=_day(day))


@loans.command("extend")
@collection_option
@click.argument("object_id")
@click.option("--until", "--loan-until", "until", type=DAY, required=True,
              help="The new day the object must go back, YYYY-MM-DD.")
def loans_extend(collection: Path, object_id: str, until: dt.datetime) -> None:
    """Move the end of the loan OBJECT_ID later; the old end is kept in acquisition.loan_extended."""
    _edit(lambda: lifecycle.write_loan_extension(_group_collection(collection), object_id, until=until.date(),
                                                 today=_today()),
          _("{id}: lent until {day} ({path})"), id=object_id, day=until.date())


@main.command()
@collection_option
@click.argument("object_id")
@click.option("--grade", required=True, type=click.Choice(CONDITION_GRADES), help="The condition seen.")
@click.option("--note", default="", help="What was seen, in Vietnamese (e.g. where the paper is torn).")
@click.option("--date", "day", type=DAY, default=None, help="The day of the check, YYYY-MM-DD (default today).")
def condition(collection: Path, object_id: str, grade: str, note: str, day: dt.datetime | None) -> None:
    """Add a dated condition check to OBJECT_ID; the check it replaces is kept in condition.history."""
    _edit(lambda: lifecycle.write_condition_check(collection, object_id, grade=grade, note=note, day=_day(day),
                                                  today=_today()),
          _("{id}: {grade} on {day} ({path})"), id=object_id, grade=grade, day=_day(day))


@main.command()
@collection_option
@click.argument("object_id")
@click.option("--reason", required=True, help="Why it leaves the collection (kept private, never published).")
@click.option("--date", "day", type=DAY, default=None, help="The day it was withdrawn, YYYY-MM-DD (default today).")
def withdraw(collection: Path, object_id: str, reason: str, day: dt.datetime | None) -> None:
    """Take OBJECT_ID off the public site (given back, or found not to belong). Its record and its
    line in the register stay; its old address will say the object was withdrawn."""
    _edit(lambda: lifecycle.write_withdrawal(collection, object_id, reason=reason, day=_day(day), today=_today()),
          _("{id}: withdrawn on {day}; the next build leaves it out ({path})"), id=object_id, day=_day(day))


@main.command()
@collection_option
@click.argument("kind", type=click.Choice(["person"]))
@click.argument("old")
@click.argument("new")
def rename(collection: Path, kind: str, old: str, new: str) -> None:
    """Give the person OLD the id NEW (people/NEW.yaml): every record naming OLD is changed, and
    OLD's published address leads to NEW's page (redirects.yaml)."""
    _echo_person_change(lambda: personedit.write_person_renamed(collection, old, new))


@main.command()
@collection_option
@click.argument("kind", type=click.Choice(["person"]))
@click.argument("a")
@click.argument("b")
def merge(collection: Path, kind: str, a: str, b: str) -> None:
    """Make person B (the same person entered twice) part of person A. What only B's record says is
    added to A's; where both differ, A's is kept and the difference printed. Every record naming B
    names A, B's file is kept in people/.merged/, and B's published address leads to A's page."""
    _echo_person_change(lambda: personedit.write_person_merged(collection, a, b))


def _echo_person_change(write) -> None:
    try:
        change = write()
    except KyvatError as exc:
        _fail(exc)
    for conflict in change.conflicts:
        kept, other = conflict.texts
        click.secho(_("{field}: kept {kept} ({old} said {other})").format(
            field=conflict.field, kept=kept, old=change.old, other=other), fg="yellow")
    for rel in change.edited:
        click.echo(_("changed {file}").format(file=rel))
    if change.kept_as:
        click.echo(_("{old}'s record is kept as {file}").format(old=change.old, file=change.kept_as))
    click.secho(_("{old} is now {new}; the address {address} leads to {target}").format(
        old=change.old, new=change.new, address=Urls.person(change.old), target=Urls.person(change.new)), fg="green")
