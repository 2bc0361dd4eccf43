"""The command line speaks Vietnamese: every word it can print has a Vietnamese translation, the
language follows --lang, kyvat.yaml's `language:` and the locale in that order, and help texts
(which Click reads at import) are translated when shown."""

from __future__ import annotations

import gettext
import inspect
import os
from pathlib import Path

import click
import pytest
from babel.messages.extract import extract_from_dir, extract_python
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from click.testing import CliRunner

from conftest import FIXTURE_COLLECTION, REPO
from kyvat import messages
from kyvat.cli import main
from kyvat.clitext import CLICK_WORDS
from kyvat.errors import Problem

PACKAGE = REPO / "src" / "kyvat"
PO = messages.LOCALE_DIR / "vi" / "LC_MESSAGES" / "kyvat.po"
POT = messages.LOCALE_DIR / "kyvat.pot"
VI = {"LANG": "vi_VN.UTF-8"}
ENGLISH = {"LANG": "C"}


@pytest.fixture
def extracted(monkeypatch):
    """The message ids Babel extracts from a folder as babel.cfg says (`make messages`)."""
    monkeypatch.syspath_prepend(str(REPO))  # babel.cfg names tools/babel_kyvat.py

    def extract(folder: Path = PACKAGE) -> set[str]:
        with (REPO / "babel.cfg").open(encoding="utf-8") as cfg:
            method_map, options_map = parse_mapping_cfg(cfg)
        return {message if isinstance(message, str) else message[0]
                for _file, _line, message, _comments, _context in extract_from_dir(folder, method_map, options_map)}
    return extract


def read_catalogue(path: Path = PO):
    with path.open("rb") as f:
        return read_po(f, locale="vi")


def untranslated(ids: set[str], catalogue) -> list[str]:
    """The ids the catalogue has no Vietnamese for (missing, empty or still marked fuzzy)."""
    missing = []
    for msgid in sorted(ids):
        message = catalogue.get(msgid)
        strings = [] if message is None else [message.string] if isinstance(message.string, str) else message.string
        if message is None or message.fuzzy or not strings or not all(s.strip() for s in strings):
            missing.append(msgid)
    return missing


def test_every_message_of_the_cli_has_a_vietnamese_translation(extracted):
    ids = extracted()
    assert len(ids) > 100  # the help texts, Click's words and the CLI's messages are all found
    assert untranslated(ids, read_catalogue()) == [], "translate these in kyvat.po (`make messages` first)"


def test_a_message_without_translation_is_caught(extracted, tmp_path):
    (tmp_path / "new.py").write_text('''
import click
from .messages import _

@main.command()
@click.option("--colour", help="A colour nobody translated.")
def paint(colour):
    """Paint the house, a command nobody translated."""
    click.echo(_("Painted, in words nobody translated."))
''', encoding="utf-8")
    assert untranslated(extracted(tmp_path), read_catalogue()) == [
        "A colour nobody translated.", "Paint the house, a command nobody translated.",
        "Painted, in words nobody translated."]


def test_the_committed_template_holds_every_message(extracted):
    assert {m.id if isinstance(m.id, str) else m.id[0] for m in read_catalogue(POT) if m.id} == extracted(), \
        "run `make messages`"


def test_the_compiled_catalogue_is_the_committed_one():
    """The .mo is compiled at install; a stale one (a .po changed since) would hide new words."""
    compiled = gettext.translation(messages.DOMAIN, messages.LOCALE_DIR, languages=["vi"])
    stale = [m.id for m in read_catalogue() if m.id and m.string
             and (compiled.gettext(m.id) != m.string if isinstance(m.id, str)
                  else compiled.ngettext(m.id[0], m.id[1], 1) != m.string[0])]
    assert stale == [], "recompile: make setup (or make messages)"


def test_clicks_words_are_still_clicks():
    """CLICK_WORDS are translated only while Click still asks for exactly these texts: each is in a
    gettext call of Click's, or a literal it passes to one ("required")."""
    found, literals = set(), ""
    for path in Path(click.__file__).parent.glob("*.py"):
        literals += path.read_text(encoding="utf-8")
        with path.open("rb") as source:
            found |= {m if isinstance(m, str) else tuple(part for part in m if part)
                      for _, _, m, _ in extract_python(source, ["_", "ngettext"], [], {}) if m}
    assert [w for w in CLICK_WORDS if w not in found and f'"{w}"' not in literals] == []


def _commands(group: click.Group, path: tuple[str, ...] = ()):
    yield path, group
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name), command


def _words(text: str, n: int = 6) -> str:
    return " ".join(text.split()[:n])


def test_every_help_is_vietnamese_in_a_vietnamese_locale_and_english_otherwise():
    vi = gettext.translation(messages.DOMAIN, messages.LOCALE_DIR, languages=["vi"])
    for path, command in _commands(main):
        english = inspect.cleandoc(command.help)
        shown_vi = " ".join(CliRunner().invoke(main, [*path, "--help"], env=VI).output.split())
        shown_en = " ".join(CliRunner().invoke(main, [*path, "--help"], env=ENGLISH).output.split())
        assert "Cách dùng:" in shown_vi and "Hiện hướng dẫn này rồi thoát." in shown_vi, path
        assert _words(vi.gettext(english)) in shown_vi and _words(english) not in shown_vi, path
        assert "Usage:" in shown_en and _words(english) in shown_en and "Cách dùng" not in shown_en, path
        options = [p for p in command.params if isinstance(p, click.Option) and p.help and not p.hidden]
        for option in options:
            assert _words(vi.gettext(inspect.cleandoc(option.help)), 3) in shown_vi, (path, option.opts)


def test_lang_option_comes_before_the_locale():
    assert "Cách dùng:" in CliRunner().invoke(main, ["--lang", "vi", "--help"], env=ENGLISH).output
    assert "Usage:" in CliRunner().invoke(main, ["--lang", "en", "--help"], env=VI).output


def test_clicks_own_errors_are_translated():
    result = CliRunner().invoke(main, ["--lang", "vi", "new", "object", "--type", "letter"])
    assert result.exit_code == 2
    assert "Lỗi: Thiếu tùy chọn '--title'." in result.output


@pytest.fixture
def speaking_vi(collection_copy):
    config = collection_copy / "kyvat.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "\nlanguage: vi  # the curator's commands\n",
                      encoding="utf-8")
    return collection_copy


def test_kyvat_yaml_language_switches_the_messages(speaking_vi):
    said = CliRunner().invoke(main, ["validate", "-c", str(speaking_vi)], env=ENGLISH).output
    assert "lỗi" in said and "cảnh báo" in said and "error(s)" not in said
    # the help asked for after -c is in the collection's language too
    assert "Cách dùng:" in CliRunner().invoke(main, ["validate", "-c", str(speaking_vi), "--help"]).output
    # --lang is above it
    assert "error(s)" in CliRunner().invoke(main, ["--lang", "en", "validate", "-c", str(speaking_vi)]).output
    # without the setting, the same collection speaks the locale's language
    assert "error(s)" in CliRunner().invoke(main, ["validate", "-c", str(FIXTURE_COLLECTION)]).output


def test_a_broken_kyvat_yaml_still_gives_its_language(speaking_vi):
    config = speaking_vi / "kyvat.yaml"
    config.write_text(config.read_text(encoding="utf-8") + 'rights: "unclosed\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "-c", str(speaking_vi)])
    assert result.exit_code == 1
    assert ": lỗi: " in result.output and "chưa hợp lệ" in result.output


def test_an_unknown_language_in_kyvat_yaml_is_reported(collection_copy):
    config = collection_copy / "kyvat.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "\nlanguage: fr\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "-c", str(collection_copy)])
    assert "language: expected vi or en, found 'fr'" in result.output


def test_a_command_leaves_the_process_language_as_it_was():
    before = os.environ.get("LANGUAGE"), gettext.textdomain()
    CliRunner().invoke(main, ["--lang", "vi", "--help"])
    assert (os.environ.get("LANGUAGE"), gettext.textdomain()) == before
    assert "Usage:" in CliRunner().invoke(main, ["--help"]).output


@pytest.mark.parametrize(("environ", "expected"), [
    ({"LANG": "vi_VN.UTF-8"}, "vi"), ({"LANG": "C.UTF-8"}, "en"), ({}, "en"), ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANGUAGE": "vi:en", "LANG": "en_US.UTF-8"}, "vi"), ({"LC_ALL": "C", "LANG": "vi_VN"}, "en"),
    ({"LC_MESSAGES": "vi_VN.UTF-8"}, "vi"), ({"LANG": "vietnamese"}, "en"),
])
def test_the_locale_names_the_language(environ, expected):
    assert messages.language_of_locale(environ) == expected


PROBLEMS = [
    Problem("objects/A/record.yaml", "acquisition.loan_until", "a day as YYYY-MM-DD", "'31/02/1972'", 7),
    Problem("kyvat.yaml", "", "a mapping", severity="warning", hint="did you mean 'title'?"),
    Problem("people/x.yaml", "name", "a name"),
]


@pytest.mark.parametrize("problem", PROBLEMS)
def test_a_problem_reads_in_english_as_it_always_did(problem):
    assert messages.to_problem_text(problem) == str(problem)


def test_a_problem_is_framed_in_vietnamese():
    messages.use_language("vi")
    try:
        text = messages.to_problem_text(PROBLEMS[0])
    finally:
        messages.use_language(messages.language_of_locale())
    assert text == ("objects/A/record.yaml:7: lỗi: acquisition.loan_until (hạn trả hiện vật mượn): "
                    "cần a day as YYYY-MM-DD, nhưng thấy '31/02/1972'")
