"""A curator at the desk, for the tests: a Flask test client that holds the token cookie and
sends each form with the CSRF value of the page it was on (tests/test_desk_*.py)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from kyvat.desk.app import DeskSettings, make_app

HOST = "127.0.0.1:8765"
TODAY = dt.date(2026, 9, 1)  # the day every desk test lives on, whatever the clock says
_CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


class Desk:
    def __init__(self, root: Path, out: Path, lang: str = "en", **settings):
        self.settings = DeskSettings(root=root, out=out, today=lambda: TODAY, hosts={HOST}, **settings)
        self.app = make_app(self.settings)
        self.client = self.app.test_client()
        self.root = root
        first = self.client.get(f"/?token={self.settings.token}&lang={lang}", headers={"Host": HOST})
        assert first.status_code == 200, first.data[:500]
        self.csrf = _CSRF.search(first.get_data(as_text=True)).group(1)

    def get(self, url: str, **kwargs):
        kwargs.setdefault("headers", {"Host": HOST})
        return self.client.get(url, **kwargs)

    def post(self, url: str, data: dict | None = None, **kwargs):
        """A form sent from a desk page: the CSRF value added unless the test gives its own."""
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf)
        kwargs.setdefault("headers", {"Host": HOST})
        return self.client.post(url, data=data, **kwargs)


AXE = Path(__file__).parent / "js" / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page (as test_site_browser.py runs it)."""
    assert AXE.is_file(), "run 'make test' (npm ci in tests/js) to install axe-core"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', "
                           "'best-practice']})")
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def drop_files(page, files: list[dict]) -> None:
    """Drop files on the scans page's drop zone as a curator's drag from the file manager does:
    `files` are {name, type, data (base64)}."""
    page.evaluate("""(files) => {
        const transfer = new DataTransfer();
        for (const f of files) {
            const bytes = Uint8Array.from(atob(f.data), c => c.charCodeAt(0));
            transfer.items.add(new File([bytes], f.name, {type: f.type}));
        }
        const zone = document.getElementById('dropzone');
        zone.dispatchEvent(new DragEvent('dragover', {dataTransfer: transfer, bubbles: true, cancelable: true}));
        zone.dispatchEvent(new DragEvent('drop', {dataTransfer: transfer, bubbles: true, cancelable: true}));
    }""", files)
