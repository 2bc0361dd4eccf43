"""`kyvat import` and `kyvat export`: ward offices' lists of people, as they really keep them, in and out."""

from __future__ import annotations

import pytest

import datetime as dt
import unicodedata
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from kyvat.cli import main
from kyvat.spreadsheet import read_sheet
from kyvat.validate import check_collection

TODAY = dt.date(2026, 1, 1)
NFD_NAME = unicodedata.normalize("NFD", "Trần Văn Bình")


def run(*args, code: int = 0) -> str:
    result = CliRunner().invoke(main, ["--today", TODAY.isoformat(), "--lang", "en", *map(str, args)])
    assert result.exit_code == code, result.output
    return result.output


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def ward_list(path: Path) -> Path:
    """A ward's list of martyrs: two title rows (merged), a blank row, a numbering column, headings in
    capitals and in other spellings, a unit merged down two martyrs, dates as a day cell, an Excel
    serial, `khoảng`, `5/1972` and text, an NFD name, a blank row, a row with 31 February and a row
    that repeats the first."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Liệt sĩ"
    ws.append(["UBND PHƯỜNG AN BIÊN"])
    ws.merge_cells("A1:D1")
    ws.append(["DANH SÁCH LIỆT SĨ QUÊ PHƯỜNG AN BIÊN"])
    ws.merge_cells("A2:I2")
    ws.append([])
    ws.append(["STT", "HỌ VÀ TÊN", "Năm sinh", "Nguyên quán", "Cấp bậc", "Đơn vị", "Ngày hi sinh", "Nơi an táng",
               "Mộ số", "Chức vụu"])
    ws.append([1, "Nguyễn Văn An", 1948, "xã An Đồng", "Hạ sĩ", "Đại đội 1, Tiểu đoàn 2", dt.datetime(1968, 3, 12),
               "Nghĩa trang liệt sĩ Trường Sơn", "07", ""])
    ws.append([2, NFD_NAME, "khoảng 1950", "xã An Hồng", "Binh nhất", None, "5/1972", "", "", ""])
    ws.merge_cells("F5:F6")
    ws.append([])
    ws.append([3, "Lê Văn Cường", "1952", "xã An Hồng", "", "Đại đội 3", 26437, "", "", ""])  # 18/5/1972
    ws.append([4, "Phạm Văn Dũng", "1949", "xã An Đồng", "", "", "31/2/1972", "", "", ""])
    ws.append([5, "Nguyễn Văn An", "1948", "Xã An Đồng", "", "", "", "", "", ""])
    ws.append([6, "Hoàng Văn Em", "1951", "", "", "", "ngày 12 tháng 5 năm 1972", "", "12", ""])
    book.save(path)
    return path


def test_a_ward_list_goes_in_row_by_row_and_a_second_time_adds_nothing(collection_copy, tmp_path):
    sheet = ward_list(tmp_path / "liet-si.xlsx")
    before = set(snapshot(collection_copy))
    output = run("import", "-c", collection_copy, sheet, code=1)
    # the row with 31 February, named by its row number and its column; the rest went in
    assert "liet-si.xlsx[Liệt sĩ]:9: error: Ngày hi sinh:" in output
    assert "add Phạm Văn Dũng" not in output and not (collection_copy / "people" / "pham-van-dung.yaml").exists()
    assert "row 10: Nguyễn Văn An is row 5 again" in output
    assert "'Chức vụu', which kyvat does not know" in output and "did you mean 'Chức vụ'?" in output
    assert "4 added, 0 updated, 1 unchanged, 1 row(s) refused." in output
    people = collection_copy / "people"
    new = {p for p in snapshot(collection_copy) if p not in before}
    assert new == {f"people/{s}.yaml" for s in ("nguyen-van-an", "tran-van-binh", "le-van-cuong", "hoang-van-em")}
    an = (people / "nguyen-van-an.yaml").read_text(encoding="utf-8")
    assert "# biography:" in an  # the scaffold's guidance is kept
    assert "Nguyễn Văn An" in an and 'grave: "07"' in an and "birth: \"1948\"" in an
    assert "date: {text: 12/3/1968, edtf: \"1968-03-12\"}" in an
    binh = (people / "tran-van-binh.yaml").read_text(encoding="utf-8")
    assert "Trần Văn Bình" in binh and unicodedata.is_normalized("NFC", binh)
    assert "unit: Đại đội 1, Tiểu đoàn 2" in binh  # the merged cell belongs to both rows
    assert "birth: {text: khoảng 1950, edtf: 1950~}" in binh
    assert 'edtf: "1972-05-18"' in (people / "le-van-cuong.yaml").read_text(encoding="utf-8")  # Excel's day 26437
    collection, problems = check_collection(collection_copy, TODAY)
    assert [p for p in problems if p.is_error] == []
    assert {p.name for p in collection.people} >= {"Nguyễn Văn An", "Trần Văn Bình", "Lê Văn Cường", "Hoàng Văn Em"}

    after = snapshot(collection_copy)
    again = run("import", "-c", collection_copy, sheet, code=1)
    assert "0 added, 0 updated, 5 unchanged, 1 row(s) refused." in again  # four known, row 10 again
    assert snapshot(collection_copy) == after


def test_a_heading_split_over_two_rows(collection_copy, tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["Danh sách mộ liệt sĩ"])
    ws.append([])
    ws.append(["TT", "Họ và tên", "Năm sinh", "Nơi an táng", None, None])
    ws.append([None, None, None, "Lô", "Hàng", "Mộ số"])
    for cells in ("A3:A4", "B3:B4", "C3:C4", "D3:F3"):
        ws.merge_cells(cells)
    ws.append([1, "Vũ Văn Giáp", 1947, "B", 2, 15])
    book.save(tmp_path / "mo.xlsx")
    assert "1 added" in run("import", "-c", collection_copy, tmp_path / "mo.xlsx")
    giap = (collection_copy / "people" / "vu-van-giap.yaml").read_text(encoding="utf-8")
    assert "plot: B" in giap and 'row: "2"' in giap and 'grave: "15"' in giap


def test_a_dry_run_says_what_it_would_do_and_writes_nothing(collection_copy, tmp_path):
    sheet = ward_list(tmp_path / "liet-si.xlsx")
    before = snapshot(collection_copy)
    output = run("import", "-c", collection_copy, sheet, "--dry-run", code=1)
    assert "row 5: add Nguyễn Văn An" in output and "Dry run: nothing was written." in output
    assert snapshot(collection_copy) == before


def test_a_known_person_gets_only_empty_fields_unless_update(collection_copy, tmp_path):
    ward_list(tmp_path / "first.xlsx")
    run("import", "-c", collection_copy, tmp_path / "first.xlsx", code=1)
    book = openpyxl.Workbook()
    book.active.append(["TT", "Họ tên", "Năm sinh", "Quê quán", "Cấp bậc", "Chức vụ"])
    book.active.append([1, "NGUYỄN VĂN AN", 1948, "xã An Đồng", "Trung sĩ", "Tiểu đội trưởng"])
    book.save(tmp_path / "second.xlsx")
    output = run("import", "-c", collection_copy, tmp_path / "second.xlsx")
    assert "row 2: fill nguyen-van-an (NGUYỄN VĂN AN): position" in output
    an = (collection_copy / "people" / "nguyen-van-an.yaml").read_text(encoding="utf-8")
    assert "rank: Hạ sĩ" in an and "position: Tiểu đội trưởng" in an
    run("import", "-c", collection_copy, tmp_path / "second.xlsx", "--update")
    an = (collection_copy / "people" / "nguyen-van-an.yaml").read_text(encoding="utf-8")
    assert "rank: Trung sĩ" in an and 'Nguyễn Văn An"' in an  # the name stays as the record spells it


OLD_LIST = [  # (row, column, value), 0-based as xlwt counts; the list on the second sheet
    (2, 0, "STT"), (2, 1, "Họ và tên"), (2, 2, "Năm sinh"), (2, 3, "Quê quán"), (2, 4, "Đơn vị"),
    (2, 5, "Ngày hy sinh"),
    (3, 0, 1), (3, 1, "Đỗ Văn Khánh"), (3, 2, 1949), (3, 3, "xã An Đồng"), (3, 4, "Đại đội 5"),
    (3, 5, dt.date(1971, 4, 9)),
    (4, 0, 2), (4, 1, NFD_NAME), (4, 2, "1950"), (4, 3, "xã An Hồng"), (4, 5, "5/1972"),
]


def old_ward_list(path: Path) -> Path:
    """A list kept since Excel 2003 (.xls): a notes sheet first, then the list under a merged title
    row and a blank row, a unit merged down two martyrs, a day cell, a text date and an NFD name."""
    import xlwt  # the test extras only: Excel 97-2003 files as the old program wrote them

    book = xlwt.Workbook(encoding="utf-8")
    book.add_sheet("Ghi chú").write(0, 0, "Danh sách cập nhật năm 2009")
    ws = book.add_sheet("Liệt sĩ")
    ws.write_merge(0, 0, 0, 5, "DANH SÁCH LIỆT SĨ PHƯỜNG AN BIÊN")
    ws.write_merge(3, 4, 4, 4, "Đại đội 5")  # one unit for both
    day = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for row, column, value in OLD_LIST:
        if (row, column) != (3, 4):  # the merged unit, written above
            ws.write(row, column, value, day if isinstance(value, dt.date) else xlwt.Style.default_style)
    book.save(str(path))
    return path


def test_an_old_xls_list_reads_as_the_same_rows_and_goes_in_once(collection_copy, tmp_path):
    old = old_ward_list(tmp_path / "liet-si.xls")
    # the same list saved as .xlsx reads as the same numbered rows of text
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Liệt sĩ"
    ws.merge_cells("A1:F1")
    ws.merge_cells("E4:E5")
    ws.cell(1, 1, "DANH SÁCH LIỆT SĨ PHƯỜNG AN BIÊN")
    for row, column, value in OLD_LIST:
        ws.cell(row + 1, column + 1, value)
    book.save(tmp_path / "liet-si.xlsx")
    rows = read_sheet(old, "Liệt sĩ").rows
    assert rows == read_sheet(tmp_path / "liet-si.xlsx").rows
    assert rows[3] == (4, ("1", "Đỗ Văn Khánh", "1949", "xã An Đồng", "Đại đội 5", "9/4/1971"))
    assert rows[4][1][4] == "Đại đội 5"  # the merged unit, on both rows
    assert read_sheet(old).name == "Ghi chú"  # without --sheet, the first

    output = run("import", "-c", collection_copy, old, "--sheet", "Liệt sĩ")
    # no line about a row or a heading: every heading known, every row good
    assert "liet-si.xls[Liệt sĩ]" not in output and "2 added, 0 updated, 0 unchanged, 0 row(s) refused." in output
    khanh = (collection_copy / "people" / "do-van-khanh.yaml").read_text(encoding="utf-8")
    assert 'birth: "1949"' in khanh and 'date: {text: 9/4/1971, edtf: "1971-04-09"}' in khanh
    binh = (collection_copy / "people" / "tran-van-binh.yaml").read_text(encoding="utf-8")
    assert "Trần Văn Bình" in binh and unicodedata.is_normalized("NFC", binh) and "unit: Đại đội 5" in binh
    assert "text: 5/1972" in binh
    assert not [p for p in check_collection(collection_copy, TODAY)[1] if p.is_error]
    after = snapshot(collection_copy)
    again = run("import", "-c", collection_copy, old, "--sheet", "Liệt sĩ")
    assert "0 added, 0 updated, 2 unchanged, 0 row(s) refused." in again
    assert snapshot(collection_copy) == after
    assert "one of the sheets Ghi chú, Liệt sĩ, found Danh sách" in run(
        "import", "-c", collection_copy, old, "--sheet", "Danh sách", code=1)


def test_an_unreadable_xls_is_named(collection_copy, tmp_path):
    import random

    broken = tmp_path / "danh-sach-cu.xls"
    broken.write_bytes(random.Random(12).randbytes(4096))  # what a damaged floppy gives back
    before = snapshot(collection_copy)
    output = run("import", "-c", collection_copy, broken, code=1)
    assert "an Excel workbook, but danh-sach-cu.xls cannot be read" in output and "Traceback" not in output
    assert snapshot(collection_copy) == before


@pytest.mark.parametrize("junk", [b"Ho ten,Nam sinh\r\nL\x81\x8a,1950\r\n", b"Ho ten,Nam sinh\nA\x00B,1950\n"])
def test_a_csv_that_is_not_text_is_named_not_a_traceback(collection_copy, tmp_path, junk):
    sheet = tmp_path / "ds.csv"
    sheet.write_bytes(junk)  # bytes no ward's code page decodes, or a NUL a binary file carries
    before = snapshot(collection_copy)
    output = run("import", "-c", collection_copy, sheet, code=1)
    assert "a list saved as CSV text (UTF-8 or Windows-1258), but ds.csv is not text" in output
    assert "Traceback" not in output and snapshot(collection_copy) == before


def test_a_csv_in_the_windows_code_page_with_an_old_font_row(collection_copy, tmp_path):
    sheet = tmp_path / "ds.csv"
    text = ("DANH SACH NGUOI HIEN TANG;;\r\nHo ten;Nam sinh;Que quan;Dien thoai\r\n"
            "Lê Văn Tâm;1950;Hà Nam;0900000000\r\nNguyÔn V¨n §øc;1951;;\r\n")
    sheet.write_bytes(text.encode("cp1258"))
    output = run("import", "-c", collection_copy, sheet, "--kind", "donor", code=1)
    assert "read as cp1258 text" in output
    assert "ds.csv:4: error: Ho ten: expected Unicode text, found 'NguyÔn V¨n §øc', which looks typed in an old " \
           "TCVN3 (ABC) or VNI font" in output
    tam = (collection_copy / "people" / "le-van-tam.yaml").read_text(encoding="utf-8")
    assert "kind: donor" in tam and "publish_name: false" in tam and "phone: '0900000000'" in tam


def test_a_csv_saved_as_utf8_by_excel_with_a_vni_row(collection_copy, tmp_path):
    sheet = tmp_path / "ds.csv"
    sheet.write_text("STT,Họ và tên,Năm sinh,Quê quán\n1,Đặng Văn Hải,1953,\"xã Tân Dân, huyện An Lão\"\n"
                     "2,Nguyeãn Vaên Ñöùc,1950,\n", encoding="utf-8-sig")
    output = run("import", "-c", collection_copy, sheet, code=1)
    assert "read as utf-8-sig text" in output and "ds.csv:3: error: Họ và tên:" in output and "VNI" in output
    hai = (collection_copy / "people" / "dang-van-hai.yaml").read_text(encoding="utf-8")
    assert "hometown: xã Tân Dân, huyện An Lão" in hai


def test_export_then_import_of_the_sample_changes_nothing(sample_copy, tmp_path):
    before = snapshot(sample_copy)
    for name, private in (("people.xlsx", "--private"), ("people.csv", "--private"), ("public.xlsx", "")):
        run("export", "-c", sample_copy, "--to", tmp_path / name, *([private] if private else []))
        output = run("import", "-c", sample_copy, tmp_path / name, "--update")
        assert " 0 added, 0 updated," in " " + output.splitlines()[-1] and "refused" in output
        assert "0 row(s) refused" in output
    assert snapshot(sample_copy) == before
    header = read_sheet(tmp_path / "people.xlsx").rows[0][1]
    assert header[:3] == ("STT", "Họ và tên", "Đối tượng") and "Quê quán" in header


def test_private_columns_only_with_private(collection_copy, tmp_path):
    output = run("export", "-c", collection_copy, "--to", tmp_path / "public.csv")
    assert "2 people who have not agreed to be named left out" in output
    run("export", "-c", collection_copy, "--to", tmp_path / "all.csv", "--private")
    public = (tmp_path / "public.csv").read_text(encoding="utf-8-sig")
    everything = (tmp_path / "all.csv").read_text(encoding="utf-8-sig")
    assert "PRIVATE-MARKER" not in public and "Marker" not in public and "Điện thoại" not in public.splitlines()[0]
    assert "Lê Thị Thuận" in public  # a donor who agreed to be named
    assert "PRIVATE-MARKER-PHONE-DONOR" in everything and "Trần Thị Bí Mật Marker" in everything


def by_name(path: Path) -> dict[str, dict[str, str]]:
    (_, header), *rows = read_sheet(path).rows
    return {row[1]: {h: v for h, v in zip(header[1:], row[1:]) if v} for _, row in rows}


def test_an_export_imported_into_an_empty_collection_exports_the_same(sample_copy, tmp_path):
    run("export", "-c", sample_copy, "--to", tmp_path / "people.xlsx", "--private")
    fresh = tmp_path / "fresh"
    run("init", fresh, "--name-vi", "Nhà truyền thống", "--base-url", "https://example.org/", "--prefix", "NT")
    output = run("import", "-c", fresh, tmp_path / "people.xlsx", code=1)
    # a birth written as no reader can read it (a lunar year's name beside it) needs its EDTF, which
    # a cell does not hold: refused for a new person, and named
    assert "people.xlsx[people]:7: error: Năm sinh:" in output and "8 added" in output
    run("export", "-c", fresh, "--to", tmp_path / "again.xlsx", "--private")
    first = by_name(tmp_path / "people.xlsx")
    del first[read_sheet(tmp_path / "people.xlsx").rows[6][1][1]]
    assert by_name(tmp_path / "again.xlsx") == first


def keepsake_list(path: Path) -> Path:
    """A ward's list of gathered keepsakes: two merged title rows, a blank row, headings in capitals
    and in other spellings, a day received merged down two rows, dates as a day cell, an Excel serial,
    `khoảng`, `5/1972`; a giver spelt without capitals, a giver not in the collection, 31 February and
    a row that repeats the first."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Hiện vật"
    ws.append(["UBND PHƯỜNG AN BIÊN"])
    ws.merge_cells("A1:D1")
    ws.append(["DANH SÁCH HIỆN VẬT, KỶ VẬT TIẾP NHẬN NĂM 2026"])
    ws.merge_cells("A2:L2")
    ws.append([])
    ws.append(["STT", "TÊN HIỆN VẬT", "Loại hiện vật", "SL", "Chất liệu", "Thời gian", "Gia đình", "Hình thức",
               "Ngày tiếp nhận", "Hạn trả", "Tình trạng", "Ghi chú"])
    ws.append([1, "Thư gửi em gái", "Thư", 1, "giấy, mực tím", "khoảng 1970", "Nguyễn Thị Hoà", "Hiến tặng",
               dt.datetime(2026, 8, 1), None, "tốt", "gia đình xin giữ kín địa chỉ"])
    ws.append([2, "Huy chương Kháng chiến hạng Nhì", "huy chương", 1, "đồng", 1975, "phạm văn sơn", "cho mượn",
               "", 46478, "khá", None])  # 1/4/2027
    ws.merge_cells("I5:I6")
    ws.append([3, "Ảnh gia đình bên giếng làng", "ảnh", 2, "giấy ảnh", "5/1972", "Lê Văn Thành", "sao chụp",
               "3/8/2026", None, None, None])
    ws.append([])
    ws.append([4, "Bi đông", "kỷ vật", 1, "nhôm", "1972", "Bà Vũ Thị Không Có", "hiến tặng", "3/8/2026", None, None, None])
    ws.append([5, "Võng dù", "kỷ vật", 1, "vải dù", "31/2/1972", "Lê Văn Thành", "hiến tặng", "3/8/2026", None, None,
               None])
    ws.append([6, "Thư gửi em gái", "thư", 1, "giấy, mực tím", "khoảng 1970", "Nguyễn Thị Hoà", "hiến tặng",
               "1/8/2026", None, "tốt", None])
    # two more columns, at the end as an office adds them later
    for row, size, place in ((4, "Kích thước (cm)", "Địa điểm"), (5, "20,5 x 15", "Quảng Bình"), (7, "9 × 12 cm", "")):
        ws.cell(row, 13, size)
        ws.cell(row, 14, place)
    book.save(path)
    return path


def test_a_list_of_keepsakes_goes_in_as_objects_and_a_second_time_adds_nothing(sample_copy, tmp_path):
    sheet = keepsake_list(tmp_path / "hien-vat.xlsx")
    before = snapshot(sample_copy)
    dry = run("import", "-c", sample_copy, sheet, "--kind", "object", "--dry-run", code=1)
    assert snapshot(sample_copy) == before
    assert "3 added, 0 updated, 1 unchanged, 2 row(s) refused. Dry run" in dry
    output = run("import", "-c", sample_copy, sheet, "--kind", "object", code=1)
    assert "hien-vat.xlsx[Hiện vật]:9: error: Gia đình:" in output and "Vũ Thị Không Có" in output
    assert "import the people first" in output
    assert "hien-vat.xlsx[Hiện vật]:10: error: Thời gian:" in output  # 31 February, named by its row
    assert "row 11: Thư gửi em gái is row 5 again" in output
    letter = (sample_copy / "objects" / "AB-2026-0015" / "record.yaml").read_text(encoding="utf-8")
    assert "object_type: letter" in letter and "donor: nguyen-thi-hoa" in letter and "date: 2026-08-01" in letter
    assert "khoảng 1970" in letter and "1970~" in letter and "grade: good" in letter and "mực tím" in letter
    assert "dimensions: {height: 20.5, width: 15.0}" in letter and "- {text: Quảng Bình}" in letter
    medal = (sample_copy / "objects" / "AB-2026-0016" / "record.yaml").read_text(encoding="utf-8")
    assert "object_type: medal" in medal and "method: loan" in medal and "loan_until: 2027-04-01" in medal
    assert "donor: pham-van-son" in medal and "date: 2026-08-01" in medal  # the merged day received
    copy = (sample_copy / "objects" / "AB-2026-0017" / "record.yaml").read_text(encoding="utf-8")
    assert "method: copy" in copy and "Lê Văn Thành" in copy and "count: 2" in copy
    assert not [p for p in check_collection(sample_copy, TODAY)[1] if p.is_error]
    after = snapshot(sample_copy)
    again = run("import", "-c", sample_copy, sheet, "--kind", "object", code=1)
    assert "0 added, 0 updated, 4 unchanged, 2 row(s) refused." in again
    assert snapshot(sample_copy) == after


def test_export_then_import_of_the_sample_objects_changes_nothing(sample_copy, tmp_path):
    before = snapshot(sample_copy)
    for name, private in (("hien-vat.xlsx", "--private"), ("hien-vat.csv", "")):
        run("export", "-c", sample_copy, "--kind", "object", "--to", tmp_path / name, *([private] if private else []))
        output = run("import", "-c", sample_copy, tmp_path / name, "--kind", "object", "--update")
        assert "0 added, 0 updated" in output and "0 row(s) refused" in output
    assert snapshot(sample_copy) == before
    header = read_sheet(tmp_path / "hien-vat.xlsx").rows[0][1]
    assert header[:4] == ("STT", "Số đăng ký", "Tên hiện vật", "Loại")


def test_a_keepsake_typed_in_an_old_font_is_named_and_the_rest_goes_in(sample_copy, tmp_path):
    sheet = tmp_path / "cu.csv"
    sheet.write_text("STT,Tên hiện vật,Loại,Gia đình,Hình thức,Ngày tiếp nhận\n"
                     "1,Huy ch¬ng chiÕn sÜ,huy chương,Lê Văn Thành,hiến tặng,3/8/2026\n"  # TCVN3 (ABC) bytes shown
                     "2,Bi đông,kỷ vật,Lê Văn Thành,hiến tặng,3/8/2026\n", encoding="utf-8")
    output = run("import", "-c", sample_copy, sheet, "--kind", "object", code=1)
    assert "cu.csv:2: error: Tên hiện vật: expected Unicode text" in output and "TCVN3" in output
    assert "1 added" in output


def test_an_unknown_keepsake_column_is_named_with_the_nearest_heading(sample_copy, tmp_path):
    sheet = tmp_path / "ds.csv"
    sheet.write_text("STT,Tên hiện vật,Loại,Gia đình,Hình thức,Ngày tiếp nhân,Ghi chu them\n"
                     "1,Bi đông,kỷ vật,Lê Văn Thành,hiến tặng,3/8/2026,\n", encoding="utf-8")
    output = run("import", "-c", sample_copy, sheet, "--kind", "object", "--dry-run")
    assert "ds.csv:1: warning: Ghi chu them: expected a known heading" in output
    assert "did you mean 'Ghi chú'?" in output and "1 added" in output  # `nhân` for `nhận` still matches, folded
