"""`kyvat desk`: the curator's desk in the browser (kyvat/desk/)."""

from __future__ import annotations

import ipaddress
import time
import webbrowser
from pathlib import Path

import click

from ..errors import KyvatError, PortInUse
from ..messages import _, to_error_text
from .base import _fail, _given_day, collection_option, main


@main.command("desk")
@collection_option
@click.option("-o", "--out", default="_site", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="The site folder 'Publish' builds (outside the collection).")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(min=0, max=65535),
              help="Serve the desk on http://127.0.0.1:PORT/.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on. Another than 127.0.0.1 lets other computers of the network "
                   "(a tablet) open the desk with its token: give this computer's address on the network.")
@click.option("--no-browser", is_flag=True, help="Do not open the browser; only print the address.")
def desk_command(collection: Path, out: Path, port: int, host: str, no_browser: bool) -> None:
    """Open the curator's desk: forms in the browser for every record, scan, transcription, loan,
    exhibition and page, with validation as you type, preview, publish and history. Prints its
    address with a token; only that address opens it."""
    from ..desk.app import DeskSettings, start_server

    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        _fail(KyvatError(_("expected an IP address for --host, such as 192.168.1.10, found {host}").format(host=host)))
    if address.is_unspecified:
        _fail(KyvatError(_("--host {host} would answer on every network: give this computer's address on the "
                           "network (such as 192.168.1.10)").format(host=host)))
    if not address.is_loopback:
        click.secho(_("warning: the desk listens on {host}: anyone on this network who has its address with the "
                      "token can change the collection").format(host=host), fg="yellow", err=True)
    given = _given_day()
    settings = DeskSettings(root=collection.resolve(), out=out.resolve(), today=(lambda: given) if given else None)
    try:
        server = start_server(settings, host=host, port=port)
    except PortInUse as exc:
        _fail(KyvatError(_("{message}; choose another: kyvat desk --port {other}").format(
            message=to_error_text(exc), other=exc.port + 10 if exc.port + 10 <= 65535 else 8775)))
    except KyvatError as exc:
        _fail(exc)
    click.echo(_("The curator's desk is open at {url} (Ctrl-C stops)").format(url=server.url))
    if not no_browser:
        webbrowser.open(server.url)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.close()
        click.echo(_("stopped"))
