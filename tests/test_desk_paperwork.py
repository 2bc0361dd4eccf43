"""The desk's paperwork and lists (issue 13): the receipt and the case labels as PDFs, the lists of
people and objects out as a spreadsheet and in (what an import would do shown first, written only
when the curator confirms), and the masters' checksums checked: the same library calls as `kyvat
receipt`, `labels`, `export`, `import` and `verify`, nothing made or kept inside the collection."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
from pathlib import Path

import openpyxl
import pypdfium2
import pytest

from deskclient import Desk
from kyvat import history
from kyvat.layout import cache_dir

GIFT, LOAN, RESTRICTED = "TT-2026-0001", "TT-2026-0003", "TT-2026-0004"
PUBLIC = ("TT-2026-0001", "TT-2026-0002", "TT-2026-0003")
pytestmark = pytest.mark.usefixtures("no_identity")  # conftest: a machine with no git identity, as on CI


def fingerprint(root: Path) -> dict[str, str]:
    """Every file of the collection (the git folder aside) by its sha256."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and ".git" not in p.relative_to(root).parts}


def pdf_text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    return " ".join(" ".join(document[i].get_textpage().get_text_range().split()) for i in range(len(document)))


def ward_list(path: Path, *rows) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Liệt sĩ"
    ws.append(["DANH SÁCH LIỆT SĨ"])
    ws.append(["STT", "Họ và tên", "Năm sinh", "Nguyên quán", "Ngày hi sinh"])
    for row in rows:
        ws.append(list(row))
    book.save(path)
    return path


TWO_AND_A_BAD_ROW = ((1, "Nguyễn Văn An", 1948, "xã An Đồng", "12/3/1968"),
                     (2, "Trần Văn Bình", 1950, "xã An Hồng", ""),
                     (3, "Phạm Văn Dũng", 1949, "xã An Đồng", "31/2/1972"))


@pytest.fixture
def desk(collection_copy, tmp_path):
    return Desk(collection_copy, tmp_path / "out")


def send_list(desk: Desk, path: Path, **form):
    with path.open("rb") as handle:
        return desk.post("/paperwork/import", {"file": (handle, path.name), "kind": "martyr", **form},
                         content_type="multipart/form-data")


def confirm_form(page: str) -> tuple[str, dict]:
    action = re.search(r'<form method="post" action="([^"]*/paperwork/import/[0-9a-f]{32})"', page).group(1)
    values = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    return action, values


def test_the_page_is_in_the_nav_and_offers_every_paper(desk):
    page = desk.get("/paperwork").get_data(as_text=True)
    assert 'href="/paperwork"' in desk.get("/").get_data(as_text=True)
    for words in ("Hand-over receipt", "Case labels", "Export a list", "Import a list", "Check the masters"):
        assert words in page
    assert desk.get("/paperwork?lang=vi").status_code == 200  # its words: tests/test_messages.py


def test_the_receipt_of_an_object_is_its_pdf_made_outside_the_collection(desk, collection_copy):
    before = fingerprint(collection_copy)
    record_page = desk.get(f"/objects/{GIFT}").get_data(as_text=True)
    link = re.search(r'href="([^"]*/paperwork/receipt\?object_id=' + GIFT + ')"', record_page).group(1)
    answer = desk.get(link)
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert answer.data.startswith(b"%PDF")
    assert "attachment" in answer.headers["Content-Disposition"]
    text = pdf_text(answer.data)
    assert GIFT in text and "PRIVATE-MARKER-RECEIPT-2b91" in text  # the family's paperwork: the receipt number
    assert fingerprint(collection_copy) == before
    left = cache_dir(collection_copy) / "desk-paperwork"
    assert not left.exists() or list(left.iterdir()) == []  # made, sent and removed


def test_a_receipt_the_library_refuses_is_said_not_a_traceback(desk):
    answer = desk.get(f"/paperwork/receipt?object_id={GIFT}&return=yes")  # a gift is not given back
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "is not a loan" in page and "Traceback" not in page
    assert desk.get("/paperwork/receipt?object_id=../kyvat.yaml").status_code == 404
    assert "no object TT-2026-9999" in desk.get("/paperwork/receipt?object_id=TT-2026-9999").get_data(as_text=True)


def test_the_labels_page_lists_only_public_objects_and_gives_their_pdf(desk, collection_copy):
    page = desk.get("/paperwork/labels").get_data(as_text=True)
    for object_id in PUBLIC:
        assert f'value="{object_id}"' in page
    assert RESTRICTED not in page
    before = fingerprint(collection_copy)
    answer = desk.post("/paperwork/labels", {"object_ids": [GIFT, LOAN], "size": "card"})
    assert answer.status_code == 200 and answer.data.startswith(b"%PDF")
    text = pdf_text(answer.data)
    assert GIFT in text and LOAN in text and "TT-2026-0002" not in text
    refused = desk.post("/paperwork/labels", {"object_ids": [RESTRICTED], "size": "a6"})
    assert refused.status_code == 422 and "gets no case label" in refused.get_data(as_text=True)
    assert fingerprint(collection_copy) == before


@pytest.mark.parametrize("kind, sheet_name, column, expected", [
    ("", "people", "Họ và tên", {"Lê Thị Thuận"}),
    ("object", "object", "Tên hiện vật", {"Thư gửi mẹ"}),
])
def test_export_gives_the_spreadsheet_of_people_or_objects(desk, kind, sheet_name, column, expected):
    answer = desk.get(f"/paperwork/export?kind={kind}&format=.xlsx")
    assert answer.status_code == 200 and answer.mimetype.endswith("spreadsheetml.sheet")
    book = openpyxl.load_workbook(io.BytesIO(answer.data))
    ws = book.active
    assert ws.title == sheet_name
    header = [c.value for c in ws[1]]
    names = {row[header.index(column)] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert expected <= names and ws.max_row >= 3


def test_an_import_shows_what_it_would_do_and_writes_nothing_until_confirmed(desk, collection_copy, tmp_path):
    history.write_repository(collection_copy)
    before = fingerprint(collection_copy)
    answer = send_list(desk, ward_list(tmp_path / "liet-si.xlsx", *TWO_AND_A_BAD_ROW))
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "row 3: add Nguyễn Văn An" in page and "row 4: add Trần Văn Bình" in page
    assert "liet-si.xlsx[Liệt sĩ]:5: error: Ngày hi sinh:" in page  # its row and its column
    assert "2 added, 0 updated, 0 unchanged, 1 row(s) refused." in page and "Dry run: nothing was written." in page
    assert "replaced by the list" not in page and 'name="update"' not in page  # only empty fields filled
    assert fingerprint(collection_copy) == before
    kept = list((cache_dir(collection_copy) / "desk-imports").glob("*/*"))
    assert [p.name for p in kept] == ["liet-si.xlsx"]  # outside the collection, until confirmed or cancelled

    action, values = confirm_form(page)
    done = desk.post(action, {**values, "action": "import"}, follow_redirects=True)
    said = done.get_data(as_text=True)
    assert "2 added, 0 updated, 0 unchanged, 1 row(s) refused." in said and "Ngày hi sinh" in said
    people = collection_copy / "people"
    assert "Nguyễn Văn An" in (people / "nguyen-van-an.yaml").read_text(encoding="utf-8")
    assert "Trần Văn Bình" in (people / "tran-van-binh.yaml").read_text(encoding="utf-8")
    assert not (people / "pham-van-dung.yaml").exists()
    assert not kept[0].exists()  # the list sent is removed once imported
    log = subprocess.run(["git", "log", "-1", "--format=%s", "--name-only"], cwd=collection_copy,
                         capture_output=True, text=True, check=True).stdout.split("\n")
    assert log[0] == "Nhập danh sách liet-si.xlsx: 2 người"
    assert sorted(filter(None, log[1:])) == ["people/nguyen-van-an.yaml", "people/tran-van-binh.yaml"]
    assert desk.post(action, {**values, "action": "import"}).status_code == 404  # not twice


def test_a_collection_changed_after_the_dry_run_is_not_imported_blind(desk, collection_copy, tmp_path):
    page = send_list(desk, ward_list(tmp_path / "a.xlsx", TWO_AND_A_BAD_ROW[0])).get_data(as_text=True)
    action, values = confirm_form(page)
    # the same person imported in between (through another list): the first list now changes nothing
    other = send_list(desk, ward_list(tmp_path / "c.xlsx", TWO_AND_A_BAD_ROW[0])).get_data(as_text=True)
    other_action, other_values = confirm_form(other)
    assert desk.post(other_action, {**other_values, "action": "import"}).status_code == 302
    before = fingerprint(collection_copy)
    again = desk.post(action, {**values, "action": "import"})
    assert again.status_code == 409 and "nothing was written" in again.get_data(as_text=True)
    assert fingerprint(collection_copy) == before


def test_a_cancelled_import_removes_the_file_and_writes_nothing(desk, collection_copy, tmp_path):
    before = fingerprint(collection_copy)
    page = send_list(desk, ward_list(tmp_path / "liet-si.xlsx", *TWO_AND_A_BAD_ROW)).get_data(as_text=True)
    action, values = confirm_form(page)
    assert desk.post(action, {**values, "action": "cancel"}).status_code == 302
    assert fingerprint(collection_copy) == before
    assert list((cache_dir(collection_copy) / "desk-imports").iterdir()) == []


@pytest.mark.parametrize("name, data, said", [
    ("list.xlsx", b"not a workbook at all", "cannot be read"),
    ("list.pdf", b"%PDF-1.4", "a spreadsheet saved as .xlsx, .xls or .csv"),
    ("list.csv", "Tên,Tuổi\nAn,3\n".encode(), "a header row with headings such as"),
])
def test_a_bad_file_gets_a_message_not_a_traceback(desk, collection_copy, tmp_path, name, data, said):
    before = fingerprint(collection_copy)
    path = tmp_path / name
    path.write_bytes(data)
    answer = send_list(desk, path)
    page = answer.get_data(as_text=True)
    assert said in page and "Traceback" not in page
    assert answer.status_code in (200, 422)
    assert fingerprint(collection_copy) == before
    if answer.status_code == 422:  # refused before any plan: nothing kept
        assert list((cache_dir(collection_copy) / "desk-imports").iterdir()) == []


def test_no_file_and_a_too_large_file_are_said(collection_copy, tmp_path):
    desk = Desk(collection_copy, tmp_path / "out", max_upload=4096)
    assert "choose the spreadsheet file" in desk.post("/paperwork/import", {"kind": "martyr"}).get_data(as_text=True)
    big = tmp_path / "big.csv"
    big.write_bytes(b"a,b\n" * 5000)
    answer = send_list(desk, big)
    assert answer.status_code == 413 and "larger than" in answer.get_data(as_text=True)


def test_verify_names_a_changed_and_a_missing_master(desk, collection_copy):
    page = desk.get("/paperwork/verify").get_data(as_text=True)
    assert "0 changed or missing" in page
    scans = collection_copy / "objects" / GIFT / "scans"
    (scans / "001.jpg").write_bytes((scans / "001.jpg").read_bytes() + b"\0")
    (scans / "002.jpg").unlink()
    page = desk.get("/paperwork/verify").get_data(as_text=True)
    assert f"objects/{GIFT}/scans/001.jpg: changed" in page
    assert f"objects/{GIFT}/scans/002.jpg" in page and "2 changed or missing" in page


def test_a_list_of_objects_goes_in_with_the_next_accession_numbers(desk, collection_copy, tmp_path):
    history.write_repository(collection_copy)
    book = openpyxl.Workbook()
    book.active.append(["STT", "Tên hiện vật", "Loại", "Người hiến tặng", "Hình thức", "Ngày tiếp nhận"])
    book.active.append([1, "Bi đông của bố", "đồ dùng cá nhân", "Lê Thị Thuận", "hiến tặng", "1/9/2026"])
    book.save(tmp_path / "hien-vat.xlsx")
    page = send_list(desk, tmp_path / "hien-vat.xlsx", kind="object").get_data(as_text=True)
    assert "row 2: add Bi đông của bố" in page and "1 added" in page
    action, values = confirm_form(page)
    assert values["kind"] == "object"
    assert desk.post(action, {**values, "action": "import"}).status_code == 302
    record = collection_copy / "objects" / "TT-2026-0005" / "record.yaml"
    assert "Bi đông của bố" in record.read_text(encoding="utf-8")
    log = subprocess.run(["git", "log", "-1", "--format=%s", "--name-only"], cwd=collection_copy,
                         capture_output=True, text=True, check=True).stdout.split("\n")
    assert log[0] == "Nhập danh sách hien-vat.xlsx: 1 hiện vật"
    assert sorted(filter(None, log[1:])) == ["accessions.tsv", "objects/TT-2026-0005/record.yaml"]


def test_an_update_import_replaces_what_a_record_says_only_when_asked(desk, collection_copy, tmp_path):
    first = ward_list(tmp_path / "a.xlsx", (1, "Nguyễn Văn An", 1948, "xã An Đồng", "12/3/1968"))
    action, values = confirm_form(send_list(desk, first).get_data(as_text=True))
    desk.post(action, {**values, "action": "import"})
    second = ward_list(tmp_path / "b.xlsx", (1, "Nguyễn Văn An", 1948, "xã An Đồng", "13/3/1968"))
    assert "is already nguyen-van-an, nothing new" in send_list(desk, second).get_data(as_text=True)
    page = send_list(desk, second, update="yes").get_data(as_text=True)
    assert "fill nguyen-van-an (Nguyễn Văn An)" in page and 'name="update" value="yes"' in page
    action, values = confirm_form(page)
    desk.post(action, {**values, "action": "import"})
    assert "13/3/1968" in (collection_copy / "people" / "nguyen-van-an.yaml").read_text(encoding="utf-8")


def test_an_import_stopped_half_way_keeps_what_it_wrote_in_the_history(desk, collection_copy, tmp_path,
                                                                        monkeypatch):
    from kyvat import catalogue, importer
    from kyvat.errors import KyvatError

    def stopping(root, plan):
        catalogue.write_new_person(root, kind="martyr", name="Nguyễn Văn An")
        raise KyvatError("the disk is full")

    history.write_repository(collection_copy)
    page = send_list(desk, ward_list(tmp_path / "a.xlsx", *TWO_AND_A_BAD_ROW[:2])).get_data(as_text=True)
    action, values = confirm_form(page)
    monkeypatch.setattr(importer, "write_plan", stopping)
    answer = desk.post(action, {**values, "action": "import"})
    assert answer.status_code == 422 and "the disk is full" in answer.get_data(as_text=True)
    log = subprocess.run(["git", "log", "-1", "--format=%s", "--name-only"], cwd=collection_copy,
                         capture_output=True, text=True, check=True).stdout.split("\n")
    assert log[0] == "Nhập danh sách a.xlsx: 1 người" and "people/nguyen-van-an.yaml" in log
    assert list((cache_dir(collection_copy) / "desk-imports").iterdir()) == []


def test_a_collection_with_errors_is_refused_with_each_error_named(desk, collection_copy):
    record = collection_copy / "objects" / LOAN / "record.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("method: loan", "method: borrowed"), encoding="utf-8")
    for address in (f"/paperwork/receipt?object_id={GIFT}", "/paperwork/labels", "/paperwork/export?kind=object"):
        answer = desk.get(address)
        page = answer.get_data(as_text=True)
        assert answer.status_code == 422 and f"objects/{LOAN}/record.yaml" in page, address
        assert f'href="/objects/{LOAN}"' in page and "Traceback" not in page
