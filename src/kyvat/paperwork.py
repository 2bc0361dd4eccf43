"""The paperwork a house prints: the hand-over receipt a family signs (*Biên bản giao, nhận hiện
vật*, or *Biên bản trả lại hiện vật* when a loan goes back) and the labels of the display cases.

The receipt is private paperwork between the house and the family, never a web output: it reads the
whole collection and shows private values (the receipt number, the particular terms, the giver's
contact) and restricted objects. The labels stand in public cases, so they show only what the
website shows (privacy.to_public) and refuse a restricted or withdrawn object. fpdf2 (the PDF) and
segno (the labels' QR codes) are imported here and nowhere else; the font is Debian's DejaVu, which
has every Vietnamese glyph, embedded in the file.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from .errors import N_, CatalogueError, MediaError, make_params
from .i18n import read_words
from .layout import Layout
from .media import read_image
from .model import Artifact, Collection
from .privacy import to_public
from .tiles import to_display
from .urls import Urls

# fonts-dejavu-core (tools/system-deps.sh): DejaVu covers every Vietnamese letter and tone mark.
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
FONT = "DejaVu"
# The receipt's photo, in pixels: enough for 3 cm at print resolution, and a master of 100 MB does
# not make a receipt of 100 MB.
THUMBNAIL_PIXELS = (600, 600)
# A label: its size in mm and how many fit across and down an A4 sheet.
LABEL_SIZES = {"a6": (105.0, 148.5, 2, 2), "card": (90.0, 55.0, 2, 5)}
A4_WIDTH, A4_HEIGHT = 210.0, 297.0
LANG = "vi"  # the forms are Vietnamese; the labels add the English title and type beneath


def _font_dir() -> Path:
    for folder in FONT_DIRS:
        if all((folder / name).is_file() for name in FONT_FILES.values()):
            return folder
    raise CatalogueError(N_("the DejaVu fonts are not installed (Debian package fonts-dejavu-core): "
                            "kyvat needs them to write Vietnamese into a PDF"))


def _new_pdf(day: dt.date) -> FPDF:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    folder = _font_dir()
    for style, name in FONT_FILES.items():
        pdf.add_font(FONT, style, str(folder / name))
    # The same records print the same bytes: the file's date is the document's day, not the clock.
    pdf.set_creation_date(dt.datetime.combine(day, dt.time(), tzinfo=dt.timezone.utc))
    pdf.set_font(FONT, "", 11)
    return pdf


def _object(collection: Collection, object_id: str) -> Artifact:
    obj = collection.object(object_id)
    if obj is None:
        raise CatalogueError(N_("no object {id} in this collection"), params=make_params(id=object_id))
    return obj


def _thumbnail(collection: Collection, obj: Artifact):
    """The first scan, small, as the site shows it (turned upright, sRGB); None for a recording."""
    for scan in obj.scans[:1]:
        if scan.kind != "image":
            return None
        path = Layout.of(collection.root).scan(obj.id, scan.file)
        try:
            im, _pages = read_image(path, collection.config.max_image_pixels, scan.page)
        except MediaError:
            return None  # a receipt without its photo is still a receipt; validate names the scan
        im, _notes = to_display(im)
        im.thumbnail(THUMBNAIL_PIXELS)
        return im
    return None


# -- the receipt -----------------------------------------------------------------------------------

def _receipt_day(obj: Artifact, returning: bool, today: dt.date) -> dt.date:
    acquisition = obj.acquisition
    if returning:
        return acquisition.returned or today
    date = acquisition.date
    if date is not None and date.lower is not None and date.lower == date.upper:
        return date.lower
    return today


def _terms(obj: Artifact, returning: bool, giver: str, t) -> list[str]:
    acquisition = obj.acquisition
    number = acquisition.receipt_no or "........"
    if returning:
        terms = [t("receipt.terms.return", number=number)]
    elif acquisition.method == "loan":
        until = acquisition.loan_until.strftime("%d/%m/%Y") if acquisition.loan_until else t("receipt.until_blank")
        terms = [t("receipt.terms.loan", until=until)]
    elif acquisition.method == "copy":
        terms = [t("receipt.terms.copy", holder=acquisition.original_held_by.get(LANG) or giver
                   or t("receipt.family"))]
    else:
        terms = [t("receipt.terms.gift")]
    if acquisition.terms.get(LANG) and not returning:
        terms.append(t("receipt.terms.own", terms=acquisition.terms.get(LANG)))
    return terms + [t("receipt.copies")]


def write_receipt(collection: Collection, object_id: str, out: Path, *, today: dt.date,
                  returning: bool = False) -> Path:
    """Write the A4 receipt of OBJECT_ID's acquisition to `out` (with `returning`, the receipt of a
    loan given back). It shows private values: it is the family's and the house's paperwork."""
    obj = _object(collection, object_id)
    acquisition = obj.acquisition
    if acquisition is None:
        raise CatalogueError(N_("{id} has no acquisition: there is nothing to give a receipt for"),
                             field="acquisition.method", params=make_params(id=object_id))
    if returning and acquisition.method != "loan":
        raise CatalogueError(N_("{id} is not a loan: only a loan is given back"),
                             field="acquisition.method", params=make_params(id=object_id))
    t = read_words(collection.root).translate(LANG)
    donor = collection.person(acquisition.donor) if acquisition.donor else None
    giver = donor.name if donor else ""
    house = collection.config.name.get(LANG)
    day = _receipt_day(obj, returning, today)
    pdf = _new_pdf(day)
    pdf.set_margins(20, 15, 15)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    # A return is a new document: its own number is written by hand; the loan's is in its terms.
    _receipt_heading(pdf, house, "" if returning else acquisition.receipt_no, t)
    pdf.set_font(FONT, "B", 15)
    pdf.cell(0, 8, t("receipt.title_return" if returning else "receipt.title"), align="C",
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "I", 10)
    pdf.cell(0, 6, t("receipt.method", method=t(f"method.{acquisition.method}")), align="C",
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.set_font(FONT, "", 11)
    pdf.multi_cell(0, 6, t("receipt.opening", day=f"{day.day:02d}", month=f"{day.month:02d}", year=day.year,
                           place=house), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    # On a return the house gives and the family takes back.
    family = (giver or "........................................", _contact(donor))
    parties = [(house, ""), family] if returning else [family, (house, "")]
    for key, (name, contact) in zip(("receipt.giver", "receipt.taker"), parties):
        pdf.ln(2)
        pdf.set_font(FONT, "B", 11)
        pdf.multi_cell(0, 6, t(key, name=name), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FONT, "", 11)
        pdf.set_x(pdf.l_margin + 6)
        pdf.multi_cell(0, 6, t("receipt.representative"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if contact:
            pdf.set_x(pdf.l_margin + 6)
            pdf.multi_cell(0, 6, t("receipt.contact", contact=contact), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.multi_cell(0, 6, t("receipt.agreed_return" if returning else "receipt.agreed"),
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    _receipt_table(pdf, collection, [obj], t)
    pdf.ln(3)
    pdf.set_font(FONT, "B", 11)
    pdf.cell(0, 6, t("receipt.terms"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 11)
    for n, term in enumerate(_terms(obj, returning, giver, t), 1):
        pdf.multi_cell(0, 6, f"{n}. {term}", align="J", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _signatures(pdf, t)
    out.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(out))
    return out


def _contact(person) -> str:
    if person is None:
        return ""
    return ", ".join(str(value) for _key, value in sorted(person.contact.items()) if value)


def _receipt_heading(pdf: FPDF, house: str, number: str, t) -> None:
    """The two columns every Vietnamese official form opens with: the house and the receipt's
    number on the left, the nation and its motto on the right."""
    top, half = pdf.get_y(), (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    pdf.set_font(FONT, "B", 10)
    pdf.multi_cell(half - 4, 5, house.upper(), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 10)
    pdf.cell(half - 4, 6, t("receipt.number", number=number or "........"), align="C",
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    left_end = pdf.get_y()
    pdf.set_xy(pdf.l_margin + half, top)
    pdf.set_font(FONT, "B", 10)
    pdf.cell(half, 5, t("receipt.nation"), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(FONT, "B", 11)
    pdf.cell(half, 6, t("receipt.motto"), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    motto = pdf.get_string_width(t("receipt.motto"))
    middle = pdf.l_margin + half + half / 2
    pdf.line(middle - motto / 2, pdf.get_y(), middle + motto / 2, pdf.get_y())
    pdf.set_y(max(left_end, pdf.get_y()) + 6)


def _receipt_table(pdf: FPDF, collection: Collection, objects: list[Artifact], t) -> None:
    pdf.set_font(FONT, "", 10)
    headings = ("receipt.col.n", "receipt.col.id", "receipt.col.name", "receipt.col.count",
                "receipt.col.condition", "receipt.col.photo")
    with pdf.table(col_widths=(9, 30, 55, 17, 32, 32), text_align=("CENTER", "CENTER", "LEFT", "CENTER", "LEFT",
                                                                    "CENTER"),
                   line_height=5.5, padding=1.5, v_align="MIDDLE", headings_style=_heading_style()) as table:
        row = table.row()
        for key in headings:
            row.cell(t(key))
        for n, obj in enumerate(objects, 1):
            row = table.row()
            row.cell(str(n))
            row.cell(obj.id)
            row.cell(obj.title.get(LANG))
            row.cell(str(obj.count))
            condition = ""
            if obj.condition is not None:
                condition = t(f"receipt.grade.{obj.condition.grade}")
                if obj.condition.note.get(LANG):
                    condition += f". {obj.condition.note.get(LANG)}"
            row.cell(condition)
            thumbnail = _thumbnail(collection, obj)
            row.cell(img=thumbnail, img_fill_width=True)


def _heading_style() -> FontFace:
    return FontFace(family=FONT, emphasis="BOLD", fill_color=(235, 235, 235))


def _signatures(pdf: FPDF, t) -> None:
    if pdf.get_y() > pdf.h - 60:
        pdf.add_page()
    pdf.ln(8)
    top, half = pdf.get_y(), (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    for n, (title, hint) in enumerate((("receipt.sign_giver", "receipt.sign_hint"),
                                       ("receipt.sign_taker", "receipt.sign_hint_stamp"))):
        pdf.set_xy(pdf.l_margin + n * half, top)
        pdf.set_font(FONT, "B", 11)
        pdf.cell(half, 6, t(title), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_font(FONT, "I", 10)
        pdf.cell(half, 5, t(hint), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)


# -- the labels ------------------------------------------------------------------------------------

def write_labels(collection: Collection, object_ids: list[str], out: Path, *, size: str = "a6",
                 today: dt.date) -> Path:
    """Write a sheet of case labels for `object_ids` (every public object when none is given), each
    with a QR code opening the object's public page. A label shows only public values."""
    public = to_public(collection)
    for object_id in object_ids:
        obj = _object(collection, object_id)
        if public.object(object_id) is None:
            raise CatalogueError(N_("{id} is not on the public site ({visibility}): it gets no case label"),
                                 params=make_params(id=object_id, visibility="withdrawn" if obj.withdrawn
                                                    else obj.visibility))
    objects = [public.object(i) for i in object_ids] if object_ids else list(public.objects)
    if not objects:
        raise CatalogueError(N_("no public object to label"))
    words = read_words(collection.root)
    urls = Urls.of(collection.config)
    width, height, across, down = LABEL_SIZES[size]
    pdf = _new_pdf(today)
    pdf.set_auto_page_break(False)
    left, top = (A4_WIDTH - across * width) / 2, (A4_HEIGHT - down * height) / 2
    for n, obj in enumerate(objects):
        place = n % (across * down)
        if place == 0:
            pdf.add_page()
        x, y = left + (place % across) * width, top + (place // across) * height
        _label(pdf, obj, urls.canonical(Urls.object(obj.id), LANG), words, x, y, width, height, size)
    out.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(out))
    return out


def make_qr_png(url: str) -> bytes:
    """The QR code of `url` as a PNG, with the quiet zone a phone's camera needs."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()


def _label(pdf: FPDF, obj: Artifact, url: str, words, x: float, y: float, width: float, height: float,
           size: str) -> None:
    vi, en = words.translate("vi"), words.translate("en")
    big = size == "a6"
    pad, qr = (8.0, 32.0) if big else (4.0, 22.0)
    pdf.set_draw_color(120, 120, 120)
    pdf.set_dash_pattern(dash=1, gap=1)  # where to cut
    pdf.rect(x, y, width, height)
    pdf.set_dash_pattern()
    inner = width - 2 * pad
    text_width = inner if big else inner - qr - 2
    pdf.set_xy(x + pad, y + pad)
    pdf.set_font(FONT, "B", 15 if big else 9)
    pdf.multi_cell(text_width, 7 if big else 4, obj.title.vi, align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
    if obj.title.en:
        pdf.set_font(FONT, "I", 11 if big else 7)
        pdf.multi_cell(text_width, 5.5 if big else 3.5, obj.title.en, align="L", new_x=XPos.LEFT,
                       new_y=YPos.NEXT)
    pdf.ln(2 if big else 1)
    small = 10 if big else 6.5
    line = 5 if big else 3.2
    pdf.set_font(FONT, "", small)
    kind = f"{vi(f'type.{obj.object_type}')} · {en(f'type.{obj.object_type}')}"
    for text in (kind, obj.date.text if obj.date else "", _story_line(obj)):
        if text:
            pdf.set_x(x + pad)
            pdf.cell(text_width, line, _fit(pdf, text, text_width), new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(FONT, "B", small)
    pdf.set_xy(x + pad, y + height - pad - line)
    pdf.cell(inner - qr - 2, line, vi("label.number", id=obj.id))
    pdf.image(io.BytesIO(make_qr_png(url)), x=x + width - pad - qr, y=y + height - pad - qr, w=qr, h=qr)
    if big:
        pdf.set_font(FONT, "I", 8)
        pdf.set_xy(x + pad, y + height - pad - line - 10)
        pdf.multi_cell(inner - qr - 2, 4, f"{vi('label.scan')}\n{en('label.scan')}", align="L")


def _story_line(obj: Artifact) -> str:
    """One line of the object's story: the first sentence of its description (else its history)."""
    story = obj.description.vi or obj.history.vi
    first = story.split(". ")[0].strip()
    return first if first.endswith(".") or not first else first + "."


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """`text` cut at a word, with an ellipsis, to fit one line of `width` mm."""
    if pdf.get_string_width(text) <= width:
        return text
    words = text.split()
    while words and pdf.get_string_width(" ".join(words) + "…") > width:
        words.pop()
    return " ".join(words) + "…"
