"""The scans at the desk (issue 13, points 2 and 3): masters dropped several at once go in through
the same ingest as `kyvat add-scan` (checksums, never overwriting, each file's own reason when it
cannot go in), are put in order, labelled and taken off (never deleted); each is seen as a JPEG
whatever its format; and each page is transcribed beside its scan, saved atomically, a change made
meanwhile in a text editor never lost."""

from __future__ import annotations

import hashlib
import html
import io
import re
from pathlib import Path

import pytest
from broken_scans import jpeg, png, tiff16_rgb, truncated
from PIL import Image

from deskclient import HOST, Desk, axe_violations, drop_files
from kyvat.layout import Layout, cache_dir
from kyvat.yamlfile import make_yaml

LETTER = "TT-2026-0001"  # three JPEG pages with labels and transcripts; comments in its record
PHOTO = "TT-2026-0002"  # 001.jpg and a 16-bit TIFF


@pytest.fixture
def desk(collection_copy, tmp_path):
    return Desk(collection_copy, tmp_path / "out")


def record(desk: Desk, object_id: str) -> dict:
    return make_yaml((desk.root / "objects" / object_id / "record.yaml").read_text(encoding="utf-8"))


def record_text(desk: Desk, object_id: str) -> str:
    return (desk.root / "objects" / object_id / "record.yaml").read_text(encoding="utf-8")


def version(desk: Desk, object_id: str) -> str:
    page = desk.get(f"/objects/{object_id}/scans").get_data(as_text=True)
    return re.search(r'name="version" value="([0-9a-f]*)"', page).group(1)


def files_of(desk: Desk, object_id: str) -> list[str]:
    return files_of_root(desk.root, object_id)


def files_of_root(root: Path, object_id: str) -> list[str]:
    data = make_yaml((root / "objects" / object_id / "record.yaml").read_text(encoding="utf-8"))
    return [s["file"] if isinstance(s, dict) else s for s in data["scans"]]


def two_page_pdf() -> bytes:
    out = io.BytesIO()
    pages = [Image.new("RGB", (300, 450), colour) for colour in ((200, 30, 30), (30, 30, 200))]
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=75)
    return out.getvalue()


def upload(desk: Desk, object_id: str, files: list[tuple[str, bytes]], headers: dict | None = None, **form):
    data = {"files": [(io.BytesIO(body), name) for name, body in files], **form}
    return desk.post(f"/objects/{object_id}/scans/add", data, content_type="multipart/form-data",
                     headers=headers or {"Host": HOST})


def messages_of(answer) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", answer.get_data(as_text=True)).split()))


# -- adding ---------------------------------------------------------------------------------------

def test_two_files_sent_at_once_land_as_the_next_scans_with_their_checksums(desk, tmp_path):
    before = record_text(desk, LETTER)
    first, second = jpeg((320, 240), (10, 120, 200)), png((200, 300))
    answer = upload(desk, LETTER, [("trang 4.JPG", first), ("trang5.png", second)], label_vi="Trang {n}")
    assert answer.status_code == 302
    scans = record(desk, LETTER)["scans"]
    assert [s["file"] for s in scans] == ["001.jpg", "002.jpg", "003.jpg", "004.jpg", "005.png"]
    assert scans[3]["sha256"] == hashlib.sha256(first).hexdigest()
    assert scans[4]["sha256"] == hashlib.sha256(second).hexdigest()
    assert scans[3]["label"] == "Trang 4" and scans[4]["label"] == "Trang 5"
    folder = desk.root / "objects" / LETTER / "scans"
    assert (folder / "004.jpg").read_bytes() == first and (folder / "005.png").read_bytes() == second
    text = record_text(desk, LETTER)
    assert text.startswith(before.split("\n", 1)[0]) and "# A letter of three pages" in text  # comments kept
    shown = messages_of(desk.get(f"/objects/{LETTER}/scans"))
    assert "2 scans added: 004.jpg, 005.png" in shown
    holding = cache_dir(desk.root) / "desk-uploads"
    assert holding.is_dir() and list(holding.iterdir()) == [], "the uploaded files are not left behind"
    assert not any(p.name.startswith(".") for p in folder.iterdir() if p.is_file())


def test_a_file_that_is_not_a_scan_gets_its_reason_and_the_others_still_go_in(desk):
    good = jpeg((300, 200))
    answer = upload(desk, PHOTO, [("setup.exe", b"MZ\x90\x00" * 50), ("hong.jpg", truncated(jpeg((800, 600)))),
                                  ("tot.jpg", good)],
                    headers={"Host": HOST, "X-Requested-With": "kyvat-desk", "Accept": "application/json"})
    assert answer.status_code == 200
    result = answer.get_json()
    assert result["added"] == ["003.jpg"]
    assert len(result["errors"]) == 2
    assert result["errors"][0].startswith("setup.exe: '.exe' files are not accepted")
    assert result["errors"][1].startswith("hong.jpg: damaged") and "desk-uploads" not in result["errors"][1]
    assert files_of(desk, PHOTO) == ["001.jpg", "002.tif", "003.jpg"]
    shown = messages_of(desk.get(f"/objects/{PHOTO}/scans"))
    assert "setup.exe: '.exe' files are not accepted" in shown and "1 scan added: 003.jpg" in shown


def test_the_same_master_twice_is_refused_and_nothing_is_overwritten(desk):
    master = desk.root / "objects" / PHOTO / "scans" / "001.jpg"
    answer = upload(desk, PHOTO, [("again.jpg", master.read_bytes())])
    assert answer.status_code == 302
    assert "a master is never added twice" in messages_of(desk.get(f"/objects/{PHOTO}/scans"))
    assert files_of(desk, PHOTO) == ["001.jpg", "002.tif"]


def test_files_over_the_upload_limit_get_a_clear_message(collection_copy, tmp_path):
    desk = Desk(collection_copy, tmp_path / "out", max_upload=1024 * 1024)
    big = b"\xff\xd8" + b"\0" * (1024 * 1024 + 10)
    answer = upload(desk, PHOTO, [("big.jpg", big)])
    assert answer.status_code == 413
    assert "larger than 1 MB: send fewer at a time" in messages_of(answer)
    as_json = upload(desk, PHOTO, [("big.jpg", big)], headers={"Host": HOST, "X-Requested-With": "kyvat-desk"})
    assert as_json.status_code == 413 and "larger than 1 MB" in as_json.get_json()["error"]
    assert files_of(desk, PHOTO) == ["001.jpg", "002.tif"]


def test_nothing_chosen_is_a_message_not_an_error(desk):
    answer = desk.post(f"/objects/{PHOTO}/scans/add", {}, content_type="multipart/form-data")
    assert answer.status_code == 302
    assert "choose or drop at least one file" in messages_of(desk.get(f"/objects/{PHOTO}/scans"))


# -- order, labels, taking off ----------------------------------------------------------------------

def test_a_scan_moved_to_a_new_place_is_saved_in_the_record(desk):
    answer = desk.post(f"/objects/{LETTER}/scans/order", {"n": "3", "to": "1", "version": version(desk, LETTER)})
    assert answer.status_code == 302
    assert files_of(desk, LETTER) == ["003.jpg", "001.jpg", "002.jpg"]
    assert "# A letter of three pages" in record_text(desk, LETTER)
    assert "Scan 3 is now scan 1." in messages_of(desk.get(f"/objects/{LETTER}/scans"))


def test_a_move_from_a_page_opened_before_a_change_is_refused(desk):
    old = version(desk, LETTER)
    path = desk.root / "objects" / LETTER / "record.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# a note from a text editor\n", encoding="utf-8")
    answer = desk.post(f"/objects/{LETTER}/scans/order", {"n": "3", "to": "1", "version": old},
                       headers={"Host": HOST, "X-Requested-With": "kyvat-desk"})
    assert answer.status_code == 409
    assert files_of(desk, LETTER) == ["001.jpg", "002.jpg", "003.jpg"]
    assert "was changed by someone else" in messages_of(desk.get(f"/objects/{LETTER}/scans"))


def test_a_move_out_of_range_says_so(desk):
    answer = desk.post(f"/objects/{LETTER}/scans/order", {"n": "3", "to": "9", "version": version(desk, LETTER)})
    assert answer.status_code == 302
    assert "expected the position of one of TT-2026-0001's scans (1 to 3" in messages_of(
        desk.get(f"/objects/{LETTER}/scans"))


def test_a_label_is_saved_in_both_languages_and_taken_off_when_empty(desk):
    desk.post(f"/objects/{PHOTO}/scans/2/label", {"label_vi": "Mặt sau", "label_en": "The back",
                                                   "version": version(desk, PHOTO)})
    scans = record(desk, PHOTO)["scans"]
    assert scans[1]["label"] == {"vi": "Mặt sau", "en": "The back"}
    assert "label: {vi: Mặt sau, en: The back}" in record_text(desk, PHOTO)
    desk.post(f"/objects/{PHOTO}/scans/2/label", {"label_vi": "", "label_en": "", "version": version(desk, PHOTO)})
    assert "label" not in record(desk, PHOTO)["scans"][1]
    assert "The label of scan 2 is saved." in messages_of(desk.get(f"/objects/{PHOTO}/scans"))


def test_a_scan_taken_off_is_kept_with_its_transcript_and_the_reason(desk):
    folder = desk.root / "objects" / LETTER
    master = (folder / "scans" / "002.jpg").read_bytes()
    answer = desk.post(f"/objects/{LETTER}/scans/2/remove", {"reason": "trùng trang", "version": version(desk, LETTER)})
    assert answer.status_code == 302
    assert files_of(desk, LETTER) == ["001.jpg", "003.jpg"]
    assert (folder / "scans" / ".removed" / "002.jpg").read_bytes() == master
    assert (folder / "scans" / ".removed" / "002.txt").is_file() and not (folder / "transcripts" / "002.txt").exists()
    removed = record(desk, LETTER)["removed_scans"][0]
    assert removed["file"] == "002.jpg" and removed["reason"] == "trùng trang" and str(removed["removed"]) == "2026-09-01"


def test_taking_off_without_a_reason_is_refused(desk):
    desk.post(f"/objects/{LETTER}/scans/2/remove", {"reason": " ", "version": version(desk, LETTER)})
    assert files_of(desk, LETTER) == ["001.jpg", "002.jpg", "003.jpg"]
    assert "expected why the scan is taken off" in messages_of(desk.get(f"/objects/{LETTER}/scans"))


# -- a JPEG of every scan ---------------------------------------------------------------------------

def is_jpeg(answer) -> Image.Image:
    assert answer.status_code == 200 and answer.mimetype == "image/jpeg", answer.get_data()[:300]
    image = Image.open(io.BytesIO(answer.get_data()))
    assert image.format == "JPEG"
    return image


def test_a_tiff_and_a_pdf_are_seen_as_jpegs_cached_outside_the_collection(desk):
    image = is_jpeg(desk.get(f"/objects/{PHOTO}/scans/2/view"))
    assert max(image.size) <= 400
    upload(desk, PHOTO, [("thu.pdf", two_page_pdf())])
    assert files_of(desk, PHOTO)[2] == "003.pdf"
    second = is_jpeg(desk.get(f"/objects/{PHOTO}/scans/3/view?page=2&size=full"))
    assert second.getpixel((second.width // 2, second.height // 2))[2] > 150  # the blue page, not the red
    views = cache_dir(desk.root) / "desk-views"
    pdf_sha = hashlib.sha256((desk.root / "objects" / PHOTO / "scans" / "003.pdf").read_bytes()).hexdigest()
    assert (views / f"{pdf_sha}-p2-full.jpg").is_file()
    assert not list(desk.root.rglob("*-p2-full.jpg"))
    assert desk.get(f"/objects/{PHOTO}/scans/3/view?page=3").status_code == 404
    assert desk.get(f"/objects/{PHOTO}/scans/2/view?size=99999").status_code == 404


def test_a_phones_heic_goes_in_and_is_seen_as_a_jpeg(desk):
    import pillow_heif

    pillow_heif.register_heif_opener()  # so that the test can write a HEIC, as a phone does
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 160, 30)).save(out, "HEIF")
    upload(desk, PHOTO, [("IMG_0042.HEIC", out.getvalue())])
    assert files_of(desk, PHOTO)[2] == "003.heic"
    image = is_jpeg(desk.get(f"/objects/{PHOTO}/scans/3/view?size=200"))
    assert image.size == (200, 150) and image.getpixel((100, 75))[1] > 120


def test_a_16_bit_tiff_view_is_upright_8_bit(desk):
    folder = desk.root / "objects" / PHOTO / "scans"
    (folder / "002.tif").write_bytes(tiff16_rgb(120, 60, lambda x, y: (65535, 0, 0), orientation=6))
    image = is_jpeg(desk.get(f"/objects/{PHOTO}/scans/2/view?size=full"))
    assert image.size == (60, 120) and image.getpixel((30, 60))[0] > 240


def test_a_damaged_master_is_a_message_not_a_picture(desk):
    (desk.root / "objects" / PHOTO / "scans" / "001.jpg").write_bytes(b"not a picture at all")
    answer = desk.get(f"/objects/{PHOTO}/scans/1/view")
    assert answer.status_code == 422 and answer.mimetype == "text/plain"
    assert "001.jpg: a text file, not an image" in answer.get_data(as_text=True)


@pytest.mark.parametrize("url", [
    f"/objects/{PHOTO}/scans/3/view", f"/objects/{PHOTO}/scans/0/view", "/objects/../scans/1/view",
    "/objects/%2e%2e/scans/1/view", "/objects/..%2fpeople/scans", "/objects/%2Fetc%2Fpasswd/scans",
    "/objects/.hidden/scans", f"/objects/{PHOTO}/transcribe/9", f"/objects/{PHOTO}/transcribe/0",
    "/objects/NO-SUCH-ID/scans", "/objects/NO-SUCH-ID/transcribe/1",
])
def test_paths_out_of_the_collection_and_numbers_out_of_range_are_404(desk, url):
    assert desk.get(url).status_code == 404


def test_the_viewer_is_served_from_kyvats_own_copy(desk):
    answer = desk.get("/vendor/openseadragon.min.js")
    assert answer.status_code == 200 and b"OpenSeadragon" in answer.get_data()[:5000]


# -- transcription ----------------------------------------------------------------------------------

def transcribe_form(desk: Desk, object_id: str, n: int) -> tuple[str, str]:
    page = desk.get(f"/objects/{object_id}/transcribe/{n}").get_data(as_text=True)
    return page, re.search(r'name="version" value="([0-9a-f]*)"', page).group(1)


def test_a_page_is_transcribed_beside_its_scan_and_saved_as_its_transcript(desk):
    page, opened = transcribe_form(desk, LETTER, 2)
    assert f"/objects/{LETTER}/scans/2/view?page=1&amp;size=full" in page
    assert f"/objects/{LETTER}/transcribe/1" in page and f"/objects/{LETTER}/transcribe/3" in page
    answer = desk.post(f"/objects/{LETTER}/transcribe/2", {"text": "Mẹ kính yêu,\r\ncon vẫn khoẻ.", "version": opened})
    assert answer.status_code == 302
    path = desk.root / "objects" / LETTER / "transcripts" / "002.txt"
    assert path.read_text(encoding="utf-8") == "Mẹ kính yêu,\ncon vẫn khoẻ.\n"
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")], "no temporary file left"
    assert "The transcription of page 2 is saved." in messages_of(desk.get(answer.headers["Location"]))


def test_a_transcript_changed_meanwhile_in_a_text_editor_is_not_lost(desk):
    _page, opened = transcribe_form(desk, LETTER, 1)
    path = desk.root / "objects" / LETTER / "transcripts" / "001.txt"
    path.write_text("sửa bằng trình soạn thảo\n", encoding="utf-8")
    answer = desk.post(f"/objects/{LETTER}/transcribe/1", {"text": "bản của tôi", "version": opened})
    assert answer.status_code == 409
    shown = answer.get_data(as_text=True)
    assert "was changed by someone else" in shown and "bản của tôi" in shown and "sửa bằng trình soạn thảo" in shown
    assert path.read_text(encoding="utf-8") == "sửa bằng trình soạn thảo\n"


def test_an_empty_text_creates_no_file_and_empties_one_that_exists(desk):
    folder = desk.root / "objects" / PHOTO / "transcripts"
    _page, opened = transcribe_form(desk, PHOTO, 1)
    desk.post(f"/objects/{PHOTO}/transcribe/1", {"text": "  \r\n", "version": opened})
    assert not folder.exists()
    letter = desk.root / "objects" / LETTER / "transcripts" / "003.txt"
    _page, opened = transcribe_form(desk, LETTER, 3)
    desk.post(f"/objects/{LETTER}/transcribe/3", {"text": "", "version": opened})
    assert letter.is_file() and letter.read_bytes() == b""


def test_each_page_of_a_pdf_is_a_page_to_transcribe(desk):
    upload(desk, PHOTO, [("thu.pdf", two_page_pdf())])
    page, opened = transcribe_form(desk, PHOTO, 4)  # 001.jpg, 002.tif, then the PDF's two pages
    assert "page 2 of the PDF" in page and f"/objects/{PHOTO}/scans/3/view?page=2" in page
    answer = desk.post(f"/objects/{PHOTO}/transcribe/3", {"text": "trang một", "version": transcribe_form(desk, PHOTO, 3)[1],
                                                          "next": "1"})
    assert answer.headers["Location"].endswith(f"/objects/{PHOTO}/transcribe/4")
    desk.post(f"/objects/{PHOTO}/transcribe/4", {"text": "trang hai", "version": opened})
    transcripts = Layout.of(desk.root).transcripts(PHOTO)
    assert (transcripts / "003-p1.txt").read_text(encoding="utf-8") == "trang một\n"
    assert (transcripts / "003-p2.txt").read_text(encoding="utf-8") == "trang hai\n"
    assert desk.get(f"/objects/{PHOTO}/transcribe/5").status_code == 404


def test_a_transcript_that_is_not_utf8_is_named_not_overwritten(desk):
    path = desk.root / "objects" / LETTER / "transcripts" / "001.txt"
    path.write_bytes(b"Th\xe2n m\xean \xff")
    page = desk.get(f"/objects/{LETTER}/transcribe/1")
    assert page.status_code == 200
    assert "objects/TT-2026-0001/transcripts/001.txt: not UTF-8 text" in messages_of(page)
    answer = desk.post(f"/objects/{LETTER}/transcribe/1", {"text": "x", "version": ""})
    assert answer.status_code == 200 and path.read_bytes() == b"Th\xe2n m\xean \xff"


def test_a_record_that_cannot_be_read_is_a_message_not_a_traceback(desk):
    path = desk.root / "objects" / LETTER / "record.yaml"
    path.write_text("id: [TT-2026-0001\n", encoding="utf-8")
    for url in (f"/objects/{LETTER}/scans", f"/objects/{LETTER}/transcribe/1", f"/objects/{LETTER}/scans/1/view"):
        answer = desk.get(url)
        assert answer.status_code == 409 and "the record cannot be read" in messages_of(answer)
    answer = upload(desk, LETTER, [("a.jpg", jpeg())])
    assert answer.status_code == 302 and "Traceback" not in messages_of(desk.get("/"))
    assert not (desk.root / "objects" / LETTER / "scans" / "004.jpg").exists()


def test_the_pages_speak_vietnamese_first(collection_copy, tmp_path):
    desk = Desk(collection_copy, tmp_path / "out", lang="vi")
    assert desk.get(f"/objects/{LETTER}/scans").status_code == 200
    assert desk.get(f"/objects/{LETTER}/transcribe/1").status_code == 200


def test_each_change_is_kept_in_the_history_with_a_vietnamese_message(collection_copy, tmp_path):
    from kyvat import history

    history.write_repository(collection_copy)
    desk = Desk(collection_copy, tmp_path / "out")
    upload(desk, PHOTO, [("a.jpg", jpeg((200, 100))), ("b.png", png())])
    desk.post(f"/objects/{PHOTO}/scans/order", {"n": "4", "to": "1", "version": version(desk, PHOTO)})
    _page, opened = transcribe_form(desk, PHOTO, 2)
    desk.post(f"/objects/{PHOTO}/transcribe/2", {"text": "mặt sau", "version": opened})
    said = [change.message.strip() for change in history.read_history(collection_copy, collection_copy, limit=5)]
    assert said[:3] == [f"Sửa {PHOTO}: chép lời trang 2", f"Sửa {PHOTO}: xếp lại ảnh quét",
                        f"Sửa {PHOTO}: thêm 2 ảnh quét"]
    assert history.read_history(collection_copy, f"objects/{PHOTO}/scans/004.png", limit=5)


# -- in a real browser ------------------------------------------------------------------------------

@pytest.mark.browser
def test_files_dropped_in_chromium_go_in_and_a_dragged_scan_changes_place(collection_copy, tmp_path, browser):
    import base64

    from kyvat.desk.app import DeskSettings, start_server

    server = start_server(DeskSettings(root=collection_copy, out=tmp_path / "out"), port=0)
    try:
        page = browser.new_page()
        page.goto(server.url + "&lang=en")
        base = server.url.split("/?")[0]
        page.goto(f"{base}/objects/{PHOTO}/scans")
        files = [{"name": "trang.jpg", "type": "image/jpeg", "data": base64.b64encode(jpeg((300, 200))).decode()},
                 {"name": "hong.jpg", "type": "image/jpeg", "data": base64.b64encode(b"not a jpeg").decode()}]
        with page.expect_navigation():
            drop_files(page, files)
        shown = page.inner_text("main")
        assert "1 scan added: 003.jpg" in shown and "hong.jpg: " in shown
        assert files_of_root(collection_copy, PHOTO) == ["001.jpg", "002.tif", "003.jpg"]
        # every thumbnail is a JPEG view the desk makes (lazy images: brought into view first; each is
        # made on its first request, so they are waited for, not assumed loaded with the page)
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_function("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)",
                               timeout=30_000)
        page.set_input_files("#scan-files", files=[{"name": "x.png", "mimeType": "image/png", "buffer": png()}])
        with page.expect_navigation():
            page.click("#scan-upload button[type=submit]")
        assert files_of_root(collection_copy, PHOTO)[-1] == "004.png"
        with page.expect_navigation():
            page.drag_and_drop("#scan-4 img", "#scan-1 img", target_position={"x": 5, "y": 5})
        assert files_of_root(collection_copy, PHOTO) == ["004.png", "001.jpg", "002.tif", "003.jpg"]
        assert "Scan 4 is now scan 1." in page.inner_text("main")
        assert axe_violations(page) == []
        page.goto(f"{base}/objects/{PHOTO}/transcribe/3")
        page.wait_for_function("document.getElementById('viewer').osd && "
                               "document.getElementById('viewer').osd.world.getItemCount() === 1")
        page.click("[data-zoom=in]")
        assert axe_violations(page) == []
        page.fill("#transcript-text", "chữ viết tay")
        with page.expect_navigation():
            page.click("button[name=save]")
        assert (collection_copy / "objects" / PHOTO / "transcripts" / "002.txt").read_text(encoding="utf-8") == \
            "chữ viết tay\n"
        page.close()
    finally:
        server.close()
