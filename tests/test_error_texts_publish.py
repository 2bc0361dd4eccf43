"""The words of publishing's errors, `kyvat verify` and `kyvat show` reach the curator translated:
each template is looked up before its values are filled, nested words (a label, an orientation)
too, and the English stays exactly what it was."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest

from kyvat import media, messages, output
from kyvat.errors import KyvatError, Words, make_params
from kyvat.urls import BaseUrlInvalid, make_base_url

# A stand-in catalogue: every message looked up comes back marked, so an untranslated one shows.
class Marking(gettext.NullTranslations):
    def gettext(self, message):
        return "«" + message + "»"


@pytest.fixture
def marked(monkeypatch):
    monkeypatch.setattr(messages, "read_catalogue", lambda *args, **kwargs: Marking())
    monkeypatch.setitem(messages._current, "language", "vi")


def test_an_output_error_is_translated_with_its_words_value(marked, tmp_path: Path):
    with pytest.raises(KyvatError) as caught:
        output.check_target(tmp_path / "c" / "site", {"the collection": tmp_path / "c"})
    assert str(caught.value) == (f"the output folder {tmp_path / 'c' / 'site'} is inside the collection "
                                 f"({(tmp_path / 'c').resolve()}); choose a folder outside it")
    text = messages.to_error_text(caught.value)
    assert text.startswith("«the output folder ") and "inside «the collection» (" in text


def test_a_base_url_error_translates_what_was_expected_not_what_was_found(marked):
    with pytest.raises(BaseUrlInvalid) as caught:
        make_base_url("ftp://x")
    assert messages.to_error_text(caught.value) == (
        "«base_url: expected «an http(s) address such as https://example.vn/nha-truyen-thong/», "
        "found 'ftp://x'»")


def test_a_fixity_result_and_a_technical_line_are_translated(marked):
    result = media.FixityResult("objects/A/scans/001.jpg", "missing")
    assert str(result) == "objects/A/scans/001.jpg: missing: the record lists it with sha256 (none)"
    assert messages.to_words_text(result.words) == (
        "«objects/A/scans/001.jpg: missing: the record lists it with sha256 «(none)»»")
    name, line = media.make_technical_lines("1. 001.jpg", {"orientation": Words(
        "{value} ({name})", make_params(value=6, name=Words(media.ORIENTATIONS[6])))})
    assert str(line) == "    orientation: 6 (rotated 90° clockwise)"
    assert messages.to_words_text(line) == "«    «orientation»: «6 («rotated 90° clockwise»)»»"
