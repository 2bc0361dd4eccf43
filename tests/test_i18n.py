"""The one word table (i18n.yaml) and the writers that share it: a collection's own word shows in the
site, the IIIF documents and the browser search script alike; unnamed scans and dimensions are
written one way everywhere; the command line's gettext seam."""

from __future__ import annotations

import gettext
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kyvat import messages
from kyvat.layout import BUILTIN_TEMPLATES as TEMPLATES
from kyvat.catalogue import make_record_view
from kyvat.cli import main
from kyvat.errors import KyvatError
from kyvat.i18n import (STRINGS_FILE, Words, make_scan_label, make_strings, read_words, to_date_text,
                        to_dimensions_text, to_number_text)
from kyvat.model import Date, Dimensions
from kyvat.validate import load_collection

from conftest import FIXTURE_COLLECTION

LETTER = "TT-2026-0001"  # a letter: paged, transcribed
# One word the site shows, one only IIIF shows, one only the search script shows, and the label
# of a page nobody named.
OWN_WORDS = """\
nav.objects: {vi: Kỷ vật trưng bày, en: Keepsakes shown}
iiif.attribution: {vi: Nguồn ảnh, en: Image credit}
search.more: {vi: Xem tiếp nữa, en: Show still more}
scan.page: {vi: "Tờ {n}", en: "Sheet {n}"}
month.4: {vi: tháng Tư, en: Apr.}
place.now: {vi: "{place} (nay thuộc {now})", en: "{place} (today: {now})"}
scan.title: {vi: "{title}, {label}", en: "{title}: {label}"}
"""


@pytest.fixture(scope="module")
def own_words_site(tmp_path_factory) -> Path:
    """The test collection with its own words, its letter's first page unlabelled and measured to
    half a centimetre, built once."""
    from kyvat.build import build

    root = tmp_path_factory.mktemp("own-words")
    collection = root / "collection"
    shutil.copytree(FIXTURE_COLLECTION, collection)
    (collection / "site_templates").mkdir()
    (collection / "site_templates" / STRINGS_FILE).write_text(OWN_WORDS, encoding="utf-8")
    record = collection / "objects" / LETTER / "record.yaml"
    text = record.read_text(encoding="utf-8")
    text = text.replace("    label: {vi: Trang 1, en: Page 1}\n", "", 1)
    text = text.replace("dimensions: {height: 20.0, width: 15.0}", "dimensions: {height: 20.5, width: 15.0, weight: 48}")
    record.write_text(text, encoding="utf-8")
    build(collection, root / "_site", cache=root / "cache", jobs=2)
    return root


def _html(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def _manifest(site: Path) -> dict:
    return json.loads((site / "iiif" / LETTER / "manifest.json").read_text(encoding="utf-8"))


def _island(site: Path, path: str) -> dict:
    found = re.search(r'<script type="application/json" id="kyvat-words">(.*?)</script>', _html(site, path), re.S)
    assert found, f"{path} has no word island for search.js"
    return json.loads(found[1])


def test_a_collection_word_shows_in_the_site_the_iiif_documents_and_the_search_script(own_words_site):
    site = own_words_site / "_site"
    assert "Kỷ vật trưng bày" in _html(site, "index.html") and "Keepsakes shown" in _html(site, "en/index.html")
    assert _manifest(site)["requiredStatement"]["label"] == {"vi": ["Nguồn ảnh"], "en": ["Image credit"]}
    vi, en = _island(site, "search/index.html"), _island(site, "en/search/index.html")
    assert (vi["search.more"], en["search.more"]) == ("Xem tiếp nữa", "Show still more")
    # the script gets its words unfilled, in the page's language, and nothing but its own
    assert vi["search.count.other"] == "{n} kết quả cho “{q}”" and en["search.count.one"] == "{n} result for “{q}”"
    assert all(key.startswith("search.") for key in vi) and set(vi) == set(en)


def test_an_unnamed_scan_has_one_label_on_the_site_in_iiif_and_in_the_search_documents(own_words_site):
    site = own_words_site / "_site"
    page = _html(site, f"objects/{LETTER}/index.html")
    assert "Tờ 1" in page and "Trang 2" in page and "Trang 1" not in page
    assert "Sheet 1" in _html(site, f"en/objects/{LETTER}/index.html")
    assert _manifest(site)["items"][0]["label"] == {"vi": ["Tờ 1"], "en": ["Sheet 1"]}
    texts = [json.loads(p.read_text(encoding="utf-8")) for p in (site / "pagefind" / "kyvat-text").glob("*.json")]
    letter = next(t for t in texts if t["key"] == f"object:{LETTER}")
    assert letter["pages"]["1"]["title"] == {"vi": "Thư gửi mẹ, Tờ 1", "en": "Letter to mother: Sheet 1"}
    assert load_collection(own_words_site / "collection").object(LETTER).scans[0].label.as_dict() == \
        {"vi": "Tờ 1", "en": "Sheet 1"}


def test_the_scan_label_rule():
    words = read_words(None)
    assert make_scan_label(words, "image", "letter", 2).as_dict() == {"vi": "Trang 2", "en": "Page 2"}
    assert make_scan_label(words, "image", "photograph", 2).as_dict() == {"vi": "Ảnh 2", "en": "Image 2"}
    assert make_scan_label(words, "audio", "letter", 1).as_dict() == {"vi": "Bản ghi âm 1", "en": "Recording 1"}
    assert make_scan_label(words, "video", "video", 3).as_dict() == {"vi": "Đoạn phim 3", "en": "Film 3"}


def test_dimensions_are_written_one_way_on_the_site_in_iiif_and_in_kyvat_show(own_words_site):
    site, collection = own_words_site / "_site", own_words_site / "collection"
    vi, en = "cao 20,5 cm, rộng 15 cm, nặng 48 g", "height 20.5 cm, width 15 cm, weight 48 g"
    assert f"<dd>{vi}</dd>" in _html(site, f"objects/{LETTER}/index.html")
    assert f"<dd>{en}</dd>" in _html(site, f"en/objects/{LETTER}/index.html")
    shown = {pair["label"]["en"][0]: pair["value"] for pair in _manifest(site)["metadata"]}
    assert shown["Dimensions"] == {"vi": [vi], "en": [en]}
    view = make_record_view(load_collection(collection), LETTER, read_words(collection))
    assert re.search(rf"^dimensions +{re.escape(en)}$", view, re.M), view


def test_numbers_take_the_decimal_mark_of_their_language():
    words = read_words(None)
    dims = Dimensions(height=0.25, width=1234567.0, depth=None, weight=0.1 + 0.2)
    assert to_dimensions_text(dims, "vi", words) == "cao 0,25 cm, rộng 1234567 cm, nặng 0,3 g"
    assert to_dimensions_text(dims, "en", words) == "height 0.25 cm, width 1234567 cm, weight 0.3 g"
    assert to_dimensions_text(Dimensions(), "vi", words) == ""
    # the mark is a word of the table, so a collection may choose another
    own = Words({**words.strings, "number.decimal": {"vi": ",", "en": "·"}})
    assert to_number_text(20.5, "en", own) == "20·5" and to_number_text(20.5, "vi", own) == "20,5"


def test_dates_are_written_with_the_words_of_the_table():
    words = read_words(None)
    own = Words({**words.strings, "month.3": {"vi": "tháng Ba", "en": "Mar."},
                 "date.about": {"vi": "chừng {date}", "en": "c. {date}"},
                 "date.uncertain": {"vi": "{date}?", "en": "{date}?"},
                 "date.decade": {"vi": "những năm {decade}", "en": "{decade}s"}})
    assert to_date_text(Date("1972-03-12", "1972-03-12"), "vi", own) == "ngày 12 tháng Ba năm 1972"
    assert to_date_text(Date("1972-03-12", "1972-03-12"), "en", own) == "12 Mar. 1972"
    assert to_date_text(Date("1972-03%", "1972-03%"), "en", own) == "c. Mar. 1972?"
    assert to_date_text(Date("196X~", "196X~"), "vi", own) == "chừng những năm 1960"
    assert to_date_text(Date("1972?", "1972?"), "vi", words) == "năm 1972 (?)"


def test_a_collection_month_shows_in_the_english_page_and_the_manifest(own_words_site):
    site = own_words_site / "_site"
    # the letter is dated 1972-04-05: Vietnamese shows the date as written on it, English the words
    assert "<dd>5 Apr. 1972</dd>" in _html(site, f"en/objects/{LETTER}/index.html")
    shown = {pair["label"]["en"][0]: pair["value"] for pair in _manifest(site)["metadata"]}
    assert shown["Date"] == {"vi": ["ngày 5 tháng 4 năm 1972"], "en": ["5 Apr. 1972"]}
    # a date with no wording of its own (received 2026-04-30) takes the month in Vietnamese too
    assert "ngày 30 tháng Tư năm 2026" in _html(site, "objects/TT-2026-0003/index.html")


def test_a_place_and_its_current_name_are_written_one_way_everywhere(own_words_site):
    site, collection = own_words_site / "_site", own_words_site / "collection"
    old, now = "quận Lê Chân cũ, Hải Phòng", "phường An Biên, thành phố Hải Phòng"
    vi, en = f"{old} (nay thuộc {now})", f"{old} (today: {now})"
    assert vi in _html(site, f"objects/{LETTER}/index.html") and en in _html(site, f"en/objects/{LETTER}/index.html")
    assert "Thành cổ Quảng Trị (today: tỉnh Quảng Trị)" in _html(site, "en/people/pham-van-duc/index.html")
    shown = {pair["label"]["en"][0]: pair["value"] for pair in _manifest(site)["metadata"]}
    assert shown["Places"] == {"vi": [vi, "Quảng Trị"], "en": [en, "Quảng Trị"]}
    view = make_record_view(load_collection(collection), LETTER, read_words(collection))
    assert re.search(rf"^places +{re.escape(en)}; Quảng Trị$", view, re.M), view


def test_a_scan_is_titled_one_way_in_the_page_the_viewer_and_the_search_documents(own_words_site):
    site = own_words_site / "_site"
    page = _html(site, f"objects/{LETTER}/index.html")
    # the image's text and the viewer's title (the script shows data-title) both come from scan.title
    assert 'alt="Thư gửi mẹ, Tờ 1"' in page and 'data-title="Thư gửi mẹ, Trang 2"' in page
    assert 'data-title="Letter to mother: Page 2"' in _html(site, f"en/objects/{LETTER}/index.html")
    script = (TEMPLATES / "static" / "kyvat.js").read_text(encoding="utf-8")
    assert "dataset.title" in script and '" — "' not in script


def test_a_media_scan_needs_no_fallback_label():
    """records.py labels every scan, so the templates show the label and nothing in its place."""
    assert not [p.name for p in TEMPLATES.glob("*.html") if re.search(r"label\) or ", p.read_text(encoding="utf-8"))]


def test_the_catalogue_asks_privacy_who_is_named_publicly(monkeypatch):
    from kyvat import catalogue, privacy

    collection = load_collection(FIXTURE_COLLECTION)
    monkeypatch.setattr(privacy, "is_named_publicly", lambda person: person.id == "nguyen-thi-hanh")
    named = {row[0]: row[2] for row in catalogue.make_people_table(collection)[1:]}
    assert named["nguyen-thi-hanh"] == "yes" and named["pham-van-duc"] == "no"
    view = make_record_view(collection, "pham-van-duc", read_words(None))
    assert re.search(r"^named publicly +no$", view, re.M), view
    assert "le-thi-thuan, not named publicly" in make_record_view(collection, LETTER, read_words(None))


def test_a_text_cut_at_an_unquoted_comma_is_an_error_not_a_shorter_word():
    with pytest.raises(KyvatError, match=r"i18n.yaml:2: 'skip' has 'đến nội dung chính' beside vi, en"):
        make_strings("lang.switch: {vi: English, en: Tiếng Việt}\nskip: {vi: Bỏ qua, đến nội dung chính, en: Skip}\n",
                     STRINGS_FILE)
    assert read_words(None)("skip").vi == "Bỏ qua, đến nội dung chính"


def test_a_broken_collection_word_table_is_a_problem_validate_reports(collection_copy):
    (collection_copy / "site_templates").mkdir()
    (collection_copy / "site_templates" / STRINGS_FILE).write_text("skip: {vi: Bỏ qua}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "-c", str(collection_copy)])
    assert result.exit_code == 1 and "site_templates/i18n.yaml" in result.output
    assert "'skip' needs a text for each of vi, en" in result.output


class _Marking(gettext.NullTranslations):
    """A stand-in catalogue that marks each text it translates, so the test sees the CLI's words
    pass through gettext (and its {fields} filled after translation)."""

    def gettext(self, message):
        return f"«{message}»"

    def ngettext(self, singular, plural, n):
        return f"«{singular if n == 1 else plural}»"


def test_the_command_line_words_go_through_gettext_and_english_needs_no_catalogue(monkeypatch):
    assert messages._("{n} object(s)") == "{n} object(s)"
    assert messages.ngettext("{n} hit for {query}", "{n} hits for {query}", 2) == "{n} hits for {query}"
    assert messages.read_catalogue("en").__class__ is gettext.NullTranslations
    assert messages.LOCALE_DIR.parent == Path(messages.__file__).resolve().parent  # inside the package
    monkeypatch.setattr(messages, "read_catalogue", lambda *language: _Marking())
    result = CliRunner().invoke(main, ["validate", "-c", str(FIXTURE_COLLECTION)])
    assert "«valid: »«0 error(s), " in result.output, result.output
