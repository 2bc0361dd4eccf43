"""Repeated `kyvat.search()` on an unchanged collection: the first call (research index made from
nothing), the median and worst of the calls after it, and the first call after a record changed.

Run: .venv/bin/python bench/research_repeat.py [--collection collection] [--query "liet si"] [--calls 20]
It searches a copy of the collection in a temporary folder, so the index starts empty and the
collection given is not touched. To time another tree: PYTHONPATH=/other/tree/src python bench/research_repeat.py
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import kyvat

REPO = Path(__file__).resolve().parents[1]


def timed(collection: Path, query: str) -> float:
    start = time.perf_counter()
    kyvat.search(collection, query)
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--collection", type=Path, default=REPO / "collection")
    parser.add_argument("--query", default="liet si")
    parser.add_argument("--calls", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        collection = Path(tmp) / "collection"
        shutil.copytree(args.collection, collection)
        first = timed(collection, args.query)
        repeated = [timed(collection, args.query) for _ in range(args.calls)]
        record = sorted((collection / "objects").glob("*/record.yaml"))[0]
        record.write_text(record.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        edited = timed(collection, args.query)
    print(f"kyvat {kyvat.__file__}")
    print(f"first call (empty index): {first:8.1f} ms")
    print(f"repeated, median of {args.calls}: {statistics.median(repeated):8.2f} ms "
          f"(max {max(repeated):.2f} ms)")
    print(f"after one record changed: {edited:8.1f} ms")


if __name__ == "__main__":
    main()
