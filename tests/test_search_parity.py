"""The two searches agree: every query finds the same records through `kyvat search --json` and
through the built sample's /search/ page in headless Chromium (Pagefind, static/search.js)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from kyvat.cli import main
from kyvat.i18n import read_words
from kyvat.urls import Urls
from kyvat.vietnamese import fold, to_term

from conftest import SAMPLE_COLLECTION

pytestmark = pytest.mark.browser

QUERIES = [
    # folded and as written
    "liet si", "liệt sĩ", "liệt sỹ", "LIET SY", "hy sinh", "hi sinh",
    # names with đ / Đ
    "duc", "Đức", "đức", "nguyen van duc", "Nguyễn Văn Đức", "do van minh", "Đỗ Văn Minh",
    "tran quoc hung", "Trần Quốc Hưng", "pham thi lan", "hoang thi mai",
    # phrases
    "thu gui me", "Thư gửi mẹ", '"thu gui me"', '"gửi mẹ"', '"le chan"', '"thanh co quang tri"',
    # places, old administrative names
    "le chan cu", "quận Lê Chân cũ", "hai phong", "Hải Phòng", "quang tri", "an bien", "truong son",
    "duong 9 nam lao",
    # things, dates, numbers
    "nhat ky", "nhật ký", "bang to quoc ghi cong", "huan chuong", "khan du", "1972", "AB-2026-0007",
    "me", "mẹ", "ma", "mả",
]
ENGLISH_SITE = ["duc", "liet si", "Thư gửi mẹ", '"gửi mẹ"', "le chan cu"]


@pytest.fixture(scope="module")
def cli(tmp_path_factory):
    """`kyvat search --json` on a copy of the sample (its research index goes beside the copy)."""
    collection = tmp_path_factory.mktemp("parity") / "collection"
    shutil.copytree(SAMPLE_COLLECTION, collection)

    def run(query: str) -> set[str]:
        result = CliRunner().invoke(main, ["search", "-c", str(collection), query, "--json", "--limit", "100000"])
        assert result.exit_code == 0, result.output
        data = json.loads(result.output)
        assert data["total"] == len(data["hits"])
        return {hit["key"] for hit in data["hits"]}

    return run


@pytest.fixture(scope="module")
def built_in_parts(tmp_path_factory, ffmpeg):
    """The sample built with an index of four records a part: eight parts, merged in by search.js
    as those of a collection of 16,001 to 32,000 records are (sitesearch.count_parts)."""
    from kyvat import sitesearch
    from kyvat.build import build

    root = tmp_path_factory.mktemp("parts-build")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sitesearch, "PART_RECORDS", 4)
        report = build(SAMPLE_COLLECTION, root / "_site", cache=root / "cache", jobs=2)
    assert report.stages["sitesearch"].counts["search_parts"] == 8
    return root / "_site"


@pytest.fixture(scope="module", params=["one index", "in parts"])
def site(request, serve, browser):
    built = request.getfixturevalue("built_sample" if request.param == "one index" else "built_in_parts")
    url = serve(built)
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    def run(query: str, lang_prefix: str = "") -> set[str]:
        page.goto(f"{url}{lang_prefix}search/?q={quote(query)}")
        page.wait_for_function("q => document.getElementById('search').dataset.done === q", arg=query)
        # Ten hits (records) show at a time: page through all of them with the visible "More results"
        # button, which must disappear (be really invisible, not only flagged hidden) once all are
        # shown. The total can only fall as pages load (a record whose words are spread over its
        # transcription pages is no hit), so it is read again each time.
        more = page.locator(".search-more")

        def total() -> int:
            return int(page.locator("#search").get_attribute("data-total"))

        while (shown := page.locator(".search-hit").count()) < total():
            assert more.is_visible(), f"{shown} of {total()} hits shown and no visible 'More results'"
            more.click()
            page.wait_for_function(f"document.querySelectorAll('.search-hit').length > {shown} || "
                                   f"document.querySelector('.search-more').hidden")
        assert page.locator(".search-hit").count() == total()
        assert not more.is_visible()
        assert errors == []
        # A hit is a record; its sections found (the object's text, its transcription pages) are
        # the research index's documents, named in data-keys.
        return {k for li in page.locator(".search-hit").all() for k in li.get_attribute("data-keys").split()}

    run.page = page
    yield run
    page.close()


def _objects(keys: set[str]) -> set[str]:
    """Transcript pages stand for their object."""
    return {("object:" + k.split(":")[1]) if k.startswith("transcript:") else k for k in keys}


def test_at_least_thirty_queries():
    assert len(QUERIES) >= 30


@pytest.mark.parametrize("query", QUERIES)
def test_site_and_cli_find_the_same_records(query, cli, site):
    expected = cli(query)
    assert expected, f"{query!r} finds nothing in the sample: the query set no longer tests anything"
    found = site(query)
    assert found == expected
    assert _objects(found) == _objects(expected)


@pytest.mark.parametrize("query", ENGLISH_SITE)
def test_english_site_agrees_too(query, cli, site):
    assert site(query, "en/") == cli(query)


@pytest.mark.parametrize("query, title", [("liet si", "Giấy báo tử liệt sĩ Nguyễn Văn Đức"),
                                          ("duc", "Nguyễn Văn Đức"), ("thu gui me", "Thư gửi mẹ")])
def test_done_when_queries_show_the_objects(query, title, site):
    site(query)
    titles = site.page.locator(".search-hit a").all_inner_texts()
    assert title in titles
    link = site.page.locator(".search-hit a", has_text=title).first.get_attribute("href")
    assert "/objects/" in link or "/people/" in link


def test_a_transcript_hit_links_to_its_page_with_marks_in_the_original(site):
    site('"con hon me"')
    hit = site.page.locator('.search-hit .search-page[data-key^="transcript:"]').first
    assert hit.locator("a").get_attribute("href").endswith("/objects/AB-2026-0001/#p2")
    assert "<mark>mẹ</mark>" in hit.locator("p").inner_html()  # folded query, original shown


def test_the_browser_folds_as_python_does(site):
    site("duc")
    words = ["Liệt", "sỹ", "Quí", "ĐỨC", "Thuỷ", "Hoà", "ngưỡng", "Ỷ", "kỹ", "giữ", "ĐƯỜNG", "Mỹ", "Hy"]
    folded = site.page.evaluate("""async words => {
        const m = await import(new URL("../static/search.js", location.href).href);
        const analysis = new URL(document.getElementById("search").dataset.analysis, document.baseURI);
        const variants = (await (await fetch(analysis)).json()).variants;
        return words.map(w => [m.fold(w), m.term(w, variants)]);
    }""", words)
    assert folded == [[fold(w), to_term(w)] for w in words]


def test_words_spread_over_pages_cost_a_screen_at_most_twenty_texts(tmp_path, serve, browser):
    """Forty letters hold `Nguyễn Văn` and `Đức`, only ten of them on one page: Pagefind finds all
    forty records; a screen fetches the texts of twenty at most, says the count is an upper bound
    ("Tối đa"), and paging on ends with exactly the ten letters, each at its page."""
    from kyvat import sitesearch
    from kyvat.model import Text
    from kyvat.searchdocs import SearchDoc

    docs = []
    for i in range(40):
        oid = f"AB-2026-{i:04d}"
        title = Text(vi=f"Thư số {i}", en=f"Letter no. {i}")
        pages = ["Nguyễn Văn Đức viết." if i % 4 == 0 else "Nguyễn Văn viết.", "Ký tên: Đức." if i % 4 else "Hết."]
        docs.append(SearchDoc(key=f"object:{oid}", kind="object", title=title, url=f"objects/{oid}/", text="Thư.",
                              object_id=oid))
        docs += [SearchDoc(key=f"transcript:{oid}:{n}", kind="transcript", page=n, object_id=oid,
                           title=Text(vi=f"{title.vi} — Trang {n}", en=f"{title.en} — Page {n}"),
                           url=f"objects/{oid}/#p{n}", text=text) for n, text in enumerate(pages, 1)]
    sitesearch.write_site_index(docs, tmp_path)
    (tmp_path / "static").mkdir()
    shutil.copy(Path(__file__).parents[1] / "site_templates" / "static" / "search.js", tmp_path / "static")
    (tmp_path / "search").mkdir()
    here = Urls.file(Urls.search())
    paths = "".join(f' data-{name}="{Urls.relative(path, here)}"' for name, path in Urls.search_paths("vi").items())
    (tmp_path / here).write_text(
        '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Tìm</title></head><body>'
        f'<div id="search"{paths}></div>'
        f'<script type="application/json" id="kyvat-words">{json.dumps(read_words(None).for_script("vi"))}</script>'
        '<script type="module" src="../static/search.js"></script></body></html>',
        encoding="utf-8")
    page = browser.new_page()
    texts: list[str] = []
    page.on("request", lambda r: texts.append(r.url) if "/kyvat-text/" in r.url else None)
    page.goto(f"{serve(tmp_path)}search/?q={quote('nguyen van duc')}")
    page.wait_for_function("document.getElementById('search').dataset.done === 'nguyen van duc'")
    shown = page.locator(".search-hit").count()
    assert len(texts) <= 20 and 0 < shown < 10
    assert page.locator(".search-status").inner_text().startswith("Tối đa ")
    while page.locator(".search-more").is_visible():
        before = page.locator(".search-hit").count()
        page.locator(".search-more").click()
        page.wait_for_function(f"document.querySelectorAll('.search-hit').length > {before} || "
                               f"document.querySelector('.search-more').hidden")
    expected = {f"transcript:AB-2026-{i:04d}:1" for i in range(0, 40, 4)}
    assert {k for li in page.locator(".search-hit").all() for k in li.get_attribute("data-keys").split()} == expected
    assert page.locator(".search-status").inner_text() == "10 kết quả cho “nguyen van duc”"
    assert len(texts) == 40
    page.close()
