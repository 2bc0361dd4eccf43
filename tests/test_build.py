"""`kyvat build` with scans: level-0 services for every public scan, broken masters named and skipped,
the cache reused, and the collection never written."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
from pathlib import Path

from broken_scans import assert_level0_complete, jpeg, truncated
from click.testing import CliRunner
from PIL import Image

from kyvat.cli import main
from kyvat.privacy import to_public
from kyvat.validate import check_collection, load_collection


def run(*args) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.output


def snapshot(root: Path) -> dict[str, tuple]:
    """Every entry under root with its bytes (or link target) and modification time."""
    entries = {}
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in dirs + files:
            path = Path(folder) / name
            stat = path.lstat()
            if path.is_symlink():
                entries[str(path)] = ("link", os.readlink(path), stat.st_mtime_ns)
            elif path.is_file():
                entries[str(path)] = ("file", hashlib.sha256(path.read_bytes()).hexdigest(), stat.st_mtime_ns)
            else:
                entries[str(path)] = ("dir",)
    return entries


def base_url(root: Path) -> str:
    return load_collection(root).config.base_url


def expected_services(root: Path) -> dict[str, str]:
    """service name -> master path, for every scan the public may see."""
    public = to_public(load_collection(root))
    return {f"{o.id}-{n}": f"objects/{o.id}/scans/{s.file}"
            for o in public.objects for n, s in enumerate(o.scans, start=1)}


def test_every_info_json_of_the_built_fixture_is_level0_complete(built_fixture):
    root = Path(__file__).resolve().parent / "fixtures" / "collection"
    images = {name for name, master in expected_services(root).items()
              if Path(master).suffix.lower() in (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp")}
    assert images, "the fixture collection has public scans"
    assert assert_level0_complete(built_fixture, base_url(root)) == len(images)


def test_every_info_json_of_the_built_sample_is_level0_complete(built_sample):
    root = Path(__file__).resolve().parents[1] / "collection"
    assert assert_level0_complete(built_sample, base_url(root)) >= 10


def test_broken_scans_are_named_skipped_and_the_rest_is_built(sample_copy, tmp_path, ffmpeg):
    services = expected_services(sample_copy)
    jpegs = [name for name, master in services.items() if master.endswith(".jpg")]
    broken = dict(zip(("truncated", "empty", "text", "gif", "bomb", "link"), jpegs[1:7]))
    path = {kind: sample_copy / services[name] for kind, name in broken.items()}
    path["truncated"].write_bytes(truncated(path["truncated"].read_bytes()))
    path["empty"].write_bytes(b"")
    path["text"].write_text("Đây là thư, không phải ảnh.\n", encoding="utf-8")
    gif = io.BytesIO()
    Image.new("P", (40, 40)).save(gif, "GIF")
    path["gif"].write_bytes(gif.getvalue())
    path["bomb"].write_bytes(jpeg((3000, 2000)))
    outside = tmp_path / "elsewhere.jpg"
    outside.write_bytes(jpeg())
    path["link"].unlink()
    path["link"].symlink_to(outside)
    config = sample_copy / "kyvat.yaml"
    config.write_text(re.sub(r"(?m)^max_image_pixels:.*$", "max_image_pixels: 3500000",
                             config.read_text(encoding="utf-8")), encoding="utf-8")
    before = snapshot(sample_copy)
    out, report_file = tmp_path / "_site", tmp_path / "report.json"

    code, output = run("build", "-c", sample_copy, "-o", out, "--cache", tmp_path / "cache",
                       "--jobs", 2, "--report", report_file)

    assert code == 1
    reasons = {"truncated": "damaged or cut short (truncated)", "empty": "an empty file (0 bytes)",
               "text": "a text file, not an image", "gif": "a GIF image; masters must be JPEG, PNG, TIFF, WebP, HEIC or PDF",
               "bomb": "image has 6000000 pixels, more than the limit max_image_pixels=3500000 in kyvat.yaml",
               "link": "a symbolic link"}
    lines = output.splitlines()
    for kind, name in broken.items():
        assert any(services[name] in line and reasons[kind] in line for line in lines), (kind, output)
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert {"objects", "scans", "scans_processed", "scans_reused", "problems", "seconds"} <= set(report)
    assert sorted(p["path"] for p in report["problems"]) == sorted(services[n] for n in broken.values())
    built = {p.name for p in (out / "iiif" / "images").iterdir()}
    built |= {p.stem for p in (out / "media").glob("*")}
    assert built == set(services) - set(broken.values())
    assert report["scans"] == len(services) and report["scans_processed"] == len(services) - len(broken)
    assert snapshot(sample_copy) == before, "a build must not write anything under the collection"


def test_a_path_leaving_scans_is_named_skipped_and_the_rest_is_built(sample_copy, tmp_path, ffmpeg):
    record = next(p for p in sorted((sample_copy / "objects").glob("*/record.yaml"))
                  if "- file: 001.jpg" in p.read_text(encoding="utf-8"))
    text = record.read_text(encoding="utf-8").replace("- file: 001.jpg", "- file: ../../../kyvat.yaml", 1)
    record.write_text(text, encoding="utf-8")
    public = to_public(check_collection(sample_copy)[0])  # the damaged scan is left out of the model
    services = {f"{o.id}-{n}" for o in public.objects for n, _ in enumerate(o.scans, start=1)}
    code, output = run("build", "-c", sample_copy, "-o", tmp_path / "_site", "--cache", tmp_path / "cache")
    assert code == 1
    rel = record.relative_to(sample_copy).as_posix()
    assert re.search(rf"{re.escape(rel)}:\d+: error: scans\[0\]\.file: .*'\.\./\.\./\.\./kyvat\.yaml'", output), output
    built = {p.name for p in (tmp_path / "_site" / "iiif" / "images").iterdir()}
    built |= {p.stem for p in (tmp_path / "_site" / "media").glob("*")}
    assert built == services and len(services) > 10, "every other scan is built"
    assert not (tmp_path / "_site" / "kyvat.yaml").exists()


def test_a_second_build_with_nothing_changed_processes_no_scan(collection_copy, tmp_path):
    args = ["build", "-c", collection_copy, "-o", tmp_path / "_site", "--cache", tmp_path / "cache", "--jobs", 2]
    first_code, first_output = run(*args, "--report", tmp_path / "first.json")
    assert first_code == 0, first_output
    code, output = run(*args, "--report", tmp_path / "second.json")
    assert code == 0, output
    first = json.loads((tmp_path / "first.json").read_text(encoding="utf-8"))
    second = json.loads((tmp_path / "second.json").read_text(encoding="utf-8"))
    assert first["scans"] > 0 and first["scans_processed"] == first["scans"]
    assert (second["scans_processed"], second["scans_reused"]) == (0, first["scans"])
    assert assert_level0_complete(tmp_path / "_site", base_url(collection_copy)) > 0


def test_derivatives_no_scan_uses_any_more_leave_the_cache(collection_copy, tmp_path):
    args = ["build", "-c", collection_copy, "-o", tmp_path / "_site", "--cache", tmp_path / "cache", "--jobs", 2]
    images = tmp_path / "cache" / "images"
    code, output = run(*args, "--report", tmp_path / "first.json")
    assert code == 0, output
    first = {p.name for p in images.iterdir()}
    scans = json.loads((tmp_path / "first.json").read_text(encoding="utf-8"))["scans"]
    assert len(first) == scans > 0 and json.loads((tmp_path / "first.json").read_text())["cache_pruned"] == 0
    # A new JPEG quality makes every derivative anew: the old ones go once the new site is in place.
    config = collection_copy / "kyvat.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("jpeg_quality: 85", "jpeg_quality: 80"), "utf-8")
    code, output = run(*args, "--report", tmp_path / "second.json")
    assert code == 0 and f"{scans} unused removed from it" in output, output
    second = {p.name for p in images.iterdir()}
    assert len(second) == scans and not first & second
    assert json.loads((tmp_path / "second.json").read_text())["cache_pruned"] == scans
    assert assert_level0_complete(tmp_path / "_site", base_url(collection_copy)) > 0  # hard links outlive them
    # A build in which a scan fails removes nothing: the failed scan's entry may still be good.
    master = next((collection_copy / "objects").rglob("scans/*.jpg"))
    master.write_bytes(truncated(master.read_bytes()))
    config.write_text(config.read_text(encoding="utf-8").replace("jpeg_quality: 80", "jpeg_quality: 75"), "utf-8")
    code, output = run(*args, "--report", tmp_path / "third.json")
    assert code == 1 and json.loads((tmp_path / "third.json").read_text())["cache_pruned"] == 0
    assert second <= {p.name for p in images.iterdir()}
