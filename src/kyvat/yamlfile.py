"""YAML and front-matter reading that remembers the line of every key, so messages can name it.

PyYAML is imported here and in no other module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .errors import make_params
from .messages import N_
from .yamltypes import LineDict, LineList, YamlSyntaxError

__all__ = ["LineDict", "LineList", "YamlSyntaxError", "make_front_matter", "make_yaml", "to_yaml", "to_yaml_scalar"]


class _Loader(yaml.SafeLoader):
    """PyYAML's own parser, in Python: it words a mistake best (it names the tab or the alias)."""


# libyaml, PyYAML's parser in C, reads a record several times faster with the same constructors
# and line numbers (bench/yaml_loaders.py); a text it refuses is read again by _Loader, for the message.
_FastLoader = type("_FastLoader", (yaml.CSafeLoader,), {}) if getattr(yaml, "__with_libyaml__", False) else None


class _Refused(Exception):
    """A text YAML reads but kyvat does not: raised by a constructor, made a YamlSyntaxError by make_yaml."""

    def __init__(self, node: yaml.Node, said: str, fix_said: str, **params):
        super().__init__(said)
        self.line, self.said, self.fix_said, self.params = node.start_mark.line, said, fix_said, params


def _child(loader: _Loader, node: yaml.Node) -> Any:
    # An alias (*name) hands the constructor a node it met before: refused, so that a few lines of
    # aliases of aliases (a "billion laughs") cannot grow into billions of values further on.
    if node in loader.constructed_objects or node in loader.recursive_objects:
        raise _Refused(node, "", "")  # make_yaml finds the alias's own line and name
    return loader.construct_object(node, deep=True)


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    if any(key.tag == "tag:yaml.org,2002:merge" for key, _ in node.value):
        raise _Refused(node, N_("the key '<<' on line {line} merges another group of keys into this one, which kyvat "
                                "does not read"), N_("write each key out in full"), line=node.start_mark.line)
    result = LineDict()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = _child(loader, key_node)
        if isinstance(key, (list, dict, set)):
            raise _Refused(key_node, N_("the key on line {line} is a list or a group of keys, not a word"),
                           N_("a key is a word followed by ':', as in title: ..."), line=key_node.start_mark.line)
        line = key_node.start_mark.line + 1
        if key in result:
            result.duplicates.append((key, line))
        result[key] = _child(loader, value_node)
        result.lines[key] = line
    return result


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList()
    result.line = node.start_mark.line + 1
    for child in node.value:
        result.append(_child(loader, child))
        result.lines.append(child.start_mark.line + 1)
    return result


def _or_text(construct):
    """A scalar Python refuses (1972-02-30, a whole number of 5,000 digits) is kept as its text, for
    the record reader to name the field instead of crashing."""
    def constructor(loader: _Loader, node: yaml.ScalarNode) -> Any:
        try:
            return construct(loader, node)
        except ValueError:
            return loader.construct_scalar(node)
    return constructor


for _loader in (_Loader, _FastLoader) if _FastLoader else (_Loader,):
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _or_text(yaml.SafeLoader.construct_yaml_timestamp))
    _loader.add_constructor("tag:yaml.org,2002:int", _or_text(yaml.SafeLoader.construct_yaml_int))
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def make_yaml(text: str, first_line: int = 1) -> Any:
    """Parse YAML text; keys carry lines counted from `first_line`."""
    if len(text) > MAX_CHARACTERS:
        raise YamlSyntaxError(N_("the text is longer than the {limit} characters kyvat reads in one file"),
                              None, N_("keep long texts in transcripts, and images in scans/"),
                              make_params(limit=f"{MAX_CHARACTERS:,}"))
    try:
        data = _load_fast(text)
        if data is _REFUSED:
            data = _load_explained(text, first_line)
    except _Refused as exc:
        raise _refused(text, exc, first_line) from None
    except RecursionError:
        raise _too_deep(text, first_line) from None
    if first_line != 1:
        _shift(data, first_line - 1)
    return data


_REFUSED = object()
MAX_CHARACTERS = 1_000_000  # a record or a page of text is a few thousand: past this, a file is not one
_MAX_DEPTH = 100  # lists and maps inside each other; a record needs four or five


def _refused(text: str, exc: _Refused, first_line: int) -> YamlSyntaxError:
    if exc.said:
        return YamlSyntaxError(exc.said, exc.line + first_line, exc.fix_said,
                               make_params(**{k: v + first_line if k == "line" else v for k, v in exc.params.items()}))
    alias = next((e for e in yaml.parse(text, Loader=_FastLoader or _Loader) if isinstance(e, yaml.AliasEvent)), None)
    line = alias.start_mark.line + first_line if alias else exc.line + first_line
    return YamlSyntaxError(N_("'*{name}' on line {line} repeats the value marked '&{name}' (a YAML alias), which "
                              "kyvat does not read"),
                           line, N_("write the value out in full in each place it is needed"),
                           make_params(name=alias.anchor if alias else "", line=line))


def _too_deep(text: str, first_line: int) -> YamlSyntaxError:
    """Lists or maps nested deeper than Python can follow: the line where they pass _MAX_DEPTH."""
    starts, ends = (yaml.SequenceStartEvent, yaml.MappingStartEvent), (yaml.SequenceEndEvent, yaml.MappingEndEvent)
    depth = 0
    line = first_line
    try:
        for event in yaml.parse(text, Loader=_FastLoader or _Loader):
            depth += isinstance(event, starts) - isinstance(event, ends)
            line = event.start_mark.line + first_line
            if depth > _MAX_DEPTH:
                break
    except yaml.YAMLError:
        pass  # the nesting is named where it was seen to pass the limit
    return YamlSyntaxError(N_("on line {line}, lists or groups of keys are nested more than {depth} deep"),
                           line, _GENERIC_FIX, make_params(line=line, depth=_MAX_DEPTH))


def _load_fast(text: str) -> Any:
    if _FastLoader is None:
        return _REFUSED
    try:
        return yaml.load(text, Loader=_FastLoader)  # noqa: S506 - _FastLoader is a CSafeLoader
    except yaml.MarkedYAMLError as exc:
        if exc.problem == "exceeded maximum nesting depth":  # libyaml's limit: past Python's own too
            raise RecursionError from None
        return _REFUSED
    except yaml.YAMLError:
        return _REFUSED


def _load_explained(text: str, first_line: int) -> Any:
    """Parse with PyYAML's pure loader, turning its error into a message for the curator."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        raise _explain(text, exc, first_line) from None
    except yaml.reader.ReaderError as exc:  # a control character, which no editor shows
        line = text[: exc.position].count("\n") + first_line
        raise YamlSyntaxError(N_("line {line} holds an invisible control character ({code}), which YAML does not "
                                 "allow"), line, N_("delete it; it often comes with text copied out of another "
                                                    "program"), make_params(line=line, code=f"U+{exc.character:04X}")
                              ) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError("{reason}", fix_said=_GENERIC_FIX, params=make_params(reason=exc)) from None


# -- a syntax error in a curator's words ---------------------------------------------------------
# PyYAML names a slip in its grammar's words ("mapping values are not allowed here") and often
# where it noticed it, not where it is (an unclosed quote is noticed at the next quote, lines on).
# Each diagnosis below reads the parser's error and the line it points to; one that proposes a
# corrected line holds only if the text, so corrected, reads past the place of the first error.

_GENERIC_FIX = N_("look for a bracket or quote opened and not closed, or a missing space after ':'")
_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")  # YAML's line breaks, as its marks count them
_KEY_LINE = re.compile(r"^(?P<indent>[ \t]*(?:-[ \t]+)*)(?P<key>[A-Za-z_][\w.-]*):(?P<gap>[ \t]*)(?P<value>.*)$")
_CLOSERS = {"[": "]", "{": "}"}


@dataclass(frozen=True)
class _Diagnosis:
    line: int  # 0-based, in the text parsed
    message: str  # templates, as YamlSyntaxError's
    fix: str
    mended: str | None = None  # the line corrected, when the fix is to rewrite it
    params: tuple[tuple[str, str], ...] = ()


def _explain(text: str, exc: yaml.MarkedYAMLError, first_line: int) -> YamlSyntaxError:
    lines = _BREAK.split(text)
    for diagnose in (_tab, _unclosed_quote, _backslash, _unclosed_bracket, _colon_in_text, _indentation,
                     _no_space_after_colon, _needs_quotes):
        found = diagnose(text, lines, exc, first_line)
        if found and _reads_further(lines, found, exc):
            return YamlSyntaxError(found.message, found.line + first_line, found.fix, found.params)
    problem = exc.problem_mark.line + first_line if exc.problem_mark else None
    context = exc.context_mark.line + first_line if exc.context_mark else None
    if context and problem and context != problem:
        # the curator's slip is usually where the unclosed thing began, not where YAML noticed
        # (PyYAML's own words, "while scanning a quoted scalar", stay as it says them)
        return YamlSyntaxError(N_("{context} that starts here; on line {line}: {problem}"), context, _GENERIC_FIX,
                               make_params(context=exc.context, line=problem, problem=exc.problem))
    if exc.problem or exc.context:
        return YamlSyntaxError("{reason}", context or problem, _GENERIC_FIX,
                               make_params(reason=exc.problem or exc.context))
    return YamlSyntaxError(N_("not YAML"), context or problem, _GENERIC_FIX)


def _reads_further(lines: list[str], found: _Diagnosis, exc: yaml.MarkedYAMLError) -> bool:
    if found.mended is None:
        return True
    mended = "\n".join(lines[: found.line] + [found.mended] + lines[found.line + 1:])
    try:
        yaml.compose(mended, Loader=_Loader)
    except yaml.MarkedYAMLError as again:
        return bool(again.problem_mark and exc.problem_mark and again.problem_mark.line > exc.problem_mark.line)
    except yaml.YAMLError:
        return False
    return True


def _quoted(value: str) -> str:
    """`value` in the quotes a curator reads most easily that keep it exactly."""
    if '"' not in value and "\\" not in value:
        return f'"{value}"'
    return f"'{value}'" if "'" not in value else to_yaml_scalar(value)


def _tab(text, lines, exc, first) -> _Diagnosis | None:
    problem = exc.problem or ""
    if "'\\t'" not in problem and "tab" not in problem or not exc.problem_mark:
        return None
    i = exc.problem_mark.line
    line = lines[i]
    column = exc.problem_mark.column if line[exc.problem_mark.column:][:1] == "\t" else line.find("\t")
    if column < 0:
        return None
    if not line[:column].strip():
        return _Diagnosis(i, N_("line {line} is indented with a Tab, and YAML indents with spaces only"),
                          N_("replace the Tab at the start of the line with spaces, lining it up with the lines "
                             "above it"), params=make_params(line=i + first))
    mended = line[:column] + " " + line[column + 1:]
    return _Diagnosis(i, N_("line {line} has a Tab where YAML needs a space"),
                      N_("replace the Tab with a space: {mended}"), mended,
                      make_params(line=i + first, mended=mended.strip()))


def _unclosed_quote(text, lines, exc, first) -> _Diagnosis | None:
    if exc.context == "while scanning a quoted scalar" and exc.context_mark:
        start, certain = exc.context_mark, True  # the file ended inside the quotes
    else:
        # the quotes closed at the next quote mark, lines on, just before where YAML stumbled
        spans = [token.start_mark for token in _tokens(text)
                 if isinstance(token, yaml.ScalarToken) and token.style in ("'", '"')
                 and token.start_mark.line < token.end_mark.line == exc.problem_mark.line]
        if not spans:
            return None
        start, certain = spans[-1], False
    i = start.line
    quote = lines[i][start.column]
    mended = lines[i].rstrip() + quote
    return _Diagnosis(i, N_("the quote ({quote}) that opens the text on line {line} is never closed"),
                      N_("end the text with {quote} on the same line: {mended}"), None if certain else mended,
                      make_params(quote=quote, line=i + first, mended=mended.strip()))


def _tokens(text: str) -> list:
    found = []
    try:
        for token in yaml.scan(text, Loader=_Loader):
            found.append(token)
    except yaml.YAMLError:
        pass
    return found


def _unclosed_bracket(text, lines, exc, first) -> _Diagnosis | None:
    if exc.context not in ("while parsing a flow sequence", "while parsing a flow mapping") or not exc.context_mark:
        return None
    i = exc.context_mark.line
    line = lines[i]
    opener = line[exc.context_mark.column]
    closer = _CLOSERS.get(opener, "")
    if not closer or line.count(opener) <= line.count(closer):
        return None
    mended = line.rstrip() + closer
    fix = (N_("close it on the same line, as in {mended}, or remove the '{opener}' if the value is not a list")
           if opener == "[" else
           N_("close it on the same line, as in {mended}, or remove the '{opener}' if the value is not a group of keys"))
    return _Diagnosis(i, N_("the '{opener}' on line {line} is never closed with '{closer}'"), fix, mended,
                      make_params(opener=opener, closer=closer, line=i + first, mended=mended.strip()))


def _colon_in_text(text, lines, exc, first) -> _Diagnosis | None:
    if exc.problem != "mapping values are not allowed here" or not exc.problem_mark:
        return None
    i = exc.problem_mark.line
    key = _KEY_LINE.match(lines[i])
    if not key or exc.problem_mark.column <= key.end("key"):
        return None
    mended = f"{key['indent']}{key['key']}: {_quoted(key['value'].rstrip())}"
    return _Diagnosis(i, N_("the text after '{key}:' on line {line} contains ': ', which YAML reads as the start "
                            "of another key"),
                      N_("a text that contains ': ' must be in quotes: {mended}"), mended,
                      make_params(key=key["key"], line=i + first, mended=mended.strip()))


def _indentation(text, lines, exc, first) -> _Diagnosis | None:
    """A key that starts in another column than the keys beside it."""
    if not exc.problem_mark:
        return None
    i = exc.problem_mark.line
    key = _KEY_LINE.match(lines[i])
    above = next((j for j in range(i - 1, -1, -1) if lines[j].strip() and not lines[j].lstrip().startswith("#")), None)
    if not key or above is None or "\t" in key["indent"]:
        return None
    here, there = len(key["indent"]), len(lines[above]) - len(lines[above].lstrip())
    at_key = exc.problem_mark.column in (here, key.end("key"))
    if not at_key or here == there or not _KEY_LINE.match(lines[above]):
        return None
    mended = " " * there + lines[i].lstrip()
    if here > there:
        message = N_("line {line} starts further right than line {above}, so YAML reads it as more of the text on "
                     "line {above}")
    else:
        message = N_("line {line} does not line up with the keys above it")
    return _Diagnosis(i, message, N_("start '{key}:' in the same column as the key on line {above}"), mended,
                      make_params(line=i + first, above=above + first, key=key["key"]))


def _no_space_after_colon(text, lines, exc, first) -> _Diagnosis | None:
    if exc.context != "while scanning a simple key" or not exc.context_mark:
        return None
    i = exc.context_mark.line
    glued = re.match(r"^([ \t]*(?:-[ \t]+)*)([A-Za-z_][\w.-]*):(\S.*)$", lines[i])
    if glued:
        mended = f"{glued[1]}{glued[2]}: {glued[3]}"
        return _Diagnosis(i, N_("there is no space after '{key}:' on line {line}"),
                          N_("put a space after the colon: {mended}"), mended,
                          make_params(key=glued[2], line=i + first, mended=mended.strip()))
    return _Diagnosis(i, N_("line {line} is neither 'key: value' nor a list item '- …'"),
                      N_("if it goes on with the text of the line above, join the two lines into one"),
                      params=make_params(line=i + first))


def _needs_quotes(text, lines, exc, first) -> _Diagnosis | None:
    """A text that starts with a quote or bracket and goes on after it closes, or with '@', '*'…"""
    if not exc.problem_mark:
        return None
    i = exc.problem_mark.line
    key = _KEY_LINE.match(lines[i])
    value = key["value"].rstrip() if key else ""
    if not value or exc.problem_mark.column < key.start("value"):
        return None
    start, column = value[0], exc.problem_mark.column - key.start("value")
    closer = start if start in "\"'" else _CLOSERS.get(start, "")
    if closer and not 0 < value.find(closer, 1) < column:
        return None  # the slip is inside the quotes or brackets, not text after them
    if start in "\"'":
        message = N_("the text after '{key}:' on line {line} starts with a quote ({start}), so YAML takes it to end "
                     "at the next {start}, but more text follows")
    elif start == "[":
        message = N_("the text after '{key}:' on line {line} starts with '{start}', which YAML reads as the start "
                     "of a list")
    elif start == "{":
        message = N_("the text after '{key}:' on line {line} starts with '{start}', which YAML reads as the start "
                     "of a group of keys")
    elif start in "@`*&!%":
        message = N_("the text after '{key}:' on line {line} starts with '{start}', which YAML keeps for itself")
    else:
        return None
    mended = f"{key['indent']}{key['key']}: {_quoted(value)}"
    return _Diagnosis(i, message, N_("put the whole text in quotes: {mended}"), mended,
                      make_params(key=key["key"], line=i + first, start=start, mended=mended.strip()))


def _backslash(text, lines, exc, first) -> _Diagnosis | None:
    if exc.context != "while scanning a double-quoted scalar" or "escape" not in (exc.problem or ""):
        return None
    i, column = exc.context_mark.line, exc.context_mark.column
    inner = lines[i][column + 1:].rstrip()
    if not inner.endswith('"') or "'" in inner:
        return None
    mended = f"{lines[i][:column]}'{inner[:-1]}'"
    return _Diagnosis(i, N_("a backslash (\\) inside double quotes on line {line} starts a special character"),
                      N_("put a text with a backslash in single quotes: {mended}"), mended,
                      make_params(line=i + first, mended=mended.strip()))


def _shift(data: Any, by: int) -> None:
    if isinstance(data, LineDict):
        data.line += by
        data.lines = {k: v + by for k, v in data.lines.items()}
        data.duplicates = [(k, v + by) for k, v in data.duplicates]
        for value in data.values():
            _shift(value, by)
    elif isinstance(data, LineList):
        data.line += by
        data.lines = [v + by for v in data.lines]
        for value in data:
            _shift(value, by)


@dataclass
class FrontMatterDoc:
    meta: Any = field(default_factory=LineDict)
    body: str = ""
    body_line: int = 1


def make_front_matter(text: str) -> FrontMatterDoc:
    """Split `---` YAML front matter from a Markdown body (as Jekyll, Hugo and Pelican do)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return FrontMatterDoc(LineDict(), text, 1)
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            meta = make_yaml("".join(lines[1:index]), first_line=2)
            return FrontMatterDoc(meta if meta is not None else LineDict(), "".join(lines[index + 1:]), index + 2)
    raise YamlSyntaxError(N_("the front matter opened with '---' on line 1 is never closed"), 1,
                          N_("end it with a line that holds only '---', before the text of the page"))


def to_yaml(data: Any) -> str:
    """Dump plain data as block YAML, keeping key order and Vietnamese letters readable."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False)


def to_yaml_scalar(text: str) -> str:
    """`text` as one double-quoted YAML scalar that reads back as exactly `text`, whatever it holds
    (quotes, a colon, `#`, a line break, an invisible character), for the record scaffolds."""
    return yaml.safe_dump(str(text), allow_unicode=True, default_style='"', width=1 << 30).rstrip("\n")
