"""The desk's history of a record (issue 13): in a collection that is a git repository, the saves
newest first, one version's text, and putting it back as a new commit — never over a change made
since the page was opened; without git, what that means and how to start one."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from conftest import SAMPLE_COLLECTION
from deskclient import Desk
from kyvat import history

OBJECT = "TT-2026-0001"
RECORD = f"objects/{OBJECT}/record.yaml"
PERSON = "pham-van-duc"


pytestmark = pytest.mark.usefixtures("no_identity")  # conftest: kyvat signs, as on CI


def git_log(root) -> list[str]:
    return subprocess.run(["git", "log", "--format=%s"], cwd=root, capture_output=True, text=True,
                          check=True).stdout.splitlines()


def edit(root, rel: str, old: str, new: str, message: str) -> str:
    path = root / rel
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return history.write_commit(root, [path], message)


@pytest.fixture
def repo(collection_copy):
    """The tiny collection as a repository: its first commit, then two saves of one record."""
    first = history.write_repository(collection_copy)
    edit(collection_copy, RECORD, "Thư gửi mẹ", "Thư gửi mẹ hiền", f"Sửa {OBJECT}: tiêu đề")
    edit(collection_copy, RECORD, "Letter to mother", "Letter to his mother", f"Sửa {OBJECT}: tiêu đề tiếng Anh")
    return collection_copy, first


def test_the_history_lists_the_saves_newest_first(repo, tmp_path):
    root, first = repo
    scan = root / "objects" / OBJECT / "scans" / "001.jpg"
    scan.write_bytes(scan.read_bytes() + b"\0")
    history.write_commit(root, [scan], f"Sửa {OBJECT}: thay ảnh trang 1")
    text = Desk(root, tmp_path / "out").get(f"/history/objects/{OBJECT}").get_data(as_text=True)
    messages = [m.strip() for m in re.findall(r"<td>([^<]*(?:Sửa|Tạo)[^<]*)", text)]
    assert messages == [f"Sửa {OBJECT}: thay ảnh trang 1", f"Sửa {OBJECT}: tiêu đề tiếng Anh",
                        f"Sửa {OBJECT}: tiêu đề", history.FIRST_MESSAGE]
    assert "(scans or transcriptions)" in text  # the scan's save did not change the record
    assert text.count("<td>kyvat</td>") == 4  # the author
    assert f"version={first}" in text


def test_one_version_shows_its_text_and_what_changed_since(repo, tmp_path):
    root, first = repo
    text = Desk(root, tmp_path / "out").get(f"/history/objects/{OBJECT}?version={first}").get_data(as_text=True)
    assert "vi: Thư gửi mẹ\n" in text and "en: Letter to mother\n" in text  # the version's own text
    assert "\n-  vi: Thư gửi mẹ\n" in text and "\n+  vi: Thư gửi mẹ hiền\n" in text  # what changed since
    assert "\n id: TT-2026-0001\n" in text  # and a line of context
    assert "Restore this version" in text
    desk = Desk(root, tmp_path / "out")
    assert desk.get(f"/history/objects/{OBJECT}?version=not-a-sha").status_code == 404
    unknown = desk.get(f"/history/objects/{OBJECT}?version={'0' * 40}").get_data(as_text=True)
    assert "no version" in unknown and "Restore this version" not in unknown


def test_restoring_puts_the_version_back_as_a_new_commit(repo, tmp_path):
    root, first = repo
    desk = Desk(root, tmp_path / "out", lang="vi")
    page = desk.get(f"/history/objects/{OBJECT}?version={first}").get_data(as_text=True)
    version = re.search(r'name="version" value="([0-9a-f]+)"', page).group(1)
    answer = desk.post(f"/history/objects/{OBJECT}/restore", {"sha": first, "version": version})
    assert answer.status_code == 303
    record = (root / RECORD).read_text(encoding="utf-8")
    assert "vi: Thư gửi mẹ\n" in record and "Letter to mother\n" in record
    when = history.read_history(root, RECORD)[-1].when.strftime("%d/%m/%Y %H:%M")
    assert git_log(root)[0] == f"Khôi phục {OBJECT}: phiên bản ngày {when}"
    assert len(git_log(root)) == 4  # nothing rewritten: the later saves are still there
    assert "Khôi phục" in desk.get(answer.location).get_data(as_text=True)


def test_restoring_over_a_change_made_meanwhile_is_refused(repo, tmp_path):
    root, first = repo
    desk = Desk(root, tmp_path / "out")
    page = desk.get(f"/history/objects/{OBJECT}?version={first}").get_data(as_text=True)
    version = re.search(r'name="version" value="([0-9a-f]+)"', page).group(1)
    path = root / RECORD
    path.write_text(path.read_text(encoding="utf-8") + "keywords: [thư]\n", encoding="utf-8")  # a text editor
    changed = path.read_bytes()
    answer = desk.post(f"/history/objects/{OBJECT}/restore", {"sha": first, "version": version})
    assert answer.status_code == 303
    assert path.read_bytes() == changed
    assert len(git_log(root)) == 3
    shown = desk.get(answer.location).get_data(as_text=True)
    assert "was changed by someone else" in shown
    without_csrf = desk.post(f"/history/objects/{OBJECT}/restore", {"sha": first, "version": version,
                                                                     "csrf_token": ""})
    assert without_csrf.status_code == 400 and path.read_bytes() == changed


def test_a_persons_history(collection_copy, tmp_path):
    first = history.write_repository(collection_copy)
    rel = f"people/{PERSON}.yaml"
    assert (collection_copy / rel).is_file()
    edit(collection_copy, rel, "Phạm Văn Đức", "Phạm Văn Đức (liệt sĩ)", f"Sửa {PERSON}: tên")
    desk = Desk(collection_copy, tmp_path / "out")
    text = desk.get(f"/history/people/{PERSON}").get_data(as_text=True)
    assert f"Sửa {PERSON}: tên" in text and history.FIRST_MESSAGE in text
    page = desk.get(f"/history/people/{PERSON}?version={first}").get_data(as_text=True)
    version = re.search(r'name="version" value="([0-9a-f]+)"', page).group(1)
    assert desk.post(f"/history/people/{PERSON}/restore", {"sha": first, "version": version}).status_code == 303
    assert "(liệt sĩ)" not in (collection_copy / rel).read_text(encoding="utf-8")
    assert git_log(collection_copy)[0].startswith(f"Khôi phục {PERSON}: phiên bản ngày ")
    assert desk.get("/history/people/nobody").status_code == 404


def test_without_git_the_page_says_no_history_is_kept_and_can_start_one(collection_copy, tmp_path):
    desk = Desk(collection_copy, tmp_path / "out")
    text = desk.get(f"/history/objects/{OBJECT}").get_data(as_text=True)
    assert "not a git repository" in text and "git init" in text and "kyvat init" in text
    assert "<table" not in text
    answer = desk.post("/history/start", {"back": f"/history/objects/{OBJECT}"})
    assert answer.status_code == 303 and answer.location.endswith(f"/history/objects/{OBJECT}")
    assert history.is_tracked(collection_copy)
    assert git_log(collection_copy) == [history.FIRST_MESSAGE]
    assert history.FIRST_MESSAGE in desk.get(answer.location).get_data(as_text=True)
    elsewhere = desk.post("/history/start", {"back": "https://example.com/"})
    assert elsewhere.location.endswith("/")  # never sent off the desk


def test_a_restored_version_with_problems_says_so(repo, tmp_path):
    root, _first = repo
    broken = edit(root, RECORD, "object_type: letter", "object_type: spaceship", f"Sửa {OBJECT}: loại")
    edit(root, RECORD, "object_type: spaceship", "object_type: letter", f"Sửa {OBJECT}: loại đúng")
    desk = Desk(root, tmp_path / "out")
    page = desk.get(f"/history/objects/{OBJECT}?version={broken}").get_data(as_text=True)
    version = re.search(r'name="version" value="([0-9a-f]+)"', page).group(1)
    answer = desk.post(f"/history/objects/{OBJECT}/restore", {"sha": broken, "version": version})
    assert "object_type: spaceship" in (root / RECORD).read_text(encoding="utf-8")
    shown = desk.get(answer.location).get_data(as_text=True)
    assert "Restored the version of" in shown
    assert re.search(r'class="flash error">[^<]*object_type[^<]*spaceship', shown), shown[:3000]


def test_the_dashboard_lists_the_newest_commits_and_without_git_the_newest_files(repo, tmp_path):
    root, _first = repo
    desk = Desk(root, tmp_path / "out")
    desk.post("/people/new", {"name": "Lê Thị Cúc", "kind": "donor"})
    recent = desk.get("/").get_data(as_text=True).split('id="recent-h"')[1]
    assert recent.index("Thêm người le-thi-cuc: Lê Thị Cúc") < recent.index(f"Sửa {OBJECT}: tiêu đề tiếng Anh")
    plain_root = tmp_path / "plain"
    shutil.copytree(SAMPLE_COLLECTION, plain_root)
    plain = Desk(plain_root, tmp_path / "out2")  # no repository: the records last written
    (plain_root / "people" / "hoang-thi-mai.yaml").touch()
    assert "people/hoang-thi-mai.yaml" in plain.get("/").get_data(as_text=True).split('id="recent-h"')[1][:400]
