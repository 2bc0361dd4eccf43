"""The hand-off to an archive: `kyvat export-bag`, a BagIt bag of the collection or of what the site shows."""

from __future__ import annotations

from pathlib import Path

import click

from .. import archive
from ..errors import KyvatError
from ..messages import _, to_words_text
from .base import _fail, _today, collection_option, main


@main.command("export-bag")
@collection_option
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option("--public", is_flag=True,
              help="Only what the website shows (open data): no private field, no restricted or withdrawn object, "
                   "no unconsented name, and the published JPEG of each image instead of its master.")
def export_bag(collection: Path, out: Path, public: bool) -> None:
    """Make a BagIt bag at OUT (a new folder) for the provincial archive: the records, masters and
    transcripts as they are, a Dublin Core record per object and a CSV of the objects."""
    try:
        report = archive.write_bag(collection, out, public=public, today=_today())
    except archive.ArchiveError as exc:
        for result in exc.details:
            click.secho(to_words_text(result.words), fg="red", err=True)
        _fail(exc)
    except KyvatError as exc:
        _fail(exc)
    click.echo((_("{out}: a public bag of {objects} object(s), {files} file(s)") if report.public else
                _("{out}: a bag of {objects} object(s), {files} file(s)")).format(
        out=report.path, objects=report.objects, files=report.files))
