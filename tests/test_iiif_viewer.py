"""A multi-page document of a built site opens in real IIIF viewers (OpenSeadragon and Mirador) in
headless Chromium, with every page listed and tiles loading from the site's static files."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from kyvat.build import build

REPO = Path(__file__).resolve().parents[1]
FIXTURE_COLLECTION = REPO / "tests" / "fixtures" / "collection"
OPENSEADRAGON = REPO / "site_templates" / "static" / "vendor" / "openseadragon" / "openseadragon.min.js"
MIRADOR = REPO / "tests" / "js" / "node_modules" / "mirador" / "dist" / "mirador.min.js"
TILE = re.compile(r"/iiif/images/(?P<service>[^/]+)/\d+,\d+,\d+,\d+/\d+,\d+/0/default\.jpg$")
SCREENSHOT = Path("/tmp/kyvat-mirador.png")

pytestmark = pytest.mark.browser

# OpenSeadragon reads no manifest: the page reads it as any IIIF client would and gives OSD the
# image service of each canvas's painting, in order.
OSD_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>OpenSeadragon</title></head>
<body style="margin:0"><div id="viewer" style="width:900px;height:700px"></div>
<script src="openseadragon.min.js"></script>
<script>
fetch(new URLSearchParams(location.search).get("manifest")).then(r => r.json()).then(manifest => {
  const services = manifest.items.map(canvas => canvas.items[0].items[0].body.service[0].id + "/info.json");
  window.viewer = OpenSeadragon({id: "viewer", tileSources: services, sequenceMode: true,
                                 showReferenceStrip: true, showNavigationControl: false});
  window.canvases = manifest.items.length;
});
</script></body></html>
"""

MIRADOR_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Mirador</title></head>
<body style="margin:0"><div id="viewer" style="position:absolute;inset:0"></div>
<script src="mirador.min.js"></script>
<script>
Mirador.viewer({
  id: "viewer", language: "en", workspaceControlPanel: {enabled: false}, window: {allowClose: false},
  windows: [{manifestId: new URLSearchParams(location.search).get("manifest"),
             thumbnailNavigationPosition: "far-bottom"}],
});
</script></body></html>
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory, serve) -> tuple[Path, str]:
    """The test collection built with base_url = the local server, so its IIIF ids resolve here."""
    root = tmp_path_factory.mktemp("iiif-viewer")
    url = serve(root) + "site/"
    build(FIXTURE_COLLECTION, root / "site", cache=root / "cache", jobs=2, base_url=url)
    return root / "site", url


@pytest.fixture(scope="module")
def document(site) -> tuple[str, dict]:
    """The manifest URL and content of the first multi-page (paged) document of the built site."""
    folder, _ = site
    for path in sorted((folder / "iiif").glob("*/manifest.json")):
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if manifest.get("behavior") == ["paged"] and len(manifest["items"]) > 1:
            return manifest["id"], manifest
    pytest.fail("the test collection has no multi-page letter, diary or document")


def _service(manifest: dict, index: int) -> str:
    """The image service name (`{id}-{n}`) painted on canvas `index`."""
    return manifest["items"][index]["items"][0]["items"][0]["body"]["service"][0]["id"].rsplit("/", 1)[1]


def _is_tile_of(service: str):
    return lambda response: (m := TILE.search(response.url)) is not None and m["service"] == service


def _open(browser, url: str, first_service: str):
    """Open `url`, waiting until a tile of the first page has been answered."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    responses: list = []
    page.on("response", lambda response: responses.append(response))
    errors: list = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    with page.expect_response(_is_tile_of(first_service), timeout=20_000):
        page.goto(url)
    return page, responses, errors


def _tile_statuses(responses, service: str) -> list[int]:
    return [r.status for r in responses if _is_tile_of(service)(r)]


def test_openseadragon_shows_every_page_with_tiles(browser, site, document):
    folder, url = site
    manifest_url, manifest = document
    shutil.copyfile(OPENSEADRAGON, folder / "osd-test.js")
    (folder / "osd-test.html").write_text(OSD_PAGE.replace("openseadragon.min.js", "osd-test.js"), encoding="utf-8")
    page, responses, errors = _open(browser, f"{url}osd-test.html?manifest={manifest_url}", _service(manifest, 0))
    page.wait_for_function("viewer.world.getItemCount() === 1 && viewer.world.getItemAt(0).getFullyLoaded()",
                           timeout=20_000)
    assert page.evaluate("viewer.tileSources.length") == len(manifest["items"]) > 1
    first = manifest["items"][0]
    assert page.evaluate("[viewer.world.getItemAt(0).source.width, viewer.world.getItemAt(0).source.height]") == [
        first["width"], first["height"]]
    with page.expect_response(_is_tile_of(_service(manifest, 1)), timeout=20_000):
        page.evaluate("viewer.goToPage(1)")
    page.wait_for_function("viewer.currentPage() === 1 && viewer.world.getItemAt(0).getFullyLoaded()",
                           timeout=20_000)
    for index in (0, 1):
        statuses = _tile_statuses(responses, _service(manifest, index))
        assert statuses and set(statuses) == {200}, (index, statuses)
    assert errors == []
    page.close()


def test_mirador_lists_the_pages_and_loads_tiles(browser, site, document):
    folder, url = site
    manifest_url, manifest = document
    shutil.copyfile(MIRADOR, folder / "mirador-test.js")
    (folder / "mirador-test.html").write_text(MIRADOR_PAGE.replace("mirador.min.js", "mirador-test.js"),
                                              encoding="utf-8")
    page, responses, errors = _open(browser, f"{url}mirador-test.html?manifest={manifest_url}",
                                    _service(manifest, 0))
    labels = [canvas["label"]["en"][0] for canvas in manifest["items"]]
    strip = page.locator(".mirador-thumb-navigation")
    for label in labels:
        strip.get_by_text(label, exact=True).wait_for(timeout=20_000)
    page.locator(".mirador-canvas-count").filter(has_text=f"of {len(labels)}").wait_for(timeout=20_000)
    with page.expect_response(_is_tile_of(_service(manifest, 1)), timeout=20_000):
        page.get_by_role("button", name="Next item").click()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)  # let the viewer's pan to the next page finish before the screenshot
    page.screenshot(path=str(SCREENSHOT))
    for index in (0, 1):
        statuses = _tile_statuses(responses, _service(manifest, index))
        assert statuses and set(statuses) == {200}, (index, statuses)
    assert manifest["label"]["en"][0] in page.locator(".mirador-window-top-bar").first.inner_text()
    assert errors == []
    page.close()
