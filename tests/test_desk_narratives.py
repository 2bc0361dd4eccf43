"""Exhibitions and free pages at the desk (issue 13): the list, a new one named from its title, the
front matter edited through recordedit (the curator's comments kept), the Markdown bodies replaced
as text, a preview rendered with the site's own renderer (an embed as a placeholder naming its
object), the object picker's embeds, the embed mistakes validate reports, and a change made
meanwhile in a text editor never overwritten."""

from __future__ import annotations

import hashlib
import html
import re
import subprocess

import pytest

from deskclient import Desk
from kyvat import history
from kyvat.narratives import make_embeds
from kyvat.yamlfile import make_front_matter

SLUG = "thu-gui-me"  # the tiny collection's exhibition: thu-gui-me.md and thu-gui-me.en.md
EDIT = f"/narratives/exhibitions/{SLUG}"


pytestmark = pytest.mark.usefixtures("no_identity")  # conftest: kyvat signs its commits


@pytest.fixture
def desk(collection_copy, tmp_path):
    """The tiny collection as a repository; its exhibition's front matter carries a comment."""
    path = collection_copy / "exhibitions" / f"{SLUG}.md"
    path.write_text(path.read_text(encoding="utf-8").replace("order: 1\n", "order: 1  # first in the menu\n"),
                    encoding="utf-8")
    history.write_repository(collection_copy)
    return Desk(collection_copy, tmp_path / "out")


def git(root, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout


def last_commit(root) -> str:
    return git(root, "log", "-1", "--format=%s").strip()


def clean(root) -> bool:
    return git(root, "status", "--porcelain", "--untracked-files=all") == ""


def page_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def form_of(desk: Desk, url: str = EDIT) -> dict:
    """What the edit page's form sends as it was opened."""
    text = desk.get(url).get_data(as_text=True)
    form = text[text.index('id="narrative-form"'):text.index("</form>", text.index('id="narrative-form"'))]
    fields = {m[0]: html.unescape(m[1]) for m in re.findall(r'<input type="(?:hidden|text|number)"[^>]*?name="([^"]+)" value="([^"]*)"', form)}
    fields |= {m[0]: html.unescape(m[1]) for m in re.findall(r'name="([^"]+)" value="([^"]*)"', form) if m[0].startswith("version")}
    fields |= {m[0]: html.unescape(m[1]) for m in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', form)}
    for name, body in re.findall(r'<select id="[^"]*" name="([^"]+)">(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        fields[name] = chosen[1] if chosen else ""
    fields.pop("csrf_token", None)
    return fields


def text_of(desk: Desk, rel: str) -> str:
    return (desk.root / rel).read_text(encoding="utf-8")


# -- the list and a new one -------------------------------------------------------------------------


def test_the_list_shows_exhibitions_and_pages(desk):
    text = page_of(desk.get("/narratives"))
    assert "Thư gửi mẹ" in text and f'href="{EDIT}"' in text and "Giới thiệu" in text
    assert 'href="/narratives/pages/gioi-thieu"' in text and text.count('name="kind"') == 2


def test_a_new_exhibition_is_named_from_its_title(desk):
    response = desk.post("/narratives/new", {"kind": "exhibitions", "title": "Kỷ vật người lính: thư"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/narratives/exhibitions/ky-vat-nguoi-linh-thu")
    doc = make_front_matter(text_of(desk, "exhibitions/ky-vat-nguoi-linh-thu.md"))
    assert doc.meta == {"title": "Kỷ vật người lính: thư"}
    assert last_commit(desk.root) == "Thêm trưng bày ky-vat-nguoi-linh-thu" and clean(desk.root)
    assert desk.get("/narratives/exhibitions/ky-vat-nguoi-linh-thu").status_code == 200
    page = desk.post("/narratives/new", {"kind": "pages", "title": "Hiến tặng"})
    assert page.status_code == 302 and last_commit(desk.root) == "Thêm trang hien-tang"


@pytest.mark.parametrize("title, words", [("Thư gửi mẹ", "exhibitions/thu-gui-me.md exists"),
                                          ("!!!", "letters or digits")])
def test_a_new_one_refused_is_said_beside_its_form(desk, title, words):
    before = sorted(p.name for p in (desk.root / "exhibitions").iterdir())
    response = desk.post("/narratives/new", {"kind": "exhibitions", "title": title})
    text = page_of(response)
    assert response.status_code == 400 and words in text and 'id="new-exhibitions-error"' in text
    assert f'value="{title}"' in text  # what was typed stays
    assert sorted(p.name for p in (desk.root / "exhibitions").iterdir()) == before and clean(desk.root)


# -- editing ----------------------------------------------------------------------------------------


def test_the_edit_page_shows_the_fields_both_texts_the_picker(desk):
    text = page_of(desk.get(EDIT))
    assert 'name="title.vi" value="Thư gửi mẹ"' in text and 'name="title.en" value="Letters to mother"' in text
    assert "{{object TT-2026-0001}}" in text and "His photograph and his medal." in text
    assert 'data-embed="{{object TT-2026-0002}}"' in text  # the picker writes the site's embed
    assert 'src="/static/narratives.js"' in text
    page = page_of(desk.get("/narratives/pages/gioi-thieu"))
    assert "data-embed" not in page and 'name="summary.vi"' not in page  # a page shows no objects


def test_saving_changes_the_front_matter_and_the_bodies_and_commits_both_files(desk):
    form = form_of(desk)
    form.update({"order": "2", "objects": "TT-2026-0002\nTT-2026-0001",
                 "body.vi": form["body.vi"] + "\r\n\r\n## Phần hai\r\n\r\n{{object TT-2026-0002}}\r\n",
                 "body.en": "The letter.\r\n"})
    response = desk.post(EDIT, form)
    assert response.status_code == 302
    vi = text_of(desk, f"exhibitions/{SLUG}.md")
    assert "order: 2  # first in the menu\n" in vi  # the curator's comment stays
    assert "objects: [TT-2026-0002, TT-2026-0001]\n" in vi  # an inline list stays inline
    assert "title: {vi: Thư gửi mẹ, en: Letters to mother}\n" in vi  # untouched lines as they were
    assert "\r" not in vi and [e.object_id for e in make_embeds(vi)] == ["TT-2026-0001", "TT-2026-0002"]
    assert make_front_matter(text_of(desk, f"exhibitions/{SLUG}.en.md")).body == "The letter.\n"
    assert text_of(desk, f"exhibitions/{SLUG}.en.md").startswith("---\ntitle: Letters to mother\n---\n")
    assert last_commit(desk.root) == f"Sửa trưng bày {SLUG}" and clean(desk.root)


def test_only_the_body_changed_keeps_the_front_matter_byte_for_byte(desk):
    before = text_of(desk, f"exhibitions/{SLUG}.md")
    form = form_of(desk)
    form["body.vi"] = "Một đoạn mới."
    assert desk.post(EDIT, form).status_code == 302
    after = text_of(desk, f"exhibitions/{SLUG}.md")
    assert after == before[:before.index("---\n", 4) + 4] + "Một đoạn mới.\n"


def test_a_page_gets_its_english_file_when_english_is_written(desk):
    (desk.root / "pages" / "gioi-thieu.en.md").unlink()
    history.write_commit(desk.root, [desk.root / "pages" / "gioi-thieu.en.md"], "no English")
    form = form_of(desk, "/narratives/pages/gioi-thieu")
    form["body.en"] = "About the house."
    assert desk.post("/narratives/pages/gioi-thieu", form).status_code == 302
    assert text_of(desk, "pages/gioi-thieu.en.md") == "About the house.\n"
    assert last_commit(desk.root) == "Sửa trang gioi-thieu" and clean(desk.root)


def test_nothing_changed_writes_and_commits_nothing(desk):
    log = git(desk.root, "log", "--format=%s")
    assert desk.post(EDIT, form_of(desk)).status_code == 302
    assert git(desk.root, "log", "--format=%s") == log and clean(desk.root)


@pytest.mark.parametrize("field, value, words", [("order", "first", "a whole number"),
                                                 ("title.vi", "  ", "a title in Vietnamese")])
def test_a_refusal_is_shown_and_the_form_keeps_what_was_typed(desk, field, value, words):
    before = text_of(desk, f"exhibitions/{SLUG}.md")
    form = form_of(desk)
    form.update({field: value, "body.vi": "Văn bản đang viết."})
    response = desk.post(EDIT, form)
    text = page_of(response)
    assert response.status_code == 400 and words in text and 'id="form-error"' in text
    assert "Văn bản đang viết." in text and "Traceback" not in text
    assert text_of(desk, f"exhibitions/{SLUG}.md") == before and clean(desk.root)


def test_a_change_made_meanwhile_in_a_text_editor_is_not_overwritten(desk):
    form = form_of(desk)
    path = desk.root / "exhibitions" / f"{SLUG}.en.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nA line from a text editor.\n", encoding="utf-8")
    form["body.vi"] = "Thay thế."
    response = desk.post(EDIT, form)
    text = page_of(response)
    assert response.status_code == 409 and "changed by someone else" in text and "Thay thế." in text
    assert "A line from a text editor." in path.read_text(encoding="utf-8")
    assert "Thay thế." not in text_of(desk, f"exhibitions/{SLUG}.md")
    assert "A line from a text editor." in text  # their change, shown beside the curator's
    again = {**form, **{m[0]: m[1] for m in re.findall(r'name="(version(?:_en)?)" value="([0-9a-f]*)"', text)}}
    assert desk.post(EDIT, again).status_code == 409  # saving again without opening again is refused again
    assert "Thay thế." not in text_of(desk, f"exhibitions/{SLUG}.md")


# -- preview and embed mistakes ---------------------------------------------------------------------


def test_the_preview_renders_markdown_and_names_each_embedded_object(desk):
    body = "## Phần một\n\nChữ *nghiêng*.\n\n{{object TT-2026-0002}}\n\n{{object AB-9999-0001}}\n\n<script>x</script>"
    answer = desk.post(f"{EDIT}/preview", {"body.vi": body, "body.en": "", "lang": "vi"}).get_json()
    assert "<h2>Phần một</h2>" in answer["html"] and "<em>nghiêng</em>" in answer["html"]
    assert 'data-object="TT-2026-0002"' in answer["html"] and "Object TT-2026-0002" in answer["html"]
    assert "no object has this id" in answer["html"]
    assert "<script>" not in answer["html"]  # raw HTML is shown as text, as the site does
    assert answer["mistakes"] == []
    crlf = desk.post(f"{EDIT}/preview", {"body.vi": body.replace("\n", "\r\n"), "lang": "vi"}).get_json()
    assert crlf["html"] == answer["html"]  # a browser sends the text's lines ended with CRLF
    english = desk.post(f"{EDIT}/preview", {"body.vi": body, "body.en": "In *English*.", "lang": "en"}).get_json()
    assert "<em>English</em>" in english["html"] and "Phần một" not in english["html"]


def test_the_preview_lists_the_embed_mistakes_validate_reports(desk):
    answer = desk.post(f"{EDIT}/preview", {"body.vi": "Xem {{object TT-2026-0001}} nhé.\n\n{{objekt TT-2026-0002}}",
                                           "body.en": "", "lang": "vi"}).get_json()
    assert len(answer["mistakes"]) == 2
    assert "a line of its own" in answer["mistakes"][0] and "did you mean 'object'?" in answer["mistakes"][1]
    page = desk.post("/narratives/pages/gioi-thieu/preview",
                     {"body.vi": "{{object TT-2026-0001}}", "body.en": "", "lang": "vi"}).get_json()
    assert "{{object TT-2026-0001}}" in page["html"] and "data-object" not in page["html"]  # printed, as the site does
    assert "objects are shown in exhibitions, not pages" in page["mistakes"][0]


def test_the_edit_page_shows_the_mistakes_already_in_the_file(desk):
    path = desk.root / "exhibitions" / f"{SLUG}.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n{{objekt TT-2026-0003}}\n", encoding="utf-8")
    text = page_of(desk.get(EDIT))
    assert re.search(r'id="mistake-list"><li class="problem error">[^<]*objekt TT-2026-0003', text)


# -- addresses --------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/narratives/exhibitions/..", "/narratives/exhibitions/..%2F..%2Fkyvat",
                                 "/narratives/objects/TT-2026-0001", "/narratives/people/pham-van-duc",
                                 f"/narratives/exhibitions/{SLUG}.en", "/narratives/exhibitions/nothing-here",
                                 "/narratives/pages/.hidden"])
def test_a_path_an_unknown_kind_or_file_is_not_found(desk, url):
    assert desk.get(url).status_code == 404
    assert desk.post(f"{url}/preview", {"body.vi": ""}).status_code == 404
    assert desk.post(url, {"body.vi": ""}).status_code == 404


def test_a_new_one_of_an_unknown_kind_is_not_found(desk):
    assert desk.post("/narratives/new", {"kind": "objects", "title": "X"}).status_code == 404
    assert desk.post("/narratives/new", {"kind": "../pages", "title": "X"}).status_code == 404


def test_the_pages_open_in_vietnamese(collection_copy, tmp_path):
    desk = Desk(collection_copy, tmp_path / "out", lang="vi")
    listing, edit = page_of(desk.get("/narratives")), page_of(desk.get(EDIT))
    assert "Thêm trưng bày" in listing and "New exhibition" not in listing
    assert "Nội dung tiếng Việt" in edit and "Vietnamese text" not in edit


def test_a_file_kyvat_cannot_read_is_named_not_a_traceback(desk):
    path = desk.root / "exhibitions" / f"{SLUG}.md"
    path.write_text("---\ntitle: [unclosed\n---\nText.\n", encoding="utf-8")
    before = path.read_bytes()
    shown = page_of(desk.get(EDIT))
    assert "exhibitions/thu-gui-me.md" in shown and "fix it in a text editor" in shown and 'id="narrative-form"' not in shown
    response = desk.post(EDIT, {"body.vi": "x", "version": hashlib.sha256(before).hexdigest(),
                                "version_en": hashlib.sha256(path.with_name(f"{SLUG}.en.md").read_bytes()).hexdigest()})
    assert response.status_code == 400 and "never closed" in page_of(response) and path.read_bytes() == before
    assert "thu-gui-me" in page_of(desk.get("/narratives"))  # still listed, to be opened
