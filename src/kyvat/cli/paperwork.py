"""Commands that print paperwork: the hand-over receipt a family signs and the labels of the cases.
"""

from __future__ import annotations

from pathlib import Path

import click

from .. import paperwork
from ..errors import KyvatError
from ..messages import _
from .base import _fail, _load, _today, collection_option, main

PDF = click.Path(dir_okay=False, path_type=Path)


@main.command()
@collection_option
@click.argument("object_id")
@click.option("-o", "--out", required=True, type=PDF, help="The PDF file to write.")
@click.option("--return", "returning", is_flag=True,
              help="The receipt of a loan given back to its lender (Biên bản trả lại hiện vật).")
def receipt(collection: Path, object_id: str, out: Path, returning: bool) -> None:
    """Write the A4 hand-over receipt of OBJECT_ID (Biên bản giao, nhận hiện vật) for the family to
    sign. It is private paperwork: it shows the receipt number, the terms and the giver's contact."""
    try:
        paperwork.write_receipt(_load(collection), object_id, out, today=_today(), returning=returning)
    except KyvatError as exc:
        _fail(exc)
    click.echo(_("{id}: receipt written to {path}").format(id=object_id, path=out))


@main.command()
@collection_option
@click.argument("object_ids", nargs=-1)
@click.option("-o", "--out", required=True, type=PDF, help="The PDF file to write.")
@click.option("--size", default="a6", show_default=True, type=click.Choice(sorted(paperwork.LABEL_SIZES)),
              help="a6: four labels to an A4 sheet; card: ten business-card labels to a sheet.")
def labels(collection: Path, object_ids: tuple[str, ...], out: Path, size: str) -> None:
    """Write a sheet of case labels for OBJECT_IDS (every public object when none is given), each with
    a QR code that opens the object's page on the website. Restricted objects get no label."""
    try:
        paperwork.write_labels(_load(collection), list(object_ids), out, size=size, today=_today())
    except KyvatError as exc:
        _fail(exc)
    click.echo(_("Labels written to {path}").format(path=out))
