"""Make the small scans of the test collection (tests/fixtures/collection), then record their checksums.

Each picture exercises something the tests check: EXIF on every file, a GPS position that must never
be published (TT-2026-0002/001.jpg), a page stored on its side with Orientation 6 (TT-2026-0001/003.jpg),
and a 16-bit RGB TIFF with an embedded sRGB profile (TT-2026-0002/002.tif), which Pillow cannot
write, so it is assembled here by hand. Fixed seeds: the same bytes on every run.

    python tools/make_test_fixtures.py
"""

from __future__ import annotations

import io
import random
import struct
import sys
import zlib
from pathlib import Path

from PIL import Image, ImageCms, ImageDraw, ImageOps
from PIL.ExifTags import IFD, GPS
from PIL.TiffImagePlugin import IFDRational

from make_sample_scans import (
    CAMERA, HAND, SCANNER, exif as _exif, font, handwrite, noise, star, typewrite, write_bytes,
    write_checksums,
)

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "collection"
SIZE = (300, 400)
SOFTWARE = "kyvat tools/make_test_fixtures.py"


def exif(device: tuple[str, str], when: str, dpi: int, orientation: int = 1) -> Image.Exif:
    return _exif(device, when, dpi, orientation, software=SOFTWARE)


def page(text: str, rng: random.Random, typed: bool = False) -> Image.Image:
    img = Image.new("RGB", SIZE, (236, 228, 206))
    img = Image.composite(img, Image.new("RGB", SIZE, (222, 210, 182)), noise(SIZE, rng, 40, 0, 255))
    if typed:
        typewrite(img, text, rng, (20, 24, 280, 380), 13)
    else:
        handwrite(img, text, rng, (20, 24, 280, 380), font(HAND, 17), 26, (88, 52, 128), 20)
    return img


def portrait(rng: random.Random) -> Image.Image:
    g = Image.linear_gradient("L").resize(SIZE).point(lambda v: 170 - v // 4)
    d = ImageDraw.Draw(g)
    d.ellipse((40, 250, 260, 470), fill=200)
    d.ellipse((100, 100, 200, 230), fill=150)
    d.chord((95, 85, 205, 200), 180, 360, fill=45)
    return ImageOps.colorize(g, black=(38, 26, 14), white=(246, 232, 204))


def medal(rng: random.Random) -> Image.Image:
    img = Image.new("RGB", (300, 300), (150, 150, 146))
    d = ImageDraw.Draw(img)
    d.polygon(((120, 20), (180, 20), (180, 120), (150, 140), (120, 120)), fill=(176, 28, 34))
    d.ellipse((80, 130, 220, 270), fill=(200, 160, 58))
    star(d, (150, 200), 62, (236, 196, 80))
    return img


def gps_exif(when: str) -> Image.Exif:
    """Camera EXIF with a position in Hai Phong: exactly what a published derivative must not carry."""
    e = exif(CAMERA, when, 300)
    gps = e.get_ifd(IFD.GPSInfo)
    gps[GPS.GPSVersionID] = b"\x02\x03\x00\x00"
    gps[GPS.GPSLatitudeRef] = "N"
    gps[GPS.GPSLatitude] = (IFDRational(20, 1), IFDRational(51, 1), IFDRational(305, 10))
    gps[GPS.GPSLongitudeRef] = "E"
    gps[GPS.GPSLongitude] = (IFDRational(106, 1), IFDRational(41, 1), IFDRational(12, 1))
    gps[GPS.GPSAltitudeRef] = b"\x00"
    gps[GPS.GPSAltitude] = IFDRational(4, 1)
    return e


def jpeg(img: Image.Image, ex: Image.Exif) -> bytes:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=80, dpi=(300, 300), exif=ex, optimize=True)
    return buf.getvalue()


def png(img: Image.Image, ex: Image.Exif) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG", dpi=(300, 300), exif=ex, optimize=True)
    return buf.getvalue()


def tiff16(width: int, height: int, when: str) -> bytes:
    """A little-endian, deflate-compressed, 16-bit-per-sample RGB TIFF with EXIF-style tags and an
    sRGB ICC profile: what archival scanners write and Pillow can read but not save."""
    rows = []
    for y in range(height):
        values = []
        for x in range(width):
            inside = (x - width / 2) ** 2 + (y - height / 2) ** 2 < (width / 3) ** 2
            values += [x * 65535 // (width - 1), y * 65535 // (height - 1), 52000 if inside else 9000]
        # horizontal differencing (TIFF Predictor 2) makes the gradients compress to almost nothing
        diffs = values[:3] + [(values[i] - values[i - 3]) % 65536 for i in range(3, len(values))]
        rows.append(struct.pack(f"<{len(diffs)}H", *diffs))
    strip = zlib.compress(b"".join(rows), 9)
    icc = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    # LittleCMS stamps the profile with the time it was made; a fixed date (and no profile ID,
    # which would hash that date) keeps the file the same from run to run.
    icc[24:36] = struct.pack(">6H", 2026, 1, 1, 0, 0, 0)
    icc[84:100] = bytes(16)
    icc = bytes(icc)
    ascii_ = lambda s: s.encode("ascii") + b"\0"  # noqa: E731
    tags = [  # (tag, type, count, payload bytes); type 2 ASCII, 3 SHORT, 4 LONG, 5 RATIONAL, 7 UNDEFINED
        (256, 4, 1, struct.pack("<I", width)),
        (257, 4, 1, struct.pack("<I", height)),
        (258, 3, 3, struct.pack("<3H", 16, 16, 16)),
        (259, 3, 1, struct.pack("<H", 8)),  # Adobe deflate
        (262, 3, 1, struct.pack("<H", 2)),  # RGB
        (271, 2, len(SCANNER[0]) + 1, ascii_(SCANNER[0])),
        (272, 2, len(SCANNER[1]) + 1, ascii_(SCANNER[1])),
        (273, 4, 1, None),  # StripOffsets, filled in below
        (274, 3, 1, struct.pack("<H", 1)),
        (277, 3, 1, struct.pack("<H", 3)),
        (278, 4, 1, struct.pack("<I", height)),
        (279, 4, 1, struct.pack("<I", len(strip))),
        (282, 5, 1, struct.pack("<2I", 600, 1)),
        (283, 5, 1, struct.pack("<2I", 600, 1)),
        (284, 3, 1, struct.pack("<H", 1)),
        (296, 3, 1, struct.pack("<H", 2)),
        (305, 2, len(SOFTWARE) + 1, ascii_(SOFTWARE)),
        (306, 2, len(when) + 1, ascii_(when)),
        (317, 3, 1, struct.pack("<H", 2)),  # Predictor: horizontal differencing
        (34675, 7, len(icc), icc),  # the ICC profile
    ]
    ifd_size = 2 + 12 * len(tags) + 4
    extra_at = 8 + ifd_size
    extra = b""
    entries = []
    for tag, kind, count, payload in tags:
        if payload is None or len(payload) <= 4:
            entries.append((tag, kind, count, payload))
            continue
        if (extra_at + len(extra)) % 2:
            extra += b"\0"  # values start on a word boundary
        entries.append((tag, kind, count, struct.pack("<I", extra_at + len(extra))))
        extra += payload
    if (extra_at + len(extra)) % 2:
        extra += b"\0"
    strip_at = extra_at + len(extra)
    ifd = struct.pack("<H", len(entries))
    for tag, kind, count, payload in entries:
        payload = struct.pack("<I", strip_at) if tag == 273 else payload
        ifd += struct.pack("<HHI", tag, kind, count) + payload.ljust(4, b"\0")
    ifd += struct.pack("<I", 0)
    return b"II*\0" + struct.pack("<I", 8) + ifd + extra + strip


def transcript(object_id: str, stem: str) -> str:
    return (FIXTURE / "objects" / object_id / "transcripts" / f"{stem}.txt").read_text("utf-8").strip()


def files() -> dict[str, bytes]:
    """Every fixture file, by path inside the collection."""
    rng = lambda name: random.Random(f"kyvat-fixture/{name}")  # noqa: E731
    out = {}
    for n in ("001", "002"):
        out[f"objects/TT-2026-0001/scans/{n}.jpg"] = jpeg(
            page(transcript("TT-2026-0001", n), rng(n)), exif(SCANNER, "2026:08:05 09:00:00", 300))
    # Page 3 lies on its side: the pixels are turned a quarter to the left and Orientation 6 says
    # "turn right to view", as a phone camera held sideways would write it.
    upright = page(transcript("TT-2026-0001", "003"), rng("003"))
    out["objects/TT-2026-0001/scans/003.jpg"] = jpeg(
        upright.transpose(Image.Transpose.ROTATE_90), exif(SCANNER, "2026:08:05 09:01:00", 300, orientation=6))
    out["objects/TT-2026-0002/scans/001.jpg"] = jpeg(portrait(rng("portrait")), gps_exif("2026:06:16 10:20:00"))
    out["objects/TT-2026-0002/scans/002.tif"] = tiff16(120, 160, "2026:06:16 10:30:00")
    out["objects/TT-2026-0003/scans/001.png"] = png(medal(rng("medal")), exif(CAMERA, "2026:05:01 11:00:00", 300))
    out["objects/TT-2026-0004/scans/001.jpg"] = jpeg(
        page(transcript("TT-2026-0004", "001"), rng("restricted"), typed=True),
        exif(SCANNER, "2026:06:16 11:00:00", 300))
    return out


def check(collection: Path) -> None:
    """Stop if a file does not read back as the tests expect."""
    letter = Image.open(collection / "objects/TT-2026-0001/scans/003.jpg")
    assert letter.getexif()[274] == 6 and ImageOps.exif_transpose(letter).size == SIZE
    photo = Image.open(collection / "objects/TT-2026-0002/scans/001.jpg")
    assert photo.getexif().get_ifd(IFD.GPSInfo)[GPS.GPSLatitudeRef] == "N"
    tif = Image.open(collection / "objects/TT-2026-0002/scans/002.tif")
    tif.load()
    assert tif.info.get("icc_profile") and tif.tag_v2[258] == (16, 16, 16), "16-bit TIFF unreadable"


def main() -> int:
    changed = [path for path, data in files().items() if write_bytes(FIXTURE / path, data)]
    for folder in sorted((FIXTURE / "objects").iterdir()):
        if write_checksums(folder):
            changed.append(str((folder / "record.yaml").relative_to(FIXTURE)))
    check(FIXTURE)
    for path in changed:
        print(f"wrote {path}")
    print(f"{len(changed)} file(s) changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
