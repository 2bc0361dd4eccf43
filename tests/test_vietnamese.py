"""The shared analysis of Vietnamese text: folding, slugs, syllable tokens and search terms."""

import unicodedata

from kyvat.vietnamese import SPELLING_VARIANTS, fold, make_slug, make_terms, make_tokens, to_exact, to_term


def test_fold_removes_marks_and_folds_d_with_stroke():
    assert fold("Liệt sĩ Nguyễn Văn Đức") == "liet si nguyen van duc"
    assert fold("ĐƯỜNG TRƯỜNG SƠN") == "duong truong son"


def test_fold_is_the_same_for_nfc_and_nfd_input():
    text = "Thư gửi mẹ, Hòa/Hoà, Thuỷ/Thủy"
    assert fold(unicodedata.normalize("NFD", text)) == fold(text) == "thu gui me, hoa/hoa, thuy/thuy"


def test_slug_is_ascii():
    assert make_slug("Nguyễn Văn Đức") == "nguyen-van-duc"
    assert make_slug("  Đỗ Văn Minh (1950) ") == "do-van-minh-1950"


def test_tokens_give_offsets_into_the_original_text():
    text = "Thư gửi mẹ — AB-2026-0007"
    tokens = make_tokens(text)
    assert [t for t, _, _ in tokens] == ["Thư", "gửi", "mẹ", "AB", "2026", "0007"]
    assert all(text[start:end] == token for token, start, end in tokens)


def test_spelling_variants_meet():
    assert to_term("sỹ") == to_term("sĩ") == "si"
    assert to_term("Quí") == to_term("Quý") == "quy"
    assert to_term("hy") == to_term("hi")
    assert make_terms("liệt sỹ Nguyễn Văn Quí") == make_terms("liet si Nguyen Van Quy")


def test_variant_table_targets_are_not_themselves_variants():
    # a chain (a → b → c) would make the result depend on how often the table is applied
    assert not set(SPELLING_VARIANTS.values()) & set(SPELLING_VARIANTS)


def test_exact_form_keeps_diacritics():
    assert to_exact("Mả") == "mả" != to_exact("mã")
    assert to_exact(unicodedata.normalize("NFD", "Đức")) == "đức"
