"""`kyvat serve`: build the site, serve it on this computer only, and rebuild when a record, scan or
template changes. A failed rebuild leaves the previous site served."""

from __future__ import annotations

import datetime as dt
import email.utils
import errno
import functools
import gzip
import http.server
import io
import os
import threading
from http import HTTPStatus
from pathlib import Path
from typing import Callable

from .build import BuildReport, build
from .errors import N_, KyvatError, PortInUse, make_params
from .layout import BUILTIN_TEMPLATES
from .progress import Progress, no_progress
from .urls import INDEX_FILE, Urls
from .watcher import Watcher


# What static hosts compress (nginx `gzip_types`, GitHub Pages, Netlify); images, recordings and
# Pagefind's index files are compressed already.
_COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files as a static host does: text, scripts and JSON gzip-compressed for browsers that
    accept it (kept in memory while the file is unchanged), everything else as it is."""

    _compress = True
    _gzipped: dict[str, tuple[int, bytes]] = {}  # path: (mtime_ns, compressed bytes); LocalServer gives each its own
    _lock = threading.Lock()

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def send_head(self):
        path = self.translate_path(self.path)
        if "\0" in path:  # `%00` in the address: no file has such a name, and open() would raise
            self.send_error(HTTPStatus.BAD_REQUEST)
            return None
        if os.path.isdir(path) and self.path.split("?", 1)[0].endswith("/"):
            path = os.path.join(path, INDEX_FILE)  # as a static host serves a folder
        kind = self.guess_type(path)
        if (not self._compress or not os.path.isfile(path) or not kind.startswith(_COMPRESSED_TYPES)
                or "gzip" not in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        stat = os.stat(path)
        modified = email.utils.formatdate(stat.st_mtime, usegmt=True)
        since = self.headers.get("If-Modified-Since")
        if since and "If-None-Match" not in self.headers:
            try:
                if int(stat.st_mtime) <= email.utils.parsedate_to_datetime(since).timestamp():
                    self.send_response(304)
                    self.end_headers()
                    return None
            except (TypeError, ValueError, IndexError, OverflowError):
                pass
        with self._lock:
            cached = self._gzipped.get(path)
        if cached is None or cached[0] != stat.st_mtime_ns:
            with open(path, "rb") as f:
                cached = (stat.st_mtime_ns, gzip.compress(f.read(), compresslevel=6, mtime=0))
            with self._lock:
                self._gzipped[path] = cached
        body = cached[1]
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", modified)
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)


class LocalServer:
    """A static file server on 127.0.0.1 in a background thread; `compress=False` sends every file
    as it is, as `python -m http.server` does."""

    def __init__(self, folder: Path, port: int, *, compress: bool = True):
        folder.mkdir(parents=True, exist_ok=True)
        try:
            handler = type("Handler", (_QuietHandler,), {"_gzipped": {}, "_compress": compress})
            self.httpd = http.server.ThreadingHTTPServer(
                ("127.0.0.1", port), functools.partial(handler, directory=str(folder.resolve())))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortInUse(port) from None
            raise KyvatError(N_("cannot serve on port {port}: {reason}"),
                             params=make_params(port=port, reason=exc.strerror)) from None
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def serve(collection: Path, out: Path, port: int, interval: float, *, today: dt.date | None = None,
          on_built: Callable[[BuildReport], None], on_failed: Callable[[Exception], None],
          on_serving: Callable[[str], None], progress: Progress = no_progress) -> None:
    """Serve `out` and keep it built from `collection` until interrupted (KeyboardInterrupt): rebuilt
    once files changed and then `interval` seconds passed with no other change (the operating system
    tells of changes: nothing is looked at meanwhile). The site is published under the local address,
    so its IIIF links work in any viewer here. `progress` watches every build (progress.py): the
    first, with every scan to make, is the long one."""
    server = LocalServer(out, port)
    watching = None
    try:
        def rebuild() -> None:
            try:
                on_built(build(collection, out, base_url=server.url, today=today, progress=progress))
            except Exception as exc:  # noqa: BLE001 - nothing, not even a template error, stops serving
                on_failed(exc)

        watching = Watcher((collection, BUILTIN_TEMPLATES), interval)  # before building: an edit made meanwhile is seen
        rebuild()
        if not (out / Urls.file(Urls.home())).is_file():
            raise KyvatError(N_("nothing to serve: the first build of {collection} failed"),
                             params=make_params(collection=collection))
        on_serving(server.url)
        while True:
            if watching.wait(timeout=1.0):  # woken each second, so that Ctrl-C is heard on every system
                rebuild()
    finally:
        if watching is not None:
            watching.close()
        server.close()
