"""A province's worth of records, measured: builds of synthetic collections on disk through the real
`kyvat build`, each in a fresh process, with its wall time, CPU time and peak memory.

    .venv/bin/python bench/scale.py [--objects 1000 10000] [--workdir /tmp/kyvat-scale] [--jobs N]
                                    [--scan-size 1200x1600] [--edits-only]

For each size it writes a collection (seeded, so every run writes the same one: 2–3 unique scans
per object, a transcription of each, one person per three objects), then runs, in order:

    full        a cold build (empty cache, no output)
    no-change   the same build again, nothing changed
    one-edit    one object's title changed
    one-scan    one scan added to one object (its record lists it)

`--edits-only` runs the last three again on the output and cache an earlier run left (a new title
and a new scan each time), after one build (`again`) that remakes what the kyvat being measured
makes differently: to measure a change of kyvat without making the full build again. It prints, per run: seconds, CPU seconds (user + system, the build and its children such as
Pagefind), peak resident memory of the largest process, and the ratio to the full build (the
target of issue 14: no-change under 5%, one edit under 5 s at 10,000 objects). Then the output's
weight: files, bytes, derivatives' bytes against the masters' bytes, per scan.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đỗ", "Vũ", "Bùi", "Đặng", "Ngô")
MIDDLE = ("Văn", "Thị", "Quốc", "Đình", "Minh", "Hữu")
GIVEN = ("Đức", "Hưng", "Lan", "Mai", "Hoa", "Thành", "Sơn", "Hùng", "Dũng", "Quý", "Thủy", "An", "Bình")
TYPES = ("letter", "diary", "photograph", "certificate", "document")
WORDS = ("thư", "mẹ", "hành quân", "mặt trận", "Quảng Trị", "đồng đội", "quê hương", "chiến dịch", "nhớ", "hòa bình")
SCAN_SIZE = (1200, 1600)  # a phone photo of a letter page, small enough to make thousands quickly


def write_collection(root: Path, n_objects: int, seed: int = 14, scan_size: tuple[int, int] = SCAN_SIZE) -> dict:
    """The synthetic collection at `root` (made once per size and kept: making scans is slow)."""
    from PIL import Image  # the bench's own use of Pillow, not kyvat's

    done = root / ".complete"
    if done.is_file():
        return json.loads(done.read_text())
    if root.exists():
        shutil.rmtree(root)
    rng = random.Random(seed)
    (root / "objects").mkdir(parents=True)
    (root / "people").mkdir()
    (root / "kyvat.yaml").write_text(
        "name: {vi: Nhà truyền thống thử tải, en: Scale test house}\nbase_url: https://scale.test/\n"
        "accession_pattern: 'AB-{year}-{seq:05d}'\n", encoding="utf-8")
    n_people = -(-n_objects // 3)  # one person per three objects, rounded up
    for i in range(n_people):
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        (root / "people" / f"p{i:05d}.yaml").write_text(
            f"kind: martyr\nname: {name}\nbirth: {1940 + i % 15}\nbiography: {{vi: Tiểu sử số {i}, en: Biography {i}}}\n",
            encoding="utf-8")
    scans = 0
    for i in range(1, n_objects + 1):
        object_id = f"AB-2026-{i:05d}"
        folder = root / "objects" / object_id
        (folder / "scans").mkdir(parents=True)
        (folder / "transcripts").mkdir()
        pages = 2 + i % 2
        entries = []
        for page in range(1, pages + 1):
            name = f"{page:03d}.jpg"
            shade = (rng.randrange(180, 250), rng.randrange(170, 240), rng.randrange(150, 220))
            image = Image.effect_noise(scan_size, 40 + (i * 7 + page) % 30).convert("RGB")
            image = Image.blend(Image.new("RGB", scan_size, shade), image, 0.25)
            image.save(folder / "scans" / name, quality=88)
            (folder / "transcripts" / f"{page:03d}.txt").write_text(
                " ".join(rng.choice(WORDS) for _ in range(60)) + f" số {i} trang {page}\n", encoding="utf-8")
            entries.append(f"  - file: {name}\n")
            scans += 1
        person = f"p{(i - 1) // 3:05d}"
        (folder / "record.yaml").write_text(
            f"id: {object_id}\ntitle: {{vi: 'Hiện vật số {i}', en: 'Object {i}'}}\nobject_type: {TYPES[i % len(TYPES)]}\n"
            f"date: {1965 + i % 10}-{1 + i % 12:02d}\n"
            f"description: {{vi: 'Mô tả {' '.join(rng.choice(WORDS) for _ in range(25))}', en: 'Description {i}'}}\n"
            f"people:\n  - {{person: {person}, role: author}}\n"
            f"acquisition: {{method: gift, date: 2026-07-01, donor: {person}}}\n"
            f"scans:\n{''.join(entries)}", encoding="utf-8")
    facts = {"objects": n_objects, "people": n_people, "scans": scans,
             "master_bytes": sum(p.stat().st_size for p in root.glob("objects/*/scans/*"))}
    done.write_text(json.dumps(facts))
    return facts


def run_build(root: Path, out: Path, cache: Path, jobs: int | None) -> dict:
    """One `kyvat build` in a fresh process: seconds, CPU seconds and peak memory of it and its children."""
    command = [sys.executable, "-m", "kyvat", "--lang", "en", "build", "-c", str(root), "-o", str(out),
               "--cache", str(cache), "--report", str(out.parent / "report.json")]
    if jobs:
        command += ["--jobs", str(jobs)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=dict(os.environ, KYVAT_TODAY="2026-09-01"))
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"build failed:\n{done.stdout}\n{done.stderr}")
    report = json.loads((out.parent / "report.json").read_text())
    return {"seconds": seconds, "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
            "peak_mib": after.ru_maxrss / 1024,
            "stages": {name: round(stage["seconds"], 1) for name, stage in report["stages"].items()}}


def edit_title(root: Path) -> None:
    """A new title for the first object (new each time: `--edits-only` runs it again)."""
    record = root / "objects" / "AB-2026-00001" / "record.yaml"
    text = record.read_text(encoding="utf-8")
    new = re.sub(r"Hiện vật số 1( \(sửa lần \d+\))?'", lambda m: f"Hiện vật số 1 (sửa lần {time.time_ns()})'", text, count=1)
    assert new != text, "the title to edit is not in the record"
    record.write_text(new, encoding="utf-8")


def add_scan(root: Path) -> None:
    """One more scan of the second object, a master no other scan has (a new one each time)."""
    folder = root / "objects" / "AB-2026-00002"
    name = next(f"{n:03d}.jpg" for n in range(9, 1000) if not (folder / "scans" / f"{n:03d}.jpg").exists())
    shutil.copyfile(folder / "scans" / "001.jpg", folder / "scans" / name)
    with (folder / "scans" / name).open("ab") as handle:
        handle.write(f"kyvat-scale {name}".encode())  # a different master: bytes after the JPEG's end
    record = folder / "record.yaml"
    record.write_text(record.read_text(encoding="utf-8") + f"  - file: {name}\n", encoding="utf-8")


def weigh(out: Path) -> dict:
    files = [p for p in out.rglob("*") if p.is_file()]
    derivative = [p for p in files if "iiif" in p.parts and p.suffix == ".jpg"]
    return {"files": len(files), "bytes": sum(p.stat().st_size for p in files),
            "derivative_files": len(derivative), "derivative_bytes": sum(p.stat().st_size for p in derivative)}


def measure(size: int, workdir: Path, jobs: int | None, scan_size: tuple[int, int], edits_only: bool) -> None:
    name = f"c{size}" if scan_size == SCAN_SIZE else f"c{size}-{scan_size[0]}x{scan_size[1]}"
    root = workdir / name / "collection"
    print(f"\n== {size} objects, scans of {scan_size[0]} x {scan_size[1]}: writing the collection "
          f"(kept in {root.parent}) ...", flush=True)
    facts = write_collection(root, size, scan_size=scan_size)
    run = workdir / name / "run"
    work, out, cache = run / "collection", run / "site", run / "cache"
    results = {}
    if edits_only:
        if not (out.is_dir() and cache.is_dir()):
            raise SystemExit(f"--edits-only: no earlier run in {run}")
        full = json.loads((run / "full.json").read_text())
        results["again"] = run_build(work, out, cache, jobs)  # this kyvat's first: its own files changed
        results["no-change"] = run_build(work, out, cache, jobs)
    else:
        if run.exists():
            shutil.rmtree(run)
        shutil.copytree(root, work)
        # A file changed in the last 3 s is read by its bytes (inputs.py, as git's index does), and the
        # next build, seeing it older, works the inputs out again once: start with none that young.
        time.sleep(3.5)
        full = run_build(work, out, cache, jobs)
        (run / "full.json").write_text(json.dumps(full))
        results = {"full": full, "no-change": run_build(work, out, cache, jobs)}
    edit_title(work)
    results["one-edit"] = run_build(work, out, cache, jobs)
    add_scan(work)
    results["one-scan"] = run_build(work, out, cache, jobs)
    print(f"{facts['objects']} objects, {facts['people']} people, {facts['scans']} scans, "
          f"{facts['master_bytes'] / 2**20:.0f} MiB of masters")
    if edits_only:
        print(f"(the full build of {run}: {full['seconds']:.1f} s, {full['cpu']:.1f} CPU s)")
    print(f"{'run':<10} {'seconds':>9} {'CPU s':>9} {'% full':>7} {'peak MiB':>9}  stages (s)")
    for name, result in results.items():
        ratio = 100 * result["cpu"] / full["cpu"] if full["cpu"] else 0
        print(f"{name:<10} {result['seconds']:9.1f} {result['cpu']:9.1f} {ratio:6.1f}% {result['peak_mib']:9.0f}  "
              f"{result['stages']}")
    weight = weigh(out)
    print(f"output: {weight['files']} files, {weight['bytes'] / 2**20:.0f} MiB; derivatives "
          f"{weight['derivative_files']} files, {weight['derivative_bytes'] / 2**20:.0f} MiB = "
          f"{weight['derivative_bytes'] / facts['master_bytes']:.2f}x the masters; per scan "
          f"{weight['derivative_files'] / facts['scans']:.1f} files, "
          f"{weight['derivative_bytes'] / facts['scans'] / 1024:.0f} KiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--objects", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/kyvat-scale"))
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--scan-size", default=f"{SCAN_SIZE[0]}x{SCAN_SIZE[1]}",
                        help="each scan's pixels, WIDTHxHEIGHT (smaller for 10,000 objects on a small disk)")
    parser.add_argument("--edits-only", action="store_true",
                        help="run no-change, one-edit and one-scan again on the output an earlier run left")
    arguments = parser.parse_args()
    scan_size = tuple(int(n) for n in arguments.scan_size.lower().split("x"))
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    for size in arguments.objects:
        measure(size, arguments.workdir, arguments.jobs, scan_size, arguments.edits_only)


if __name__ == "__main__":
    main()
