"""`kyvat serve`: build the site, serve it on this computer only, and rebuild when a record, scan or
template changes. A failed rebuild leaves the previous site served."""

from __future__ import annotations

import functools
import http.server
import threading
import time
from pathlib import Path
from typing import Callable

from .build import BuildReport, build
from .errors import KyvatError
from .site import read_watch_state


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


class LocalServer:
    """A static file server on 127.0.0.1 in a background thread."""

    def __init__(self, folder: Path, port: int):
        folder.mkdir(parents=True, exist_ok=True)
        try:
            self.httpd = http.server.ThreadingHTTPServer(
                ("127.0.0.1", port), functools.partial(_QuietHandler, directory=str(folder.resolve())))
        except OSError as exc:
            raise KyvatError(f"cannot serve on port {port}: {exc.strerror}") from None
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def serve(collection: Path, out: Path, port: int, interval: float, *,
          on_built: Callable[[BuildReport], None], on_failed: Callable[[Exception], None],
          on_serving: Callable[[str], None]) -> None:
    """Serve `out` and keep it built from `collection` until interrupted (KeyboardInterrupt).
    The site is published under the local address, so its IIIF links work in any viewer here."""
    server = LocalServer(out, port)
    try:
        def rebuild() -> None:
            try:
                on_built(build(collection, out, base_url=server.url))
            except Exception as exc:  # noqa: BLE001 - nothing, not even a template error, stops serving
                on_failed(exc)

        state = read_watch_state(collection)  # taken before building, so an edit made meanwhile is seen
        rebuild()
        if not (out / "index.html").is_file():
            raise KyvatError(f"nothing to serve: the first build of {collection} failed")
        on_serving(server.url)
        while True:
            time.sleep(interval)
            now = read_watch_state(collection)
            if now != state:
                state = now
                rebuild()
    finally:
        server.close()
