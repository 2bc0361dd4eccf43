"""The URL map (urls.py): every address kyvat publishes, and no address built anywhere else."""

from __future__ import annotations

import ast
import io
import pickle
import re
import tokenize
from pathlib import Path

import pytest

from kyvat import iiif
from kyvat.model import Artifact, Collection, Config, Source, Text
from kyvat.urls import Urls

SOURCE = Path(__file__).resolve().parents[1] / "src" / "kyvat"
URLS = Urls("https://example.vn/nha/", ("vi", "en"))


def test_page_keys_are_language_independent_and_folders():
    assert [URLS.home(), URLS.objects(), URLS.object("AB-2026-0001"), URLS.people(), URLS.person("nguyen-van-duc"),
            URLS.exhibitions(), URLS.exhibition("thu-tu-chien-truong"), URLS.donors(), URLS.page("gioi-thieu"),
            URLS.search(), URLS.not_found()] == [
        "", "objects/", "objects/AB-2026-0001/", "people/", "people/nguyen-van-duc/", "exhibitions/",
        "exhibitions/thu-tu-chien-truong/", "donors/", "gioi-thieu/", "search/", "404.html"]
    assert URLS.scan("AB-2026-0001", 3) == "objects/AB-2026-0001/#p3"
    assert URLS.scan_anchor(3) == "p3"


def test_vietnamese_is_at_the_root_and_english_under_en():
    key = URLS.object("AB-2026-0001")
    assert URLS.in_lang(key, "vi") == "objects/AB-2026-0001/"
    assert URLS.in_lang(key, "en") == "en/objects/AB-2026-0001/"
    assert (URLS.lang_prefix("vi"), URLS.lang_prefix("en")) == ("", "en/")
    assert URLS.in_lang(URLS.home(), "en") == "en/"


def test_the_language_switch_of_the_404_page_goes_home():
    assert URLS.switch(URLS.person("a"), "en") == "en/people/a/"
    assert URLS.switch(URLS.not_found(), "en") == "en/"
    assert URLS.switch(URLS.not_found(), "vi") == ""


def test_a_folder_is_served_as_its_index_html():
    assert URLS.file(URLS.home()) == "index.html"
    assert URLS.file(URLS.in_lang(URLS.object("X"), "en")) == "en/objects/X/index.html"
    assert URLS.file(URLS.not_found()) == "404.html"
    assert URLS.file(URLS.sitemap()) == "sitemap.xml"


def test_files_that_are_not_pages():
    assert URLS.static("kyvat.css") == "static/kyvat.css"
    assert (URLS.sitemap(), URLS.robots(), URLS.pagefind()) == ("sitemap.xml", "robots.txt", "pagefind/")
    assert URLS.media("AB-2026-0002", 1, ".mp3") == "media/AB-2026-0002-1.mp3"
    assert URLS.pagefind_script() == "pagefind/pagefind.js"
    assert URLS.search_texts() == "pagefind/kyvat-text/"
    assert URLS.search_text("en_1a2b3c") == "pagefind/kyvat-text/en_1a2b3c.json"
    assert URLS.search_analysis() == "pagefind/kyvat-analysis.json"


@pytest.mark.parametrize("target, here, expected", [
    ("", "index.html", "index.html"),
    ("objects/", "index.html", "objects/index.html"),
    ("objects/AB-1/", "en/objects/AB-2/index.html", "../../../objects/AB-1/index.html"),
    ("static/kyvat.css", "en/people/index.html", "../../static/kyvat.css"),
    ("en/", "objects/AB-1/index.html", "../../en/index.html"),
    ("objects/AB-1/#p2", "search/index.html", "../objects/AB-1/#p2"),
    ("iiif/X/manifest.json?manifest=https%3A//example.vn/nha/iiif/X/manifest.json", "objects/X/index.html",
     "../../iiif/X/manifest.json?manifest=https%3A//example.vn/nha/iiif/X/manifest.json"),
])
def test_links_are_relative_to_the_page(target, here, expected):
    assert URLS.relative(target, here) == expected


def test_the_404_page_links_from_the_site_root():
    assert URLS.from_root(URLS.in_lang(URLS.objects(), "en"), URLS.root_path) == "/nha/en/objects/index.html"
    assert URLS.from_root(URLS.iiif_link("X"), "/") == "/" + URLS.iiif_link("X")


def test_pagefind_names_a_page_by_its_server_path():
    assert URLS.served(URLS.page_of(URLS.scan("AB-1", 2))) == "/objects/AB-1/"
    assert URLS.served(URLS.home()) == "/"
    assert URLS.served(URLS.not_found()) == "/404.html"
    assert URLS.page_of(URLS.person("a")) == "people/a/"


def test_every_iiif_path():
    oid = "AB-2026-0001"
    assert URLS.manifest(oid) == "iiif/AB-2026-0001/manifest.json"
    assert URLS.record(oid) == "iiif/AB-2026-0001/record.json"
    assert URLS.record_schema() == "iiif/record.schema.json"
    assert URLS.canvas(oid, 2) == "iiif/AB-2026-0001/canvas/2"
    assert URLS.annotation_page(oid, 2, "painting") == "iiif/AB-2026-0001/canvas/2/painting"
    assert URLS.annotation(oid, 2, "supplementing") == "iiif/AB-2026-0001/canvas/2/supplementing/1"
    assert URLS.image_service(oid, 2) == "iiif/images/AB-2026-0001-2"
    assert URLS.image_size(oid, 2, 400, 277) == "iiif/images/AB-2026-0001-2/full/400,277/0/default.jpg"
    assert URLS.image_request("0,512,512,512", "256,256") == "0,512,512,512/256,256/0/default.jpg"
    assert URLS.info_json(URLS.image_service(oid, 2)) == "iiif/images/AB-2026-0001-2/info.json"
    assert URLS.collection() == "iiif/collection.json"
    assert URLS.exhibition_collection("thu") == "iiif/exhibitions/thu.json"
    assert URLS.person_collection("nguyen-van-duc") == "iiif/people/nguyen-van-duc.json"
    assert URLS.inside_iiif(URLS.manifest(oid)) == "AB-2026-0001/manifest.json"
    with pytest.raises(ValueError):
        URLS.inside_iiif(URLS.object(oid))


def test_absolute_addresses_come_from_the_base_url():
    assert URLS.absolute(URLS.manifest("X")) == "https://example.vn/nha/iiif/X/manifest.json"
    assert URLS.canonical(URLS.person("a"), "en") == "https://example.vn/nha/en/people/a/"
    assert URLS.canonical(URLS.home(), "vi") == "https://example.vn/nha/"
    assert URLS.absolute(URLS.sitemap()) == "https://example.vn/nha/sitemap.xml"
    # dragged onto a IIIF viewer, the logo link opens the manifest's published address
    assert URLS.iiif_link("X") == "iiif/X/manifest.json?manifest=https%3A//example.vn/nha/iiif/X/manifest.json"
    assert URLS.root_path == "/nha/"
    assert Urls("https://example.vn").absolute("x") == "https://example.vn/x"  # one slash, however written
    assert Urls("https://example.vn").root_path == "/"
    assert Urls().absolute(URLS.manifest("X")) == "iiif/X/manifest.json"  # no base_url: site-relative


def test_the_map_travels_to_worker_processes():
    assert pickle.loads(pickle.dumps(URLS)) == URLS


def test_a_free_page_may_not_take_a_name_the_site_uses():
    reserved = URLS.reserved()
    assert {"objects", "people", "exhibitions", "donors", "search", "static", "assets", "iiif", "media",
            "pagefind", "en", "vi", "404.html", "sitemap.xml", "robots.txt", "index.html"} <= reserved
    assert "gioi-thieu" not in reserved


def test_iiif_links_the_object_page_only_in_the_site_languages():
    """A house that publishes in Vietnamese only has no /en/ pages for IIIF to point at."""
    config = Config(name=Text("Nhà truyền thống"), base_url="https://example.vn/", source=Source("kyvat.yaml"),
                    languages=("vi",))
    obj = Artifact("AB-2026-0001", Text("Thư"), "letter", Source("objects/AB-2026-0001/record.yaml"))
    record = iiif.make_record(Collection(config, "/nowhere", objects=(obj,)), obj, [], manifest=False)
    assert record["homepage"] == {"vi": "https://example.vn/objects/AB-2026-0001/"}


# -- no address built outside urls.py -------------------------------------------------------------

_FOLDERS = "iiif|objects|people|exhibitions|donors|search|static|media|pagefind|en"
# (what it is, pattern, the file suffixes it applies to)
_BUILT = [
    ("a template joining an address with ~", re.compile(rf"""['"](?:{_FOLDERS})/['"]\s*~|~\s*['"]/"""),
     (".html", ".xml", ".txt")),
    ("a template joining the base_url with ~", re.compile(r"base_url\s*~|~\s*[\w.]*base_url"), (".html", ".xml", ".txt")),
    ("a page key written out", re.compile(r"""['"](?:objects|people|exhibitions|donors|search)/['"]"""), (".py", ".html")),
    ("an f-string address", re.compile(rf"""\bf['"](?:{_FOLDERS})/|\bf['"]\{{[^}}]*base[^}}]*\}}|#p\{{|\bf['"]p\{{|full/\{{"""),
     (".py",)),
    ("the base_url joined with +", re.compile(r"""(?:base_url|_base\([^)]*\))\s*\+(?!\s*["']/["'])"""
                                              r"""|\+\s*[\w.]*base_url\b|\bbase\s*\+\s*[\w.]*(?:path|PROFILE|url)\b"""),
     (".py", ".js")),
    ("a site folder written out", re.compile(r"""["'](?:iiif|pagefind|media)/"""), (".py",)),
    ("a site folder written out", re.compile(r"""["'`](?:iiif|pagefind|media)/"""), (".js",)),
    ("a language prefix written out", re.compile(r"""["'`]en/["'`]|\$\{\w*(?:LANG|lang)\w*\}/"""),
     (".py", ".html", ".xml", ".js")),
    # `base_url + "/"` (making a base end in one slash) is not an address; `+ "/info.json"` is
    ("a path joined to a slash with +", re.compile(r"""\+\s*["'`]/[\w.]|["'`]/["'`]\s*\+"""), (".py", ".js")),
    ("an address joined with +", re.compile(r"""(?i)\b\w*(?:paths?|urls?)(?:\.\w+)*\s*\+\s*[\w.]*(?:paths?|urls?)\b"""),
     (".py", ".js")),
    ("a path in a template literal", re.compile(r"""\$\{[^}]*\}[\w.-]*(?:/|\.json\b|\.js\b)"""), (".js",)),
    ("a climb to the site root written out", re.compile(r"""["'`]\.\./"""), (".js",)),
    ("a file name in an f-string", re.compile(r"""\bf["']\{[^}]*\}\.json"""), (".py",)),
    ("a query string in a template", re.compile(r"""\?\w+="""), (".html", ".xml", ".txt")),
    ("a site file name written out", re.compile(r"""["'`/](?:info\.json|pagefind\.js|kyvat-text|kyvat-analysis\.json)\b"""),
     (".py", ".js", ".html")),
]


def _code_lines(path: Path) -> list[str]:
    """The file's lines; in Python, docstrings and comments blanked (prose may name a folder)."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    if path.suffix != ".py":
        return lines
    for node in ast.walk(ast.parse(text)):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            for n in range(body[0].lineno - 1, body[0].end_lineno):
                lines[n] = ""
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.COMMENT:
            row, col = token.start
            lines[row - 1] = lines[row - 1][:col]
    return lines


def find_built_addresses(root: Path) -> list[str]:
    """Every line under `root` (but urls.py and vendored scripts) that builds an address itself."""
    found = []
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".py", ".html", ".xml", ".txt", ".js") or path.name == "urls.py" \
                or "vendor" in path.parts or not path.is_file():
            continue
        for number, line in enumerate(_code_lines(path), start=1):
            for what, pattern, suffixes in _BUILT:
                if path.suffix in suffixes and pattern.search(line):
                    found.append(f"{path.relative_to(root)}:{number}: {what}: {line.strip()}")
                    break
    return found


def test_no_module_or_template_builds_an_address():
    found = find_built_addresses(SOURCE)
    assert not found, "addresses built outside urls.py (ask the URL map instead):\n" + "\n".join(found)


@pytest.mark.parametrize(("name", "line"), [
    ("object.html", "{% set manifest = 'iiif/' ~ obj.id ~ '/manifest.json' %}"),
    ("card.html", "<a href=\"{{ lurl('objects/' ~ obj.id ~ '/') }}\">"),
    ("base.html", "<meta property=\"og:image\" content=\"{{ site.base_url ~ og_image }}\">"),
    ("iiif.py", "canvas_id = f\"{_base(collection)}iiif/{obj.id}/canvas/{service.n}\""),
    ("searchdocs.py", "url = f\"people/{person.id}/\""),
    ("derivatives.py", "info = make_info_json(f\"{job.base_url}iiif/images/{name}\")"),
    ("pages.py", "LANG_PREFIX = {\"vi\": \"\", \"en\": \"en/\"}"),
    ("site.py", "return base_url + prefix + key"),
    ("search.js", "const PREFIX = LANG === \"vi\" ? \"\" : `${LANG}/`;"),
    ("site.py", "return posixpath.relpath(\"/\" + Urls.file(target), \"/\" + posixpath.dirname(here))"),
    ("site.py", "return base_path + Urls.file(target)"),
    ("kyvat.js", "return fetch(service + \"/info.json\")"),
    ("search.js", "const href = (url) => escape(new URL(PATHS.pages + url, ROOT).href);"),
    ("search.js", "fetch(new URL(`${PATHS.index}kyvat-text/${result.id}.json`, ROOT));"),
    ("search.js", "await fetch(new URL(`${PATHS.index}analysis.json`, ROOT));"),
    ("search.js", "const ROOT = new URL(\"../\", import.meta.url);"),
    ("sitesearch.py", "(texts / f\"{result_id}.json\").write_text(text)"),
    ("sitesearch.py", "TEXT_DIR = \"kyvat-text\""),
    ("derivatives.py", "(folder / \"info.json\").write_text(text)"),
    ("object.html", "<a href=\"{{ url(manifest) }}?manifest={{ urls.absolute(manifest)|urlencode }}\">"),
])
def test_the_check_names_the_file_and_line_of_a_built_address(tmp_path, name, line):
    (tmp_path / name).write_text(f"# fine\n{line}\n" if name.endswith(".py") else f"fine\n{line}\n", encoding="utf-8")
    found = find_built_addresses(tmp_path)
    assert len(found) == 1 and found[0].startswith(f"{name}:2: ")


def test_prose_may_name_a_folder(tmp_path):
    (tmp_path / "m.py").write_text('"""Documents in the site\'s "iiif/" folder."""\n\nX = 1  # see "iiif/"\n',
                                   encoding="utf-8")
    assert find_built_addresses(tmp_path) == []


def test_a_site_path_lands_in_an_output_folder_that_holds_one_site_folder():
    assert Urls.inside("iiif/AB-1/manifest.json", "iiif/") == "AB-1/manifest.json"
    assert Urls.inside("iiif/", "iiif/") == "" and Urls.inside("objects/AB-1/", "iiif/") is None
    assert Urls.inside("iiifx/a.json", "iiif/") is None  # a folder's name, not a prefix of letters
    assert Urls.inside("objects/AB-1/", "") == "objects/AB-1/"
    assert Urls.under("iiif/", "AB-1/manifest.json") == "iiif/AB-1/manifest.json" and Urls.under("", "a") == "a"
