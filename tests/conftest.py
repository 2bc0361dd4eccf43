"""Shared fixtures: the tiny test collection, the bundled sample, built sites, a local HTTP server
and headless Chromium (Debian's /usr/bin/chromium driven by Playwright)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# The CLI speaks the locale's language (kyvat/messages.py): the tests read its English, on any computer,
# unless a test asks for Vietnamese itself.
for _variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
    os.environ.pop(_variable, None)
os.environ["LANG"] = "C.UTF-8"

from kyvat.server import LocalServer  # noqa: E402  (after the locale is set)

REPO = Path(__file__).resolve().parents[1]
FIXTURE_COLLECTION = REPO / "tests" / "fixtures" / "collection"
SAMPLE_COLLECTION = REPO / "collection"
CHROMIUM = "/usr/bin/chromium"
# Without these, Chromium tries to reach Google's hosts, which this closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


@pytest.fixture
def collection_copy(tmp_path: Path) -> Path:
    """A fresh copy of the tiny test collection, free to damage."""
    target = tmp_path / "collection"
    shutil.copytree(FIXTURE_COLLECTION, target)
    return target


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A fresh copy of the bundled sample collection, free to damage."""
    target = tmp_path / "collection"
    shutil.copytree(SAMPLE_COLLECTION, target)
    return target


@pytest.fixture
def no_identity(tmp_path, monkeypatch) -> Path:
    """A machine with no git identity and no configuration but the repositories' own (as on CI):
    kyvat signs its commits. Returns the fresh HOME. (`pytestmark = pytest.mark.usefixtures("no_identity")`)"""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL",
                 "XDG_CONFIG_HOME", "GIT_CONFIG_GLOBAL", "GIT_DIR", "GIT_WORK_TREE"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture(scope="session")
def serve():
    """`serve(folder)` starts a local server for the session and returns its base URL."""
    servers: list[LocalServer] = []

    def start(folder: Path) -> str:
        server = LocalServer(folder, 0)
        servers.append(server)
        return server.url

    yield start
    for server in servers:
        server.close()


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """Headless Debian Chromium through Playwright. A missing browser is a failure, not a skip:
    `make test` installs it (tools/system-deps.sh)."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: run 'make test' (it installs Debian's chromium)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def ffmpeg() -> None:
    """FFmpeg for recordings (the sample's WebM video, the recording tests). A missing FFmpeg is one
    clear failure, not a skip and not a diff of skipped scans: `make test` installs it."""
    missing = [tool for tool in ("ffmpeg", "ffprobe") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"FFmpeg is needed ({' and '.join(missing)} not found): apt-get install ffmpeg, "
                    "or run 'make test'", pytrace=False)


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory, ffmpeg) -> Path:
    """The bundled sample collection built once for the session (site, IIIF, search)."""
    from kyvat.build import build

    root = tmp_path_factory.mktemp("sample-build")
    out = root / "_site"
    build(SAMPLE_COLLECTION, out, cache=root / "cache", jobs=2)
    return out


@pytest.fixture(scope="session")
def built_fixture(tmp_path_factory) -> Path:
    """The tiny test collection built once for the session."""
    from kyvat.build import build

    root = tmp_path_factory.mktemp("fixture-build")
    out = root / "_site"
    build(FIXTURE_COLLECTION, out, cache=root / "cache", jobs=2)
    return out
