"""An object's and a person's life at the desk (issue 13): a loan returned or extended, a condition
check, a withdrawal after a confirmation, a person's new id and two records of one person merged
after seeing what will change, each through the library call the command line makes, on the desk's
day, committed with a Vietnamese message naming every file it touched; the library's refusals
shown beside the form, a change made meanwhile never overwritten."""

from __future__ import annotations

import hashlib
import html
import re
import subprocess

import pytest

from deskclient import TODAY, Desk
from kyvat import history
from kyvat.layout import Layout
from kyvat.yamlfile import make_yaml

LOAN = "AB-2026-0007"  # the sample's loan: lent by le-van-thanh until 2027-03-31
GIFT = "AB-2026-0001"  # a gift with a condition history
MARTYR = "pham-van-duc"  # in the tiny test collection


pytestmark = pytest.mark.usefixtures("no_identity")  # conftest: kyvat signs its commits


def git(root, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def desk(sample_copy, tmp_path):
    history.write_repository(sample_copy)
    return Desk(sample_copy, tmp_path / "out")


@pytest.fixture
def people_desk(collection_copy, tmp_path):
    """The tiny collection, a repository, with Phạm Văn Đức entered a second time (duc-trung)."""
    where = Layout.of(collection_copy)
    where.person("duc-trung").write_text(
        "kind: martyr\nname: Phạm Văn Đức\naliases: [Anh Đức]\nunit: Trung đoàn 3\n"
        "sources: [Danh sách liệt sĩ phường]\n", encoding="utf-8")
    record = where.record("TT-2026-0003")
    record.write_text(record.read_text(encoding="utf-8").replace(
        "  - {person: pham-van-duc, role: subject}\n",
        "  - {person: pham-van-duc, role: subject}\n  - {person: duc-trung, role: owner}\n"), encoding="utf-8")
    history.write_repository(collection_copy)
    return Desk(collection_copy, tmp_path / "out")


def page_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def version_on(desk: Desk, url: str) -> str:
    return re.search(r'name="version" value="([0-9a-f]*)"', desk.get(url).get_data(as_text=True)).group(1)


def record(desk: Desk, object_id: str) -> dict:
    return make_yaml((desk.root / "objects" / object_id / "record.yaml").read_text(encoding="utf-8"))


def record_bytes(desk: Desk, object_id: str) -> bytes:
    return (desk.root / "objects" / object_id / "record.yaml").read_bytes()


def act(desk: Desk, object_id: str, action: str, **fields):
    if "version" not in fields:
        fields["version"] = version_on(desk, f"/objects/{object_id}/life")
    return desk.post(f"/objects/{object_id}/life/{action}", fields)


def clean(root) -> bool:
    """Every change the desk made is in a commit: nothing left uncommitted."""
    return git(root, "status", "--porcelain", "--untracked-files=all") == ""


# -- the object -------------------------------------------------------------------------------------


def test_the_page_shows_the_loan_and_the_condition_history(desk):
    text = page_of(desk.get(f"/objects/{LOAN}/life"))
    assert "2027-03-31" in text and "le-van-thanh" in text and "the house still holds it" in text
    assert 'name="version"' in text and text.count('name="csrf_token"') >= 4
    gift = page_of(desk.get(f"/objects/{GIFT}/life"))
    assert "Earlier checks" in gift and "2026-08-04" in gift and "not a loan" in gift


def test_the_page_opens_in_vietnamese(sample_copy, tmp_path):
    text = page_of(Desk(sample_copy, tmp_path / "out", lang="vi").get(f"/objects/{LOAN}/life"))
    assert "Loan, condition and withdrawal" not in text and "Mượn, tình trạng và rút hiện vật" in text
    people = page_of(Desk(sample_copy, tmp_path / "out", lang="vi").get("/people/le-van-thanh/life"))
    assert "Đổi mã cho người này" in people and "Give this person a new id" not in people


def test_a_loan_returned_is_written_as_the_command_does_and_committed(desk):
    response = act(desk, LOAN, "return", day="2026-08-20")
    assert response.status_code == 302
    assert record(desk, LOAN)["acquisition"]["returned"].isoformat() == "2026-08-20"
    assert "# ngày phải trả" in record_bytes(desk, LOAN).decode("utf-8")  # the curator's comments stay
    assert git(desk.root, "log", "-1", "--format=%s").strip() == f"Trả lại {LOAN}"
    assert clean(desk.root)
    assert "returned on 2026-08-20" in page_of(desk.get(f"/objects/{LOAN}/life"))


def test_an_empty_day_is_the_desks_today(desk):
    assert act(desk, LOAN, "return", day="").status_code == 302
    assert record(desk, LOAN)["acquisition"]["returned"] == TODAY


def test_a_loan_extended(desk):
    assert act(desk, LOAN, "extend", until="2027-06-30").status_code == 302
    acquisition = record(desk, LOAN)["acquisition"]
    assert acquisition["loan_until"].isoformat() == "2027-06-30"
    assert [e["previous"].isoformat() for e in acquisition["loan_extended"]] == ["2027-03-31"]
    assert acquisition["loan_extended"][0]["date"] == TODAY  # the desk's day, not the clock's
    assert git(desk.root, "log", "-1", "--format=%s").strip() == f"Gia hạn mượn {LOAN} đến 2027-06-30"


@pytest.mark.parametrize("action, fields, words", [
    ("extend", {"until": "2026-01-01"}, "which is past"),  # the library's refusal
    ("extend", {"until": "2027-02-30"}, "YYYY-MM-DD"),  # not a day
    ("return", {"day": "2026-01-01"}, "on or after the loan began"),
    ("condition", {"grade": "shiny", "day": ""}, "shiny"),
    ("withdraw", {"reason": " ", "day": "", "confirm": "yes"}, "why the object leaves"),
])
def test_a_refusal_is_shown_beside_the_form_and_nothing_is_written(desk, action, fields, words):
    before, log = record_bytes(desk, LOAN), git(desk.root, "log", "--format=%s")
    response = act(desk, LOAN, action, **fields)
    text = page_of(response)
    assert response.status_code == 400 and words in text and f'id="{action}-error"' in text
    assert "Traceback" not in text
    assert record_bytes(desk, LOAN) == before and git(desk.root, "log", "--format=%s") == log


def test_a_return_of_what_is_not_a_loan_is_refused(desk):
    response = act(desk, GIFT, "return", day="2026-08-20")
    text = page_of(response)
    assert response.status_code == 400 and "only a loan goes back to its lender" in text and 'id="return-error"' in text


def test_a_condition_check_keeps_the_one_it_replaces(desk):
    before = record(desk, GIFT)["condition"]
    response = act(desk, GIFT, "condition", grade="poor", note="Rách thêm 1 cm ở nếp gấp.", day="2026-08-30")
    assert response.status_code == 302
    condition = record(desk, GIFT)["condition"]
    assert condition["grade"] == "poor" and condition["note"] == "Rách thêm 1 cm ở nếp gấp."
    assert condition["checked"].isoformat() == "2026-08-30"
    assert condition["history"][-1]["grade"] == before["grade"]
    assert git(desk.root, "log", "-1", "--format=%s").strip() == f"Kiểm tra tình trạng {GIFT}"
    assert "Rách thêm 1 cm" in page_of(desk.get(f"/objects/{GIFT}/life"))
    both = act(desk, GIFT, "condition", grade="poor", note="Ố thêm.", note_en="More foxing.", day="2026-08-31")
    assert both.status_code == 302
    assert record(desk, GIFT)["condition"]["note"] == {"vi": "Ố thêm.", "en": "More foxing."}
    assert "note: {vi: Ố thêm., en: More foxing.}" in record_bytes(desk, GIFT).decode("utf-8")


def test_a_withdrawal_asks_first_then_is_written(desk):
    version = version_on(desk, f"/objects/{LOAN}/life")
    before = record_bytes(desk, LOAN)
    asked = desk.post(f"/objects/{LOAN}/life/withdraw", {"reason": "Gia đình xin lại", "day": "2026-08-31",
                                                         "version": version})
    text = page_of(asked)
    assert asked.status_code == 200 and "Withdraw AB-2026-0007 on 2026-08-31?" in text
    assert 'name="confirm" value="yes"' in text and record_bytes(desk, LOAN) == before
    done = desk.post(f"/objects/{LOAN}/life/withdraw", {"reason": "Gia đình xin lại", "day": "2026-08-31",
                                                        "version": version, "confirm": "yes"})
    assert done.status_code == 302
    withdrawn = record(desk, LOAN)["withdrawn"]
    assert withdrawn["reason"] == "Gia đình xin lại" and withdrawn["date"].isoformat() == "2026-08-31"
    assert git(desk.root, "log", "-1", "--format=%s").strip() == f"Rút {LOAN} khỏi trưng bày"
    assert "Withdrawn on 2026-08-31" in page_of(desk.get(f"/objects/{LOAN}/life"))


def test_a_change_made_meanwhile_is_not_overwritten(desk):
    version = version_on(desk, f"/objects/{LOAN}/life")
    path = desk.root / "objects" / LOAN / "record.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# a note from a text editor\n", encoding="utf-8")
    before = path.read_bytes()
    response = desk.post(f"/objects/{LOAN}/life/return", {"day": "2026-08-20", "version": version})
    assert response.status_code == 409 and "changed by someone else" in page_of(response)
    assert path.read_bytes() == before


@pytest.mark.parametrize("url", ["/objects/..%2Fpeople/life", "/objects/.git/life", "/objects/AB-2026-9999/life",
                                 "/people/..%2Fkyvat/life"])
def test_a_path_or_an_unknown_id_is_not_found(desk, url):
    assert desk.get(url).status_code == 404


def test_an_unknown_action_or_a_path_in_a_post_is_not_found(desk):
    assert desk.post(f"/objects/{LOAN}/life/delete", {}).status_code == 404
    assert desk.post("/objects/..%2F..%2Fetc/life/return", {}).status_code == 404
    assert desk.post("/people/nguyen-van-duc/merge", {"other": "../kyvat"}).status_code == 404


# -- the person -------------------------------------------------------------------------------------


def test_a_person_renamed_everywhere_in_one_commit(people_desk):
    desk, where = people_desk, Layout.of(people_desk.root)
    version = version_on(desk, f"/people/{MARTYR}/life")
    response = desk.post(f"/people/{MARTYR}/rename", {"new": "pham-van-duc-1950", "version": version})
    assert response.status_code == 302 and response.headers["Location"].endswith("/people/pham-van-duc-1950/life")
    assert where.person("pham-van-duc-1950").is_file() and not where.person(MARTYR).exists()
    assert "pham-van-duc-1950" in where.record("TT-2026-0001").read_text(encoding="utf-8")
    assert git(desk.root, "log", "-1", "--format=%s").strip() == f"Đổi mã người {MARTYR} thành pham-van-duc-1950"
    changed = set(git(desk.root, "show", "--name-only", "--no-renames", "--format=", "HEAD").split())
    assert {f"people/{MARTYR}.yaml", "people/pham-van-duc-1950.yaml", "redirects.yaml"} <= changed
    assert clean(desk.root)


def test_a_rename_refused_is_shown_beside_its_form(people_desk):
    desk = people_desk
    version = version_on(desk, f"/people/{MARTYR}/life")
    response = desk.post(f"/people/{MARTYR}/rename", {"new": "Phạm Văn Đức", "version": version})
    text = page_of(response)
    assert response.status_code == 400 and "pham-van-duc" in text and 'id="rename-error"' in text
    assert Layout.of(desk.root).person(MARTYR).is_file() and clean(desk.root)
    stale = desk.post(f"/people/{MARTYR}/rename", {"new": "duc-1950", "version": "0" * 64})
    assert stale.status_code == 409 and "changed by someone else" in page_of(stale)


def test_a_merge_shows_what_will_change_then_makes_one_record(people_desk):
    desk, where = people_desk, Layout.of(people_desk.root)
    plan = page_of(desk.get(f"/people/{MARTYR}/life?merge=duc-trung"))
    assert "objects/TT-2026-0003/record.yaml" in plan and "people/.merged/duc-trung.yaml" in plan
    assert "Trung đoàn 3" in plan  # the unit both records hold differently
    assert where.person("duc-trung").is_file()  # seeing the plan changed nothing
    versions = re.findall(r'name="(?:other_)?version" value="([0-9a-f]*)"', plan)
    response = desk.post(f"/people/{MARTYR}/merge", {"other": "duc-trung", "version": versions[-2],
                                                     "other_version": versions[-1]})
    assert response.status_code == 302
    assert not where.person("duc-trung").exists() and (where.merged_people / "duc-trung.yaml").is_file()
    assert "duc-trung" not in where.record("TT-2026-0003").read_text(encoding="utf-8")
    assert git(desk.root, "log", "-1", "--format=%s").strip() == f"Gộp người duc-trung vào {MARTYR}"
    assert clean(desk.root)
    assert "unit: kept" in page_of(desk.get(f"/people/{MARTYR}/life"))  # the conflict, flashed


def test_a_merge_refused_or_stale_writes_nothing(people_desk):
    desk, where = people_desk, Layout.of(people_desk.root)
    version = version_on(desk, f"/people/{MARTYR}/life")
    itself = desk.post(f"/people/{MARTYR}/merge", {"other": MARTYR, "version": version, "other_version": version})
    assert itself.status_code == 400 and "two different people" in page_of(itself)
    nobody = desk.post(f"/people/{MARTYR}/merge", {"other": "", "version": version})
    assert nobody.status_code == 400 and "expected the id of a person" in page_of(nobody)
    stale = desk.post(f"/people/{MARTYR}/merge", {"other": "duc-trung", "version": version,
                                                  "other_version": "0" * 64})
    assert stale.status_code == 409 and where.person("duc-trung").is_file() and clean(desk.root)


def test_a_record_kyvat_cannot_read_is_named_not_a_traceback(desk):
    path = desk.root / "objects" / LOAN / "record.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("loan_until: 2027-03-31", "loan_until: [2027"),
                    encoding="utf-8")
    before = path.read_bytes()
    text = page_of(desk.get(f"/objects/{LOAN}/life"))
    assert "Fix the record first" in text and f"objects/{LOAN}/record.yaml" in text and 'action="' not in text
    response = act(desk, LOAN, "return", day="2026-08-20", version=hashlib.sha256(before).hexdigest())
    assert response.status_code == 400 and "record.yaml" in page_of(response) and path.read_bytes() == before
