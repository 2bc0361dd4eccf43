"""The desk's preview and publish (issue 13): an object's page as the site will show it, built beside
the cache and served by the desk; a draft's or a restricted object's preview says it is not
published; publishing runs the real build in the background with its progress, one at a time."""

from __future__ import annotations

import datetime as dt
import re
import threading
import time

import pytest

from deskclient import Desk
from kyvat import layout, lifecycle
from kyvat.desk import views_publish

PUBLIC = "TT-2026-0001"  # Thư gửi mẹ / Letter to mother
RESTRICTED = "TT-2026-0004"
WAIT = 60  # seconds a build of the tiny collection may take on a busy machine


def frame_of(answer) -> str:
    found = re.search(r'<iframe[^>]*src="([^"]+)"', answer.get_data(as_text=True))
    assert found, answer.get_data(as_text=True)[:2000]
    return found.group(1)


def wait_for(desk: Desk, state: str) -> dict:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        status = desk.get("/publish/status").get_json()
        if status["state"] == state:
            return status
        time.sleep(0.05)
    raise AssertionError(f"the publish never reached {state}: {status}")


def test_the_preview_shows_the_page_the_site_will_show(collection_copy, tmp_path):
    desk = Desk(collection_copy, tmp_path / "out", lang="vi")
    answer = desk.get(f"/publish/preview/{PUBLIC}")
    assert answer.status_code == 200
    page = frame_of(answer)
    assert page == f"/preview/objects/{PUBLIC}/index.html"  # the Vietnamese page, at the site's root
    shown = desk.get(page)
    assert shown.status_code == 200
    assert "<h1>Thư gửi mẹ" in shown.get_data(as_text=True)
    folder = layout.preview_dir(collection_copy)
    assert (folder / "objects" / PUBLIC / "index.html").is_file()
    assert collection_copy not in folder.parents and not (tmp_path / "out").exists()  # neither the collection nor the site
    assert not (folder / "pagefind").exists()  # the search index is left out of a preview
    # in English, the English page; a folder's address serves its index.html
    english = frame_of(desk.get(f"/publish/preview/{PUBLIC}?lang=en"))
    assert "<h1>Letter to mother" in desk.get(english).get_data(as_text=True)
    assert desk.get(f"/preview/en/objects/{PUBLIC}/").status_code == 200
    assert desk.get(f"/preview/en/objects/{PUBLIC}").status_code == 302


def test_a_preview_file_needs_the_token_and_stays_in_its_folder(collection_copy, tmp_path):
    desk = Desk(collection_copy, tmp_path / "out")
    desk.get(f"/publish/preview/{PUBLIC}")
    stranger = desk.app.test_client()
    assert stranger.get(f"/preview/objects/{PUBLIC}/", headers={"Host": "127.0.0.1:8765"}).status_code == 403
    for sneaky in ("../collection/kyvat.yaml", "..%2Fcollection%2Fkyvat.yaml", "%2e%2e/%2e%2e/etc/passwd"):
        assert desk.get(f"/preview/{sneaky}").status_code == 404, sneaky


def test_a_restricted_or_draft_object_is_not_previewed(collection_copy, tmp_path):
    record = collection_copy / "objects" / "TT-2026-0002" / "record.yaml"
    record.write_text(record.read_text(encoding="utf-8") + "draft: true\n", encoding="utf-8")
    desk = Desk(collection_copy, tmp_path / "out")
    restricted = desk.get(f"/publish/preview/{RESTRICTED}").get_data(as_text=True)
    assert "is restricted: it is kept in the collection but not shown on the public site" in restricted
    assert "<iframe" not in restricted
    draft = desk.get("/publish/preview/TT-2026-0002").get_data(as_text=True)
    assert "TT-2026-0002 is a draft" in draft and "<iframe" not in draft
    vietnamese = Desk(collection_copy, tmp_path / "out", lang="vi").get(f"/publish/preview/{RESTRICTED}")
    assert f"{RESTRICTED} bị hạn chế: hiện vật được lưu trong bộ sưu tập" in vietnamese.get_data(as_text=True)
    assert not layout.preview_dir(collection_copy).exists()  # nothing was built for them
    lifecycle.write_withdrawal(collection_copy, "TT-2026-0003", reason="trả lại gia đình",
                               day=dt.date(2026, 8, 1), today=dt.date(2026, 9, 1))
    withdrawn = desk.get("/publish/preview/TT-2026-0003").get_data(as_text=True)
    assert "TT-2026-0003 was withdrawn from the collection" in withdrawn and "<iframe" not in withdrawn
    assert desk.get("/publish/preview/TT-2026-9999").status_code == 404
    assert desk.get("/publish/preview/..").status_code == 404


def test_a_collection_with_errors_shows_its_problems_instead_of_a_preview(collection_copy, tmp_path):
    record = collection_copy / "objects" / "TT-2026-0003" / "record.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("object_type: ", "object_type: spaceship #"),
                      encoding="utf-8")
    desk = Desk(collection_copy, tmp_path / "out")
    answer = desk.get(f"/publish/preview/{PUBLIC}")
    text = answer.get_data(as_text=True)
    assert answer.status_code == 409
    assert "the collection has 1 error(s)" in text and "objects/TT-2026-0003/record.yaml" in text
    assert "<iframe" not in text


def test_publish_builds_the_site_and_reports_it(collection_copy, tmp_path):
    desk = Desk(collection_copy, tmp_path / "out")
    page = desk.get("/publish").get_data(as_text=True)
    assert 'id="publish-progress"' in page and str(tmp_path / "out") in page
    assert desk.get("/publish/status").get_json()["state"] == "idle"
    answer = desk.post("/publish/start")
    assert answer.status_code == 302
    status = wait_for(desk, "done")
    assert status["result"]["objects"] == 3 and status["result"]["pages"] > 3 and status["result"]["errors"] == 0
    assert "<h1>Thư gửi mẹ" in (tmp_path / "out" / "objects" / PUBLIC / "index.html").read_text(encoding="utf-8")
    assert (tmp_path / "out" / "pagefind").is_dir()  # the whole site, its search index too
    assert not (tmp_path / "out" / "objects" / RESTRICTED).exists()
    assert "3 object(s)" in desk.get("/publish").get_data(as_text=True)


def test_a_failed_publish_says_why_in_the_curators_language_and_keeps_the_site(collection_copy, tmp_path):
    out = tmp_path / "out"
    desk = Desk(collection_copy, out, lang="vi")
    desk.post("/publish/start")
    wait_for(desk, "done")
    before = (out / "objects" / PUBLIC / "index.html").read_bytes()
    record = collection_copy / "objects" / PUBLIC / "record.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("Thư gửi mẹ", "Thư đã sửa").replace(
        "object_type: ", "object_type: spaceship #"), encoding="utf-8")
    desk.post("/publish/start")
    status = wait_for(desk, "failed")
    assert status["error"] == "bộ sưu tập có 1 lỗi"
    assert len(status["problems"]) == 1 and status["problems"][0]["error"]
    assert "objects/TT-2026-0001/record.yaml" in status["problems"][0]["text"]
    assert (out / "objects" / PUBLIC / "index.html").read_bytes() == before


@pytest.fixture
def paused(monkeypatch):
    """The real build, held at the start of its `site` stage until the test lets it go on."""
    reached, go_on = threading.Event(), threading.Event()
    real = views_publish.build_site

    def build_site(root, out, progress, **options):
        def watching(task, done, total, current=""):
            progress(task, done, total, current)
            if task == "site" and done == 0:
                reached.set()
                go_on.wait(WAIT)

        return real(root, out, progress=watching, **options)

    monkeypatch.setattr(views_publish, "build_site", build_site)
    yield reached, go_on
    go_on.set()


def test_the_status_follows_the_stages_and_a_second_start_is_refused(collection_copy, tmp_path, paused):
    reached, go_on = paused
    desk = Desk(collection_copy, tmp_path / "out")
    assert desk.post("/publish/start", headers={"Host": "127.0.0.1:8765", "X-Requested-With": "kyvat-desk"}
                     ).status_code == 202
    assert reached.wait(WAIT)
    status = desk.get("/publish/status").get_json()
    assert status["state"] == "running" and status["stage"] == "site" and status["step"] == 3
    assert status["stage_words"] == "Writing the pages" and status["steps"] == 6
    assert (status["done"], status["total"]) == (0, 1)
    second = desk.post("/publish/start", headers={"Host": "127.0.0.1:8765", "X-Requested-With": "kyvat-desk"})
    assert second.status_code == 409
    assert second.get_json()["error"] == "a publish is already running: wait for it to finish"
    plain = desk.post("/publish/start")  # the form without its script: the page again, with the message
    assert plain.status_code == 302
    assert "a publish is already running" in desk.get("/publish").get_data(as_text=True)
    assert not (tmp_path / "out").exists()  # nothing is in place until the build has finished
    go_on.set()
    done = wait_for(desk, "done")
    assert done["stage"] == "sitesearch" and done["step"] == 6 and done["done"] == done["total"]
    assert (tmp_path / "out" / "objects" / PUBLIC / "index.html").is_file()
    assert desk.post("/publish/start").status_code == 302  # once it has ended, it may run again
    wait_for(desk, "done")


def test_an_unforeseen_failure_is_a_message_not_a_traceback(collection_copy, tmp_path, monkeypatch):
    def broken(root, out, **options):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(views_publish, "build_site", broken)
    desk = Desk(collection_copy, tmp_path / "out")
    preview = desk.get(f"/publish/preview/{PUBLIC}")
    assert preview.status_code == 500
    text = preview.get_data(as_text=True)
    assert "the build stopped: OSError: [Errno 28] No space left on device" in text and "Traceback" not in text
    desk.post("/publish/start")
    status = wait_for(desk, "failed")
    assert status["error"] == ("the build stopped: OSError: [Errno 28] No space left on device; "
                               "the published site is unchanged")
    assert "No space left on device" in desk.get("/publish").get_data(as_text=True)
