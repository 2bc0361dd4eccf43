"""The built sample site in headless Chromium: every link answers, nothing leaves the origin, no
console error, the deep-zoom viewer loads level-0 tiles, the language switch, axe-core, page
weight, reading without JavaScript, and screenshots at phone and desktop widths."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urldefrag

import pytest

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "js" / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path("/tmp/kyvat-shots")
BUDGET = 200 * 1024  # an object page's HTML + CSS + JS, images and fonts aside
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def site_url(built_sample, serve) -> str:
    return serve(built_sample)


class Watch:
    """Records what a page asks for: requests to another host are refused and counted as
    failures, as are answers of 4xx/5xx and console errors."""

    def __init__(self, page, origin: str):
        self.origin, self.failures, self.requests, self.bytes = origin, [], [], {}
        page.route("**/*", self.route)
        page.on("response", self.response)
        page.on("console", lambda msg: msg.type == "error" and self.failures.append(f"console: {msg.text}"))
        page.on("pageerror", lambda exc: self.failures.append(f"page error: {exc}"))

    def route(self, route):
        url = route.request.url
        if url.startswith((self.origin, "data:", "blob:")):
            self.requests.append((url, route.request.resource_type))
            route.continue_()
        else:
            self.failures.append(f"request to another host: {url}")
            route.abort()

    def response(self, response):
        if response.status >= 400:
            self.failures.append(f"{response.status} {response.url}")


def test_crawl_every_same_origin_link(browser, site_url, built_sample):
    context = browser.new_context()
    page = context.new_page()
    watch = Watch(page, site_url)
    queue, seen = [site_url + "index.html", site_url + "en/index.html"], set()
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        answer = page.goto(url, wait_until="load")
        assert answer is not None and answer.ok, f"{url} answered {answer.status if answer else 'nothing'}"
        if not url.endswith(".html"):
            continue
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            target = urldefrag(href)[0].split("?")[0]
            if target.startswith(site_url) and target not in seen:
                queue.append(target)
    context.close()
    pages = {u for u in seen if u.endswith(".html")}
    expected = {p.relative_to(built_sample).as_posix() for p in built_sample.rglob("index.html")
                if "pagefind" not in p.parts and "search" not in p.parts}
    reached = {u[len(site_url):] for u in pages}
    assert expected <= reached, sorted(expected - reached)
    assert watch.failures == []


def object_pages(built_sample: Path) -> list[str]:
    return sorted(p.parent.name for p in (built_sample / "objects").glob("*/index.html"))


def test_every_object_page_zooms_into_level0_tiles_of_its_own(browser, site_url, built_sample):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    watch = Watch(page, site_url)
    zoomed = 0
    for object_id in object_pages(built_sample):
        page.goto(f"{site_url}objects/{object_id}/index.html")
        buttons = page.locator("button.zoom")
        if buttons.count() == 0:
            assert page.locator("audio, video, .no-image").count() > 0, object_id
            continue
        first = len(watch.requests)
        buttons.first.click()
        page.wait_for_function("() => document.querySelector('#viewer .openseadragon-canvas canvas')")
        # a tile is a region of the image, unlike the page's own pre-made sizes under full/
        tile = re.compile(rf"/iiif/images/{re.escape(object_id)}-\d+/\d+,\d+,\d+,\d+/\d+,\d*/0/default\.jpg$")
        page.wait_for_function(
            "() => performance.getEntriesByType('resource').some(e => /\\/iiif\\/images\\/.+\\/\\d+,\\d+,\\d+,\\d+\\//.test(e.name))")
        asked = [url for url, _ in watch.requests[first:]]
        assert any(u.endswith(f"/iiif/images/{object_id}-1/info.json") for u in asked), object_id
        assert any(tile.search(u) for u in asked), (object_id, asked)
        page.keyboard.press("Escape")
        assert not page.locator("dialog#viewer").evaluate("d => d.open")
        zoomed += 1
    context.close()
    assert zoomed >= 5
    assert watch.failures == []


def test_viewer_works_from_the_keyboard(browser, site_url):
    page = browser.new_page(viewport=DESKTOP)
    watch = Watch(page, site_url)
    page.goto(site_url + "objects/AB-2026-0002/index.html")
    page.locator("button.zoom").nth(1).focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('#viewer .openseadragon-canvas canvas')")
    title = page.locator("#viewer-title")
    # the heading is the figure's data-title: i18n.yaml's scan.title filled by the page
    assert title.text_content() == page.locator("figure[data-title]").nth(1).get_attribute("data-title")
    page.wait_for_function("() => document.activeElement.classList.contains('openseadragon-canvas')")
    page.wait_for_function("() => document.querySelector('#viewer').osd.world.getItemCount() > 0")
    zoom = "() => document.querySelector('#viewer').osd.viewport.getZoom(true)"
    before = page.evaluate(zoom)
    page.keyboard.press("Equal", delay=300)  # OpenSeadragon's own key: "=" / "+" zooms in while held
    page.wait_for_function(f"z => ({zoom})() > z * 1.05", arg=before)
    second = title.text_content()
    page.locator("#viewer [data-act=next]").focus()
    page.keyboard.press("Enter")
    assert title.text_content() == page.locator("figure[data-title]").nth(2).get_attribute("data-title")
    assert title.text_content() != second
    page.keyboard.press("Escape")
    assert not page.locator("dialog#viewer").evaluate("d => d.open")
    page.close()
    assert watch.failures == []


PAIRS = ["index.html", "objects/index.html", "objects/AB-2026-0001/index.html", "people/index.html",
         "people/nguyen-van-duc/index.html", "exhibitions/thu-tu-mat-tran/index.html", "donors/index.html",
         "gioi-thieu/index.html", "search/index.html"]


@pytest.mark.parametrize("path", PAIRS)
def test_language_switch_reaches_the_same_page(browser, site_url, path):
    page = browser.new_page()
    page.goto(site_url + path)
    assert page.locator("html").get_attribute("lang") == "vi"
    page.locator("a.lang").click()
    page.wait_for_load_state()
    assert page.url == site_url + "en/" + path
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator("a.lang").click()
    page.wait_for_load_state()
    assert page.url == site_url + path
    page.close()


@pytest.mark.parametrize("path", ["index.html", "objects/AB-2026-0001/index.html", "people/nguyen-van-duc/index.html",
                                  "exhibitions/thu-tu-mat-tran/index.html", "en/people/index.html",
                                  "en/objects/index.html"])
def test_axe_finds_no_serious_or_critical_violation(browser, site_url, path):
    assert AXE.is_file(), "run 'make test' (npm ci in tests/js) to install axe-core"
    page = browser.new_page(viewport=PHONE)
    page.goto(site_url + path)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']})")
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
           if v["impact"] in ("serious", "critical")]
    page.close()
    assert bad == []


def test_object_pages_stay_under_the_weight_budget(browser, site_url, built_sample):
    """What a phone downloads to show an object page, before any image; OpenSeadragon is not
    counted because it loads only when a visitor opens the zoom viewer."""
    weights = {}
    for object_id in object_pages(built_sample):
        page = browser.new_page()
        page.goto(f"{site_url}objects/{object_id}/index.html", wait_until="load")
        # Read from the page's own resource timing, not from response events: on a busy machine
        # those could arrive after `load`, once the page was closed (a page weighed 0 bytes).
        sizes = page.evaluate("""() => performance.getEntriesByType("navigation").concat(
            performance.getEntriesByType("resource").filter(e => e.initiatorType === "script"
                || (e.initiatorType === "link" && /[.]css([?#]|$)/.test(e.name))))
            .map(e => [e.name, e.decodedBodySize])""")
        page.close()
        weights[object_id] = sum(dict(sizes).values())
    assert weights and all(w > 10_000 for w in weights.values()), weights
    assert max(weights.values()) < BUDGET, weights


def test_readable_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(site_url + "objects/AB-2026-0001/index.html", wait_until="networkidle")
    image = page.locator("section.scan img").first
    assert image.is_visible() and image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.locator(".transcript").first.is_visible()
    assert "Mẹ" in page.locator(".transcript").first.inner_text()
    assert page.locator("button.zoom").first.is_hidden()
    page.goto(site_url + "objects/index.html")
    assert page.locator("#object-list > li:visible").count() == page.locator("#object-list > li").count() > 5
    assert page.locator("#filters").is_hidden()
    context.close()


def test_browse_filters_and_roll_sorting_work_in_the_browser(browser, site_url):
    page = browser.new_page()
    page.goto(site_url + "objects/index.html")
    total = page.locator("#object-list > li").count()
    page.select_option("select[name=type]", "letter")
    visible = page.locator("#object-list > li:visible")
    assert 0 < visible.count() < total
    assert set(visible.evaluate_all("els => els.map(e => e.dataset.type)")) == {"letter"}
    assert "type=letter" in page.url
    page.select_option("select[name=person]", "nguyen-van-duc")
    assert all("nguyen-van-duc" in p.split() for p in visible.evaluate_all("els => els.map(e => e.dataset.people)"))
    page.click("button[type=reset]")
    page.wait_for_function(f"() => document.querySelectorAll('#object-list > li:not([hidden])').length === {total}")
    page.goto(site_url + "people/index.html")
    page.click("button[data-sort=death]")
    deaths = page.locator("#roll tbody tr").evaluate_all("rows => rows.map(r => r.dataset.death)")
    assert deaths == sorted(deaths) and len(deaths) >= 2
    page.click("button[data-sort=name]")
    names = page.locator("#roll tbody tr").evaluate_all("rows => rows.map(r => Number(r.dataset.name))")
    assert names == sorted(names)
    page.close()


@pytest.mark.parametrize("size_name, viewport", [("phone", PHONE), ("desktop", DESKTOP)])
def test_screenshots_fit_the_screen(browser, site_url, size_name, viewport):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport=viewport)
    for name, path in (("home", "index.html"), ("object", "objects/AB-2026-0001/index.html")):
        page.goto(site_url + path, wait_until="networkidle")
        page.evaluate("() => document.fonts.ready")
        page.screenshot(path=str(SHOTS / f"{name}-{size_name}.png"), full_page=True)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than a {size_name} screen"
    page.close()
