"""Search benchmark: the research index over 50,000 synthetic transcription pages of Vietnamese text
(build time, query latency p50/p95 over 200 queries), and the site's Pagefind index for a synthetic
10,000-object site (its size, and the bytes one query fetches in headless Chromium).

Run: .venv/bin/python bench/search.py [--pages 50000] [--objects 10000] [--part all|research|site]
       [--part-records N]  (records a part of the site index holds: 100000 for one index)
The site part measures twice: as `kyvat serve` and static hosts serve (gzip), and uncompressed.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from urllib.parse import quote

from kyvat import research, sitesearch
from kyvat.model import Text
from kyvat.searchdocs import SearchDoc
from kyvat.urls import Urls

REPO = Path(__file__).resolve().parents[1]
SYLLABLES = (
    "anh em con mẹ cha thư gửi nhà đơn vị hành quân mặt trận liệt sĩ hy sinh chiến đấu đồng đội ngày tháng "
    "năm đêm sáng rừng suối đồi núi sông biển quê hương phố làng xã huyện tỉnh Hải Phòng Quảng Trị Lê Chân "
    "Trường Sơn Đường chín Nam Lào bộ đội tiểu đội trung đoàn sư đoàn thương nhớ khỏe lo đừng khóc viết "
    "nhật ký trang sổ bút mực tím giấy ảnh kỷ vật huân chương bằng khen Tổ quốc ghi công nghĩa trang mộ "
    "Nguyễn Trần Lê Phạm Hoàng Đỗ Văn Thị Quốc Đức Hưng Minh Lan Mai Hoa Thành Sơn Hùng Dũng Quý Thủy"
).split()
QUERIES = ("liet si", "duc", "thu gui me", "nguyen van duc", '"mat tran"', "quang tri", "le chan", "hy sinh",
           "Đức", "nhật ký", "truong son", "tran quoc hung", "huan chuong", "nghia trang", "hai phong",
           "me", "dong doi", "quy", "thuy", "bo doi")
TYPES = ("letter", "diary", "photograph", "document", "certificate")


ONSETS = "b c ch d đ g gh gi h k kh l m n ng nh p ph qu r s t th tr v x".split()
RHYMES = "a ai am an ang anh ao au ay e em en eng eo i im in inh it oa oai oan oang oc oi om on ong ot " \
    "u ui um un ung uôn uông ươn ương ươi ưa ưu iên iêt yêu uy uyên ăn ăm ăng âu âm ân ơi ơn ô ôi ôn ông".split()
TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")


def make_vocabulary(rng: random.Random) -> list[str]:
    """The sample's words first (so queries hit), then thousands of made-up syllables, in a Zipf
    order: real Vietnamese text has a few very common syllables and a long tail."""
    made = {unicodedata.normalize("NFC", o + r[0] + t + r[1:]) for o in ONSETS for r in RHYMES for t in TONES}
    tail = sorted(made - set(SYLLABLES))
    rng.shuffle(tail)
    return SYLLABLES + tail[:6000]


def make_text(rng: random.Random, words: int, vocabulary: list[str], weights: list[float]) -> str:
    sentences = []
    while words > 0:
        n = min(words, rng.randint(6, 16))
        sentences.append(" ".join(rng.choices(vocabulary, weights, k=n)).capitalize() + ".")
        words -= n
    return " ".join(sentences)


def make_docs(pages: int, per_object: int, seed: int = 1) -> list[SearchDoc]:
    rng = random.Random(seed)
    vocabulary = make_vocabulary(rng)
    weights = [1 / (rank + 10) for rank in range(len(vocabulary))]
    docs = []
    for i in range(pages // per_object):
        oid = f"AB-2026-{i:05d}"
        year = rng.randint(1945, 1979)
        facets = dict(object_id=oid, object_type=rng.choice(TYPES), people=(f"nguoi-{rng.randint(1, 500)}",),
                      places=(rng.choice(("quận Lê Chân cũ, Hải Phòng", "Quảng Trị", "Trường Sơn")),),
                      year_from=year, year_to=year, method=rng.choice(("gift", "loan", "copy")))
        title = Text(vi=f"Thư gửi mẹ số {i}", en=f"Letter to mother no. {i}")
        docs.append(SearchDoc(key=f"object:{oid}", kind="object", title=title, url=f"objects/{oid}/",
                              text=make_text(rng, 60, vocabulary, weights), **facets))
        for n in range(1, per_object + 1):
            docs.append(SearchDoc(key=f"transcript:{oid}:{n}", kind="transcript", page=n,
                                  title=Text(vi=f"{title.vi} — Trang {n}", en=f"{title.en} — Page {n}"),
                                  url=f"objects/{oid}/#p{n}", text=make_text(rng, 180, vocabulary, weights),
                                  **facets))
    return docs


def bench_research(pages: int, work: Path) -> None:
    docs = [d for d in make_docs(pages, per_object=5) if d.kind == "transcript"][:pages]
    started = time.perf_counter()
    research.write_index(docs, work / "index")
    built = time.perf_counter() - started
    started = time.perf_counter()
    report = research.write_index(docs, work / "index")
    unchanged = time.perf_counter() - started
    print(f"research index: {len(docs)} transcription pages indexed in {built:.1f} s; "
          f"re-run with nothing changed {unchanged:.1f} s ({report.unchanged} unchanged)")
    # A research tool keeps its searcher open between queries (research.py holds it per index
    # version) and does not hold the 50,000 documents it indexed (their objects would make Python's
    # garbage collector slow every query down); the first query of a process, which opens the
    # searcher, is timed on its own below, in a new process.
    del docs
    gc.collect()
    research.search_index(work / "index", "warm up", limit=20)
    for facets in (False, True):
        times = []
        for i in range(200):
            query = QUERIES[i % len(QUERIES)]
            filters = {"year_from": 1960, "year_to": 1972} if i % 4 == 3 else {}
            started = time.perf_counter()
            research.search_index(work / "index", query, limit=20, facets=facets, **filters)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        print(f"research queries (200, warm searcher, top 20 with snippets, {'with' if facets else 'without'} "
              f"facets{' = the API/CLI default' if facets else ''}): p50 {statistics.median(times):.1f} ms, "
              f"p95 {times[int(len(times) * 0.95) - 1]:.1f} ms, max {times[-1]:.1f} ms")
    cold = ("import sys, time; started = time.perf_counter(); from kyvat import research; "
            "imported = time.perf_counter(); research.search_index(sys.argv[1], 'thu gui me'); "
            "print(f'{(imported - started) * 1000:.0f} {(time.perf_counter() - imported) * 1000:.0f}')")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", cold, str(work / "index")], capture_output=True, text=True,
                          check=True)
    wall = (time.perf_counter() - started) * 1000
    imported, first = done.stdout.split()
    print(f"research cold (a new process, as one `kyvat search` runs, without its index update): {wall:.0f} ms "
          f"in all; importing {imported} ms, opening the index and the first query with facets {first} ms")


def bench_site(objects: int, work: Path, part_records: int | None = None) -> None:
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(REPO / "tests"))
    from conftest import CHROMIUM, CHROMIUM_ARGS

    from kyvat.server import LocalServer

    docs = make_docs(objects * 3, per_object=3)
    site = work / "site"
    started = time.perf_counter()
    index = sitesearch.write_site_index(docs, site, most=part_records)
    built, out = time.perf_counter() - started, index.path
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    index_size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()
                     and not p.relative_to(site).as_posix().startswith(Urls.search_texts()))
    (site / "static").mkdir()
    (site / "static" / "search.js").write_bytes((REPO / "site_templates" / "static" / "search.js").read_bytes())
    for lang in ("vi", "en"):
        here = Urls.file(Urls.in_lang(Urls.search(), lang))
        paths = "".join(f' data-{name}="{Urls.relative(path, here)}"' for name, path in Urls.search_paths(lang).items())
        page = site / here
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"></head><body>'
                        f'<div id="search"{paths}></div>'
                        f'<script type="module" src="{Urls.relative(Urls.static("search.js"), here)}"></script>'
                        f'</body></html>', encoding="utf-8")
    print(f"site index: {len(docs)} documents in {len(sitesearch.make_records(docs))} records, one index for both languages "
          f"in {len(index.keys)} part(s) ({objects} objects) built in {built:.1f} s; "
          f"pagefind/ {size / 1e6:.1f} MB of which index {index_size / 1e6:.1f} MB and original texts "
          f"{(size - index_size) / 1e6:.1f} MB")
    for label, server in (("served as kyvat serve and static hosts serve it: text, scripts and JSON gzipped",
                           LocalServer(site, 0)),
                          ("served uncompressed (python -m http.server)", LocalServer(site, 0, compress=False))):
        print(f"-- {label}")
        _measure_site(server, sync_playwright, CHROMIUM, CHROMIUM_ARGS)
        server.close()


def _measure_site(server, sync_playwright, CHROMIUM, CHROMIUM_ARGS) -> None:
    cold, warm = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        # Cold: each query in a fresh browser context, as a visitor's first search (nothing cached).
        for query in QUERIES[:10]:
            context = browser.new_context()
            page = context.new_page()
            sizes: dict[str, int] = {}
            page.on("requestfinished", lambda r, sizes=sizes: _count(sizes, r))
            _search(page, f"{server.url}search/?q={quote(query)}", query)
            page.wait_for_timeout(300)  # the last request events arrive
            cold.append((query, _kinds(sizes), _requests(sizes)))
            context.close()
        # Warm: the same queries typed one after another on one open search page, after a first
        # query (another one) has loaded the engine and the page list; the browser caches as usual.
        context = browser.new_context()
        page = context.new_page()
        current: dict[str, int] = {}
        page.on("requestfinished", lambda r: _count(current, r))
        _search(page, f"{server.url}search/?q={quote(QUERIES[10])}", QUERIES[10])
        for query in QUERIES[:10]:
            page.wait_for_timeout(300)  # the previous query's last request events arrive
            current.clear()
            page.fill("#search-q", query)
            page.press("#search-q", "Enter")
            page.wait_for_function("q => document.getElementById('search').dataset.done === q", arg=query,
                                   timeout=60000)
            page.wait_for_timeout(300)
            warm.append((query, _kinds(current), _requests(current)))
        context.close()
        browser.close()
    for label, rows in (("cold (first query of a visit, nothing cached)", cold),
                        ("warm (a later query on the same page)", warm)):
        print(f"bytes fetched per query, {label}; KB: " + ", ".join(KINDS))
        for query, kinds, requests in rows:
            print(f"  {query!r:20} total {sum(kinds.values()) / 1000:6.1f}  "
                  + "  ".join(f"{kinds[k] / 1000:6.1f}" for k in KINDS) + f"  ({requests} requests)")
        totals = sorted(sum(k.values()) for _, k, _ in rows)
        counts = sorted(n for _, _, n in rows)
        print(f"  median {statistics.median(totals) / 1000:.1f} KB, max {totals[-1] / 1000:.1f} KB; "
              f"requests median {statistics.median(counts):.0f}, max {counts[-1]}")


# What a query fetches, by part: Pagefind's code, its page list (pf_meta), word index chunks,
# the fragments of the hits shown, filters, kyvat's original texts of the hits shown, and the rest
# of pagefind/ (kyvat's spelling table).
KINDS = ("engine", "page list", "index", "fragments", "filters", "texts", "other")


def _kinds(sizes: dict[str, int]) -> dict[str, int]:
    kinds = dict.fromkeys(KINDS, 0)
    for url, size in sizes.items():
        if "/pagefind/" not in url:
            continue  # the search page and search.js are the site's, counted by the site benchmark
        name = url.rsplit("/", 1)[-1]
        kind = ("texts" if f"/{Urls.search_texts()}" in url else "page list" if name.endswith(".pf_meta")
                else "index" if name.endswith(".pf_index") else "fragments" if name.endswith(".pf_fragment")
                else "filters" if name.endswith(".pf_filter")
                else "engine" if name.startswith("wasm.") or name.startswith("pagefind") and name.endswith((".js", ".json"))
                else "other")
        kinds[kind] += size
    return kinds


def _requests(sizes: dict[str, int]) -> int:
    """How many of the index's files a query fetched (each once, however often)."""
    return sum(1 for url in sizes if "/pagefind/" in url)


def _count(sizes: dict[str, int], request) -> None:
    """Adds a finished request's body, every time it is fetched (a repeat costs bytes too); one
    served from the browser's memory cache reports -1 and costs nothing."""
    sizes[request.url] = sizes.get(request.url, 0) + max(0, request.sizes()["responseBodySize"])


def _search(page, url: str, query: str) -> None:
    page.goto(url)
    page.wait_for_function("q => document.getElementById('search').dataset.done === q", arg=query, timeout=60000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50_000)
    parser.add_argument("--objects", type=int, default=10_000)
    parser.add_argument("--part", choices=("all", "research", "site"), default="all")
    parser.add_argument("--part-records", type=int, default=None,
                        help="records a part of the site index holds at most (default: sitesearch.PART_RECORDS)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kyvat-bench-search-") as work:
        if args.part in ("all", "research"):
            bench_research(args.pages, Path(work))
        if args.part in ("all", "site"):
            bench_site(args.objects, Path(work), args.part_records)


if __name__ == "__main__":
    main()
