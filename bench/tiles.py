"""Tiles per second for kyvat and for libvips (`dzsave --layout iiif3`) on the same synthetic
24-megapixel scans, their ratio, and kyvat's peak memory against the decoded size of the largest scan.

    .venv/bin/python bench/tiles.py [--scans 4] [--jobs 2] [--width 6000 --height 4000] [--repeat 3]

Each side runs in its own fresh process, so one's memory and threads cannot flatter the other;
libvips gets as many threads (VIPS_CONCURRENCY) as kyvat gets worker processes. The two sides
alternate `--repeat` times and each keeps its best time, so a busy machine hurts both alike.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TILE_SIZE = 512
QUALITY = 85


def make_scans(folder: Path, count: int, width: int, height: int) -> None:
    """Photograph-like masters: noise over gradients, so JPEG work is realistic (flat images are not)."""
    from PIL import Image

    scans = folder / "objects" / "AB-2026-0001" / "scans"
    scans.mkdir(parents=True)
    for n in range(1, count + 1):
        bands = [Image.blend(Image.effect_noise((width, height), 40 + 10 * b).convert("L"),
                             Image.linear_gradient("L").rotate(90 * b).resize((width, height)), 0.6)
                 for b in range(3)]
        Image.merge("RGB", bands).save(scans / f"{n:03d}.jpg", quality=92)
    (folder / "kyvat.yaml").write_text(
        f"name: {{vi: Thử, en: Bench}}\nbase_url: http://localhost/\ntile_size: {TILE_SIZE}\n"
        f"jpeg_quality: {QUALITY}\nmax_image_pixels: {width * height * 2}\n", encoding="utf-8")
    (folder / "objects" / "AB-2026-0001" / "record.yaml").write_text(
        "id: AB-2026-0001\ntitle: Thử\nobject_type: photograph\nacquisition: {method: gift, date: 2026-01-01}\n",
        encoding="utf-8")


def run_kyvat(collection: Path, out: Path, jobs: int) -> dict:
    from kyvat.derivatives import write_image_services
    from kyvat.tiles import make_tiles
    from kyvat.privacy import to_public
    from kyvat.validate import load_collection

    public = to_public(load_collection(collection))
    started = time.perf_counter()
    result = write_image_services(public, out / "site", out / "cache", jobs=jobs)
    seconds = time.perf_counter() - started
    assert not result.problems, result.problems
    tiles = 0
    for service in result.services:
        info = json.loads((out / "site" / service.service_path / "info.json").read_text())
        tiles += sum(len(make_tiles(service.width, service.height, TILE_SIZE, s))
                     for s in info["tiles"][0]["scaleFactors"])
    files = sum(1 for _ in (out / "site").rglob("*.jpg"))
    # ru_maxrss of the waited-for worker processes (KiB on Linux): the tiling's real peak.
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return {"seconds": seconds, "tiles": tiles, "files": files, "peak_rss": peak}


def run_vips(collection: Path, out: Path) -> dict:
    import pyvips

    masters = sorted((collection / "objects").glob("*/scans/*.jpg"))
    started = time.perf_counter()
    for n, master in enumerate(masters, start=1):
        image = pyvips.Image.new_from_file(str(master), access="sequential")
        image.dzsave(str(out / f"AB-2026-0001-{n}"), layout="iiif3", tile_size=TILE_SIZE, overlap=0,
                     suffix=f".jpg[Q={QUALITY}]", id="http://localhost/iiif/images")
    seconds = time.perf_counter() - started
    tiles = sum(1 for _ in out.rglob("*.jpg"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"seconds": seconds, "tiles": tiles, "files": tiles, "peak_rss": peak}


def part(name: str, collection: Path, out: Path, jobs: int) -> dict:
    """Run one side in a fresh interpreter and read its figures."""
    env = dict(os.environ, VIPS_CONCURRENCY=str(jobs))
    run = subprocess.run([sys.executable, __file__, "--part", name, "--jobs", str(jobs), str(collection), str(out)],
                         capture_output=True, text=True, env=env, check=False)
    if run.returncode:
        sys.exit(f"the {name} run failed:\n{run.stderr}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scans", type=int, default=4)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--width", type=int, default=6000)
    parser.add_argument("--height", type=int, default=4000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--part", choices=["kyvat", "vips"], help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part:
        collection, out = map(Path, args.paths)
        figures = run_kyvat(collection, out, args.jobs) if args.part == "kyvat" else run_vips(collection, out)
        print(json.dumps(figures))
        return
    with tempfile.TemporaryDirectory(prefix="kyvat-bench-") as tmp:
        collection = Path(tmp) / "collection"
        print(f"making {args.scans} synthetic {args.width}×{args.height} scans …", flush=True)
        make_scans(collection, args.scans, args.width, args.height)
        runs = {"kyvat": [], "vips": []}
        for attempt in range(args.repeat):
            for name, figures in runs.items():
                figures.append(part(name, collection, Path(tmp) / f"{name}-{attempt}", args.jobs))
    kyvat, vips = (dict(min(r, key=lambda f: f["seconds"]), peak_rss=max(f["peak_rss"] for f in r))
                   for r in runs.values())
    decoded = args.width * args.height * 3
    rate = {name: f["tiles"] / f["seconds"] for name, f in (("kyvat", kyvat), ("vips", vips))}
    mib = 1024 * 1024
    print(f"scans: {args.scans} × {args.width}×{args.height} ({args.width * args.height / 1e6:.0f} MP), "
          f"best of {args.repeat}, "
          f"tile {TILE_SIZE}, Q{QUALITY}, {args.jobs} jobs / VIPS_CONCURRENCY={args.jobs}, {os.cpu_count()} CPUs")
    print(f"kyvat : {kyvat['tiles']} tiles ({kyvat['files']} files incl. sizes and full/max) in "
          f"{kyvat['seconds']:.2f} s = {rate['kyvat']:.0f} tiles/s; peak worker RSS {kyvat['peak_rss'] / mib:.0f} MiB")
    print(f"libvips: {vips['tiles']} tiles in {vips['seconds']:.2f} s = {rate['vips']:.0f} tiles/s; "
          f"peak RSS {vips['peak_rss'] / mib:.0f} MiB")
    ratio = rate["kyvat"] / rate["vips"]
    memory = kyvat["peak_rss"] / decoded
    print(f"ratio kyvat/libvips: {ratio:.2f}x (target ≥ 0.5x)")
    print(f"kyvat peak / decoded largest master ({decoded / mib:.0f} MiB): {memory:.2f}x (target < 3x)")


if __name__ == "__main__":
    main()
