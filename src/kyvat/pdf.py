"""PDF masters: a letter or a certificate scanned into one PDF of many pages. Each page is rendered
by PDFium (pypdfium2, imported only here) into a picture published like any other scan; the PDF
itself stays the master, hashed and checked for fixity as one file.
"""

from __future__ import annotations

import math
import re
import threading
from contextlib import contextmanager
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .errors import MediaError, make_params
from .messages import N_
from .model import has_pages

VERSION = f"{pdfium.version.PYPDFIUM_INFO}/{pdfium.version.PDFIUM_INFO}"  # part of the cache key
POINTS_PER_INCH = 72
# Pages are rendered at the resolution of their largest scanned picture, so a 400 dpi scan keeps its
# detail and is not blown up; never below MIN_DPI (a born-digital page or a coarse scan must still
# read well when zoomed) nor above MAX_DPI (a tiny embedded logo must not make a poster of the page).
MIN_DPI, MAX_DPI = 300, 600
_PDF_DATE = re.compile(r"^D:(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)")  # D:20260130104500+07'00'
# PDFium is not thread-safe: a build run on a thread pool renders one page at a time per process.
_LOCK = threading.Lock()


def make_render_scale(page_size: tuple[float, float], picture_dpis: list[float], max_pixels: int) -> float:
    """PDFium's scale (pixels per point) for a page of `page_size` points whose pictures are
    scanned at `picture_dpis`, held under `max_pixels` (a PDF sets no pixel count of its own, so
    an A0 poster is made smaller rather than refused)."""
    dpi = min(max([MIN_DPI, *picture_dpis]), MAX_DPI)
    # a hair under: 432 pt at 300 dpi is 1800 px, not the 1801 that 1800.0000000000002 rounds up to
    scale = dpi / POINTS_PER_INCH * (1 - 1e-9)
    width, height = page_size
    if width * height * scale * scale > max_pixels:
        scale = math.sqrt(max_pixels / (width * height)) * 0.999  # ceil() below must not cross the limit
    return scale


def make_pixel_size(page_size: tuple[float, float], scale: float) -> tuple[int, int]:
    """The rendered page's pixels, computed as pypdfium2's render() computes them."""
    return math.ceil(page_size[0] * scale), math.ceil(page_size[1] * scale)


@contextmanager
def _open(path: Path):
    """The document, or a MediaError saying in a curator's words why it cannot be used."""
    with _LOCK:
        try:
            document = pdfium.PdfDocument(path)
        except pdfium.PdfiumError as exc:
            raise MediaError(str(path), _why(exc.err_code)) from None
        except OSError as exc:
            raise MediaError(str(path), N_("cannot be read ({error})"),
                             make_params(error=exc.strerror or exc)) from None
        try:
            if len(document) == 0:
                raise MediaError(str(path), N_("a PDF with no pages"))
            yield document
        finally:
            document.close()


def _why(code: int | None) -> str:
    if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
        return N_("a PDF protected by a password (encrypted); save or print it again as an unprotected PDF "
                  "and add that copy")
    return N_("not a readable PDF (damaged, cut short, or not a PDF at all)")


def _scale_of(page, max_pixels: int) -> float:
    dpis = []
    for picture in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=2):
        left, bottom, right, top = picture.get_bounds()
        pixels_wide, pixels_high = picture.get_px_size()
        if right - left > 1 and top - bottom > 1:  # its width on the page, in inches, sets its dpi
            dpis.append(max(pixels_wide / (right - left), pixels_high / (top - bottom)) * POINTS_PER_INCH)
    return make_render_scale(page.get_size(), dpis, max_pixels)


def read_page_count(path: Path) -> int:
    """How many pages the master has (MediaError when it cannot be opened)."""
    with _open(path) as document:
        return len(document)


def read_page_sizes(path: Path, max_pixels: int) -> list[tuple[int, int]]:
    """Each page's size in pixels as it will be published, without rendering any."""
    with _open(path) as document:
        sizes = []
        for index in range(len(document)):
            page = document[index]
            sizes.append(make_pixel_size(page.get_size(), _scale_of(page, max_pixels)))
        return sizes


def read_page_image(path: Path, page: int, max_pixels: int):
    """Page `page` (1-based) rendered on white paper as a Pillow image, and the number of pages."""
    with _open(path) as document:
        if not 1 <= page <= len(document):
            raise MediaError(str(path), N_("has {pages} pages, not a page {page}"),
                             make_params(pages=len(document), page=page))
        one = document[page - 1]
        try:
            bitmap = one.render(scale=_scale_of(one, max_pixels))
        except (pdfium.PdfiumError, ValueError) as exc:
            raise MediaError(str(path), N_("page {page} cannot be drawn ({error})"),
                             make_params(page=page, error=exc)) from None
        return bitmap.to_pil(), len(document)


def read_pdf_metadata(path: Path, max_pixels: int) -> dict:
    """What a conservator records about a PDF master (for `kyvat show`)."""
    with _open(path) as document:
        first = document[0]
        width, height = first.get_size()
        # labels marked for the catalogue: the CLI translates them where it shows them
        meta = {N_("format"): f"PDF {document.get_version() / 10:.1f}" if document.get_version() else "PDF",
                N_("pages"): len(document),
                N_("page size"): f"{width / POINTS_PER_INCH * 25.4:.0f} × {height / POINTS_PER_INCH * 25.4:.0f} mm",
                N_("pixels (page 1 as published)"): "{} × {}".format(*make_pixel_size(first.get_size(),
                                                                               _scale_of(first, max_pixels)))}
        info = document.get_metadata_dict(skip_empty=True)
        for label, key in ((N_("software"), "Producer"), (N_("made with"), "Creator"),
                           (N_("created"), "CreationDate")):
            if key in info:
                meta[label] = _PDF_DATE.sub(r"\1-\2-\3 \4:\5:\6", info[key])
        return meta


def read_scan_pages(path: Path) -> tuple[int, ...]:
    """The pages a master is published as, each a scan: (0,) for a picture (one scan, no page),
    1…n for a PDF. A PDF that cannot be opened gives (1,): its one scan fails where the masters
    are read, with a problem that names the file and says why, and the rest of the build goes on."""
    if not has_pages(path.name):
        return (0,)
    try:
        return tuple(range(1, read_page_count(path) + 1))
    except MediaError:
        return (1,)
