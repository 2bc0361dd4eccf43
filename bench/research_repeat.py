"""Repeated `kyvat.search()` on an unchanged collection: the first call (research index made from
nothing), the median and worst of the calls after it, and the first call after a record changed.

Run: .venv/bin/python bench/research_repeat.py [--collection collection] [--query "liet si"] [--calls 20]
It searches a copy of the collection in a temporary folder, so the index starts empty and the
collection given is not touched. To time another tree: PYTHONPATH=/other/tree/src python bench/research_repeat.py

With --objects N it times instead the check that a collection is unchanged (researchindex.read_stats,
what each search costs before it asks Whoosh) on N synthetic objects of one record, two scans and
one transcript each, last modified an hour ago: files only, not a collection that would validate.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import kyvat
from kyvat import researchindex

REPO = Path(__file__).resolve().parents[1]


def timed(collection: Path, query: str) -> float:
    start = time.perf_counter()
    kyvat.search(collection, query)
    return (time.perf_counter() - start) * 1000


def write_synthetic(root: Path, objects: int) -> None:
    for n in range(objects):
        folder = root / "objects" / f"AB-2026-{n:05d}"
        (folder / "scans").mkdir(parents=True)
        (folder / "transcripts").mkdir()
        (folder / "record.yaml").write_text(f"id: AB-2026-{n:05d}\n", encoding="utf-8")
        for scan in ("001.jpg", "002.jpg"):
            (folder / "scans" / scan).write_bytes(b"x")
        (folder / "transcripts" / "001.txt").write_text("text", encoding="utf-8")
    # Older than researchindex.RACY_NS, as a curator's files are: their folders' listings are kept.
    past = researchindex.read_disk_time(root.parent / "clock") - 3600 * 10**9
    for path in sorted(root.rglob("*"), reverse=True):
        os.utime(path, ns=(past, past))


def time_unchanged_check(objects: int, calls: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "collection"
        write_synthetic(root, objects)
        looked = researchindex.read_disk_time(Path(tmp) / "clock")
        listed = None
        times = []
        for _ in range(calls + 1):  # the first look lists every folder
            start = time.perf_counter()
            stats, listed = researchindex.read_stats(root, listed, looked)
            times.append((time.perf_counter() - start) * 1000)
    print(f"kyvat {kyvat.__file__}")
    print(f"unchanged check of {objects} objects ({len(stats)} paths): first {times[0]:.1f} ms, "
          f"median of {calls} after it {statistics.median(times[1:]):.1f} ms (max {max(times[1:]):.1f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--collection", type=Path, default=REPO / "collection")
    parser.add_argument("--query", default="liet si")
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--objects", type=int, help="time the unchanged check on this many synthetic objects")
    args = parser.parse_args()
    if args.objects:
        time_unchanged_check(args.objects, args.calls)
        return
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
