"""Derivatives: the level-0 rules, colour and orientation, the cache, privacy of GPS, bad masters."""

from __future__ import annotations

import concurrent.futures
import io
import json
import math
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from broken_scans import (
    GPS_MARKER,
    assert_level0_complete,
    assert_sizes_fit_openseadragon,
    camera_exif,
    jpeg,
    png,
    swapped_primaries_icc,
    tiff16_rgb,
    truncated,
    write_kyvat_yaml,
    write_object,
)
from PIL import Image

from kyvat.derivatives import read_services, write_image_services
from kyvat.tiles import make_max_size, make_scale_factors, make_sizes, make_tiles
from kyvat.privacy import to_public
from kyvat.validate import load_collection

SAMPLE_MP3 = next((Path(__file__).resolve().parents[1] / "collection" / "objects").glob("*/scans/*.mp3"))


def make_collection(root: Path, objects: dict[str, dict[str, bytes]], **settings) -> Path:
    write_kyvat_yaml(root, **settings)
    for object_id, scans in objects.items():
        write_object(root, object_id, scans)
    return root


def services(root: Path, site: Path, cache: Path, collection=None, **kwargs):
    public = collection or to_public(load_collection(root))
    return write_image_services(public, site, cache, jobs=2, **kwargs)


# -- the shape of a service (pure) ------------------------------------------------------------

def test_scale_factors_go_on_past_one_tile_down_to_a_thumbnail():
    assert make_scale_factors(300, 200, 512) == [1]
    assert make_scale_factors(512, 512, 512) == [1, 2]
    assert make_scale_factors(513, 100, 512) == [1, 2]
    assert make_scale_factors(6000, 4000, 512) == [1, 2, 4, 8, 16]


def test_tiles_cover_each_level_and_edge_tiles_are_cut():
    tiles = make_tiles(1200, 700, 512, 1)
    assert len(tiles) == 3 * 2
    assert tiles[-1] == ((1024, 512, 1200, 700), "1024,512,176,188/176,188/0/default.jpg")
    assert make_tiles(1200, 700, 512, 4) == [((0, 0, 300, 175), "full/300,175/0/default.jpg")]


def test_sizes_are_levels_up_to_full_max_and_a_thumbnail_smallest_first():
    for width, height in ((6000, 4000), (1181, 1614), (250, 3000), (4100, 2000), (1000, 700), (512, 512)):
        sizes = make_sizes(width, height, 512)
        assert sizes == sorted(sizes)
        factors = make_scale_factors(width, height, 512)
        levels = [(math.ceil(width / s), math.ceil(height / s)) for s in factors]
        assert set(sizes) <= set(levels[1:]), (width, height, sizes)  # each a level; full size is never one
        max_width, max_height = make_max_size(width, height, 512)
        assert (max_width, max_height) in levels and max_width >= min(512, width) and max_height >= min(512, height)
        assert all(w <= max_width and h <= max_height for w, h in sizes)
        assert_sizes_fit_openseadragon({"id": "x", "width": width, "height": height, "sizes": [
            {"width": w, "height": h} for w, h in sizes], "tiles": [{"width": 512, "scaleFactors": factors}]})
        if width >= 400:
            assert any(200 <= w < 400 for w, _ in sizes), (width, height, sizes)
    assert make_sizes(150, 90, 512) == [(150, 90)]
    assert make_sizes(6000, 4000, 512) == [(375, 250), (750, 500), (1500, 1000)]
    assert make_max_size(6000, 4000, 512) == (1500, 1000), "full/max: the smallest level a tile fits in"
    assert make_sizes(1000, 700, 512) == [(250, 175), (500, 350)]
    assert make_max_size(1000, 700, 512) == (1000, 700), "500x350 is smaller than a tile: full/max is whole"


# -- writing services --------------------------------------------------------------------------

def test_every_implied_file_exists_with_its_size(tmp_path):
    root = make_collection(tmp_path / "c", {
        "AB-2026-0001": {"001.jpg": jpeg((1300, 900)), "002.png": png((200, 120))},
        "AB-2026-0002": {"001.jpg": jpeg((517, 2049))},
    }, tile_size=256, jpeg_quality=80)
    result = services(root, tmp_path / "site", tmp_path / "cache")
    assert (result.scans, result.processed, result.reused, result.problems) == (3, 3, 0, [])
    assert assert_level0_complete(tmp_path / "site", "https://example.test/") == 3
    first = result.of("AB-2026-0001")[0]
    assert (first.service_path, first.width, first.height) == ("iiif/images/AB-2026-0001-1", 1300, 900)
    assert first.size_path(300) == "iiif/images/AB-2026-0001-1/full/325,225/0/default.jpg"
    assert (tmp_path / "site" / first.size_path(300)).is_file()


def test_webp_and_a_multi_page_tiff_are_published_with_a_warning_for_the_extra_pages(tmp_path):
    webp, pages = io.BytesIO(), io.BytesIO()
    Image.new("RGB", (700, 300), (10, 120, 200)).save(webp, "WEBP", quality=90)
    first, second = Image.new("L", (400, 600), 40), Image.new("L", (400, 600), 220)
    first.save(pages, "TIFF", save_all=True, append_images=[second])
    root = make_collection(tmp_path / "c", {"AB-2026-0001": {"001.webp": webp.getvalue(),
                                                             "002.tif": pages.getvalue()}})
    result = services(root, tmp_path / "site", tmp_path / "cache")
    assert [str(p) for p in result.problems] == [(
        "objects/AB-2026-0001/scans/002.tif: warning: expected a readable JPEG, PNG, TIFF, WebP, HEIC or PDF master, "
        "found a file of 2 pages: only the first is published; give each page its own file")]
    assert [(s.width, s.height) for s in result.services] == [(700, 300), (400, 600)]
    assert assert_level0_complete(tmp_path / "site", "https://example.test/") == 2
    with Image.open(tmp_path / "site" / result.services[1].service_path / "full/max/0/default.jpg") as im:
        assert im.mode == "L" and abs(im.getpixel((10, 10)) - 40) < 4, "the first page is the one shown"


def test_16_bit_tiff_with_icc_and_orientation_gives_upright_srgb_8_bit_tiles(tmp_path):
    # stored 60 wide x 40 high, left half "red" in a profile where red means blue; orientation 6
    # (rotate 90° clockwise) puts the stored left half on top
    master = tiff16_rgb(60, 40, lambda x, y: (65535, 0, 0) if x < 30 else (65535, 65535, 65535),
                        icc=swapped_primaries_icc(), orientation=6)
    exif_rotated = jpeg((64, 32), exif=camera_exif(orientation=6))
    root = make_collection(tmp_path / "c", {"AB-2026-0001": {"001.tif": master, "002.jpg": exif_rotated}})
    result = services(root, tmp_path / "site", tmp_path / "cache")
    assert result.problems == []
    tiff, rotated = result.of("AB-2026-0001")
    assert (tiff.width, tiff.height, rotated.width, rotated.height) == (40, 60, 32, 64)
    with Image.open(tmp_path / "site" / tiff.service_path / "full/max/0/default.jpg") as im:
        assert (im.mode, im.size) == ("RGB", (40, 60))
        r, g, b = im.getpixel((20, 8))
        assert b > 200 and r < 60 and g < 60, "the embedded profile says this pixel is blue"
        assert min(im.getpixel((20, 52))) > 230
        assert "icc_profile" not in im.info and not im.getexif()
    assert json.loads((tmp_path / "site" / rotated.service_path / "info.json").read_text())["width"] == 32


def test_gps_in_a_master_reaches_no_output(tmp_path):
    master = jpeg((700, 500), exif=camera_exif(gps=True))
    assert GPS_MARKER.encode() in master
    root = make_collection(tmp_path / "c", {"AB-2026-0001": {"001.jpg": master}})
    services(root, tmp_path / "site", tmp_path / "cache")
    outputs = [p for folder in (tmp_path / "site", tmp_path / "cache") for p in folder.rglob("*") if p.is_file()]
    assert len(outputs) > 5
    for path in outputs:
        data = path.read_bytes()
        assert GPS_MARKER.encode() not in data and b"Exif\0\0" not in data, path


def test_a_second_run_reuses_the_cache_and_a_setting_change_does_not(tmp_path):
    objects = {"AB-2026-0001": {"001.jpg": jpeg(), "002.jpg": jpeg(colour=(0, 90, 0))}}
    root = make_collection(tmp_path / "c", objects)
    first = services(root, tmp_path / "site1", tmp_path / "cache")
    again = services(root, tmp_path / "site2", tmp_path / "cache")
    assert (first.processed, first.reused, again.processed, again.reused) == (2, 0, 0, 2)
    info1 = (tmp_path / "site1/iiif/images/AB-2026-0001-1/info.json").read_bytes()
    assert info1 == (tmp_path / "site2/iiif/images/AB-2026-0001-1/info.json").read_bytes()
    make_collection(root, objects, tile_size=256)
    changed = services(root, tmp_path / "site3", tmp_path / "cache")
    assert (changed.processed, changed.reused) == (2, 0)


def test_a_new_base_url_changes_ids_without_remaking_tiles(tmp_path):
    root = make_collection(tmp_path / "c", {"AB-2026-0001": {"001.jpg": jpeg()}})
    services(root, tmp_path / "site1", tmp_path / "cache")
    public = to_public(load_collection(root))
    moved = replace(public, config=replace(public.config, base_url="https://mirror.test/ntt/"))
    result = services(root, tmp_path / "site2", tmp_path / "cache", collection=moved)
    assert result.processed == 0
    assert assert_level0_complete(tmp_path / "site2", "https://mirror.test/ntt/") == 1


def test_bad_masters_are_named_and_skipped_and_the_rest_is_built(tmp_path):
    root = make_collection(tmp_path / "c", {
        "AB-2026-0001": {"001.jpg": jpeg(), "002.jpg": truncated(jpeg((800, 600), quality=95)),
                         "003.jpg": b"", "004.jpg": "Thư gửi mẹ, không phải ảnh\n".encode(),
                         "005.jpg": _gif()},
        "AB-2026-0002": {"001.png": png((3000, 2000))},
    }, max_image_pixels=1000000)
    outside = tmp_path / "secret.jpg"
    outside.write_bytes(jpeg())
    (root / "objects/AB-2026-0001/scans/006.jpg").symlink_to(outside)
    public = to_public(load_collection(root))
    obj = public.objects[0]
    escaping = replace(obj, scans=obj.scans + tuple(replace(obj.scans[0], file=name) for name in
                                                    ("../../../../secret.jpg", "../../../kyvat.yaml")))
    result = services(root, tmp_path / "site", tmp_path / "cache",
                      collection=replace(public, objects=(escaping,) + public.objects[1:]))
    messages = {p.path: str(p) for p in result.problems}
    prefix = "objects/AB-2026-0001/scans/"
    assert "truncated" in messages[prefix + "002.jpg"]
    assert "an empty file (0 bytes)" in messages[prefix + "003.jpg"]
    assert "a text file, not an image" in messages[prefix + "004.jpg"]
    assert "a GIF image; masters must be JPEG, PNG, TIFF, WebP, HEIC or PDF" in messages[prefix + "005.jpg"]
    assert "a symbolic link" in messages[prefix + "006.jpg"]
    assert "a path leading outside the collection" in messages[prefix + "../../../../secret.jpg"]
    assert "a path leading outside its scans/ folder" in messages[prefix + "../../../kyvat.yaml"]
    assert "image has 6000000 pixels, more than the limit max_image_pixels=1000000 in kyvat.yaml" \
        in messages["objects/AB-2026-0002/scans/001.png"]
    assert all(p.is_error and "(skipped)" in str(p) for p in result.problems)
    # each reason is a template and its values, so the CLI translates the words before filling them
    gif = next(p for p in result.problems if p.path == prefix + "005.jpg")
    assert (gif.found, dict(gif.params), gif.hint) == (
        "a {format} image; masters must be JPEG, PNG, TIFF, WebP, HEIC or PDF", {"format": "GIF"}, "skipped")
    assert [s.service_path for s in result.services] == ["iiif/images/AB-2026-0001-1"]
    assert (result.scans, result.processed) == (9, 1)
    assert sorted(p.name for p in (tmp_path / "site/iiif/images").iterdir()) == ["AB-2026-0001-1"]


def test_read_services_counts_and_names_a_bad_master_once(tmp_path):
    """`kyvat iiif` sizes canvases from headers only: an unreadable master is one scan, one problem."""
    root = make_collection(tmp_path / "c", {"AB-2026-0001": {
        "001.jpg": jpeg(), "002.jpg": b"", "003.jpg": "Thư gửi mẹ, không phải ảnh\n".encode()}})
    result = read_services(to_public(load_collection(root)))
    assert [s.file for s in result.services] == ["001.jpg"]
    assert sorted(p.path for p in result.problems) == [
        "objects/AB-2026-0001/scans/002.jpg", "objects/AB-2026-0001/scans/003.jpg"]
    assert result.scans == 3


def _gif() -> bytes:
    out = io.BytesIO()
    Image.new("P", (50, 50)).save(out, "GIF")
    return out.getvalue()


def test_any_concurrent_futures_executor_can_run_the_work(tmp_path):
    """The seam for a distributed executor (a Dask Client's get_executor()): threads here."""
    root = make_collection(tmp_path / "c", {"AB-2026-0001": {"001.jpg": jpeg(), "002.jpg": jpeg((300, 900))}})
    asked = []

    def factory(workers):
        asked.append(workers)
        return concurrent.futures.ThreadPoolExecutor(workers)

    result = services(root, tmp_path / "site", tmp_path / "cache", executor_factory=factory)
    assert asked == [2] and result.processed == 2
    assert assert_level0_complete(tmp_path / "site", "https://example.test/") == 2


def _recording(tmp_path: Path, suffix: str) -> bytes:
    """A recording whose metadata holds a GPS position and a marker (FFmpeg writes what a phone does)."""
    target = tmp_path / f"made{suffix}"
    source = ["-i", str(SAMPLE_MP3)] if suffix == ".mp3" else ["-f", "lavfi", "-i", "color=c=red:s=64x48:d=2"]
    codec = ["-c", "copy"] if suffix == ".mp3" else ["-c:v", "mpeg4", "-movflags", "+use_metadata_tags"]
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *source, *codec, "-metadata", f"comment={GPS_MARKER}",
                    "-metadata", "location=+20.8583+106.6811/", str(target)], check=True)
    data = target.read_bytes()
    assert GPS_MARKER.encode() in data
    return data


@pytest.mark.parametrize(("suffix", "kind"), [(".mp3", "audio"), (".mp4", "video")])
def test_recordings_are_published_without_their_metadata_or_tiles(tmp_path, suffix, kind, ffmpeg):
    master = _recording(tmp_path, suffix)
    root = make_collection(tmp_path / "c", {"AB-2026-0001": {"001" + suffix: master}})
    result = services(root, tmp_path / "site", tmp_path / "cache")
    (service,) = result.services
    assert (service.kind, service.media_path) == (kind, f"media/AB-2026-0001-1{suffix}")
    assert service.duration > 1
    published = (tmp_path / "site" / service.media_path).read_bytes()
    assert len(published) > 1000
    assert GPS_MARKER.encode() not in published and b"106.6811" not in published
    assert not (tmp_path / "site" / "iiif").exists()
