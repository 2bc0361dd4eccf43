"""Errors kyvat raises, and the typed problems a validation collects before it raises once.

The library never prints or exits: `cli` turns these into messages for a person and an exit code.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


def N_(message: str) -> str:
    """Mark `message` for the catalogue; it is translated where it is shown (messages.py)."""
    return message


class KyvatError(Exception):
    """Root of every error kyvat raises on purpose. Its message may be a template (marked with
    messages.N_) whose {fields} are filled from `params` (see make_params), as a Problem's parts
    are: `str(error)` is the English, filled; the CLI translates `template` before filling it."""

    def __init__(self, message: str = "", *args, params: tuple[tuple[str, str], ...] = ()):
        self.template, self.params = message, tuple(params)
        super().__init__(message.format(**dict(self.params)) if self.params else message, *args)


class Value(str):
    """A part of a Problem that is data — the curator's own text, quoted — not words: it is shown
    as written in every language, never looked up in a catalogue."""


class Words(str):
    """A value of a Problem's params that is words of its own: a template (marked with N_) and its
    values. As text it is the English, filled; the CLI translates the template before filling it."""

    template: str
    values: tuple[tuple[str, str], ...]

    def __new__(cls, template: str, values: tuple[tuple[str, str], ...] = ()):
        words = super().__new__(cls, template.format(**dict(values)) if values else template)
        words.template, words.values = template, tuple(values)
        return words


# what a problem of a draft record adds, so the curator knows why it is only a warning
DRAFT_NOTE = N_("draft: not published until its 'draft: true' is removed")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the collection: where it is, what was expected, what was found.

    `expected`, `found` and `hint` may be templates with {fields} filled from `params`, so that the
    CLI can translate the template (marked with messages.N_) and then fill it: a template names
    the values ("{found!r}" is not allowed; quote in the template: "'{name}'"). Without params they
    are plain text, shown as written."""

    path: str  # relative to the collection root
    field: str = ""  # dotted field path, e.g. "acquisition.loan_until"
    expected: str = ""
    found: str = ""
    line: int | None = None
    severity: str = "error"  # "error" | "warning"
    hint: str = ""  # e.g. "did you mean 'title'?"
    # "scan": the problem concerns one scan only; a build skips that scan and goes on (exit 1)
    scope: str = ""
    params: tuple[tuple[str, str], ...] = ()  # the values of the templates' {fields}, as text
    # in a record marked `draft: true`: a warning whatever it was, and the record is not published
    draft: bool = False

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def fill(self, template: str) -> str:
        """`template` with this problem's values (as written when it has none)."""
        return template.format(**dict(self.params)) if self.params and template else template

    def __str__(self) -> str:
        where = self.path + (f":{self.line}" if self.line else "")
        what = f"{self.field}: " if self.field else ""
        text = f"{where}: {self.severity}: {what}expected {self.fill(self.expected)}"
        if self.found:
            text += f", found {self.fill(self.found)}"
        if self.hint:
            text += f" ({self.fill(self.hint)})"
        if self.draft:
            text += f" [{DRAFT_NOTE}]"
        return text

    def as_dict(self) -> dict:
        data = asdict(self)
        data.update(expected=self.fill(self.expected), found=self.fill(self.found), hint=self.fill(self.hint))
        del data["params"]
        return data


def make_params(**values) -> tuple[tuple[str, str], ...]:
    """A Problem's `params` from keyword values (each shown as text; Value and Words kept as they are)."""
    return tuple(sorted((key, value if isinstance(value, str) else str(value)) for key, value in values.items()))


class CollectionInvalid(KyvatError):
    """The collection has errors; `details` lists every problem found, warnings included."""

    def __init__(self, details: list[Problem]):
        self.details = list(details)
        errors = sum(1 for p in self.details if p.is_error)
        super().__init__(N_("the collection has {errors} error(s)"), params=make_params(errors=errors))


class RecordError(KyvatError):
    """One record cannot be written or changed (used by commands that edit records). `expected` and
    `found` are a Problem's: templates (marked with N_) filled from `params`, or plain text."""

    def __init__(self, path: str, field: str, expected: str, found: str = "", line: int | None = None,
                 params: tuple[tuple[str, str], ...] = ()):
        self.problem = Problem(path=path, field=field, expected=expected, found=found, line=line,
                               params=tuple(params))
        super().__init__(str(self.problem))


class MediaError(KyvatError):
    """A scan cannot be read, verified or turned into derivatives. `reason` may be a template with
    {fields} filled from `params` (as a Problem's): `template` and `params` let a Problem made of
    this error be translated; `reason` is the English, filled."""

    def __init__(self, path: str, reason: str, params: tuple[tuple[str, str], ...] = ()):
        self.path = path
        self.reason = Problem(path, params=params).fill(reason)
        super().__init__("{path}: " + reason if params else "{path}: {reason}",
                         params=(*params, ("path", path)) if params else (("path", path), ("reason", reason)))
        self.template, self.params = reason, tuple(params)  # the reason's: a Problem made of it translates it


class CatalogueError(KyvatError):
    """A request to the catalogue that cannot be carried out (nothing was written). `field` names
    the record field or setting the request got wrong (`object_type`, `acquisition.donor`…), which
    the CLI turns into the option that sets it; `detail` is what is wrong, in English."""

    def __init__(self, detail: str, field: str = "", params: tuple[tuple[str, str], ...] = ()):
        super().__init__(detail, params=params)
        self.field = field
        self.detail = self.args[0]

    def __str__(self) -> str:
        return f"{self.field}: {self.detail}" if self.field else self.detail


class HistoryError(KyvatError):
    """The collection's git history cannot be read or written (history.py); a template marked with
    N_ filled from `params`, git's own words quoted as a Value."""


class PortInUse(KyvatError):
    """Another program already listens on the port the local server was asked for."""

    def __init__(self, port: int):
        self.port = port
        super().__init__(N_("port {port} is in use"), params=make_params(port=port))
