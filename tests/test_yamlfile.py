"""A YAML syntax error told in a curator's words, at the line of the slip, with the mended line.
The same mistakes, through `kyvat validate`, are tests/broken/01, 40, 41 and 42."""

from __future__ import annotations

import pytest

from kyvat.yamlfile import YamlSyntaxError, make_front_matter, make_yaml

RECORD = """\
# a letter
id: AB-2026-0001
title:
  vi: Thư gửi mẹ
  en: Letter to mother
object_type: letter
date:
  text: "ngày 12 tháng 3 năm 1972"
  edtf: 1972-03-12
people:
  - {person: nguyen-van-duc, role: author}
"""

CASES = [
    ("tab", "  en: Letter", "\ten: Letter", 5, "line 5 is indented with a Tab",
     "replace the Tab at the start of the line with spaces"),
    # the quote closes at the next one, on line 8, where PyYAML stumbles; it used to name line 3
    ("unclosed quote", "  en: Letter to mother", '  en: "Letter to mother', 5,
     'the quote (") that opens the text on line 5 is never closed',
     'end the text with " on the same line: en: "Letter to mother"'),
    ("unclosed quote at the end", "  - {person: nguyen-van-duc", "  - {person: 'nguyen-van-duc", 11,
     "the quote (') that opens the text on line 11 is never closed", "end the text with ' on the same line"),
    ("colon in a title", "  vi: Thư gửi mẹ", "  vi: Thư: gửi mẹ", 4,
     "the text after 'vi:' on line 4 contains ': '", 'a text that contains \': \' must be in quotes: vi: "Thư: gửi mẹ"'),
    ("colon in a text with quotes", "object_type: letter", 'object_type: letter\nplace: Hà Nội: phố "Huế"', 7,
     "contains ': '", "place: 'Hà Nội: phố \"Huế\"'"),
    ("unclosed bracket", "object_type: letter", "object_type: [letter", 6,
     "the '[' on line 6 is never closed with ']'", "as in object_type: [letter], or remove the '['"),
    ("unclosed brace", "role: author}", "role: author", 11, "the '{' on line 11 is never closed with '}'",
     "- {person: nguyen-van-duc, role: author}"),
    ("no space after a colon", "object_type: letter", "object_type:letter", 6,
     "there is no space after 'object_type:' on line 6", "object_type: letter"),
    ("a key too far right", "  en: Letter", "    en: Letter", 5,
     "line 5 starts further right than line 4", "start 'en:' in the same column as the key on line 4"),
    ("a key too far left", "  en: Letter", " en: Letter", 5,
     "line 5 does not line up with the keys above it", "the key on line 4"),
    ("a text that starts with a quote", "  vi: Thư gửi mẹ", '  vi: "Thư" gửi mẹ', 4,
     'starts with a quote ("), so YAML takes it to end at the next "', "vi: '\"Thư\" gửi mẹ'"),
    ("a text that starts with a bracket", "  vi: Thư gửi mẹ", "  vi: [Bản sao] Thư gửi mẹ", 4,
     "starts with '[', which YAML reads as the start of a list", 'vi: "[Bản sao] Thư gửi mẹ"'),
    ("a backslash in double quotes", "  vi: Thư gửi mẹ", '  vi: "D:\\Thu\\me"', 4,
     "a backslash (\\) inside double quotes on line 4", "vi: 'D:\\Thu\\me'"),
]


@pytest.mark.parametrize("name, old, new, line, message, fix", CASES, ids=[c[0] for c in CASES])
def test_a_syntax_error_says_what_where_and_how_to_fix_it(name, old, new, line, message, fix):
    assert old in RECORD
    with pytest.raises(YamlSyntaxError) as caught:
        make_yaml(RECORD.replace(old, new, 1))
    assert caught.value.line == line
    assert message in caught.value.message
    assert fix in caught.value.fix
    for word in ("scalar", "token", "block end", "flow", "mapping"):
        assert word not in caught.value.message + caught.value.fix


def test_lines_in_front_matter_are_counted_in_the_whole_file():
    with pytest.raises(YamlSyntaxError) as caught:
        make_front_matter("---\ntitle:\n  vi: Thư: gửi mẹ\n---\nThe text.\n")
    assert caught.value.line == 3 and "on line 3" in caught.value.message


def test_windows_line_ends_count_as_one():
    with pytest.raises(YamlSyntaxError) as caught:
        make_yaml(RECORD.replace("\n", "\r\n").replace("  vi: Thư gửi mẹ", "  vi: Thư: gửi mẹ"))
    assert caught.value.line == 4 and 'vi: "Thư: gửi mẹ"' in caught.value.fix


def test_a_mistake_kyvat_cannot_name_keeps_the_parsers_words_and_the_general_fix():
    with pytest.raises(YamlSyntaxError) as caught:
        make_yaml("a: 1\nb: {c: d: e}\n")
    assert caught.value.line == 2 and "bracket or quote" in caught.value.fix


def test_a_mended_line_is_offered_only_when_it_mends_the_text():
    # the key's colon is where YAML stumbles, but re-indenting would not help: a second key is glued on
    with pytest.raises(YamlSyntaxError) as caught:
        make_yaml("title:\n  vi: Thư\n    en: a: b: c\n")
    assert "same column" not in caught.value.fix
