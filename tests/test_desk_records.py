"""The desk's records (issue 13): the lists of objects and people, a new object (gift, loan, copy;
its donor made on the spot), every field of a record edited through its form, checked with
`kyvat validate`'s rules as the curator types and on save (errors stop a save unless it is a
draft), and a change made in a text editor while the form was open never lost."""

from __future__ import annotations

import html
import re
import subprocess
from html.parser import HTMLParser

import pytest
from werkzeug.datastructures import MultiDict

from deskclient import HOST, Desk
from kyvat import history

OBJECT = "AB-2026-0001"
RECORD = f"objects/{OBJECT}/record.yaml"
PERSON = "nguyen-van-duc"


class _Form(HTMLParser):
    """The values a browser would send from the page's record form (action button not included)."""

    def __init__(self):
        super().__init__()
        self.values: list[tuple[str, str]] = []
        self.select = self.textarea = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") != "search":
            self.values.append((a["name"], a.get("value") or ""))
        elif tag == "select":
            self.select, self.chosen = a["name"], ""
        elif tag == "option" and self.select and "selected" in a:
            self.chosen = a.get("value") or ""
        elif tag == "textarea":
            self.textarea, self.text = a["name"], ""

    def handle_endtag(self, tag):
        if tag == "select" and self.select:
            self.values.append((self.select, self.chosen))
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.values.append((self.textarea, self.text))
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.text += data


def form_of(page: str, **changes) -> MultiDict:
    parser = _Form()
    parser.feed(page)
    form = MultiDict(parser.values)
    for name, value in changes.items():
        form.setlist(name.replace("__", "."), [value])
    return form


def send(desk: Desk, url: str, form: MultiDict):
    return desk.client.post(url, data=form, headers={"Host": HOST})


def problems_beside(page: str, field: str) -> list[str]:
    found = re.search(rf'data-problems-for="{re.escape(field)}"[^>]*>(.*?)</ul>', page, re.S)
    return [html.unescape(t) for t in re.findall(r"<li[^>]*>(.*?)</li>", found.group(1), re.S)] if found else []


@pytest.fixture
def desk(sample_copy, tmp_path):
    return Desk(sample_copy, tmp_path / "out")


def test_the_lists_show_every_record_and_filter_them(desk):
    page = desk.get("/objects").get_data(as_text=True)
    assert OBJECT in page and "AB-2026-0014" in page and "Letter to mother" not in page  # the Vietnamese title
    assert "Thư gửi mẹ" in page
    only = desk.get("/objects?q=thu gui").get_data(as_text=True)
    assert OBJECT in only and "AB-2026-0005" not in only
    people = desk.get("/people").get_data(as_text=True)
    assert PERSON in people and "Nguyễn Văn Đức" in people and "martyr" in people


def new_object(desk: Desk, **fields):
    form = {"object_type": "letter", "title.vi": "Thư mới", "title.en": "A new letter", "date.text": "",
            "acquisition.method": "gift", "acquisition.date": "2026-08-20", "acquisition.donor": "nguyen-thi-hoa"}
    form.update({k.replace("__", "."): v for k, v in fields.items()})
    return desk.post("/objects/new", form)


def test_a_new_gift_gets_the_next_number_its_date_and_its_donor(desk, sample_copy):
    answer = new_object(desk, date__text="12/3/1972")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/objects/AB-2026-0015")
    text = (sample_copy / "objects/AB-2026-0015/record.yaml").read_text(encoding="utf-8")
    assert "date: 12/3/1972" in text and "donor: nguyen-thi-hoa" in text and "method: gift" in text
    assert "# Lý lịch hiện vật" in text  # the commented scaffold
    assert "AB-2026-0015\t2026-08-20\tletter\tThư mới" in (sample_copy / "objects/register.tsv").read_text(
        encoding="utf-8") if (sample_copy / "objects/register.tsv").exists() else True
    edit = desk.get("/objects/AB-2026-0015").get_data(as_text=True)
    assert "Thư mới" in edit


def test_a_new_loan_needs_its_return_day_and_a_copy_who_keeps_the_original(desk, sample_copy):
    refused = new_object(desk, acquisition__method="loan", acquisition__donor="", new_donor__name="Lê Thị Mượn",
                         new_donor__kind="donor")
    assert refused.status_code == 422
    assert problems_beside(refused.get_data(as_text=True), "acquisition.loan_until")
    assert 'value="Lê Thị Mượn"' in refused.get_data(as_text=True)  # the curator's input kept
    assert not (sample_copy / "objects/AB-2026-0015").exists()
    assert not (sample_copy / "people/le-thi-muon.yaml").exists()  # the donor made for it is taken back
    assert new_object(desk, acquisition__method="loan", acquisition__loan_until="2027-02-01").status_code == 302
    loan = (sample_copy / "objects/AB-2026-0015/record.yaml").read_text(encoding="utf-8")
    assert "method: loan" in loan and "loan_until: 2027-02-01" in loan
    refused = new_object(desk, acquisition__method="copy")
    assert refused.status_code == 422 and problems_beside(refused.get_data(as_text=True),
                                                          "acquisition.original_held_by")
    assert new_object(desk, acquisition__method="copy",
                      acquisition__original_held_by__vi="Gia đình ông Sơn").status_code == 302
    copy = (sample_copy / "objects/AB-2026-0016/record.yaml").read_text(encoding="utf-8")
    assert "method: copy" in copy and "original_held_by: \"Gia đình ông Sơn\"" in copy


def test_a_donor_not_in_the_collection_is_made_with_the_object(desk, sample_copy):
    answer = new_object(desk, acquisition__donor="", new_donor__name="Trần Thị Bình", new_donor__kind="donor")
    assert answer.status_code == 302
    person = sample_copy / "people/tran-thi-binh.yaml"
    assert "Trần Thị Bình" in person.read_text(encoding="utf-8")
    assert "donor: tran-thi-binh" in (sample_copy / "objects/AB-2026-0015/record.yaml").read_text(encoding="utf-8")


def test_a_new_object_with_a_date_that_cannot_be_is_not_made(sample_copy, tmp_path):
    desk = Desk(sample_copy, tmp_path / "out", lang="vi")
    answer = new_object(desk, date__text="30/02/1968", acquisition__donor="", new_donor__name="Lê Văn Mới",
                        new_donor__kind="donor")
    assert answer.status_code == 422
    said = problems_beside(answer.get_data(as_text=True), "date")
    assert said and "không có ngày 30" in said[0]
    assert not (sample_copy / "objects/AB-2026-0015").exists()
    assert not (sample_copy / "people/le-van-moi.yaml").exists()


def test_the_date_is_read_as_it_is_typed(desk):
    assert desk.get("/date-preview?text=khoảng tháng 3 năm 1968").get_json() == {"edtf": "1968-03~", "problem": ""}
    wrong = desk.get("/date-preview?text=30/02/1968").get_json()
    assert wrong["edtf"] == "" and "30" in wrong["problem"]
    words = desk.get("/date-preview?text=thời kháng chiến").get_json()
    assert words["edtf"] == "" and "not a date" in words["problem"]
    assert desk.get("/date-preview?text=thời kháng chiến&edtf=1965/1975").get_json() == {"edtf": "1965/1975",
                                                                                        "problem": ""}


def test_editing_a_field_changes_only_it_and_says_so_in_the_history(desk, sample_copy):
    path = sample_copy / RECORD
    before = path.read_text(encoding="utf-8")
    page = desk.get(f"/objects/{OBJECT}").get_data(as_text=True)
    assert "riêng tư" not in page and "(private)" in page  # English desk: private fields marked
    answer = send(desk, f"/objects/{OBJECT}", form_of(page, title__vi="Thư gửi mẹ hiền", action="save"))
    assert answer.status_code == 302
    after = path.read_text(encoding="utf-8")
    assert after == before.replace("  vi: Thư gửi mẹ\n", "  vi: Thư gửi mẹ hiền\n", 1)


def test_a_save_that_changes_nothing_writes_nothing(desk, sample_copy):
    path = sample_copy / f"people/{PERSON}.yaml"
    before = path.read_bytes()
    page = desk.get(f"/people/{PERSON}").get_data(as_text=True)
    assert send(desk, f"/people/{PERSON}", form_of(page, action="save")).status_code == 302
    assert path.read_bytes() == before


def test_a_bad_date_is_shown_beside_its_field_in_vietnamese_and_nothing_is_saved(sample_copy, tmp_path):
    desk = Desk(sample_copy, tmp_path / "out", lang="vi")
    path = sample_copy / RECORD
    before = path.read_bytes()
    page = desk.get(f"/objects/{OBJECT}").get_data(as_text=True)
    form = form_of(page, date__text="30/02/1968", date__edtf="1968-02-30", title__vi="Thư đã sửa", action="save")
    checked = send(desk, f"/objects/{OBJECT}/check", form).get_json()
    assert any("không có ngày 30" in text and text.startswith("lỗi:") for text in checked["date"])
    answer = send(desk, f"/objects/{OBJECT}", form)
    assert answer.status_code == 422
    again = answer.get_data(as_text=True)
    assert any("không có ngày 30" in text for text in problems_beside(again, "date"))
    assert 'value="Thư đã sửa"' in again and 'value="30/02/1968"' in again  # the curator's input kept
    assert path.read_bytes() == before


def test_a_draft_is_saved_with_its_errors_and_a_clean_save_ends_it(desk, sample_copy):
    path = sample_copy / RECORD
    page = desk.get(f"/objects/{OBJECT}").get_data(as_text=True)
    form = form_of(page, date__text="30/02/1968", date__edtf="1968-02-30", action="draft")
    answer = send(desk, f"/objects/{OBJECT}", form)
    assert answer.status_code == 302
    text = path.read_text(encoding="utf-8")
    assert "text: 30/02/1968" in text and "\ndraft: true\n" in text
    page = desk.get(f"/objects/{OBJECT}").get_data(as_text=True)
    assert "draft" in page.lower()
    answer = send(desk, f"/objects/{OBJECT}", form_of(page, date__text="12/3/1972", date__edtf="1972-03-12",
                                                              action="save"))
    assert answer.status_code == 302
    text = path.read_text(encoding="utf-8")
    assert "draft" not in text and "text: 12/3/1972" in text and 'edtf: "1972-03-12"' in text


def test_a_change_made_in_a_text_editor_meanwhile_is_never_lost(desk, sample_copy):
    path = sample_copy / RECORD
    page = desk.get(f"/objects/{OBJECT}").get_data(as_text=True)
    edited = path.read_text(encoding="utf-8").replace("count: 1", "count: 2")
    path.write_text(edited, encoding="utf-8")
    answer = send(desk, f"/objects/{OBJECT}", form_of(page, title__vi="Thư khác", action="save"))
    assert answer.status_code == 409
    assert "changed by someone else" in answer.get_data(as_text=True)
    assert path.read_text(encoding="utf-8") == edited


def test_a_person_is_made_and_edited(desk, sample_copy):
    answer = desk.post("/people/new", {"name": "Vũ Thị Hạnh", "kind": "witness"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/people/vu-thi-hanh")
    page = desk.get("/people/vu-thi-hanh").get_data(as_text=True)
    answer = send(desk, "/people/vu-thi-hanh", form_of(page, birth__text="1950", contact__phone="0912 345 678",
                                                       action="save"))
    assert answer.status_code == 302
    text = (sample_copy / "people/vu-thi-hanh.yaml").read_text(encoding="utf-8")
    assert 'birth: "1950"' in text or "birth: '1950'" in text
    assert "phone: 0912 345 678" in text
    assert desk.post("/people/new", {"name": "", "kind": "witness"}).status_code == 422


@pytest.mark.parametrize("url", ["/objects/AB-2099-0001", "/objects/..", "/objects/..%2Fkyvat.yaml",
                                 "/people/nobody", "/people/..", "/objects/.hidden"])
def test_an_unknown_or_unsafe_id_is_not_found(desk, url):
    assert desk.get(url).status_code == 404
    assert desk.post(url, {"action": "save"}).status_code == 404


@pytest.mark.usefixtures("no_identity")
def test_each_save_is_a_commit_that_says_what_changed_in_vietnamese(sample_copy, tmp_path):
    history.write_repository(sample_copy)
    desk = Desk(sample_copy, tmp_path / "out")  # an English desk: the history is in Vietnamese all the same
    page = desk.get(f"/objects/{OBJECT}").get_data(as_text=True)
    form = form_of(page, title__vi="Thư gửi mẹ hiền", date__text="12/3/1972", date__edtf="1972-03-12",
                   action="save")
    assert send(desk, f"/objects/{OBJECT}", form).status_code == 302
    assert new_object(desk, acquisition__donor="", new_donor__name="Trần Thị Bình",
                      new_donor__kind="donor").status_code == 302
    log = subprocess.run(["git", "log", "--format=%x00%s", "--name-only"], cwd=sample_copy, capture_output=True,
                         text=True, check=True).stdout.split("\0")[1:]
    made, edited = ([line for line in commit.splitlines() if line] for commit in log[:2])
    assert made[0] == "Thêm hiện vật AB-2026-0015: Thư mới"
    assert "people/tran-thi-binh.yaml" in made and "objects/AB-2026-0015/record.yaml" in made
    assert edited == ["Sửa AB-2026-0001: sửa tên hiện vật, niên đại", RECORD]


def test_a_record_kyvat_cannot_read_is_listed_and_explained_never_a_traceback(desk, sample_copy):
    path = sample_copy / RECORD
    broken = path.read_text(encoding="utf-8").replace("title:\n", "title: [unclosed\n", 1)
    path.write_text(broken, encoding="utf-8")
    assert OBJECT in desk.get("/objects").get_data(as_text=True)
    page = desk.get(f"/objects/{OBJECT}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "cannot read this record" in text and 'name="version"' not in text
    answer = desk.post(f"/objects/{OBJECT}", {"version": "x", "title.vi": "Thư", "action": "save"})
    assert answer.status_code == 409 and path.read_text(encoding="utf-8") == broken
    checked = desk.post(f"/objects/{OBJECT}/check", {"title.vi": "Thư"})
    assert checked.status_code == 200 and checked.get_json()[""]


def test_the_check_as_you_type_writes_nothing_and_knows_people_too(desk, sample_copy):
    path = sample_copy / f"people/{PERSON}.yaml"
    before = path.read_bytes()
    page = desk.get(f"/people/{PERSON}").get_data(as_text=True)
    found = send(desk, f"/people/{PERSON}/check", form_of(page, kind="soldier", birth__text="1949",
                                                          birth__edtf="")).get_json()
    assert found["kind"] and found["kind"][0].startswith("error: kind")
    assert path.read_bytes() == before
    assert send(desk, f"/people/{PERSON}/check", form_of(page)).get_json() == {}


def test_a_text_of_several_lines_is_edited_in_a_box_that_keeps_its_lines(desk, sample_copy):
    path = sample_copy / RECORD
    text = path.read_text(encoding="utf-8")
    start = text.index("valuation:")
    path.write_text(text[:start] + "valuation: |\n  dòng một\n  dòng hai\n", encoding="utf-8")
    before = path.read_bytes()
    page = desk.get(f"/objects/{OBJECT}").get_data(as_text=True)
    assert re.search(r'<textarea id="f-valuation"[^>]*>dòng một\ndòng hai\n?</textarea>', page)  # not an <input>
    assert send(desk, f"/objects/{OBJECT}", form_of(page, action="save")).status_code == 302
    assert path.read_bytes() == before
