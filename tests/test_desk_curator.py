"""A curator at the desk, in headless Chromium (issue 13, "Done when"): creates a donor, accessions a
letter as a gift with two scans dropped in, transcribes page 1, links the martyr, sees an error shown
beside a bad date and fixes it, previews, publishes — and the files on disk validate, keep the
comments that were there before, and the built site shows the object. Then axe-core on every kind of
desk page, and screenshots at 1280 and 820 px (tablet) for the note."""

from __future__ import annotations

import base64
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from kyvat import history
from kyvat.desk.app import DeskSettings, start_server
from deskclient import AXE, TODAY, axe_violations, drop_files

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[1] / ".screenshots" / "desk"
MARTYR = "nguyen-van-duc"
OTHER = "objects/AB-2026-0001/record.yaml"  # a record the curator does not touch: byte for byte as before


def jpeg(size: tuple[int, int], colour: tuple[int, int, int]) -> bytes:
    image = Image.new("RGB", size, colour)
    for x in range(0, size[0], 40):  # some lines, as on a letter
        for y in range(size[1]):
            image.putpixel((x, y), (40, 40, 90))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


@pytest.fixture
def desk_server(sample_copy, tmp_path, no_identity):
    history.write_repository(sample_copy)
    settings = DeskSettings(root=sample_copy, out=tmp_path / "site", today=lambda: TODAY)
    server = start_server(settings, port=0)
    yield server, sample_copy, tmp_path / "site"
    server.close()


def validate(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kyvat", "--lang", "en", "--today", TODAY.isoformat(), "validate",
                           "-c", str(root)], capture_output=True, text=True)


def test_a_curator_accessions_a_letter_at_the_desk(browser, desk_server):
    server, root, site = desk_server
    other_before = (root / OTHER).read_bytes()
    base = server.url.split("?")[0].rstrip("/")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(server.url)  # the address kyvat desk prints, with its token; Vietnamese first
    assert page.locator("html").get_attribute("lang") == "vi"

    # 1. a donor, made on the people page
    page.goto(f"{base}/people/new")
    page.fill("#f-name", "Trần Thị Bích Ngọc")
    page.select_option("#f-kind", "donor")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    donor_files = sorted(p.stem for p in (root / "people").glob("tran-thi-bich-ngoc*.yaml"))
    assert donor_files == ["tran-thi-bich-ngoc"], donor_files

    # 2. a letter, accessioned as a gift from her; the date's machine form shows as it is typed
    page.goto(f"{base}/objects/new")
    page.select_option("#f-object_type", "letter")
    page.fill("#f-title-vi", "Thư gửi em gái từ mặt trận")
    page.fill("#f-title-en", "Letter to his sister from the front")
    page.fill("#f-date-text", "ngày 12 tháng 5 năm 1972")
    page.wait_for_function("document.getElementById('f-date-machine').textContent.includes('1972-05-12')")
    page.select_option("#f-acquisition-method", "gift")
    page.fill("#f-acquisition-date", "2026-08-20")
    page.select_option("#f-acquisition-donor", "tran-thi-bich-ngoc")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    found = re.search(r"/objects/(AB-\d{4}-\d{4})", page.url)
    assert found, page.url
    object_id = found.group(1)
    record = root / "objects" / object_id / "record.yaml"
    scaffold_comments = [line for line in record.read_text(encoding="utf-8").splitlines()
                         if line.lstrip().startswith("#")]
    assert len(scaffold_comments) >= 5  # the commented record `kyvat new object` writes

    # 3. two scans dropped on the drop zone
    page.goto(f"{base}/objects/{object_id}/scans")
    files = [{"name": "trang-1.jpg", "type": "image/jpeg", "data": base64.b64encode(jpeg((900, 1200), (235, 225, 200))).decode()},
             {"name": "trang-2.jpg", "type": "image/jpeg", "data": base64.b64encode(jpeg((900, 1200), (225, 230, 210))).decode()}]
    with page.expect_navigation():
        drop_files(page, files)
    assert sorted(p.name for p in (root / "objects" / object_id / "scans").iterdir()) == ["001.jpg", "002.jpg"]
    assert record.read_text(encoding="utf-8").count("sha256:") == 2

    # 4. page 1 transcribed beside the zoomable scan
    page.goto(f"{base}/objects/{object_id}/transcribe/1")
    page.wait_for_function("document.getElementById('viewer').osd && "
                           "document.getElementById('viewer').osd.world.getItemCount() === 1")
    page.fill("#transcript-text", "Em Hoa thương,\nAnh vẫn khỏe. Đơn vị anh đang hành quân vào Quảng Trị.")
    with page.expect_navigation():
        page.click("button[name=save]")
    transcript = root / "objects" / object_id / "transcripts" / "001.txt"
    assert "hành quân vào Quảng Trị" in transcript.read_text(encoding="utf-8")

    # 5. the martyr linked as the author; a bad date is shown beside the date field, then fixed
    page.goto(f"{base}/objects/{object_id}")
    page.select_option("#f-people-1-person", MARTYR)
    page.select_option("#f-people-1-role", "author")
    page.fill("#f-date-text", "30/02/1972")
    problems = page.locator('[data-problems-for="date"] li')
    problems.first.wait_for()  # checked as the curator types, nothing written yet
    assert "1972" in problems.first.inner_text()
    with page.expect_navigation():
        page.click("main form button[name=action][value=save]")
    assert page.locator('[data-problems-for="date"] li').count() >= 1  # refused on save too, beside the field
    assert "30/02/1972" not in record.read_text(encoding="utf-8")
    page.fill("#f-date-text", "12/5/1972")
    page.wait_for_function("document.querySelectorAll('[data-problems-for=\"date\"] li').length === 0")
    with page.expect_navigation():
        page.click("main form button[name=action][value=save]")
    text = record.read_text(encoding="utf-8")
    assert MARTYR in text and "12/5/1972" in text and "draft" not in text
    assert [c for c in scaffold_comments if c not in text] == []  # the comments that were there before

    # 6. preview: the public page as the site will render it
    page.goto(f"{base}/publish/preview/{object_id}")
    frame = page.frame_locator("iframe")
    frame.locator("h1").first.wait_for(timeout=120_000)
    assert "Thư gửi em gái từ mặt trận" in frame.locator("h1").first.inner_text()

    # 7. publish, with its progress shown, and the result reported
    page.goto(f"{base}/publish")
    page.click("#publish-button")
    page.wait_for_function("document.getElementById('publish-status').dataset.state === 'done'", timeout=180_000)
    assert errors == []

    # the files on disk validate, keep their comments, and the built site shows the object
    checked = validate(root)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert (root / OTHER).read_bytes() == other_before
    built = (site / "objects" / object_id / "index.html").read_text(encoding="utf-8")
    assert "Thư gửi em gái từ mặt trận" in built and "Nguyễn Văn Đức" in built
    manifest = json.loads((site / "iiif" / object_id / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["items"]) == 2
    log = [c.message for c in history.read_history(root, record)]
    assert log == [f"Sửa {object_id}: sửa niên đại, nhân vật", f"Sửa {object_id}: thêm 2 ảnh quét",
                   f"Thêm hiện vật {object_id}: Thư gửi em gái từ mặt trận"]
    assert [c.message for c in history.read_history(root, transcript)] == [f"Sửa {object_id}: chép lời trang 1"]
    context.close()


PAGES = ["/", "/objects", "/objects/new", "/objects/AB-2026-0001", "/objects/AB-2026-0001/scans",
         "/objects/AB-2026-0001/transcribe/1", "/objects/AB-2026-0001/life", "/people", "/people/new",
         "/people/nguyen-van-duc", "/people/nguyen-van-duc/life", "/narratives", "/narratives/exhibitions/thu-tu-mat-tran",
         "/problems", "/publish", "/history/objects/AB-2026-0001"]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_axe_finds_no_serious_or_critical_violation_on_the_desk(browser, desk_server, lang):
    server, _root, _site = desk_server
    assert AXE.is_file(), "run 'make test' (npm ci in tests/js) to install axe-core"
    base = server.url.split("?")[0].rstrip("/")
    page = browser.new_page()
    page.goto(f"{server.url}&lang={lang}")
    found = {}
    for address in PAGES:
        answer = page.goto(base + address)
        assert answer.status == 200, address
        violations = axe_violations(page)
        if violations:
            found[address] = violations
    page.close()
    assert found == {}


@pytest.mark.parametrize("width", [1280, 820])
def test_screenshots_of_the_desk_at_laptop_and_tablet_width(browser, desk_server, width):
    """Pictures for the note (looked at by a person): the pages must not overflow sideways."""
    server, _root, _site = desk_server
    base = server.url.split("?")[0].rstrip("/")
    page = browser.new_page(viewport={"width": width, "height": 1000})
    page.goto(server.url)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, address in (("dashboard", "/"), ("object", "/objects/AB-2026-0001"), ("new-object", "/objects/new"),
                          ("scans", "/objects/AB-2026-0001/scans"), ("transcribe", "/objects/AB-2026-0001/transcribe/1"),
                          ("exhibition", "/narratives/exhibitions/thu-tu-mat-tran"), ("publish", "/publish")):
        page.goto(base + address)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (address, width, overflow)
    page.close()
