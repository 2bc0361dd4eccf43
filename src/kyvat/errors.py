"""Errors kyvat raises, and the typed problems a validation collects before it raises once.

The library never prints or exits: `cli` turns these into messages for a person and an exit code.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


class KyvatError(Exception):
    """Root of every error kyvat raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the collection: where it is, what was expected, what was found."""

    path: str  # relative to the collection root
    field: str = ""  # dotted field path, e.g. "acquisition.loan_until"
    expected: str = ""
    found: str = ""
    line: int | None = None
    severity: str = "error"  # "error" | "warning"
    hint: str = ""  # e.g. "did you mean 'title'?"
    # "scan": the problem concerns one scan only; a build skips that scan and goes on (exit 1)
    scope: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        where = self.path + (f":{self.line}" if self.line else "")
        what = f"{self.field}: " if self.field else ""
        text = f"{where}: {self.severity}: {what}expected {self.expected}"
        if self.found:
            text += f", found {self.found}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    def as_dict(self) -> dict:
        return asdict(self)


class CollectionInvalid(KyvatError):
    """The collection has errors; `details` lists every problem found, warnings included."""

    def __init__(self, details: list[Problem]):
        self.details = list(details)
        errors = sum(1 for p in self.details if p.is_error)
        super().__init__(f"the collection has {errors} error(s)")


class RecordError(KyvatError):
    """One record cannot be written or changed (used by commands that edit records)."""

    def __init__(self, path: str, field: str, expected: str, found: str = "", line: int | None = None):
        self.problem = Problem(path=path, field=field, expected=expected, found=found, line=line)
        super().__init__(str(self.problem))


class MediaError(KyvatError):
    """A scan cannot be read, verified or turned into derivatives."""

    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class PortInUse(KyvatError):
    """Another program already listens on the port the local server was asked for."""

    def __init__(self, port: int):
        self.port = port
        super().__init__(f"port {port} is in use")
