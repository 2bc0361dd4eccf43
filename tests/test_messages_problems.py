"""`kyvat --lang vi validate` names each mistake of tests/broken/ in Vietnamese: every word of every
problem line (the frame, the field's words, and the templates of `expected`, `found` and `hint`) is
found in the Vietnamese catalogue. A value (an id, a file name) is filled in after translating and is
never looked up; a part the library left as plain English text is looked up whole and is not found,
so it is named here as a miss, with the case it came from.
"""

from __future__ import annotations

import gettext
import shutil
from pathlib import Path

from click.testing import CliRunner

from conftest import FIXTURE_COLLECTION
from kyvat import messages
from kyvat.cli import base, main
from kyvat.yamlfile import make_yaml
from test_validate import CASES, TODAY, apply_steps


class _Misses(gettext.NullTranslations):
    """The last fallback of the Vietnamese catalogue: gettext asks it only for a message the
    catalogue does not hold, so each message it is asked for is a miss."""

    def __init__(self, record):
        super().__init__()
        self.record = record

    def gettext(self, message):
        self.record(message)
        return message

    def ngettext(self, singular, plural, n):
        self.record(singular)
        return singular if n == 1 else plural


def test_every_problem_of_every_broken_case_is_printed_in_vietnamese(tmp_path: Path, monkeypatch):
    misses: list[tuple[str, str]] = []  # (case, msgid)
    state = {"case": "", "in_problem": False, "lines": 0}

    def record(message: str) -> None:
        if state["in_problem"] and (state["case"], message) not in misses:
            misses.append((state["case"], message))

    def read_catalogue(language, localedir=messages.LOCALE_DIR):
        # a fresh catalogue (the cached one is shared by every test) with the recording fallback
        catalogue = gettext.translation(messages.DOMAIN, localedir=localedir, languages=[language], fallback=True)
        catalogue.add_fallback(_Misses(record))
        return catalogue

    real_to_problem_text = messages.to_problem_text

    def to_problem_text(problem):
        state["in_problem"], state["lines"] = True, state["lines"] + 1
        try:
            return real_to_problem_text(problem)
        finally:
            state["in_problem"] = False

    monkeypatch.setattr(messages, "read_catalogue", read_catalogue)
    monkeypatch.setattr(base, "to_problem_text", to_problem_text)
    for case in CASES:
        state["case"], state["lines"] = case.stem, 0
        root = tmp_path / case.stem
        shutil.copytree(FIXTURE_COLLECTION, root)
        apply_steps(root, make_yaml(case.read_text(encoding="utf-8"))["steps"])
        result = CliRunner().invoke(main, ["--lang", "vi", "--today", TODAY, "validate", "-c", str(root)])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert "Traceback" not in result.output
        # the case's problems were printed (through the wrapped seam), in Vietnamese words
        assert state["lines"] >= 1, f"{case.stem}: no problem printed\n{result.output}"
        assert ": lỗi: " in result.output or ": cảnh báo: " in result.output, result.output
    assert not misses, f"{len(misses)} problem parts not in the Vietnamese catalogue:\n" + "\n".join(
        f"  {case}: {msgid!r}" for case, msgid in misses)
