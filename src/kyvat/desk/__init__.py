"""`kyvat desk`: the curator's desk, a local web application that edits the collection's plain
records through forms (Vietnamese first, English on a switch), with the same library calls as the
command line: every write goes through recordedit.py (comments, key order and quoting kept), the
ingest code copies scans, validate.py finds the problems, build.py publishes, history.py keeps a
git commit of each save when the collection is a repository.

- app.py: the Flask application, its safety checks (token, Host, CSRF) and the local server;
- common.py: what every view shares (the collection, paths kept inside it, versions, saving);
- views_*.py: one Blueprint each, listed in BLUEPRINTS below;
- templates/, static/: server-rendered pages and a little JavaScript, no build step, no CDN.
"""

from __future__ import annotations

BLUEPRINTS: list = []


def _register() -> None:
    from . import views_home  # noqa: F401  (each views module appends its Blueprint)
    from . import views_records  # noqa: F401
    from . import views_narratives  # noqa: F401
    from . import views_life  # noqa: F401
    from . import views_publish  # noqa: F401
    from . import views_history  # noqa: F401
    from . import views_scans  # noqa: F401
    from . import views_paperwork  # noqa: F401


_register()
