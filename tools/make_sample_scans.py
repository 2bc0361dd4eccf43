"""Make every binary file of the bundled sample collection, then record their checksums.

Draws the scans under collection/objects/*/scans/ and collection/assets/logo.png from fixed seeds
(document pages show the text of their transcripts), then rewrites the `sha256:` value of every
listed scan in each record.yaml in place, so the curator's comments survive.

Needs Pillow and the DejaVu fonts (Debian: fonts-dejavu-core) for the images, and espeak-ng and
ffmpeg (apt-get install espeak-ng ffmpeg) for the audio and the video. Only a regeneration needs
them: the files are committed, and building the site needs none of these tools.

    python tools/make_sample_scans.py                 # everything
    python tools/make_sample_scans.py --skip-media    # images only (no espeak-ng / ffmpeg)

Every person in the sample collection is fictional; so are these pictures.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import math
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont, ImageOps
from PIL.ExifTags import IFD, Base
from PIL.TiffImagePlugin import IFDRational

ROOT = Path(__file__).resolve().parent.parent
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
             Path("/usr/local/share/fonts/dejavu"))
SOFTWARE = "kyvat tools/make_sample_scans.py"
SCANNER = ("Epson", "Perfection V850 Pro")
CAMERA = ("Canon", "Canon EOS 90D")
JPEG_QUALITY = 80

PAPER = (233, 222, 194)
PURPLE_INK = (88, 52, 128)
BLUE_BLACK_INK = (30, 40, 78)
TYPE_INK = (38, 34, 32)


# -- fonts --------------------------------------------------------------------------------------

_fonts: dict[tuple[str, int], ImageFont.FreeTypeFont] = {}


def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    """A DejaVu face (it has every Vietnamese letter); stop with a clear message when it is missing."""
    key = (name, size)
    if key not in _fonts:
        for folder in FONT_DIRS:
            if (folder / name).is_file():
                # The basic layout draws DejaVu's precomposed Vietnamese letters the same way whether
                # or not Pillow was built with libraqm, so the pictures come out byte for byte alike.
                _fonts[key] = ImageFont.truetype(str(folder / name), size, layout_engine=ImageFont.Layout.BASIC)
                break
        else:
            sys.exit(f"make_sample_scans: font {name} not found in {', '.join(map(str, FONT_DIRS))}.\n"
                     "Install the DejaVu fonts (Debian/Ubuntu: apt-get install fonts-dejavu-core): "
                     "they have the Vietnamese letters the pages need.")
    return _fonts[key]


HAND = "DejaVuSerif-Italic.ttf"
SERIF = "DejaVuSerif.ttf"
SERIF_BOLD = "DejaVuSerif-Bold.ttf"
SANS_BOLD = "DejaVuSans-Bold.ttf"


# -- textures -----------------------------------------------------------------------------------

def noise(size: tuple[int, int], rng: random.Random, cell: int, low: int, high: int) -> Image.Image:
    """Smooth grey noise between `low` and `high`: random cells of `cell` pixels, blown up softly."""
    w, h = max(2, size[0] // cell + 2), max(2, size[1] // cell + 2)
    small = Image.frombytes("L", (w, h), rng.randbytes(w * h))
    big = small.resize((w * cell, h * cell), Image.Resampling.BICUBIC).crop((0, 0, *size))
    return big.point(lambda v: low + (high - low) * v // 255)


def radial(size: tuple[int, int], inner: int, outer: int) -> Image.Image:
    """An L mask: `inner` at the centre, `outer` at the corners."""
    grad = Image.radial_gradient("L").resize(size, Image.Resampling.BILINEAR)
    return grad.point(lambda v: inner + (outer - inner) * min(255, int(v * 1.15)) // 255)


def paper(size: tuple[int, int], rng: random.Random, colour=PAPER, stains: int = 3,
          fold: str | None = "h") -> Image.Image:
    """Aged paper: fibres, mottling, darker edges, a few water stains and a fold line."""
    img = Image.new("RGB", size, colour)
    grain = noise(size, rng, 4, 244, 255).filter(ImageFilter.GaussianBlur(1.5))
    mottle = noise(size, rng, 120, 232, 255)
    shade = ImageChops.multiply(grain, mottle)
    shade = ImageChops.multiply(shade, radial(size, 255, 222))
    img = ImageChops.multiply(img, Image.merge("RGB", [shade] * 3))
    stain_mask = Image.new("L", size, 0)
    d = ImageDraw.Draw(stain_mask)
    for _ in range(stains):
        cx, cy = rng.randrange(size[0]), rng.randrange(size[1])
        r = rng.randrange(size[0] // 14, size[0] // 6)
        d.ellipse((cx - r, cy - int(r * 0.8), cx + r, cy + int(r * 0.8)), fill=rng.randrange(18, 36))
        d.ellipse((cx - r, cy - int(r * 0.8), cx + r, cy + int(r * 0.8)), outline=rng.randrange(50, 80), width=5)
    stain_mask = stain_mask.filter(ImageFilter.GaussianBlur(7))
    img = Image.composite(Image.new("RGB", size, (176, 140, 86)), img, stain_mask)
    if fold:
        img = fold_line(img, fold, rng)
    return img


def fold_line(img: Image.Image, direction: str, rng: random.Random) -> Image.Image:
    """A crease: a thin shadow with a highlight beside it."""
    w, h = img.size
    mask = Image.new("L", img.size, 0)
    light = Image.new("L", img.size, 0)
    d, dl = ImageDraw.Draw(mask), ImageDraw.Draw(light)
    if direction == "h":
        y = h // 2 + rng.randrange(-h // 30, h // 30)
        slope = rng.randrange(-8, 9)
        d.line((0, y, w, y + slope), fill=120, width=3)
        dl.line((0, y + 4, w, y + 4 + slope), fill=90, width=4)
    else:
        x = w // 2 + rng.randrange(-w // 30, w // 30)
        d.line((x, 0, x + rng.randrange(-8, 9), h), fill=120, width=3)
        dl.line((x + 4, 0, x + 4, h), fill=90, width=4)
    img = Image.composite(Image.new("RGB", img.size, (150, 130, 100)), img, mask.filter(ImageFilter.GaussianBlur(2)))
    return Image.composite(Image.new("RGB", img.size, (250, 245, 230)), img, light.filter(ImageFilter.GaussianBlur(3)))


def ruled(img: Image.Image, top: int, step: int, margin: int | None, colour=(150, 170, 205)) -> None:
    """Notebook rules (and a red margin line) drawn faintly onto `img`."""
    d = ImageDraw.Draw(img)
    for y in range(top, img.size[1] - step // 2, step):
        d.line((0, y, img.size[0], y), fill=colour, width=2)
    if margin:
        d.line((margin, 0, margin, img.size[1]), fill=(205, 120, 120), width=2)


def squared(img: Image.Image, step: int, colour=(175, 165, 215)) -> None:
    """Vietnamese school paper (giấy ô li): a fine grid with every fourth line stronger."""
    d = ImageDraw.Draw(img)
    for i, x in enumerate(range(0, img.size[0], step)):
        d.line((x, 0, x, img.size[1]), fill=colour if i % 4 == 0 else (205, 198, 228), width=1)
    for i, y in enumerate(range(0, img.size[1], step)):
        d.line((0, y, img.size[0], y), fill=colour if i % 4 == 0 else (205, 198, 228), width=2 if i % 4 == 0 else 1)


# -- writing ------------------------------------------------------------------------------------

def wrap(text: str, measure, width: float) -> list[str]:
    """Lines whose `measure` fits `width`; an empty string marks a paragraph break."""
    lines: list[str] = []
    for para in text.split("\n"):
        words = para.split()
        if not words:
            lines.append("")
            continue
        line = words[0]
        for word in words[1:]:
            if measure(line + " " + word) <= width:
                line += " " + word
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def handwrite(img: Image.Image, text: str, rng: random.Random, box: tuple[int, int, int, int],
              fnt: ImageFont.FreeTypeFont, step: int, ink, baseline: int) -> None:
    """Text as if by hand: words wander off the line a little and the ink comes and goes."""
    x0, y0, x1, _ = box
    d = ImageDraw.Draw(img)
    y = y0
    for line in wrap(text, fnt.getlength, x1 - x0):
        if not line:
            y += step // 2
            continue
        x = x0 + rng.randrange(0, 12)
        drift = rng.uniform(-0.01, 0.01)
        for word in line.split(" "):
            dy = int(drift * (x - x0)) + rng.randrange(-2, 3)
            shade = rng.randrange(-18, 18)
            colour = tuple(max(0, min(255, c + shade)) for c in ink)
            d.text((x, y + baseline + dy), word, font=fnt, fill=colour, anchor="ls")
            x += fnt.getlength(word + " ") + rng.randrange(-2, 4)
        y += step


def typewrite(img: Image.Image, text: str, rng: random.Random, box: tuple[int, int, int, int],
              size: int) -> int:
    """Typed text at a fixed pitch, as a typewriter strikes it: uppercase lines (and the lines
    straight after them) centred in bold, each key a little uneven. Returns the y below the text.

    DejaVu Sans Mono lacks Vietnamese letters with two marks (ố, ử), so DejaVu Serif is set in
    typewriter cells instead."""
    x0, y0, x1, _ = box
    d = ImageDraw.Draw(img)
    regular, bold = font(SERIF, size), font(SERIF_BOLD, size + 2)
    y, centred = y0, False
    for raw in text.split("\n"):
        if not raw.strip():
            y += size
            centred = False
            continue
        centred = raw.upper() == raw or centred
        fnt = bold if raw.upper() == raw else regular
        pitch = size * (0.86 if fnt is bold else 0.66)
        for line in wrap(raw, lambda t: len(t) * pitch, x1 - x0):
            x = (x0 + x1 - len(line) * pitch) / 2 if centred else x0
            for ch in line:
                grey = rng.randrange(0, 60)
                colour = tuple(min(255, c + grey) for c in TYPE_INK)
                d.text((x + (pitch - fnt.getlength(ch)) / 2, y + rng.randrange(-1, 2)), ch, font=fnt, fill=colour)
                x += pitch
            y += int(size * 1.55)
    return y


def stamp(img: Image.Image, centre: tuple[int, int], radius: int, text: str, rng: random.Random) -> None:
    """A round red unit seal, slightly faded and turned."""
    size = radius * 2 + 20
    seal = Image.new("L", (size, size), 0)
    d = ImageDraw.Draw(seal)
    c = size // 2
    d.ellipse((c - radius, c - radius, c + radius, c + radius), outline=255, width=8)
    d.ellipse((c - radius + 22, c - radius + 22, c + radius - 22, c + radius - 22), outline=255, width=3)
    star(d, (c, c), radius // 3, 255)
    fnt = font(SANS_BOLD, radius // 6)
    for i, ch in enumerate(text):
        angle = math.radians(-150 + i * 300 / max(1, len(text) - 1))
        r = radius - 14 - radius // 12
        d.text((c + r * math.cos(angle - math.pi / 2), c + r * math.sin(angle - math.pi / 2)), ch,
               font=fnt, fill=255, anchor="mm")
    seal = seal.rotate(rng.uniform(-20, 20), resample=Image.Resampling.BICUBIC)
    seal = ImageChops.multiply(seal, noise(seal.size, rng, 3, 90, 255))
    img.paste(Image.new("RGB", seal.size, (190, 30, 40)), (centre[0] - c, centre[1] - c), seal.point(lambda v: v * 3 // 4))


def star(d: ImageDraw.ImageDraw, centre: tuple[float, float], r: float, fill, rot: float = -90) -> None:
    cx, cy = centre
    points = []
    for i in range(10):
        rr = r if i % 2 == 0 else r * 0.4
        a = math.radians(rot + i * 36)
        points.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    d.polygon(points, fill=fill)


# -- photographic finish ------------------------------------------------------------------------

def grain(img: Image.Image, rng: random.Random, amount: int) -> Image.Image:
    """Film grain and lens vignette on a grey image."""
    g = noise(img.size, rng, 1, 128 - amount, 128 + amount).filter(ImageFilter.GaussianBlur(0.7))
    img = ImageChops.add(img, g, scale=1, offset=-128)
    return ImageChops.multiply(img, radial(img.size, 255, 150))


def sepia(gray: Image.Image) -> Image.Image:
    return ImageOps.colorize(gray, black=(38, 26, 14), white=(246, 232, 204), mid=(150, 112, 72))


def backdrop(size: tuple[int, int], rng: random.Random, top=(200, 200, 196), bottom=(120, 118, 114)) -> Image.Image:
    """A photographer's sweep: light at the top fading to a darker floor, with a soft floor line."""
    grad = Image.linear_gradient("L").resize(size)
    img = Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), grad)
    return ImageChops.multiply(img, Image.merge("RGB", [noise(size, rng, 40, 235, 255)] * 3))


def shadow(img: Image.Image, shape: Image.Image, offset=(18, 24), blur=22, strength=110) -> None:
    """Cast a soft shadow of `shape` (an L mask) onto `img`."""
    sh = Image.new("L", img.size, 0)
    sh.paste(shape.point(lambda v: v * strength // 255), offset)
    sh = sh.filter(ImageFilter.GaussianBlur(blur))
    img.paste(Image.new("RGB", img.size, (30, 30, 30)), (0, 0), sh)


# -- EXIF ---------------------------------------------------------------------------------------

def exif(device: tuple[str, str], when: str, dpi: int, orientation: int = 1, software: str = SOFTWARE) -> Image.Exif:
    """The EXIF a scanner or camera would write: maker, model, times, resolution, software."""
    e = Image.Exif()
    e[Base.Make], e[Base.Model] = device
    e[Base.Orientation] = orientation
    e[Base.XResolution] = e[Base.YResolution] = IFDRational(dpi, 1)
    e[Base.ResolutionUnit] = 2  # inches
    e[Base.Software] = software
    e[Base.DateTime] = when
    sub = e.get_ifd(IFD.Exif)
    sub[Base.DateTimeOriginal] = sub[Base.DateTimeDigitized] = when
    return e


def encode(img: Image.Image, path: Path, device, when: str, dpi: int) -> bytes:
    """The file's bytes in the format its extension names, with EXIF."""
    buf = io.BytesIO()
    ex = exif(device, when, dpi)
    suffix = path.suffix.lower()
    if suffix in (".jpg", ".jpeg"):
        img.convert("RGB").save(buf, "JPEG", quality=JPEG_QUALITY, dpi=(dpi, dpi), exif=ex, optimize=True)
    elif suffix == ".png":
        img.save(buf, "PNG", dpi=(dpi, dpi), exif=ex, optimize=True)
    elif suffix in (".tif", ".tiff"):
        img.save(buf, "TIFF", dpi=(dpi, dpi), exif=ex, compression="tiff_adobe_deflate")
    else:
        raise ValueError(f"no image format for {path.name}")
    return buf.getvalue()


def write_bytes(path: Path, data: bytes) -> bool:
    """Write only when the bytes change, so an unchanged file keeps its date."""
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


# -- the pictures -------------------------------------------------------------------------------

def transcript(folder: Path, name: str) -> str:
    return (folder / "transcripts" / (Path(name).stem + ".txt")).read_text("utf-8").strip()


def letter_page(folder: Path, name: str, rng: random.Random) -> Image.Image:
    """A page of squared school paper written in purple ink (15 × 20.5 cm at 200 dpi)."""
    img = paper((1181, 1614), rng, colour=(240, 233, 212), stains=2, fold="h")
    squared(img, 18)
    handwrite(img, transcript(folder, name), rng, (100, 144, 1100, 1580), font(HAND, 38), 72, PURPLE_INK, 60)
    return img


def diary_page(folder: Path, name: str, rng: random.Random) -> Image.Image:
    """A ruled notebook page in blue-black fountain pen (10 × 14.5 cm at 300 dpi)."""
    img = paper((1181, 1713), rng, colour=(232, 222, 194), stains=3, fold=None)
    ruled(img, 150, 76, 130)
    handwrite(img, transcript(folder, name), rng, (150, 82, 1130, 1680), font(HAND, 40), 76, BLUE_BLACK_INK, 64)
    # the notebook's stitched spine along the left edge
    d = ImageDraw.Draw(img)
    for y in range(60, img.size[1], 150):
        d.line((28, y, 28, y + 40), fill=(120, 100, 80), width=3)
    return img


def death_notice(folder: Path, name: str, rng: random.Random) -> Image.Image:
    """The typed Giấy báo tử on thin paper, with the unit's red seal (19 × 27 cm at 200 dpi)."""
    img = paper((1496, 2126), rng, colour=(236, 230, 212), stains=2, fold="h")
    img = fold_line(img, "v", rng)
    bottom = typewrite(img, transcript(folder, name), rng, (150, 200, 1346, 2000), 34)
    stamp(img, (820, bottom + 60), 150, "TRUNG ĐOÀN 48 ★ BAN CHỈ HUY ★", rng)
    return img


def certificate(folder: Path, name: str, rng: random.Random) -> Image.Image:
    """Bằng Tổ quốc ghi công, photographed in its frame: red and gold border, emblem, centred text."""
    w, h = 2000, 1420
    img = paper((w, h), rng, colour=(243, 232, 200), stains=1, fold=None)
    d = ImageDraw.Draw(img)
    gold, red = (196, 150, 52), (178, 32, 36)
    d.rectangle((40, 40, w - 40, h - 40), outline=red, width=26)
    d.rectangle((84, 84, w - 84, h - 84), outline=gold, width=8)
    for x in range(120, w - 100, 56):  # a band of small lozenges inside the border
        for y in (112, h - 112):
            d.polygon(((x, y - 10), (x + 14, y), (x, y + 10), (x - 14, y)), fill=gold)
    for cx, cy in ((130, 130), (w - 130, 130), (130, h - 130), (w - 130, h - 130)):
        d.ellipse((cx - 34, cy - 34, cx + 34, cy + 34), fill=red)
        star(d, (cx, cy), 26, gold)
    d.ellipse((w / 2 - 95, 150, w / 2 + 95, 340), fill=red, outline=gold, width=10)
    star(d, (w / 2, 245), 70, (250, 210, 60))
    lines = transcript(folder, name).split("\n")
    y = 370
    for i, line in enumerate(lines):
        if line == "TỔ QUỐC GHI CÔNG":
            fnt, fill, step = font(SERIF_BOLD, 110), red, 150
        elif line.upper() == line:
            fnt, fill, step = font(SERIF_BOLD, 38), red, 62
        elif line.startswith("Liệt sĩ"):
            fnt, fill, step = font(SERIF_BOLD, 64), (40, 30, 30), 96
        else:
            fnt, fill, step = font(SERIF, 36), (40, 30, 30), 58
        if i == len(lines) - 1:
            y += 30
        d.text((w / 2, y), line, font=fnt, fill=fill, anchor="mt")
        y += step
    stamp(img, (int(w / 2) + 330, y - 40), 105, "CHÍNH PHỦ ★ VIỆT NAM ★", rng)
    # glare of the frame's glass, and the camera's fall-off
    glare = Image.linear_gradient("L").rotate(35, expand=False).resize((w, h)).point(lambda v: max(0, v - 200))
    img = Image.composite(Image.new("RGB", (w, h), (255, 255, 255)), img, glare.filter(ImageFilter.GaussianBlur(40)))
    return ImageChops.multiply(img, Image.merge("RGB", [radial((w, h), 255, 205)] * 3))


def portrait(folder: Path, name: str, rng: random.Random) -> Image.Image:
    """A sepia studio portrait of a young woman with two plaits (9 × 12 cm at 400 dpi)."""
    w, h = 1417, 1890
    g = Image.linear_gradient("L").resize((w, h)).point(lambda v: 175 - v // 4)
    d = ImageDraw.Draw(g)
    cx = w // 2
    d.ellipse((cx - 520, 1180, cx + 520, 2300), fill=215)  # white blouse
    d.polygon(((cx - 200, 1230), (cx, 1420), (cx + 200, 1230)), fill=185)  # collar
    d.rectangle((cx - 85, 1000, cx + 85, 1260), fill=142)  # neck
    d.ellipse((cx - 230, 520, cx + 230, 1110), fill=150)  # face
    d.chord((cx - 250, 470, cx + 250, 980), 180, 360, fill=42)  # hair
    d.rectangle((cx - 250, 720, cx - 205, 960), fill=42)
    d.rectangle((cx + 205, 720, cx + 250, 960), fill=42)
    for side in (-1, 1):  # the plaits over the shoulders
        x = cx + side * 250
        for k in range(9):
            d.ellipse((x - 34, 900 + k * 62, x + 34, 980 + k * 62), fill=48 + (k % 2) * 12)
    for ex in (-95, 95):  # eyes and brows
        d.ellipse((cx + ex - 34, 780, cx + ex + 34, 812), fill=60)
        d.arc((cx + ex - 55, 735, cx + ex + 55, 785), 200, 340, fill=70, width=8)
    d.line((cx, 820, cx - 14, 920), fill=128, width=6)
    d.arc((cx - 70, 930, cx + 70, 1000), 20, 160, fill=95, width=9)
    g = g.filter(ImageFilter.GaussianBlur(6))
    g = grain(g, rng, 26)
    img = sepia(g)
    border = Image.new("RGB", (w + 120, h + 120), (240, 232, 214))
    border.paste(img, (60, 60))
    return border.resize((w, h), Image.Resampling.LANCZOS)


def photo_back(folder: Path, name: str, rng: random.Random) -> Image.Image:
    """The back of the portrait: photo paper, the studio's stamp and Lan's words in ink."""
    img = paper((1417, 1890), rng, colour=(238, 233, 220), stains=1, fold=None)
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((300, 1350, 1117, 1620), radius=20, outline=(110, 70, 140), width=6)
    for i, line in enumerate(("HIỆU ẢNH HỒNG HÀ", "Cầu Đất — Hải Phòng")):
        d.text((708, 1420 + i * 100), line, font=font(SANS_BOLD if i == 0 else SERIF, 54 if i == 0 else 46),
               fill=(110, 70, 140), anchor="mm")
    handwrite(img, transcript(folder, name), rng, (180, 380, 1300, 1200), font(HAND, 60), 120, (40, 44, 70), 70)
    return img.rotate(0.6, resample=Image.Resampling.BICUBIC, fillcolor=(238, 233, 220))


def group_photo(folder: Path, name: str, rng: random.Random) -> Image.Image:
    """Five signallers before a hut, black and white, in a white print margin (9 × 6 cm at 400 dpi)."""
    w, h = 1240, 827
    g = Image.linear_gradient("L").resize((w, h)).point(lambda v: 215 - v // 6)
    d = ImageDraw.Draw(g)
    for _ in range(9):  # the tree line behind the camp
        x = rng.randrange(-60, w + 60)
        d.ellipse((x - 130, 110 + rng.randrange(50), x + 130, 380), fill=96 + rng.randrange(24))
    d.rectangle((0, 330, w, 470), fill=104)
    d.polygon(((470, 400), (640, 250), (810, 400)), fill=78)  # the hut's thatched roof
    for x in range(490, 800, 18):
        d.line((x, 400, 640 + (x - 640) // 3, 262), fill=66, width=3)
    d.rectangle((500, 400, 780, 520), fill=158)
    d.rectangle((610, 430, 670, 520), fill=52)
    d.rectangle((0, 520, w, h), fill=168)  # beaten earth
    for i in range(5):
        x = 190 + i * 215 + rng.randrange(-10, 10)
        tone = 88 + (i % 2) * 12
        d.rectangle((x - 42, 660, x - 8, 780), fill=tone - 10)  # legs
        d.rectangle((x + 8, 660, x + 42, 780), fill=tone - 10)
        d.ellipse((x - 50, 770, x - 2, 792), fill=40)  # rubber sandals
        d.ellipse((x + 2, 770, x + 50, 792), fill=40)
        d.polygon(((x - 62, 672), (x - 70, 470), (x + 70, 470), (x + 62, 672)), fill=tone)  # tunic
        d.line((x - 70, 480, x - 88, 640), fill=tone - 6, width=26)  # arms
        d.line((x + 70, 480, x + 88, 640), fill=tone - 6, width=26)
        d.rectangle((x - 16, 436, x + 16, 474), fill=170)  # neck
        d.ellipse((x - 38, 370, x + 38, 458), fill=188)  # face
        d.ellipse((x - 20, 402, x - 8, 410), fill=70)
        d.ellipse((x + 8, 402, x + 20, 410), fill=70)
        d.arc((x - 14, 424, x + 14, 440), 20, 160, fill=110, width=3)
        d.ellipse((x - 66, 360, x + 66, 394), fill=214)  # pith helmet: brim and crown
        d.chord((x - 46, 318, x + 46, 400), 180, 360, fill=222)
        d.line((x - 60, 480, x + 58, 600), fill=52, width=6)  # the strap of the cable reel
        d.ellipse((x + 30, 576, x + 96, 642), outline=46, width=11)
        d.ellipse((x + 55, 601, x + 71, 617), fill=46)
    g = g.filter(ImageFilter.GaussianBlur(2.2))
    g = grain(g, rng, 14)
    d = ImageDraw.Draw(g)
    d.line((0, 230, 230, 0), fill=226, width=4)  # the fold across the left corner
    d.line((3, 233, 233, 3), fill=90, width=2)
    print_ = Image.new("L", (w + 80, h + 80), 236)
    print_.paste(g, (40, 40))
    wear = Image.new("L", print_.size, 0)
    dw = ImageDraw.Draw(wear)
    for _ in range(40):  # worn corners and edges of the margin
        x = rng.choice((rng.randrange(print_.size[0]), rng.choice((0, print_.size[0]))))
        y = rng.choice((0, print_.size[1])) if x not in (0, print_.size[0]) else rng.randrange(print_.size[1])
        r = rng.randrange(4, 12)
        dw.ellipse((x - r, y - r, x + r, y + r), fill=120)
    print_ = Image.composite(Image.new("L", print_.size, 200), print_, wear.filter(ImageFilter.GaussianBlur(3)))
    return print_.resize((w, h), Image.Resampling.LANCZOS)


def object_shot(draw_object, rng: random.Random, size=(2000, 1500)) -> Image.Image:
    """An object on a grey sweep with a soft shadow; `draw_object(rgb, mask)` draws it."""
    img = backdrop(size, rng)
    layer = Image.new("RGB", size, (0, 0, 0))
    mask = Image.new("L", size, 0)
    draw_object(layer, mask, rng)
    shadow(img, mask)
    img.paste(layer, (0, 0), mask)
    return ImageChops.multiply(img, Image.merge("RGB", [radial(size, 255, 215)] * 3))


def _jacket(back: bool):
    def draw(layer, mask, rng):
        cloth = (92, 104, 62)
        outline = [(640, 230), (850, 200), (1000, 260), (1150, 200), (1360, 230), (1620, 560),
                   (1500, 660), (1390, 520), (1390, 1330), (610, 1330), (610, 520), (500, 660), (380, 560)]
        for target, fill in ((ImageDraw.Draw(layer), cloth), (ImageDraw.Draw(mask), 255)):
            target.polygon(outline, fill=fill)
        weave = noise(layer.size, rng, 2, 205, 255)
        layer.paste(ImageChops.multiply(layer, Image.merge("RGB", [weave] * 3)))
        d = ImageDraw.Draw(layer)
        seam = (70, 80, 46)
        d.line((610, 520, 640, 230), fill=seam, width=6)
        d.line((1390, 520, 1360, 230), fill=seam, width=6)
        if back:
            d.line((640, 420, 1360, 420), fill=seam, width=6)  # the yoke
            d.line((1000, 420, 1000, 1330), fill=seam, width=3)
        else:
            d.polygon(((850, 200), (1000, 420), (1150, 200), (1090, 200), (1000, 330), (910, 200)), fill=(80, 92, 54))
            d.line((1000, 420, 1000, 1330), fill=seam, width=5)
            for y in range(500, 1300, 150):
                d.ellipse((1018, y - 14, 1046, y + 14), fill=(60, 66, 40))
            for x0 in (720, 1120):  # breast pockets with buttoned flaps
                d.rectangle((x0, 560, x0 + 170, 760), outline=seam, width=5)
                d.polygon(((x0 - 6, 540), (x0 + 176, 540), (x0 + 176, 610), (x0 + 85, 640), (x0 - 6, 610)), fill=(84, 96, 56))
                d.ellipse((x0 + 72, 590, x0 + 98, 616), fill=(60, 66, 40))
            d.rectangle((760, 680, 850, 740), fill=(104, 112, 72))  # the darn on the left pocket
            for x in range(762, 850, 8):
                d.line((x, 682, x + 4, 738), fill=(120, 110, 80), width=2)
        faded = Image.new("L", layer.size, 0)
        ImageDraw.Draw(faded).ellipse((500, 150, 1500, 420), fill=70)
        layer.paste(Image.new("RGB", layer.size, (170, 170, 140)), (0, 0), faded.filter(ImageFilter.GaussianBlur(60)))
    return draw


def medal_image(folder: Path, name: str, rng: random.Random) -> Image.Image:
    def draw(layer, mask, rng):
        dl, dm = ImageDraw.Draw(layer), ImageDraw.Draw(mask)
        ribbon = [(500, 140), (800, 140), (800, 600), (650, 700), (500, 600)]
        dl.polygon(ribbon, fill=(176, 28, 34))
        dm.polygon(ribbon, fill=255)
        for x in (520, 770):
            dl.rectangle((x, 140, x + 10, 600), fill=(226, 186, 64))
        dl.rectangle((630, 140, 670, 660), fill=(226, 186, 64))
        dl.ellipse((610, 650, 690, 730), outline=(200, 160, 60), width=12)
        dm.ellipse((610, 650, 690, 730), fill=255)
        dl.ellipse((420, 700, 880, 1160), fill=(200, 160, 58))
        dm.ellipse((420, 700, 880, 1160), fill=255)
        dl.ellipse((460, 740, 840, 1120), fill=(178, 138, 44))
        star(dl, (650, 935), 230, (236, 196, 80))
        star(dl, (650, 935), 120, (190, 36, 40))
        dl.text((650, 1080), "CHIẾN CÔNG", font=font(SANS_BOLD, 34), fill=(120, 86, 20), anchor="mm")
        box = (1050, 380, 1520, 1080)  # the pasteboard box, lid open
        dl.rectangle(box, fill=(150, 32, 38))
        dm.rectangle(box, fill=255)
        dl.rectangle((1090, 420, 1480, 1040), fill=(226, 214, 190))
        dl.text((1285, 1000), "1973", font=font(SERIF_BOLD, 40), fill=(120, 90, 40), anchor="mm")
    return object_shot(draw, rng, size=(1600, 1200)).quantize(colors=128, method=Image.Quantize.MEDIANCUT,
                                                              dither=Image.Dither.NONE).convert("RGB")


def comb_image(folder: Path, name: str, rng: random.Random) -> Image.Image:
    def draw(layer, mask, rng):
        metal = (176, 180, 186)
        dl, dm = ImageDraw.Draw(layer), ImageDraw.Draw(mask)
        for d, fill in ((dl, metal), (dm, 255)):
            d.rounded_rectangle((300, 520, 1700, 760), radius=60, fill=fill)
            for x in range(340, 1670, 26):
                d.rectangle((x, 740, x + 14, 1000 + (x // 26 % 3) * 6), fill=fill)
        sheen = Image.linear_gradient("L").resize(layer.size).point(lambda v: 120 - abs(v - 128))
        layer.paste(Image.new("RGB", layer.size, (235, 238, 242)), (0, 0), sheen.filter(ImageFilter.GaussianBlur(20)))
        dl.text((720, 640), "Lan 1968", font=font(HAND, 96), fill=(96, 98, 104), anchor="mm")
        dl.line((1050, 680, 1350, 590), fill=(96, 98, 104), width=5)
        for x, y in ((1130, 650), (1220, 622), (1300, 600), (1180, 610)):
            dl.ellipse((x - 14, y - 14, x + 14, y + 14), outline=(96, 98, 104), width=4)
    return object_shot(draw, rng)


def grenade_image(folder: Path, name: str, rng: random.Random) -> Image.Image:
    def draw(layer, mask, rng):
        dl, dm = ImageDraw.Draw(layer), ImageDraw.Draw(mask)
        body = (620, 300, 1180, 1160)
        dl.ellipse(body, fill=(74, 78, 58))
        dm.ellipse(body, fill=255)
        dl.rectangle((820, 210, 980, 320), fill=(70, 70, 66))  # the empty fuse well, open
        dm.rectangle((820, 210, 980, 320), fill=255)
        dl.ellipse((850, 190, 950, 240), fill=(24, 24, 22))
        for y in range(360, 1140, 80):  # the cast segments
            dl.line((640, y, 1160, y), fill=(50, 52, 40), width=8)
        for x in range(700, 1140, 90):
            dl.line((x, 320, x, 1140), fill=(50, 52, 40), width=8)
        rust = noise(layer.size, rng, 14, 0, 255).point(lambda v: 200 if v > 185 else 0).filter(ImageFilter.GaussianBlur(3))
        layer.paste(Image.new("RGB", layer.size, (128, 72, 36)), (0, 0), ImageChops.multiply(rust, mask))
        card = (1260, 860, 1800, 1180)  # the museum's label card
        dl.rectangle(card, fill=(244, 240, 228))
        dm.rectangle(card, fill=255)
        dl.text((1530, 930), "ĐÃ VÔ HIỆU HÓA", font=font(SANS_BOLD, 44), fill=(170, 30, 30), anchor="mm")
        dl.text((1530, 1010), "INERT — vỏ rỗng", font=font(SANS_BOLD, 40), fill=(40, 40, 40), anchor="mm")
        dl.text((1530, 1090), "BB kiểm tra 02/05/2026", font=font(SERIF, 32), fill=(40, 40, 40), anchor="mm")
    return object_shot(draw, rng)


def scarf_image(folder: Path, name: str, rng: random.Random) -> Image.Image:
    def draw(layer, mask, rng):
        cloth = Image.new("RGB", (1100, 1100), (238, 234, 222))
        cloth = ImageChops.multiply(cloth, Image.merge("RGB", [noise(cloth.size, rng, 30, 215, 255)] * 3))
        d = ImageDraw.Draw(cloth)
        d.rectangle((10, 10, 1090, 1090), outline=(180, 60, 60), width=14)
        d.text((550, 760), "Nhớ mẹ", font=font(HAND, 170), fill=(176, 52, 58), anchor="mm")
        d.line((250, 500, 620, 300), fill=(100, 70, 40), width=10)
        d.line((430, 400, 500, 260), fill=(100, 70, 40), width=7)
        for x, y in ((330, 440), (420, 380), (500, 350), (590, 310), (470, 290), (560, 260), (380, 470)):
            d.ellipse((x - 26, y - 26, x + 26, y + 26), fill=(222, 130, 150))
        for x, y in ((350, 430), (520, 330)):
            d.ellipse((x - 30, y - 14, x + 30, y + 14), fill=(90, 140, 70))
        m = Image.new("L", cloth.size, 255)
        cloth, m = (im.rotate(-7, resample=Image.Resampling.BICUBIC, expand=True) for im in (cloth, m))
        layer.paste(cloth, (450, 150))
        mask.paste(m, (450, 150))
    return object_shot(draw, rng)


def restricted_file(folder: Path, name: str, rng: random.Random) -> Image.Image:
    """A photocopied form full of (fictional) personal data; the record keeps it out of every output."""
    img = paper((1240, 1754), rng, colour=(240, 240, 236), stains=0, fold=None)
    text = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập – Tự do – Hạnh phúc\n\n"
            "ĐƠN ĐỀ NGHỊ TRÍCH LỤC HỒ SƠ LIỆT SĨ\n\n"
            "Liệt sĩ: Trần Quốc Hưng, sinh năm 1951, hy sinh ngày 8/3/1971.\n"
            "Người đề nghị: (tên người thân — dữ liệu mẫu, hạn chế)\n"
            "Số căn cước: 031169009917\nĐiện thoại: 0989 417 263\n"
            "Địa chỉ: số 12 ngõ 34, tổ dân phố 5, phường An Biên\n\n"
            "Hải Phòng, ngày 10 tháng 9 năm 2025\nNGƯỜI LÀM ĐƠN")
    typewrite(img, text, rng, (130, 150, 1110, 1700), 28)
    gray = ImageOps.grayscale(img).point(lambda v: min(255, v + 12))  # a photocopy: flat and pale
    return ImageChops.multiply(gray, noise(gray.size, rng, 1, 225, 255).filter(ImageFilter.GaussianBlur(1)))


def logo() -> Image.Image:
    """A small round logo: a gold star on red, the ward's name beneath."""
    img = Image.new("RGBA", (256, 256), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.ellipse((8, 8, 248, 248), fill=(168, 28, 34, 255), outline=(214, 170, 60, 255), width=8)
    star(d, (128, 112), 70, (250, 206, 64, 255))
    d.text((128, 200), "AN BIÊN", font=font(SANS_BOLD, 30), fill=(255, 244, 220, 255), anchor="mm")
    return img


# -- the collection's files ---------------------------------------------------------------------

def pages(make, count: int, ext: str = ".jpg"):
    return [(f"{n:03d}{ext}", make) for n in range(1, count + 1)]


# object id -> (device, scan date as EXIF writes it, dpi, [(file name, drawing function)])
IMAGES = {
    "AB-2026-0001": (SCANNER, "2026:08:05 09:12:00", 200, pages(letter_page, 2)),
    "AB-2026-0002": (SCANNER, "2026:06:22 14:03:00", 300, pages(diary_page, 7)),
    "AB-2026-0003": (SCANNER, "2026:08:05 10:40:00", 200, pages(death_notice, 1)),
    "AB-2026-0004": (CAMERA, "2026:07:27 15:21:00", 300, pages(certificate, 1)),
    "AB-2026-0005": (SCANNER, "2026:03:12 08:55:00", 400, [("001.jpg", portrait), ("002.jpg", photo_back)]),
    "AB-2026-0006": (SCANNER, "2026:07:22 11:30:00", 400, [("001.tif", group_photo)]),
    "AB-2026-0007": (CAMERA, "2026:05:04 09:02:00", 300,
                     [("001.jpg", lambda f, n, r: object_shot(_jacket(False), r)),
                      ("002.jpg", lambda f, n, r: object_shot(_jacket(True), r))]),
    "AB-2026-0008": (CAMERA, "2026:06:20 16:10:00", 300, [("001.png", medal_image)]),
    "AB-2026-0009": (CAMERA, "2026:03:12 09:40:00", 300, [("001.jpg", comb_image)]),
    "AB-2026-0010": (CAMERA, "2026:05:04 09:30:00", 300, [("001.jpg", grenade_image)]),
    "AB-2026-0013": (CAMERA, "2026:08:05 11:15:00", 300, [("001.jpg", scarf_image)]),
    "AB-2026-0014": (SCANNER, "2026:06:22 15:00:00", 150, [("001.jpg", restricted_file)]),
}

AUDIO = {"AB-2026-0011": "001.mp3"}
VIDEO = {"AB-2026-0012": "001.webm"}
BITEXACT = ["-fflags", "+bitexact", "-flags:a", "+bitexact", "-flags:v", "+bitexact", "-map_metadata", "-1",
            "-threads", "1"]


def make_images(collection: Path) -> list[Path]:
    changed = []
    for object_id, (device, when, dpi, files) in IMAGES.items():
        folder = collection / "objects" / object_id
        for name, make in files:
            rng = random.Random(f"kyvat-sample/{object_id}/{name}")
            path = folder / "scans" / name
            if write_bytes(path, encode(make(folder, name, rng), path, device, when, dpi)):
                changed.append(path)
    logo_path = collection / "assets" / "logo.png"
    buf = io.BytesIO()
    logo().save(buf, "PNG", optimize=True)
    if write_bytes(logo_path, buf.getvalue()):
        changed.append(logo_path)
    return changed


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        sys.exit(f"make_sample_scans: '{name}' is needed for the audio and video "
                 "(apt-get install espeak-ng ffmpeg), or run with --skip-media.")
    return path


def speak(text: str, wav: Path) -> None:
    """Vietnamese speech from espeak-ng (a slow, low male voice)."""
    subprocess.run([_tool("espeak-ng"), "-v", "vi", "-s", "145", "-p", "38", "-w", str(wav), text],
                   check=True, capture_output=True)


def make_audio(collection: Path, tmp: Path) -> list[Path]:
    changed = []
    for object_id, name in AUDIO.items():
        folder = collection / "objects" / object_id
        wav, out = tmp / f"{object_id}.wav", tmp / f"{object_id}.mp3"
        speak(transcript(folder, name), wav)
        # a little room tone under the voice, from a seeded noise source
        subprocess.run([_tool("ffmpeg"), "-y", "-loglevel", "error", "-i", str(wav),
                        "-f", "lavfi", "-i", "anoisesrc=color=brown:amplitude=0.015:seed=1971:sample_rate=22050",
                        "-filter_complex", "[0:a]aresample=22050,apad=pad_dur=0.8[v];[v][1:a]amix=inputs=2:duration=first:normalize=0",
                        "-ac", "1", "-ar", "22050", "-c:a", "libmp3lame", "-b:a", "32k", *BITEXACT,
                        "-id3v2_version", "0", "-write_xing", "0", str(out)], check=True)
        if write_bytes(folder / "scans" / name, out.read_bytes()):
            changed.append(folder / "scans" / name)
    return changed


def video_frames(collection: Path, frames: Path, count: int, size=(320, 240)) -> None:
    """A title card, then a slow pan down the first page of the letter with a caption."""
    rng = random.Random("kyvat-sample/AB-2026-0012/frames")
    page = letter_page(collection / "objects" / "AB-2026-0001", "001.jpg", rng).resize((480, 656))
    caption = font(SANS_BOLD, 13)
    for i in range(count):
        if i < 20:
            img = Image.new("RGB", size, (24, 20, 18))
            d = ImageDraw.Draw(img)
            fade = min(255, i * 20)
            d.text((160, 100), "Lễ tiếp nhận kỷ vật", font=font(SERIF_BOLD, 24), fill=(fade, fade * 9 // 10, fade * 7 // 10), anchor="mm")
            d.text((160, 140), "27 / 7 / 2026", font=font(SERIF, 18), fill=(fade, fade, fade), anchor="mm")
        else:
            t = (i - 20) / max(1, count - 21)
            x, y = int(40 + 80 * t), int(40 + 300 * t)
            img = page.crop((x, y, x + 400, y + 300)).resize(size, Image.Resampling.BILINEAR)
            d = ImageDraw.Draw(img)
            d.rectangle((0, 206, 320, 240), fill=(20, 20, 20))
            d.text((160, 223), "Bà Hoà trao lá thư cuối cùng của anh Đức", font=caption, fill=(250, 240, 220), anchor="mm")
        img.save(frames / f"{i:03d}.png")


def make_video(collection: Path, tmp: Path) -> list[Path]:
    changed = []
    for object_id, name in VIDEO.items():
        folder = collection / "objects" / object_id
        frames = tmp / "frames"
        frames.mkdir()
        fps, seconds = 10, 7
        video_frames(collection, frames, fps * seconds)
        wav, out = tmp / f"{object_id}.wav", tmp / f"{object_id}.webm"
        speak(transcript(folder, name), wav)
        subprocess.run([_tool("ffmpeg"), "-y", "-loglevel", "error", "-framerate", str(fps),
                        "-i", str(frames / "%03d.png"), "-i", str(wav),
                        "-filter_complex", "[1:a]adelay=1500,apad[a]", "-map", "0:v", "-map", "[a]",
                        "-t", str(seconds), "-c:v", "libvpx", "-b:v", "180k", "-pix_fmt", "yuv420p",
                        "-c:a", "libopus", "-b:a", "24k", "-ac", "1", *BITEXACT, str(out)], check=True)
        if write_bytes(folder / "scans" / name, out.read_bytes()):
            changed.append(folder / "scans" / name)
    return changed


# -- checksums ----------------------------------------------------------------------------------

FILE_LINE = re.compile(r"^\s*(?:-\s+)?file:\s*['\"]?([^'\"#\s]+)")
SHA_LINE = re.compile(r"^(\s*sha256:)[ \t]*(?:\"[^\"]*\"|'[^']*'|[0-9A-Fa-f]*)")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_checksums(folder: Path) -> bool:
    """Put each listed scan's SHA-256 into record.yaml, touching nothing else in the text."""
    record = folder / "record.yaml"
    text = record.read_text("utf-8")
    out, current = [], None
    for number, line in enumerate(text.splitlines(keepends=True), 1):
        m = FILE_LINE.match(line)
        if m:
            current = m.group(1)
        if SHA_LINE.match(line):
            if current is None or not (folder / "scans" / current).is_file():
                sys.exit(f"make_sample_scans: {record}:{number}: sha256 without a scan file before it")
            line = SHA_LINE.sub(lambda s: f"{s.group(1)} {sha256(folder / 'scans' / current)}", line, count=1)
        out.append(line)
    new = "".join(out)
    listed = {m.group(1) for m in map(FILE_LINE.match, text.splitlines()) if m}
    on_disk = {p.name for p in (folder / "scans").iterdir()} if (folder / "scans").is_dir() else set()
    if on_disk - listed:
        sys.exit(f"make_sample_scans: {record}: scans not listed in the record: {sorted(on_disk - listed)}")
    return write_bytes(record, new.encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--collection", type=Path, default=ROOT / "collection")
    parser.add_argument("--skip-media", action="store_true", help="images only; keep the audio and video as they are")
    args = parser.parse_args(argv)
    collection = args.collection
    changed = make_images(collection)
    if not args.skip_media:
        with tempfile.TemporaryDirectory() as tmp:
            changed += make_audio(collection, Path(tmp))
        with tempfile.TemporaryDirectory() as tmp:
            changed += make_video(collection, Path(tmp))
    records = [f for f in sorted((collection / "objects").iterdir()) if (f / "record.yaml").is_file()]
    changed += [f / "record.yaml" for f in records if write_checksums(f)]
    for path in changed:
        print(f"wrote {path.relative_to(collection)}")
    print(f"{len(changed)} file(s) changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
