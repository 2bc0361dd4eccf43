"""What every command shares: the `kyvat` group and its options, the collection option, the day,
and the one way of turning a library error into a message for a person and an exit code.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from ..clitext import Group, choose_language, follow_collection_language
from ..errors import CatalogueError, CollectionInvalid, KyvatError, Problem
from ..messages import LANGUAGES, _, to_error_text, to_problem_text
from ..validate import load_collection

EXIT_PROBLEMS = 1
# The library names the field a request got wrong; a person at the command line set it with an option.
FIELD_OPTIONS = {
    "accession_pattern prefix": "--prefix", "object_type": "--type", "title.vi": "--title", "name": "--name",
    "acquisition.method": "--method", "acquisition.date": "--date", "acquisition.donor": "--donor",
    "acquisition.loan_until": "--loan-until", "acquisition.original_held_by": "--original-held-by",
    "base_url": "--base-url", "acquisition.returned": "--date", "condition.grade": "--grade",
    "condition.checked": "--date", "withdrawn.reason": "--reason", "withdrawn.date": "--date",
    "reason": "--reason", "to": "--to",
}
DAY = click.DateTime(formats=["%Y-%m-%d"])

collection_option = click.option(
    "-c", "--collection", "collection", default="collection", show_default=True,
    type=click.Path(file_okay=False, path_type=Path), is_eager=True, callback=follow_collection_language,
    help="The collection folder (the one holding kyvat.yaml).",
)


def _echo_problems(problems: list[Problem], err: bool = True) -> None:
    for problem in problems:
        colour = "red" if problem.is_error else "yellow"
        click.secho(to_problem_text(problem), fg=colour, err=err)


def _fail(exc: Exception) -> None:
    """Print an error the library raised, for a person, and leave with a non-zero code."""
    if isinstance(exc, CollectionInvalid):
        _echo_problems(exc.details)
        errors = sum(1 for p in exc.details if p.is_error)
        click.secho(_("{errors} error(s), {warnings} warning(s): nothing was written.").format(
            errors=errors, warnings=len(exc.details) - errors), fg="red", err=True)
    elif isinstance(exc, CatalogueError) and exc.field:
        click.secho(_("error: {option}: {detail}").format(
            option=FIELD_OPTIONS.get(exc.field, exc.field), detail=to_error_text(exc)), fg="red", err=True)
    elif isinstance(exc, KyvatError):
        click.secho(_("error: {message}").format(message=to_error_text(exc)), fg="red", err=True)
    else:
        click.secho(_("error: {message}").format(message=str(exc)), fg="red", err=True)
    sys.exit(EXIT_PROBLEMS)


def _given_day() -> dt.date | None:
    return click.get_current_context().meta.get("kyvat.today")


def _today() -> dt.date:
    """The day given with --today (or KYVAT_TODAY), else the clock's, read when asked."""
    return _given_day() or dt.date.today()


def _load(collection: Path):
    try:
        return load_collection(collection, today=_today())
    except KyvatError as exc:
        _fail(exc)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kyvat")
@click.option("--lang", type=click.Choice(LANGUAGES), is_eager=True, expose_value=False, callback=choose_language,
              help="The language of kyvat's messages: vi or en (default: kyvat.yaml's language, else the "
                   "computer's).")
# Hidden: the day loans are measured against, so tests (and CI with the clock moved) give one fixed day.
@click.option("--today", envvar="KYVAT_TODAY", hidden=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Measure loans and date new records against this day (YYYY-MM-DD), not the clock.")
def main(today: dt.datetime | None) -> None:
    """kyvat: the catalogue of a memorial house (Nhà truyền thống): keepsakes, people, scans,
    IIIF and a bilingual exhibition website."""
    click.get_current_context().meta["kyvat.today"] = today.date() if today else None


def _day(given: dt.datetime | None) -> dt.date:
    """A --date option's day, or today."""
    return given.date() if given else _today()


def _edit(edit, done: str, **fields) -> None:
    """Make one change to a record through the library and say what was done, or why not."""
    try:
        fields["path"] = edit()
    except KyvatError as exc:
        _fail(exc)
    click.echo(done.format(**fields))


def _group_collection(collection: Path) -> Path:
    """-c given before the subcommand (`kyvat loans -c X return ID`) counts as given to it."""
    context, default = click.get_current_context(), click.core.ParameterSource.DEFAULT
    if context.get_parameter_source("collection") == default and context.parent.params.get("collection") \
            and context.parent.get_parameter_source("collection") != default:
        return context.parent.params["collection"]
    return collection
