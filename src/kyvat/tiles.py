"""The pixels of a IIIF Image API 3.0 level-0 service: the pyramid of static tiles and whole-image
sizes a client may ask for, and the master turned into what viewers should see. Pillow is imported
here and in media.py (which reads the masters); derivatives.py decides what to make and caches it.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import tempfile
from io import BytesIO
from pathlib import Path

import PIL
from PIL import Image, ImageCms, ImageOps, ImageSequence

from .urls import Urls

PILLOW_VERSION = PIL.__version__  # part of the derivative cache's key: another Pillow, other bytes
# Whole-image sizes go on halving below the smallest tile level until one is narrower than this,
# so there is always a thumbnail 200-400 pixels wide.
THUMBNAIL_WIDTH = 400
IIIF_CONTEXT = "http://iiif.io/api/image/3/context.json"


# -- pure: the shape of a level-0 service -------------------------------------------------------

def make_scale_factors(width: int, height: int, tile_size: int) -> list[int]:
    """1, 2, 4, … until the whole image fits in one tile, then on while a level is at least
    THUMBNAIL_WIDTH wide, so there is always a thumbnail 200-400 pixels wide. Each level past the
    first that fits is a single tile, whose file is that whole-image size (`full/w,h`)."""
    factors = [1]
    while True:
        w, h = math.ceil(width / factors[-1]), math.ceil(height / factors[-1])
        if w <= tile_size and h <= tile_size and (w < THUMBNAIL_WIDTH or h <= 1):
            return factors
        factors.append(factors[-1] * 2)


def make_max_scale(width: int, height: int, tile_size: int) -> int:
    """The level `full/max` shows: the smallest whose sides are still at least a tile's (level 0's
    `maxWidth`/`maxHeight` may not be smaller than a tile), so the full resolution is published once,
    in the tiles, and not again as a whole image."""
    wanted = (min(tile_size, width), min(tile_size, height))
    fitting = [f for f in make_scale_factors(width, height, tile_size)
               if math.ceil(width / f) >= wanted[0] and math.ceil(height / f) >= wanted[1]]
    return fitting[-1]


def make_max_size(width: int, height: int, tile_size: int) -> tuple[int, int]:
    """The pixel size of `full/max` (make_max_scale's level)."""
    scale = make_max_scale(width, height, tile_size)
    return math.ceil(width / scale), math.ceil(height / scale)


def make_sizes(width: int, height: int, tile_size: int = 512) -> list[tuple[int, int]]:
    """Whole-image sizes, smallest first: the levels no larger than `full/max`, without the full
    size of an image of several levels (its pixels are the tiles'; `full/max` shows it whole when
    it is not cut down). The list is then exactly the levels below the full size, or shorter than
    that by at least one: OpenSeadragon (Mirador's viewer) takes a `sizes` list as long as the
    number of levels, or one fewer, as the levels' sizes, and ignores any other."""
    factors = make_scale_factors(width, height, tile_size)
    if len(factors) == 1:
        return [(width, height)]
    top = make_max_scale(width, height, tile_size)
    return sorted((math.ceil(width / f), math.ceil(height / f)) for f in factors if f >= max(top, 2))


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
                   sizes: list[tuple[int, int]], max_size: tuple[int, int] | None = None) -> dict:
    """The info.json of a level-0 IIIF Image API 3.0 service; `max_size`, when smaller than the
    image, is what `full/max` shows (as `maxWidth` and `maxHeight`)."""
    info = {
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
    if max_size and tuple(max_size) != (width, height):
        info.update(maxWidth=max_size[0], maxHeight=max_size[1])
    return info


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


def write_view(im: Image.Image, path: Path, size: int, quality: int) -> None:
    """A JPEG of the master as viewers see it (to_display), at most `size` pixels on its long side
    (0: as large as it is), for the desk, which browsers cannot show a TIFF, HEIC or PDF in. Written
    beside `path` first and swapped in, so a reader never gets half a picture."""
    im, _notes = to_display(im)
    if size and max(im.size) > size:
        im.thumbnail((size, size), Image.Resampling.LANCZOS)
    os.makedirs(path.parent, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write_jpeg(im, Path(tmp), quality)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


# Site images a collection supplies as files (its logo, its own static pictures), by suffix: each is
# written again without its metadata (write_public_image); an SVG is text, its <metadata> taken out.
PUBLIC_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".tif", ".tiff", ".bmp", ".ico", ".svg")
# What of a picture's `info` is written again: how it looks, never who made it or where.
_LOOK = ("transparency", "background", "duration", "loop", "icc_profile")
_SVG_METADATA = re.compile(rb"<metadata\b.*?</metadata\s*>|<metadata\b[^>]*/>|<\?xpacket\b.*?\?>", re.S | re.I)


def write_public_image(source: Path, target: Path) -> None:
    """A copy of a picture the site shows as a file (the house's logo, a collection's own static
    image) without its metadata: EXIF (a phone's GPS position, the camera's owner), XMP, IPTC, text
    chunks and comments are left behind; the pixels (turned upright as the EXIF said), the colour
    profile, transparency and animation are kept. Raises OSError or ValueError for a file Pillow
    cannot read or write."""
    os.makedirs(target.parent, exist_ok=True)
    if source.suffix.lower() == ".svg":
        target.write_bytes(_SVG_METADATA.sub(b"", source.read_bytes()))
        return
    try:
        with Image.open(source) as im:
            kind, look = ("JPEG" if im.format == "MPO" else im.format), {k: v for k, v in im.info.items() if k in _LOOK}
            if kind == "JPEG" and _orientation(im) == 1:
                im.load()
                im.info = {}  # its comment and EXIF with it; its quantization is kept: its pixels stay as they were
                im.save(target, "JPEG", quality="keep", subsampling="keep", icc_profile=look.get("icc_profile"))
                return
            frames = [ImageOps.exif_transpose(frame) if _orientation(frame) != 1 else frame.copy()
                      for frame in ImageSequence.Iterator(im)][:1 if kind == "JPEG" else None]
    except Image.DecompressionBombError as exc:
        raise ValueError(str(exc)) from None
    for frame in frames:
        frame.info = {}
    more = {"save_all": True, "append_images": frames[1:]} if len(frames) > 1 else {}
    quality = {"JPEG": {"quality": 95}, "WEBP": {"quality": 90}}.get(kind, {})
    frames[0].save(target, kind, **look, **more, **quality)


def _orientation(im: Image.Image) -> int:
    """The EXIF orientation of a picture; 1 (as stored) when its EXIF cannot be read."""
    try:
        return im.getexif().get(0x0112, 1)
    except (SyntaxError, ValueError, OSError):
        return 1


def write_pyramid(im: Image.Image, folder: Path, tile_size: int, quality: int) -> dict:
    """Every file a level-0 client may ask for, built level by level: each level is the previous one
    reduced 2x (never a full-size copy per level: the whole pyramid is 4/3 of the master in memory).
    A whole-image size that is a level's only tile is that tile; `full/max` is a link to its level's
    file, or, at full size, a file of its own. Returns the service description."""
    width, height = im.size
    factors = make_scale_factors(width, height, tile_size)
    sizes = make_sizes(width, height, tile_size)
    top = make_max_scale(width, height, tile_size)
    full_max = folder / Urls.image_request("full", "max")
    level = im
    for scale in factors:
        if scale > 1:
            level = level.reduce(2)
        written = set()
        for box, url in make_tiles(width, height, tile_size, scale):
            write_jpeg(level.crop(box), folder / url, quality)
            written.add(url)
        url = Urls.image_request("full", f"{level.width},{level.height}")
        if url not in written and level.size in sizes:
            write_jpeg(level, folder / url, quality)
            written.add(url)
        if scale == top and url in written:  # the same pixels and settings: the same bytes
            os.makedirs(full_max.parent, exist_ok=True)
            link_file(folder / url, full_max)
        elif scale == top:
            write_jpeg(level, full_max, quality)
    return {"width": width, "height": height, "tile_size": tile_size, "scale_factors": factors,
            "sizes": [list(s) for s in sizes], "max_size": list(make_max_size(width, height, tile_size))}


def link_file(source: Path, target: Path) -> None:
    """Hard-link a cached file into the site (instant, no extra space); copy across file systems."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
