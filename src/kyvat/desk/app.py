"""The desk's web application and its local server: Flask (with Flask-WTF's CSRF protection) and
Werkzeug, imported in this package only.

Safe by default, as Jupyter is:
- the server binds to 127.0.0.1 (another address only when the curator asks, with a warning);
- every request carries the random token the desk printed: in the address (`?token=`), in the
  cookie the first such request sets, or in an `X-Kyvat-Token` header; without it, 403;
- the Host header must name this server (127.0.0.1, localhost or the bound address, with its
  port): a page of another site that rebinds its name to 127.0.0.1 (DNS rebinding) is refused;
- every form and every script's POST carries the CSRF value of the curator's session;
- a record, scan or page is found by an id that must be one path segment, and the path it makes is
  checked to stay inside the collection (`common.inside`).
"""

from __future__ import annotations

import errno
import hmac
import logging
import re
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from flask import (Blueprint, Flask, Response, abort, flash, g, jsonify,  # noqa: F401
                   make_response, redirect, render_template, request, send_file, send_from_directory, url_for)
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.serving import make_server

from ..errors import N_, KyvatError, PortInUse, make_params
from ..messages import LANGUAGES, _, ngettext, speaking

TOKEN_COOKIE = "kyvat_desk_token"
LANG_COOKIE = "kyvat_desk_lang"
TOKEN_HEADER = "X-Kyvat-Token"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")
MAX_UPLOAD = 512 * 1024 * 1024  # one request of dropped scans; past it, a clear message (413)
HERE = Path(__file__).resolve().parent

__all__ = ["Blueprint", "DeskSettings", "Response", "abort", "flash_message", "g", "jsonify", "make_app",
           "make_response", "redirect", "render_template", "request", "send_file", "send_from_directory",
           "start_server", "url_for"]


def flash_message(text: str, kind: str = "done") -> None:
    """A message shown once on the next page: "done", "warning" or "error"."""
    flash(text, kind)


@dataclass
class DeskSettings:
    """What one desk works on; `today` is read when asked (tests and `--today` give a fixed day)."""

    root: Path
    out: Path
    cache: Path | None = None
    today: Callable = None
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    hosts: set[str] = field(default_factory=set)  # "host:port" values a request's Host may be
    max_upload: int = MAX_UPLOAD


def make_app(settings: DeskSettings) -> Flask:
    from . import BLUEPRINTS  # the views register themselves in the package's list

    app = Flask(__name__, template_folder=str(HERE / "templates"), static_folder=str(HERE / "static"),
                static_url_path="/static")
    app.config.update(
        SECRET_KEY=secrets.token_bytes(32), WTF_CSRF_TIME_LIMIT=None, MAX_CONTENT_LENGTH=settings.max_upload,
        SESSION_COOKIE_SAMESITE="Strict", SESSION_COOKIE_HTTPONLY=True, TEMPLATES_AUTO_RELOAD=False)
    app.extensions["kyvat_desk"] = settings
    CSRFProtect(app)
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(gettext=_, ngettext=ngettext, newstyle=True)
    app.before_request(_guard)
    app.after_request(_remember)
    app.teardown_request(_forget_language)
    app.register_error_handler(CSRFError, _csrf_refused)
    app.register_error_handler(413, _too_large)
    for code in (400, 403, 404, 405, 409):
        app.register_error_handler(code, _refused)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.context_processor(lambda: {"lang": g.get("lang", "vi"), "languages": LANGUAGES, "desk_url": url_for,
                                   "desk_link_for": link_for, "in_language": in_language})
    return app


# The edit page of each kind of file a problem names (a record, a person, an exhibition or page).
_EDIT_PAGES = (
    (re.compile(r"^objects/([^/]+)/"), "records.edit_object", "object_id"),
    (re.compile(r"^people/([^/]+)\.yaml$"), "records.edit_person", "person_id"),
    (re.compile(r"^(exhibitions|pages)/([^/.]+)(?:\.en)?\.md$"), "narratives.edit", None),
)


def in_language(lang: str) -> str:
    """This page's address in another language (the dashboard's for a page with no endpoint)."""
    if request.endpoint and request.method == "GET" and request.endpoint != "static":
        return url_for(request.endpoint, **(request.view_args or {}), lang=lang)
    return url_for("home.dashboard", lang=lang)


def link_for(rel: str) -> str:
    """The desk's page for the file `rel` (collection-relative), or ""."""
    for pattern, endpoint, key in _EDIT_PAGES:
        found = pattern.match(rel)
        if found:
            arguments = {key: found.group(1)} if key else {"kind": found.group(1), "slug": found.group(2)}
            return url_for(endpoint, **arguments)
    return ""


def settings_of(app: Flask | None = None) -> DeskSettings:
    from flask import current_app

    return (app or current_app).extensions["kyvat_desk"]


def _guard():
    settings = settings_of()
    g.lang = _language()
    g.speaking = speaking(g.lang)
    g.speaking.__enter__()
    if settings.hosts and request.host.lower() not in settings.hosts:
        abort(403, description=N_("this desk answers only at its own address (the Host header names another)"))
    given = request.args.get("token") or request.headers.get(TOKEN_HEADER) or request.cookies.get(TOKEN_COOKIE) or ""
    if not hmac.compare_digest(given.encode(), settings.token.encode()):
        abort(403, description=N_("open the desk at the address 'kyvat desk' printed, with its token"))
    g.new_token = request.args.get("token") == settings.token and request.cookies.get(TOKEN_COOKIE) != settings.token
    return None


def _language() -> str:
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    kept = request.cookies.get(LANG_COOKIE)
    return kept if kept in LANGUAGES else "vi"  # Vietnamese first


def _remember(response: Response) -> Response:
    settings = settings_of()
    if g.get("new_token"):
        response.set_cookie(TOKEN_COOKIE, settings.token, httponly=True, samesite="Strict")
    if request.args.get("lang") in LANGUAGES:
        response.set_cookie(LANG_COOKIE, request.args["lang"], samesite="Strict")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    response.headers.setdefault("Referrer-Policy", "no-referrer")  # the token never leaves in a Referer
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def _forget_language(_exc=None) -> None:
    speaking_now = g.pop("speaking", None)
    if speaking_now is not None:
        speaking_now.__exit__(None, None, None)


def _refused(error) -> tuple[str, int]:
    description = getattr(error, "description", "") or ""
    return render_template("refused.html", code=error.code, message=_(description) if description else ""), error.code


def _csrf_refused(error: CSRFError) -> tuple[str, int]:
    message = _("the form is out of date or did not come from this desk (its CSRF value is missing or "
                "wrong): open the page again and repeat the change")
    return render_template("refused.html", code=400, message=message), 400


def _too_large(error) -> tuple[str, int]:
    limit = settings_of().max_upload // (1024 * 1024)
    message = _("the files sent at once are larger than {limit} MB: send fewer at a time").format(limit=limit)
    if request.accept_mimetypes.best == "application/json" or request.headers.get("X-Requested-With"):
        return jsonify(error=message), 413
    return render_template("refused.html", code=413, message=message), 413


class Server:
    """The desk's HTTP server in a thread; `url` carries the token."""

    def __init__(self, settings: DeskSettings, host: str = "127.0.0.1", port: int = 8765):
        self.settings = settings
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request on the curator's terminal
        try:
            self.httpd = make_server(host, port, make_app(settings), threaded=True)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortInUse(port) from None
            raise KyvatError(N_("cannot serve on port {port}: {reason}"),
                             params=make_params(port=port, reason=exc.strerror)) from None
        bound = self.httpd.server_address[1]
        names = set(LOCAL_HOSTS) | ({host} if host not in ("0.0.0.0", "::") else set())
        settings.hosts |= {f"{name}:{bound}" for name in names}
        shown = host if host not in ("0.0.0.0", "::") else "127.0.0.1"
        self.port = bound
        self.url = f"http://{shown}:{bound}/?token={settings.token}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> Server:
        self.thread.start()
        return self

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def start_server(settings: DeskSettings, host: str = "127.0.0.1", port: int = 8765) -> Server:
    return Server(settings, host, port).start()
