"""kyvat receipt and kyvat labels: the PDFs read back with poppler (pdftotext, pdfimages, pdffonts)
and the labels' QR codes read with zbar (zbarimg), as a phone would (tools/system-deps.sh)."""

from __future__ import annotations

import subprocess
import unicodedata

from click.testing import CliRunner

from kyvat.cli import main
from kyvat.urls import Urls

TODAY = "2026-11-30"
GIFT, PORTRAIT, LOAN, RESTRICTED = "TT-2026-0001", "TT-2026-0002", "TT-2026-0003", "TT-2026-0004"
GIFT_TERMS = "tự nguyện hiến tặng"
LOAN_TERMS = "mượn các hiện vật trên để trưng bày đến hết ngày 31/01/2027"
COPY_TERMS = "Bản gốc vẫn do gia đình ông Phạm Văn Tâm giữ"


def run(*args) -> str:
    result = CliRunner().invoke(main, ["--today", TODAY, *[str(a) for a in args]])
    assert "Traceback" not in result.output, result.output
    assert result.exit_code == 0, result.output
    return result.output


def refused(*args) -> str:
    result = CliRunner().invoke(main, ["--today", TODAY, *[str(a) for a in args]])
    assert result.exit_code == 1, result.output
    return result.output


def text_of(pdf) -> str:
    # pdftotext may break a line anywhere: compare the words, not the lines.
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


def receipt(collection, object_id, tmp_path, *more) -> str:
    out = tmp_path / f"{object_id}{''.join(more)}.pdf"
    run("receipt", "-c", collection, object_id, "-o", out, *more)
    return text_of(out)


def test_a_gift_receipt_is_the_form_with_every_diacritic(collection_copy, tmp_path):
    text = receipt(collection_copy, GIFT, tmp_path)
    for words in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "BIÊN BẢN GIAO, NHẬN HIỆN VẬT", "Biên bản",
                  "ngày 27 tháng 07 năm 2026", "NHÀ TRUYỀN THỐNG THỬ NGHIỆM", "Lê Thị Thuận",
                  GIFT, "Thư gửi mẹ", "Dễ hư hỏng.", "Rách nếp gấp.", GIFT_TERMS,
                  "ĐẠI DIỆN BÊN GIAO", "ĐẠI DIỆN BÊN NHẬN"):
        assert unicodedata.normalize("NFC", words) in text, words
    assert LOAN_TERMS not in text and COPY_TERMS not in text
    # The family's paperwork, not a web page: the receipt number, the terms and the giver's contact.
    for private in ("PRIVATE-MARKER-RECEIPT-2b91", "PRIVATE-MARKER-TERMS-0a17", "PRIVATE-MARKER-PHONE-DONOR-b7e2"):
        assert private in text


def test_the_receipt_embeds_its_font_and_the_first_scan(collection_copy, tmp_path):
    receipt(collection_copy, GIFT, tmp_path)
    pdf = tmp_path / f"{GIFT}.pdf"
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "DejaVu" in fonts and all(" yes " in line for line in fonts.splitlines()[2:])
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert len(images.splitlines()) - 2 == 1  # the thumbnail of 001.jpg


def test_a_loan_receipt_names_its_return_day(collection_copy, tmp_path):
    text = receipt(collection_copy, LOAN, tmp_path)
    assert LOAN_TERMS in text and GIFT_TERMS not in text
    assert "Huân chương của liệt sĩ Phạm Văn Đức" in text


def test_a_copy_receipt_says_the_original_stays_with_the_family(collection_copy, tmp_path):
    record = collection_copy / "objects" / PORTRAIT / "record.yaml"
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("  method: gift\n", "  method: copy\n  original_held_by: "
                                   "{vi: gia đình ông Phạm Văn Tâm, en: the family of Phạm Văn Tâm}\n"), encoding="utf-8")
    text = receipt(collection_copy, PORTRAIT, tmp_path)
    assert COPY_TERMS in text and GIFT_TERMS not in text and LOAN_TERMS not in text


def test_a_returned_loan_has_its_own_receipt(collection_copy, tmp_path):
    text = receipt(collection_copy, LOAN, tmp_path, "--return")
    assert "BIÊN BẢN TRẢ LẠI HIỆN VẬT" in text and "BIÊN BẢN GIAO" not in text
    assert "ngày 30 tháng 11 năm 2026" in text  # the loan's return is not recorded: today
    # The house gives back, the lender takes back, under the loan's receipt number.
    assert "BÊN GIAO (Bên A): Nhà truyền thống thử nghiệm" in text and "BÊN NHẬN (Bên B): Lê Thị Thuận" in text
    assert "theo biên bản số PRIVATE-MARKER-RECEIPT-d4e8" in text and LOAN_TERMS not in text


def test_only_a_loan_is_returned(collection_copy, tmp_path):
    assert "is not a loan" in refused("receipt", "-c", collection_copy, GIFT, "--return", "-o", tmp_path / "r.pdf")
    assert not (tmp_path / "r.pdf").exists()


def test_a_restricted_object_gets_a_receipt_but_no_label(collection_copy, tmp_path):
    assert "RESTRICTED-MARKER-61d8 Hồ sơ hạn chế" in receipt(collection_copy, RESTRICTED, tmp_path)
    assert "restricted" in refused("labels", "-c", collection_copy, RESTRICTED, "-o", tmp_path / "l.pdf")
    assert "no object TT-2099-0001" in refused("labels", "-c", collection_copy, "TT-2099-0001", "-o", tmp_path / "l.pdf")


def qr_codes(pdf, tmp_path) -> list[str]:
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(pdf), str(tmp_path / "sheet")], check=True)
    found = subprocess.run(["zbarimg", "-q", "--raw", *sorted(str(p) for p in tmp_path.glob("sheet*.png"))],
                           capture_output=True, text=True, check=True).stdout
    return sorted(found.split())


def test_every_label_opens_its_public_page(collection_copy, tmp_path):
    urls = Urls("https://test.kyvat.vn/")
    public = (GIFT, PORTRAIT, LOAN)
    for size in ("a6", "card"):
        out = tmp_path / f"labels-{size}.pdf"
        run("labels", "-c", collection_copy, "-o", out, "--size", size)
        folder = tmp_path / size
        folder.mkdir()
        assert qr_codes(out, folder) == sorted(urls.canonical(Urls.object(i), "vi") for i in public)
        text = text_of(out)
        for words in ("Thư gửi mẹ", "Letter to mother", "Thư · Letter", "ngày 5 tháng 4 năm 1972",
                      "khoảng năm 1970", "Số đăng ký: TT-2026-0003", "Ảnh chụp trước ngày nhập ngũ."):
            assert words in text, (size, words)
        assert "RESTRICTED-MARKER" not in text and "PRIVATE-MARKER" not in text


def test_labels_of_chosen_objects(collection_copy, tmp_path):
    out = tmp_path / "one.pdf"
    run("labels", "-c", collection_copy, LOAN, "-o", out)
    assert qr_codes(out, tmp_path) == [f"https://test.kyvat.vn/objects/{LOAN}/"]
