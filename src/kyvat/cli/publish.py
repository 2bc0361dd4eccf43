"""Commands that publish and search: build, iiif, search, serve.
"""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path

import click

from .. import cluster
from ..errors import CollectionInvalid, KyvatError, PortInUse
from ..messages import N_, _, ngettext, to_error_text
from ..searchdocs import KINDS
from ..urls import Urls
from .base import (
    EXIT_PROBLEMS, _echo_problems, _fail, _given_day, _today,
    collection_option, main,
)

# `kyvat search`'s words for a hit's kind and each facet's line (the values stay as the options take them)
KIND_WORDS = {"object": N_("object"), "transcript": N_("transcript"), "person": N_("person"),
              "exhibition": N_("exhibition"), "page": N_("page")}
FACET_LINES = {"kind": N_("kind: {counts}"), "type": N_("type: {counts}"), "person": N_("person: {counts}"),
               "place": N_("place: {counts}"), "decade": N_("decade: {counts}"), "method": N_("method: {counts}")}


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
@click.option("--scheduler", envvar=cluster.SCHEDULER_VARIABLE, show_envvar=True, default=None, metavar="ADDRESS",
              help="Make the scans' images on the workers of this Dask scheduler (tcp://host:8786); "
                   "they must see the collection, cache and output at the same paths.")
def build_command(collection: Path, out: Path, jobs: int | None, base_url: str | None, cache: Path | None,
                  strict: bool, report_file: Path | None, scheduler: str | None) -> None:
    """Build the static site, IIIF and search index into OUT; a broken scan is reported and skipped."""
    from ..build import build  # the publishing stages load only when a build runs
    from ..progressbar import Bars

    try:
        with contextlib.ExitStack() as stack:
            factory = stack.enter_context(cluster.connect(scheduler)) if scheduler else None
            progress = stack.enter_context(Bars())  # a bar on stderr when it is a terminal; nothing in a pipe or CI
            report = build(collection, out, cache=cache, jobs=jobs, base_url=base_url, strict=strict,
                           today=_today(), progress=progress, executor_factory=factory)
    except KyvatError as exc:
        _fail(exc)
    _echo_problems(report.problems)
    if report_file:
        report_file.write_text(json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    errors = sum(1 for p in report.problems if p.is_error)
    pruned = report.count("cache_pruned")
    scans = _("{made} made, {reused} from the cache").format(made=report.count("scans_processed"),
                                                             reused=report.count("scans_reused"))
    if pruned:
        scans += _(", {pruned} unused removed from it").format(pruned=pruned)
    click.secho(_("{out}: {objects} object(s), {scans} scan(s) ({detail}), {errors} error(s), {seconds:.1f} s").format(
        out=out, objects=report.objects, scans=report.count("scans"), detail=scans, errors=errors,
        seconds=report.seconds), fg="red" if errors else "green")
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
    from ..build import build  # the publishing stages load only when a build runs

    try:
        report = build(collection, out, base_url=base_url, only=("iiif",), mount=Urls.iiif(), today=_given_day())
    except KyvatError as exc:
        _fail(exc)
    _echo_problems(report.problems)
    click.echo(_("{out}: {manifests} manifest(s), {canvases} canvas(es)").format(
        out=out, manifests=report.count("manifests"), canvases=report.count("canvases")))
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

    from ..researchindex import open_index

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
        kind = _(KIND_WORDS.get(hit.kind, hit.kind))
        click.echo(f"\n{click.style(hit.title['vi'], bold=True)}  [{kind}] {hit.url}\n  {snippet}")
    for name, counts in results.facets.items():
        if counts:
            line = _(FACET_LINES.get(name, name + ": {counts}"))
            click.echo("\n" + line.format(counts=", ".join(f"{k} ({n})" for k, n in counts.items())))


# -- site commands --

@main.command()
@collection_option
@click.option("-o", "--out", default="_site", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="The site folder to build and serve (outside the collection).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(min=0, max=65535),
              help="Serve on http://127.0.0.1:PORT/.")
@click.option("--interval", default=1.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds without a change awaited before rebuilding: changes made together make one rebuild.")
def serve(collection: Path, out: Path, port: int, interval: float) -> None:
    """Build the site, serve it on this computer only, and rebuild whenever a record, scan or
    template changes. A failed rebuild is reported and the previous site keeps being served."""
    from .. import server
    from ..progressbar import Bars

    progress = Bars()

    def built(report) -> None:
        _echo_problems(report.problems)
        click.secho(_("built {out}: {objects} object(s), {pages} page(s), {seconds:.1f} s").format(
            out=out, objects=report.objects, pages=report.count("pages"), seconds=report.seconds),
                    fg="green")

    def failed(exc: Exception) -> None:
        progress.close()  # the failed stage's bar, so the message starts on a clean line
        if isinstance(exc, CollectionInvalid):
            _echo_problems(exc.details)
        message = to_error_text(exc) if isinstance(exc, KyvatError) else str(exc)
        click.secho(_("build failed: {message}; still serving the previous site").format(message=message),
                    fg="red", err=True)

    try:
        server.serve(collection, out, port, interval, today=_given_day(), on_built=built, on_failed=failed,
                     on_serving=lambda url: click.echo(_("Serving {url} (Ctrl-C stops)").format(url=url)),
                     progress=progress)
    except KeyboardInterrupt:
        click.echo(_("stopped"))
    except PortInUse as exc:
        other = exc.port + 10 if exc.port + 10 <= 65535 else 8010
        _fail(KyvatError(_("{message}; choose another: kyvat serve --port {other} (make demo PORT={other})").format(
            message=_(str(exc)), other=other)))
    except KyvatError as exc:
        _fail(exc)
