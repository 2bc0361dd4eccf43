"""The `kyvat` command: each command is a few lines that call the library and turn its errors into
messages for a person and an exit code. Click is imported here and nowhere else.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from . import catalogue, ingest, layout, media
from .errors import CollectionInvalid, KyvatError, PortInUse, Problem
from .i18n import read_words
from .messages import _, ngettext
from .searchdocs import KINDS
from .urls import Urls
from .validate import check_collection, load_collection

EXIT_PROBLEMS = 1
# The library names the field a request got wrong; a person at the command line set it with an option.
FIELD_OPTIONS = {
    "accession_pattern prefix": "--prefix", "object_type": "--type", "title.vi": "--title", "name": "--name",
    "acquisition.method": "--method", "acquisition.date": "--date", "acquisition.donor": "--donor",
    "acquisition.loan_until": "--loan-until", "acquisition.original_held_by": "--original-held-by",
    "base_url": "--base-url",
}

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
    elif isinstance(exc, catalogue.CatalogueError) and exc.field in FIELD_OPTIONS:
        click.secho(f"error: {FIELD_OPTIONS[exc.field]}: {exc.detail}", fg="red", err=True)
    else:
        click.secho(f"error: {exc}", fg="red", err=True)
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kyvat")
# Hidden: the day loans are measured against, so tests (and CI with the clock moved) give one fixed day.
@click.option("--today", envvar="KYVAT_TODAY", hidden=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Measure loans and date new records against this day (YYYY-MM-DD), not the clock.")
def main(today: dt.datetime | None) -> None:
    """kyvat: the catalogue of a memorial house (Nhà truyền thống): keepsakes, people, scans,
    IIIF and a bilingual exhibition website."""
    click.get_current_context().meta["kyvat.today"] = today.date() if today else None


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
        click.echo(line)


@main.command()
@collection_option
@click.option("--due", default=30, show_default=True, type=click.IntRange(min=0),
              help="Also list loans that must go back within this many days.")
def loans(collection: Path, due: int) -> None:
    """Loans overdue and coming due, with the lender, soonest first."""
    loaded = _load(collection)
    rows = catalogue.make_loans_table(loaded, today=_today(), within_days=due)
    click.echo(catalogue.make_table(rows) if len(rows) > 1 else f"No loan is due within {due} days.")


# -- media commands --

@main.command("add-scan")
@collection_option
@click.argument("object_id")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--label", default="", help="Label in Vietnamese, e.g. \"Trang {n}\" ({n} is the page number).")
@click.option("--label-en", default="", help="Label in English, e.g. \"Page {n}\".")
def add_scan(collection: Path, object_id: str, files: tuple[Path, ...], label: str, label_en: str) -> None:
    """Copy master FILES into objects/OBJECT_ID/scans/ as the next pages and record their SHA-256."""
    loaded = _load(collection)
    try:
        added = ingest.write_scans(collection, object_id, list(files), label, label_en,
                                  max_pixels=loaded.config.max_image_pixels)
    except KyvatError as exc:
        _fail(exc)
    for name, sha in added:
        click.echo(f"{layout.scan_rel(object_id, name)}\tsha256 {sha}")


@main.command()
@collection_option
@click.option("--quiet", "-q", is_flag=True, help="Print only the masters that failed.")
def verify(collection: Path, quiet: bool) -> None:
    """Check every master against the checksum in its record; name each changed or missing file."""
    report = media.read_fixity(collection)
    for result in report.results:
        if result.status in ("changed", "missing"):
            click.secho(str(result), fg="red", err=True)
        elif not quiet:
            click.secho(str(result), fg="yellow" if result.status == "unrecorded" else None)
    ok = sum(1 for r in report.results if r.status == "ok")
    click.secho(f"{len(report.results)} master(s): {ok} ok, {len(report.failures)} changed or missing",
                fg="red" if report.failures else "green")
    if report.failures:
        sys.exit(EXIT_PROBLEMS)


@main.command("build")
@collection_option
@click.option("-o", "--out", default="_site", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="The site folder to write (replaced only when the build succeeds).")
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="Scans processed at once (default: CPUs).")
@click.option("--base-url", default=None, help="Publish under this URL instead of kyvat.yaml's base_url.")
@click.option("--cache", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Derivative cache of this collection (default: .kyvat-cache/<name>/ beside it); "
                   "what no scan uses any more is removed from it after a build.")
@click.option("--strict", is_flag=True, help="Treat warnings (such as loans past due) as errors.")
@click.option("--report", "report_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the build's figures and problems as JSON to this file.")
def build_command(collection: Path, out: Path, jobs: int | None, base_url: str | None, cache: Path | None,
                  strict: bool, report_file: Path | None) -> None:
    """Build the static site, IIIF and search index into OUT; a broken scan is reported and skipped."""
    from .build import build  # the publishing stages load only when a build runs

    try:
        report = build(collection, out, cache=cache, jobs=jobs, base_url=base_url, strict=strict, today=_today())
    except KyvatError as exc:
        _fail(exc)
    _echo_problems(report.problems)
    if report_file:
        report_file.write_text(json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    errors = sum(1 for p in report.problems if p.is_error)
    pruned = report.count("cache_pruned")
    click.secho(f"{out}: {report.objects} object(s), {report.count('scans')} scan(s) "
                f"({report.count('scans_processed')} made, {report.count('scans_reused')} from the cache"
                f"{f', {pruned} unused removed from it' if pruned else ''}), "
                f"{errors} error(s), {report.seconds:.1f} s", fg="red" if errors else "green")
    if errors:
        sys.exit(EXIT_PROBLEMS)


# -- iiif commands --

@main.command("iiif")
@collection_option
@click.option("--out", default="manifests", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="The folder for the IIIF Presentation JSON (manifests, collections, records).")
@click.option("--base-url", default=None, help="Publish under this URL instead of kyvat.yaml's base_url.")
def iiif_command(collection: Path, out: Path, base_url: str | None) -> None:
    """Write the IIIF manifests and collections of the public objects into OUT, without making images."""
    from .build import build  # the publishing stages load only when a build runs

    try:
        report = build(collection, out, base_url=base_url, only=("iiif",), mount=Urls.iiif(), today=_given_day())
    except KyvatError as exc:
        _fail(exc)
    _echo_problems(report.problems)
    click.echo(f"{out}: {report.count('manifests')} manifest(s), {report.count('canvases')} canvas(es)")
    if any(p.is_error for p in report.problems):
        sys.exit(EXIT_PROBLEMS)


# -- search commands --

@main.command("search")
@collection_option
@click.argument("query", default="")
@click.option("--type", "object_type", default=None, help="Only objects of this type (letter, diary, …).")
@click.option("--person", default=None, help="Only records linked to this person id.")
@click.option("--place", default=None, help="Only records naming this place (old or current name).")
@click.option("--kind", default=None, type=click.Choice(KINDS),
              help="Only this kind of record.")
@click.option("--method", default=None, type=click.Choice(["gift", "loan", "copy"]), help="Only this acquisition.")
@click.option("--from", "year_from", default=None, type=int, help="Only records dated in or after this year.")
@click.option("--to", "year_to", default=None, type=int, help="Only records dated in or before this year.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1), help="How many hits to show.")
@click.option("--json", "as_json", is_flag=True, help="Print the hits and facets as JSON, for a program.")
def search_command(collection: Path, query: str, object_type: str | None, person: str | None, place: str | None,
                   kind: str | None, method: str | None, year_from: int | None, year_to: int | None, limit: int,
                   as_json: bool) -> None:
    """Search the public records: words with or without diacritics, "phrases", AND/OR/NOT,
    field:value (title, type, person, place, kind) and fuzzy name~. Updates the index first."""
    import html
    import re

    from .researchindex import open_index

    filters = {k: v for k, v in dict(type=object_type, person=person, place=place, kind=kind, method=method,
                                     year_from=year_from, year_to=year_to).items() if v is not None}
    try:
        results = open_index(collection).search(query, limit=limit, **filters)
    except KyvatError as exc:
        _fail(exc)
    if as_json:
        click.echo(json.dumps(results.as_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(ngettext("{n} hit for {query}", "{n} hits for {query}", results.total).format(
        n=results.total, query=repr(query)))
    for hit in results.hits:
        snippet = re.sub(r"<mark>(.*?)</mark>", lambda m: click.style(m.group(1), bold=True), hit.snippet)
        snippet = " ".join(html.unescape(snippet).split())
        click.echo(f"\n{click.style(hit.title['vi'], bold=True)}  [{hit.kind}] {hit.url}\n  {snippet}")
    for name, counts in results.facets.items():
        if counts:
            click.echo(f"\n{name}: " + ", ".join(f"{k} ({n})" for k, n in counts.items()))


# -- site commands --

@main.command()
@collection_option
@click.option("-o", "--out", default="_site", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="The site folder to build and serve (outside the collection).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(min=0, max=65535),
              help="Serve on http://127.0.0.1:PORT/.")
@click.option("--interval", default=1.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds between checks of the collection and templates for changes.")
def serve(collection: Path, out: Path, port: int, interval: float) -> None:
    """Build the site, serve it on this computer only, and rebuild whenever a record, scan or
    template changes. A failed rebuild is reported and the previous site keeps being served."""
    from . import server

    def built(report) -> None:
        _echo_problems(report.problems)
        click.secho(f"built {out}: {report.objects} object(s), {report.count('pages')} page(s), {report.seconds:.1f} s",
                    fg="green")

    def failed(exc: Exception) -> None:
        if isinstance(exc, CollectionInvalid):
            _echo_problems(exc.details)
        click.secho(f"build failed: {exc}; still serving the previous site", fg="red", err=True)

    try:
        server.serve(collection, out, port, interval, today=_given_day(), on_built=built, on_failed=failed,
                     on_serving=lambda url: click.echo(f"Serving {url} (Ctrl-C stops)"))
    except KeyboardInterrupt:
        click.echo("stopped")
    except PortInUse as exc:
        other = exc.port + 10 if exc.port + 10 <= 65535 else 8010
        _fail(KyvatError(f"{exc}; choose another: kyvat serve --port {other} (make demo PORT={other})"))
    except KyvatError as exc:
        _fail(exc)
