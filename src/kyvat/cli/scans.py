"""Commands on the master scans: add-scan, remove-scan, move-scan, verify.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import ingest, layout, media, scanedit
from ..errors import KyvatError
from ..messages import _, to_words_text
from .base import (
    EXIT_PROBLEMS, _fail, _load, _today,
    collection_option, main,
)


# -- media commands --

@main.command("add-scan")
@collection_option
@click.argument("object_id")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--label", default="", help="Label in Vietnamese, e.g. \"Trang {n}\" ({n} is the page number).")
@click.option("--label-en", default="", help="Label in English, e.g. \"Page {n}\".")
def add_scan(collection: Path, object_id: str, files: tuple[Path, ...], label: str, label_en: str) -> None:
    """Copy master FILES into objects/OBJECT_ID/scans/ as the next pages and record their SHA-256."""
    from ..progressbar import Bars  # tqdm loads only for the long commands

    loaded = _load(collection)
    try:
        with Bars() as progress:  # left before an error is printed: the bar is cleared first
            added = ingest.write_scans(collection, object_id, list(files), label, label_en,
                                      max_pixels=loaded.config.max_image_pixels, progress=progress)
    except KyvatError as exc:
        _fail(exc)
    for name, sha in added:
        click.echo(f"{layout.scan_rel(object_id, name)}\tsha256 {sha}")


@main.command("remove-scan")
@collection_option
@click.argument("object_id")
@click.argument("n", type=click.IntRange(min=1))
@click.option("--reason", required=True, help="Why the scan is taken off (kept in the record, never published).")
def remove_scan(collection: Path, object_id: str, n: int, reason: str) -> None:
    """Take scan N (its place in the record's scans list, from 1) off OBJECT_ID. The master is never
    deleted: it is kept with its transcript in scans/.removed/, listed in the record under
    removed_scans with the reason, and still checked by 'kyvat verify'."""
    try:
        removed = scanedit.write_scan_removed(collection, object_id, n, reason, _today())
    except KyvatError as exc:
        _fail(exc)
    click.echo(_("{file}: taken off, kept as {kept}").format(file=removed.file, kept=removed.kept_as))


@main.command("move-scan")
@collection_option
@click.argument("object_id")
@click.argument("n", type=click.IntRange(min=1))
@click.option("--to", "to", required=True, type=click.IntRange(min=1), help="The new place of the scan, from 1.")
def move_scan(collection: Path, object_id: str, n: int, to: int) -> None:
    """Move scan N of OBJECT_ID to place M (--to M) in its record; the masters keep their names."""
    try:
        order = scanedit.write_scan_moved(collection, object_id, n, to)
    except KyvatError as exc:
        _fail(exc)
    click.echo(_("{id}: the scans are now {order}").format(id=object_id, order=", ".join(order)))


@main.command()
@collection_option
@click.option("--quiet", "-q", is_flag=True, help="Print only the masters that failed.")
def verify(collection: Path, quiet: bool) -> None:
    """Check every master against the checksum in its record; name each changed or missing file."""
    report = media.read_fixity(collection)
    for result in report.results:
        if result.status in ("changed", "missing"):
            click.secho(to_words_text(result.words), fg="red", err=True)
        elif not quiet:
            click.secho(to_words_text(result.words), fg="yellow" if result.status == "unrecorded" else None)
    ok = sum(1 for r in report.results if r.status == "ok")
    click.secho(_("{masters} master(s): {ok} ok, {failed} changed or missing").format(
        masters=len(report.results), ok=ok, failed=len(report.failures)),
                fg="red" if report.failures else "green")
    if report.failures:
        sys.exit(EXIT_PROBLEMS)
