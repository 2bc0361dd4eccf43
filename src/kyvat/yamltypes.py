"""What reading YAML gives: maps and lists that know their lines, and the error a text that is not
YAML raises. Kept apart from yamlfile.py (the reading itself), which re-exports them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class LineDict(dict):
    """A mapping from YAML that knows the 1-based line of itself and of each of its keys."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[Any, int] = {}
        self.duplicates: list[tuple[Any, int]] = []


class LineList(list):
    """A sequence from YAML that knows the line of each item."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[int] = []



@dataclass
class YamlSyntaxError(Exception):
    """The text is not YAML: what is wrong in a curator's words, the 1-based line where the slip is
    (when the parser knows it), and how to mend it (with the corrected line where kyvat can tell).

    `said` and `fix_said` are templates marked with N_, their {names} filled from `params` (as a
    Problem's are), so that the CLI can translate them; `message` and `fix` are them in English."""

    said: str
    line: int | None = None
    fix_said: str = ""
    params: tuple[tuple[str, str], ...] = ()

    @property
    def message(self) -> str:
        return self._fill(self.said)

    @property
    def fix(self) -> str:
        return self._fill(self.fix_said)

    def _fill(self, template: str) -> str:
        return template.format(**dict(self.params)) if self.params and template else template
