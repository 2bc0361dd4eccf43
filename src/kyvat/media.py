"""Masters: ingest (copy into scans/ and record the checksum), technical metadata (Pillow, exifread,
mutagen, ffprobe) and fixity (every master checked against the checksum its record holds). A phone's
HEIC/HEIF photo opens in Pillow through pillow-heif, registered here; a PDF's pages come from pdf.py.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
import shutil
import subprocess
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import exifread
import mutagen
import mutagen.apev2
import pillow_heif
from PIL import Image, UnidentifiedImageError

from . import layout, pdf
from .errors import MediaError, Words, make_params
from .messages import N_
from .model import AUDIO_EXTENSIONS, IMAGE_EXTENSIONS, VIDEO_EXTENSIONS, Collection, has_pages
from .salvage import read_salvaged_scans
from .yamlfile import YamlSyntaxError, make_yaml

# Pillow's names of the formats kyvat publishes (MPO: a camera JPEG holding extra pictures; HEIF: a
# phone's photo, HEIC included). pillow-heif turns a HEIF upright as it decodes (its EXIF orientation
# then reads 1) and hands Pillow the EXIF, which tiles.write_jpeg never writes out.
IMAGE_FORMATS = frozenset({"JPEG", "MPO", "PNG", "TIFF", "WEBP", "HEIF"})
pillow_heif.register_heif_opener()
MASTER_EXTENSIONS = IMAGE_EXTENSIONS + AUDIO_EXTENSIONS + VIDEO_EXTENSIONS
BIT_DEPTH = {"1": 1, "L": 8, "P": 8, "RGB": 8, "RGBA": 8, "CMYK": 8, "YCbCr": 8, "LA": 8, "I": 32, "F": 32}
ORIENTATIONS = {1: N_("normal"), 2: N_("mirrored"), 3: N_("rotated 180°"), 4: N_("mirrored vertically"),
                5: N_("mirrored and rotated 90° anticlockwise"), 6: N_("rotated 90° clockwise"),
                7: N_("mirrored and rotated 90° clockwise"), 8: N_("rotated 90° anticlockwise")}
CHUNK = 1 << 20
# The record's list of the masters `kyvat remove-scan` took off the object (kept in scans/.removed/).
REMOVED_SCANS = "removed_scans"

# exifread logs "file format not recognised" for every PNG without EXIF; a missing tag is normal here.
logging.getLogger("exifread").setLevel(logging.ERROR)


def read_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def read_image(path: Path, max_pixels: int, page: int = 0) -> tuple[Image.Image, int]:
    """The master's first page (or a PDF's page `page`) decoded, and its number of pages; MediaError
    says, for a curator, why a file cannot be used (empty, text, unsupported, too many pixels,
    damaged, a PDF locked by a password)."""
    if not path.is_file():
        raise MediaError(str(path), N_("no such file"))
    if path.stat().st_size == 0:
        raise MediaError(str(path), N_("an empty file (0 bytes)"))
    if has_pages(path.name):
        return pdf.read_page_image(path, page or 1, max_pixels)
    with open(path, "rb") as fh, pixel_limit(max_pixels):
        try:
            im = Image.open(fh)
        except Image.DecompressionBombError as exc:
            found = re.search(r"\((\d+) pixels\)", str(exc))
            raise MediaError(str(path), *_too_big(int(found.group(1)) if found else 0, max_pixels)) from None
        except UnidentifiedImageError:
            raise MediaError(str(path), _not_an_image(path)) from None
        except (OSError, SyntaxError, ValueError) as exc:
            raise MediaError(str(path), N_("damaged: {error}"), make_params(error=exc)) from None
        if im.format not in IMAGE_FORMATS:
            raise MediaError(str(path), N_("a {format} image; masters must be JPEG, PNG, TIFF, WebP, HEIC or PDF"),
                             make_params(format=im.format))
        pixels = im.width * im.height
        if pixels > max_pixels:
            raise MediaError(str(path), *_too_big(pixels, max_pixels))
        pages = getattr(im, "n_frames", 1)
        try:
            im.load()
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise MediaError(str(path), N_("damaged or cut short (truncated): {error}"),
                             make_params(error=exc)) from None
    return im, pages


@contextlib.contextmanager
def pixel_limit(max_pixels: int | None):
    """Pillow's decompression-bomb guard set to the house's limit (None: off, for reading headers)
    while a master is read. kyvat checks the size itself first, to name the setting in its message,
    so Pillow's warning is silenced; Pillow's error stays as the second line of defence."""
    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            yield
    finally:
        Image.MAX_IMAGE_PIXELS = previous


def _too_big(pixels: int, max_pixels: int) -> tuple[str, tuple]:
    """A MediaError's reason and its values."""
    if not pixels:
        return (N_("image has too many pixels, more than the limit max_image_pixels={limit} in kyvat.yaml"),
                make_params(limit=max_pixels))
    return (N_("image has {pixels} pixels, more than the limit max_image_pixels={limit} in kyvat.yaml"),
            make_params(pixels=pixels, limit=max_pixels))


def _not_an_image(path: Path) -> str:
    with open(path, "rb") as fh:
        head = fh.read(512)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return N_("not an image (no known image format)")
    return N_("a text file, not an image")


def read_duration(path: Path) -> float:
    """Seconds of a recording: mutagen for MP3/M4A/MP4; ffprobe (FFmpeg) for what mutagen does not
    read, such as WebM."""
    if path.stat().st_size == 0:
        raise MediaError(str(path), N_("an empty file (0 bytes)"))
    try:
        audio = mutagen.File(path)
    except mutagen.MutagenError as exc:
        raise MediaError(str(path), N_("not a readable recording ({error})"), make_params(error=exc)) from None
    if audio is not None and audio.info is not None and getattr(audio.info, "length", 0):
        return round(float(audio.info.length), 3)
    return _ffprobe_duration(path)


def _ffprobe_duration(path: Path) -> float:
    ffprobe = shutil.which("ffprobe")
    if ffprobe is None:
        raise MediaError(str(path), N_("mutagen cannot read this recording and ffprobe (FFmpeg) is not installed"))
    run = subprocess.run([ffprobe, "-v", "error", "-show_entries", "format=duration", "-of", "json", str(path)],
                         capture_output=True, text=True, timeout=120, check=False)
    try:
        return round(float(json.loads(run.stdout)["format"]["duration"]), 3)
    except (ValueError, KeyError, TypeError):
        raise MediaError(str(path), N_("not a readable recording (ffprobe finds no duration)")) from None


def write_public_recording(master: Path, target: Path) -> None:
    """A copy of a recording without its metadata: a phone's video carries where it was filmed
    (MP4 ©xyz), often a veteran's home, and tags may hold names. FFmpeg remuxes the streams
    untouched; without it, video is refused rather than leaked. Either way mutagen then takes out
    every tag format left (_strip_tags)."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg:
        run = subprocess.run([ffmpeg, "-nostdin", "-v", "error", "-y", "-i", str(master), "-map", "0",
                              "-map_metadata", "-1", "-map_chapters", "-1", "-c", "copy", "-fflags", "+bitexact",
                              str(target)], capture_output=True, text=True, timeout=3600, check=False)
        if run.returncode:
            raise MediaError(str(master), N_("FFmpeg cannot copy this recording ({error})"),
                             make_params(error=run.stderr.strip()[-200:]))
    elif master.suffix.lower() in VIDEO_EXTENSIONS:
        raise MediaError(str(master), N_("FFmpeg is needed to publish a video without its metadata (which may "
                                         "hold a GPS position); install ffmpeg"))
    else:
        shutil.copyfile(master, target)
    _strip_tags(target)


def _strip_tags(path: Path) -> None:
    """Every tag format mutagen knows taken out of a recording: APEv2 (which an MP3 may carry at its
    end beside its ID3), then the file's own kind (ID3v2 with its ID3v1 copy, MP4's atoms)."""
    try:
        mutagen.apev2.delete(path)
        stripped = mutagen.File(path)
        if stripped is not None and stripped.tags is not None:
            stripped.delete()
    except mutagen.MutagenError as exc:
        raise MediaError(str(path), N_("its tags cannot be taken out ({error})"), make_params(error=exc)) from None


# -- technical metadata ------------------------------------------------------------------------

def read_technical_metadata(path: Path, max_pixels: int) -> dict:
    """What a conservator records about a master. A GPS position is reported only as present:
    it is usually a donor's home. Each label is marked with N_ and each value that is words is a
    Words, so the CLI shows both in the curator's language (messages.to_words_text)."""
    meta: dict = {N_("file size"): Words(N_("{size} bytes"), make_params(size=path.stat().st_size)),
                  "sha256": read_sha256(path)}
    if path.suffix.lower() in AUDIO_EXTENSIONS + VIDEO_EXTENSIONS:
        return meta | _recording_metadata(path)
    if has_pages(path.name):
        try:
            return meta | pdf.read_pdf_metadata(path, max_pixels)
        except MediaError as exc:
            return meta | {N_("problem"): Words(exc.template, exc.params)}
    try:
        with pixel_limit(None), Image.open(path) as im:  # only the header is read
            meta |= {N_("format"): im.format, N_("pixels"): f"{im.width} × {im.height}", N_("mode"): im.mode,
                     N_("bit depth"): _bit_depth(path, im), N_("pages"): getattr(im, "n_frames", 1),
                     N_("ICC profile"): Words(N_("embedded") if im.info.get("icc_profile") else N_("none"))}
            if im.width * im.height > max_pixels:
                meta[N_("problem")] = Words(N_("more pixels than max_image_pixels={max_pixels}"),
                                            make_params(max_pixels=max_pixels))
            # exifread misses the EXIF of some HEIF files; pillow-heif hands it to Pillow
            tags = _pillow_exif_tags(im) if im.format == "HEIF" else None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        meta[N_("problem")] = Words(N_("not a readable image ({error})"), make_params(error=exc))
        return meta
    if tags is None:
        tags = _exifread_tags(path, meta)
    for label, key in ((N_("camera make"), "Image Make"), (N_("camera model"), "Image Model"),
                       (N_("capture date"), "EXIF DateTimeOriginal"), (N_("software"), "Image Software")):
        if key in tags:
            meta[label] = tags[key]
    if "Image Orientation" in tags:
        value = tags["Image Orientation"]
        meta[N_("orientation")] = Words("{value} ({name})", make_params(
            value=value, name=Words(ORIENTATIONS.get(value, N_("unknown")))))
    if "Image XResolution" in tags:
        unit = {2: "dpi", 3: "dots/cm"}.get(tags.get("Image ResolutionUnit", 2), "")  # EXIF's default: inches
        meta[N_("resolution")] = f"{tags['Image XResolution']} × {tags.get('Image YResolution', '?')} {unit}".strip()
    if tags.get("GPS"):
        meta[N_("GPS position")] = Words(N_("present in the master (private: never published)"))
    return meta


TEXT_TAGS = ("Image Make", "Image Model", "EXIF DateTimeOriginal", "Image Software", "Image XResolution",
             "Image YResolution")
NUMBER_TAGS = ("Image Orientation", "Image ResolutionUnit")
# The same fields by Pillow's numbers: (IFD, tag); IFD 0 is the main one, 0x8769 the Exif IFD.
PILLOW_TAGS = {"Image Make": (0, 0x010F), "Image Model": (0, 0x0110), "EXIF DateTimeOriginal": (0x8769, 0x9003),
               "Image Software": (0, 0x0131), "Image XResolution": (0, 0x011A), "Image YResolution": (0, 0x011B),
               "Image Orientation": (0, 0x0112), "Image ResolutionUnit": (0, 0x0128)}
GPS_IFD = 0x8825


def _exifread_tags(path: Path, meta: dict) -> dict:
    """The EXIF fields kyvat shows, by exifread's names, as plain values; GPS: whether any is there."""
    with open(path, "rb") as fh:
        try:
            raw = exifread.process_file(fh, details=False, extract_thumbnail=False)
        except Exception as exc:  # noqa: BLE001 - exifread raises many kinds on odd files; metadata is a courtesy
            meta["EXIF"] = Words(N_("unreadable ({error})"), make_params(error=type(exc).__name__))
            return {}
    tags: dict = {key: str(raw[key]).strip() for key in TEXT_TAGS if key in raw}
    tags |= {key: raw[key].values[0] for key in NUMBER_TAGS if key in raw}
    return tags | {"GPS": any(key.startswith("GPS") for key in raw)}


def _pillow_exif_tags(im: Image.Image) -> dict:
    """The same fields as _exifread_tags, read by Pillow."""
    exif = im.getexif()
    tags: dict = {}
    for key, (ifd, tag) in PILLOW_TAGS.items():
        value = (exif.get_ifd(ifd) if ifd else exif).get(tag)
        if value is not None:
            tags[key] = value if key in NUMBER_TAGS else f"{float(value):g}" if "Resolution" in key else str(value).strip()
    return tags | {"GPS": bool(exif.get_ifd(GPS_IFD))}


def _bit_depth(path: Path, im: Image.Image) -> int:
    """Bits per channel as stored; Pillow decodes some 16-bit files to 8 bits, so ask the file."""
    if im.format == "TIFF":
        bits = im.tag_v2.get(258)
        return int(bits[0] if isinstance(bits, tuple) else bits or 1)
    if im.format == "PNG":
        with open(path, "rb") as fh:
            return fh.read(25)[24]  # IHDR's bit depth byte
    if im.format == "HEIF":
        return im.info.get("bit_depth", 8)  # a phone's HDR photo is stored in 10 bits, decoded to 8
    if im.mode.startswith("I;16"):
        return 16
    return getattr(im, "bits", BIT_DEPTH.get(im.mode, 8))


def _recording_metadata(path: Path) -> dict:
    meta: dict = {}
    try:
        meta[N_("duration")] = f"{read_duration(path)} s"
        audio = mutagen.File(path)
    except MediaError as exc:
        return {N_("problem"): Words(exc.template, exc.params)}
    if audio is not None:
        info = audio.info
        meta[N_("format")] = (audio.mime or ["?"])[0]
        for label, attr in ((N_("bitrate"), "bitrate"), (N_("sample rate"), "sample_rate"),
                            (N_("channels"), "channels")):
            if getattr(info, attr, None):
                meta[label] = getattr(info, attr)
    return meta


def make_technical_lines(name: str, meta: dict) -> list[str]:
    """The lines of one master: each a Words whose label (and value, when it is words) the CLI
    translates; in English exactly the text."""
    return [f"  {name}"] + [Words("    {key}: {value}", make_params(key=Words(key), value=value))
                            for key, value in meta.items()]


def read_scan_lines(collection: Collection, object_id: str) -> list[str]:
    """The technical metadata of each of an object's scans, as lines for `kyvat show`."""
    obj = collection.object(object_id)
    if obj is None or not obj.scans:
        return []
    where = layout.Layout.of(collection.root)
    lines = [Words(N_("Scans (technical metadata) / Bản quét (thông số kỹ thuật):"))]
    for n, scan in enumerate(obj.scans, start=1):
        if scan.page > 1:
            continue  # a PDF is one master, described once at its first page
        path = where.scan(obj.id, scan.file)
        meta = read_technical_metadata(path, collection.config.max_image_pixels) if path.is_file() \
            else {N_("problem"): Words(N_("no such file"))}
        if scan.sha256 and meta.get("sha256") not in (None, scan.sha256):
            meta[N_("fixity")] = Words(N_("CHANGED: the record says {sha256}"), make_params(sha256=scan.sha256))
        lines += make_technical_lines(f"{n}. {layout.scan_in_object(scan.file)}", meta)
    return lines


# -- fixity ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FixityResult:
    path: str  # relative to the collection
    status: str  # "ok" | "changed" | "missing" | "unrecorded"
    expected: str = ""
    found: str = ""

    def __str__(self) -> str:
        return str(self.words)

    @property
    def words(self) -> Words:
        """The result as the CLI shows it, translated there (messages.to_words_text)."""
        values = make_params(path=self.path, expected=self.expected or Words(N_("(none)")), found=self.found)
        if self.status == "changed":
            return Words(N_("{path}: changed: expected sha256 {expected}, found {found}"), values)
        if self.status == "missing":
            return Words(N_("{path}: missing: the record lists it with sha256 {expected}"), values)
        if self.status == "unrecorded":
            return Words(N_("{path}: no checksum in the record (add it with 'kyvat add-scan' or by hand)"), values)
        return Words(N_("{path}: ok"), values)


@dataclass
class FixityReport:
    results: list[FixityResult] = field(default_factory=list)

    @property
    def failures(self) -> list[FixityResult]:
        return [r for r in self.results if r.status in ("changed", "missing")]


def read_fixity(root: Path) -> FixityReport:
    """Every master's checksum against its record, restricted objects included. Reads the records'
    `scans` lists directly, so a master that went missing is named, not silently left out."""
    report = FixityReport()
    where = layout.Layout.of(root)
    for record in sorted(where.objects.glob("*/" + layout.RECORD_FILE)):
        object_id, text = record.parent.name, _read_text(record)
        folder = where.scans(object_id)
        listed = make_listed_scans(text)
        for name in sorted(p.name for p in folder.glob("*") if not p.name.startswith(".")):
            if name not in listed:
                listed[name] = ""
        checks = [(layout.scan_rel(object_id, name), folder / name, sha) for name, sha in listed.items()]
        # masters taken off the object (`kyvat remove-scan`) are kept in scans/.removed/, and checked
        checks += [(layout.removed_scan_rel(object_id, name), where.removed_scans(object_id) / name, sha)
                   for name, sha in make_listed_scans(text, REMOVED_SCANS).items()]
        for rel, path, expected in checks:
            if not path.is_file():
                report.results.append(FixityResult(rel, "missing", expected))
            elif not expected:
                report.results.append(FixityResult(rel, "unrecorded"))
            else:
                found = read_sha256(path)
                report.results.append(FixityResult(rel, "ok" if found == expected else "changed", expected, found))
    return report


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return ""


def make_listed_scans(record_text: str, key: str = "scans") -> dict[str, str]:
    """file name -> recorded sha256 ('' when none), in the record's order: of the masters in
    `scans`, or (key REMOVED_SCANS) of the ones removed from it."""
    try:
        data = make_yaml(record_text)
    except YamlSyntaxError:
        return read_salvaged_scans(record_text, key)  # a record YAML cannot read still names its masters
    entries = data.get(key) if isinstance(data, dict) else None
    listed = {}
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, str):
            listed[entry.strip()] = ""
        elif isinstance(entry, dict) and isinstance(entry.get("file"), str):
            listed[entry["file"].strip()] = str(entry.get("sha256") or "").lower()
    return listed


# -- used by kyvat iiif --

def read_image_size(path: Path, max_pixels: int | None = None, page: int = 0) -> tuple[int, int]:
    """Width and height of the master (or of a PDF's page `page`, drawn under `max_pixels`) as viewers
    show it (EXIF orientation applied), read from its header only, so manifests can be sized without
    decoding or tiling the image."""
    if has_pages(path.name):
        sizes = pdf.read_page_sizes(path, max_pixels or sys.maxsize)
        if not 1 <= (page or 1) <= len(sizes):
            raise MediaError(str(path), N_("has {pages} pages, not a page {page}"),
                             make_params(pages=len(sizes), page=page))
        return sizes[(page or 1) - 1]
    try:
        with pixel_limit(None), Image.open(path) as im:  # only the header is read
            width, height = im.size
            if im.format == "TIFF":
                # the stored size: newer Pillows report TIFFs already turned upright
                width, height = im.tag_v2[256], im.tag_v2[257]
            orientation = im.getexif().get(0x0112)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, KeyError) as exc:
        raise MediaError(str(path), N_("not a readable image ({error})"), make_params(error=exc)) from None
    # orientations 5-8 turn the image a quarter, so width and height swap
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)
