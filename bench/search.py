"""Search benchmark: the research index over 50,000 synthetic transcription pages of Vietnamese text
(build time, query latency p50/p95 over 200 queries), and the site's Pagefind index for a synthetic
10,000-object site (its size, and the bytes one query fetches in headless Chromium).

Run: .venv/bin/python bench/search.py [--pages 50000] [--objects 10000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from urllib.parse import quote

from kyvat import research, sitesearch
from kyvat.model import Text
from kyvat.searchdocs import SearchDoc

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
    for facets in (False, True):
        times = []
        for i in range(200):
            query = QUERIES[i % len(QUERIES)]
            filters = {"year_from": 1960, "year_to": 1972} if i % 4 == 3 else {}
            started = time.perf_counter()
            research.search_index(work / "index", query, limit=20, facets=facets, **filters)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        print(f"research queries (200, top 20 with snippets, {'with' if facets else 'without'} facets): "
              f"p50 {statistics.median(times):.1f} ms, p95 {times[int(len(times) * 0.95) - 1]:.1f} ms, "
              f"max {times[-1]:.1f} ms")


def bench_site(objects: int, work: Path) -> None:
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(REPO / "tests"))
    from conftest import CHROMIUM, CHROMIUM_ARGS, LocalServer

    docs = make_docs(objects * 3, per_object=3)
    site = work / "site"
    started = time.perf_counter()
    out = sitesearch.write_site_index(docs, ("vi", "en"), site)
    built = time.perf_counter() - started
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    index_size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file() and sitesearch.TEXT_DIR not in p.parts)
    (site / "static").mkdir()
    (site / "static" / "search.js").write_bytes((REPO / "site_templates" / "static" / "search.js").read_bytes())
    for lang, prefix, up in (("vi", "", "../"), ("en", "en/", "../../")):
        page = site / prefix / "search" / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"></head><body>'
                        f'<div id="search"></div><script type="module" src="{up}static/search.js"></script>'
                        f'</body></html>', encoding="utf-8")
    print(f"site index: {len(docs)} records x 2 languages ({objects} objects) built in {built:.1f} s; "
          f"pagefind/ {size / 1e6:.1f} MB of which index {index_size / 1e6:.1f} MB and original texts "
          f"{(size - index_size) / 1e6:.1f} MB")
    server = LocalServer(site)
    fetched = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for query in QUERIES[:10]:
            page = browser.new_page()
            sizes: dict[str, int] = {}
            page.on("requestfinished", lambda r, sizes=sizes: sizes.__setitem__(r.url, r.sizes()["responseBodySize"]))
            page.goto(f"{server.url}search/?q={quote(query)}")
            page.wait_for_function("q => document.getElementById('search').dataset.done === q", arg=query,
                                   timeout=60000)
            pagefind = sum(v for k, v in sizes.items() if "/pagefind/" in k)
            engine = sum(v for k, v in sizes.items() if "/pagefind/" in k and ("pagefind.js" in k or "wasm" in k
                                                                                 or "worker" in k))
            fetched.append((query, pagefind, engine))
            page.close()
        browser.close()
    server.close()
    for query, total, engine in fetched:
        print(f"  {query!r:20} {total / 1000:7.1f} KB fetched from pagefind/ ({engine / 1000:.1f} KB of it the "
              f"engine, cached after the first query)")
    totals = sorted(t for _, t, _ in fetched)
    print(f"bytes per query: median {statistics.median(totals) / 1000:.1f} KB, max {totals[-1] / 1000:.1f} KB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50_000)
    parser.add_argument("--objects", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kyvat-bench-search-") as work:
        bench_research(args.pages, Path(work))
        bench_site(args.objects, Path(work))


if __name__ == "__main__":
    main()
