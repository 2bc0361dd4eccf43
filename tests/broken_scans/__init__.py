"""Scans made on the fly for the media, derivative and build tests, the ways to damage them, and
the level-0 completeness check the tests apply to every built image service.

Nothing here is committed as binary data: each test makes its files in a temporary folder, so what
a broken scan looks like is written down in code (a truncated JPEG is a good JPEG cut in half).
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import struct
from pathlib import Path

from PIL import Image

GPS_MARKER = "PRIVATE-GPS-MARKER-4711"  # planted in a master's GPS block; must reach no output


def write_kyvat_yaml(root: Path, **settings) -> None:
    root.mkdir(parents=True, exist_ok=True)
    lines = ["name: {vi: Nhà truyền thống thử, en: Test House}", "base_url: https://example.test/"]
    lines += [f"{key}: {value}" for key, value in settings.items()]
    (root / "kyvat.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_object(root: Path, object_id: str, scans: dict[str, bytes], listed: list[str] | None = None) -> Path:
    """An object with these master files; `listed` writes a `scans:` list (else: every file)."""
    folder = root / "objects" / object_id
    (folder / "scans").mkdir(parents=True, exist_ok=True)
    for name, data in scans.items():
        (folder / "scans" / name).write_bytes(data)
    record = [f"id: {object_id}", "# a comment the curator wrote", "title: {vi: Thư, en: Letter}",
              "object_type: letter", "acquisition:", "  method: gift", "  date: 2026-01-02"]
    if listed is not None:
        record.append("scans:")
        for name in listed:
            path = folder / "scans" / name
            sha = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "0" * 64
            record += [f"  - file: {name}", f"    sha256: {sha}"]
    record.append("visibility: public  # shown on the site")
    (folder / "record.yaml").write_text("\n".join(record) + "\n", encoding="utf-8")
    return folder


def jpeg(size=(640, 480), colour=(120, 80, 40), exif: Image.Exif | None = None, quality=90) -> bytes:
    """A JPEG with a gradient (so tiles differ) over a plain colour."""
    im = Image.linear_gradient("L").resize(size).convert("RGB")
    im = Image.blend(im, Image.new("RGB", size, colour), 0.5)
    out = io.BytesIO()
    im.save(out, "JPEG", quality=quality, **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


def camera_exif(orientation: int = 1, gps: bool = False) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Nikon"  # Make
    exif[0x0110] = "D750"  # Model
    exif[0x0131] = "ScanStudio 2"  # Software
    exif[0x0112] = orientation
    if gps:
        # GPSLatitudeRef, GPSLatitude (a donor's home) and GPSMapDatum carrying a marker to grep for
        exif[0x8825] = {1: "N", 2: (20.0, 51.0, 30.5), 3: "E", 4: (106.0, 40.0, 12.0), 18: GPS_MARKER}
    return exif


def png(size=(300, 200), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, 128).save(out, "PNG")
    return out.getvalue()


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def swapped_primaries_icc() -> bytes:
    """A tiny ICC v2 RGB profile whose red and blue primaries are sRGB's blue and red: a pixel
    stored as pure red is really blue. A conversion to sRGB that ignored it would show red."""
    def s15(v: float) -> bytes:
        return struct.pack(">i", round(v * 65536))

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ " + b"\0" * 4 + s15(x) + s15(y) + s15(z)

    text = b"Swapped red-blue test profile\0"
    desc = b"desc" + b"\0" * 4 + struct.pack(">I", len(text)) + text + b"\0" * 8 + b"\0" * 3 + b"\0" * 67
    curve = b"curv" + b"\0" * 4 + struct.pack(">IH", 1, 0x0233) + b"\0\0"  # gamma 2.2
    tags = [(b"desc", desc), (b"wtpt", xyz(0.9642, 1.0, 0.8249)), (b"rXYZ", xyz(0.1431, 0.0606, 0.7141)),
            (b"gXYZ", xyz(0.3851, 0.7169, 0.0971)), (b"bXYZ", xyz(0.4361, 0.2225, 0.0139)),
            (b"rTRC", curve), (b"gTRC", curve), (b"bTRC", curve), (b"cprt", b"text\0\0\0\0none\0\0\0\0")]
    offset = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for sig, data in tags:
        data += b"\0" * (-len(data) % 4)
        table += sig + struct.pack(">II", offset + len(body), len(data))
        body += data
    size = offset + len(body)
    header = (struct.pack(">I", size) + b"\0" * 4 + struct.pack(">I", 0x02100000) + b"mntrRGB XYZ "
              + struct.pack(">6H", 2026, 1, 1, 0, 0, 0) + b"acsp" + b"\0" * 24 + struct.pack(">I", 0)
              + s15(0.9642) + s15(1.0) + s15(0.8249) + b"\0" * 48)
    return header + struct.pack(">I", len(tags)) + table + body


def tiff16_rgb(width: int, height: int, pixel, icc: bytes = b"", orientation: int = 1) -> bytes:
    """An uncompressed 16-bit RGB TIFF (which Pillow reads but does not write), with an optional
    ICC profile and EXIF orientation. `pixel(x, y)` gives (r, g, b) in 0..65535."""
    data = b"".join(struct.pack("<3H", *pixel(x, y)) for y in range(height) for x in range(width))
    entries = [(256, 4, 1, width), (257, 4, 1, height), (258, 3, 3, None), (259, 3, 1, 1), (262, 3, 1, 2),
               (273, 4, 1, None), (274, 3, 1, orientation), (277, 3, 1, 3), (278, 4, 1, height),
               (279, 4, 1, len(data)), (284, 3, 1, 1)]
    if icc:
        entries.append((34675, 7, len(icc), None))
    ifd_size = 2 + 12 * len(entries) + 4
    bits_at = 8 + ifd_size
    icc_at = bits_at + 6
    data_at = icc_at + len(icc) + (len(icc) % 2)
    ifd = struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        value = {258: bits_at, 273: data_at, 34675: icc_at}.get(tag, value)
        packed = struct.pack("<H", value) + b"\0\0" if kind == 3 and count == 1 else struct.pack("<I", value)
        ifd += struct.pack("<HHI", tag, kind, count) + packed
    ifd += b"\0" * 4
    out = b"II*\0" + struct.pack("<I", 8) + ifd + struct.pack("<3H", 16, 16, 16) + icc
    return out + b"\0" * (len(icc) % 2) + data


def implied_files(info: dict) -> dict[str, tuple[int, int]]:
    """Every path a level-0 client may request from this info.json, with the pixel size it must
    have: written from the IIIF Image API 3.0 spec, independently of kyvat's own arithmetic."""
    width, height = info["width"], info["height"]
    files = {"full/max/0/default.jpg": max_size(info)}
    for size in info["sizes"]:
        files[f"full/{size['width']},{size['height']}/0/default.jpg"] = (size["width"], size["height"])
    for tile in info["tiles"]:
        tw, th = tile["width"], tile.get("height", tile["width"])
        for scale in tile["scaleFactors"]:
            for ry in range(0, height, th * scale):
                for rx in range(0, width, tw * scale):
                    rw, rh = min(tw * scale, width - rx), min(th * scale, height - ry)
                    sw, sh = math.ceil(rw / scale), math.ceil(rh / scale)
                    region = "full" if (rx, ry, rw, rh) == (0, 0, width, height) else f"{rx},{ry},{rw},{rh}"
                    files[f"{region}/{sw},{sh}/0/default.jpg"] = (sw, sh)
    return files


def assert_level0_complete(site: Path, base_url: str) -> int:
    """Check every info.json under site/iiif/images; return how many services were checked."""
    infos = sorted((site / "iiif" / "images").glob("*/info.json"))
    for info_path in infos:
        info = json.loads(info_path.read_text(encoding="utf-8"))
        assert info["@context"] == "http://iiif.io/api/image/3/context.json"
        assert info["id"] == f"{base_url}iiif/images/{info_path.parent.name}"
        assert (info["type"], info["protocol"], info["profile"]) == ("ImageService3", "http://iiif.io/api/image",
                                                                    "level0")
        widths = [s["width"] for s in info["sizes"]]
        assert widths == sorted(widths), f"{info_path}: sizes must be smallest first"
        assert_sizes_fit_openseadragon(info)
        for rel, size in implied_files(info).items():
            path = info_path.parent / rel
            assert path.is_file(), f"{info_path.parent.name}: {rel} is implied by info.json but missing"
            with Image.open(path) as im:
                assert (im.format, im.size) == ("JPEG", size), f"{info_path.parent.name}/{rel}"
    return len(infos)


def max_size(info: dict) -> tuple[int, int]:
    """The size `full/max` has: the image's, or, under `maxWidth`/`maxHeight` (the latter defaults
    to the former), the image scaled down to fit them with its aspect ratio, rounded up."""
    width, height = info["width"], info["height"]
    if "maxWidth" not in info:
        return width, height
    max_width, max_height = info["maxWidth"], info.get("maxHeight", info["maxWidth"])
    scale = min(1, max_width / width, max_height / height)
    fitted = math.ceil(width * scale - 1e-9), math.ceil(height * scale - 1e-9)
    for tile in info["tiles"]:  # no tile may be larger than the largest image the service serves
        assert tile["width"] <= max_width and tile.get("height", tile["width"]) <= max_height, info["id"]
    for size in info["sizes"]:
        assert size["width"] <= max_width and size["height"] <= max_height, info["id"]
    return fitted


def assert_sizes_fit_openseadragon(info: dict) -> None:
    """OpenSeadragon (inside Mirador) reads a `sizes` list with as many entries as tile levels, or
    one fewer, as the exact size of each level; then it must be right, or tiles are asked for
    under names that do not exist."""
    sizes = sorted((s["width"], s["height"]) for s in info["sizes"])
    factors = info["tiles"][0]["scaleFactors"]
    max_level = round(math.log2(max(factors)))
    if len(sizes) in (max_level, max_level + 1):
        if len(sizes) == max_level:
            sizes.append((info["width"], info["height"]))
        levels = sorted((math.ceil(info["width"] / f), math.ceil(info["height"] / f)) for f in factors)
        assert sizes == levels, f"{info['id']}: OpenSeadragon would take sizes {sizes} as the levels {levels}"
