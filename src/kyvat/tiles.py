"""The pixels of a IIIF Image API 3.0 level-0 service: the pyramid of static tiles and whole-image
sizes a client may ask for, and the master turned into what viewers should see. Pillow is imported
here and in media.py (which reads the masters); derivatives.py decides what to make and caches it.
"""

from __future__ import annotations

import math
import os
import shutil
from io import BytesIO
from pathlib import Path

import PIL
from PIL import Image, ImageCms, ImageOps

from .urls import Urls

PILLOW_VERSION = PIL.__version__  # part of the derivative cache's key: another Pillow, other bytes
# Whole-image sizes go on halving below the smallest tile level until one is narrower than this,
# so there is always a thumbnail 200-400 pixels wide.
THUMBNAIL_WIDTH = 400
IIIF_CONTEXT = "http://iiif.io/api/image/3/context.json"


# -- pure: the shape of a level-0 service -------------------------------------------------------

def make_scale_factors(width: int, height: int, tile_size: int) -> list[int]:
    """1, 2, 4, … until the whole image fits in one tile."""
    factors = [1]
    while math.ceil(width / factors[-1]) > tile_size or math.ceil(height / factors[-1]) > tile_size:
        factors.append(factors[-1] * 2)
    return factors


def make_sizes(width: int, height: int, tile_size: int = 512) -> list[tuple[int, int]]:
    """Whole-image sizes, smallest first: every tile level's, full size included, then halvings
    down to a thumbnail narrower than THUMBNAIL_WIDTH. Listing every level matters: OpenSeadragon
    (Mirador's viewer) takes a `sizes` list as long as the number of levels for the levels' sizes."""
    last = make_scale_factors(width, height, tile_size)[-1]
    sizes, scale = [], 1
    while scale <= last or sizes[-1][0] >= THUMBNAIL_WIDTH and sizes[-1][1] > 1:
        sizes.append((math.ceil(width / scale), math.ceil(height / scale)))
        scale *= 2
    return sorted(sizes)


def make_tiles(width: int, height: int, tile_size: int, scale: int) -> list[tuple[tuple[int, int, int, int], str]]:
    """Every tile a level-0 client may ask for at `scale`: (crop box in that level's pixels,
    URL path below the service). The arithmetic is OpenSeadragon's, so its requests all exist."""
    level_w, level_h = math.ceil(width / scale), math.ceil(height / scale)
    tiles = []
    for y in range(0, level_h, tile_size):
        for x in range(0, level_w, tile_size):
            w, h = min(tile_size, level_w - x), min(tile_size, level_h - y)
            rx, ry = x * scale, y * scale
            rw, rh = min(tile_size * scale, width - rx), min(tile_size * scale, height - ry)
            region = "full" if (rw, rh) == (width, height) else f"{rx},{ry},{rw},{rh}"
            tiles.append(((x, y, x + w, y + h), Urls.image_request(region, f"{w},{h}")))
    return tiles


def make_info_json(service_id: str, width: int, height: int, tile_size: int, scale_factors: list[int],
                   sizes: list[tuple[int, int]]) -> dict:
    """The info.json of a level-0 IIIF Image API 3.0 service."""
    return {
        "@context": IIIF_CONTEXT,
        "id": service_id,
        "type": "ImageService3",
        "protocol": "http://iiif.io/api/image",
        "profile": "level0",
        "width": width,
        "height": height,
        "sizes": [{"width": w, "height": h} for w, h in sizes],
        "tiles": [{"width": tile_size, "height": tile_size, "scaleFactors": scale_factors}],
    }


# -- images in memory -------------------------------------------------------------------------

def to_display(im: Image.Image) -> tuple[Image.Image, list[str]]:
    """The master as viewers should see it: EXIF orientation applied, 8 bits, sRGB, no alpha.
    Returns the image (L or RGB) and notes on anything that could not be honoured."""
    notes = []
    # first, while the master still holds its EXIF (converted copies do not); turning and
    # converting pixels commute, so the order changes no byte
    ImageOps.exif_transpose(im, in_place=True)
    icc = im.info.get("icc_profile")
    if im.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        # 16-bit grey: keep the top 8 bits (Pillow's own convert would clip at 255 instead)
        im = im.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    elif im.mode == "F":
        im = im.convert("L")
    elif im.mode in ("RGBA", "LA", "PA", "P", "La", "RGBa") or "transparency" in im.info:
        rgba = im.convert("RGBA")
        im = Image.new("RGB", rgba.size, "white")
        im.paste(rgba, mask=rgba.getchannel("A"))  # scans with transparency are shown on white paper
        del rgba
    elif im.mode == "1":
        im = im.convert("L")
    if icc:
        im, note = _to_srgb(im, icc)
        notes += note
    if im.mode not in ("L", "RGB"):
        im = im.convert("RGB")
    return im, notes


def _to_srgb(im: Image.Image, icc: bytes) -> tuple[Image.Image, list[str]]:
    try:
        source = ImageCms.ImageCmsProfile(BytesIO(icc))
        description = ImageCms.getProfileDescription(source) or ""
    except (OSError, ImageCms.PyCMSError) as exc:
        return im, [f"its embedded ICC profile cannot be read ({exc}); colours are shown as stored"]
    if "srgb" in description.lower() and im.mode in ("L", "RGB"):
        return im, []  # already sRGB: a transform would cost time and change nothing
    try:
        out_mode = "RGB"
        converted = ImageCms.profileToProfile(im, source, ImageCms.createProfile("sRGB"), outputMode=out_mode)
    except (ImageCms.PyCMSError, ValueError, OSError) as exc:
        note = f"its embedded ICC profile '{description.strip()}' cannot be applied ({exc}); colours are shown as stored"
        return im, [note]
    if im.mode == "L":
        converted = converted.convert("L")  # a grey master stays grey
    return converted, []


def write_jpeg(im: Image.Image, path: Path, quality: int) -> None:
    """Fixed JPEG settings, no metadata (so no EXIF or GPS leaves the master)."""
    os.makedirs(path.parent, exist_ok=True)
    im.save(path, "JPEG", quality=quality, optimize=False, progressive=False)


def write_pyramid(im: Image.Image, folder: Path, tile_size: int, quality: int) -> dict:
    """Every file a level-0 client may ask for, built level by level: each level is the previous one
    reduced 2x (never a full-size copy per level: the whole pyramid is 4/3 of the master in memory).
    Returns the service description."""
    width, height = im.size
    factors = make_scale_factors(width, height, tile_size)
    sizes = make_sizes(width, height, tile_size)
    full_max = folder / Urls.image_request("full", "max")
    write_jpeg(im, full_max, quality)
    level = im
    for index in range(len(sizes)):  # sizes are the levels, and a few smaller halvings
        scale = 2 ** index
        if index:
            level = level.reduce(2)
        written = set()
        if scale in factors:
            for box, url in make_tiles(width, height, tile_size, scale):
                write_jpeg(level.crop(box), folder / url, quality)
                written.add(url)
        url = Urls.image_request("full", f"{level.width},{level.height}")
        if url not in written and scale == 1:  # the same pixels and settings as full/max: the same bytes
            os.makedirs((folder / url).parent, exist_ok=True)
            link_file(full_max, folder / url)
        elif url not in written:
            write_jpeg(level, folder / url, quality)
    return {"width": width, "height": height, "tile_size": tile_size, "scale_factors": factors,
            "sizes": [list(s) for s in sizes]}


def link_file(source: Path, target: Path) -> None:
    """Hard-link a cached file into the site (instant, no extra space); copy across file systems."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
